"""AC-GAN: the auxiliary classifier GAN (Odena, Olah & Shlens, 2017)."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo import losses as ganzoo_losses
from ganzoo.conditional import ClassConditionalGAN
from ganzoo.nets import acgan, conditional, dcgan
from ganzoo.regularizers import non_negative


@keras.saving.register_keras_serializable(package="ganzoo")
class ACGAN(ClassConditionalGAN):
    """Auxiliary classifier GAN (Odena, Olah & Shlens, 2017, "Conditional Image
    Synthesis With Auxiliary Classifier GANs", ICML, arXiv:1610.09585).

    `X_fake = G(c, z)`; D sees only the image and has two heads, `P(S | X), P(C | X) =
    D(X)`. With `L_S`, `L_C` the log-likelihoods of the correct source and class (§3),
    D minimises `-(L_S + L_C)` on real and fake images and G minimises its adversarial
    loss plus `-L_C` on its fakes: the non-saturating `-log D(G(c, z))` rather than the
    paper's `-L_S`, as GAN implementations (the Keras AC-GAN example) do. Fakes take
    the labels of their step's real batch. Networks: the DCGAN trunk with two heads
    (`ganzoo.nets.acgan`, with the paper's dropout 0.5 in D) and CGAN's generator;
    Adam(2e-4, β₁ = 0.5, β₂ = 0.999) on both sides (the paper; the base class'
    default). Labels, `generate(n, labels=...)` and the input checks are
    `ganzoo.conditional.ClassConditionalGAN`'s, as CGAN's.

    Logged: `d_loss`, `g_loss`, `d_class_loss` (D's class cross-entropy, real plus
    weighted fake), `g_class_loss` (that of G's fakes), `real_accuracy` (the class
    head's on the real batch).

    Args:
        generator: a `keras.Model` mapping `[latents, labels]` to images in [-1, 1].
        discriminator: a `keras.Model` mapping images to `[source_logits (batch, 1),
            class_logits (batch, num_classes)]`.
        latent_dim: size of `z` (100; the paper's 110 includes the 10-class one-hot).
        num_classes: number of classes.
        fake_class_weight: weight of D's class term on generated images: 1 is the
            paper; 0 trains D's classifier on real images only (the Keras example),
            so G and D cannot agree on a wrong class for the fakes (docs/acgan.md).
        **kwargs: see `ganzoo.GAN` (`regularizers`, `seed`, ...).

    Example:
    >>> gan = ganzoo.ACGAN.for_images((28, 28, 1), num_classes=10)
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("mnist", batch_size=100, with_labels=True), epochs=20)
    >>> sevens = gan.generate(16, labels=7)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int,
        num_classes: int,
        *,
        fake_class_weight: float = 1.0,
        **kwargs,
    ):
        super().__init__(generator, discriminator, latent_dim, num_classes, **kwargs)
        self.fake_class_weight = non_negative(fake_class_weight, "fake_class_weight")
        acgan.check_networks(generator, discriminator, self.num_classes)

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        num_classes: int,
        latent_dim: int = 100,
        base_filters: int | None = None,
        **kwargs,
    ) -> ACGAN:
        """Builds an ACGAN whose DCGAN-style networks fit `image_shape`.

        Args:
            image_shape: `(H, W, C)`, e.g. (28, 28, 1), (32, 32, 3).
            num_classes: number of classes; labels lie in `[0, num_classes)`.
            latent_dim: size of `z` (100); the label embedding adds `num_classes`.
            base_filters: width multiplier of both networks; 128 for images of 64
                pixels or more and 32 below, as in `ganzoo.DCGAN`.
            **kwargs: passed to the constructor (`seed`, `regularizers`, ...).

        Returns:
            An uncompiled `ACGAN`.
        """
        if base_filters is None:
            base_filters = dcgan.default_base_filters(image_shape)
        num_classes = conditional.check_num_classes(num_classes)
        return cls(
            conditional.build_conditional_generator(
                image_shape, num_classes, latent_dim, base_filters, embedding_dim=num_classes
            ),
            acgan.build_acgan_discriminator(image_shape, num_classes, base_filters),
            latent_dim,
            num_classes,
            **kwargs,
        )

    def extra_log_names(self) -> list[str]:
        return ["d_class_loss", "g_class_loss", "real_accuracy"]

    def heads(self, images, training: bool = True) -> tuple[Any, Any]:
        """`(source_logits, class_logits)` of the discriminator on `images`."""
        inputs = self.discriminator_inputs(images, None, training)
        return tuple(self.discriminator(inputs, training=training))

    def discriminate(self, images, condition, training: bool = True):
        """The source logits (what the regularizers penalise); the label is not an input."""
        return self.heads(images, training)[0]

    def discriminator_loss(self, real, fake, latents, condition) -> dict[str, Any]:
        """`-(L_S + L_C)` per example: the source loss on real and fake images plus the
        class cross-entropy of both (fakes against the labels they were made with,
        weighted by `fake_class_weight`)."""
        real_source, real_classes = self.heads(real)
        fake_source, fake_classes = self.heads(fake)
        source = self.loss_pair.discriminator(real_source, fake_source)
        class_loss = ganzoo_losses.auxiliary_classifier_loss(condition, real_classes)
        if self.fake_class_weight:
            fake_class = ganzoo_losses.auxiliary_classifier_loss(condition, fake_classes)
            class_loss = class_loss + self.fake_class_weight * fake_class
        predicted = ops.cast(ops.argmax(real_classes, axis=-1), "int32")
        hits = ops.cast(ops.equal(predicted, ops.cast(condition, "int32")), "float32")
        return {"d_loss": source + class_loss, "d_class_loss": class_loss, "real_accuracy": hits}

    def generator_loss(self, fake, latents, condition, real=None) -> dict[str, Any]:
        """G's adversarial loss plus the class cross-entropy of its fakes, per example."""
        source, classes = self.heads(fake)
        class_loss = ganzoo_losses.auxiliary_classifier_loss(condition, classes)
        return {
            "g_loss": self.loss_pair.generator(source) + class_loss,
            "g_class_loss": class_loss,
        }

    def get_config(self) -> dict:
        return {**super().get_config(), "fake_class_weight": self.fake_class_weight}
