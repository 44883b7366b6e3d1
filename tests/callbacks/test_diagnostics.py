"""`ganzoo.callbacks.Diagnostics` and the failure-mode rules behind its warnings."""

import csv

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo.callbacks import Diagnostics, failure_modes

SHAPE = (32, 32, 1)  # the digits classifier's size, so modes_covered is logged
KEYS = (
    "d_real_accuracy",
    "d_fake_accuracy",
    "d_grad_norm",
    "g_grad_norm",
    "sample_diversity",
    "modes_covered",
    "class_entropy",
)


def _digits(batches=None):
    data = ganzoo.data.load("digits", batch_size=32, seed=0)
    return data if batches is None else data.take(batches)


def _dcgan(generator=None):
    gan = ganzoo.DCGAN.for_images(SHAPE, latent_dim=8, base_filters=4, seed=1)
    if generator is None:
        return gan
    return ganzoo.DCGAN(generator, gan.discriminator, latent_dim=8, seed=1)


def _latent_ignoring_generator():
    """Complete collapse by construction: every latent gives the same (learnt) image."""
    z = keras.Input((8,))
    constant = keras.layers.Lambda(lambda t: t * 0.0)(z)
    x = keras.layers.Dense(int(np.prod(SHAPE)), activation="tanh")(constant)
    return keras.Model(z, keras.layers.Reshape(SHAPE)(x))


def test_collapsed_generator_is_flagged_within_two_epochs():
    keras.utils.set_random_seed(0)
    gan = _dcgan(_latent_ignoring_generator())
    gan.compile()
    diagnostics = Diagnostics(_digits(), verbose=0)
    history = gan.fit(_digits(8), epochs=2, callbacks=[diagnostics], verbose=0)
    kinds = {kind for epoch, kind, _ in diagnostics.warnings if epoch <= 2}
    assert "mode collapse" in kinds
    assert history.history["modes_covered"][-1] == 1.0
    assert history.history["sample_diversity"][-1] < failure_modes.DUPLICATE_RATIO


def test_healthy_dcgan_raises_no_warning_and_logs_to_csv(tmp_path, capsys):
    keras.utils.set_random_seed(0)
    gan = _dcgan()
    gan.compile()
    path = tmp_path / "log.csv"
    diagnostics = Diagnostics(_digits())
    gan.fit(
        _digits(20),
        epochs=3,
        callbacks=[diagnostics, keras.callbacks.CSVLogger(str(path))],
        verbose=0,
    )
    assert diagnostics.warnings == []
    assert "Diagnostics warning" not in capsys.readouterr().out
    with open(path) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    for key in KEYS:
        assert np.isfinite(float(rows[-1][key])), key
    assert float(rows[-1]["g_grad_norm"]) > 0
    # After 3 epochs D tells this run's real and fake images apart (1.0 and 1.0 here).
    assert float(rows[-1]["d_real_accuracy"]) > 0.5
    assert float(rows[-1]["d_fake_accuracy"]) > 0.5
    assert 0 <= float(rows[-1]["class_entropy"]) <= np.log(10) + 1e-6


def test_measuring_leaves_the_model_unchanged():
    gan = _dcgan()
    gan.compile()
    real = np.random.default_rng(0).uniform(-1, 1, (4, *SHAPE)).astype("float32")
    diagnostics = Diagnostics(real, classifier=False)
    diagnostics.set_model(gan)
    diagnostics.on_train_begin()
    before = [np.array(v) for v in gan.variables]
    values = diagnostics.measure(0)
    assert "modes_covered" not in values
    for variable, value in zip(gan.variables, before, strict=True):
        np.testing.assert_array_equal(np.array(variable), value, err_msg=variable.path)


