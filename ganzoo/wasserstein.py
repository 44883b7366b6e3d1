"""`WassersteinGAN`: the latent GAN with the Wasserstein loss, shared by `ganzoo.WGAN`
(weight clipping) and `ganzoo.WGANGP` (gradient penalty)."""

from __future__ import annotations

import keras

from ganzoo import losses as ganzoo_losses
from ganzoo.base import GAN


class WassersteinGAN(GAN):
    """A GAN trained with the Wasserstein loss: the base of `ganzoo.WGAN` and `ganzoo.WGANGP`.

    The critic minimises `D(x̃) - D(x)` per example and the generator `-D(G(z))`;
    `d_steps` (`default_d_steps = 5`) critic updates, each on its own chunk of the
    batch (`GAN.critic_batches`), come before each generator update. Logs `d_loss`,
    `g_loss` and `wasserstein`, the critic's estimate `E[D(x)] - E[D(x̃)]`.

    Args:
        generator, discriminator, latent_dim: see `ganzoo.GAN`.
        d_steps: critic updates per generator update (`n_critic`); `None`: 5.
        adversarial_loss: only `"wasserstein"` (accepted for `from_config`).
        **kwargs: passed to `ganzoo.GAN`.
    """

    default_adversarial_loss = "wasserstein"
    #: critic steps per generator step (`n_critic`); a dataset batch holds this many `B`.
    default_d_steps = 5

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int,
        *,
        d_steps: int | None = None,
        adversarial_loss: str | None = None,
        **kwargs,
    ):
        if adversarial_loss not in (None, "wasserstein"):
            raise ValueError(
                f"{type(self).__name__} trains with the Wasserstein loss; expected "
                f"adversarial_loss='wasserstein' or None, got {adversarial_loss!r}."
            )
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            d_steps=self.default_d_steps if d_steps is None else d_steps,
            adversarial_loss="wasserstein",
            **kwargs,
        )

    def extra_log_names(self) -> list[str]:
        return ["wasserstein"]

    def discriminator_loss(self, real, fake, latents, condition) -> dict:
        """Critic loss `D(x̃) - D(x)` and the Wasserstein estimate, per example."""
        critic_loss = ganzoo_losses.wasserstein_discriminator_loss(
            self.discriminate(real, condition), self.discriminate(fake, condition)
        )
        return {"d_loss": critic_loss, "wasserstein": -critic_loss}
