"""Learning-rate schedules and the optimizers of the papers that use them.

`ConstantThenLinearDecay` is CycleGAN's schedule (Zhu et al., 2017, §4), also used by
pix2pix-style translation models; `paper_optimizer` builds CycleGAN's Adam on it.
"""

from __future__ import annotations

import keras
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
