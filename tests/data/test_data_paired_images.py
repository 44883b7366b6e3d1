"""`ganzoo.data.paired_images` (pix2pix side-by-side files) and `digits_domains`."""

import os

import numpy as np
import pytest
from PIL import Image

import ganzoo


def _write_pairs(folder, count=4, size=8):
    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        pixels = np.zeros((size, 2 * size), np.uint8)
        pixels[:, :size] = 10 * i  # A: dark, B: light
        pixels[:, size:] = 255 - 10 * i
        Image.fromarray(pixels).save(os.path.join(folder, f"{i}.png"))


@pytest.mark.parametrize("direction", ["a2b", "b2a"])
def test_halves_become_pairs(tmp_path, direction):
    _write_pairs(tmp_path / "pairs")
    ds = ganzoo.data.paired_images(
        tmp_path / "pairs", direction, image_size=8, batch_size=2, channels=1, shuffle=False
    )
    a, b = next(iter(ds))
    assert a.shape == b.shape == (2, 8, 8, 1)
    left, right = (a, b) if direction == "a2b" else (b, a)
    np.testing.assert_allclose(left[0], -1.0, atol=1e-6)
    np.testing.assert_allclose(right[0], 1.0, atol=1e-6)
    a_preview, _ = ganzoo.data.peek(ds)
    assert a_preview.shape == (2, 8, 8, 1)


def test_bad_direction_and_size_are_refused(tmp_path):
    _write_pairs(tmp_path / "pairs")
    with pytest.raises(ValueError, match="direction must be one of"):
        ganzoo.data.paired_images(tmp_path / "pairs", "left")
    with pytest.raises(ValueError, match="image_size must be a positive int"):
        ganzoo.data.paired_images(tmp_path / "pairs", image_size=0)
    with pytest.raises(ValueError, match="does not exist"):
        ganzoo.data.paired_images(tmp_path / "missing")


def test_digits_domains_are_inverted_halves():
    train_a, train_b, test_a, test_b = ganzoo.data.digits_domains(16, test_size=100)
    assert train_a.shape[1:] == test_b.shape[1:] == (16, 16, 1)
    assert len(test_a) == len(test_b) == 50
    assert train_a.mean() < 0 < train_b.mean()  # white on black, black on white
    with pytest.raises(ValueError, match="test_size"):
        ganzoo.data.digits_domains(16, test_size=-1)
