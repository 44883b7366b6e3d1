"""CycleGAN (Zhu, Park, Isola & Efros, 2017): unpaired image-to-image translation."""

from __future__ import annotations

from typing import Any, ClassVar

import keras

from ganzoo import pools, schedules
from ganzoo._moved import GridInputs, moved_names
from ganzoo.core import Player
from ganzoo.losses import (
    cycle_consistency_loss,
    identity_loss,
    least_squares_discriminator_loss,
    least_squares_generator_loss,
)
from ganzoo.nets import patchgan, resnet, unet
from ganzoo.regularizers import non_negative
from ganzoo.translation import ImageToImage, check_shapes

__getattr__ = moved_names(
    __name__,
    {
        "DIRECTIONS": "ganzoo.data.side_by_side:DIRECTIONS",
        "ConstantThenLinearDecay": "ganzoo.schedules:ConstantThenLinearDecay",
        "paper_optimizer": "ganzoo.schedules:paper_optimizer",
        "ImagePool": "ganzoo.pools:ImagePool",
        "l1_per_example": "ganzoo.losses:l1_per_example",
    },
)


@keras.saving.register_keras_serializable(package="ganzoo")
class CycleGAN(pools.PoolsInWeights, GridInputs, ImageToImage):
    """CycleGAN (Zhu, Park, Isola & Efros, 2017, "Unpaired Image-to-Image Translation
    using Cycle-Consistent Adversarial Networks", https://arxiv.org/abs/1703.10593).

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

    Defaults are the paper's (§4, appendix 7.1) and its reference implementation's
    (`junyanz/pytorch-CycleGAN-and-pix2pix`): ResNet generators (`ganzoo.nets.resnet`),
    70×70 PatchGAN discriminators (`ganzoo.nets.patchgan`), pools of 50 images
    (`ganzoo.pools.ImagePool`), Adam(2e-4, beta_1=0.5) on both sides, constant for the
    first half of training and then decayed linearly to zero when
    `compile(total_steps=...)` is given (`ganzoo.schedules.ConstantThenLinearDecay`).

    As a `ganzoo.translation.ImageToImage`, `call(images)` is `G(images)` (A → B),
    `translate(images, direction)` goes either way, and its grids are rows of
    `a, G(a), F(G(a)), b, F(b), G(F(b))` for the inputs `ImageGrid` is given.

    Each replica keeps its own image pools (with `pool_size=0`, N replicas compute
    what one device computes); the pools are saved in weights files, so a resumed run
    continues with them, but not in `.keras` files (`ganzoo.pools.PoolsInWeights`).

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
        **kwargs: passed to `ganzoo.core.AdversarialModel` (`regularizers`, `name`, ...).

    Example:
    >>> gan = ganzoo.CycleGAN.for_images((256, 256, 3))
    >>> gan.compile(total_steps=200 * steps_per_epoch)
    >>> gan.fit(ganzoo.data.paired(horses, zebras), epochs=200)
    >>> zebras = gan.translate(horses, direction="a2b")
    """

    players = (
        Player("generator", ("generator_g", "generator_f"), "g_optimizer", "g_loss"),
        Player("discriminator", ("discriminator_a", "discriminator_b"), "d_optimizer", "d_loss"),
    )
    translators: ClassVar[dict[str, str]] = {"a2b": "generator_g", "b2a": "generator_f"}
    pool_attributes = ("pool_a", "pool_b")

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
        super().__init__(seed=seed, **kwargs)
        shape_a = tuple(generator_g.input_shape[1:])
        shape_b = tuple(generator_f.input_shape[1:])
        expected = {
            "generator_g output (domain B)": (tuple(generator_g.output_shape[1:]), shape_b),
            "generator_f output (domain A)": (tuple(generator_f.output_shape[1:]), shape_a),
            "discriminator_a input (domain A)": (tuple(discriminator_a.input_shape[1:]), shape_a),
            "discriminator_b input (domain B)": (tuple(discriminator_b.input_shape[1:]), shape_b),
        }
        check_shapes("CycleGAN", expected, f"generator_g maps {shape_a} to {shape_b}")
        cycle_weight = non_negative(cycle_weight, "cycle_weight")
        identity_weight = non_negative(identity_weight, "identity_weight")
        if identity_weight > 0 and shape_a != shape_b:
            raise ValueError(
                f"The identity loss needs both domains to have one image shape; got "
                f"{shape_a} and {shape_b}. Pass identity_weight=0."
            )
        self.generator_g = generator_g
        self.generator_f = generator_f
        self.discriminator_a = discriminator_a
        self.discriminator_b = discriminator_b
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        self.pool_size = int(pool_size)
        self.pool_a = pools.ImagePool(self.pool_size, shape_a, name="pool_a")
        self.pool_b = pools.ImagePool(self.pool_size, shape_b, name="pool_b")
        self.finish_init()

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

    def extra_log_names(self) -> list[str]:
        names = ["d_a_loss", "d_b_loss", "adv_loss", "cycle_loss"]
        return [*names, "identity_loss"] if self.identity_weight > 0 else names

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
            total_steps: training steps in all (epochs × steps per epoch); when given,
                the default optimizers (not ones passed in) keep their rate for the
                first half and decay it linearly to zero over the second, as in the
                paper (`ganzoo.schedules.ConstantThenLinearDecay`).
            **kwargs: `jit_compile`, `steps_per_execution`, `run_eagerly`, as in
                `ganzoo.GAN.compile`.

        Example:
        >>> gan.compile(total_steps=200 * 1334)  # horse2zebra, 200 epochs
        """
        self._total_steps = total_steps
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **kwargs)

    def default_optimizer(self, player: str) -> keras.optimizers.Optimizer:
        return schedules.paper_optimizer(getattr(self, "_total_steps", None))

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
        g, f = self.generator_g, self.generator_f
        adversarial = 2.0 * (
            least_squares_generator_loss(self.discriminator_b(fake_b, training=True))
            + least_squares_generator_loss(self.discriminator_a(fake_a, training=True))
        )
        cycle = cycle_consistency_loss(real_a, f(fake_b, training=True))
        cycle += cycle_consistency_loss(real_b, g(fake_a, training=True))
        terms = {"adv_loss": adversarial, "cycle_loss": cycle}
        total = adversarial + self.cycle_weight * cycle
        if self.identity_weight > 0:
            identity = identity_loss(real_b, g(real_b, training=True))
            identity += identity_loss(real_a, f(real_a, training=True))
            terms["identity_loss"] = identity
            total = total + self.identity_weight * self.cycle_weight * identity
        return {**terms, "g_loss": total}

    def discriminator_loss(self, real_a, real_b, fake_a, fake_b) -> dict[str, Any]:
        """Per-example discriminator terms: `d_loss = d_a_loss + d_b_loss`, each the
        halved least-squares loss `½[(D(real) - 1)² + D(fake)²]`.

        Args:
            real_a, real_b: real images of each domain.
            fake_a, fake_b: (pooled) generated images of each domain.

        Returns:
            A dict of `(batch,)` float32 tensors: `d_loss`, `d_a_loss`, `d_b_loss`.
        """
        d_a = least_squares_discriminator_loss(
            self.discriminator_a(real_a, training=True), self.discriminator_a(fake_a, training=True)
        )
        d_b = least_squares_discriminator_loss(
            self.discriminator_b(real_b, training=True), self.discriminator_b(fake_b, training=True)
        )
        return {"d_loss": d_a + d_b, "d_a_loss": d_a, "d_b_loss": d_b}

    def train_step(self, data):
        # The reference order: generators first, then discriminators on the same fakes.
        real_a, real_b = self.unpack(data)
        fakes = {}

        def generator_terms():
            fakes["b"] = self.generator_g(real_a, training=True)
            fakes["a"] = self.generator_f(real_b, training=True)
            return self.generator_loss(real_a, real_b, fakes["a"], fakes["b"])

        self.update("generator", generator_terms)
        fake_b = self.pool_b(fakes["b"], self.draw)
        fake_a = self.pool_a(fakes["a"], self.draw)
        self.update(
            "discriminator",
            lambda: self.discriminator_loss(real_a, real_b, fake_a, fake_b),
            penalized=lambda: [
                (self.discriminator_a, real_a, fake_a),
                (self.discriminator_b, real_b, fake_b),
            ],
        )
        return self.logs()

    def grid_columns(self, images_a, images_b) -> list:
        """`a, G(a), F(G(a)), b, F(b), G(F(b))`: each domain there and back."""
        fake_b, fake_a = self.translate(images_a, "a2b"), self.translate(images_b, "b2a")
        back_a, back_b = self.translate(fake_b, "b2a"), self.translate(fake_a, "a2b")
        return [images_a, fake_b, back_a, images_b, fake_a, back_b]

    def get_config(self) -> dict:
        names = ("cycle_weight", "identity_weight", "pool_size")
        return {**super().get_config(), **{name: getattr(self, name) for name in names}}
