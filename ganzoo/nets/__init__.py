"""Generator and discriminator builders, one module per architecture family."""

from ganzoo.nets import (
    acgan,
    conditional,
    dcgan,
    infogan,
    mlp,
    patchgan,
    resnet,
    sgan,
    sngan,
    unet,
    wgan,
)

__all__ = [
    "acgan",
    "conditional",
    "dcgan",
    "infogan",
    "mlp",
    "patchgan",
    "resnet",
    "sgan",
    "sngan",
    "unet",
    "wgan",
]
