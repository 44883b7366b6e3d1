"""`ImageToImage`: translation models on the adversarial core (CycleGAN, Pix2Pix).

A translation model trains on pairs `(images_a, images_b)` (aligned for paired
translation, zipped from two unaligned domains for unpaired translation) and maps one
domain to the other with its generators. It has no latent space: `generate` and the
image grids translate images that the caller gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import keras
import numpy as np
from keras import ops

from ganzoo.core import AdversarialModel
from ganzoo.data import checks


def check_shapes(model: str, expected: Mapping[str, tuple[tuple, tuple]], summary: str) -> None:
    """Raises `ValueError` for the first network whose shape is not the one expected.

    Args:
        model: the model's name, for the message.
        expected: what (e.g. `"generator_g output (domain B)"`) → `(its shape, the
            shape expected)`.
        summary: how the networks map the domains, for the message.
    """
    for what, (got, want) in expected.items():
        if got != want:
            raise ValueError(
                f"{model} networks do not fit together: the {what} has shape {got}, "
                f"expected {want} ({summary})."
            )


class ImageToImage(AdversarialModel):
    """Base class of image-to-image translation models.

    Subclasses set `players` (with the optimizers `g_optimizer` and `d_optimizer`) and
    `translators`, which maps each direction (`"a2b"`, and `"b2a"` where the model has
    both) to the attribute of its generator, and write `train_step` with `update`.

    Args:
        **kwargs: passed to `ganzoo.core.AdversarialModel` (`regularizers`, `seed`,
            `name`, ...).
    """

    translators: ClassVar[dict[str, str]] = {"a2b": "generator"}

    # ------------------------------------------------------------------ metadata

    def translator(self, direction: str) -> keras.Model:
        """The generator of `direction` (`"a2b"` or `"b2a"`)."""
        if direction not in self.translators:
            raise ValueError(
                f"direction must be one of {sorted(self.translators)}; got {direction!r}."
            )
        return getattr(self, self.translators[direction])

    @property
    def image_shape_a(self) -> tuple[int, ...]:
        """Shape of one domain-A image."""
        return tuple(self.translator("a2b").input_shape[1:])

    @property
    def image_shape_b(self) -> tuple[int, ...]:
        """Shape of one domain-B image."""
        return tuple(self.translator("a2b").output_shape[1:])

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one generated (domain-B) image, as for other models."""
        return self.image_shape_b

    def compile(self, g_optimizer=None, d_optimizer=None, **kwargs) -> None:
        """Configures the generators' and discriminators' optimizers (by default the
        variant's paper's); `**kwargs` as in `ganzoo.core.AdversarialModel.compile`."""
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **kwargs)

    # ------------------------------------------------------------------ data

    def unpack(self, data) -> tuple[Any, Any]:
        """Splits a dataset element `(images_a, images_b)` into its two domains."""
        return data[0], data[1]

    def first_images(self, data):
        return data[0] if isinstance(data, (tuple, list)) else data

    def check_batch(self, data) -> None:
        """Raises `ValueError` unless `data` is a pair `(images_a, images_b)` that fits."""
        name = type(self).__name__
        if not isinstance(data, (tuple, list)):
            shape = tuple(getattr(data, "shape", ()))
            raise ValueError(
                f"{name} trains on pairs (images_a, images_b) (e.g. ganzoo.data.paired(ds_a, "
                f"ds_b)); got a single dataset whose elements have shape {shape}."
            )
        if len(data) != 2:
            raise ValueError(
                f"{name} trains on pairs (images_a, images_b); got elements of {len(data)} parts."
            )
        images_a, images_b = data
        if len(getattr(images_b, "shape", ())) != 4:
            raise ValueError(
                f"{name} trains on pairs (images_a, images_b) of two image datasets; the "
                f"second part has shape {tuple(getattr(images_b, 'shape', ()))} and dtype "
                f"{getattr(images_b, 'dtype', type(images_b))} (labels?), not images."
            )
        checks.check_paired(
            images_a,
            images_b,
            expected_shape=self.image_shape_a,
            expected_shape_b=self.image_shape_b,
        )

    # ------------------------------------------------------------------ inference

    def call(self, inputs, training: bool = False):
        """Domain-A images translated to domain B."""
        return self.translator("a2b")(inputs, training=training)

    def translate(
        self, images, direction: str = "a2b", batch_size: int = 64, *, dropout: bool = False
    ):
        """Translates images from one domain to the other.

        Args:
            images: images in [-1, 1], shape `(n, H, W, C)` of the source domain.
            direction: `"a2b"`, or `"b2a"` for a model with both generators.
            batch_size: images per forward pass.
            dropout: keep the generator's dropout on (pix2pix's test-time noise);
                off by default, so translation is deterministic.

        Returns:
            A float32 tensor of translated images in [-1, 1].

        Example:
        >>> zebras = gan.translate(horses, direction="a2b")
        """
        network = self.translator(direction)
        images = ops.convert_to_tensor(images)
        checks.check_images(images, expected_shape=tuple(network.input_shape[1:]))
        outputs = [
            ops.cast(network(images[start : start + batch_size], training=dropout), "float32")
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
        """Translates (the first `n` of) `images`; there are no latents to sample.

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
                f"{type(self).__name__} translates images and has no latent space to sample "
                "from: call generate(n, images=...) or translate(images, direction)."
            )
        if n is not None:
            images = images[: int(n)]
        return self.translate(images, direction, batch_size)

    def grid_columns(self, images_a, images_b) -> list:
        """The columns of one grid row per input pair: `a, G(a), b` by default."""
        return [images_a, self.translate(images_a, "a2b"), images_b]

    def grid_images(self, n: int, seed: int = 0, inputs: tuple | None = None) -> tuple:
        """Rows of `grid_columns(a, b)` for `ganzoo.callbacks.ImageGrid`.

        Args:
            n: at most this many images in all (at least one row).
            seed: unused.
            inputs: the pair `(images_a, images_b)` of fixed images to translate.

        Returns:
            `(images, columns)`: images in [-1, 1] and the number of grid columns.
        """
        del seed
        if inputs is None:
            raise ValueError(
                f"{type(self).__name__}'s image grid translates fixed images: pass "
                "inputs=(images_a, images_b), e.g. ImageGrid(out, inputs=(test_a, test_b))."
            )
        a, b = (np.asarray(x, "float32") for x in inputs)
        if len(a) != len(b) or not len(a):
            raise ValueError(
                f"Expected as many domain-A as domain-B grid images (at least one); got "
                f"{len(a)} and {len(b)}."
            )
        width = len(self.grid_columns(a[:1], b[:1]))
        rows = max(1, min(int(n) // width, len(a)))
        columns = self.grid_columns(a[:rows], b[:rows])
        images = np.stack([np.asarray(c, "float32") for c in columns], axis=1)
        return images.reshape((-1, *images.shape[2:])), width
