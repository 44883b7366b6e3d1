"""Layers that Keras lacks and GAN papers use, one module per layer family.

- `ReflectionPadding2D`: pads an image by mirroring it at its border (no repeat of the
  edge pixel), like PyTorch's `nn.ReflectionPad2d` and `tf.pad(mode="REFLECT")`. The
  CycleGAN and pix2pixHD generators pad with it to avoid border artefacts.
- `instance_normalization()`: instance norm (Ulyanov et al., 2016) as Keras' own
  `GroupNormalization` with one group per channel.
- `BatchNormalization`: Keras' batch norm, trained with TensorFlow's fused kernel.
- `SpectralNormalization`: a layer's weight divided by its largest singular value
  (Miyato et al., 2018), one power iteration per `update_spectral_norms(model)` call.
- `MinibatchStdDev`, `MinibatchDiscrimination`: batch statistics for the discriminator
  against mode collapse (Karras et al., 2018; Salimans et al., 2016).
- `GaussianNoise`: additive noise drawn for the global batch (the distribution rule),
  the noise layers of the semi-supervised GAN's discriminator.
- `Dropout`: dropout whose masks are drawn for the global batch, pix2pix's noise.
- `ganzoo.layers.style`: StyleGAN2's equalised-learning-rate, modulated-convolution,
  noise, `w_avg` and style-mixing layers (Karras et al., 2020).
- `WeightNormDense`: a dense layer with weight normalisation (Salimans & Kingma, 2016)
  and its data-dependent initialisation, the layers of the semi-supervised GAN's
  discriminator.
"""

from ganzoo.layers.minibatch import MinibatchDiscrimination, MinibatchStdDev
from ganzoo.layers.noise import Dropout, GaussianNoise
from ganzoo.layers.normalization import BatchNormalization, instance_normalization
from ganzoo.layers.padding import ReflectionPadding2D
from ganzoo.layers.spectral_norm import (
    SpectralNormalization,
    spectral_normalizations,
    unnormalized_layers,
    update_spectral_norms,
)
from ganzoo.layers.weight_norm import WeightNormDense

__all__ = [
    "BatchNormalization",
    "Dropout",
    "GaussianNoise",
    "MinibatchDiscrimination",
    "MinibatchStdDev",
    "ReflectionPadding2D",
    "SpectralNormalization",
    "WeightNormDense",
    "instance_normalization",
    "spectral_normalizations",
    "unnormalized_layers",
    "update_spectral_norms",
]
