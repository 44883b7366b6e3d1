"""CycleGAN's ResNet generator (Zhu, Park, Isola & Efros, 2017; Johnson et al., 2016).

Written after the paper's appendix 7.2 and its reference PyTorch implementation
(`junyanz/pytorch-CycleGAN-and-pix2pix`, `models/networks.py`), layer for layer:
`c7s1-64, d128, d256, R256 × n, u128, u64, c7s1-3`, with n = 9 residual blocks for
256×256 images and 6 for 128×128. `c7s1-k` is a 7×7 stride-1 convolution after
reflection padding of 3; `dk` a 3×3 stride-2 convolution with zero padding 1; `Rk` two
3×3 convolutions with reflection padding 1 and a skip connection; `uk` a 3×3 stride-2
transposed convolution with padding 1 and output padding 1. Every convolution but the
last is followed by instance normalisation and ReLU; the last by `tanh`.

Instance norm has no learned scale or shift and epsilon 1e-5 (PyTorch's
`InstanceNorm2d` default, the reference's `norm='instance'`), so convolutions keep
their bias; weights are drawn from N(0, 0.02), biases start at 0. Paddings are written
out (`ZeroPadding2D` + `"valid"`, transposed convolutions cropped) rather than Keras'
`"same"`, which pads stride-2 layers asymmetrically: the network then computes exactly
what the reference computes. At 256×256 it has 11,378,179 parameters, as the
reference's.

CycleGAN's other networks have their own modules: the U-Net generator option in
`ganzoo.nets.unet`, the PatchGAN discriminator in `ganzoo.nets.patchgan`.
"""

from __future__ import annotations

import keras
from keras import layers

from ganzoo._moved import moved_names
from ganzoo.layers import ReflectionPadding2D, instance_normalization
from ganzoo.nets._common import check_image_shape, conv, normal_init

__getattr__ = moved_names(
    __name__,
    {
        "build_unet_generator": "ganzoo.nets.unet:build_unet_generator",
        "build_patchgan_discriminator": "ganzoo.nets.patchgan:build_patchgan_discriminator",
        "receptive_field": "ganzoo.nets.patchgan:receptive_field",
    },
)


def default_residual_blocks(image_shape) -> int:
    """The paper's number of residual blocks: 9 for images of 256 pixels or more, else 6.

    Args:
        image_shape: `(H, W, C)`.

    Returns:
        9 when the shorter side is at least 256, 6 otherwise (the paper's 128×128 choice).

    Example:
    >>> default_residual_blocks((256, 256, 3))
    9
    """
    height, width, _ = check_image_shape(image_shape, "the")
    return 9 if min(height, width) >= 256 else 6


def build_resnet_generator(
    image_shape: tuple[int, int, int] = (256, 256, 3),
    filters: int = 64,
    residual_blocks: int | None = None,
    output_channels: int | None = None,
    name: str = "resnet_generator",
) -> keras.Model:
    """Builds CycleGAN's ResNet generator: `c7s1-64, d128, d256, R256 × n, u128, u64, c7s1-3`.

    Args:
        image_shape: `(H, W, C)` of the input images; H and W must be multiples of 4.
        filters: filters of the first layer (`ngf`, 64 in the paper); the downsampling
            layers have 2× and 4× as many.
        residual_blocks: number of residual blocks; by default 9 at 256×256 or more and
            6 below (the paper's choices for 256 and 128).
        output_channels: channels of the output images; by default the input's.
        name: the model's name.

    Returns:
        A functional `keras.Model` from images in [-1, 1] to images in [-1, 1] of the
        same height and width. The `tanh` output is float32 under mixed precision.

    Example:
    >>> g = build_resnet_generator((256, 256, 3))
    >>> g.count_params()
    11378179
    """
    height, width, channels = check_image_shape(image_shape, "the generator's")
    if height % 4 or width % 4:
        raise ValueError(
            f"The ResNet generator downsamples twice, so it needs sides divisible by 4; "
            f"got image_shape={(height, width, channels)}."
        )
    if residual_blocks is None:
        residual_blocks = default_residual_blocks(image_shape)
    if int(residual_blocks) < 0 or int(filters) < 1:
        raise ValueError(
            f"Expected filters >= 1 and residual_blocks >= 0; got filters={filters!r}, "
            f"residual_blocks={residual_blocks!r}."
        )
    output_channels = channels if output_channels is None else int(output_channels)

    images = keras.Input((height, width, channels), name="images")
    # c7s1-64
    x = ReflectionPadding2D(3)(images)
    x = conv(filters, 7)(x)
    x = layers.ReLU()(instance_normalization()(x))
    # d128, d256
    for multiple in (2, 4):
        x = layers.ZeroPadding2D(1)(x)
        x = conv(filters * multiple, 3, strides=2)(x)
        x = layers.ReLU()(instance_normalization()(x))
    # R256 × n
    for i in range(int(residual_blocks)):
        y = ReflectionPadding2D(1)(x)
        y = conv(filters * 4, 3, name=f"residual_{i}_conv_1")(y)
        y = layers.ReLU()(instance_normalization()(y))
        y = ReflectionPadding2D(1)(y)
        y = conv(filters * 4, 3, name=f"residual_{i}_conv_2")(y)
        y = instance_normalization()(y)
        x = layers.Add(name=f"residual_{i}")([x, y])
    # u128, u64: ConvTranspose2d(k=3, s=2, padding=1, output_padding=1) is the full
    # (2n + 1)-pixel transposed convolution without its first row and column.
    for multiple in (2, 1):
        x = layers.Conv2DTranspose(
            filters * multiple, 3, strides=2, padding="valid", kernel_initializer=normal_init()
        )(x)
        x = layers.Cropping2D(((1, 0), (1, 0)))(x)
        x = layers.ReLU()(instance_normalization()(x))
    # c7s1-3
    x = ReflectionPadding2D(3)(x)
    x = conv(output_channels, 7)(x)
    outputs = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(images, outputs, name=name)
