"""Normalisation layers: `instance_normalization()` (Ulyanov et al., 2016) as Keras'
`GroupNormalization` with one group per channel, and `BatchNormalization`, Keras' batch
norm trained with TensorFlow's fused kernel.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops


def instance_normalization(
    epsilon: float = 1e-5, affine: bool = False, name: str | None = None
) -> keras.layers.Layer:
    """Instance normalisation (Ulyanov, Vedaldi & Lempitsky, 2016).

    Normalises every channel of every image over its spatial positions. It is Keras'
    `GroupNormalization` with one group per channel (`groups=-1`); `groups=1` would be
    layer normalisation, over all channels at once.

    Args:
        epsilon: added to the variance (1e-5, as PyTorch's `InstanceNorm2d`).
        affine: learn a per-channel scale and shift. CycleGAN and pix2pix use none
            (PyTorch's `InstanceNorm2d(affine=False)` default).
        name: the layer's name.

    Returns:
        A `keras.layers.GroupNormalization` layer.

    Example:
    >>> norm = instance_normalization()
    >>> y = norm(x)  # every (image, channel) of y has mean 0 and variance ~1
    """
    return keras.layers.GroupNormalization(
        groups=-1, center=affine, scale=affine, epsilon=epsilon, name=name
    )


@keras.saving.register_keras_serializable(package="ganzoo")
class BatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` whose training step uses TensorFlow's fused kernel.

    Keras 3 computes batch statistics with separate TensorFlow ops (and, with
    `synchronized=True`, through a cross-replica sum even on one device), a dozen passes
    over the activations forward and more backward. This layer computes the same thing
    with `FusedBatchNormV3` and its fused gradient, one kernel each way: on a 2-core CPU
    it makes DCGAN's training step ~15 % faster (see `docs/performance.md`). The
    arguments, weights, saved files and statistics are Keras': the moving variance is
    updated with the biased batch variance, as Keras does.

    The fused kernel runs when training on 2-, 3- or 4-D inputs of at most float32
    precision normalised over the last axis, without mask or renorm, on one replica (or
    with `synchronized=False`); anything else (inference, float64, several replicas with
    `synchronized=True`) is Keras' own code. Both use the layer's `epsilon` as it is:
    the two then agree to float32 rounding, so N synchronised replicas train like one
    device (`benchmarks/batchnorm_replicas.py`).

    Args:
        fused: use the fused kernel where it applies (`False`: always Keras' code).
        **kwargs: those of `keras.layers.BatchNormalization`.

    Example:
    >>> norm = BatchNormalization(momentum=0.9, epsilon=1e-5, synchronized=True)
    >>> y = norm(x, training=True)  # normalised with the batch's statistics
    """

    def __init__(self, fused: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.fused = bool(fused)

    def get_config(self) -> dict:
        return {**super().get_config(), "fused": self.fused}

    def call(self, inputs, training=None, mask=None):
        if not self._fusable(inputs, training, mask):
            return super().call(inputs, training=training, mask=mask)
        x = ops.cast(inputs, "float32")  # statistics in float32, as Keras does
        shape = tf.shape(x)
        channels = x.shape[-1]
        # The fused kernel takes NHWC tensors: (N, C) -> (N, 1, 1, C), (N, L, C) -> (N, L, 1, C).
        x4 = tf.reshape(x, [shape[0], -1, 1, channels]) if x.shape.rank < 4 else x
        gamma = ops.cast(self.gamma, "float32") if self.scale else tf.ones([channels])
        beta = ops.cast(self.beta, "float32") if self.center else tf.zeros([channels])
        # The layer's epsilon, not `tf.nn.fused_batch_norm`'s floor of 1.001e-5 (cuDNN's
        # old minimum, 0 since cuDNN 7.6): activations whose variance is near epsilon
        # (DCGAN's discriminator on the first fake batches) make a 0.1 % change of
        # epsilon a 1e-4 change of the step, ~1,000 times float32 rounding.
        y, mean, unbiased_variance, _, _, _ = tf.raw_ops.FusedBatchNormV3(
            x=x4,
            scale=gamma,
            offset=beta,
            mean=tf.zeros([0]),
            variance=tf.zeros([0]),
            epsilon=self.epsilon,
            exponential_avg_factor=1.0,
            data_format="NHWC",
            is_training=True,
        )
        # The kernel returns the unbiased variance; Keras' moving variance averages the
        # biased one (the one the batch is normalised with).
        count = tf.cast(tf.size(x) // channels, "float32")
        variance = unbiased_variance * (count - 1.0) / tf.maximum(count, 1.0)
        self._update_moving_statistics(tf.stop_gradient(mean), tf.stop_gradient(variance))
        if x.shape.rank < 4:
            y = tf.reshape(y, shape)
        return ops.cast(y, self.compute_dtype)

    def _update_moving_statistics(self, mean, variance) -> None:
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            batch = ops.cast(batch, moving.dtype)
            moving.assign(moving * self.momentum + batch * (1.0 - self.momentum))

    def _fusable(self, inputs, training, mask) -> bool:
        rank = inputs.shape.rank
        if not (self.fused and training and self.trainable) or mask is not None or self.renorm:
            return False
        if rank not in (2, 3, 4) or self.axis % rank != rank - 1 or inputs.shape[-1] is None:
            return False
        # The kernel computes in float32; Keras' code keeps float64 in float64.
        if keras.backend.result_type(inputs.dtype, "float32") != "float32":
            return False
        if self.synchronized:
            context = tf.distribute.get_replica_context()
            if context is not None and context.num_replicas_in_sync > 1:
                return False
        return True
