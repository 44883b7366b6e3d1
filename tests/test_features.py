"""The core's discriminator-feature hook: `ganzoo.core.features` and `GAN.discriminator_features`."""

import keras
import numpy as np
import pytest
from keras import layers

import ganzoo
from ganzoo import losses, registry
from ganzoo.core.features import default_feature_layer, feature_model
from ganzoo.core.replicas import global_batch_mean
from ganzoo.testing import two_cpu_strategy


def critic():
    inputs = keras.Input((8, 8, 1))
    x = layers.Conv2D(4, 3, strides=2, name="conv")(inputs)
    x = layers.Flatten(name="flat")(x)
    return keras.Model(inputs, layers.Dense(1, name="logit")(x))


def test_default_layer_feeds_the_output_layer():
    d = critic()
    assert default_feature_layer(d) == "flat"
    images = np.random.default_rng(0).normal(size=(3, 8, 8, 1)).astype("float32")
    expected = d.get_layer("flat")(d.get_layer("conv")(images))
    np.testing.assert_allclose(feature_model(d)(images), expected, rtol=1e-6)
    assert feature_model(d, "conv")(images).shape == (3, 3, 3, 4)


def test_features_share_the_discriminator_weights():
    d = critic()
    features = feature_model(d)
    images = np.ones((2, 8, 8, 1), "float32")
    before = np.array(features(images))
    kernel = d.get_layer("conv").kernel
    kernel.assign(kernel * 2.0)
    np.testing.assert_allclose(features(images), 2.0 * before, rtol=1e-5, atol=1e-6)
    assert {id(w) for w in features.weights} <= {id(w) for w in d.weights}


def test_nested_body_is_taken_in_the_enclosing_graph():
    gan = registry.get("infogan").build_tiny()
    assert default_feature_layer(gan.discriminator) == "body"
    images = gan.generate(2, seed=0)
    features = gan.discriminator_features(images, None, training=False)
    np.testing.assert_allclose(features, gan.d_body(images, training=False), rtol=1e-6)


def test_conditional_variant_features_see_the_labels():
    gan = registry.get("cgan").build_tiny()
    images = np.zeros((2, *gan.image_shape), "float32")
    a = gan.discriminator_features(images, np.array([0, 0]), training=False)
    b = gan.discriminator_features(images, np.array([1, 1]), training=False)
    assert not np.allclose(a, b)


def test_bad_layer_and_subclassed_models_are_refused():
    with pytest.raises(ValueError, match="'nope'"):
        feature_model(critic(), "nope")

    class Subclassed(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="without symbolic outputs"):
        default_feature_layer(Subclassed())
    inputs = keras.Input((4,))
    with pytest.raises(ValueError, match="reads the model's inputs"):
        default_feature_layer(keras.Model(inputs, layers.Dense(1)(inputs)))


def test_feature_matching_on_the_global_batch_equals_one_device():
    values = np.arange(24, dtype="float32").reshape(8, 3)
    one_device = losses.feature_matching_loss(np.zeros(3), global_batch_mean(values))
    np.testing.assert_allclose(one_device, np.mean(values.mean(axis=0) ** 2), rtol=1e-6)

    strategy = two_cpu_strategy()
    dataset = strategy.experimental_distribute_dataset(
        __import__("tensorflow").data.Dataset.from_tensor_slices(values).batch(8)
    )
    per_replica = strategy.run(
        lambda x: losses.feature_matching_loss(np.zeros(3), global_batch_mean(x)),
        args=(next(iter(dataset)),),
    )
    for value in strategy.experimental_local_results(per_replica):
        np.testing.assert_allclose(value, one_device, rtol=1e-6)
    # A per-replica mean (the mistake global_batch_mean avoids) differs.
    halves = [np.mean(h.mean(axis=0) ** 2) for h in (values[:4], values[4:])]
    assert not np.isclose(halves[0], float(one_device))


def test_gan_exposes_features_for_every_latent_variant():
    for name in ("dcgan", "acgan", "sgan", "sngan", "r3gan"):
        gan = registry.get(name).build_tiny()
        assert isinstance(gan, ganzoo.GAN)
        images = gan.generate(2, seed=0)
        condition = np.array([0, 1]) if name in ("cgan",) else None
        features = gan.discriminator_features(images, condition, training=False)
        assert features.shape[0] == 2 and len(features.shape) >= 2, name
