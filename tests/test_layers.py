import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from ganzoo.layers import BatchNormalization, ReflectionPadding2D, instance_normalization
from ganzoo.testing import two_cpu_strategy


@pytest.mark.parametrize(
    ("padding", "pads"),
    [
        (1, ((1, 1), (1, 1))),
        (3, ((3, 3), (3, 3))),
        ((2, 1), ((2, 2), (1, 1))),
        (((1, 2), (3, 0)), ((1, 2), (3, 0))),
    ],
)
def test_reflection_padding_matches_numpy(padding, pads):
    x = np.random.default_rng(0).normal(size=(2, 5, 6, 3)).astype("float32")
    layer = ReflectionPadding2D(padding)
    expected = np.pad(x, ((0, 0), *pads, (0, 0)), mode="reflect")
    np.testing.assert_array_equal(layer(x), expected)
    assert layer.compute_output_shape((None, 5, 6, 3)) == (None, *expected.shape[1:])


def test_reflection_mirrors_without_repeating_the_border():
    x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    padded = np.asarray(ReflectionPadding2D(1)(x))[0, :, :, 0]
    np.testing.assert_array_equal(padded[1], [1, 0, 1, 2, 1])
    np.testing.assert_array_equal(padded[:, 1], [3, 0, 3, 6, 3])


def test_reflection_padding_channels_first_and_config():
    x = np.random.default_rng(1).normal(size=(1, 2, 4, 5)).astype("float32")
    layer = ReflectionPadding2D((1, 2), data_format="channels_first")
    expected = np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2)), mode="reflect")
    np.testing.assert_array_equal(layer(x), expected)
    clone = ReflectionPadding2D.from_config(layer.get_config())
    np.testing.assert_array_equal(clone(x), expected)
    serialized = keras.saving.serialize_keras_object(layer)
    assert isinstance(keras.saving.deserialize_keras_object(serialized), ReflectionPadding2D)


def test_reflection_padding_in_a_saved_model(tmp_path):
    inputs = keras.Input((8, 8, 1))
    model = keras.Model(inputs, ReflectionPadding2D(3)(inputs))
    assert model.output_shape == (None, 14, 14, 1)
    path = str(tmp_path / "pad.keras")
    model.save(path)
    x = np.random.default_rng(2).normal(size=(1, 8, 8, 1)).astype("float32")
    np.testing.assert_array_equal(keras.models.load_model(path)(x), model(x))


def test_reflection_padding_refuses_bad_values():
    with pytest.raises(ValueError, match="smaller than the side"):
        ReflectionPadding2D(3)(np.zeros((1, 3, 3, 1), "float32"))
    with pytest.raises(ValueError, match="non-negative"):
        ReflectionPadding2D(-1)
    with pytest.raises(ValueError, match="padding"):
        ReflectionPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="data_format"):
        ReflectionPadding2D(1, data_format="nhwc")


def test_instance_normalization_normalizes_each_image_and_channel():
    rng = np.random.default_rng(3)
    # Every (image, channel) has its own scale and offset.
    x = (rng.normal(size=(2, 6, 6, 4)) * [1, 5, 0.1, 3] + [0, -2, 7, 1]).astype("float32")
    norm = instance_normalization()
    y = np.asarray(norm(x))
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(1, 2)), 1.0, atol=2e-3)
    assert norm.weights == []  # no learned scale or shift (CycleGAN's InstanceNorm2d)
    assert norm.epsilon == 1e-5 and norm.groups == 4
    # groups=1 (layer norm) would normalise over all channels at once: not the same.
    layer_norm = keras.layers.GroupNormalization(groups=1, center=False, scale=False)
    assert not np.allclose(np.asarray(layer_norm(x)), y, atol=1e-2)
    affine = instance_normalization(affine=True)
    affine.build((None, 4, 4, 3))
    assert [tuple(w.shape) for w in affine.weights] == [(3,), (3,)]


def _batch_norms(**kwargs):
    """Keras' batch norm and ganzoo's fused one with the same settings and weights."""
    reference = keras.layers.BatchNormalization(**kwargs)
    fused = BatchNormalization(**kwargs)
    return reference, fused


@pytest.mark.parametrize("shape", [(16, 6), (4, 7, 6), (4, 5, 3, 6)])
@pytest.mark.parametrize("synchronized", [False, True])
def test_fused_batch_norm_trains_like_keras(shape, synchronized):
    rng = np.random.default_rng(3)
    x = tf.constant(rng.normal(2.0, 3.0, size=shape).astype("float32"))
    upstream = tf.constant(rng.normal(size=shape).astype("float32"))
    reference, fused = _batch_norms(momentum=0.9, epsilon=1e-3, synchronized=synchronized)
    gamma = rng.uniform(0.5, 1.5, size=shape[-1]).astype("float32")
    beta = rng.normal(size=shape[-1]).astype("float32")
    for layer in (reference, fused):
        layer.build(shape)
        layer.gamma.assign(gamma)
        layer.beta.assign(beta)
    results = []
    for layer in (reference, fused):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(y * upstream)
        grads = tape.gradient(loss, [x, layer.gamma, layer.beta])
        results.append((y, *grads, layer.moving_mean, layer.moving_variance))
    names = ["output", "input grad", "gamma grad", "beta grad", "moving mean", "moving var"]
    for name, want, got in zip(names, *results, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4, err_msg=name)
    # Inference uses the moving statistics, through Keras' own code.
    np.testing.assert_allclose(fused(x, training=False), reference(x, training=False), atol=1e-5)


