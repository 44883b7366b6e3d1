"""The U-Net generator (Ronneberger et al., 2015) of pix2pix (Isola et al., 2017), also
CycleGAN's `--netG unet_256` option (Zhu et al., 2017).

Written after the reference PyTorch implementation (`junyanz/pytorch-CycleGAN-and-pix2pix`,
`models/networks.py`, `UnetGenerator`): `log2(size)` 4×4 stride-2 convolutions down to
1×1 (64-128-256-512-512-...), LeakyReLU(0.2) before each but the first, and mirrored
transposed convolutions up with skip connections, ReLU before each, `tanh` at the end;
instance norm without learned scale or shift. Dropout is off by default (CycleGAN's
`--no_dropout`); pix2pix turns it on (`dropout=0.5`) after the first three decoder
layers, the paper's `CD512-CD512-CD512` (its appendix 6.1.1), with masks drawn by the
distribution rule (`ganzoo.layers.Dropout`).
"""

from __future__ import annotations

import math

import keras
from keras import layers

from ganzoo.layers import Dropout, instance_normalization
from ganzoo.nets._common import check_image_shape, normal_init


def build_unet_generator(
    image_shape: tuple[int, int, int] = (256, 256, 3),
    filters: int = 64,
    downsamplings: int | None = None,
    output_channels: int | None = None,
    name: str = "unet_generator",
    *,
    dropout: float = 0.0,
    dropout_layers: int = 3,
) -> keras.Model:
    """Builds the U-Net generator of pix2pix, CycleGAN's `--netG unet_256` option.

    Encoder `C64-C128-C256-C512-C512-...` (4×4 stride-2 convolutions, padding 1) down to
    1×1, decoder of 4×4 stride-2 transposed convolutions back up, each decoder layer fed
    the mirrored encoder layer's output as a skip connection. LeakyReLU(0.2) before each
    encoder convolution but the first, ReLU before each decoder one, instance norm after
    every convolution but the outermost and innermost encoder ones and the output.

    Args:
        image_shape: `(H, W, C)`; H and W must be divisible by `2^downsamplings`.
        filters: filters of the first layer (`ngf`, 64); doubled per level up to 8×.
        downsamplings: number of stride-2 levels; by default `log2` of the shorter side
            (8 at 256×256, the reference's `unet_256`; 7 at 128×128), so the bottleneck
            is 1×1. At least 1.
        output_channels: channels of the output images; by default the input's.
        name: the model's name.
        dropout: dropout rate after the first `dropout_layers` decoder layers (0: none;
            pix2pix: 0.5).
        dropout_layers: decoder layers followed by dropout, counted from the bottleneck
            (3 in pix2pix); never the output layer.

    Returns:
        A functional `keras.Model` from images in [-1, 1] to images in [-1, 1].

    Example:
    >>> g = build_unet_generator((256, 256, 3))
    >>> g.count_params()
    54409603
    """
    height, width, channels = check_image_shape(image_shape, "the generator's")
    if downsamplings is None:
        downsamplings = int(math.log2(min(height, width)))
    downsamplings = int(downsamplings)
    if downsamplings < 1 or height % 2**downsamplings or width % 2**downsamplings:
        raise ValueError(
            f"The U-Net generator needs image sides divisible by 2^downsamplings "
            f"(2^{downsamplings} = {2**downsamplings}); got image_shape="
            f"{(height, width, channels)}."
        )
    output_channels = channels if output_channels is None else int(output_channels)
    level_filters = [filters * min(2**i, 8) for i in range(downsamplings)]

    images = keras.Input((height, width, channels), name="images")
    skips = []
    x = images
    for level, width_ in enumerate(level_filters):
        outermost, innermost = level == 0, level == downsamplings - 1
        if not outermost:
            x = layers.LeakyReLU(0.2)(x)
        x = layers.Conv2D(
            width_,
            4,
            strides=2,
            padding="same",
            kernel_initializer=normal_init(),
            name=f"down_{level}",
        )(x)  # "same" pads a 4×4 stride-2 convolution by 1 on each side, like padding=1
        if not (outermost or innermost):
            x = instance_normalization()(x)
        skips.append(x)
    for decoded, level in enumerate(reversed(range(downsamplings))):
        outermost, innermost = level == 0, level == downsamplings - 1
        if not innermost:
            x = layers.Concatenate()([skips[level], x])
        x = layers.ReLU()(x)
        x = layers.Conv2DTranspose(
            output_channels if outermost else level_filters[level - 1],
            4,
            strides=2,
            padding="same",  # crops 1 on each side: ConvTranspose2d(k=4, s=2, padding=1)
            kernel_initializer=normal_init(),
            name=f"up_{level}",
        )(x)
        if not outermost:
            x = instance_normalization()(x)
            if dropout > 0 and decoded < dropout_layers:
                x = Dropout(dropout, name=f"dropout_{level}")(x)
    outputs = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(images, outputs, name=name)
