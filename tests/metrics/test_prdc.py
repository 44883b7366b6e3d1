"""`ganzoo.metrics.prdc` against values of the authors' `prdc` package (a fixture)."""

from pathlib import Path

import numpy as np
import pytest

from ganzoo.metrics import prdc, precision_recall

FIXTURE = Path(__file__).resolve().parents[1] / "testdata" / "prdc_reference.npz"
NAMES = ("precision", "recall", "density", "coverage")


@pytest.mark.parametrize("chunk_rows", [1024, 7])
def test_matches_the_reference_package(monkeypatch, chunk_rows):
    # 7 rows per block: the blocks' seams cut through both sides (300 real, 200 fake).
    monkeypatch.setattr(precision_recall, "CHUNK_ROWS", chunk_rows)
    data = np.load(FIXTURE)
    for k in data["ks"]:
        got = prdc(data["real"], data["fake"], k=int(k))
        for name in NAMES:
            assert got[name] == pytest.approx(float(data[f"{name}_k{k}"]), abs=1e-10), (name, k)


def test_identical_sets_are_perfect():
    features = np.random.default_rng(0).normal(size=(50, 4))
    got = prdc(features, features, k=3)
    assert got == {"precision": 1.0, "recall": 1.0, "density": 1.0, "coverage": 1.0}


def test_disjoint_sets_score_zero():
    rng = np.random.default_rng(1)
    got = prdc(rng.normal(size=(40, 3)), rng.normal(size=(30, 3)) + 100.0, k=5)
    assert got == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


@pytest.mark.parametrize(
    "real_n, fake_n, k",
    [(5, 10, 5), (10, 5, 5), (10, 10, 12)],
)
def test_k_at_least_the_sample_count_is_refused(real_n, fake_n, k):
    rng = np.random.default_rng(2)
    with pytest.raises(ValueError, match=rf"k smaller than the number of samples.*k={k}"):
        prdc(rng.normal(size=(real_n, 2)), rng.normal(size=(fake_n, 2)), k=k)


@pytest.mark.parametrize(
    "real, fake, k, message",
    [
        (np.zeros((10, 2)), np.zeros((10, 3)), 2, "same width; got 2 and 3"),
        (np.zeros((10,)), np.zeros((10, 3)), 2, r"real_features as a numeric \(n, dim\)"),
        (np.zeros((10, 2)), np.full((10, 2), np.nan), 2, "fake_features contain NaN"),
        (np.zeros((10, 2)), np.zeros((10, 2)), 0, "k must be a positive integer; got 0"),
        (np.zeros((10, 2)), np.zeros((10, 2)), 2.5, "k must be a positive integer; got 2.5"),
    ],
)
def test_bad_input(real, fake, k, message):
    with pytest.raises(ValueError, match=message):
        prdc(real, fake, k=k)


def test_fid_callback_logs_prdc_of_its_features():
    import ganzoo
    from ganzoo.callbacks import FID
    from ganzoo.callbacks.sources import model_batches
    from ganzoo.metrics import get_extractor

    real = np.random.default_rng(3).uniform(-1, 1, (40, 16, 16, 1)).astype("float32")
    gan = ganzoo.DCGAN.for_images((16, 16, 1), latent_dim=8, base_filters=4, seed=1)
    callback = FID(real, num_samples=30, extractor="digits", prdc=True, verbose=0)
    callback.set_model(gan)
    callback.set_params({"epochs": 1, "steps": 1, "verbose": 0})
    callback.on_train_begin()
    logs = {}
    callback.on_epoch_end(0, logs)
    extractor = get_extractor("digits")
    fake = extractor(np.concatenate(list(model_batches(gan, 30, seed=0))))
    expected = prdc(extractor(real[:30]), fake, k=5)
    assert {name: logs[name] for name in NAMES} == pytest.approx(expected, abs=1e-12)
    with pytest.raises(ValueError, match="prdc needs num_samples > k=5; got 5"):
        FID(real, num_samples=5, prdc=True)
