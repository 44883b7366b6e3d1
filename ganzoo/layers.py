"""Layers that Keras lacks and GAN papers use.

- `ReflectionPadding2D`: pads an image by mirroring it at its border (no repeat of the
  edge pixel), like PyTorch's `nn.ReflectionPad2d` and `tf.pad(mode="REFLECT")`. The
  CycleGAN and pix2pixHD generators pad with it to avoid border artefacts.
- `instance_normalization()`: instance norm (Ulyanov et al., 2016) as Keras' own
  `GroupNormalization` with one group per channel.
- `BatchNormalization`: Keras' batch norm, trained with TensorFlow's fused kernel.
- `SpectralNormalization`: a layer's weight divided by its largest singular value
  (Miyato et al., 2018), one power iteration per `update_spectral_norms(model)` call.
- `GaussianNoise`: additive noise drawn for the global batch (the distribution rule),
  the noise layers of the semi-supervised GAN's discriminator.
- `WeightNormDense`: a dense layer with weight normalisation (Salimans & Kingma, 2016)
  and its data-dependent initialisation, the layers of the semi-supervised GAN's
  discriminator.
"""

from __future__ import annotations

import random

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def _pair(value, what: str) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    if hasattr(value, "__len__") and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (int(value[0]), int(value[1]))
    raise ValueError(f"Expected {what} as an int or a pair of ints; got {value!r}.")


