"""Pix2Pix (Isola, Zhu, Zhou & Efros, 2017): paired image-to-image translation."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo.core import Player
from ganzoo.losses import l1_per_example, minimax_discriminator_loss, non_saturating_generator_loss
from ganzoo.nets import patchgan, unet
from ganzoo.regularizers import non_negative
from ganzoo.translation import ImageToImage, check_shapes


@keras.saving.register_keras_serializable(package="ganzoo")
class Pix2Pix(ImageToImage):
    """Pix2Pix (Isola, Zhu, Zhou & Efros, 2017, "Image-to-Image Translation with
    Conditional Adversarial Networks", https://arxiv.org/abs/1611.07004).

    A generator `G: A → B` (a U-Net with skip connections, dropout 0.5 in its first
    three decoder layers as the paper's only noise, §3.1 and appendix 6.1.1) and a
    conditional PatchGAN `D` that sees the input and an output concatenated along the
    channels, trained on aligned batches `(images_a, images_b)`. Each step, as the
    reference implementation (`junyanz/pytorch-CycleGAN-and-pix2pix`, `pix2pix_model.py`):

    1. Discriminator: `½[BCE(D(a, b), 1) + BCE(D(a, G(a)), 0)]`, scored per patch and
       averaged per image; the halving "slows down the rate at which D learns" (§3.3).
    2. Generator: the non-saturating `BCE(D(a, G(a)), 1)` plus `λ · ‖b - G(a)‖₁`
       with λ = 100 (§3.1, §4). `G(a)` is computed again in this update, with fresh
       dropout masks.

    Defaults are the paper's: Adam(2e-4, beta_1=0.5) on both sides, instance
    normalisation (`GroupNormalization(groups=-1)`, equal to the paper's batch-1 batch
    norm at any batch size and on any number of replicas), weights from N(0, 0.02),
    the 70×70 PatchGAN, and the paper's 16×16 PatchGAN for images of 32 pixels or
    less, where a 70×70 patch would see the whole image.

    Dropout masks are drawn for the global batch and sliced per replica
    (`ganzoo.layers.Dropout`), so N replicas train as one device. `translate(a)` is
    deterministic; `translate(a, dropout=True)` keeps dropout on, the paper's test time.

    Args:
        generator: `G`, a `keras.Model` from `(H, W, C_a)` images to `(H, W, C_b)` ones.
        discriminator: `D`, from `(H, W, C_a + C_b)` (input and output concatenated)
            to a map of scores.
        l1_weight: λ, the weight of the L1 term (100).
        seed: seed of the model's `keras.random.SeedGenerator`.
        **kwargs: passed to `ganzoo.core.AdversarialModel` (`regularizers`, `name`, ...).

    Example:
    >>> gan = ganzoo.Pix2Pix.for_images((256, 256, 3))
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.paired_images("facades/train", "b2a"), epochs=200)
    >>> photos = gan.translate(labels)
    """

    players = (
        Player("generator", ("generator",), "g_optimizer", "g_loss"),
        Player("discriminator", ("discriminator",), "d_optimizer", "d_loss"),
    )

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        *,
        l1_weight: float = 100.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        shape_a = tuple(generator.input_shape[1:])
        shape_b = tuple(generator.output_shape[1:])
        pair = (*shape_a[:2], shape_a[2] + shape_b[2])
        check_shapes(
            "Pix2Pix",
            {
                "generator output (height, width)": (shape_b[:2], shape_a[:2]),
                "discriminator input (input and output concatenated)": (
                    tuple(discriminator.input_shape[1:]),
                    pair,
                ),
            },
            f"the generator maps {shape_a} to {shape_b}",
        )
        self.generator = generator
        self.discriminator = discriminator
        self.l1_weight = non_negative(l1_weight, "l1_weight")
        self.finish_init()

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int] = (256, 256, 3),
        output_channels: int | None = None,
        filters: int = 64,
        downsamplings: int | None = None,
        dropout: float = 0.5,
        discriminator_filters: int = 64,
        discriminator_layers: int | None = None,
        **kwargs,
    ) -> Pix2Pix:
        """Builds a Pix2Pix with the paper's networks for inputs of `image_shape`.

        Args:
            image_shape: `(H, W, C_a)` of the inputs (256×256×3 in the paper).
            output_channels: `C_b`, channels of the outputs; by default `C_a`.
            filters: first-layer filters of the U-Net (`ngf`, 64).
            downsamplings: U-Net levels; by default down to 1×1 (8 at 256×256).
            dropout: dropout rate of the first three decoder layers (0.5).
            discriminator_filters: first-layer filters of the PatchGAN (`ndf`, 64).
            discriminator_layers: stride-2 layers of the PatchGAN: by default 3
                (70×70 patches), and 1 (the paper's 16×16 patches) for images of 32
                pixels or less.
            **kwargs: passed to the constructor (`l1_weight`, `seed`, ...).

        Returns:
            An uncompiled `Pix2Pix`.

        Example:
        >>> gan = ganzoo.Pix2Pix.for_images((32, 32, 1))  # 16×16 PatchGAN
        """
        height, width, channels = image_shape
        output_channels = channels if output_channels is None else int(output_channels)
        if discriminator_layers is None:
            discriminator_layers = 1 if min(height, width) <= 32 else 3
        generator = unet.build_unet_generator(
            image_shape, filters, downsamplings, output_channels, "generator", dropout=dropout
        )
        discriminator = patchgan.build_patchgan_discriminator(
            (height, width, channels + output_channels),
            discriminator_filters,
            discriminator_layers,
            name="discriminator",
        )
        return cls(generator, discriminator, **kwargs)

    def extra_log_names(self) -> list[str]:
        return ["adv_loss", "l1_loss"]

    def discriminate(self, images_a, images_b):
        """`D`'s scores of the pair: `D(concat(a, b))` along the channels."""
        pair = ops.concatenate([ops.cast(images_a, "float32"), ops.cast(images_b, "float32")], -1)
        return self.discriminator(pair, training=True)

    def discriminator_loss(self, real_a, real_b, fake_b) -> dict[str, Any]:
        """Per-example `d_loss`: half the cross-entropy on real and generated pairs."""
        d_loss = 0.5 * minimax_discriminator_loss(
            self.discriminate(real_a, real_b), self.discriminate(real_a, fake_b)
        )
        return {"d_loss": d_loss}

    def generator_loss(self, real_a, real_b, fake_b) -> dict[str, Any]:
        """Per-example `g_loss = adv_loss + λ·l1_loss`, with `adv_loss` the
        non-saturating loss on `D(a, G(a))` and `l1_loss = mean |b - G(a)|`."""
        adversarial = non_saturating_generator_loss(self.discriminate(real_a, fake_b))
        l1 = l1_per_example(real_b, fake_b)
        return {"g_loss": adversarial + self.l1_weight * l1, "adv_loss": adversarial, "l1_loss": l1}

    def train_step(self, data):
        real_a, real_b = self.unpack(data)
        fake_b = self.generator(real_a, training=True)
        self.update(
            "discriminator",
            lambda: self.discriminator_loss(real_a, real_b, fake_b),
            penalized=lambda: [
                (lambda b: self.discriminate(real_a, b), real_b, fake_b),
            ],
        )
        self.update(
            "generator",
            lambda: self.generator_loss(real_a, real_b, self.generator(real_a, training=True)),
        )
        return self.logs()

    def get_config(self) -> dict:
        return {**super().get_config(), "l1_weight": self.l1_weight}
