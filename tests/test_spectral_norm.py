"""`ganzoo.layers.SpectralNormalization`: the paper's spectral normalisation."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.layers import SpectralNormalization, spectral_normalizations, update_spectral_norms
from ganzoo.testing import two_cpu_strategy


def _built(layer, input_shape, seed):
    """`layer` built, with a N(0, 1) kernel (σ well above 1) and a nonzero bias."""
    keras.utils.set_random_seed(seed)
    layer.build(input_shape)
    rng = np.random.default_rng(seed)
    for variable in (layer.layer.kernel, layer.layer.bias):
        variable.assign(rng.normal(size=variable.shape).astype("float32"))
    return layer


def _dense(seed=0):
    return _built(SpectralNormalization(keras.layers.Dense(5)), (None, 7), seed)


def _conv(seed=0):
    return _built(
        SpectralNormalization(keras.layers.Conv2D(4, 3, padding="same")), (None, 6, 6, 2), seed
    )


def _matrix(layer, weight):
    return np.asarray(weight).reshape(-1, np.asarray(weight).shape[-1])


def _reference_iteration(kernel, u):
    """One step of the reference `max_singular_value` (pfnet-research/sngan_projection,
    `source/functions/max_sv.py`), in its orientation: W is (out, in), u is (1, out)."""
    w = kernel.reshape(-1, kernel.shape[-1]).T
    u = u.reshape(1, -1)
    v = u @ w
    v = v / (np.linalg.norm(v) + 1e-12)
    u = v @ w.T
    u = u / (np.linalg.norm(u) + 1e-12)
    sigma = float(np.sum((u @ w) * v))
    return u[0], v[0], sigma


@pytest.mark.parametrize("make", [_dense, _conv], ids=["dense", "conv2d"])
def test_largest_singular_value_is_one_after_power_iterations(make):
    layer = make()
    kernel = np.asarray(layer.layer.kernel)
    for _ in range(100):
        layer.power_iteration()
    # Conv2D: the kernel (3, 3, 2, 4) as the (18, 4) matrix the reference normalises.
    top = np.linalg.svd(_matrix(layer, kernel), compute_uv=False)[0]
    assert float(layer.sigma()) == pytest.approx(top, rel=1e-5)
    normalized = _matrix(layer, layer.normalized_weight())
    assert np.linalg.svd(normalized, compute_uv=False)[0] == pytest.approx(1.0, abs=1e-5)
    assert top > 2.0  # the raw kernel is far from normalised
    np.testing.assert_array_equal(np.asarray(layer.layer.kernel), kernel)  # W is kept


def test_one_iteration_matches_the_reference_code():
    layer = _conv(seed=3)
    kernel = np.asarray(layer.layer.kernel)
    u0 = np.asarray(layer.u)[0]
    u, v, sigma = _reference_iteration(kernel, u0)
    layer.power_iteration()
    np.testing.assert_allclose(np.asarray(layer.u)[0], u, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(layer.v)[0], v, rtol=1e-5, atol=1e-6)
    assert float(layer.sigma()) == pytest.approx(sigma, rel=1e-5)
    # The forward pass computes with W / σ: the plain layer on that kernel.
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 2)).astype("float32")
    expected = tf.nn.conv2d(x, kernel / sigma, 1, "SAME") + np.asarray(layer.layer.bias)
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-4, atol=1e-5)


def test_gradient_flows_through_sigma_unlike_keras():
    # Paper eq. (12): with W̄ = W/σ and G = ∂L/∂W̄, ∂L/∂W = (G - <G, W̄> v uᵀ) / σ.
    layer = _dense(seed=1)
    for _ in range(100):
        layer.power_iteration()
    x = tf.constant(np.random.default_rng(1).normal(size=(3, 7)).astype("float32"))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.sin(layer(x)))
    ours = np.asarray(tape.gradient(loss, layer.layer.kernel))
    sigma, u, v = float(layer.sigma()), np.asarray(layer.u), np.asarray(layer.v)
    w_bar = tf.constant(np.asarray(layer.layer.kernel) / sigma)
    with tf.GradientTape() as tape:
        tape.watch(w_bar)
        loss = tf.reduce_sum(tf.sin(x @ w_bar + layer.layer.bias))
    g = np.asarray(tape.gradient(loss, w_bar))
    expected = (g - np.sum(g * np.asarray(w_bar)) * np.outer(v, u)) / sigma
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-6)

    # Keras' SpectralNormalization assigns W/σ over the kernel: its gradient is G alone.
    keras_sn = keras.layers.SpectralNormalization(keras.layers.Dense(5), power_iterations=100)
    keras_sn.build((None, 7))
    keras_sn.layer.kernel.assign(np.asarray(layer.layer.kernel))
    keras_sn.layer.bias.assign(np.asarray(layer.layer.bias))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.sin(keras_sn(x, training=True)))
    theirs = np.asarray(tape.gradient(loss, keras_sn.layer.kernel))
    np.testing.assert_allclose(theirs, g, rtol=1e-3, atol=1e-5)
    assert np.linalg.norm(theirs - ours) > 0.2 * np.linalg.norm(theirs)


def test_u_changes_on_power_iteration_only():
    layer = _dense(seed=2)
    inputs = keras.Input((7,))
    model = keras.Model(inputs, layer(inputs))
    x = np.ones((2, 7), "float32")
    before = np.asarray(layer.u), np.asarray(layer.v)
    for training in (True, False, None):
        model(x, training=training)
        layer(x, training=training) if training is not None else layer(x)
    np.testing.assert_array_equal(np.asarray(layer.u), before[0])
    np.testing.assert_array_equal(np.asarray(layer.v), before[1])
    assert spectral_normalizations(model) == [layer]
    update_spectral_norms(model)
    assert not np.array_equal(np.asarray(layer.u), before[0])


def test_u_and_v_are_saved_and_restored(tmp_path):
    keras.utils.set_random_seed(4)
    inputs = keras.Input((6, 6, 2))
    x = SpectralNormalization(keras.layers.Conv2D(3, 3), power_iterations=2, name="sn")(inputs)
    model = keras.Model(inputs, keras.layers.Flatten()(x))
    for _ in range(3):
        update_spectral_norms(model)
    path = os.path.join(tmp_path, "sn.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    sn = loaded.get_layer("sn")
    assert isinstance(sn, SpectralNormalization) and sn.power_iterations == 2
    original = model.get_layer("sn")
    np.testing.assert_array_equal(np.asarray(sn.u), np.asarray(original.u))
    np.testing.assert_array_equal(np.asarray(sn.v), np.asarray(original.v))
    images = np.random.default_rng(0).uniform(-1, 1, (2, 6, 6, 2)).astype("float32")
    np.testing.assert_array_equal(np.asarray(loaded(images)), np.asarray(model(images)))


def test_mixed_float16_keeps_u_and_sigma_in_float32():
    layer32 = _conv(seed=5)
    old = keras.config.dtype_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        layer16 = SpectralNormalization(keras.layers.Conv2D(4, 3, padding="same"))
        layer16.build((None, 6, 6, 2))
        layer16.set_weights(layer32.get_weights())
        layer16.power_iteration()
        layer32.power_iteration()
        x = np.random.default_rng(0).uniform(-1, 1, (2, 6, 6, 2)).astype("float32")
        with tf.GradientTape() as tape:
            y = layer16(x)
            loss = tf.reduce_sum(tf.cast(y, "float32"))
        gradient = tape.gradient(loss, layer16.layer.kernel)
    finally:
        keras.mixed_precision.set_global_policy(old)
    assert y.dtype == "float16"
    assert layer16.u.dtype == layer16.v.dtype == layer16.sigma().dtype == "float32"
    np.testing.assert_array_equal(np.asarray(layer16.u), np.asarray(layer32.u))
    assert float(layer16.sigma()) == float(layer32.sigma())
    np.testing.assert_allclose(np.asarray(y, "float32"), np.asarray(layer32(x)), atol=1e-2)
    assert gradient.dtype == "float32" and np.all(np.isfinite(np.asarray(gradient)))


def test_mirrored_replicas_hold_the_same_u():
    layer = _dense(seed=6)
    weights = layer.get_weights()
    strategy = two_cpu_strategy()
    with strategy.scope():
        replicated = SpectralNormalization(keras.layers.Dense(5))
        replicated.build((None, 7))
    replicated.set_weights(weights)
    assert replicated.u.aggregation == "only_first_replica"

    @tf.function
    def step():
        def replica_fn():
            replicated.power_iteration()
            return replicated(tf.ones((2, 7)))

        return strategy.run(replica_fn)

    for _ in range(3):
        step()
        layer.power_iteration()
    copies = [np.asarray(c) for c in replicated.u.value.values]
    assert len(copies) == 2
    np.testing.assert_array_equal(copies[0], copies[1])
    np.testing.assert_allclose(copies[0], np.asarray(layer.u), rtol=1e-6, atol=1e-7)


def test_zero_kernel_gives_finite_outputs():
    layer = _dense(seed=7)
    layer.layer.kernel.assign(np.zeros((7, 5), "float32"))
    layer.power_iteration()
    assert np.all(np.isfinite(np.asarray(layer(np.ones((2, 7), "float32")))))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match=r"`kernel` or `embeddings`.*ReLU"):
        SpectralNormalization(keras.layers.ReLU()).build((None, 3))
    with pytest.raises(ValueError, match=r"power_iterations must be a positive integer; got 0"):
        SpectralNormalization(keras.layers.Dense(2), power_iterations=0)


def test_embedding_is_normalised():
    keras.utils.set_random_seed(8)
    layer = SpectralNormalization(keras.layers.Embedding(6, 4))
    out = layer(np.array([[0, 1, 5]]))
    for _ in range(100):
        layer.power_iteration()
    table = np.asarray(layer.layer.embeddings)
    sigma = np.linalg.svd(table, compute_uv=False)[0]
    np.testing.assert_allclose(
        np.asarray(layer(np.array([[0, 1, 5]]))), table[[[0, 1, 5]]] / sigma, rtol=1e-5
    )
    assert out.shape == (1, 3, 4)
