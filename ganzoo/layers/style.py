"""StyleGAN2's layers (Karras et al., 2020, "Analyzing and Improving the Image Quality
of StyleGAN", arXiv:1912.04958), after NVlabs stylegan2-ada-pytorch
`training/networks.py`:

- `EqualizedDense`, `EqualizedConv2D`: equalised learning rate (weights drawn from
  N(0, 1/lr_mul²) and scaled at run time by `lr_mul / sqrt(fan_in)`), with the
  reference's leaky ReLU of gain √2;
- `ModulatedConv2D`: a convolution modulated by a style from `w` (an affine layer whose
  bias starts at 1), demodulated (§2.2), with the per-pixel noise input of learned
  strength; `modulated_conv2d` is its arithmetic;
- `ConstantInput`, the synthesis network's learned input;
- `upsample2d`, `downsample2d` (and `Upsample2D`): resampling with the reference's
  [1, 3, 3, 1] filter.

The layers between `z` and the synthesis network (`w`'s mean, style mixing) are in
`ganzoo.layers.mapping`.

Random draws (noise, mixing) follow the distribution rule (`draw_for_replica`).
"""

from __future__ import annotations

import math
import random

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from ganzoo.core.replicas import draw_for_replica

#: the leaky ReLU's slope and gain in the reference (`bias_act.activation_funcs`).
LRELU_SLOPE, LRELU_GAIN = 0.2, math.sqrt(2.0)


def lrelu(x):
    """The reference's `lrelu` activation: slope 0.2, times √2."""
    return ops.leaky_relu(x, LRELU_SLOPE) * LRELU_GAIN


def _fir(x, gain: float, stride: int, pad: tuple[int, int]):
    """`x` filtered depthwise by the [1, 3, 3, 1] outer product (sum `gain`)."""
    taps = np.array([1.0, 3.0, 3.0, 1.0])
    kernel = np.outer(taps, taps) / np.sum(taps) ** 2 * gain
    channels = x.shape[-1]
    kernel = tf.constant(np.tile(kernel[:, :, None, None], (1, 1, channels, 1)), x.dtype)
    x = tf.pad(x, [[0, 0], list(pad), list(pad), [0, 0]])
    return tf.nn.depthwise_conv2d(x, kernel, [1, stride, stride, 1], "VALID")


def upsample2d(x):
    """×2 upsampling as the reference's `upfirdn2d.upsample2d`: zeros inserted after
    every pixel, then the [1, 3, 3, 1] filter with gain 4 (padding 2, 1)."""
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    x = ops.reshape(x, (-1, height, 1, width, 1, channels))
    x = tf.pad(x, [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]])
    x = ops.reshape(x, (-1, 2 * height, 2 * width, channels))
    return _fir(x, 4.0, 1, (2, 1))


def downsample2d(x):
    """×2 downsampling as the reference's `upfirdn2d.downsample2d`: the [1, 3, 3, 1]
    filter (padding 1, 1), then every second pixel."""
    return _fir(x, 1.0, 2, (1, 1))


def modulated_conv2d(x, weight, styles, demodulate: bool = True):
    """The modulated convolution of §2.2 (the reference's `fused_modconv=False` path).

    `w'ᵢⱼₖ = sᵢ · wᵢⱼₖ` (input channel i scaled by the style), and with demodulation
    `w''ᵢⱼₖ = w'ᵢⱼₖ / sqrt(Σᵢₖ w'ᵢⱼₖ² + 1e-8)`, so that unit-variance inputs give
    unit-variance outputs (Eq. 1–3); computed as input scaling, a shared convolution
    and output scaling.

    Args:
        x: `(batch, H, W, C_in)`.
        weight: `(k, k, C_in, C_out)`.
        styles: `(batch, C_in)`.
        demodulate: whether to normalise each output channel.

    Returns:
        `(batch, H, W, C_out)`.
    """
    styles = ops.cast(styles, x.dtype)
    weight = ops.cast(weight, x.dtype)
    y = tf.nn.conv2d(x * styles[:, None, None, :], weight, 1, "SAME")
    if not demodulate:
        return y
    w = weight[None] * styles[:, None, None, :, None]  # (batch, k, k, C_in, C_out)
    dcoefs = ops.rsqrt(ops.sum(ops.square(w), axis=(1, 2, 3)) + 1e-8)
    return y * dcoefs[:, None, None, :]


