"""`ganzoo train --ema DECAY` (and `--augment`, `--ada-kimg`): the saved model carries the EMA
and the augmentation; bad decays refused."""

import os
import subprocess
import sys

import keras

_SCRIPT = os.path.join(os.path.dirname(sys.executable), "ganzoo")
GANZOO = [_SCRIPT] if os.path.exists(_SCRIPT) else [sys.executable, "-m", "ganzoo.cli"]
TINY = ["--epochs", "1", "--steps-per-epoch", "1", "--base-filters", "4", "--batch-size", "4"]


def _ganzoo(*argv):
    result = subprocess.run([*GANZOO, *argv], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _short(stderr, lines=3):
    text = [line for line in stderr.splitlines() if line.strip()]
    assert 1 <= len(text) <= lines, stderr
    return "\n".join(text)


def test_train_with_ema_and_augment(tmp_path):
    # One run for both flags: each `ganzoo train` starts TensorFlow (seconds).
    out = tmp_path / "run"
    argv = ["--ema", "0.99", "--augment", "diffaugment", "--out", str(out)]
    result = _ganzoo("train", "dcgan", *TINY, *argv)
    assert result.returncode == 0, result.stderr
    model = keras.models.load_model(str(out / "model.keras"))
    assert model.ema == 0.99 and int(model.ema_updates.numpy()) == 1
    assert type(model.augment).__name__ == "DiffAugment"
    assert model.augment.policy == "color,translation,cutout"


def test_bad_decay_is_a_usage_error(tmp_path):
    out = tmp_path / "run"
    result = _ganzoo("train", "dcgan", *TINY, "--ema", "1.5", "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "ema must be a decay in (0, 1)" in _short(result.stderr)
    assert not out.exists()


def test_train_with_ada_and_its_speed(tmp_path):
    out = tmp_path / "run"
    argv = ["--augment", "ada", "--ada-kimg", "2.5", "--out", str(out)]
    result = _ganzoo("train", "dcgan", *TINY, *argv)
    assert result.returncode == 0, result.stderr
    model = keras.models.load_model(str(out / "model.keras"))
    assert type(model.augment).__name__ == "ADA" and model.augment.kimg == 2.5
    result = _ganzoo("train", "dcgan", *TINY, "--ada-kimg", "5", "--out", str(tmp_path / "b"))
    assert result.returncode == 2, result.stderr
    assert "--ada-kimg needs --augment ada" in _short(result.stderr)
