"""Does a variant learn? Its Fréchet distance on the offline digits before and after training.

Every registry entry with a `learning` budget (`ganzoo.registry.Learning`) is trained on
the bundled digits at 32×32×1 for that many generator steps, and the Fréchet distance
between 1,000 real digits and 1,000 samples, on the features of ganzoo's digits
classifier (`extractor="digits"`), is compared with the untrained model's.
`tests/test_learning.py` asserts the ratio for every entry; `benchmarks/bench_learning.py`
trains on until a target ratio and reports steps and time.

Example:
>>> from ganzoo import registry
>>> from ganzoo.testing.learning import measure
>>> result = measure(registry.get("dcgan"))  # doctest: +SKIP
>>> result.ratio < 0.6  # doctest: +SKIP
True
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

IMAGE_SIZE = 32
NUM_CLASSES = 10
NUM_SAMPLES = 1000


@dataclasses.dataclass(frozen=True)
class Measurement:
    """The outcome of one learning run.

    Args:
        variant: the registry name.
        steps: generator steps trained.
        untrained: Fréchet distance of the untrained model's samples.
        trained: Fréchet distance after `steps`.
        cpu_s: process CPU time of training (both cores count).
        wall_s: wall time of training.
    """

    variant: str
    steps: int
    untrained: float
    trained: float
    cpu_s: float
    wall_s: float

    @property
    def ratio(self) -> float:
        """`trained / untrained`: 1 means nothing learnt, lower is better."""
        return self.trained / self.untrained

    def __str__(self) -> str:
        return (
            f"{self.variant}: Fréchet distance {self.untrained:.1f} -> {self.trained:.1f} "
            f"(ratio {self.ratio:.3f}) after {self.steps} generator steps, "
            f"{self.wall_s:.1f} s wall, {self.cpu_s:.1f} s CPU"
        )


class LearningRun:
    """A variant built for its learning budget on the digits, trained in chunks.

    Args:
        variant: a `ganzoo.registry.Variant` with a `learning` budget.
        seed: seeds Keras, the model and the data order.

    Example:
    >>> run = LearningRun(registry.get("dcgan"))  # doctest: +SKIP
    >>> run.train(100)  # doctest: +SKIP
    >>> run.distance() / run.untrained  # doctest: +SKIP
    """

    def __init__(self, variant, seed: int = 0):
        import keras

        from ganzoo.data.digits import load_digits_arrays
        from ganzoo.metrics import compute_statistics

        if variant.learning is None:
            raise ValueError(
                f"Expected a variant with a learning budget; {variant.name!r} has none."
            )
        if variant.data not in ("images", "labelled"):
            raise ValueError(
                f"Expected a variant of data kind 'images' or 'labelled' (the digits have no "
                f"pairs); {variant.name!r} is {variant.data!r}."
            )
        self.variant, self.budget, self.seed = variant, variant.learning, seed
        keras.utils.set_random_seed(seed)
        images, _ = load_digits_arrays(IMAGE_SIZE)
        self.real = compute_statistics(images[:NUM_SAMPLES], "digits")
        options = dict(self.budget.options)
        if variant.data == "labelled":
            options.setdefault("num_classes", NUM_CLASSES)
        self.model = variant.build((IMAGE_SIZE, IMAGE_SIZE, 1), seed=seed, **options)
        self.model.compile()
        self.data = self._dataset()
        self.steps, self.cpu_s, self.wall_s = 0, 0.0, 0.0
        self.untrained = self.distance()

    def _dataset(self):
        import ganzoo

        return ganzoo.data.load(
            "digits",
            # The built model's critic steps: a budget may override the variant's.
            batch_size=self.budget.batch_size * int(getattr(self.model, "d_steps", 1)),
            image_size=IMAGE_SIZE,
            seed=self.seed,
            with_labels=self.variant.data == "labelled",
            repeat=True,
            **self.budget.data,
        )

    def distance(self) -> float:
        """The Fréchet distance of `NUM_SAMPLES` samples to the real digits, now."""
        from ganzoo.metrics import fid

        fake = np.clip(np.asarray(self.model.generate(NUM_SAMPLES, seed=self.seed + 1)), -1, 1)
        return float(fid(self.real, fake, extractor="digits"))

    def train(self, steps: int) -> None:
        """Trains `steps` more generator steps (one Keras epoch)."""
        wall, cpu = time.perf_counter(), time.process_time()
        self.model.fit(self.data, epochs=1, steps_per_epoch=int(steps), verbose=0)
        self.wall_s += time.perf_counter() - wall
        self.cpu_s += time.process_time() - cpu
        self.steps += int(steps)

    def measurement(self) -> Measurement:
        """A `Measurement` of the model as it is now."""
        return Measurement(
            self.variant.name,
            self.steps,
            self.untrained,
            self.distance(),
            round(self.cpu_s, 1),
            round(self.wall_s, 1),
        )


def measure(variant, steps: int | None = None, seed: int = 0) -> Measurement:
    """Trains `variant` on the digits for its learning budget and measures it.

    Args:
        variant: a `ganzoo.registry.Variant` with a `learning` budget.
        steps: generator steps; `None` means `variant.learning.steps`.
        seed: seeds Keras, the model and the data order.

    Returns:
        A `Measurement`; its `ratio` is the trained over the untrained distance.
    """
    run = LearningRun(variant, seed)
    run.train(variant.learning.steps if steps is None else steps)
    return run.measurement()
