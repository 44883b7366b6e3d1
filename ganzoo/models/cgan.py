"""Conditional GAN (Mirza & Osindero, 2014)."""

from __future__ import annotations

import keras

from ganzoo.conditional import ClassConditionalGAN
from ganzoo.nets import conditional, dcgan


@keras.saving.register_keras_serializable(package="ganzoo")
class CGAN(ClassConditionalGAN):
    """Conditional GAN (Mirza & Osindero, 2014, "Conditional Generative Adversarial Nets").

    Both networks see the class label `y`: the generator models `G(z, y)` and the
    discriminator scores `D(x, y)`, so `generate(labels=...)` draws images of the
    requested classes. The value function is the GAN's with every term conditioned on
    `y`; the generator minimises the non-saturating `-log D(G(z, y), y)`.

    The paper used fully connected networks with dropout trained by SGD with momentum;
    ganzoo uses the convolutional DCGAN setup the paper's idea is usually run with
    (`ganzoo.nets.conditional`: DCGAN networks, label embeddings) and the DCGAN
    optimiser, Adam(2e-4, beta_1=0.5) on both sides (Radford et al., 2016).
    `CGAN.for_images(..., discriminator="projection")` selects the projection
    discriminator of Miyato & Koyama (2018) instead of joining the label to the input.

    It trains on `(images, labels)` batches; labels, `generate(labels=...)` and the
    checks are `ganzoo.conditional.ClassConditionalGAN`'s.

    Args:
        generator: a `keras.Model` mapping `[latents, labels]` to images in [-1, 1].
        discriminator: a `keras.Model` mapping `[images, labels]` to logits.
        latent_dim: size of `z`.
        num_classes: number of classes.
        **kwargs: see `ganzoo.GAN` (`d_steps`, `adversarial_loss`, `r1_gamma`, `seed`).

    Example:
    >>> gan = ganzoo.CGAN.for_images((28, 28, 1), num_classes=10)
    >>> gan.compile()
    >>> gan.fit(ganzoo.data.load("mnist", batch_size=64, with_labels=True), epochs=20)
    >>> sevens = gan.generate(16, labels=7)
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int,
        num_classes: int,
        **kwargs,
    ):
        super().__init__(generator, discriminator, latent_dim, num_classes, **kwargs)
        conditional.check_two_inputs(generator, discriminator, "CGAN")

    @classmethod
    def for_images(
        cls,
        image_shape: tuple[int, int, int],
        num_classes: int,
        latent_dim: int = 100,
        base_filters: int | None = None,
        discriminator: str = "concat",
        embedding_dim: int | None = None,
        **kwargs,
    ) -> CGAN:
        """Builds a CGAN whose DCGAN-style networks fit `image_shape`.

        Args:
            image_shape: `(H, W, C)`, e.g. (28, 28, 1), (32, 32, 3), (64, 64, 3).
            num_classes: number of classes (10 for MNIST; with tfds,
                `info.features["label"].num_classes`); labels lie in `[0, num_classes)`.
            latent_dim: size of `z` (100, as in the paper).
            base_filters: width multiplier of both networks; 128 for images of 64
                pixels or more and 32 below, as in `ganzoo.DCGAN`.
            discriminator: `"concat"` (the label embedding as extra image channels) or
                `"projection"` (Miyato & Koyama, 2018).
            embedding_dim: width of the label embeddings; `min(num_classes, 50)` when
                omitted.
            **kwargs: passed to the constructor (`seed`, `adversarial_loss`, ...).

        Returns:
            An uncompiled `CGAN`.
        """
        if base_filters is None:
            base_filters = dcgan.default_base_filters(image_shape)
        return cls(
            conditional.build_conditional_generator(
                image_shape, num_classes, latent_dim, base_filters, embedding_dim
            ),
            conditional.build_conditional_discriminator(
                image_shape, num_classes, base_filters, discriminator, embedding_dim
            ),
            latent_dim,
            num_classes,
            **kwargs,
        )

    def discriminator_inputs(self, images, condition, training: bool = True):
        return [super().discriminator_inputs(images, condition, training), condition]
