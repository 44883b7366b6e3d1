"""`GAN`, the latent GAN on the adversarial core (`ganzoo.core`).

A GAN has two players, a discriminator and a generator, and trains them alternately:
`d_steps` discriminator updates, then one generator update, each through the core's
`update`. Each part of the step is a small overridable hook; a new variant overrides
only what differs:

- `unpack(data)` → `(real_images, condition)` from one dataset element;
- `sample_latent(batch_size)` → latents for the generator;
- `generator_inputs(latents, condition)` → what the generator is called on;
- `discriminate(images, condition)` → discriminator scores;
- `discriminator_loss(real, fake, latents, condition)` and
  `generator_loss(fake, latents, condition, real)` → dicts of *per-example* values, one
  of them `"d_loss"` / `"g_loss"`, the rest extra terms to log.

Regularizers (`regularizers=[ganzoo.regularizers.R1(10)]`) are applied by the core in
every discriminator update, whatever these hooks return.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo import augment as ganzoo_augment
from ganzoo import ema as ganzoo_ema
from ganzoo import regularizers as ganzoo_regularizers
from ganzoo import tricks
from ganzoo.core import (  # noqa: F401  (old import paths of these names)
    LAYER_SEED_STATE_KEY,
    SEED_STATE_KEY,
    AdversarialModel,
    Player,
)
from ganzoo.core.features import feature_model
from ganzoo.data import checks


@keras.saving.register_keras_serializable(package="ganzoo")
class GAN(AdversarialModel):
    """A generative adversarial network trained with `fit` (Goodfellow et al., 2014).

    Holds a generator and a discriminator as tracked sub-models and trains them
    alternately: `d_steps` discriminator updates, then one generator update, with the
    adversarial loss named by `adversarial_loss` (see `ganzoo.losses`).

    With `d_steps > 1` each critic step sees fresh real images, as in Algorithm 1 of
    WGAN and WGAN-GP: a dataset batch of `d_steps × B` images is split into `d_steps`
    interleaved chunks of `B` (chunk `i` holds rows `i, i + d_steps, ...`, which keeps
    N replicas equal to one device), and the generator step uses batches of `B`.

    Args:
        generator: a `keras.Model` mapping generator inputs to images in [-1, 1].
        discriminator: a `keras.Model` mapping images to logits.
        latent_dim: size of the latent vector `z`.
        d_steps: discriminator updates per generator update.
        adversarial_loss: one of `ganzoo.losses.ADVERSARIAL_LOSSES`.
        regularizers: `ganzoo.regularizers` applied to the discriminator's loss
            (`R1`, `R2`, `GradientPenalty`), each logged under its name.
        r1_gamma: shorthand for `regularizers=[R1(r1_gamma)]` (Mescheder et al.,
            2018): `γ/2 · ‖∇D(x)‖²` on real images; 0 adds nothing.
        ema: decay in (0, 1) of a moving average of G's weights, `ema_generator`,
            which `generate` and the image grids use (`ganzoo.ema`); `None`: none.
        ema_rampup: stylegan2-ada's ramp-up of the average's horizon (`None`: none).
        seed: seed of the model's `keras.random.SeedGenerator`; `None` follows
            `keras.utils.set_random_seed`.
        label_smoothing, instance_noise, instance_noise_steps, feature_matching:
            training tricks, off by default (`ganzoo.tricks`, docs/training-tricks.md).
        augment: augmentation of every image D sees in training (`"diffaugment"`,
            `"ada"`, a `ganzoo.augment` object, or `None`); see docs/augmentation.md.
        **kwargs: passed to `keras.Model` (`name`, ...).

    Example:
    >>> gan = ganzoo.GAN(generator, discriminator, latent_dim=64)
    >>> gan.compile()
    >>> gan.fit(dataset, epochs=5)
    >>> images = gan.generate(16)
    """

    players = (
        Player("discriminator", ("discriminator",), "d_optimizer", "d_loss"),
        Player("generator", ("generator",), "g_optimizer", "g_loss"),
    )
    default_adversarial_loss = "non_saturating"
    # Four steps per `tf.function` call: in alternating in-process rounds on 2 CPU cores
    # DCGAN's `fit` ran at 1.022 of a hand-written loop (lowest of 10 rounds 0.985),
    # against 1.008 (lowest 0.897) one step per call (`benchmarks/fit_vs_loop.py`).
    default_steps_per_execution = 4
    #: the layer of the discriminator whose output `discriminator_features` returns
    #: (`None`: the one that feeds the output layer).
    feature_layer: str | None = None

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int,
        *,
        d_steps: int = 1,
        adversarial_loss: str | None = None,
        regularizers=(),
        r1_gamma: float = 0.0,
        ema: float | None = None,
        ema_rampup: float | None = ganzoo_ema.DEFAULT_RAMPUP,
        seed: int | None = None,
        label_smoothing: float = 0.0,
        instance_noise: float = 0.0,
        instance_noise_steps: int = 10000,
        feature_matching: float = 0.0,
        augment=None,
        **kwargs,
    ):
        ganzoo_ema.check_decay(ema, ema_rampup)
        regularizers = list(regularizers or ())
        if float(r1_gamma) > 0:
            regularizers.append(ganzoo_regularizers.R1(r1_gamma))
        super().__init__(regularizers=regularizers, seed=seed, **kwargs)
        if int(d_steps) < 1:
            raise ValueError(f"d_steps must be a positive integer; got {d_steps!r}.")
        if int(latent_dim) < 1:
            raise ValueError(f"latent_dim must be a positive integer; got {latent_dim!r}.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.d_steps = int(d_steps)
        self.adversarial_loss = adversarial_loss or self.default_adversarial_loss
        tricks.configure(
            self, label_smoothing, instance_noise, instance_noise_steps, feature_matching
        )
        ganzoo_ema.attach(self, ema, ema_rampup)
        ganzoo_augment.attach(self, augment)
        self.finish_init(ganzoo_augment.trackers(self.augment))

    # ------------------------------------------------------------------ metadata

    def log_names(self) -> list[str]:
        names = super().log_names() + ganzoo_augment.log_names(self.augment)
        return [*names, "feature_matching"] if self.feature_matching else names

    @property
    def r1_gamma(self) -> float:
        """γ of the R1 regularizers (0 without one)."""
        return sum(r.gamma for r in self.regularizers if type(r) is ganzoo_regularizers.R1)

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one generated image, `(H, W, C)`."""
        return tuple(self.generator.output_shape[1:])

    @property
    def generator_variables(self) -> list:
        """Variables the generator optimizer trains."""
        return self.player_variables("generator")

    @property
    def discriminator_variables(self) -> list:
        """Variables the discriminator optimizer trains."""
        return self.player_variables("discriminator")

    # ------------------------------------------------------------------ compile

    def default_optimizer(self, player: str) -> keras.optimizers.Optimizer:
        if player == "generator":
            return self.default_g_optimizer()
        return self.default_d_optimizer()

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        """The generator optimizer used when `compile` gets none (the variant's paper)."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        """The discriminator optimizer used when `compile` gets none."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5)

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | str | None = None,
        d_optimizer: keras.optimizers.Optimizer | str | None = None,
        **kwargs,
    ) -> None:
        """Configures the two optimizers; the variant's paper defaults when omitted.

        Args:
            g_optimizer: generator optimizer (instance, name or config).
            d_optimizer: discriminator optimizer.
            **kwargs: `jit_compile`, `jit_compile_updates`, `steps_per_execution`,
                `run_eagerly`, as in `ganzoo.core.AdversarialModel.compile`.
        """
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **kwargs)

    # ------------------------------------------------------------------ hooks

    def unpack(self, data) -> tuple[Any, Any]:
        """Splits a dataset element into `(real_images, condition)`.

        Unconditional GANs take images, or `(images, labels)` and ignore the labels.
        """
        if isinstance(data, (tuple, list)):
            return data[0], None
        return data, None

    def sample_latent(self, batch_size) -> Any:
        """Latents for `batch_size` generated images: `z ~ N(0, I)` by default."""
        return self.draw(keras.random.normal, (batch_size, self.latent_dim))

    def generator_inputs(self, latents, condition) -> Any:
        """What the generator is called on; conditional variants add the condition."""
        return latents

    def discriminator_view(self, images, training: bool = True) -> Any:
        """The images as the discriminator sees them: where options that transform D's
        input (augmentation, instance noise) apply, to real and generated images alike
        and inside the regularizers' gradients. The images themselves by default."""
        if self.augment is not None and training:
            images = self.augment.augment(images, self.draw)
        return tricks.add_instance_noise(self, images, training)

    def discriminator_inputs(self, images, condition, training: bool = True) -> Any:
        """What the discriminator is called on: `discriminator_view(images)`;
        conditional variants add the condition."""
        return self.discriminator_view(images, training)

    def discriminate(self, images, condition, training: bool = True):
        """Discriminator logits for `images`."""
        inputs = self.discriminator_inputs(images, condition, training)
        return self.discriminator(inputs, training=training)

    def discriminator_features(self, images, condition, training: bool = True):
        """The discriminator's intermediate features of `images`, `(batch, ...)`, for
        feature matching and feature-space losses: by default the output of the layer
        that feeds D's output layer (`ganzoo.core.features.feature_model`), or of the
        layer named by the class attribute `feature_layer`."""
        model = self.__dict__.get("_feature_model")
        if model is None:
            model = feature_model(self.discriminator, self.feature_layer)
            # Not tracked: its weights are the discriminator's.
            object.__setattr__(self, "_feature_model", model)
        return model(self.discriminator_inputs(images, condition, training), training=training)

    def discriminator_loss(self, real, fake, latents, condition) -> dict[str, Any]:
        """Per-example discriminator loss terms; `"d_loss"` is the one minimised (the
        core adds the regularizers to it)."""
        real_logits = self.discriminate(real, condition)
        fake_logits = self.discriminate(fake, condition)
        return {"d_loss": self.loss_pair.discriminator(real_logits, fake_logits)}

    def generator_loss(self, fake, latents, condition, real=None) -> dict[str, Any]:
        """Per-example generator loss terms; `"g_loss"` is the one minimised. `real` is
        this step's real batch, for losses that compare with it (relativistic losses,
        feature matching)."""
        return {"g_loss": self.loss_pair.generator(self.discriminate(fake, condition))}

    # ------------------------------------------------------------------ the step

    def discriminator_step(self, real, condition) -> None:
        """One discriminator update on a batch of real images."""
        latents = self.sample_latent(ops.shape(real)[0])
        fake = self.generator(self.generator_inputs(latents, condition), training=True)

        def critic(images):
            return self.discriminate(images, condition)

        self.update(
            "discriminator",
            lambda: self.discriminator_loss(real, fake, latents, condition),
            penalized=lambda: [(critic, real, fake)],
        )

    def generator_step(self, real, condition) -> None:
        """One generator update, with as many samples as `real` has images."""
        latents = self.sample_latent(ops.shape(real)[0])

        def terms():
            fake = self.generator(self.generator_inputs(latents, condition), training=True)
            terms = self.generator_loss(fake, latents, condition, real)
            return tricks.add_feature_matching(self, terms, real, fake, condition)

        self.update("generator", terms)
        ganzoo_ema.follow(self)

    def critic_batches(self, real, condition) -> list[tuple[Any, Any]]:
        """Splits a batch into `d_steps` interleaved chunks, one per critic step."""
        if self.d_steps == 1:
            return [(real, condition)]

        def chunk(x, i):
            return None if x is None else x[i :: self.d_steps]

        return [(chunk(real, i), chunk(condition, i)) for i in range(self.d_steps)]

    def train_step(self, data):
        real, condition = self.unpack(data)
        batches = self.critic_batches(real, condition)
        for chunk_real, chunk_condition in batches:
            self.discriminator_step(chunk_real, chunk_condition)
        self.generator_step(*batches[-1])
        return self.logs()

    # ------------------------------------------------------------------ inference

    def call(self, inputs, training: bool = False):
        """Generated images for generator inputs (latents, or `[latents, labels]`)."""
        return self.generator(inputs, training=training)

    def generate(
        self,
        n: int | None = None,
        *,
        latents=None,
        condition=None,
        seed: int | None = None,
        batch_size: int = 256,
        ema: bool = True,
    ):
        """Generates images in [-1, 1].

        Args:
            n: number of images; may be omitted when `latents` are given.
            latents: latent vectors, shape `(n, latent_dim)`; drawn from N(0, I) when
                omitted.
            condition: the generator's condition, for conditional variants.
            seed: seed for the latents, for reproducible samples; it does not touch the
                training seed generator.
            batch_size: images generated per forward pass.
            ema: use `ema_generator` when the model has one; `False`: the raw generator.

        Returns:
            A float32 tensor of shape `(n, H, W, C)`.

        Example:
        >>> images = gan.generate(16, seed=0)
        """
        if latents is None:
            if n is None or int(n) < 1:
                raise ValueError(f"generate needs n >= 1 or latents; got n={n!r}.")
            latents = keras.random.normal((int(n), self.latent_dim), seed=seed)
        latents = ops.convert_to_tensor(latents, "float32")
        if latents.shape[-1] != self.latent_dim:
            raise ValueError(
                f"Expected latents of shape (n, {self.latent_dim}); got {tuple(latents.shape)}."
            )
        total = latents.shape[0]
        network = self.generator if self.ema is None or not ema else self.ema_generator
        outputs = []
        for start in range(0, total, batch_size):
            chunk = None if condition is None else condition[start : start + batch_size]
            inputs = self.generator_inputs(latents[start : start + batch_size], chunk)
            outputs.append(ops.cast(network(inputs, training=False), "float32"))
        return ops.concatenate(outputs, axis=0)

    def grid_images(self, n: int, seed: int = 0) -> tuple:
        """Images for `ganzoo.callbacks.ImageGrid`: the same `n` samples every call.

        Returns:
            `(images, columns)`: images in [-1, 1] and the number of grid columns
            (`None` for a square grid).
        """
        return self.generate(n, seed=seed), None

    # ------------------------------------------------------------------ fit

    def check_batch(self, data) -> None:
        """Raises `ValueError` when a dataset element does not fit this model."""
        real, _ = self.unpack(data)
        checks.check_images(real, expected_shape=self.image_shape)
        if self.d_steps > 1:
            batch = int(ops.shape(real)[0])
            if batch % self.d_steps:
                raise ValueError(
                    f"Expected batches of a multiple of d_steps={self.d_steps} images "
                    f"(one chunk per critic step); got a batch of {batch}."
                )

    def batch_multiple(self) -> int:
        return self.d_steps

    def first_images(self, data):
        return self.unpack(data)[0]

    # ------------------------------------------------------------------ saving

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "d_steps": self.d_steps,
                "adversarial_loss": self.adversarial_loss,
                "ema": self.ema,
                "ema_rampup": self.ema_rampup,
                **tricks.options(self),
            }
        )
        if self.augment is not None:
            config["augment"] = keras.saving.serialize_keras_object(self.augment)
        return config
