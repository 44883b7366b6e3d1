"""Exact resume: a run killed at any point and restarted ends where an uninterrupted one does.

- `BackupAndRestore`'s weights file brings back every part of the training state
  (weights, both optimizers with their iteration counts and learning-rate schedules,
  every seed generator, nested layers' included), and training continues exactly as
  if never stopped.
- A `ganzoo train` process killed with SIGKILL in the middle of an epoch, started again
  with the same command, ends with the weights of an uninterrupted run.
- `ganzoo train` refuses to resume a backup made with other settings; `--restart`
  starts over.
"""

import json
import os
import signal
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(ROOT, "tests", "resume_run.py")


def _array(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


# ---------------------------------------------------------------------- in process


def _schedule():
    return keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=2, decay_rate=0.5)


def _gan_with_dropout():
    """A base-class GAN whose networks hold `Dropout` layers (nested seed generators)."""
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(16),
            keras.layers.Dropout(0.5),
            keras.layers.Reshape((4, 4, 1)),
            keras.layers.Activation("tanh"),
        ]
    )
    discriminator = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(1),
        ]
    )
    gan = ganzoo.GAN(generator, discriminator, latent_dim=4)
    gan.compile(keras.optimizers.Adam(_schedule()), keras.optimizers.Adam(_schedule()))
    return gan


def _dcgan():
    gan = ganzoo.DCGAN.for_images((16, 16, 1), latent_dim=8, base_filters=4)
    gan.compile(keras.optimizers.Adam(_schedule(), beta_1=0.5), keras.optimizers.Adam(_schedule()))
    return gan


def _images(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(16, *shape)).astype("float32")


def _data(name):
    if name == "gan_with_dropout":
        return tf.data.Dataset.from_tensor_slices(_images((4, 4, 1), 0)).batch(4)
    return tf.data.Dataset.from_tensor_slices(_images((16, 16, 1), 0)).batch(4)


# CycleGAN's image pools and its learning-rate decay through `BackupAndRestore` are
# checked in tests/models/test_cyclegan.py (test_resume_restores_pools_and_schedule).
BUILDERS = {"gan_with_dropout": _gan_with_dropout, "dcgan": _dcgan}


def _optimizers(gan):
    return {"g_optimizer": gan.g_optimizer, "d_optimizer": gan.d_optimizer}


def _seed_generators(gan):
    return [gan.seed_generator, *gan.layer_seed_generators()]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_backup_restores_every_part_of_the_training_state(name, tmp_path):
    backup = str(tmp_path / "backup")
    data = _data(name)
    keras.utils.set_random_seed(0)
    original = BUILDERS[name]()
    original.fit(
        data,
        epochs=1,
        verbose=0,
        callbacks=[keras.callbacks.BackupAndRestore(backup, delete_checkpoint=False)],
    )
    if name == "gan_with_dropout":
        assert len(original.layer_seed_generators()) == 2

    # A fresh process's model: other initial weights and seed states.
    keras.utils.set_random_seed(1)
    restored = BUILDERS[name]()
    assert not np.array_equal(
        _array(restored.seed_generator.state), _array(original.seed_generator.state)
    )
    restored.fit(  # nothing left to train: it only restores
        data,
        epochs=1,
        verbose=0,
        callbacks=[keras.callbacks.BackupAndRestore(backup, delete_checkpoint=False)],
    )

    for a, b in zip(original.weights, restored.weights, strict=True):
        np.testing.assert_array_equal(_array(a), _array(b), err_msg=a.path)
    for side, optimizer in _optimizers(original).items():
        other = getattr(restored, side)
        assert int(other.iterations) == int(optimizer.iterations) == 4
        assert float(other.learning_rate) == float(optimizer.learning_rate)
        for a, b in zip(optimizer.variables, other.variables, strict=True):
            np.testing.assert_array_equal(_array(a), _array(b), err_msg=f"{side} {a.path}")
    if name == "dcgan":  # ExponentialDecay after 4 steps: 1e-3 · 0.5²
        assert float(restored.g_optimizer.learning_rate) == pytest.approx(2.5e-4)
    for a, b in zip(_seed_generators(original), _seed_generators(restored), strict=True):
        np.testing.assert_array_equal(_array(a.state), _array(b.state))

    # Training goes on exactly as if it had never stopped: the same draws (latents,
    # dropout masks), the same steps, the same learning rates.
    original.fit(data, epochs=1, verbose=0)
    restored.fit(data, epochs=2, initial_epoch=1, verbose=0)
    for a, b in zip(original.weights, restored.weights, strict=True):
        np.testing.assert_array_equal(_array(a), _array(b), err_msg=a.path)
    for a, b in zip(_seed_generators(original), _seed_generators(restored), strict=True):
        np.testing.assert_array_equal(_array(a.state), _array(b.state))


