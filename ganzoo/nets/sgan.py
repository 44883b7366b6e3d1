"""The semi-supervised GAN's networks (Salimans et al., 2016, the MNIST model of §5).

After the authors' `train_mnist_feature_matching.py` (openai/improved-gan):

- D, a K-class classifier: Gaussian noise (σ 0.3 on [0, 1] pixels), then weight-
  normalised dense ReLU layers (`ganzoo.layers.WeightNormDense`, their scale `g` fixed
  at its data-dependent value) of 1000, 500, 250, 250, 250 units, each followed by
  Gaussian noise (σ 0.5), then a weight-normalised dense layer (trained `g`) to K class
  logits. `initialize_discriminator` is the code's data-dependent initialisation. It has two outputs, `[logits, features]`:
  the features are the last hidden layer's activations (before its noise), the
  layer the generator's feature matching reads.
- G: `z ~ U(0, 1)¹⁰⁰`, dense 500 → BN → softplus, dense 500 → BN → softplus, a
  weight-normalised dense layer (the code's `nn.l2normalize`, `g` trained from 1) to
  H·W·C with `tanh` (ganzoo's [-1, 1] images; the code's sigmoid on [0, 1]).

What differs from the code: batch norm keeps its scale; the input noise is σ 0.6 on ganzoo's
[-1, 1] pixels, the code's 0.3 on [0, 1] pixels; no Polyak averaging of D's weights
for testing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
from keras import layers

from ganzoo.layers import GaussianNoise, WeightNormDense
from ganzoo.nets._common import check_image_shape
from ganzoo.nets.dcgan import batch_norm

#: the paper's MNIST discriminator widths
DISCRIMINATOR_UNITS = (1000, 500, 250, 250, 250)
#: the paper's MNIST generator widths
GENERATOR_UNITS = (500, 500)


def build_sgan_generator(
    image_shape: tuple[int, int, int],
    latent_dim: int = 100,
    hidden_units: Sequence[int] = GENERATOR_UNITS,
) -> keras.Model:
    """Builds the SGAN generator: dense → BN → softplus per hidden width, then a
    weight-normalised dense layer with `tanh`.

    Args:
        image_shape: `(H, W, C)` of the generated images.
        latent_dim: size of `z` (100 in the paper).
        hidden_units: widths of the hidden layers (500, 500 in the paper).

    Returns:
        A functional `keras.Model` from `(batch, latent_dim)` to images in [-1, 1].

    Example:
    >>> g = build_sgan_generator((32, 32, 1))
    """
    shape = check_image_shape(image_shape, "the generator's")
    z = keras.Input((int(latent_dim),), name="latent")
    x = z
    for units in hidden_units:
        x = layers.Dense(int(units), use_bias=False)(x)
        x = layers.Activation("softplus")(batch_norm()(x))
    x = WeightNormDense(math.prod(shape), "tanh", name="output", dtype="float32")(x)
    images = layers.Reshape(shape, dtype="float32")(x)
    return keras.Model(z, images, name="generator")


def build_sgan_discriminator(
    image_shape: tuple[int, int, int],
    num_classes: int,
    hidden_units: Sequence[int] = DISCRIMINATOR_UNITS,
    input_noise: float = 0.6,
    hidden_noise: float = 0.5,
) -> keras.Model:
    """Builds the SGAN discriminator: a noisy MLP classifier with two outputs.

    Args:
        image_shape: `(H, W, C)` of the input images.
        num_classes: K, the number of class logits.
        hidden_units: widths of the dense ReLU layers (1000, 500, 250, 250, 250).
        input_noise: σ of the noise added to the pixels while training (0.6 on [-1, 1]
            pixels is the paper's 0.3 on [0, 1]).
        hidden_noise: σ of the noise after every hidden layer (0.5).

    Returns:
        A functional `keras.Model` from images to `[logits (batch, K), features
        (batch, hidden_units[-1])]`.

    Example:
    >>> d = build_sgan_discriminator((32, 32, 1), num_classes=10)
    >>> logits, features = d(images)
    """
    shape = check_image_shape(image_shape, "the discriminator's")
    if not hidden_units:
        raise ValueError(f"Expected at least one hidden layer; got hidden_units={hidden_units!r}.")
    images = keras.Input(shape, name="images")
    x = GaussianNoise(input_noise)(layers.Flatten()(images))
    features = None
    for i, units in enumerate(hidden_units):
        features = WeightNormDense(int(units), "relu", train_scale=False, name=f"dense_{i}")(x)
        x = GaussianNoise(hidden_noise)(features)
    logits = WeightNormDense(int(num_classes), name="logits", dtype="float32")(x)
    features = layers.Activation("linear", name="features", dtype="float32")(features)
    return keras.Model(images, [logits, features], name="discriminator")


def initialize_discriminator(discriminator: keras.Model, images) -> bool:
    """The data-dependent initialisation of D's `WeightNormDense` layers on a batch of
    real images, layer by layer from the input (noise on, as in the authors' code).

    Args:
        discriminator: a model from `build_sgan_discriminator`.
        images: a batch of real images.

    Returns:
        Whether it ran (False when the layers were already initialised).

    Example:
    >>> initialize_discriminator(d, images)
    """
    ran = False
    for layer in discriminator.layers:
        if isinstance(layer, WeightNormDense):
            inputs = keras.Model(discriminator.input, layer.input)(images, training=True)
            ran = layer.initialize(inputs) or ran
    return ran
