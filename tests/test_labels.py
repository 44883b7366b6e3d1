"""`ganzoo.labels`: the labels a conditional model generates with, without networks."""

from __future__ import annotations

import numpy as np
import pytest

from ganzoo import labels


def test_cycling_goes_round_the_classes():
    np.testing.assert_array_equal(labels.cycling(7, 3), [0, 1, 2, 0, 1, 2, 0])
    assert labels.cycling(4, 10).dtype == "int32"


def test_for_generation_fills_checks_and_cycles():
    np.testing.assert_array_equal(labels.for_generation(4, 2, 3), [2, 2, 2, 2])
    np.testing.assert_array_equal(labels.for_generation(None, [0, 2, 1], 3), [0, 2, 1])
    np.testing.assert_array_equal(labels.for_generation(5, None, 2), [0, 1, 0, 1, 0])
    assert labels.for_generation(2, 1, 3).dtype == "int32"


@pytest.mark.parametrize(
    ("n", "given", "pattern"),
    [
        (None, None, r"n >= 1, labels or latents"),
        (None, 1, r"n >= 1 with a single label"),
        (3, [0, 1], r"shape \(3,\)"),
        (2, np.zeros((2, 2), "int32"), r"shape \(2,\)"),
        (2, [0.0, 1.0], "integer"),
        (2, [0, 3], r"\[0, 3\)"),
    ],
)
def test_for_generation_refuses(n, given, pattern):
    with pytest.raises(ValueError, match=pattern):
        labels.for_generation(n, given, 3)


def test_count_reads_n_latents_or_labels():
    assert labels.count(5, [0, 1]) == 5
    assert labels.count(None, [0, 1, 2]) == 3
    assert labels.count(None, 1, latents=np.zeros((4, 8))) == 4
    assert labels.count(None, 1) is None


def test_grid_has_a_row_per_class():
    grid, per_class = labels.grid(7, 3)
    assert per_class == 2
    np.testing.assert_array_equal(grid, [0, 0, 1, 1, 2, 2])
    grid, per_class = labels.grid(2, 10)  # fewer images than classes: one of each
    assert per_class == 1
    np.testing.assert_array_equal(grid, [0, 1])
