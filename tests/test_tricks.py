"""Training tricks: `ganzoo.tricks` options of `GAN`, the minibatch layers, the DCGAN
builder's discriminator options and spectral norm's power iteration in the core."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import ganzoo
from ganzoo import registry, tricks
from ganzoo.layers import MinibatchDiscrimination, MinibatchStdDev, SpectralNormalization
from ganzoo.testing import GANTestCase, two_cpu_strategy


def tiny_dcgan(**options):
    return registry.get("dcgan").build_tiny(seed=1, **options)


def softplus(x):
    return np.log1p(np.exp(x))


# ------------------------------------------------------------------ label smoothing


def test_one_sided_smoothing_targets():
    pair = tricks.one_sided_smoothing(ganzoo.losses.get("non_saturating"), 0.1)
    real = np.array([[2.0], [-1.0]], "float32")
    fake = np.array([[0.5], [-3.0]], "float32")
    expected = 0.9 * softplus(-real[:, 0]) + 0.1 * softplus(real[:, 0]) + softplus(fake[:, 0])
    np.testing.assert_allclose(pair.discriminator(real, fake), expected, rtol=1e-6)
    # Fake targets stay 0: smoothing changes nothing when only fake logits move.
    base = ganzoo.losses.get("non_saturating")
    np.testing.assert_allclose(
        pair.discriminator(real, fake) - pair.discriminator(real, fake + 1),
        base.discriminator(real, fake) - base.discriminator(real, fake + 1),
        rtol=1e-5,
    )
    assert pair.generator is base.generator


def test_label_smoothing_on_the_model():
    gan = tiny_dcgan(label_smoothing=0.2)
    real, fake = np.array([[1.5]], "float32"), np.array([[0.0]], "float32")
    expected = 0.8 * softplus(-1.5) + 0.2 * softplus(1.5) + softplus(0.0)
    np.testing.assert_allclose(gan.loss_pair.discriminator(real, fake), [expected], rtol=1e-6)


@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5])
def test_label_smoothing_out_of_range(value):
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\)"):
        tiny_dcgan(label_smoothing=value)


@pytest.mark.parametrize("loss", ["hinge", "wasserstein", "least_squares"])
def test_label_smoothing_refused_without_probability_targets(loss):
    with pytest.raises(ValueError, match=f"adversarial_loss='{loss}'"):
        tiny_dcgan(label_smoothing=0.1, adversarial_loss=loss)


# ------------------------------------------------------------------ instance noise


def test_noise_schedule_start_half_end():
    values = [float(tricks.noise_level(0.4, 100, step)) for step in (0, 50, 100, 150)]
    np.testing.assert_allclose(values, [0.4, 0.2, 0.0, 0.0], atol=1e-7)


def test_instance_noise_follows_the_optimizer_iterations():
    gan = tiny_dcgan(instance_noise=0.5, instance_noise_steps=10)
    gan.compile(jit_compile=False)
    images = np.zeros((64, 16, 16, 1), "float32")
    assert np.array_equal(gan.discriminator_view(images, training=False), images)
    start = np.std(gan.discriminator_view(images))
    gan.g_optimizer.iterations.assign(5)
    half = np.std(gan.discriminator_view(images))
    gan.g_optimizer.iterations.assign(10)
    end = np.array(gan.discriminator_view(images))
    np.testing.assert_allclose([start, half], [0.5, 0.25], rtol=0.05)
    assert np.array_equal(end, images)


def test_instance_noise_bad_input():
    with pytest.raises(ValueError, match="non-negative sigma"):
        tiny_dcgan(instance_noise=-1.0)
    with pytest.raises(ValueError, match="instance_noise_steps must be a positive"):
        tiny_dcgan(instance_noise=0.1, instance_noise_steps=0)


# ------------------------------------------------------------------ feature matching


def test_feature_matching_term_value():
    gan = tiny_dcgan(feature_matching=2.0)
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
    fake = rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
    f_real = np.array(gan.discriminator_features(real, None))
    f_fake = np.array(gan.discriminator_features(fake, None))
    expected = np.mean((f_real.mean(0) - f_fake.mean(0)) ** 2)
    terms = tricks.add_feature_matching(gan, {"g_loss": np.ones(4, "float32")}, real, fake, None)
    np.testing.assert_allclose(terms["feature_matching"], [expected] * 4, rtol=1e-5)
    np.testing.assert_allclose(terms["g_loss"], 1 + 2.0 * np.full(4, expected), rtol=1e-5)
    assert "feature_matching" in gan.log_names()


def test_feature_matching_needs_features():
    inputs = keras.Input((16, 16, 1))
    d = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(inputs))  # no hidden layer
    g = registry.get("dcgan").build_tiny().generator
    with pytest.raises(ValueError, match="exposes intermediate features"):
        ganzoo.DCGAN(g, d, g.input_shape[-1], feature_matching=1.0)
    with pytest.raises(ValueError, match="non-negative weight"):
        tiny_dcgan(feature_matching=-1.0)


# ------------------------------------------------------------------ round trip and a step


def test_tricks_survive_the_keras_round_trip(tmp_path):
    options = dict(label_smoothing=0.1, instance_noise=0.2, instance_noise_steps=7)
    gan = tiny_dcgan(
        feature_matching=0.5,
        minibatch_std=True,
        minibatch_discrimination=3,
        spectral_norm=True,
        **options,
    )
    gan.compile(jit_compile=False)
    images = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    history = gan.fit(images, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["feature_matching"][-1])
    path = str(tmp_path / "tricks.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    for key, value in {**options, "feature_matching": 0.5}.items():
        assert getattr(loaded, key) == value
    np.testing.assert_allclose(loaded.discriminator(images), gan.discriminator(images), atol=1e-6)
    assert int(loaded.g_optimizer.iterations) == 2


# ------------------------------------------------------------------ layers


def test_minibatch_std_matches_numpy():
    x = np.random.default_rng(0).normal(size=(8, 3, 3, 2)).astype("float32")
    y = np.array(MinibatchStdDev(4)(x))
    groups = x.reshape(4, 2, 3, 3, 2)  # image i in group i mod 2
    std = np.sqrt(groups.var(axis=0) + 1e-8).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(y[..., :2], x)
    np.testing.assert_allclose(
        y[..., 2], np.tile(std, 4)[:, None, None] * np.ones((8, 3, 3)), rtol=1e-5
    )
    with pytest.raises(ValueError, match="group_size must be a positive"):
        MinibatchStdDev(0)


def minibatch_reference(x, kernel, bias, kernels, dim):
    m = (x @ kernel).reshape(len(x), kernels, dim)
    distances = np.abs(m[:, None] - m[None]).sum(-1)  # (N, N, B)
    c = np.exp(-distances) * (1 - np.eye(len(x)))[:, :, None]
    return np.concatenate([x, c.sum(1) + bias], axis=1)


def test_minibatch_discrimination_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 4)).astype("float32")
    layer = MinibatchDiscrimination(3, 2)
    layer.build((None, 4))
    layer.bias.assign(np.array([0.1, -0.2, 0.3], "float32"))
    expected = minibatch_reference(x, np.array(layer.kernel), np.array(layer.bias), 3, 2)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="num_kernels must be a positive"):
        MinibatchDiscrimination(0)


def test_minibatch_discrimination_mirrored_equals_one_device():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 4)).astype("float32")
    weights = rng.normal(scale=0.3, size=(4, 6)).astype("float32")

    def loss_and_grad(layer, inputs):
        with tf.GradientTape() as tape:
            out = layer(inputs)
            loss = tf.reduce_sum(out * ops.arange(out.shape[-1], dtype="float32"))
        return out, tape.gradient(loss, layer.kernel)

    single = MinibatchDiscrimination(3, 2)
    single.build((None, 4))
    single.kernel.assign(weights)
    expected_out, expected_grad = loss_and_grad(single, x)

    strategy = two_cpu_strategy()
    with strategy.scope():
        mirrored = MinibatchDiscrimination(3, 2)
        mirrored.build((None, 4))
        mirrored.kernel.assign(weights)
    shares = strategy.experimental_distribute_values_from_function(
        lambda context: x[context.replica_id_in_sync_group * 4 :][:4]
    )
    outs, grads = strategy.run(tf.function(lambda v: loss_and_grad(mirrored, v)), args=(shares,))
    out = np.concatenate([np.array(t) for t in strategy.experimental_local_results(outs)])
    grad = sum(np.array(g) for g in strategy.experimental_local_results(grads))
    np.testing.assert_allclose(out, expected_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------ builder and core


def test_builder_options_add_the_layers():
    plain = ganzoo.nets.dcgan.build_discriminator((16, 16, 1), 4)
    d = ganzoo.nets.dcgan.build_discriminator(
        (16, 16, 1), 4, minibatch_std=True, minibatch_discrimination=5, spectral_norm=True
    )
    kinds = [type(layer) for layer in d.layers]
    assert MinibatchStdDev in kinds and MinibatchDiscrimination in kinds
    assert kinds.count(SpectralNormalization) == 3  # two convolutions and the output
    tricks_layers = {MinibatchStdDev, MinibatchDiscrimination, SpectralNormalization}
    assert not {type(layer) for layer in plain.layers} & tricks_layers
    with pytest.raises(ValueError, match="minibatch_discrimination must be"):
        ganzoo.nets.dcgan.build_discriminator((16, 16, 1), 4, minibatch_discrimination=-1)


def test_core_runs_the_power_iteration_once_per_discriminator_update():
    gan = tiny_dcgan(spectral_norm=True)
    gan.compile(jit_compile=False, steps_per_execution=1)
    layer = next(lay for lay in gan.discriminator.layers if isinstance(lay, SpectralNormalization))
    calls = []
    original = layer.power_iteration
    layer.power_iteration = lambda: (calls.append(1), original())[1]
    images = np.zeros((4, 16, 16, 1), "float32")
    gan.train_step(images)
    assert len(calls) == 1  # the discriminator's update only, not G's


def test_train_flags_reach_the_constructor():
    from ganzoo import cli

    argv = ["train", "dcgan", "--label-smoothing", "0.1", "--feature-matching", "0.5"]
    args = cli._parser().parse_args([*argv, "--minibatch-discrimination", "4"])
    assert (args.label_smoothing, args.feature_matching) == (0.1, 0.5)
    options = {o.argument: getattr(args, o.argument) for o in registry.get("dcgan").options}
    options = {k: v for k, v in options.items() if v is not None}
    gan = registry.get("dcgan").build((16, 16, 1), latent_dim=8, base_filters=4, **options)
    assert (gan.label_smoothing, gan.feature_matching) == (0.1, 0.5)
    assert any(isinstance(layer, MinibatchDiscrimination) for layer in gan.discriminator.layers)


# ------------------------------------------------------------------ under a strategy


@pytest.mark.parametrize(
    "options",
    [
        {"instance_noise": 0.5, "instance_noise_steps": 100},
        {"feature_matching": 1.0},
        {"label_smoothing": 0.2},
    ],
    ids=["instance_noise", "feature_matching", "label_smoothing"],
)
def test_mirrored_two_cpus_equal_one_device(tiny_images, options):
    # Instance noise is drawn by the global-batch rule and feature matching compares
    # global-batch means, so two replicas train to one device's weights.
    keras.utils.set_random_seed(4)
    gan = tiny_dcgan(**options)
    GANTestCase().check_strategy_equals_one_device(
        ganzoo.DCGAN, gan, tiny_images((16, 16, 1), count=32)
    )
