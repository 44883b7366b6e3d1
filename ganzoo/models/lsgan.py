"""LSGAN: least-squares GAN (Mao et al., 2017)."""

from __future__ import annotations

import keras

from ganzoo.models.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class LSGAN(DCGAN):
    """Least Squares GAN (Mao, Li, Xie, Lau, Wang & Smolley, 2017, arXiv:1611.04076).

    The discriminator's sigmoid cross-entropy is replaced by least squares on its
    linear output: the paper's eq. 2 with the 0-1 coding the authors' code trains
    with (`a = 0` for fakes, `b = 1` for real images, `c = 1` the value the generator
    wants D to give its fakes):

    - D minimises `½·E[(D(x) - 1)²] + ½·E[D(G(z))²]`;
    - G minimises `½·E[(D(G(z)) - 1)²]`

    (`ganzoo.losses.least_squares_discriminator_loss` / `_generator_loss`). Both use
    Adam(2e-4, β₁ = 0.5), the authors' setting for their DCGAN-architecture and 28×28
    experiments (their 112×112 scene network used 1e-3).

    Networks: the paper's LSUN scene model is its own VGG-like design at 112×112 and
    its stability comparison trains DCGAN's architecture at 64×64; ganzoo uses the
    DCGAN networks of `ganzoo.nets.dcgan` (`DCGAN.for_images`) at every size, so LSGAN
    is DCGAN with the least-squares loss and everything else is DCGAN's.

    Args:
        generator, discriminator, latent_dim, **kwargs: see `ganzoo.GAN`.

    Example:
    >>> gan = ganzoo.LSGAN.for_images((28, 28, 1), latent_dim=100)
    >>> gan.compile()  # Adam(2e-4, beta_1=0.5)
    >>> gan.fit(ganzoo.data.load("mnist", batch_size=64), epochs=20)
    """

    default_adversarial_loss = "least_squares"
