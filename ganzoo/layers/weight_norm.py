"""`WeightNormDense`: a dense layer with weight normalisation (Salimans & Kingma, 2016)
and its data-dependent initialisation, the layers of the semi-supervised GAN's
discriminator.
"""

from __future__ import annotations

import keras
from keras import ops


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
