"""DCGAN generator and discriminator (Radford, Metz & Chintala, 2016).

The paper's guidelines: strided convolutions instead of pooling in the discriminator,
fractionally-strided (transposed) convolutions in the generator, batch norm in both
except at the generator's output and the discriminator's input, ReLU in the generator
with `tanh` at the output, LeakyReLU(0.2) in the discriminator, no hidden fully
connected layers (the generator's first layer is a projection reshaped to a 4-D
tensor; the discriminator's last feature map is flattened into one logit), 5×5
kernels as in the paper's Figure 1, weights from N(0, 0.02).

Sizes follow the image: the generator starts at `H / 2^k` (4×4 for 32 and 64 pixels,
7×7 for 28) and doubles k times; each upsampling halves the filters, so at 64×64 with
`base_filters=128` the generator is the paper's 1024-512-256-128 stack.

A convolution followed by batch norm has no bias (the norm removes it, and under a
strategy a bias only amplifies rounding differences between replicas); batch norm is
synchronised across replicas (`synchronized=True`), so a strategy normalises over the
global batch exactly like one device. Momentum 0.9 and epsilon 1e-5 are the
reference Torch implementation's batch-norm settings.
"""

from __future__ import annotations

import keras
from keras import layers

from ganzoo.layers import (
    BatchNormalization,
    Dropout,
    MinibatchDiscrimination,
    MinibatchStdDev,
    SpectralNormalization,
)


def default_base_filters(image_shape) -> int:
    """The width multiplier the DCGAN-family `for_images` builders default to: 128 for
    images of 64 pixels or more (the paper's 1024-filter projection) and 32 below."""
    return 128 if int(image_shape[0]) >= 64 else 32


