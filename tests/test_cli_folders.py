"""`ganzoo train VARIANT --dataset FOLDER`, CycleGAN's domains, and every variant."""

import os

import numpy as np
import pytest
from PIL import Image

from ganzoo import cli, registry

TINY = ["--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "4"]


def _write_images(folder, count, size=(20, 24), mode="L", seed=0):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        pixels = rng.integers(0, 256, size=(*size, 3 if mode == "RGB" else 1), dtype=np.uint8)
        Image.fromarray(pixels[..., 0] if mode == "L" else pixels).save(
            os.path.join(folder, f"{i:03d}.png")
        )


def _train(tmp_path, variant, *argv):
    out = str(tmp_path / "out")
    assert cli.main(["train", variant, *TINY, "--out", out, *argv]) == 0
    assert os.path.exists(os.path.join(out, "epoch_0001.png"))
    leftovers = [n for n in os.listdir(out) if ".tmp" in n]
    assert not leftovers, leftovers
    return out


def test_dcgan_on_a_folder_of_rgb_images(tmp_path):
    _write_images(tmp_path / "faces", 8, mode="RGB")
    out = _train(
        tmp_path,
        "dcgan",
        "--dataset",
        str(tmp_path / "faces"),
        "--image-size",
        "16",
        "--base-filters",
        "4",
        "--latent-dim",
        "8",
    )
    gan = registry.get("dcgan").cls  # the saved model is a DCGAN of 16x16 RGB images
    from ganzoo.saving import load_model

    model = load_model(os.path.join(out, "model.keras"), expected=gan)
    assert tuple(model.generate(2).shape) == (2, 16, 16, 3)


def test_cgan_takes_classes_from_sub_folders(tmp_path):
    for i, name in enumerate(("cats", "dogs", "owls")):
        _write_images(tmp_path / "pets" / name, 3, seed=i)
    out = _train(
        tmp_path,
        "cgan",
        "--dataset",
        str(tmp_path / "pets"),
        "--image-size",
        "16",
        "--base-filters",
        "4",
        "--latent-dim",
        "8",
    )
    from ganzoo.saving import load_model

    model = load_model(os.path.join(out, "model.keras"))
    assert model.num_classes == 3


def test_cyclegan_trains_offline_on_digits_and_on_two_folders(tmp_path):
    tiny = [
        "--image-size",
        "16",
        "--filters",
        "4",
        "--residual-blocks",
        "1",
        "--discriminator-filters",
        "4",
        "--discriminator-layers",
        "1",
        "--batch-size",
        "1",
    ]
    _train(tmp_path, "cyclegan", *tiny)
    _write_images(tmp_path / "a", 3, seed=1)
    _write_images(tmp_path / "b", 4, seed=2)
    out = str(tmp_path / "folders")
    argv = ["train", "cyclegan", *TINY, *tiny, "--out", out]
    assert (
        cli.main([*argv, "--domain-a", str(tmp_path / "a"), "--domain-b", str(tmp_path / "b")]) == 0
    )
    assert os.path.exists(os.path.join(out, "model.keras"))


def test_every_variant_has_a_train_parser_with_its_own_options():
    parser = cli._parser()
    for variant in registry.variants():
        args = parser.parse_args(["train", variant.name])
        assert args.variant == variant.name
        for option in variant.options:
            assert hasattr(args, option.argument)
        assert hasattr(args, "latent_dim") == (variant.latent_argument is not None)


def test_help_lists_variants_and_their_visible_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    text = capsys.readouterr().out
    for name in registry.names():
        assert name in text
    with pytest.raises(SystemExit):
        cli.main(["train", "cyclegan", "--help"])
    text = capsys.readouterr().out
    for option in registry.get("cyclegan").options:
        assert (option.flag in text) != option.hidden, option.flag
    assert "--domain-a" in text and "--latent-dim" not in text


def test_paired_variants_train_on_side_by_side_files(tmp_path, monkeypatch):
    # No registered variant has the "paired" kind yet; CycleGAN also trains on (a, b).
    cyclegan = registry.get("cyclegan")
    import dataclasses

    paired = dataclasses.replace(cyclegan, name="pairs", data="paired")
    monkeypatch.setitem(registry._VARIANTS, "pairs", paired)
    os.makedirs(tmp_path / "facades")
    for i in range(3):
        pixels = np.full((8, 16), 40 * i, np.uint8)
        Image.fromarray(pixels).save(tmp_path / "facades" / f"{i}.png")
    tiny = [
        "--image-size",
        "16",
        "--filters",
        "4",
        "--residual-blocks",
        "1",
        "--discriminator-filters",
        "4",
        "--discriminator-layers",
        "1",
        "--batch-size",
        "1",
    ]
    out = str(tmp_path / "out")
    argv = ["train", "pairs", *TINY, *tiny, "--direction", "b2a", "--out", out]
    assert cli.main([*argv, "--dataset", str(tmp_path / "facades")]) == 0
    assert os.path.exists(os.path.join(out, "model.keras"))
