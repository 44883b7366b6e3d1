"""ProGAN: progressive growing of GANs (Karras, Aila, Laine & Lehtinen, 2018)."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf
from keras import ops

from ganzoo import losses as ganzoo_losses
from ganzoo.core.lazy import counter
from ganzoo.core.replicas import num_replicas
from ganzoo.layers.growth import real_images_at_lod
from ganzoo.models.wgan_gp import WGANGP
from ganzoo.nets import progan as nets
from ganzoo.regularizers import non_negative
from ganzoo.schedules import ProGrowth


def optimizer_state(optimizer: keras.optimizers.Optimizer) -> list:
    """What `reset_opt_for_new_lod` resets: the iteration count and every slot (Adam's
    moments); not the learning rate, nor a loss scale."""
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    rate = getattr(inner, "_learning_rate", None)
    return [v for v in inner.variables if v is not rate]


@keras.saving.register_keras_serializable(package="ganzoo")
class ProGAN(WGANGP):
    """ProGAN (Karras et al., 2018, "Progressive Growing of GANs for Improved Quality,
    Stability, and Variation", ICLR, arXiv:1710.10196), after
    tkarras/progressive_growing_of_gans (`networks.py`, `loss.py`, `train.py`).

    - Growth from 4×4 to the final resolution, each new resolution faded in with a
      weight α that rises linearly from 0 to 1 (`ganzoo.schedules.ProGrowth`: images
      per stabilisation and per fade-in, 800k each in the paper). The networks are
      built once at the final resolution with a level-of-detail input
      (`ganzoo.nets.progan`, the reference's `structure='linear'`), so the model is one
      graph: `.keras` files, XLA and strategies work as for any variant.
    - The schedule is a function of `images_seen`, a saved counter of the real images
      shown, so a resumed run continues where it stopped, inside a fade-in too. Real
      images are shown at the current resolution (average-pooled and upsampled back,
      mixed by α in a fade-in: the reference's `process_reals`).
    - Optimizer state reset when the level of detail enters or leaves a fade-in (the
      reference's `reset_opt_for_new_lod`): Adam's moments and iteration count are
      zeroed in-graph, identically on every replica.
    - Loss: WGAN-GP with one critic step per generator step, λ = 10, and the drift
      term `ε_drift · D(x)²` with ε_drift = 0.001 (§A.1, the reference's
      `D_wgangp_acgan`); Adam(1e-3, β = (0, 0.99), ε = 1e-8) for both; minibatch 16.
    - A generator EMA with decay 0.999 (`G_smoothing`, no ramp-up), which `generate`
      uses by default; samples are clipped to [-1, 1] (the generator is linear).

    Logs `d_loss` (with `λ·gp` and the drift term), `g_loss`, `gp`, `wasserstein`,
    `drift` (`D(x)²`) and `lod`, the level of detail of the step.

    Args:
        generator: `ganzoo.nets.progan.build_generator`'s model on `[z, lod]`.
        discriminator: `ganzoo.nets.progan.build_discriminator`'s model on `[x, lod]`.
        latent_dim: size of `z` (read from the generator when omitted).
        growth: the `ProGrowth` schedule (or its config); `None`: one of
            `fade_in_images` and `stable_images`.
        fade_in_images, stable_images: images per fade-in and per stabilisation
            (800k each), one number or one per growth step.
        drift: ε_drift (0.001).
        ema: the generator EMA's decay (0.999; `None`: none).
        ema_rampup: the EMA's ramp-up (`None`, the paper's plain average).
        **kwargs: passed to `ganzoo.WGANGP` (`gp_weight`, `seed`, ...).

    Example:
    >>> gan = ganzoo.ProGAN.for_images((32, 32, 3))
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("celeb_a", batch_size=16, image_size=32), epochs=20)
    >>> gan.resolution  # the output resolution now
    """

    default_d_steps = 1  # the reference's D_repeats

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int | None = None,
        *,
        growth: ProGrowth | dict | None = None,
        fade_in_images=800_000,
        stable_images=800_000,
        drift: float = 0.001,
        ema: float | None = 0.999,
        ema_rampup: float | None = None,
        **kwargs,
    ):
        if isinstance(growth, dict):
            growth = keras.saving.deserialize_keras_object(growth)
        self.growth = growth or ProGrowth(fade_in_images, stable_images)
        self.levels = nets.levels(generator.output_shape[1:])
        self.growth.phases(self.levels)  # a ValueError unless they add up
        self.drift = non_negative(drift, "drift")
        latent_dim = latent_dim or generator.input_shape[0][-1]
        super().__init__(
            generator, discriminator, latent_dim, ema=ema, ema_rampup=ema_rampup, **kwargs
        )
        self.images_seen = counter("images_seen")
        # The level of detail of the last step, to tell when a phase starts.
        self.last_lod = keras.Variable(
            -1.0, trainable=False, name="last_lod", aggregation="only_first_replica"
        )

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8)

    def extra_log_names(self) -> list[str]:
        return [*super().extra_log_names(), "drift", "lod"]

    # ------------------------------------------------------------------ the schedule

    def level_of_detail(self):
        """The level of detail now (a float32 scalar): `levels` at 4×4, 0 at the end."""
        return self.growth.lod(self.images_seen, self.levels)

    @property
    def resolution(self) -> int:
        """The current output resolution (the new one during a fade-in)."""
        return self.growth.resolution(int(self.images_seen.numpy()), self.image_shape[0])

    @property
    def alpha(self) -> float:
        """The current fade-in's weight on the newest block (1 outside a fade-in)."""
        return self.growth.alpha(int(self.images_seen.numpy()), self.image_shape[0])

    def reset_optimizers_at_new_phase(self) -> None:
        """Zeroes both optimizers' state when `floor(lod)` or `ceil(lod)` changed since
        the last step, and remembers this step's `lod`. Runs in the cross-replica
        context on the saved variables, so every replica resets alike."""
        state = [v for p in self.players for v in optimizer_state(getattr(self, p.optimizer))]

        def reset(*_):
            lod, last = self.level_of_detail(), self.last_lod.value
            changed = ops.logical_or(
                ops.not_equal(ops.floor(lod), ops.floor(last)),
                ops.not_equal(ops.ceil(lod), ops.ceil(last)),
            )
            for variable in state:
                variable.assign(ops.where(changed, ops.zeros_like(variable), variable))
            self.last_lod.assign(lod)

        context = tf.distribute.get_replica_context()
        if context is None:
            reset()
        else:
            context.merge_call(reset)

    # ------------------------------------------------------------------ hooks

    def _lod_column(self, images):
        return ops.full((ops.shape(images)[0], 1), self.level_of_detail())

    def generator_inputs(self, latents, condition) -> Any:
        return [latents, self._lod_column(latents)]

    def discriminator_inputs(self, images, condition, training: bool = True) -> Any:
        return [self.discriminator_view(images, training), self._lod_column(images)]

    def discriminator_loss(self, real, fake, latents, condition) -> dict:
        """The WGAN-GP critic loss plus `ε_drift · D(x)²`, per example (the core adds
        `λ · gp`)."""
        real_scores = self.discriminate(real, condition)
        critic_loss = ganzoo_losses.wasserstein_discriminator_loss(
            real_scores, self.discriminate(fake, condition)
        )
        drift = ganzoo_losses.per_example(ops.square(ops.cast(real_scores, "float32")))
        return {
            "d_loss": critic_loss + self.drift * drift,
            "wasserstein": -critic_loss,
            "drift": drift,
            "lod": ops.full(ops.shape(drift), self.level_of_detail()),
        }

    def train_step(self, data):
        """Resets the optimizers at a new phase, shows the real images at the current
        level of detail to `GAN.train_step`, then counts them."""
        self.reset_optimizers_at_new_phase()
        real, _ = self.unpack(data)
        real = real_images_at_lod(ops.cast(real, "float32"), self.level_of_detail(), self.levels)
        logs = super().train_step(real)
        self.images_seen.assign_add(ops.cast(ops.shape(real)[0] * num_replicas(), "int64"))
        return logs

    # ------------------------------------------------------------------ inference

    def call(self, inputs, training: bool = False):
        """Generated images (linear) for latents `z`, at the current level of detail."""
        return self.generator(self.generator_inputs(inputs, None), training=training)

    def generate(self, n: int | None = None, **kwargs):
        """`ganzoo.GAN.generate` at the current level of detail, clipped to [-1, 1]
        (the generator's output is linear, as in the paper)."""
        return ops.clip(super().generate(n, **kwargs), -1.0, 1.0)

    # ------------------------------------------------------------------ building

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int] = (32, 32, 3),
        latent_dim: int | None = None,
        fmap_base: int = 2048,
        fmap_max: int = 128,
        mbstd_group_size: int = 4,
        **kwargs,
    ) -> ProGAN:
        """ProGAN growing to `image_shape` with CPU-sized networks.

        Args:
            image_shape: `(R, R, C)`, R a power of two ≥ 4.
            latent_dim: size of `z` (`nf(0)`: 128 here, 512 in the paper).
            fmap_base, fmap_max: feature maps `min(fmap_base / 2^stage, fmap_max)`:
                2048 and 128 (128 maps up to 16×16, 64 at 32×32); the paper's 8192, 512.
            mbstd_group_size: the minibatch standard deviation's group (4).
            **kwargs: passed to the constructor (`fade_in_images`, `stable_images`,
                `growth`, `seed`, ...).

        Returns:
            An uncompiled `ProGAN`.
        """
        generator = nets.build_generator(image_shape, latent_dim, fmap_base, fmap_max)
        discriminator = nets.build_discriminator(image_shape, fmap_base, fmap_max, mbstd_group_size)
        return cls(generator, discriminator, latent_dim, **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        return {
            **config,
            "growth": keras.saving.serialize_keras_object(self.growth),
            "drift": self.drift,
        }
