"""`ClassConditionalGAN`: the latent GAN whose batches carry class labels (the base of
`ganzoo.CGAN` and `ganzoo.ACGAN`).

It owns what a class-conditional model shares, whatever its discriminator does with the
label: `(images, labels)` batches and their checks, the generator's `[latents, labels]`
input, and `generate(n, labels=...)` and the image grids with a row per class.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo import labels as class_labels
from ganzoo.base import GAN
from ganzoo.data import checks
from ganzoo.nets.conditional import check_num_classes


class ClassConditionalGAN(GAN):
    """A GAN whose generator draws images of given classes, `G(z, y)`.

    Trains on `(images, labels)` batches with integer labels in `[0, num_classes)`;
    `fit` refuses unlabelled data, float labels and labels out of range before any step.
    Fakes take the labels of their step's real batch. Subclasses decide what the
    discriminator sees (`discriminator_inputs`).

    Args:
        generator: a `keras.Model` mapping `[latents, labels]` to images in [-1, 1].
        discriminator: a `keras.Model` scoring images (and labels, where it reads them).
        latent_dim: size of `z`.
        num_classes: number of classes, at least 2.
        **kwargs: see `ganzoo.GAN`.
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
        self.num_classes = check_num_classes(num_classes)

    def unpack(self, data) -> tuple[Any, Any]:
        """Splits an `(images, labels)` element; labels become int32 of shape `(batch,)`."""
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                f"{type(self).__name__} trains on (images, labels) batches; got a batch "
                "without labels."
            )
        return data[0], ops.reshape(ops.cast(data[1], "int32"), (-1,))

    def generator_inputs(self, latents, condition) -> list:
        return [latents, condition]

    def check_batch(self, data) -> None:
        """Checks the images as the base class does, then the labels."""
        checks.check_labelled(data, self.num_classes, type(self).__name__)
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
        ema: bool = True,
    ):
        """Generates images of the requested classes, in [-1, 1].

        Args:
            n: number of images; may be omitted when `labels` or `latents` are arrays.
            labels: one integer (every image of that class), integers of shape `(n,)`,
                or `None` for `0, 1, ..., num_classes - 1, 0, 1, ...`.
            latents, seed, batch_size, ema: as in `ganzoo.GAN.generate`.
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
            n, latents=latents, condition=labels, seed=seed, batch_size=batch_size, ema=ema
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
