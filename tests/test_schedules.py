"""`ganzoo.schedules`: CycleGAN's constant-then-linear decay and its optimizer."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganzoo.schedules import ConstantThenLinearDecay, paper_optimizer


def test_paper_optimizer_halves_the_steps():
    optimizer = paper_optimizer(9)
    schedule = optimizer._learning_rate
    assert isinstance(schedule, ConstantThenLinearDecay)
    assert (schedule.constant_steps, schedule.decay_steps) == (4, 5)
    assert optimizer.beta_1 == pytest.approx(0.5)
    np.testing.assert_allclose(float(schedule(9)), 0.0, atol=1e-12)


def test_bad_steps_are_refused():
    with pytest.raises(ValueError, match="decay_steps >= 1"):
        ConstantThenLinearDecay(1e-3, 0, 0)
    with pytest.raises(ValueError, match="constant_steps >= 0"):
        ConstantThenLinearDecay(1e-3, -1, 5)


def test_an_optimizer_with_the_schedule_round_trips():
    optimizer = keras.optimizers.Adam(ConstantThenLinearDecay(1e-3, 3, 2, name="decay"))
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert restored._learning_rate.get_config() == optimizer._learning_rate.get_config()
