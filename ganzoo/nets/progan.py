"""ProGAN's networks (Karras, Aila, Laine & Lehtinen, 2018, Table 2, arXiv:1710.10196),
after `G_paper` and `D_paper` of tkarras/progressive_growing_of_gans `networks.py`
with `structure='linear'`.

Both networks are built once, at the final resolution `R`, and take a level-of-detail
input `lod` of shape `(batch, 1)` besides their images or latents (0: the final
resolution; `log2(R) − 2`: 4×4). Every resolution's block exists from the start: the
generator's output is its highest toRGB faded (`ganzoo.layers.growth.FadeIn`) into the
nearest-upsampled output of the resolution below, and the critic mirrors it with the
fromRGB of the average-pooled image. At `lod = k` the output is the `R / 2^k` image
upsampled (constant on `2^k × 2^k` blocks), and blocks above that resolution get no
gradient.

Layers as in the paper: equalised learning rate (`ganzoo.layers.style` with the He gain
√2, 1 for toRGB and the critic's output, √2/4 for the generator's first dense layer as
in the reference), leaky ReLU 0.2, pixel normalisation after every generator
convolution (`ganzoo.layers.mapping.NormalizeSecondMoment`, also on the latents),
minibatch standard deviation before the critic's last block, nearest upsampling and 2×2
average pooling, a linear generator output.
"""

from __future__ import annotations

import math

import keras

from ganzoo.layers.growth import FadeIn
from ganzoo.layers.mapping import NormalizeSecondMoment
from ganzoo.layers.minibatch import MinibatchStdDev
from ganzoo.layers.style import EqualizedConv2D, EqualizedDense
from ganzoo.nets.stylegan2 import check_resolution

HE_GAIN = math.sqrt(2.0)


def feature_maps(stage: int, fmap_base: int, fmap_max: int) -> int:
    """The reference's `nf(stage)`: `min(fmap_base / 2^stage, fmap_max)` (at least 1)."""
    return max(1, min(int(fmap_base / 2.0**stage), fmap_max))


def levels(image_shape) -> int:
    """Growth steps from 4×4 to `image_shape`'s resolution (`ValueError` unless it is a
    square power of two ≥ 4)."""
    return int(math.log2(check_resolution(image_shape))) - 2


def _conv(x, filters: int, kernel: int, name: str, gain: float = HE_GAIN, act: bool = True):
    x = EqualizedConv2D(filters, kernel, activation=None, gain=gain, name=name)(x)
    return keras.layers.LeakyReLU(0.2, name=f"{name}_lrelu")(x) if act else x


def _pixel_norm(x, name: str):
    return NormalizeSecondMoment(name=f"{name}_pixel_norm")(x)


def build_generator(
    image_shape: tuple[int, int, int],
    latent_dim: int | None = None,
    fmap_base: int = 8192,
    fmap_max: int = 512,
) -> keras.Model:
    """The paper's generator on `[z, lod]`, built at `image_shape`'s resolution.

    Args:
        image_shape: `(R, R, C)`, `R` a power of two ≥ 4.
        latent_dim: size of `z` (`nf(0)`, 512 in the paper, when `None`).
        fmap_base, fmap_max: feature maps `min(fmap_base / 2^stage, fmap_max)` (the
            paper's 8192 and 512: 512 maps up to 64×64).

    Returns:
        A `keras.Model` from `[(batch, latent_dim), (batch, 1)]` to linear images
        `(batch, R, R, C)`.
    """
    steps = levels(image_shape)
    channels = int(image_shape[-1])

    def nf(stage):
        return feature_maps(stage, fmap_base, fmap_max)

    latents = keras.Input((latent_dim or nf(0),), name="latents")
    lod = keras.Input((1,), name="lod")
    x = NormalizeSecondMoment(name="latent_pixel_norm")(latents)
    x = EqualizedDense(nf(1) * 16, gain=HE_GAIN / 4, name="4x4_dense")(x)
    x = keras.layers.Reshape((4, 4, nf(1)), name="4x4_reshape")(x)
    x = _pixel_norm(keras.layers.LeakyReLU(0.2, name="4x4_dense_lrelu")(x), "4x4_dense")
    x = _pixel_norm(_conv(x, nf(1), 3, "4x4_conv"), "4x4_conv")
    images = _conv(x, channels, 1, f"to_rgb_lod{steps}", gain=1.0, act=False)
    for res in range(3, steps + 3):
        size, block_lod = 2**res, steps + 2 - res
        x = keras.layers.UpSampling2D(2, name=f"{size}x{size}_up")(x)
        for i in range(2):
            x = _pixel_norm(_conv(x, nf(res - 1), 3, f"{size}x{size}_conv{i}"), f"{size}_{i}")
        new = _conv(x, channels, 1, f"to_rgb_lod{block_lod}", gain=1.0, act=False)
        old = keras.layers.UpSampling2D(2, name=f"grow_lod{block_lod}_up")(images)
        images = FadeIn(block_lod, name=f"grow_lod{block_lod}")([new, old, lod])
    return keras.Model([latents, lod], images, name="progan_generator")


def build_discriminator(
    image_shape: tuple[int, int, int],
    fmap_base: int = 8192,
    fmap_max: int = 512,
    mbstd_group_size: int = 4,
) -> keras.Model:
    """The paper's critic on `[images, lod]`, built at `image_shape`'s resolution.

    Args:
        image_shape: `(R, R, C)`, `R` a power of two ≥ 4.
        fmap_base, fmap_max: as in `build_generator`.
        mbstd_group_size: the minibatch standard deviation's group (4; 0 or 1: none).

    Returns:
        A `keras.Model` from `[(batch, R, R, C), (batch, 1)]` to scores `(batch, 1)`.
    """
    steps = levels(image_shape)

    def nf(stage):
        return feature_maps(stage, fmap_base, fmap_max)

    images = keras.Input(tuple(int(d) for d in image_shape), name="images")
    lod = keras.Input((1,), name="lod")
    x = _conv(images, nf(steps + 1), 1, "from_rgb_lod0")
    lower = images
    for res in range(steps + 2, 2, -1):
        size, block_lod = 2**res, steps + 2 - res
        x = _conv(x, nf(res - 1), 3, f"{size}x{size}_conv0")
        x = _conv(x, nf(res - 2), 3, f"{size}x{size}_conv1")
        x = keras.layers.AveragePooling2D(2, name=f"{size}x{size}_down")(x)
        lower = keras.layers.AveragePooling2D(2, name=f"grow_lod{block_lod}_down")(lower)
        old = _conv(lower, nf(res - 2), 1, f"from_rgb_lod{block_lod + 1}")
        x = FadeIn(block_lod, name=f"grow_lod{block_lod}")([x, old, lod])
    if mbstd_group_size > 1:
        x = MinibatchStdDev(mbstd_group_size, name="minibatch_stddev")(x)
    x = _conv(x, nf(1), 3, "4x4_conv")
    x = keras.layers.Flatten(name="4x4_flatten")(x)
    x = keras.layers.LeakyReLU(0.2, name="4x4_dense0_lrelu")(
        EqualizedDense(nf(0), gain=HE_GAIN, name="4x4_dense0")(x)
    )
    scores = EqualizedDense(1, gain=1.0, name="4x4_dense1")(x)
    return keras.Model([images, lod], scores, name="progan_critic")
