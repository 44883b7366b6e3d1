"""DCGAN (Radford, Metz & Chintala, 2016)."""

from __future__ import annotations

import keras

from ganzoo.base import GAN
from ganzoo.nets import dcgan


@keras.saving.register_keras_serializable(package="ganzoo")
class DCGAN(GAN):
    """Deep convolutional GAN (Radford, Metz & Chintala, 2016).

    The networks are built by `ganzoo.nets.dcgan` (strided convolutions, batch norm,
    ReLU/LeakyReLU(0.2), `tanh` output, N(0, 0.02) weights); training uses the
    non-saturating loss and Adam(2e-4, beta_1=0.5) on both sides, as in the paper.
    Everything else is the base class.

    Args:
        generator, discriminator, latent_dim, **kwargs: see `ganzoo.GAN`.

    Example:
    >>> gan = ganzoo.DCGAN.for_images((28, 28, 1), latent_dim=100)
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("mnist", batch_size=128), epochs=20)
    """

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        latent_dim: int = 100,
        base_filters: int | None = None,
        **kwargs,
    ) -> DCGAN:
        """Builds a DCGAN whose networks fit `image_shape`.

        Args:
            image_shape: `(H, W, C)`, e.g. (28, 28, 1), (32, 32, 3), (64, 64, 3).
            latent_dim: size of `z` (100 in the paper).
            base_filters: width multiplier of both networks; by default 128 for images
                of 64 pixels or more (the paper's 1024-filter projection) and 32 below,
                where the paper gives no architecture (at 32 pixels: 4×4×128 → 8×8×64 →
                16×16×32 → 32×32×C), which learns digits in minutes on a CPU.
            **kwargs: passed to the constructor (`seed`, `adversarial_loss`, ...), except
                `minibatch_std`, `minibatch_discrimination` and `spectral_norm`, which go
                to `ganzoo.nets.dcgan.build_discriminator`.

        Returns:
            An uncompiled `DCGAN`.
        """
        if base_filters is None:
            base_filters = dcgan.default_base_filters(image_shape)
        d_keys = ("minibatch_std", "minibatch_discrimination", "spectral_norm")
        d_options = {key: kwargs.pop(key) for key in d_keys if key in kwargs}
        return cls(
            dcgan.build_generator(image_shape, latent_dim, base_filters),
            dcgan.build_discriminator(image_shape, base_filters, **d_options),
            latent_dim,
            **kwargs,
        )