def test_seed_state_of_another_shape_is_refused():
    gan = ganzoo.DCGAN.for_images((16, 16, 1), latent_dim=8, base_filters=4)
    with pytest.raises(ValueError, match=r"seed_generator_state.*shape"):
        gan.load_own_variables({"seed_generator_state": np.zeros(3, "int64")})


# ---------------------------------------------------------------------- a real SIGKILL

TRAIN = [
    "train",
    "dcgan",
    "--dataset",
    "digits",
    "--batch-size",
    "16",
    "--latent-dim",
    "8",
    "--base-filters",
    "4",
    "--epochs",
    "3",
    "--steps-per-epoch",
    "5",
    "--seed",
    "3",
]
KILL_AT_STEP = 7  # epoch 2 (5 steps an epoch); with 4 steps per call the kill lands after step 9


def _start(out, *runner_args):
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="2", TF_DETERMINISTIC_OPS="1")
    env.pop("CUDA_VISIBLE_DEVICES", None)
    command = [sys.executable, RUNNER, *runner_args, "--", *TRAIN, "--out", str(out)]
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(process, timeout=300):
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output


def _state(path):
    model = keras.models.load_model(path)
    return {
        "weights": [_array(w) for w in model.weights],
        "optimizers": [
            _array(v) for v in (*model.g_optimizer.variables, *model.d_optimizer.variables)
        ],
        "seed": _array(model.seed_generator.state),
    }


def test_killed_run_resumes_to_the_weights_of_an_uninterrupted_run(tmp_path):
    marker = str(tmp_path / "killed")
    kill = ["--kill-at-step", str(KILL_AT_STEP), "--marker", marker]
    # The uninterrupted run and the run that gets killed, side by side.
    reference = _start(tmp_path / "reference")
    crashed = _start(tmp_path / "crashed", *kill)
    code, output = _finish(crashed)
    assert code == -signal.SIGKILL, output[-3000:]
    assert os.path.exists(marker)
    assert not (tmp_path / "crashed" / "model.keras").exists()
    with open(tmp_path / "crashed" / "backup" / "training_metadata.json") as f:
        assert json.load(f)["epoch"] == 1  # killed in the middle of the second epoch

    # The very same command again: it resumes from the backup in --out.
    code, output = _finish(_start(tmp_path / "crashed", *kill))
    assert code == 0, output[-3000:]
    assert "Resuming from" in output
    code, reference_output = _finish(reference)
    assert code == 0, reference_output[-3000:]

    expected = _state(str(tmp_path / "reference" / "model.keras"))
    resumed = _state(str(tmp_path / "crashed" / "model.keras"))
    for part in ("weights", "optimizers"):
        assert len(expected[part]) == len(resumed[part])
        for a, b in zip(expected[part], resumed[part], strict=True):
            np.testing.assert_array_equal(a, b, err_msg=part)
    np.testing.assert_array_equal(expected["seed"], resumed["seed"])


# ---------------------------------------------------------------------- CLI settings


def _args(out, *extra):
    tiny = [
        "--batch-size",
        "16",
        "--latent-dim",
        "8",
        "--base-filters",
        "4",
        "--epochs",
        "1",
        "--steps-per-epoch",
        "2",
        "--seed",
        "3",
    ]
    return cli._parser().parse_args(["train", "dcgan", *tiny, "--out", str(out), *extra])


def _fake_backup(out, **settings):
    os.makedirs(out / "backup")
    with open(out / "backup" / "training_metadata.json", "w") as f:
        json.dump({"epoch": 1, "batch": 0}, f)
    run = vars(_args(out))
    run.update(settings)
    with open(out / "run.json", "w") as f:
        json.dump(run, f)


def test_resuming_with_other_settings_is_refused(tmp_path):
    _fake_backup(tmp_path, latent_dim=100)
    with pytest.raises(SystemExit, match=r"--latent-dim 100 \(now 8\).*--restart"):
        cli.train(_args(tmp_path))


def test_restart_starts_over(tmp_path):
    _fake_backup(tmp_path, latent_dim=100)
    path = cli.train(_args(tmp_path, "--restart"))
    assert keras.models.load_model(path).latent_dim == 8
    with open(tmp_path / "run.json") as f:
        assert json.load(f)["latent_dim"] == 8
    with open(tmp_path / "backup" / "training_metadata.json") as f:
        assert json.load(f)["epoch"] == 1  # kept, so a rerun with more --epochs continues
