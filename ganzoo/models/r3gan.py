"""R3GAN: the relativistic pairing loss with R1 and R2 (Huang et al., 2024)."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo import augment as ganzoo_augment
from ganzoo import losses as ganzoo_losses
from ganzoo.base import GAN
from ganzoo.nets import dcgan, wgan
from ganzoo.nets._common import batch_norm_layer_names
from ganzoo.regularizers import R1, R2, non_negative

LOSS_NAME = "relativistic_pairing"


@keras.saving.register_keras_serializable(package="ganzoo")
class R3GAN(GAN):
    """R3GAN's objective (Huang, Gokaslan, Kuleshov & Tompkin, 2024, "The GAN is dead;
    long live the GAN! A Modern GAN Baseline", NeurIPS, arXiv:2501.05441) on a
    DCGAN-sized network.

    The relativistic pairing loss (RpGAN) pairs each real image with a fake one:
    D minimises `softplus(-(D(x) - D(G(z))))` and G minimises
    `softplus(-(D(G(z)) - D(x)))`, so the generator step needs the real batch; D also
    gets the zero-centred gradient penalties R1 on real and R2 on fake images,
    `γ/2 · ‖∇D‖²` each (`ganzoo.regularizers.R1`, `R2`; the reference code's
    `Gamma / 2 · (R1 + R2)`), with γ = 0.05, the paper's CIFAR-10 value at the start of
    training. γ is fixed here: the paper's CIFAR-10 preset decays γ 0.05 → 0.005, the
    learning rate 2e-4 → 5e-5 and Adam's β₂ 0.9 → 0.99 over 20 M images, which ganzoo
    does not schedule. Both sides use Adam(2e-4, β₁ = 0, β₂ = 0.9).

    In G's loss, `D(x)` is recomputed with the discriminator as it is after its update
    (as the reference code does) and held constant (`stop_gradient`): it does not
    depend on G's weights, so it only shifts the logit G compares against.

    **Not the paper's network.** The paper's R3GAN is a modernised ResNet (ConvNeXt-
    style bottleneck blocks with grouped 3×3 convolutions, no normalisation, bilinear
    resampling, fix-up initialisation, EMA and augmentation). ganzoo trains the
    objective on the DCGAN generator without batch norm
    (`ganzoo.nets.dcgan.build_generator(normalization=None)`) and the WGAN-GP critic
    without normalisation (`ganzoo.nets.wgan.build_critic`); a discriminator with batch
    norm is refused, as R1 and R2 are per-example penalties.

    Args:
        generator: a `keras.Model` from latents to images in [-1, 1].
        discriminator: a `keras.Model` from images to logits, without batch norm.
        latent_dim: size of `z` (64, the paper's noise dimension).
        gamma: γ of R1 and R2 (0.05), used when `regularizers` is not given.
        adversarial_loss: only `"relativistic_pairing"` (accepted for `from_config`).
        regularizers: replaces `[R1(gamma), R2(gamma)]` (a saved config lists them).
        **kwargs: passed to `ganzoo.GAN` (`seed`, `name`, ...).

    Example:
    >>> gan = ganzoo.R3GAN.for_images((32, 32, 3))
    >>> gan.compile()  # Adam(2e-4, beta_1=0, beta_2=0.9)
    >>> gan.fit(ganzoo.data.load("cifar10", batch_size=64), epochs=20)  # d_loss, g_loss, r1, r2
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int = 64,
        *,
        gamma: float = 0.05,
        adversarial_loss: str | None = None,
        regularizers=None,
        **kwargs,
    ):
        if adversarial_loss not in (None, LOSS_NAME):
            raise ValueError(
                f"R3GAN trains with the relativistic pairing loss; expected adversarial_loss="
                f"{LOSS_NAME!r} or None, got {adversarial_loss!r}."
            )
        # The pairing loss bypasses `loss_pair`, which both options act through: refuse
        # them rather than ignore them.
        if kwargs.get("label_smoothing"):
            raise ValueError(
                f"R3GAN's relativistic pairing loss has no probability target to smooth; "
                f"expected label_smoothing=0, got {kwargs['label_smoothing']!r}."
            )
        if isinstance(ganzoo_augment.get(kwargs.get("augment")), ganzoo_augment.ADA):
            raise ValueError(
                "ADA's controller reads sign(D(x)), which a relativistic logit has no "
                "boundary for; expected augment=None, 'diffaugment' or a DiffAugment, "
                f"got {kwargs['augment']!r}."
            )
        batch_norms = batch_norm_layer_names(discriminator)
        if batch_norms:
            raise ValueError(
                f"Expected an R3GAN discriminator without batch normalization (R1 and R2 are "
                f"per-example penalties); got BatchNormalization layers {batch_norms}."
            )
        if regularizers is None:
            gamma = non_negative(gamma, "gamma")
            regularizers = [R1(gamma), R2(gamma)]
        # The pairing loss is not in ganzoo.losses.ADVERSARIAL_LOSSES (its generator side
        # needs the real logits); both loss hooks are R3GAN's own.
        super().__init__(generator, discriminator, latent_dim, regularizers=regularizers, **kwargs)
        self.adversarial_loss = LOSS_NAME

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9)

    def discriminator_loss(self, real, fake, latents, condition) -> dict[str, Any]:
        """`softplus(-(D(x) - D(G(z))))` per pair (the core adds `γ/2 · (R1 + R2)`)."""
        loss = ganzoo_losses.relativistic_pairing_discriminator_loss(
            self.discriminate(real, condition), self.discriminate(fake, condition)
        )
        return {"d_loss": loss}

    def generator_loss(self, fake, latents, condition, real=None) -> dict[str, Any]:
        """`softplus(-(D(G(z)) - D(x)))` per pair, `D(x)` on this step's real batch."""
        if real is None:
            raise ValueError("R3GAN's generator loss needs the real batch; got real=None.")
        real_logits = ops.stop_gradient(self.discriminate(real, condition))
        loss = ganzoo_losses.relativistic_pairing_generator_loss(
            self.discriminate(fake, condition), real_logits
        )
        return {"g_loss": loss}

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        latent_dim: int = 64,
        base_filters: int | None = None,
        **kwargs,
    ) -> R3GAN:
        """Builds an R3GAN objective on DCGAN-sized networks without normalisation.

        Args:
            image_shape: `(H, W, C)`, e.g. (28, 28, 1), (32, 32, 3), (64, 64, 3).
            latent_dim: size of `z` (64, as in the paper's presets).
            base_filters: width of both networks; 128 for images of 64 pixels or more
                and 32 below, as in `ganzoo.DCGAN`.
            **kwargs: passed to the constructor (`gamma`, `seed`, ...).

        Returns:
            An uncompiled `R3GAN`.
        """
        if base_filters is None:
            base_filters = dcgan.default_base_filters(image_shape)
        return cls(
            dcgan.build_generator(image_shape, latent_dim, base_filters, normalization=None),
            wgan.build_critic(image_shape, base_filters, normalization=None),
            latent_dim,
            **kwargs,
        )

    @property
    def gamma(self) -> float:
        """γ of the R1 regularizer (0 without one)."""
        return self.r1_gamma