def test_fused_batch_norm_under_mixed_precision():
    x = np.random.default_rng(4).normal(size=(8, 4, 4, 3)).astype("float32")
    reference, fused = _batch_norms(dtype="mixed_float16")
    y = fused(x, training=True)
    assert y.dtype == "float16" and fused.moving_mean.dtype == "float32"
    np.testing.assert_allclose(np.asarray(y, "float32"), reference(x, training=True), atol=2e-3)


def test_fused_batch_norm_leaves_other_cases_to_keras():
    fused = BatchNormalization(axis=1)  # not the last axis: Keras' own code
    x = np.random.default_rng(5).normal(size=(4, 3, 5)).astype("float32")
    reference = keras.layers.BatchNormalization(axis=1)
    np.testing.assert_allclose(fused(x, training=True), reference(x, training=True), atol=1e-5)
    assert not fused._fusable(tf.constant(x), training=True, mask=None)
    assert not BatchNormalization()._fusable(tf.constant(x), training=False, mask=None)


def test_fused_batch_norm_defers_to_keras_across_synchronized_replicas():
    strategy = two_cpu_strategy()
    x = tf.constant(np.random.default_rng(6).normal(size=(8, 5)).astype("float32"))
    with strategy.scope():
        layer = BatchNormalization(synchronized=True)
        layer.build(x.shape)

    def fusable(batch):
        return layer._fusable(batch, training=True, mask=None)

    per_replica = strategy.experimental_local_results(strategy.run(fusable, (x,)))
    assert per_replica and not any(per_replica)  # each replica runs Keras' synchronised code
    assert BatchNormalization(synchronized=True)._fusable(x, training=True, mask=None)


def test_fused_batch_norm_in_a_saved_model(tmp_path):
    inputs = keras.Input((6,))
    model = keras.Model(inputs, BatchNormalization(momentum=0.8)(inputs))
    x = np.random.default_rng(7).normal(size=(16, 6)).astype("float32")
    model(x, training=True)  # moves the statistics
    path = str(tmp_path / "norm.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.layers[-1], BatchNormalization)
    np.testing.assert_allclose(loaded(x, training=False), model(x, training=False), atol=1e-6)


def test_fused_batch_norm_can_be_turned_off():
    x = tf.constant(np.random.default_rng(8).normal(size=(8, 5)).astype("float32"))
    layer = BatchNormalization(fused=False)
    assert not layer._fusable(x, training=True, mask=None)
    assert BatchNormalization.from_config(layer.get_config()).fused is False


def test_fused_batch_norm_uses_the_layers_epsilon_on_tiny_variances():
    # Variances of a few epsilon, as in DCGAN's discriminator on its first fake batches:
    # a kernel epsilon of 1.001e-5 instead of 1e-5 would be off by ~1e-4 here.
    rng = np.random.default_rng(9)
    x = tf.constant((rng.normal(size=(16, 4, 4, 3)) * [2e-3, 5e-3, 1e-2]).astype("float32"))
    upstream = tf.constant(rng.normal(size=(16, 4, 4, 3)).astype("float32"))
    results = []
    for layer in _batch_norms(epsilon=1e-5, synchronized=True):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(y * upstream)
        results.append((y, tape.gradient(loss, x)))
    (want_y, want_dx), (got_y, got_dx) = results
    np.testing.assert_allclose(got_y, want_y, rtol=0, atol=2e-6)
    scale = float(np.max(np.abs(want_dx)))
    np.testing.assert_allclose(got_dx / scale, want_dx / scale, rtol=0, atol=2e-6)


@pytest.fixture
def float64_floatx():
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


def test_batch_norm_under_float64(float64_floatx):
    x = np.random.default_rng(10).normal(3.0, 2.0, size=(16, 5)).astype("float64")
    # The dtype too: a global dtype policy set earlier in the process outlives floatx.
    reference, layer = _batch_norms(momentum=0.9, dtype="float64")
    assert layer.compute_dtype == "float64" and not layer._fusable(
        tf.constant(x), training=True, mask=None
    )  # the fused kernel has no float64: Keras' code keeps the precision
    y = layer(x, training=True)
    assert y.dtype == "float64" and layer.moving_mean.dtype == "float64"
    np.testing.assert_allclose(y, reference(x, training=True), rtol=0, atol=1e-12)
    np.testing.assert_allclose(layer.moving_mean, reference.moving_mean, rtol=0, atol=1e-12)
    with tf.GradientTape() as tape:
        loss = ops.sum(layer(x, training=True) ** 3)
    assert tape.gradient(loss, layer.gamma.value).dtype == "float64"