def _unit_normal():
    """N(0, 1): the reference's weights before their run-time gain."""
    return keras.initializers.RandomNormal(0.0, 1.0)


def _seed(seed) -> int:
    return random.randrange(2**31) if seed is None else int(seed)


@keras.saving.register_keras_serializable(package="ganzoo")
class EqualizedDense(keras.layers.Layer):
    """A dense layer with equalised learning rate (the reference's `FullyConnectedLayer`).

    Args:
        units: output features.
        lr_multiplier: the learning-rate multiplier (0.01 in the mapping network).
        bias_init: the bias's initial value (1 for the style affines).
        activation: `"lrelu"` or `None` (linear).
        gain: a constant factor of the run-time weight scale (1; ProGAN's He gain is √2).
        **kwargs: those of `keras.layers.Layer`.

    Example:
    >>> w = EqualizedDense(512, lr_multiplier=0.01, activation="lrelu")(z)
    """

    def __init__(
        self, units, lr_multiplier=1.0, bias_init=0.0, activation=None, gain=1.0, **kwargs
    ):
        super().__init__(**kwargs)
        if activation not in (None, "lrelu"):
            raise ValueError(f'activation must be "lrelu" or None; got {activation!r}.')
        self.units, self.lr_multiplier = int(units), float(lr_multiplier)
        self.bias_init, self.activation, self.gain = float(bias_init), activation, float(gain)

    def build(self, input_shape) -> None:
        fan_in = int(input_shape[-1])
        self.weight_gain = self.gain * self.lr_multiplier / math.sqrt(fan_in)
        init = keras.initializers.RandomNormal(0.0, 1.0 / self.lr_multiplier)
        self.kernel = self.add_weight(shape=(fan_in, self.units), initializer=init, name="kernel")
        self.bias = self.add_weight(
            shape=(self.units,),
            initializer=keras.initializers.Constant(self.bias_init),
            name="bias",
        )

    def call(self, inputs):
        kernel = ops.cast(self.kernel * self.weight_gain, inputs.dtype)
        x = ops.matmul(inputs, kernel) + ops.cast(self.bias * self.lr_multiplier, inputs.dtype)
        return lrelu(x) if self.activation else x

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "lr_multiplier": self.lr_multiplier,
            "bias_init": self.bias_init,
            "activation": self.activation,
            "gain": self.gain,
        }


