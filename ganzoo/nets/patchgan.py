"""The PatchGAN discriminator of pix2pix (Isola et al., 2017), used by CycleGAN.

Written after the reference PyTorch implementation (`junyanz/pytorch-CycleGAN-and-pix2pix`,
`models/networks.py`, `NLayerDiscriminator`). The 70×70 PatchGAN is `C64-C128-C256-C512`
with 4×4 kernels and strides 2, 2, 2, 1, then a 4×4 stride-1 convolution to one channel;
padding 1 everywhere; LeakyReLU(0.2); instance norm (no learned scale or shift, epsilon
1e-5) on all but the first layer; weights from N(0, 0.02). Each output judges a 70×70
patch; a 256×256 image gives a 30×30 map of scores (2,764,737 parameters, as the
reference's). The losses of `ganzoo.losses` score every patch, then average per image.
"""

from __future__ import annotations

import keras
from keras import layers

from ganzoo.layers import instance_normalization
from ganzoo.nets._common import check_image_shape, conv, normal_init


def build_patchgan_discriminator(
    image_shape: tuple[int, int, int] = (256, 256, 3),
    filters: int = 64,
    layers_: int = 3,
    name: str = "patchgan_discriminator",
) -> keras.Model:
    """Builds the 70×70 PatchGAN discriminator `C64-C128-C256-C512` (Isola et al., 2017).

    Args:
        image_shape: `(H, W, C)` of the input images; each side at least
            `3 · 2^layers_` pixels (24 for the default depth), so the map is not empty.
        filters: filters of the first layer (`ndf`, 64); doubled per layer up to 8×.
        layers_: number of stride-2 layers (`n_layers`, 3 → 70×70 patches; 1 → 16×16,
            2 → 34×34, 4 → 142×142).
        name: the model's name.

    Returns:
        A functional `keras.Model` from images to a float32 map of scores, shape
        `(batch, H', W', 1)` with `H' = H / 2^layers_ - 2` (30×30 at 256×256).

    Example:
    >>> d = build_patchgan_discriminator((256, 256, 3))
    >>> d.output_shape
    (None, 30, 30, 1)
    """
    height, width, channels = check_image_shape(image_shape, "the discriminator's")
    layers_ = int(layers_)
    if layers_ < 1:
        raise ValueError(f"Expected layers_ >= 1; got {layers_!r}.")
    side = min(height, width)
    for stride in [2] * layers_ + [1, 1]:
        side = (side + 2 - 4) // stride + 1
    if side < 1:
        raise ValueError(
            f"A PatchGAN with {layers_} stride-2 layers needs sides of at least "
            f"{3 * 2**layers_} pixels; got image_shape={(height, width, channels)}."
        )
    images = keras.Input((height, width, channels), name="images")
    x = images
    for i in range(layers_ + 1):
        x = layers.ZeroPadding2D(1)(x)
        x = conv(filters * min(2**i, 8), 4, strides=2 if i < layers_ else 1)(x)
        if i > 0:
            x = instance_normalization()(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.ZeroPadding2D(1)(x)
    scores = layers.Conv2D(1, 4, kernel_initializer=normal_init(), dtype="float32", name="scores")(
        x
    )
    return keras.Model(images, scores, name=name)


def receptive_field(model: keras.Model) -> int:
    """The side of the input patch that one output of a chain of convolutions sees.

    Walks the model's layers: each convolution of kernel `k`, dilation `d` and stride
    `s` widens the field by `(k - 1)·d` times the product of the earlier strides, then
    multiplies that product by `s`. Padding, activations and normalisation do not
    change it (instance norm's statistics aside, which span the whole image).

    Args:
        model: a model whose layers form one chain (a PatchGAN, say).

    Returns:
        The receptive field in pixels along the height axis: 70 for the default PatchGAN.

    Example:
    >>> receptive_field(build_patchgan_discriminator((256, 256, 3)))
    70
    """
    field, jump = 1, 1
    for layer in model.layers:
        if isinstance(layer, layers.Conv2DTranspose):
            raise ValueError(
                f"receptive_field() does not handle transposed convolutions ({layer.name})."
            )
        if isinstance(layer, (layers.Conv2D, layers.MaxPooling2D, layers.AveragePooling2D)):
            kernel = getattr(layer, "kernel_size", getattr(layer, "pool_size", (1,)))[0]
            dilation = getattr(layer, "dilation_rate", (1,))[0]
            field += (kernel - 1) * dilation * jump
            jump *= layer.strides[0]
    return field
