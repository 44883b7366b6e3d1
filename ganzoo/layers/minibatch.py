"""Layers that let a discriminator see statistics of the whole batch, against mode
collapse: `MinibatchStdDev` (Karras et al., 2018) and `MinibatchDiscrimination`
(Salimans et al., 2016).
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from ganzoo.core.replicas import global_sum, num_replicas


@keras.saving.register_keras_serializable(package="ganzoo")
class MinibatchStdDev(keras.layers.Layer):
    """Minibatch standard deviation (Karras, Aila, Laine & Lehtinen, 2018, §3,
    arXiv:1710.10196): one feature map with the mean standard deviation of the features
    over a group of images, appended to the input.

    As in the authors' code (`minibatch_stddev_layer` of tkarras/progressive_growing_of_gans),
    the batch is split into groups of `group_size` images taken with a stride (image `i`
    belongs to group `i mod (batch / group_size)`); per group the standard deviation
    of every feature over the group (`sqrt(var + 1e-8)`) is averaged over features and
    pixels, and the value is tiled into one `(H, W, 1)` map for each image of the group.
    The batch must be a multiple of `min(group_size, batch)`.

    Under a `tf.distribute` strategy the statistics are those of the global batch:
    every replica gathers the features of all replicas (differentiably, as
    `MinibatchDiscrimination` does), groups the global batch as one device would and
    keeps its own rows, so N replicas compute exactly what one device computes.

    Args:
        group_size: images per group (4 in the paper).
        **kwargs: those of `keras.layers.Layer`.

    Example:
    >>> x = MinibatchStdDev()(features)   # (batch, H, W, C) -> (batch, H, W, C + 1)
    """

    def __init__(self, group_size: int = 4, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(group_size, int) or group_size < 1:
            raise ValueError(f"group_size must be a positive integer; got {group_size!r}.")
        self.group_size = group_size

    def build(self, input_shape) -> None:
        if len(input_shape) != 4:
            raise ValueError(
                f"Expected feature maps of shape (batch, H, W, C); got {tuple(input_shape)}."
            )
        self.built = True

    def call(self, inputs):
        local = ops.shape(inputs)[0]
        x, offset = _all_rows(ops.cast(inputs, "float32"))
        batch = ops.shape(x)[0]
        height, width, channels = x.shape[1], x.shape[2], x.shape[3]
        group = ops.minimum(self.group_size, batch)
        y = ops.reshape(x, (group, -1, height, width, channels))
        y = y - ops.mean(y, axis=0, keepdims=True)
        std = ops.sqrt(ops.mean(ops.square(y), axis=0) + 1e-8)  # (M, H, W, C)
        std = ops.mean(std, axis=(1, 2, 3))  # (M,)
        std = ops.tile(std, (group,))[offset : offset + local]  # image i: group i mod M
        maps = ops.ones((local, height, width, 1), "float32") * ops.reshape(std, (-1, 1, 1, 1))
        return ops.concatenate([inputs, ops.cast(maps, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self) -> dict:
        return {**super().get_config(), "group_size": self.group_size}


def _all_rows(values):
    """`values` of every replica, `(global_batch, ...)`, in replica order; differentiable
    (an all-reduce sum of zero-padded shares, whose gradient is an all-reduce sum)."""
    replicas = num_replicas()
    if replicas == 1:
        return values, 0
    shape = tf.shape(values)
    local = shape[0]
    replica = tf.distribute.get_replica_context().replica_id_in_sync_group
    padded = tf.scatter_nd(
        tf.expand_dims(tf.range(local) + replica * local, 1),
        values,
        tf.concat([[local * replicas], shape[1:]], axis=0),
    )
    return global_sum(padded), replica * local


@keras.saving.register_keras_serializable(package="ganzoo")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans, Goodfellow, Zaremba, Cheung, Radford & Chen,
    2016, §3.2, arXiv:1606.03498).

    For features `f(x_i) ∈ R^A` and a learned tensor `T ∈ R^{A×B×C}`, `M_i = f(x_i) T`
    (`B × C`), `c_b(x_i, x_j) = exp(-‖M_{i,b} - M_{j,b}‖₁)` and
    `o(x_i)_b = Σ_{j≠i} c_b(x_i, x_j) + bias_b`; the output is `[f(x_i), o(x_i)]`, of
    size `A + B`. As in the authors' `MinibatchLayer` (openai/improved-gan, `nn.py`) an
    image is not compared with itself, `T` starts from N(0, 0.05²) and there is a bias.

    The sum over `j` runs over the *global* batch: under a `tf.distribute` strategy every
    replica gathers the `M_j` of all replicas (differentiably), so N replicas compute
    exactly what one device computes on the whole batch.

    Args:
        num_kernels: `B` (100 in the authors' code).
        kernel_dim: `C` (5 in the authors' code).
        **kwargs: those of `keras.layers.Layer`.

    Example:
    >>> x = MinibatchDiscrimination(100, 5)(flat_features)   # (batch, A) -> (batch, A + 100)
    """

    def __init__(self, num_kernels: int = 100, kernel_dim: int = 5, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("num_kernels", num_kernels), ("kernel_dim", kernel_dim)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        self.num_kernels = num_kernels
        self.kernel_dim = kernel_dim

    def build(self, input_shape) -> None:
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"Expected features of shape (batch, A); got {tuple(input_shape)}.")
        self.kernel = self.add_weight(
            shape=(int(input_shape[-1]), self.num_kernels * self.kernel_dim),
            initializer=keras.initializers.RandomNormal(0.0, 0.05),
            name="kernel",
        )
        self.bias = self.add_weight(shape=(self.num_kernels,), initializer="zeros", name="bias")
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        m = ops.reshape(
            ops.matmul(x, ops.cast(self.kernel, "float32")), (-1, self.num_kernels, self.kernel_dim)
        )
        everyone, offset = _all_rows(m)
        distances = ops.sum(ops.abs(m[:, None] - everyone[None]), axis=-1)  # (b, N, B)
        own = ops.one_hot(ops.arange(ops.shape(m)[0]) + offset, ops.shape(everyone)[0])
        similarity = ops.exp(-distances) * (1.0 - own)[:, :, None]
        o = ops.sum(similarity, axis=1) + ops.cast(self.bias, "float32")
        return ops.concatenate([inputs, ops.cast(o, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] + self.num_kernels)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_kernels": self.num_kernels,
            "kernel_dim": self.kernel_dim,
        }