@keras.saving.register_keras_serializable(package="ganzoo")
class EqualizedConv2D(keras.layers.Layer):
    """A "same" convolution with equalised learning rate (the reference's
    `Conv2dLayer`), optionally after ×2 downsampling with the [1, 3, 3, 1] filter (the
    reference filters and convolves with stride 2 in one op).

    Args:
        filters: output channels.
        kernel_size: the kernel's side.
        activation: `"lrelu"` or `None`.
        use_bias: whether to add a bias.
        down: whether to downsample ×2 first.
        gain: a constant factor of the run-time weight scale (1; ProGAN's He gain is √2).
        **kwargs: those of `keras.layers.Layer`.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        activation="lrelu",
        use_bias=True,
        down=False,
        gain=1.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters, self.kernel_size = int(filters), int(kernel_size)
        self.activation, self.use_bias, self.down = activation, bool(use_bias), bool(down)
        self.gain = float(gain)

    def build(self, input_shape) -> None:
        channels = int(input_shape[-1])
        self.weight_gain = self.gain / math.sqrt(channels * self.kernel_size**2)
        shape = (self.kernel_size, self.kernel_size, channels, self.filters)
        self.kernel = self.add_weight(shape=shape, initializer=_unit_normal(), name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def call(self, inputs):
        x = downsample2d(inputs) if self.down else inputs
        x = tf.nn.conv2d(x, ops.cast(self.kernel * self.weight_gain, x.dtype), 1, "SAME")
        if self.use_bias:
            x = x + ops.cast(self.bias, x.dtype)
        return lrelu(x) if self.activation else x

    def compute_output_shape(self, input_shape):
        scale = 2 if self.down else 1
        return (input_shape[0], input_shape[1] // scale, input_shape[2] // scale, self.filters)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "down": self.down,
            "gain": self.gain,
        }


@keras.saving.register_keras_serializable(package="ganzoo")
class ModulatedConv2D(keras.layers.Layer):
    """A StyleGAN2 synthesis layer on `[x, ws]` (the reference's `SynthesisLayer`, and
    with `demodulate=False, noise=False, activation=None` its `ToRGBLayer`).

    The style `s = A(ws[:, index])` comes from an `EqualizedDense` whose bias starts at
    1; the convolution is `modulated_conv2d` (after ×2 upsampling with `up`; the
    reference convolves transposed, then filters); then the noise input
    `strength · noise` (one learned scalar, per-pixel N(0, 1) noise drawn for the global
    batch while training, the fixed `noise_const` buffer otherwise: the reference's
    `noise_mode="const"`), the bias and the leaky ReLU. Without demodulation the style
    is scaled by `1/sqrt(fan_in)` (ToRGB's `weight_gain`).

    Args:
        filters: output channels.
        kernel_size: 3 for the synthesis layers, 1 for ToRGB.
        index: which of the `ws` the layer reads.
        demodulate: whether to demodulate.
        up: whether to upsample ×2 first.
        noise: whether to add the noise input.
        activation: `"lrelu"` or `None`.
        seed: seed of the noise draws (`None`: from Python's `random`, kept in the config).
        **kwargs: those of `keras.layers.Layer`.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        index,
        demodulate=True,
        up=False,
        noise=True,
        activation="lrelu",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.index = int(filters), int(kernel_size), int(index)
        self.demodulate, self.up, self.noise, self.activation = demodulate, up, noise, activation
        self.seed = _seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def build(self, input_shape) -> None:
        x_shape, ws_shape = input_shape
        channels = int(x_shape[-1])
        self.affine = EqualizedDense(channels, bias_init=1.0, name="affine")
        self.affine.build(ws_shape[:1] + ws_shape[2:])
        self.weight_gain = 1.0 / math.sqrt(channels * self.kernel_size**2)
        shape = (self.kernel_size, self.kernel_size, channels, self.filters)
        self.kernel = self.add_weight(shape=shape, initializer=_unit_normal(), name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
        if self.noise:
            size = int(x_shape[1]) * (2 if self.up else 1)
            self.noise_strength = self.add_weight(shape=(), initializer="zeros", name="strength")
            self.noise_const = self.add_weight(
                shape=(size, size, 1), initializer=_unit_normal(), trainable=False, name="const"
            )

    def call(self, inputs, training=False):
        x, ws = inputs
        styles = self.affine(ops.cast(ws[:, self.index], x.dtype))
        if not self.demodulate:
            styles = styles * self.weight_gain
        if self.up:
            x = upsample2d(x)
        x = modulated_conv2d(x, self.kernel, styles, self.demodulate)
        if self.noise:
            if training:
                shape = (ops.shape(x)[0], x.shape[1], x.shape[2], 1)
                noise = draw_for_replica(keras.random.normal, shape, self.seed_generator)
            else:
                noise = self.noise_const[None]
            x = x + ops.cast(noise * self.noise_strength, x.dtype)
        x = x + ops.cast(self.bias, x.dtype)
        return lrelu(x) if self.activation else x

    def compute_output_shape(self, input_shape):
        x_shape = input_shape[0]
        scale = 2 if self.up else 1
        return (x_shape[0], x_shape[1] * scale, x_shape[2] * scale, self.filters)

    def get_config(self) -> dict:
        names = ("filters", "kernel_size", "index", "demodulate", "up", "noise", "activation")
        return {**super().get_config(), **{n: getattr(self, n) for n in names}, "seed": self.seed}


@keras.saving.register_keras_serializable(package="ganzoo")
class ConstantInput(keras.layers.Layer):
    """The synthesis network's learned `size × size × channels` input, N(0, 1) at start,
    repeated for every image of the batch of its input."""

    def __init__(self, channels, size=4, **kwargs):
        super().__init__(**kwargs)
        self.channels, self.size = int(channels), int(size)

    def build(self, input_shape) -> None:
        shape = (self.size, self.size, self.channels)
        self.const = self.add_weight(shape=shape, initializer=_unit_normal(), name="const")

    def call(self, inputs):
        const = ops.cast(self.const, self.compute_dtype)
        return ops.tile(const[None], (ops.shape(inputs)[0], 1, 1, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self) -> dict:
        return {**super().get_config(), "channels": self.channels, "size": self.size}


@keras.saving.register_keras_serializable(package="ganzoo")
class Upsample2D(keras.layers.Layer):
    """`upsample2d` as a layer: ×2 with the [1, 3, 3, 1] filter (the skip generator's
    image path)."""

    def call(self, inputs):
        return upsample2d(inputs)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2 * input_shape[1], 2 * input_shape[2], input_shape[3])
