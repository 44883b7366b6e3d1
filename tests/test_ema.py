"""The generator EMA (`GAN(ema=...)`, `ganzoo.ema`): the update rule and its ramp-up,
batch-norm statistics, `generate(ema=...)`, saving, resume and MirroredStrategy."""

import math

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo import ema as ganzoo_ema
from ganzoo.testing import compile_for_strategy_check, two_cpu_strategy

SHAPE = (8, 8, 1)


def _gan(ema=0.9, **kwargs):
    keras.utils.set_random_seed(0)
    return ganzoo.DCGAN.for_images(SHAPE, latent_dim=4, base_filters=4, ema=ema, seed=0, **kwargs)


def _data(count=16, batch=8):
    images = np.random.default_rng(0).uniform(-1, 1, (count, *SHAPE)).astype("float32")
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(images).batch(batch, drop_remainder=True)


def _weights(model):
    return [np.array(v) for v in model.weights]


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.1, True, "0.9"])
def test_bad_decay(bad):
    with pytest.raises(ValueError, match=r"ema must be a decay in \(0, 1\)"):
        _gan(ema=bad)


def test_beta_follows_stylegan2_ada_rampup():
    decay, rampup = 0.999, 0.05
    horizon = math.log(0.5) / math.log(decay)  # 692.8 steps
    for steps in (0, 1, 100, 10_000, 20_000):
        ramped = min(horizon, steps * rampup)
        expected = 0.0 if ramped == 0 else 0.5 ** (1 / ramped)
        assert float(ganzoo_ema.beta(steps, decay, rampup)) == pytest.approx(expected, abs=1e-6)
    assert float(ganzoo_ema.beta(10**6, decay, None)) == pytest.approx(decay, abs=1e-6)
    assert float(ganzoo_ema.beta(0, decay, None)) == pytest.approx(decay, abs=1e-6)


def test_update_matches_the_rule_and_copies_batch_norm_statistics():
    gan = _gan(ema=0.9, ema_rampup=None)
    gan.compile(jit_compile=False)
    before = _weights(gan.ema_generator)
    gan.fit(_data(count=8), epochs=1, verbose=0)  # one generator step
    assert int(gan.ema_updates.numpy()) == 1
    pairs = zip(before, gan.generator.weights, gan.ema_generator.weights, strict=True)
    statistics = 0
    for b, g, e in pairs:
        if g.trainable:
            np.testing.assert_allclose(np.array(e), 0.9 * b + 0.1 * np.array(g), atol=1e-6)
        else:  # batch norm's moving statistics, copied
            statistics += 1
            np.testing.assert_array_equal(np.array(e), np.array(g))
    assert statistics, "DCGAN's generator has batch norm"
    assert not gan.ema_generator.trainable_variables
    assert all(v is not e for v in gan.trainable_variables for e in gan.ema_generator.weights)


def test_generate_uses_the_average_unless_told_not_to():
    gan = _gan(ema=0.5, ema_rampup=None)
    gan.compile()
    gan.fit(_data(), epochs=2, verbose=0)
    z = np.random.default_rng(1).normal(size=(4, 4)).astype("float32")
    raw = np.array(gan.generator(z, training=False))
    average = np.array(gan.ema_generator(z, training=False))
    assert not np.array_equal(raw, average)
    np.testing.assert_array_equal(np.array(gan.generate(latents=z)), average)
    np.testing.assert_array_equal(np.array(gan.generate(latents=z, ema=False)), raw)
    np.testing.assert_array_equal(np.array(gan.grid_images(4, seed=3)[0]), gan.generate(4, seed=3))


def test_saved_and_resumed_with_the_model(tmp_path):
    gan = _gan(ema=0.95)
    gan.compile()
    gan.fit(_data(), epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.ema == 0.95 and int(loaded.ema_updates.numpy()) == 2
    for a, b in zip(_weights(gan.ema_generator), _weights(loaded.ema_generator), strict=True):
        np.testing.assert_array_equal(a, b)
    z = np.zeros((2, 4), "float32")
    np.testing.assert_array_equal(np.array(loaded.generate(latents=z)), gan.generate(latents=z))
    # training continues from the saved average and count, as the original does
    gan.fit(_data(), epochs=1, verbose=0)
    loaded.fit(_data(), epochs=1, verbose=0)
    for a, b in zip(_weights(gan.ema_generator), _weights(loaded.ema_generator), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_mirrored_strategy_equals_one_device():
    sgd = lambda: keras.optimizers.SGD(0.1)  # noqa: E731
    one = _gan(ema=0.5, ema_rampup=None)
    compile_for_strategy_check(one, sgd(), sgd())
    strategy = two_cpu_strategy()
    with strategy.scope():
        two = _gan(ema=0.5, ema_rampup=None)
        compile_for_strategy_check(two, sgd(), sgd())
    two.set_weights(one.get_weights())
    one.fit(_data(), epochs=1, verbose=0)
    two.fit(_data(), epochs=1, verbose=0)
    assert int(two.ema_updates.numpy()) == 2
    variables = two.ema_generator.weights
    for v, expected in zip(variables, _weights(one.ema_generator), strict=True):
        replicas = [np.array(x) for x in v.value.values] if hasattr(v.value, "values") else []
        for r in replicas:  # every replica holds the same average
            np.testing.assert_array_equal(r, replicas[0])
        np.testing.assert_allclose(np.array(v), expected, atol=1e-4)