@pytest.mark.parametrize(
    "kwargs, real, message",
    [
        ({"classifier": "digits"}, None, "classifier must be None, False or a keras.Model"),
        ({"batch_size": 1}, None, "batch_size must be an integer >= 2; got 1"),
        ({}, np.zeros((4, 16, 16, 1), "float32"), r"shape \(32, 32, 1\); got \(16, 16, 1\)"),
        ({}, np.zeros((4, 32, 32)), "shape \\(n, height, width, channels\\); got shape"),
        ({}, np.zeros((4, *SHAPE), "float32"), "a real batch of identical images"),
    ],
)
def test_bad_input_is_refused_before_any_step(kwargs, real, message):
    if real is None:
        real = np.random.default_rng(0).uniform(-1, 1, (4, *SHAPE)).astype("float32")
    gan = _dcgan()
    gan.compile()
    before = [np.array(v) for v in gan.trainable_variables]
    with pytest.raises(ValueError, match=message):
        gan.fit(_digits(1), epochs=1, callbacks=[Diagnostics(real, **kwargs)], verbose=0)
    for variable, value in zip(gan.trainable_variables, before, strict=True):
        np.testing.assert_array_equal(np.array(variable), value)


# ---------------------------------------------------------------- the rules


def test_mode_collapse_rule():
    assert failure_modes.mode_collapse([8, 9, 10, 9], [0.4] * 4) is None  # one class of jitter
    # A healthy DCGAN's dip for one epoch (10, then 8, then 9) is not a collapse.
    assert failure_modes.mode_collapse([6, 10, 8], [0.4] * 3) is None
    assert failure_modes.mode_collapse([6, 10, 8, 9], [0.4] * 4) is None
    assert "fell from 10 to 7" in failure_modes.mode_collapse([8, 10, 8, 7], [0.4] * 4)
    assert failure_modes.mode_collapse([8, 10, 8, 10, 8], [0.4] * 5) is None
    assert failure_modes.mode_collapse([8, 9, 10], [0.02, 0.3, 0.4]) is None
    assert "near-duplicates" in failure_modes.mode_collapse([], [0.3, 0.001, 0.002])
    # A fresh generator's samples are near-duplicates for a moment: one epoch is not enough.
    assert failure_modes.mode_collapse([], [0.001]) is None
    assert failure_modes.mode_collapse([], [0.001, 0.02]) is None


def test_vanishing_gradients_rule():
    assert failure_modes.vanishing_gradients(1.0, 1.0, [5.0, 0.01]) is not None
    assert failure_modes.vanishing_gradients(1.0, 0.98, [5.0, 0.01]) is None  # D not sure
    assert failure_modes.vanishing_gradients(1.0, 1.0, [5.0, 0.2]) is None  # 4% of the peak


def _series(mean, swing, trend=0.0, damping=1.0, n=failure_modes.WINDOW):
    epochs = np.arange(n)
    alternating = np.where(epochs % 2, 1.0, -1.0) * damping**epochs
    return list(mean + trend * epochs + swing * mean * alternating)


def test_non_convergence_rule():
    noise = [0.01] * failure_modes.WINDOW
    # The default main job's plateau: epoch means swinging 0.33x their mean.
    assert failure_modes.non_convergence("d_loss", _series(0.5, 0.33), noise) is None
    assert "oscillates" in failure_modes.non_convergence("d_loss", _series(0.5, 0.9), noise)
    # The same swing but within the noise of an epoch mean: no warning.
    assert failure_modes.non_convergence("d_loss", _series(0.5, 0.9), [0.5] * 10) is None
    # A trend, or oscillations that die down, are convergence.
    assert failure_modes.non_convergence("d_loss", _series(0.5, 0.9, trend=0.3), noise) is None
    damped = _series(0.5, 3.0, damping=0.8)  # still 2x its mean, but dying down
    assert failure_modes.non_convergence("d_loss", damped, noise) is None
    assert failure_modes.non_convergence("d_loss", _series(0.5, 0.9)[:-1], noise) is None


@pytest.mark.parametrize("variant", ["cgan"])  # (images, labels) batches: the conditional path
def test_train_command_logs_diagnostics_to_its_history(tmp_path, variant):
    from ganzoo import cli

    out = str(tmp_path / variant)
    argv = ["train", variant, "--epochs", "1", "--steps-per-epoch", "2", "--out", out]
    width = ["--batch-size", "8", "--latent-dim", "8", "--base-filters", "4"]
    assert cli.main([*argv, *width, "--diagnostics"]) == 0
    with open(f"{out}/history.csv") as f:
        row = next(csv.DictReader(f))
    for key in KEYS:
        assert np.isfinite(float(row[key])), key
