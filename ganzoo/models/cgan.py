"""Conditional GAN (Mirza & Osindero, 2014)."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo import labels as class_labels
from ganzoo.base import GAN
from ganzoo.data import checks
from ganzoo.nets import conditional


@keras.saving.register_keras_serializable(package="ganzoo")
class CGAN(GAN):
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

    It trains on `(images, labels)` batches with integer labels in `[0, num_classes)`;
    `fit` refuses unlabelled data, float labels and labels out of range before any step.

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
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.num_classes = conditional.check_num_classes(num_classes)
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
            base_filters = 128 if int(image_shape[0]) >= 64 else 32
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

    def unpack(self, data) -> tuple[Any, Any]:
        """Splits an `(images, labels)` element; labels become int32 of shape `(batch,)`."""
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError("CGAN trains on (images, labels) batches; got a batch without labels.")
        return data[0], ops.reshape(ops.cast(data[1], "int32"), (-1,))

    def generator_inputs(self, latents, condition) -> list:
        return [latents, condition]

    def discriminator_inputs(self, images, condition, training: bool = True):
        return [super().discriminator_inputs(images, condition, training), condition]

    def check_batch(self, data) -> None:
        """Checks the images as the base class does, then the labels."""
        checks.check_labelled(data, self.num_classes, "CGAN")
        super().check_batch(data)
        checks.check_labels(data[1], self.num_classes, batch_size=int(ops.shape(data[0])[0]))

    def labels_for(self, n: int | None, labels=None):
        """The labels `generate` uses: given ones checked, else `0, 1, ..., K-1, 0, ...`
        (`ganzoo.labels.for_generation`): an int32 tensor of shape `(n,)`."""
        return class_labels.for_generation(n, labels, self.num_classes)

    def call(self, inputs, training: bool = False):
        """Generated images for `[latents, labels]`; bare latents cycle through classes."""
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs, class_labels.cycling(ops.shape(inputs)[0], self.num_classes)]
        return self.generator(list(inputs), training=training)

    def generate(
        self,
        n: int | None = None,
        *,
        labels=None,
        latents=None,
        seed: int | None = None,
        batch_size: int = 256,
        condition=None,
    ):
        """Generates images of the requested classes, in [-1, 1].

        Args:
            n: number of images; may be omitted when `labels` or `latents` are arrays.
            labels: one integer (every image of that class), integers of shape `(n,)`,
                or `None` for `0, 1, ..., num_classes - 1, 0, 1, ...`.
            latents, seed, batch_size: as in `ganzoo.GAN.generate`.
            condition: an alias of `labels` (the base class' name).

        Returns:
            A float32 tensor of shape `(n, H, W, C)`.

        Example:
        >>> grid = gan.generate(labels=np.repeat(np.arange(10), 10), seed=0)
        """
        labels = condition if labels is None else labels
        n = class_labels.count(n, labels, latents)
        labels = self.labels_for(n, labels)
        return super().generate(
            n, latents=latents, condition=labels, seed=seed, batch_size=batch_size
        )

    def grid_images(self, n: int, seed: int = 0) -> tuple:
        """`(images, columns)` for `ganzoo.callbacks.ImageGrid`: a row per class
        (`ganzoo.labels.grid`), the same latents every call."""
        labels, per_class = class_labels.grid(n, self.num_classes)
        return self.generate(labels=labels, seed=seed), per_class

    def get_config(self) -> dict:
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config
