"""`ganzoo.callbacks.FID`: FID/KID in every epoch's logs, caching, Keras callbacks after it."""

import csv
import json
import os

import keras
import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo.callbacks import FID, ImageGrid, image_grid
from ganzoo.callbacks.sources import model_batches
from ganzoo.metrics import FeatureStatistics, fid
from ganzoo.testing import two_cpu_strategy

SHAPE = (16, 16, 1)  # the digits extractor resizes to 32×32 itself


def _dcgan(shape=SHAPE):
    return ganzoo.DCGAN.for_images(shape, latent_dim=8, base_filters=4, seed=1)


def _begin(callback, model, epochs=1):
    callback.set_model(model)
    callback.set_params({"epochs": epochs, "steps": 1, "verbose": 0})
    callback.on_train_begin()


class CountingBatches:
    """An iterable of image batches that counts how often it is read."""

    def __init__(self, images, batches=4):
        self.images, self.batches, self.passes = images, batches, 0

    def __iter__(self):
        self.passes += 1
        return iter(np.array_split(self.images, self.batches))


def test_fid_in_every_epochs_logs_for_csv_and_checkpoint(tmp_path, digits, tiny_images):
    real = digits[0][:128]
    keras.utils.set_random_seed(0)
    gan = _dcgan()
    gan.compile()
    fid_callback = FID(
        real, every=2, num_samples=64, extractor="digits", log_file=tmp_path / "fid.jsonl"
    )
    csv_logger = keras.callbacks.CSVLogger(str(tmp_path / "log.csv"))
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "best.keras"), monitor="fid", mode="min", save_best_only=True
    )
    history = gan.fit(
        tiny_images(SHAPE),
        epochs=4,
        callbacks=[fid_callback, csv_logger, checkpoint],
        verbose=0,
    ).history

    # Computed after the first epoch, every 2nd and the last; the last value in between.
    assert history["fid_epoch"] == [1, 2, 2, 4]
    assert history["fid"][2] == history["fid"][1]
    assert all(np.isfinite(history["fid"])) and min(history["fid"]) > 0
    assert [e["epoch"] for e in fid_callback.evaluations] == [1, 2, 4]
    # Every value says what produced it.
    score = fid_callback.evaluations[-1]["fid"]
    # (num_samples also caps the real images: the first 64 of 128.)
    assert (score.extractor, score.num_real, score.num_fake) == ("digits", 64, 64)
    assert not score.comparable_with_papers
    # The value is the FID of the model's samples after that epoch.
    samples = np.concatenate(list(model_batches(gan, 64)))
    expected = fid(real[:64], samples, extractor="digits")
    assert history["fid"][-1] == pytest.approx(expected.value, rel=1e-6)

    with open(tmp_path / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4 and {"fid", "fid_epoch"} <= set(rows[0])
    np.testing.assert_allclose([float(r["fid"]) for r in rows], history["fid"], rtol=1e-6)

    assert os.path.exists(tmp_path / "best.keras")
    assert checkpoint.best == pytest.approx(min(history["fid"]))

    with open(tmp_path / "fid.jsonl") as f:
        records = [json.loads(line) for line in f]
    assert [(r["epoch"], r["metric"], r["extractor"], r["num_fake"]) for r in records] == [
        (1, "fid", "digits", 64),
        (2, "fid", "digits", 64),
        (4, "fid", "digits", 64),
    ]

    # Evaluating changes nothing in training: the same run without FID ends with the
    # same weights (the samples use their own seeds, not the training seed generator).
    keras.utils.set_random_seed(0)
    plain = _dcgan()
    plain.compile()
    plain.fit(tiny_images(SHAPE), epochs=4, verbose=0)
    for mine, theirs in zip(gan.weights, plain.weights, strict=True):
        np.testing.assert_allclose(np.array(mine), np.array(theirs), atol=1e-6)


def test_cache_key_writes_and_reuses_real_statistics(tmp_path, digits):
    real = CountingBatches(digits[0][:100])
    gan = _dcgan()
    options = {"num_samples": 80, "extractor": "digits", "cache_dir": tmp_path, "verbose": 0}

    first = FID(real, cache_key="digits 100", kid=True, **options)
    _begin(first, gan)
    assert real.passes == 1 and first.real_source == "computed"
    path = first.cache_path()
    # The file name covers the key, the extractor and the sample count.
    assert os.path.basename(path) == "fid_real.digits-100.digits.80.npz"
    assert os.path.exists(path) and os.path.exists(path.replace(".npz", ".features.npy"))
    assert FeatureStatistics.load(path).count == 80  # num_samples caps the real images

    second = FID(real, cache_key="digits 100", kid=True, **options)
    _begin(second, gan)
    assert real.passes == 1 and second.real_source == "cache"  # not read again
    logs_first, logs_second = {}, {}
    first.on_epoch_end(0, logs_first)
    second.on_epoch_end(0, logs_second)
    assert set(logs_first) == {"fid", "fid_epoch", "kid", "kid_std"}
    assert logs_second == pytest.approx(logs_first)

    # Other sample counts are other files; statistics can also be given directly.
    other = FID(real, cache_key="digits 100", **{**options, "num_samples": 50})
    _begin(other, gan)
    assert real.passes == 2 and other.cache_path() != path
    given = FID(first.real_statistics, num_samples=80, extractor="digits", verbose=0)
    _begin(given, gan)
    logs_given = {}
    given.on_epoch_end(0, logs_given)
    assert given.real_source == "given"
    assert logs_given["fid"] == pytest.approx(logs_first["fid"])


def test_under_mirrored_strategy_with_image_grid(tmp_path, digits, tiny_images):
    real = digits[0][:64]
    strategy = two_cpu_strategy()
    with strategy.scope():
        gan = _dcgan()
        gan.compile()
    callbacks = [FID(real, num_samples=32, extractor="digits", verbose=0), ImageGrid(tmp_path, n=4)]
    history = gan.fit(tiny_images(SHAPE), epochs=1, callbacks=callbacks, verbose=0).history
    samples = np.concatenate(list(model_batches(gan, 32)))
    expected = fid(real[:32], samples, extractor="digits").value
    assert history["fid"] == [pytest.approx(expected, rel=1e-6)]
    with Image.open(tmp_path / "epoch_0001.png") as picture:
        np.testing.assert_array_equal(
            np.array(picture), image_grid(gan.generate(4, seed=0))[..., 0]
        )


def test_bad_input(tmp_path, digits, tiny_images):
    real = digits[0][:16]
    with pytest.raises(ValueError, match="every must be an integer >= 1"):
        FID(real, every=0)
    with pytest.raises(ValueError, match="num_samples must be an integer >= 2"):
        FID(real, num_samples=1)
    with pytest.raises(ValueError, match="cache_key must be a non-empty string"):
        FID(real, cache_key="")
    with pytest.raises(ValueError, match="KID needs the real features"):
        FID(FeatureStatistics.from_features(np.eye(3)), kid=True)

    # An RGB generator cannot be scored by the grayscale digits classifier: refused
    # when training begins, before any step.
    gan = _dcgan((16, 16, 3))
    gan.compile()
    before = [np.array(w) for w in gan.weights]
    callback = FID(real, num_samples=8, extractor="digits", verbose=0)
    with pytest.raises(ValueError, match="FID cannot score samples of DCGAN with the extractor"):
        gan.fit(tiny_images((16, 16, 3)), epochs=1, callbacks=[callback], verbose=0)
    for old, new in zip(before, gan.weights, strict=True):
        np.testing.assert_array_equal(old, np.array(new))

    # CycleGAN translates images; it has no latents to sample from.
    from ganzoo.models.cyclegan import CycleGAN

    cyclegan = CycleGAN.for_images(
        SHAPE, filters=2, residual_blocks=1, discriminator_filters=2, discriminator_layers=1
    )
    with pytest.raises(ValueError, match=r"generate\(n, seed=...\), which fails for CycleGAN"):
        _begin(FID(real, num_samples=8, extractor="digits", verbose=0), cyclegan)

    with pytest.raises(ValueError, match=r"height, width, channels\)"):
        _begin(FID(real[:, :, :, 0], num_samples=8, extractor="digits", verbose=0), _dcgan())
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        _begin(FID(real * 255, num_samples=8, extractor="digits", verbose=0), _dcgan())


def test_progress_bar_only_for_long_extractions(monkeypatch, capsys):
    import ganzoo.callbacks.sources as fid_module
    from ganzoo.metrics import get_extractor

    extractor = get_extractor("digits")
    batches = [np.zeros((8, 32, 32, 1), "float32")] * 3
    fid_module.extract(batches, extractor, 24)
    assert "24/24" not in capsys.readouterr().out  # quick: no bar
    monkeypatch.setattr(fid_module, "PROGRESS_AFTER_SECONDS", 0.0)
    stats, features = fid_module.extract(batches, extractor, 24, keep_features=True)
    assert "24/24" in capsys.readouterr().out
    assert stats.count == 24 and features.shape == (24, 64)
