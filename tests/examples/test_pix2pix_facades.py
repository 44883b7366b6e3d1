"""The facades example runs offline: digits-edges, and a tiny side-by-side folder."""

import importlib.util
import os
from pathlib import Path

import keras
import numpy as np
from PIL import Image

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pix2pix_facades.py"
TINY = ["--filters", "2", "--discriminator-filters", "2", "--max-batches", "2", "--seed", "1"]


def _example():
    spec = importlib.util.spec_from_file_location("pix2pix_facades", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_offline_digits_edges(tmp_path):
    out = str(tmp_path / "digits")
    args = ["--dataset", "digits-edges", "--epochs", "1", "--batch-size", "2", "--out", out]
    history = _example().main([*args, *TINY])
    assert np.isfinite(history.history["g_loss"]).all() and history.history["l1_loss"]
    grid = np.asarray(Image.open(os.path.join(out, "grids", "epoch_0001.png")))
    # 4 held-out pairs in rows of 3 images (edges, translation, digit), 2 px padding.
    assert grid.shape[:2] == (4 * 34 + 2, 3 * 34 + 2)
    gan = keras.models.load_model(os.path.join(out, "pix2pix.keras"))
    assert int(gan.g_optimizer.iterations) == 2


def test_side_by_side_folder_b2a(tmp_path):
    rng = np.random.default_rng(0)
    for split, count in (("train", 4), ("val", 2)):
        os.makedirs(tmp_path / "facades" / split)
        for i in range(count):
            photo = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
            labels = np.full((16, 16, 3), 200, np.uint8)
            pair = np.concatenate([photo, labels], axis=1)  # photo | labels, as facades
            Image.fromarray(pair).save(tmp_path / "facades" / split / f"{i}.png")
    out = str(tmp_path / "run")
    argv = ["--dataset", str(tmp_path / "facades"), "--image-size", "16", "--epochs", "1"]
    _example().main([*argv, "--out", out, *TINY])
    gan = keras.models.load_model(os.path.join(out, "pix2pix.keras"))
    assert gan.image_shape_a == (16, 16, 3)
    generator = keras.models.load_model(os.path.join(out, "generator.keras"))
    labels = np.full((1, 16, 16, 3), 200 / 127.5 - 1, np.float32)
    np.testing.assert_allclose(generator(labels), gan.translate(labels), atol=1e-5)
