"""Pieces shared by the image-to-image families (`resnet`, `unet`, `patchgan`): the
reference's weight initialisation and its convolutions, and the image-shape check."""

from __future__ import annotations

import keras
from keras import layers


def normal_init() -> keras.initializers.Initializer:
    """N(0, 0.02), the weight initialisation of pix2pix and CycleGAN (`init_type='normal'`)."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def conv(filters: int, kernel: int, strides: int = 1, name: str | None = None) -> layers.Layer:
    """A `"valid"` convolution with `normal_init` weights (paddings are written out)."""
    return layers.Conv2D(
        filters, kernel, strides=strides, kernel_initializer=normal_init(), name=name
    )


def check_image_shape(image_shape, what: str) -> tuple[int, int, int]:
    """`image_shape` as three positive ints, or a `ValueError` naming `what`."""
    shape = tuple(int(d) for d in image_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(
            f"Expected {what} image_shape (height, width, channels); got {image_shape!r}."
        )
    return shape
