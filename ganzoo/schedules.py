"""Training schedules and the optimizers of the papers that use them.

`ConstantThenLinearDecay` is CycleGAN's schedule (Zhu et al., 2017, §4), also used by
pix2pix-style translation models; `paper_optimizer` builds CycleGAN's Adam on it.
`ProGrowth` is ProGAN's growth schedule (Karras et al., 2018): the level of detail as a
function of the images shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class ConstantThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """A learning rate constant for a while, then decayed linearly to zero.

    CycleGAN's schedule (Zhu et al., 2017, §4): "we keep the same learning rate for the
    first 100 epochs and linearly decay the rate to zero over the next 100 epochs". The
    rate is a function of the optimizer's iteration count, which the optimizer saves and
    restores, so a resumed run continues on the schedule. (The reference implementation
    steps the rate once per epoch and ends at 1/101 of it; this one decays every step and
    reaches zero at the last.)

    Args:
        initial_learning_rate: the rate of the constant phase (2e-4 in the paper).
        constant_steps: optimizer steps at the initial rate.
        decay_steps: steps over which the rate then falls linearly to zero.
        name: optional name of the schedule.

    Example:
    >>> steps = 1334  # horse2zebra: max(1067 horses, 1334 zebras) at batch size 1
    >>> schedule = ConstantThenLinearDecay(2e-4, 100 * steps, 100 * steps)
    >>> keras.optimizers.Adam(schedule, beta_1=0.5)
    """

    def __init__(
        self,
        initial_learning_rate: float,
        constant_steps: int,
        decay_steps: int,
        name: str | None = None,
    ):
        if int(constant_steps) < 0 or int(decay_steps) < 1:
            raise ValueError(
                f"Expected constant_steps >= 0 and decay_steps >= 1; got "
                f"constant_steps={constant_steps!r}, decay_steps={decay_steps!r}."
            )
        self.initial_learning_rate = float(initial_learning_rate)
        self.constant_steps = int(constant_steps)
        self.decay_steps = int(decay_steps)
        self.name = name

    def __call__(self, step):
        step = ops.cast(step, "float32")
        progress = ops.clip((step - self.constant_steps) / self.decay_steps, 0.0, 1.0)
        return self.initial_learning_rate * (1.0 - progress)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "constant_steps": self.constant_steps,
            "decay_steps": self.decay_steps,
            "name": self.name,
        }


def paper_optimizer(total_steps: int | None = None) -> keras.optimizers.Optimizer:
    """CycleGAN's optimizer: Adam(2e-4, beta_1=0.5), decayed over the second half.

    Args:
        total_steps: training steps in all; the rate is constant for the first half
            and falls linearly to zero over the second. `None` keeps it constant.

    Returns:
        A `keras.optimizers.Adam`.

    Example:
    >>> gan.compile(paper_optimizer(200 * steps), paper_optimizer(200 * steps))
    """
    if total_steps is None:
        return keras.optimizers.Adam(2e-4, beta_1=0.5)
    total_steps = int(total_steps)
    if total_steps < 2:
        raise ValueError(f"total_steps must be at least 2; got {total_steps!r}.")
    constant = total_steps // 2
    return keras.optimizers.Adam(
        ConstantThenLinearDecay(2e-4, constant, total_steps - constant), beta_1=0.5
    )


def _phase_lengths(value, levels: int, name: str, least: int) -> list[int]:
    """`value` (one count, or one per growth step) as `levels` counts ≥ `least`."""
    counts = [value] * levels if isinstance(value, (int, np.integer)) else list(value)
    if len(counts) != levels:
        raise ValueError(
            f"Expected {name} to be one number or {levels} numbers (one per growth step of "
            f"{levels}); got {len(counts)}: {list(counts)!r}."
        )
    for count in counts:
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < least:
            raise ValueError(f"Expected {name} to be integers >= {least}; got {value!r}.")
    return [int(c) for c in counts]


@keras.saving.register_keras_serializable(package="ganzoo")
class ProGrowth:
    """ProGAN's growth schedule, in images shown (Karras et al., 2018, §2 and A.1;
    `TrainingSchedule` of tkarras/progressive_growing_of_gans `train.py`).

    Training starts at 4×4; each resolution is trained `stable_images` images, then the
    next one is faded in over `fade_in_images` images, until the final resolution, which
    trains on from there. The level of detail is `lod = L − Σᵢ clip((n − sᵢ) / fᵢ, 0, 1)`
    after `n` images, with `L = log2(R) − 2` growth steps, the `i`-th fade-in starting at
    `sᵢ` and lasting `fᵢ` images: `L` at 4×4, 0 at the final resolution, the fade-in's
    `α = 1 − frac(lod)` in between. With one count per phase (the paper: 800k each) this
    is the reference's formula.

    Args:
        fade_in_images: images per fade-in (≥ 1), one number or one per growth step
            (8×8, 16×16, ... up to the final resolution).
        stable_images: images per stabilisation before each growth step (≥ 0), one
            number or one per resolution below the final one (4×4, 8×8, ...).

    Example:
    >>> growth = ProGrowth(fade_in_images=800_000, stable_images=800_000)
    >>> growth.resolution(2_000_000, final_resolution=32)  # fading in 16x16
    16
    """

    def __init__(
        self,
        fade_in_images: int | Sequence[int] = 800_000,
        stable_images: int | Sequence[int] = 800_000,
    ):
        def plain(value):
            return int(value) if isinstance(value, (int, np.integer)) else [int(v) for v in value]

        self.fade_in_images, self.stable_images = plain(fade_in_images), plain(stable_images)

    def phases(self, levels: int) -> tuple[list[int], list[int]]:
        """`(stable, fade_in)` image counts of `levels` growth steps; a `ValueError` when
        the counts given do not add up to that many phases."""
        return (
            _phase_lengths(self.stable_images, levels, "stable_images", 0),
            _phase_lengths(self.fade_in_images, levels, "fade_in_images", 1),
        )

    def images_to_grow(self, levels: int) -> int:
        """Images shown before the final resolution is fully faded in."""
        stable, fade = self.phases(levels)
        return sum(stable) + sum(fade)

    def lod(self, images, levels: int):
        """The level of detail after `images` images (a float32 tensor; in-graph too)."""
        stable, fade = self.phases(levels)
        if not levels:
            return ops.zeros((), "float32")
        starts = np.cumsum(stable) + np.concatenate([[0], np.cumsum(fade)[:-1]])
        shown = ops.cast(images, "float64")
        progress = ops.clip((shown - starts) / np.asarray(fade, "float64"), 0.0, 1.0)
        return ops.cast(levels - ops.sum(progress), "float32")

    def resolution(self, images: int, final_resolution: int) -> int:
        """The output resolution after `images` images: the new one during a fade-in."""
        levels = int(np.log2(final_resolution)) - 2
        lod = float(ops.convert_to_numpy(self.lod(images, levels)))
        return int(final_resolution // 2 ** int(np.floor(lod)))

    def alpha(self, images: int, final_resolution: int) -> float:
        """The fade-in's weight on the newest block: 1 outside a fade-in."""
        levels = int(np.log2(final_resolution)) - 2
        lod = float(ops.convert_to_numpy(self.lod(images, levels)))
        return 1.0 - (lod - np.floor(lod))

    def get_config(self) -> dict:
        return {"fade_in_images": self.fade_in_images, "stable_images": self.stable_images}

    @classmethod
    def from_config(cls, config: dict) -> ProGrowth:
        return cls(**config)

    def __repr__(self) -> str:
        return f"ProGrowth(fade_in_images={self.fade_in_images!r}, stable_images={self.stable_images!r})"
