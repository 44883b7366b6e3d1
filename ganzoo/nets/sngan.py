"""The standard CNN of SN-GAN (Miyato et al., 2018, Table 3 of arXiv:1802.05957).

Discriminator, for `M×M` images: 3×3 stride-1 and 4×4 stride-2 convolutions of 64, 64,
128, 128, 256, 256 filters, a 3×3 stride-1 convolution of 512, LeakyReLU(0.1) after
each, then one dense output; spectral normalisation (`ganzoo.layers.SpectralNormalization`)
on every one of them and no batch norm. It halves the image three times (32 → 4,
48 → 6). Generator: `z ∈ R^128 ~ N(0, I)`, a dense projection to `M/8 × M/8 × 512`,
4×4 stride-2 transposed convolutions of 256, 128, 64 filters with batch norm and ReLU,
then a 3×3 stride-1 convolution to the image channels and `tanh`. After the projection
come batch norm and ReLU, as in the authors' `DCGANGenerator` (pfnet-research/
chainer-gan-lib `common/net.py`), whose `SNDCGANDiscriminator` is this critic with
chainer's default LeakyReLU slope 0.2 and the widths 64, 128, 128, 256, 256, 512, 512;
the paper's table (slope 0.1, the widths above) wins here. Every weight starts from
N(0, 0.02), as in that code; convolutions before batch norm have no bias.

`base_filters` (64 in the paper) scales both networks: the discriminator's widths are
`base · (1, 1, 2, 2, 4, 4, 8)` and the generator ends with `base` filters, starting at
`base · 2^k`. Image sides other than 32 and 48 work too: the generator doubles `k` times
from a start of 4 to 7 pixels (`ganzoo.nets.dcgan.upsamplings`: 28 starts at 7 with
`k = 2`), the discriminator always halves three times.
"""

from __future__ import annotations

import keras
from keras import layers

from ganzoo.layers import SpectralNormalization
from ganzoo.nets.dcgan import batch_norm, upsamplings, weight_init

#: LeakyReLU slope of the discriminator (Table 3: "The slopes of all lReLU ... 0.1").
NEGATIVE_SLOPE = 0.1


def _check(base_filters) -> int:
    if not isinstance(base_filters, int) or base_filters < 1:
        raise ValueError(f"base_filters must be a positive integer; got {base_filters!r}.")
    return base_filters


def build_generator(
    image_shape: tuple[int, int, int], latent_dim: int = 128, base_filters: int = 64
) -> keras.Model:
    """Builds the SN-GAN standard-CNN generator for `image_shape`.

    Args:
        image_shape: `(H, W, C)` of the generated images, e.g. (32, 32, 3).
        latent_dim: size of `z` (128 in the paper).
        base_filters: filters of the last transposed convolution (64); the projection
            has `base_filters · 2^k` channels (512 at 32×32).

    Returns:
        A functional `keras.Model` from `(batch, latent_dim)` to images in [-1, 1].

    Example:
    >>> g = build_generator((32, 32, 3))  # 4×4×512 → 8×8×256 → 16×16×128 → 32×32×64 → 3
    """
    base = _check(base_filters)
    k, height, width = upsamplings(image_shape)
    z = keras.Input((int(latent_dim),), name="latent")
    filters = base * 2**k
    x = layers.Dense(height * width * filters, use_bias=False, kernel_initializer=weight_init())(z)
    x = layers.Reshape((height, width, filters))(x)
    x = layers.ReLU()(batch_norm()(x))
    for _ in range(k):
        filters //= 2
        x = layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", use_bias=False, kernel_initializer=weight_init()
        )(x)
        x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2D(int(image_shape[-1]), 3, padding="same", kernel_initializer=weight_init())(x)
    images = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(z, images, name="generator")


def build_discriminator(image_shape: tuple[int, int, int], base_filters: int = 64) -> keras.Model:
    """Builds the SN-GAN standard-CNN discriminator for `image_shape`.

    Args:
        image_shape: `(H, W, C)` of the input images.
        base_filters: filters of the first convolution (64); the last has 8 times more.

    Returns:
        A functional `keras.Model` from images to logits of shape `(batch, 1)`, every
        convolution and the dense output spectrally normalised.

    Example:
    >>> d = build_discriminator((32, 32, 3))
    """
    base = _check(base_filters)
    images = keras.Input(tuple(int(d) for d in image_shape), name="images")
    x = images
    specs = [(base * m, kernel, stride) for m in (1, 2, 4) for kernel, stride in ((3, 1), (4, 2))]
    for i, (filters, kernel, stride) in enumerate([*specs, (base * 8, 3, 1)]):
        conv = layers.Conv2D(
            filters, kernel, strides=stride, padding="same", kernel_initializer=weight_init()
        )
        x = SpectralNormalization(conv, name=f"sn_conv_{i + 1}")(x)
        x = layers.LeakyReLU(NEGATIVE_SLOPE)(x)
    x = layers.Flatten()(x)
    dense = layers.Dense(1, kernel_initializer=weight_init(), dtype="float32")
    logits = SpectralNormalization(dense, dtype="float32", name="sn_dense")(x)
    return keras.Model(images, logits, name="discriminator")
