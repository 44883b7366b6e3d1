"""`DivergenceGuard`: training that goes NaN, infinite or explodes stops, the last good
weights come back, and no checkpoint gets the bad weights."""

import json

import h5py
import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo.callbacks import DivergenceError, DivergenceGuard


def _array(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _tiny_gan():
    keras.utils.set_random_seed(0)
    gan = ganzoo.DCGAN.for_images((16, 16, 1), latent_dim=8, base_filters=4, seed=0)
    # One step per call, so the guard and the per-batch checkpoints see every batch
    # (with the default 4 steps per call they see the end of each call).
    gan.compile(steps_per_execution=1)
    return gan


def _images(poison_batch=None, batches=3, batch_size=4):
    images = np.random.default_rng(0).uniform(-1, 1, (batches * batch_size, 16, 16, 1))
    images = images.astype("float32")
    if poison_batch is not None:  # one NaN pixel; `fit` checks only the first batch
        images[poison_batch * batch_size, 3, 3, 0] = np.nan
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size)


def _state(gan):
    return [
        _array(v) for v in (*gan.weights, *gan.g_optimizer.variables, *gan.d_optimizer.variables)
    ]


def _h5_arrays(path):
    arrays = []
    with h5py.File(path, "r") as f:
        f.visititems(
            lambda name, item: arrays.append(item[()]) if isinstance(item, h5py.Dataset) else None
        )
    return arrays


@pytest.mark.parametrize("raise_error", [True, False])
def test_nan_loss_stops_training_and_keeps_the_checkpoints_good(raise_error, tmp_path):
    gan = _tiny_gan()
    backup = str(tmp_path / "backup")
    every_batch = str(tmp_path / "every_batch.weights.h5")
    every_epoch = str(tmp_path / "every_epoch.weights.h5")

    def callbacks():
        return [
            DivergenceGuard(raise_error=raise_error),  # first, before every saver
            keras.callbacks.BackupAndRestore(backup, delete_checkpoint=False),
            keras.callbacks.ModelCheckpoint(every_batch, save_weights_only=True, save_freq=1),
            keras.callbacks.ModelCheckpoint(every_epoch, save_weights_only=True),
        ]

    gan.fit(_images(), epochs=1, verbose=0, callbacks=callbacks())
    good = _state(gan)
    assert int(gan.g_optimizer.iterations) == 3

    # Epoch 2 has a NaN in its second batch: the losses turn NaN there.
    guard, *savers = callbacks()
    if raise_error:
        with pytest.raises(DivergenceError, match=r"epoch 2, batch 2: d_loss is nan.*Restored"):
            gan.fit(_images(poison_batch=1), epochs=2, verbose=0, callbacks=[guard, *savers])
    else:
        history = gan.fit(_images(poison_batch=1), epochs=2, verbose=0, callbacks=[guard, *savers])
        assert gan.stop_training and len(history.history["d_loss"]) == 1
    assert "epoch 2, batch 2: d_loss is nan" in guard.diverged

    # The model is back at the start of epoch 2 (weights, optimizer states, step count).
    for a, b in zip(good, _state(gan), strict=True):
        np.testing.assert_array_equal(a, b)
    assert int(gan.g_optimizer.iterations) == 3
    # No saver wrote NaN weights.
    for path in (every_batch, every_epoch, f"{backup}/latest.weights.h5"):
        for array in _h5_arrays(path):
            if np.issubdtype(array.dtype, np.floating):
                assert np.all(np.isfinite(array)), path
    with open(f"{backup}/training_metadata.json") as f:
        # raise_error keeps the backup of epoch 1; a graceful stop lets BackupAndRestore
        # save the restored (good) weights at the end of the interrupted epoch.
        assert json.load(f)["epoch"] == (1 if raise_error else 2)
    # The per-batch checkpoint holds the last good batch (epoch 2's first) when the guard
    # raises; when it only stops, the savers after it save the restored state instead.
    restored = _tiny_gan()
    restored.load_weights(every_batch)
    assert int(restored.g_optimizer.iterations) == (4 if raise_error else 3)


def test_non_finite_weights_with_a_finite_loss_are_caught_at_the_epoch_end(tmp_path):
    class PoisonLastStep(keras.callbacks.Callback):
        """Turns one weight NaN after the last step, when that step's loss is logged."""

        def on_train_batch_end(self, batch, logs=None):
            if int(self.model.g_optimizer.iterations) == 6:
                kernel = self.model.generator.trainable_weights[0]
                kernel.assign(tf.fill(kernel.shape, np.nan))

    gan = _tiny_gan()
    checkpoint = str(tmp_path / "model.keras")
    callbacks = [PoisonLastStep(), DivergenceGuard(), keras.callbacks.ModelCheckpoint(checkpoint)]
    gan.fit(_images(), epochs=1, verbose=0, callbacks=callbacks)
    good = _state(gan)
    with pytest.raises(DivergenceError, match=r"end of epoch 2: weights became NaN"):
        gan.fit(_images(), epochs=2, initial_epoch=1, verbose=0, callbacks=callbacks)
    for a, b in zip(good, _state(gan), strict=True):
        np.testing.assert_array_equal(a, b)
    saved = keras.models.load_model(checkpoint)  # still epoch 1's
    assert int(saved.g_optimizer.iterations) == 3
    assert all(np.all(np.isfinite(_array(w))) for w in saved.weights)


def test_threshold_catches_one_exploding_batch():
    """Keras logs running means; the guard recovers the newest batch from them."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    guard = DivergenceGuard("loss", threshold=40.0)
    guard.set_model(model)
    guard.on_train_begin()
    guard.on_epoch_begin(0)
    start = [_array(w) for w in model.weights]
    guard.on_train_batch_end(0, {"loss": 1.0, "other": float("nan")})  # not monitored
    guard.on_train_batch_end(1, {"loss": 1.5})  # batch values 1, 2
    model.weights[0].assign(model.weights[0] + 1.0)
    # Batch 3 is 50: its running mean (53 / 3 ≈ 17.7) stays under 40, the batch does not.
    with pytest.raises(DivergenceError, match=r"batch 3: loss is 50, beyond the threshold 40"):
        guard.on_train_batch_end(2, {"loss": 53.0 / 3})
    for a, b in zip(start, model.weights, strict=True):
        np.testing.assert_array_equal(a, _array(b))


def test_infinite_loss_is_divergence_and_bad_thresholds_are_refused():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    guard = DivergenceGuard(raise_error=False)
    guard.set_model(model)
    guard.on_train_begin()
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"g_loss": np.float32(np.inf)})
    assert model.stop_training and "g_loss is inf" in guard.diverged
    for threshold in (0, -1.0, float("inf")):
        with pytest.raises(ValueError, match="threshold"):
            DivergenceGuard(threshold=threshold)