@keras.saving.register_keras_serializable(package="ganzoo")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads the two spatial axes of an image by reflection.

    Reflection mirrors the image at its border without repeating the border pixel: a row
    `[1, 2, 3]` padded by 2 becomes `[3, 2, 1, 2, 3, 2, 1]`. Each padding must be smaller
    than the side it pads.

    Args:
        padding: an int (the same on all four sides), a pair `(height_pad, width_pad)`
            (symmetric), or `((top, bottom), (left, right))`.
        data_format: `"channels_last"` (default) or `"channels_first"`; `None` uses
            `keras.config.image_data_format()`.
        **kwargs: passed to `keras.layers.Layer` (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` (channels last) or
        `(batch, channels, height, width)`.

    Output shape:
        `(batch, top + height + bottom, left + width + right, channels)` or the
        channels-first equivalent.

    Example:
    >>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    >>> ReflectionPadding2D(1)(x)[0, :, :, 0]
    [[4, 3, 4, 5, 4],
     [1, 0, 1, 2, 1],
     [4, 3, 4, 5, 4],
     [7, 6, 7, 8, 7],
     [4, 3, 4, 5, 4]]
    """

    def __init__(self, padding=1, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        data_format = data_format or keras.config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"Expected data_format 'channels_last' or 'channels_first'; got {data_format!r}."
            )
        self.data_format = data_format
        if isinstance(padding, int):
            padding = (padding, padding)
        if not (hasattr(padding, "__len__") and len(padding) == 2):
            raise ValueError(
                "Expected padding as an int, (height_pad, width_pad) or "
                f"((top, bottom), (left, right)); got {padding!r}."
            )
        padding = tuple(_pair(p, "the padding of one axis") for p in padding)
        if any(p < 0 for side in padding for p in side):
            raise ValueError(f"Expected non-negative paddings; got {padding!r}.")
        self.padding = padding
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def _spatial_axes(self) -> tuple[int, int]:
        return (1, 2) if self.data_format == "channels_last" else (2, 3)

    def build(self, input_shape) -> None:
        for axis, (before, after) in zip(self._spatial_axes(), self.padding, strict=True):
            size = input_shape[axis]
            if size is not None and max(before, after) >= size:
                raise ValueError(
                    f"Reflection padding must be smaller than the side it pads; got padding "
                    f"{(before, after)} on an axis of size {size} (input shape {input_shape})."
                )
        self.built = True

    def call(self, inputs):
        pads = [[0, 0], [0, 0], [0, 0], [0, 0]]
        for axis, (before, after) in zip(self._spatial_axes(), self.padding, strict=True):
            pads[axis] = [before, after]
        return ops.pad(inputs, pads, mode="reflect")

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (before, after) in zip(self._spatial_axes(), self.padding, strict=True):
            if shape[axis] is not None:
                shape[axis] = shape[axis] + before + after
        return tuple(shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


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


@keras.saving.register_keras_serializable(package="ganzoo")
class SpectralNormalization(keras.layers.Wrapper):
    """Spectral normalisation of a layer's weight (Miyato et al., 2018, arXiv:1802.05957).

    The wrapped layer keeps its weight `W` (the trainable variable) and computes with
    `W / σ(W)`, where `σ(W) = uᵀ W v` estimates the largest singular value of `W` from
    the vectors `u` and `v` of the power iteration (Algorithm 1 of the paper). `u` and
    `v` enter under stop-gradient, so the gradient flows through `σ`:
    `∂L/∂W = (G - ⟨G, W/σ⟩ u vᵀ) / σ` with `G = ∂L/∂(W/σ)` (eq. 12 of the paper), as in
    the reference chainer code (`sn_linear.py`, `sn_convolution_2d.py` of
    pfnet-research/sngan_projection) and `torch.nn.utils.spectral_norm`. Keras' own
    `keras.layers.SpectralNormalization` assigns `W/σ` over the kernel inside `call`
    instead, so no gradient flows through its `σ`, and it iterates on every training
    call.

    One power iteration per discriminator update: calling the layer never changes `u`
    and `v` (not in D(real), D(fake), the generator's step or a penalty's tape);
    `power_iteration()` does, and `update_spectral_norms(model)` runs it for every such
    layer of a model. `ganzoo.SNGAN` calls it at the start of each discriminator step,
    inside the train step, so under a `tf.distribute` strategy each replica runs it on
    the same mirrored values; `u` and `v` are variables with
    `aggregation="only_first_replica"` (replica 0's value is written to every copy), so
    they stay identical on every replica. They are float32 under any mixed-precision
    policy (`σ` and `W/σ` are computed in float32), start from one iteration on a random
    `u` when the layer is built, and are saved with the weights (`.keras`, checkpoints,
    `BackupAndRestore`). Without `power_iteration()` calls (inference, or a model whose
    training step does not call it) the layer uses the `u`, `v` it holds.

    The weight is the layer's `kernel` (`Dense`, `Conv1D/2D/3D`, `Conv2DTranspose`,
    `EinsumDense`) or `embeddings` (`Embedding`), reshaped to a matrix of shape
    `(-1, last_axis)`: a `Conv2D` kernel `(kh, kw, c_in, c_out)` becomes
    `(kh·kw·c_in, c_out)`, the transpose of the reference's `W.reshape(c_out, -1)` up to
    a permutation of its columns, with the same singular values. The bias is not
    normalised.

    Args:
        layer: the layer to normalise (unbuilt or built).
        power_iterations: iterations per `power_iteration()` call (1 in the paper).
        epsilon: floor of the norms in the iteration and of `σ`.
        **kwargs: passed to `keras.layers.Wrapper` (`name`, `dtype`, ...).

    Example:
    >>> conv = SpectralNormalization(keras.layers.Conv2D(64, 3, padding="same"))
    >>> y = conv(images)  # convolves with W / σ(W)
    >>> conv.power_iteration()  # once per discriminator update
    """

    def __init__(self, layer, power_iterations: int = 1, epsilon: float = 1e-12, **kwargs):
        if isinstance(layer, keras.layers.SpectralNormalization):
            raise ValueError("Expected a layer to normalise; got Keras' SpectralNormalization.")
        super().__init__(layer, **kwargs)
        if not isinstance(power_iterations, int) or power_iterations < 1:
            raise ValueError(
                f"power_iterations must be a positive integer; got {power_iterations!r}."
            )
        self.power_iterations = power_iterations
        self.epsilon = float(epsilon)

    def build(self, input_shape=None) -> None:
        super().build(input_shape)
        weight = self.weight_variable
        if not isinstance(weight, keras.Variable):
            raise ValueError(
                f"Expected a layer with a `kernel` or `embeddings` variable (Dense, Conv2D, "
                f"Embedding, ...); got {type(self.layer).__name__} {self.layer.name!r}."
            )
        shape = tuple(int(d) for d in weight.shape)
        self.matrix_shape = (int(np.prod(shape[:-1])), shape[-1])
        # Row vectors: u (1, out) and v (1, in) of the paper's W (out × in), the
        # transpose of the `(in, out)` matrix here, so σ = uᵀ W v = v · matrix · uᵀ.
        options = {"trainable": False, "dtype": "float32", "autocast": False}
        options["aggregation"] = "only_first_replica"
        self.u = self.add_weight(
            shape=(1, shape[-1]), initializer=keras.initializers.RandomNormal(), name="u", **options
        )
        self.v = self.add_weight(
            shape=(1, self.matrix_shape[0]), initializer="zeros", name="v", **options
        )
        self.built = True
        if not keras.src.backend.in_stateless_scope():
            self.power_iteration()  # v from u: σ is an estimate before the first update

    @property
    def weight_variable(self):
        """The wrapped layer's `kernel` or `embeddings` variable (`None` before it is
        built). Not an attribute of this layer, which would track it a second time."""
        if not self.layer.built:
            return None
        weight = getattr(self.layer, "kernel", None)
        return getattr(self.layer, "embeddings", None) if weight is None else weight

    def _weight(self):
        """The weight as a float32 tensor, read without autocasting."""
        with keras.src.backend.AutocastScope(None):
            return tf.cast(tf.convert_to_tensor(self.weight_variable.value), "float32")

    def _normalize(self, x):
        # x / max(‖x‖, ε), as `torch.nn.functional.normalize` (the reference adds ε).
        return tf.math.l2_normalize(x, epsilon=self.epsilon**2)

    def power_iteration(self) -> None:
        """Updates `u` and `v` by `power_iterations` steps of the power iteration on `W`:
        `v ← Wᵀu / ‖Wᵀu‖`, `u ← Wv / ‖Wv‖` (in the paper's orientation of `W`)."""
        matrix = tf.reshape(tf.stop_gradient(self._weight()), self.matrix_shape)
        u = tf.convert_to_tensor(self.u.value)
        for _ in range(self.power_iterations):
            v = self._normalize(tf.matmul(u, matrix, transpose_b=True))
            u = self._normalize(tf.matmul(v, matrix))
        self.v.assign(v)
        self.u.assign(u)

    def sigma(self, weight=None):
        """`σ(W) = uᵀ W v` with the current `u`, `v`, differentiable in `W` only.

        Args:
            weight: the weight as a float32 tensor; the layer's own when omitted.
        """
        weight = self._weight() if weight is None else weight
        u, v = tf.stop_gradient(self.u.value), tf.stop_gradient(self.v.value)
        sigma = tf.matmul(tf.matmul(v, tf.reshape(weight, self.matrix_shape)), u, transpose_b=True)
        return tf.maximum(tf.reshape(sigma, ()), self.epsilon)

    def normalized_weight(self):
        """`W / σ(W)` in the weight's shape, float32, differentiable in `W`."""
        weight = self._weight()
        return weight / self.sigma(weight)

    def call(self, inputs):
        # The wrapped layer reads W / σ wherever it reads W (Keras' StatelessScope), so
        # every layer with a kernel or embeddings works unchanged.
        scope = keras.StatelessScope()
        outer = keras.src.backend.get_stateless_scope()
        if outer is not None:  # keep what an enclosing stateless scope maps
            scope.state_mapping.update(outer.state_mapping)
            scope.collect_losses, scope.losses = outer.collect_losses, outer.losses
        scope.state_mapping[id(self.weight_variable)] = self.normalized_weight()
        with scope:
            return self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"power_iterations": self.power_iterations, "epsilon": self.epsilon})
        return config


def spectral_normalizations(model) -> list[SpectralNormalization]:
    """Every `SpectralNormalization` layer of `model` (a layer or model), nested ones
    included, in Keras' layer order."""
    return [
        layer
        for layer in model._flatten_layers(include_self=True)
        if isinstance(layer, SpectralNormalization)
    ]


def update_spectral_norms(model) -> None:
    """Runs `power_iteration()` of every `SpectralNormalization` layer of `model`.

    Call it once per update of the model's weights, before that update's forward
    passes (`ganzoo.SNGAN` does at the start of each discriminator step).

    Example:
    >>> update_spectral_norms(gan.discriminator)
    """
    for layer in spectral_normalizations(model):
        layer.power_iteration()


def unnormalized_layers(model) -> list[str]:
    """Names of the layers of `model` that hold a weight matrix (`kernel` or
    `embeddings`) outside a `SpectralNormalization` wrapper; Keras' own
    `keras.layers.SpectralNormalization` counts as one (no gradient flows through its σ).
    """
    layers_ = model._flatten_layers(include_self=False)
    wrapped = {id(layer.layer) for layer in layers_ if isinstance(layer, SpectralNormalization)}
    names = []
    for layer in layers_:
        if id(layer) in wrapped or isinstance(layer, SpectralNormalization):
            continue
        if isinstance(layer, keras.layers.SpectralNormalization):
            wrapped.add(id(layer.layer))
            names.append(f"{layer.name} (keras.layers.SpectralNormalization)")
        elif getattr(layer, "kernel", None) is not None or hasattr(layer, "embeddings"):
            names.append(layer.name)
    return names


@keras.saving.register_keras_serializable(package="ganzoo")
class GaussianNoise(keras.layers.Layer):
    """Adds `N(0, stddev²)` noise while training, drawn by the distribution rule.

    Unlike `keras.layers.GaussianNoise`, whose seed generator gives every replica of a
    `MirroredStrategy` the same noise, the noise is drawn for the global batch and
    each replica adds its slice (`ganzoo.core.replicas.draw_for_replica`), so N
    replicas train exactly as one device. Its seed state is saved with a ganzoo model.

    Args:
        stddev: standard deviation of the noise; 0 adds nothing.
        seed: seed of the layer's `keras.random.SeedGenerator`; `None` draws one from
            Python's `random` (seeded by `keras.utils.set_random_seed`) and keeps it in
            the config, so a model rebuilt from its config draws the same noise.
        **kwargs: those of `keras.layers.Layer`.

    Example:
    >>> noisy = GaussianNoise(0.5)(features, training=True)
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if float(stddev) < 0:
            raise ValueError(f"stddev must be non-negative; got {stddev!r}.")
        self.stddev = float(stddev)
        self.seed = random.randrange(2**31) if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        from ganzoo.core.replicas import draw_for_replica

        noise = draw_for_replica(
            keras.random.normal, ops.shape(inputs), self.seed_generator, stddev=self.stddev
        )
        return inputs + ops.cast(noise, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


@keras.saving.register_keras_serializable(package="ganzoo")
class WeightNormDense(keras.layers.Layer):
    """A dense layer with weight normalisation (Salimans & Kingma, 2016, "Weight
    Normalization"): `y = activation(x · w + b)` with `w_j = g_j · v_j / ‖v_j‖` for every
    output unit `j`, as the authors' `nn.DenseLayer` (openai/improved-gan).

    `initialize(inputs)` is the data-dependent initialisation: it sets `g = 1 / σ` and
    `b = -μ / σ`, μ and σ the per-unit mean and standard deviation of `x · v / ‖v‖` on a
    batch, so the pre-activations start standardised. It runs once: the layer keeps an
    `initialized` flag among its (non-trainable) weights, saved with the model.

    Args:
        units: number of output units.
        activation: the activation (a Keras name or callable); `None` for linear.
        train_scale: whether `g` is trained (the authors train it only in the logits
            layer; elsewhere it stays at its data-dependent value).
        kernel_initializer: initialiser of `v`; `None` is `N(0, 0.1²)`, the authors'.
        **kwargs: those of `keras.layers.Layer`.

    Example:
    >>> layer = WeightNormDense(250, activation="relu", train_scale=False)
    >>> layer.initialize(features)  # optional, once, before training
    """

    def __init__(
        self,
        units: int,
        activation=None,
        train_scale: bool = True,
        kernel_initializer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if int(units) < 1:
            raise ValueError(f"units must be a positive integer; got {units!r}.")
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.train_scale = bool(train_scale)
        self.kernel_initializer = kernel_initializer

    def build(self, input_shape):
        init = self.kernel_initializer or keras.initializers.RandomNormal(stddev=0.1)
        self.kernel = self.add_weight(
            shape=(int(input_shape[-1]), self.units), initializer=init, name="kernel"
        )
        self.scale = self.add_weight(
            shape=(self.units,), initializer="ones", name="scale", trainable=self.train_scale
        )
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.initialized = self.add_weight(
            shape=(), initializer="zeros", name="initialized", trainable=False
        )

    def direction(self):
        """`v / ‖v‖`, each output unit's weight vector of unit norm."""
        kernel = ops.cast(self.kernel, "float32")
        return kernel / ops.sqrt(ops.sum(ops.square(kernel), axis=0, keepdims=True) + 1e-12)

    def call(self, inputs):
        kernel = self.direction() * ops.cast(self.scale, "float32")
        outputs = ops.matmul(inputs, ops.cast(kernel, inputs.dtype))
        return self.activation(outputs + ops.cast(self.bias, inputs.dtype))

    def initialize(self, inputs) -> bool:
        """The data-dependent initialisation on the batch `inputs`; returns whether it
        ran (False once the layer has been initialised)."""
        if float(ops.convert_to_numpy(self.initialized)) > 0:
            return False
        pre = ops.matmul(ops.cast(inputs, "float32"), self.direction())
        mean = ops.mean(pre, axis=0)
        std = ops.sqrt(ops.mean(ops.square(pre - mean), axis=0) + 1e-8)
        self.scale.assign(ops.cast(1.0 / std, self.scale.dtype))
        self.bias.assign(ops.cast(-mean / std, self.bias.dtype))
        self.initialized.assign(1.0)
        return True

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict:
        init = self.kernel_initializer and keras.initializers.get(self.kernel_initializer)
        return {
            **super().get_config(),
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "train_scale": self.train_scale,
            "kernel_initializer": None if init is None else keras.initializers.serialize(init),
        }
