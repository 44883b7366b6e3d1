"""CycleGAN (Zhu, Park, Isola & Efros, 2017): unpaired image-to-image translation.

"Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks",
ICCV 2017, https://arxiv.org/abs/1703.10593. Defaults follow the paper (§4, appendix
7.1) and its reference implementation (`junyanz/pytorch-CycleGAN-and-pix2pix`).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from ganzoo import losses as ganzoo_losses
from ganzoo import pools, schedules
from ganzoo._moved import moved_names
from ganzoo.base import GAN, Player
from ganzoo.nets import patchgan, resnet, unet

DIRECTIONS = ("a2b", "b2a")


__getattr__ = moved_names(
    __name__,
    {
        "ConstantThenLinearDecay": "ganzoo.schedules:ConstantThenLinearDecay",
        "paper_optimizer": "ganzoo.schedules:paper_optimizer",
        "ImagePool": "ganzoo.pools:ImagePool",
        "l1_per_example": "ganzoo.losses:l1_per_example",
    },
)


@keras.saving.register_keras_serializable(package="ganzoo")
class CycleGAN(GAN):
    """CycleGAN: unpaired image-to-image translation (Zhu, Park, Isola & Efros, 2017).

    Two generators, `G: A → B` (`generator_g`) and `F: B → A` (`generator_f`), and two
    discriminators, `D_A` (`discriminator_a`: real A images against `F(b)`) and `D_B`
    (`discriminator_b`: real B images against `G(a)`), trained on batches
    `(images_a, images_b)` zipped from two unpaired datasets. Each step:

    1. Generators (one optimizer for both): least-squares adversarial loss
       `(D_B(G(a)) - 1)² + (D_A(F(b)) - 1)²` (per patch, averaged per image), plus
       `λ · (‖F(G(a)) - a‖₁ + ‖G(F(b)) - b‖₁)` cycle consistency with λ = 10, plus the
       identity loss `identity_weight · λ · (‖G(b) - b‖₁ + ‖F(a) - a‖₁)` with weight
       0.5 (§5.2; on by default, 0 switches it off).
    2. Discriminators (one optimizer for both), on fakes from the history pool:
       `½[(D_B(b) - 1)² + D_B(pool_B(G(a)))²]` and the same for `D_A` — the paper's
       objective halved "to slow down the rate at which D learns" (§4).

    Defaults are the paper's: ResNet generators (`ganzoo.nets.resnet`), 70×70 PatchGAN
    discriminators (`ganzoo.nets.patchgan`), pools of 50 images
    (`ganzoo.pools.ImagePool`), Adam(2e-4, beta_1=0.5) on both sides, constant for the
    first half of training and then decayed linearly to zero when
    `compile(total_steps=...)` is given (`ganzoo.schedules.ConstantThenLinearDecay`).

    `generator` and `discriminator` are `G` and `D_B`, so `image_shape`, `call(images)`
    (`G(images)`, A → B) and `generate(images=...)` mean what they mean for other
    GANs; `translate(images, direction)` goes either way. CycleGAN has no latent space
    (`latent_dim` is `None`).

    Distribution: under a `tf.distribute` strategy each replica keeps its own image
    pools; pool draws come from the model's seed generator (global draw, replica
    slice). With `pool_size=0` N replicas compute what one device computes (up to
    rounding, which Adam amplifies in the biases that instance norm cancels; see
    `docs/cyclegan.md`).
    The pools are saved with the weights (`save_weights`, which `BackupAndRestore`
    and `ModelCheckpoint(save_weights_only=True)` use), so a resumed run continues
    with them, but not in the `.keras` file, which holds networks, optimizers and
    seed only (two 50-image pools at 256×256 are 79 MB per replica).

    Args:
        generator_g: `G`, a `keras.Model` from domain-A images to domain-B images.
        generator_f: `F`, from domain-B images to domain-A images.
        discriminator_a: `D_A`, from domain-A images to scores (a patch map or one).
        discriminator_b: `D_B`, from domain-B images to scores.
        cycle_weight: λ, the weight of the cycle-consistency loss (10).
        identity_weight: weight of the identity loss relative to λ (0.5, the
            reference's `lambda_identity`); 0 turns it off. It needs both domains to
            have the same image shape.
        pool_size: images in each discriminator's history pool (50); 0 turns pools off.
        seed: seed of the model's `keras.random.SeedGenerator`.
        **kwargs: passed to `keras.Model` (`name`, ...).

    Example:
    >>> gan = ganzoo.CycleGAN.for_images((256, 256, 3))
    >>> gan.compile(total_steps=200 * steps_per_epoch)
    >>> gan.fit(ganzoo.data.paired(horses, zebras), epochs=200)
    >>> zebras = gan.translate(horses, direction="a2b")
    """

    nested_models = ("generator_g", "generator_f", "discriminator_a", "discriminator_b")
    players = (
        Player("generator", ("generator_g", "generator_f"), "g_optimizer", "g_loss"),
        Player("discriminator", ("discriminator_a", "discriminator_b"), "d_optimizer", "d_loss"),
    )
    default_adversarial_loss = "least_squares"

    def __init__(
        self,
        generator_g: keras.Model,
        generator_f: keras.Model,
        discriminator_a: keras.Model,
        discriminator_b: keras.Model,
        *,
        cycle_weight: float = 10.0,
        identity_weight: float = 0.5,
        pool_size: int = 50,
        seed: int | None = None,
        **kwargs,
    ):
        # GAN.__init__ takes one generator, one discriminator and a latent size; this
        # sets the same state for four networks and no latent space.
        keras.Model.__init__(self, **kwargs)
        shape_a = tuple(generator_g.input_shape[1:])
        shape_b = tuple(generator_f.input_shape[1:])
        expected = {
            "generator_g output (domain B)": (tuple(generator_g.output_shape[1:]), shape_b),
            "generator_f output (domain A)": (tuple(generator_f.output_shape[1:]), shape_a),
            "discriminator_a input (domain A)": (tuple(discriminator_a.input_shape[1:]), shape_a),
            "discriminator_b input (domain B)": (tuple(discriminator_b.input_shape[1:]), shape_b),
        }
        for what, (got, want) in expected.items():
            if got != want:
                raise ValueError(
                    f"CycleGAN networks do not fit together: the {what} has shape {got}, "
                    f"expected {want} (generator_g maps {shape_a} to {shape_b})."
                )
        if float(cycle_weight) < 0 or float(identity_weight) < 0:
            raise ValueError(
                f"Expected cycle_weight >= 0 and identity_weight >= 0; got "
                f"{cycle_weight!r} and {identity_weight!r}."
            )
        if float(identity_weight) > 0 and shape_a != shape_b:
            raise ValueError(
                f"The identity loss needs both domains to have one image shape; got "
                f"{shape_a} and {shape_b}. Pass identity_weight=0."
            )
        self.generator_g = generator_g
        self.generator_f = generator_f
        self.discriminator_a = discriminator_a
        self.discriminator_b = discriminator_b
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.pool_size = int(pool_size)
        self.latent_dim = None
        self.d_steps = 1
        self.regularizers = []
        self.adversarial_loss = self.default_adversarial_loss
        self.loss_pair = ganzoo_losses.get(self.adversarial_loss)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.pool_a = pools.ImagePool(self.pool_size, shape_a, name="pool_a")
        self.pool_b = pools.ImagePool(self.pool_size, shape_b, name="pool_b")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.log_names()}
        self.grid_inputs = None
        self._saving_weights = False
        self.built = True

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int] = (256, 256, 3),
        generator: str = "resnet",
        filters: int = 64,
        residual_blocks: int | None = None,
        discriminator_filters: int = 64,
        discriminator_layers: int = 3,
        **kwargs,
    ) -> CycleGAN:
        """Builds a CycleGAN with the paper's networks for images of `image_shape`.

        Args:
            image_shape: `(H, W, C)` of both domains (256×256×3 in the paper).
            generator: `"resnet"` (the paper's) or `"unet"` (the U-Net option).
            filters: first-layer filters of the generators (`ngf`, 64).
            residual_blocks: residual blocks of the ResNet generators; by default 9 at
                256×256 and 6 below.
            discriminator_filters: first-layer filters of the PatchGANs (`ndf`, 64).
            discriminator_layers: stride-2 layers of the PatchGANs (3: 70×70 patches).
            **kwargs: passed to the constructor (`cycle_weight`, `identity_weight`,
                `pool_size`, `seed`, ...).

        Returns:
            An uncompiled `CycleGAN`.

        Example:
        >>> gan = ganzoo.CycleGAN.for_images((128, 128, 3))  # 6 residual blocks
        """
        if generator not in ("resnet", "unet"):
            raise ValueError(f"generator must be 'resnet' or 'unet'; got {generator!r}.")

        def build_generator(name):
            if generator == "unet":
                return unet.build_unet_generator(image_shape, filters, name=name)
            return resnet.build_resnet_generator(image_shape, filters, residual_blocks, name=name)

        def build_discriminator(name):
            return patchgan.build_patchgan_discriminator(
                image_shape, discriminator_filters, discriminator_layers, name=name
            )

        return cls(
            build_generator("generator_g"),
            build_generator("generator_f"),
            build_discriminator("discriminator_a"),
            build_discriminator("discriminator_b"),
            **kwargs,
        )

    # ------------------------------------------------------------------ metadata

    @property
    def generator(self) -> keras.Model:
        """`G`, the A → B generator (`generator_g`)."""
        return self.generator_g

    @property
    def discriminator(self) -> keras.Model:
        """`D_B`, the discriminator of `G`'s outputs (`discriminator_b`)."""
        return self.discriminator_b

    @property
    def image_shape_a(self) -> tuple[int, ...]:
        """Shape of one domain-A image."""
        return tuple(self.generator_g.input_shape[1:])

    @property
    def image_shape_b(self) -> tuple[int, ...]:
        """Shape of one domain-B image."""
        return tuple(self.generator_f.input_shape[1:])

    def log_names(self) -> list[str]:
        names = ["d_loss", "g_loss", "d_a_loss", "d_b_loss", "adv_loss", "cycle_loss"]
        if self.identity_weight > 0:
            names.append("identity_loss")
        return names

    @property
    def generator_variables(self) -> list:
        """Both generators' variables: one optimizer trains them, as in the reference."""
        return [*self.generator_g.trainable_variables, *self.generator_f.trainable_variables]

    @property
    def discriminator_variables(self) -> list:
        """Both discriminators' variables, trained by the other optimizer."""
        return [
            *self.discriminator_a.trainable_variables,
            *self.discriminator_b.trainable_variables,
        ]

    # ------------------------------------------------------------------ compile

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | str | None = None,
        d_optimizer: keras.optimizers.Optimizer | str | None = None,
        *,
        total_steps: int | None = None,
        **kwargs,
    ) -> None:
        """Configures the optimizers: by default the paper's, on both sides.

        Args:
            g_optimizer: optimizer of both generators; default Adam(2e-4, beta_1=0.5).
            d_optimizer: optimizer of both discriminators; the same default.
            total_steps: training steps in all (epochs × steps per epoch). When given,
                the default optimizers keep their rate for the first half and decay
                it linearly to zero over the second, as in the paper
                (`ganzoo.schedules.ConstantThenLinearDecay`). Ignored for optimizers
                passed in.
            **kwargs: `jit_compile`, `steps_per_execution`, `run_eagerly`, as in
                `ganzoo.GAN.compile`.

        Example:
        >>> gan.compile(total_steps=200 * 1334)  # horse2zebra, 200 epochs
        """
        self._total_steps = total_steps
        super().compile(g_optimizer, d_optimizer, **kwargs)

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        return schedules.paper_optimizer(getattr(self, "_total_steps", None))

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        return schedules.paper_optimizer(getattr(self, "_total_steps", None))

    # ------------------------------------------------------------------ losses

    def unpack(self, data) -> tuple[Any, Any]:
        """Splits a dataset element `(images_a, images_b)` into its two domains."""
        return data[0], data[1]

    def generator_loss(self, real_a, real_b, fake_a, fake_b) -> dict[str, Any]:
        """Per-example generator terms; `"g_loss"` (minimised by both generators) is
        `adv_loss + λ·cycle_loss + identity_weight·λ·identity_loss`.

        Args:
            real_a, real_b: real images of each domain.
            fake_a, fake_b: `F(real_b)` and `G(real_a)`, computed in the caller's tape.

        Returns:
            A dict of `(batch,)` float32 tensors: `g_loss`, `adv_loss`, `cycle_loss`
            and, when the identity loss is on, `identity_loss`.
        """
        # The paper's generator objective is (D(G(x)) - 1)², twice ganzoo's LSGAN
        # generator loss ½(D(G(x)) - 1)², which would halve it against the cycle loss.
        adversarial = 2.0 * (
            ganzoo_losses.least_squares_generator_loss(self.discriminator_b(fake_b, training=True))
            + ganzoo_losses.least_squares_generator_loss(
                self.discriminator_a(fake_a, training=True)
            )
        )
        cycle = ganzoo_losses.cycle_consistency_loss(
            real_a, self.generator_f(fake_b, training=True)
        ) + ganzoo_losses.cycle_consistency_loss(real_b, self.generator_g(fake_a, training=True))
        terms = {"adv_loss": adversarial, "cycle_loss": cycle}
        total = adversarial + self.cycle_weight * cycle
        if self.identity_weight > 0:
            identity = ganzoo_losses.identity_loss(
                real_b, self.generator_g(real_b, training=True)
            ) + ganzoo_losses.identity_loss(real_a, self.generator_f(real_a, training=True))
            terms["identity_loss"] = identity
            total = total + self.identity_weight * self.cycle_weight * identity
        terms["g_loss"] = total
        return terms

    def discriminator_loss(self, real_a, real_b, fake_a, fake_b) -> dict[str, Any]:
        """Per-example discriminator terms: `d_loss = d_a_loss + d_b_loss`, each the
        halved least-squares loss `½[(D(real) - 1)² + D(fake)²]`.

        Args:
            real_a, real_b: real images of each domain.
            fake_a, fake_b: (pooled) generated images of each domain.

        Returns:
            A dict of `(batch,)` float32 tensors: `d_loss`, `d_a_loss`, `d_b_loss`.
        """
        d_a = ganzoo_losses.least_squares_discriminator_loss(
            self.discriminator_a(real_a, training=True), self.discriminator_a(fake_a, training=True)
        )
        d_b = ganzoo_losses.least_squares_discriminator_loss(
            self.discriminator_b(real_b, training=True), self.discriminator_b(fake_b, training=True)
        )
        return {"d_loss": d_a + d_b, "d_a_loss": d_a, "d_b_loss": d_b}

    # ------------------------------------------------------------------ the step

    def generator_step(self, real_a, real_b):
        """One update of both generators; returns the fakes `(F(real_b), G(real_a))`."""
        with tf.GradientTape() as tape:
            fake_b = self.generator_g(real_a, training=True)
            fake_a = self.generator_f(real_b, training=True)
            terms = self.generator_loss(real_a, real_b, fake_a, fake_b)
            regularization = [*self.generator_g.losses, *self.generator_f.losses]
            loss = self.average_over_global_batch(terms["g_loss"], regularization)
            loss = self.g_optimizer.scale_loss(loss)
        self.optimize(tape, loss, self.generator_variables, self.g_optimizer)
        self.record(terms)
        return fake_a, fake_b

    def pool(self, pool: pools.ImagePool, fakes):
        """`fakes` through a history pool; its random draws come from `self.draw`."""
        return pool(fakes, self.draw)

    def discriminator_step(self, real_a, real_b, fake_a, fake_b) -> None:
        """One update of both discriminators on real images and pooled fakes."""
        fake_b = self.pool(self.pool_b, fake_b)
        fake_a = self.pool(self.pool_a, fake_a)
        with tf.GradientTape() as tape:
            terms = self.discriminator_loss(real_a, real_b, fake_a, fake_b)
            regularization = [*self.discriminator_a.losses, *self.discriminator_b.losses]
            loss = self.average_over_global_batch(terms["d_loss"], regularization)
            loss = self.d_optimizer.scale_loss(loss)
        self.optimize(tape, loss, self.discriminator_variables, self.d_optimizer)
        self.record(terms)

    def train_step(self, data):
        # The reference order: generators first, then discriminators on the same fakes.
        real_a, real_b = self.unpack(data)
        fake_a, fake_b = self.generator_step(real_a, real_b)
        self.discriminator_step(real_a, real_b, fake_a, fake_b)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ------------------------------------------------------------------ inference

    def call(self, inputs, training: bool = False):
        """`G(inputs)`: domain-A images translated to domain B."""
        return self.generator_g(inputs, training=training)

    def translate(self, images, direction: str = "a2b", batch_size: int = 64):
        """Translates images from one domain to the other.

        Args:
            images: images in [-1, 1], shape `(n, H, W, C)` of the source domain.
            direction: `"a2b"` (with `G`) or `"b2a"` (with `F`).
            batch_size: images per forward pass.

        Returns:
            A float32 tensor of translated images in [-1, 1].

        Example:
        >>> zebras = gan.translate(horses, direction="a2b")
        >>> horses_again = gan.translate(zebras, direction="b2a")
        """
        from ganzoo.data import checks

        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be 'a2b' or 'b2a'; got {direction!r}.")
        network = self.generator_g if direction == "a2b" else self.generator_f
        source = self.image_shape_a if direction == "a2b" else self.image_shape_b
        images = ops.convert_to_tensor(images)
        checks.check_images(images, expected_shape=source)
        outputs = [
            ops.cast(network(images[start : start + batch_size], training=False), "float32")
            for start in range(0, int(images.shape[0]), int(batch_size))
        ]
        return ops.concatenate(outputs, axis=0)

    def generate(
        self,
        n: int | None = None,
        *,
        images=None,
        direction: str = "a2b",
        seed: int | None = None,
        batch_size: int = 64,
    ):
        """Translates (the first `n` of) `images`; CycleGAN has no latents to sample.

        Args:
            n: number of images to translate; all when omitted.
            images: source images in [-1, 1].
            direction: `"a2b"` or `"b2a"`.
            seed: unused (translation is deterministic); accepted for the common API.
            batch_size: images per forward pass.

        Returns:
            A float32 tensor of translated images.

        Example:
        >>> zebras = gan.generate(16, images=horses)
        """
        del seed
        if images is None:
            raise ValueError(
                "CycleGAN translates images and has no latent space to sample from: "
                "call generate(n, images=...) or translate(images, direction)."
            )
        if n is not None:
            images = images[: int(n)]
        return self.translate(images, direction, batch_size)

    def set_grid_inputs(self, images_a, images_b) -> None:
        """Fixes the images that `grid_images` (and `ImageGrid`) translate every epoch.

        Args:
            images_a: domain-A images in [-1, 1], e.g. a few test horses.
            images_b: domain-B images, as many.
        """
        images_a, images_b = np.asarray(images_a, "float32"), np.asarray(images_b, "float32")
        if len(images_a) != len(images_b) or not len(images_a):
            raise ValueError(
                f"Expected as many domain-A as domain-B grid images (at least one); got "
                f"{len(images_a)} and {len(images_b)}."
            )
        self.grid_inputs = (images_a, images_b)

    def grid_images(self, n: int, seed: int = 0) -> tuple:
        """Rows of `a, G(a), F(G(a)), b, F(b), G(F(b))` for `ganzoo.callbacks.ImageGrid`.

        Args:
            n: at most this many images in all (6 per row, at least one row).
            seed: unused.

        Returns:
            `(images, 6)`: images in [-1, 1] and the number of grid columns.
        """
        del seed
        if self.grid_inputs is None:
            raise ValueError(
                "CycleGAN's image grid translates fixed test images: call "
                "gan.set_grid_inputs(images_a, images_b) first."
            )
        rows = max(1, min(int(n) // 6, len(self.grid_inputs[0])))
        a, b = (x[:rows] for x in self.grid_inputs)
        fake_b = self.translate(a, "a2b")
        fake_a = self.translate(b, "b2a")
        columns = [
            a,
            fake_b,
            self.translate(fake_b, "b2a"),
            b,
            fake_a,
            self.translate(fake_a, "a2b"),
        ]
        images = np.stack([np.asarray(c, "float32") for c in columns], axis=1)
        return images.reshape((-1, *images.shape[2:])), 6

    # ------------------------------------------------------------------ fit

    def check_batch(self, data) -> None:
        """Raises `ValueError` unless `data` is a pair `(images_a, images_b)` that fits."""
        from ganzoo.data import checks

        if not isinstance(data, (tuple, list)):
            shape = tuple(getattr(data, "shape", ()))
            raise ValueError(
                "CycleGAN trains on pairs (images_a, images_b) zipped from two unpaired "
                "datasets (e.g. ganzoo.data.paired(ds_a, ds_b)); got a single dataset "
                f"whose elements have shape {shape}."
            )
        if len(data) != 2:
            raise ValueError(
                f"CycleGAN trains on pairs (images_a, images_b); got elements of {len(data)} parts."
            )
        images_a, images_b = data
        if len(getattr(images_b, "shape", ())) != 4:
            raise ValueError(
                "CycleGAN trains on pairs (images_a, images_b) of two image datasets; the "
                f"second part has shape {tuple(getattr(images_b, 'shape', ()))} and dtype "
                f"{getattr(images_b, 'dtype', type(images_b))} (labels?), not images."
            )
        if self.image_shape_a == self.image_shape_b:
            checks.check_paired(images_a, images_b, expected_shape=self.image_shape_a)
            return
        # Domains of two shapes (identity loss off): `check_paired` wants one shape.
        checks.check_images(images_a, expected_shape=self.image_shape_a, name="images_a")
        checks.check_images(images_b, expected_shape=self.image_shape_b, name="images_b")
        if int(images_a.shape[0]) != int(images_b.shape[0]):
            raise ValueError(
                f"Unmatched domains: expected as many images of each domain per batch, got "
                f"{int(images_a.shape[0])} (A) and {int(images_b.shape[0])} (B)."
            )

    # ------------------------------------------------------------------ saving

    def get_config(self) -> dict:
        config = keras.Model.get_config(self)
        config.update(
            {
                name: keras.saving.serialize_keras_object(getattr(self, name))
                for name in self.nested_models
            }
        )
        config.update(
            {
                "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight,
                "pool_size": self.pool_size,
                "seed": self.seed,
            }
        )
        return config

    def save_weights(self, filepath, *args, **kwargs):
        """`keras.Model.save_weights`, with the image pools (for resuming training)."""
        self._saving_weights = True
        try:
            return super().save_weights(filepath, *args, **kwargs)
        finally:
            self._saving_weights = False

    def save_own_variables(self, store) -> None:
        super().save_own_variables(store)
        if self._saving_weights:  # weights files resume training; `.keras` files skip pools
            for name, pool in (("pool_a", self.pool_a), ("pool_b", self.pool_b)):
                for key, value in pool.get_state().items():
                    store[f"{name}_{key}"] = value

    def load_own_variables(self, store) -> None:
        super().load_own_variables(store)
        keys = set(store.keys())
        for name, pool in (("pool_a", self.pool_a), ("pool_b", self.pool_b)):
            if pool.size and {f"{name}_images", f"{name}_count"} <= keys:
                pool.set_state(store[f"{name}_images"], store[f"{name}_count"])
