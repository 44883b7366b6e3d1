"""`ganzoo train VARIANT` and `ganzoo sample` write what the README promises."""

import os

import keras
import pytest

from ganzoo import cli, registry


@pytest.mark.parametrize(
    ("variant", "width"),
    [
        ("dcgan", ["--base-filters", "4"]),
        ("vanilla", []),
        ("cgan", ["--base-filters", "4"]),
        ("infogan", ["--base-filters", "4"]),
        ("wgan_gp", ["--base-filters", "4"]),
    ],
)
def test_train_writes_grids_and_model_then_sample_draws(tmp_path, variant, width):
    out = str(tmp_path / variant)
    argv = ["train", variant, "--epochs", "1", "--steps-per-epoch", "2", "--out", out]
    assert cli.main([*argv, "--batch-size", "8", "--latent-dim", "8", *width]) == 0
    assert os.path.exists(os.path.join(out, "epoch_0001.png"))
    model = keras.models.load_model(os.path.join(out, "model.keras"))
    assert type(model).__name__ == registry.get(variant).cls.__name__
    grid = str(tmp_path / "grid.png")
    assert cli.main(["sample", os.path.join(out, "model.keras"), "--n", "4", "--out", grid]) == 0
    assert os.path.getsize(grid) > 0


def test_help_documents_every_flag(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "dcgan", "--help"])
    text = capsys.readouterr().out
    for flag in ("--dataset", "--epochs", "--batch-size", "--latent-dim", "--out", "--strategy"):
        assert flag in text
