"""`ganzoo fid A B`: image folders, dataset NAME[:SPLIT], saved models."""

import os
import re

import numpy as np
import pytest
import tensorflow_datasets as tfds
from PIL import Image

import ganzoo
from ganzoo import cli
from ganzoo.callbacks.sources import model_batches
from ganzoo.metrics import fid, kid


def _run(argv):
    """Runs `ganzoo fid ...` and returns its result dict."""
    return cli.fid(cli._parser().parse_args(["fid", *argv]))


def _write_folder(folder, images, rgb=False):
    os.makedirs(folder, exist_ok=True)
    pixels = np.clip((images[..., 0] + 1) * 127.5, 0, 255).round().astype(np.uint8)
    for i, image in enumerate(pixels):
        picture = Image.fromarray(image)
        (picture.convert("RGB") if rgb else picture).save(os.path.join(folder, f"{i:03d}.png"))
    return pixels.astype(np.float32)[..., None] / 127.5 - 1.0  # what the files hold


def _printed(text, metric):
    match = re.search(
        rf"^{metric} (\S+)(?: ± \S+)? \(extractor digits, not comparable with papers; "
        r"A: (\d+) images, B: (\d+) images\)$",
        text,
        re.MULTILINE,
    )
    assert match, text
    return float(match.group(1)), int(match.group(2)), int(match.group(3))


def test_two_image_folders(tmp_path, digits, capsys):
    images = digits[0]
    a = _write_folder(tmp_path / "a", images[:60])
    # RGB files: loaded as grayscale for the (grayscale) digits classifier.
    b = _write_folder(tmp_path / "b", images[60:110], rgb=True)
    result = _run([str(tmp_path / "a"), str(tmp_path / "b"), "--extractor", "digits", "--kid"])
    out = capsys.readouterr().out

    expected = fid(a, b, extractor="digits")
    assert result["fid"].value == pytest.approx(expected.value, rel=1e-5)
    assert (result["fid"].num_real, result["fid"].num_fake) == (60, 50)
    assert _printed(out, "FID") == (pytest.approx(expected.value, rel=1e-5), 60, 50)
    expected_kid = kid(a, b, extractor="digits")
    assert result["kid"].value == pytest.approx(expected_kid.value, rel=1e-4, abs=1e-7)
    assert _printed(out, "KID")[1:] == (60, 50)
    assert f"A: folder {tmp_path / 'a'} (60 files)" in out

    # --num-samples takes a seeded random subset of a larger folder.
    subset = _run(
        [str(tmp_path / "a"), str(tmp_path / "b"), "--extractor", "digits", "--num-samples", "20"]
    )
    assert (subset["fid"].num_real, subset["fid"].num_fake) == (20, 20)
    again = _run(
        [str(tmp_path / "a"), str(tmp_path / "b"), "--extractor", "digits", "--num-samples", "20"]
    )
    assert again["fid"].value == subset["fid"].value


def test_digits_against_a_saved_model(tmp_path, digits, capsys):
    gan = ganzoo.DCGAN.for_images((32, 32, 1), latent_dim=8, base_filters=4, seed=1)
    gan.compile()
    path = str(tmp_path / "tiny.keras")
    gan.save(path)
    # More samples than the digits set holds: all 1,797 digits, 2,000 generated.
    assert cli.main(["fid", "digits", path, "--extractor", "digits", "--num-samples", "2000"]) == 0
    out = capsys.readouterr().out
    value, count_a, count_b = _printed(out, "FID")
    assert (count_a, count_b) == (1797, 2000)
    expected = fid(digits[0], np.concatenate(list(model_batches(gan, 2000))), extractor="digits")
    assert value == pytest.approx(expected.value, rel=1e-5)
    assert "A: dataset 'digits', split 'train'" in out
    assert "B: " + path + " (DCGAN), 2000 generated images, seed 0" in out


def test_dataset_split_syntax(tmp_path, capsys):
    with tfds.testing.mock_data(num_examples=10):
        # (mock_data yields its N examples whatever the split or slice asked for.)
        result = _run(["mnist:test", "mnist", "--extractor", "digits"])
        raw = {
            split: np.stack([e["image"] for e in tfds.as_numpy(tfds.load("mnist", split=split))])
            for split in ("test", "train")
        }
    out = capsys.readouterr().out
    assert "A: dataset 'mnist', split 'test'" in out
    assert "B: dataset 'mnist', split 'train'" in out  # the default split
    assert (result["fid"].num_real, result["fid"].num_fake) == (10, 10)
    expected = fid(
        *(raw[s].astype("float32") / 127.5 - 1 for s in ("test", "train")), extractor="digits"
    )
    assert result["fid"].value == pytest.approx(expected.value, rel=1e-5)


def test_bad_sources(tmp_path, digits):
    _write_folder(tmp_path / "ok", digits[0][:4])
    ok = str(tmp_path / "ok")
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("not images")
    cases = [
        ([str(tmp_path / "missing.keras"), ok], "no model file"),
        ([str(tmp_path / "notes.txt"), ok], "neither an image folder nor a .keras model"),
        ([str(tmp_path / "empty"), ok], "holds no image file"),
        (["no_such_dataset_xyz", ok], "not an image folder, a .keras model or a dataset"),
        ([ok, ok, "--num-samples", "1"], "--num-samples must be at least 2"),
        ([ok, ok, "--extractor", "alexnet"], "Unknown extractor 'alexnet'"),
    ]
    for argv, message in cases:
        with pytest.raises(SystemExit, match=re.escape(message)):
            _run([*argv, "--extractor", "digits"] if "--extractor" not in argv else argv)


def test_prdc_flag(tmp_path, digits, capsys):
    from ganzoo.metrics import get_extractor, prdc

    a = _write_folder(tmp_path / "a", digits[0][:40])
    b = _write_folder(tmp_path / "b", digits[0][40:70])
    result = _run([str(tmp_path / "a"), str(tmp_path / "b"), "--extractor", "digits", "--prdc"])
    extractor = get_extractor("digits")
    expected = prdc(extractor(a), extractor(b))
    assert result["prdc"] == pytest.approx(expected, abs=1e-6)
    assert "PRDC (k=5, B against A): precision " in capsys.readouterr().out
    assert _run([str(tmp_path / "a"), str(tmp_path / "b"), "--extractor", "digits"])["prdc"] is None