def weight_init() -> keras.initializers.Initializer:
    """N(0, 0.02), the paper's initialisation of every weight."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def batch_norm() -> layers.Layer:
    """Batch norm with the reference code's settings, synchronised across replicas
    (trained with TensorFlow's fused kernel on one replica, see
    `ganzoo.layers.BatchNormalization`)."""
    return BatchNormalization(momentum=0.9, epsilon=1e-5, synchronized=True)


def upsamplings(image_shape) -> tuple[int, int, int]:
    """How many times the generator doubles, and the size it starts from.

    Args:
        image_shape: `(H, W, C)`.

    Returns:
        `(k, start_height, start_width)` with `start = size / 2^k` and the start
        height between 4 and 7 (4 for 32 and 64 pixels, 7 for 28).

    Example:
    >>> upsamplings((64, 64, 3))
    (4, 4, 4)
    """
    shape = tuple(int(d) for d in image_shape)
    if len(shape) != 3:
        raise ValueError(f"Expected image_shape (height, width, channels); got {image_shape!r}.")
    height, width, _ = shape
    k = 0
    while height % 2 == 0 and height > 7:
        height //= 2
        k += 1
    if k == 0 or height > 7 or height < 4 or width % (2**k):
        raise ValueError(
            f"DCGAN needs image sides divisible by 2^k with a start size of 4 to 7 "
            f"(for example 28, 32, 64, 128); got image_shape={shape}."
        )
    return k, height, width // 2**k


def build_generator(
    image_shape: tuple[int, int, int],
    latent_dim: int = 100,
    base_filters: int = 128,
    normalization: str | None = "batch",
) -> keras.Model:
    """Builds the DCGAN generator for `image_shape`.

    Args:
        image_shape: `(H, W, C)` of the generated images, e.g. (28, 28, 1),
            (32, 32, 3), (64, 64, 3).
        latent_dim: size of `z` (100 in the paper).
        base_filters: filters of the last hidden layer; the projection has
            `base_filters · 2^(k-1)`.
        normalization: `"batch"` (the paper) or `None` (no normalisation; the layers
            then have biases), for models whose losses are per example (R3GAN).

    Returns:
        A functional `keras.Model` from `(batch, latent_dim)` to images in [-1, 1].

    Example:
    >>> g = build_generator((64, 64, 3), latent_dim=100, base_filters=128)
    """
    z = keras.Input((latent_dim,), name="latent")
    x = generator_layers(z, image_shape, base_filters, normalization)
    return keras.Model(z, x, name="generator")


def generator_layers(
    inputs,
    image_shape: tuple[int, int, int],
    base_filters: int,
    normalization: str | None = "batch",
):
    """The DCGAN generator applied to a `(batch, features)` tensor; returns images.

    Shared by the conditional generators, which join a label embedding to `z` first.

    Args:
        inputs: symbolic tensor of shape `(batch, features)`.
        image_shape: `(H, W, C)` of the generated images.
        base_filters: filters of the last hidden layer.
        normalization: `"batch"` or `None` (see `build_generator`).

    Returns:
        Symbolic images in [-1, 1] of shape `(batch, H, W, C)`.
    """
    if normalization not in ("batch", None):
        raise ValueError(f"Expected normalization 'batch' or None; got {normalization!r}.")
    k, height, width = upsamplings(image_shape)
    channels = int(image_shape[-1])
    filters = base_filters * 2 ** (k - 1)
    bias = normalization is None

    def normalized(x):
        if not bias:
            x = batch_norm()(x)
        return layers.ReLU()(x)

    x = layers.Dense(height * width * filters, use_bias=bias, kernel_initializer=weight_init())(
        inputs
    )
    x = normalized(layers.Reshape((height, width, filters))(x))
    for _ in range(k - 1):
        filters //= 2
        x = layers.Conv2DTranspose(
            filters, 5, strides=2, padding="same", use_bias=bias, kernel_initializer=weight_init()
        )(x)
        x = normalized(x)
    x = layers.Conv2DTranspose(
        channels, 5, strides=2, padding="same", kernel_initializer=weight_init()
    )(x)
    return layers.Activation("tanh", dtype="float32")(x)


def build_discriminator(
    image_shape: tuple[int, int, int],
    base_filters: int = 128,
    *,
    minibatch_std: bool = False,
    minibatch_discrimination: int = 0,
    spectral_norm: bool = False,
) -> keras.Model:
    """Builds the DCGAN discriminator for `image_shape`.

    Args:
        image_shape: `(H, W, C)` of the input images.
        base_filters: filters of the first convolution; each later one doubles them.
        minibatch_std: a `ganzoo.layers.MinibatchStdDev` map (group size 4) before the
            last convolution (Karras et al., 2018).
        minibatch_discrimination: `B`, the kernels of a
            `ganzoo.layers.MinibatchDiscrimination` (C = 5) after the flattened
            features (Salimans et al., 2016); 0: none.
        spectral_norm: every convolution and the output layer wrapped in
            `ganzoo.layers.SpectralNormalization` (Miyato et al., 2018); batch norm stays.

    Returns:
        A functional `keras.Model` from images to logits of shape `(batch, 1)`.

    Example:
    >>> d = build_discriminator((64, 64, 3), base_filters=128)
    """
    if int(minibatch_discrimination) < 0:
        raise ValueError(
            f"minibatch_discrimination must be a number of kernels >= 0; "
            f"got {minibatch_discrimination!r}."
        )
    images = keras.Input(tuple(int(d) for d in image_shape), name="images")
    features = discriminator_features(
        images, image_shape, base_filters, minibatch_std=minibatch_std, spectral_norm=spectral_norm
    )
    if minibatch_discrimination:
        features = MinibatchDiscrimination(int(minibatch_discrimination), 5)(features)
    dense = layers.Dense(1, kernel_initializer=weight_init(), dtype="float32")
    logits = (SpectralNormalization(dense, dtype="float32") if spectral_norm else dense)(features)
    return keras.Model(images, logits, name="discriminator")


def discriminator_features(
    inputs,
    image_shape: tuple[int, int, int],
    base_filters: int,
    *,
    minibatch_std: bool = False,
    spectral_norm: bool = False,
    dropout: float = 0.0,
):
    """The DCGAN discriminator's convolutions on an image tensor; returns flat features.

    Shared by the conditional discriminators, which may add label planes to the input.

    Args:
        inputs: symbolic tensor of shape `(batch, H, W, channels)`.
        image_shape: `(H, W, C)` of the images, which sets the number of convolutions.
        base_filters: filters of the first convolution; each later one doubles them.
        minibatch_std, spectral_norm: see `build_discriminator`.
        dropout: rate of a `ganzoo.layers.Dropout` after each activation (AC-GAN's
            discriminator has 0.5); 0: none.

    Returns:
        Symbolic features of shape `(batch, features)`.
    """
    k, _, _ = upsamplings(image_shape)
    x = inputs
    for i in range(k):
        first = i == 0
        if minibatch_std and i == k - 1:
            x = MinibatchStdDev(4)(x)
        conv = layers.Conv2D(
            base_filters * 2**i,
            5,
            strides=2,
            padding="same",
            use_bias=first,
            kernel_initializer=weight_init(),
        )
        x = (SpectralNormalization(conv) if spectral_norm else conv)(x)
        if not first:
            x = batch_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            x = Dropout(dropout)(x)
    return layers.Flatten()(x)


def build_encoder(
    image_shape: tuple[int, int, int], latent_dim: int = 128, base_filters: int = 128
) -> keras.Model:
    """Builds a VAE encoder on the DCGAN discriminator's convolutions.

    The convolutions of `build_discriminator` (strided 5×5, batch norm after the first,
    LeakyReLU(0.2)) then two linear heads, the mean and the log-variance of the
    Gaussian q(z|x), as VAE-GAN's encoder (Larsen et al., 2016: strided 5×5
    convolutions with batch norm, then the two heads).

    Args:
        image_shape: `(H, W, C)` of the input images.
        latent_dim: size of `z`.
        base_filters: filters of the first convolution; each later one doubles them.

    Returns:
        A functional `keras.Model` from images to `[mean, log_variance]`, each of
        shape `(batch, latent_dim)` and float32.

    Example:
    >>> e = build_encoder((32, 32, 1), latent_dim=128, base_filters=32)
    """
    images = keras.Input(tuple(int(d) for d in image_shape), name="images")
    features = discriminator_features(images, image_shape, base_filters)
    heads = [
        layers.Dense(latent_dim, kernel_initializer=weight_init(), dtype="float32", name=name)(
            features
        )
        for name in ("mean", "log_variance")
    ]
    return keras.Model(images, heads, name="encoder")
