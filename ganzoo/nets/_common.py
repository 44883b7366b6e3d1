"""Pieces shared by the network families: the image-to-image families' (`resnet`,
`unet`, `patchgan`) weight initialisation, convolutions and image-shape check, and the
layer walk that critics' checks use (`batch_norm_layer_names`)."""

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


def all_layers(model) -> list:
    """Every layer of `model`, nested models' layers included."""
    layers_ = []
    for layer in getattr(model, "layers", []):
        layers_.append(layer)
        layers_.extend(all_layers(layer))
    return layers_


def batch_norm_layer_names(model) -> list[str]:
    """Names of the `BatchNormalization` layers of `model`, nested models included: a
    critic must have none where a loss or penalty treats examples one by one."""
    return [
        layer.name for layer in all_layers(model) if isinstance(layer, layers.BatchNormalization)
    ]
