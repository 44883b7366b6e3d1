"""Generator and discriminator builders, one module per architecture family."""

from ganzoo.nets import conditional, dcgan, infogan, mlp, patchgan, resnet, sgan, unet, wgan

__all__ = ["conditional", "dcgan", "infogan", "mlp", "patchgan", "resnet", "sgan", "unet", "wgan"]
