"""SNGAN: spectral normalisation of the discriminator (Miyato et al., 2018)."""

from __future__ import annotations

import keras

from ganzoo.base import GAN
from ganzoo.layers import unnormalized_layers
from ganzoo.nets import sngan
from ganzoo.nets._common import batch_norm_layer_names

#: `(learning_rate, beta_1, beta_2, n_dis)`: the paper's Table 1 (A-F) and `"official"`,
#: the authors' released `sn_cifar10*.yml`.
SETTINGS = {
    "official": (2e-4, 0.0, 0.9, 5),
    "A": (1e-4, 0.5, 0.9, 5),
    "B": (1e-4, 0.5, 0.999, 1),
    "C": (2e-4, 0.5, 0.999, 1),
    "D": (1e-3, 0.5, 0.9, 5),
    "E": (1e-3, 0.5, 0.999, 5),
    "F": (1e-3, 0.9, 0.999, 5),
}


@keras.saving.register_keras_serializable(package="ganzoo")
class SNGAN(GAN):
    """SN-GAN (Miyato, Kataoka, Koyama & Yoshida, 2018, arXiv:1802.05957).

    Every weight of the discriminator is spectrally normalised, `W / σ(W)`, with `σ`
    estimated by one power iteration per discriminator update
    (`ganzoo.layers.SpectralNormalization`; the core's `update` runs
    `ganzoo.layers.update_spectral_norms` on the discriminator before each of its
    updates, so the iteration runs once per update, not in D(fake), the
    generator's step or a penalty's tape). The defaults are the authors' released
    setting (pfnet-research/sngan_projection, `configs/sn_cifar10*.yml`, one of the six
    the paper compares): the hinge loss `max(0, 1 - D(x)) + max(0, 1 + D(G(z)))` for D
    and `-D(G(z))` for G, `n_dis = 5` discriminator updates per generator update, each on
    its own real batch, and Adam(2e-4, β₁=0, β₂=0.9) for both players, batches of 64.

    Batch size: as in `ganzoo.WGANGP`, a dataset batch holds `d_steps × B` images, split
    into `d_steps` interleaved chunks of `B` (`GAN.critic_batches`); the generator step
    uses `B` samples. For the paper's `B = 64`: `ganzoo.data.load(name, batch_size=5 * 64)`.

    The discriminator must be spectrally normalised on every layer with a weight and
    have no batch norm: a discriminator with a `BatchNormalization` layer, or with a
    `Dense`/`Conv`/`Embedding` layer outside `ganzoo.layers.SpectralNormalization`
    (Keras' own `SpectralNormalization` included), is refused with a `ValueError`.

    Args:
        generator: a `keras.Model` from latents to images in [-1, 1].
        discriminator: a `keras.Model` from images to logits, every weight layer wrapped
            in `ganzoo.layers.SpectralNormalization`.
        latent_dim: size of `z` (128).
        d_steps: discriminator updates per generator update (`n_dis`); the setting's.
        setting: Adam's settings and `n_dis` (`SETTINGS`): `"official"` (the released
            code's) or Table 1's `"A"`-`"F"` (`"C"`: Adam(2e-4, 0.5, 0.999), `n_dis=1`).
        adversarial_loss: default `"hinge"`; any of `ganzoo.losses.ADVERSARIAL_LOSSES`
            (the paper also trains with `"non_saturating"`).
        **kwargs: passed to `ganzoo.GAN` (`regularizers`, `r1_gamma`, `seed`, `name`, ...).

    Example:
    >>> gan = ganzoo.SNGAN.for_images((32, 32, 3))
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("cifar10", batch_size=5 * 64), epochs=20)
    """

    default_adversarial_loss = "hinge"
    #: `n_dis` of the default (`"official"`) setting; a dataset batch holds this many `B`.
    default_d_steps = SETTINGS["official"][3]
    # Four steps per call made `fit` 0.77x a hand-written loop, one 1.03x (docs/sngan.md).
    default_steps_per_execution = 1

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int = 128,
        *,
        d_steps: int | None = None,
        setting: str = "official",
        **kwargs,
    ):
        if setting not in SETTINGS:
            raise ValueError(
                f"Expected an SNGAN setting in {sorted(SETTINGS)} (Table 1 of the paper, or "
                f"the released code's); got {setting!r}."
            )
        n_dis = SETTINGS[setting][3]
        batch_norms = batch_norm_layer_names(discriminator)
        if batch_norms:
            raise ValueError(
                f"Expected an SNGAN discriminator without batch normalization (spectral "
                f"normalisation is its only normalisation); got BatchNormalization layers "
                f"{batch_norms}."
            )
        unnormalized = unnormalized_layers(discriminator)
        if unnormalized:
            raise ValueError(
                f"Expected an SNGAN discriminator with every weight layer wrapped in "
                f"ganzoo.layers.SpectralNormalization; got layers without it: {unnormalized}."
            )
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            d_steps=n_dis if d_steps is None else d_steps,
            **kwargs,
        )
        self.setting = setting

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        learning_rate, beta_1, beta_2, _ = SETTINGS[self.setting]
        return keras.optimizers.Adam(learning_rate, beta_1=beta_1, beta_2=beta_2)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return self.default_g_optimizer()  # both players share the setting's Adam

    def get_config(self) -> dict:
        return {**super().get_config(), "setting": self.setting}

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        latent_dim: int = 128,
        base_filters: int = 64,
        **kwargs,
    ) -> SNGAN:
        """Builds an SNGAN with the paper's standard CNN (Table 3) for `image_shape`.

        Args:
            image_shape: `(H, W, C)`, e.g. (32, 32, 3) (CIFAR-10) or (48, 48, 3) (STL-10).
            latent_dim: size of `z` (128).
            base_filters: width of both networks (64 in the paper; see
                `ganzoo.nets.sngan`); smaller for a CPU.
            **kwargs: the constructor's (`setting`, `d_steps`, `adversarial_loss`, `seed`).

        Returns:
            An uncompiled `SNGAN`.

        Example:
        >>> gan = ganzoo.SNGAN.for_images((32, 32, 3), base_filters=32)
        """
        return cls(
            sngan.build_generator(image_shape, latent_dim, base_filters),
            sngan.build_discriminator(image_shape, base_filters),
            latent_dim,
            **kwargs,
        )
