"""The VAE-GAN example runs end to end on the offline digits and resumes."""

import importlib.util
import os
import pathlib

import keras

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "vaegan_digits.py"


def test_example_trains_saves_reconstructs_and_resumes(tmp_path):
    spec = importlib.util.spec_from_file_location("vaegan_digits", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = str(tmp_path / "run")
    argv = ["--out", out, "--batch-size", "8", "--max-batches", "2", "--latent-dim", "4"]
    argv += ["--base-filters", "4", "--seed", "3"]
    first = module.main([*argv, "--epochs", "1"])
    assert set(first.history) == {"e_loss", "g_loss", "d_loss", "kl_loss", "llike_loss", "adv_loss"}
    model = keras.models.load_model(os.path.join(out, "vaegan.keras"))
    assert model.reconstruct(model.generate(2, seed=0)).shape == (2, 32, 32, 1)
    assert os.path.isfile(os.path.join(out, "reconstructions.png"))
    resumed = module.main([*argv, "--epochs", "2"])
    assert len(resumed.history["e_loss"]) == 1  # only the second epoch trained again
