import csv
import importlib.util
import os
import pathlib

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

import ganzoo
from ganzoo import ema as ganzoo_ema
from ganzoo import registry
from ganzoo.core.lazy import every, lazy_adam
from ganzoo.layers import MinibatchStdDev
from ganzoo.layers.mapping import StyleMixing, WAverage
from ganzoo.layers.style import ModulatedConv2D, modulated_conv2d
from ganzoo.models.stylegan2 import StyleGAN2
from ganzoo.nets import stylegan2 as nets
from ganzoo.regularizers import R1, r1_penalty
from ganzoo.testing import GANTestCase, two_cpu_strategy

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "stylegan2_cifar10.py"
TINY = registry.get("stylegan2").tiny
SHAPE = TINY["image_shape"]


def _tiny(**overrides):
    return registry.get("stylegan2").build_tiny(**{"seed": 1, "network_seed": 3, **overrides})


def _data(count=16, batch_size=4, shape=SHAPE):
    images = np.random.default_rng(0).uniform(-1, 1, (count, *shape)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


class TestStyleGAN2(GANTestCase):
    def test_contract(self):
        self.run_gan_test(StyleGAN2, {**TINY, "seed": 1, "network_seed": 3}, _data())


def test_demodulation_keeps_unit_variance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 32, 32, 32)).astype("float32")
    weight = rng.normal(size=(3, 3, 32, 16)).astype("float32")
    for scale in (0.1, 1.0, 30.0):
        styles = (scale * rng.uniform(0.2, 2.0, (8, 32))).astype("float32")
        y = np.asarray(modulated_conv2d(x, weight, styles))
        inner = y[:, 1:-1, 1:-1]  # away from the zero padding
        np.testing.assert_allclose(inner.var(), 1.0, atol=0.03)
        np.testing.assert_allclose(inner.var(axis=(0, 1, 2)), 1.0, atol=0.15)
        plain = np.asarray(modulated_conv2d(x, weight, styles, demodulate=False))
        assert plain[:, 1:-1, 1:-1].var() > 3.0 * scale**2  # without it the scale passes on
    # The layer (no noise, bias 0, no activation) keeps unit variance as well.
    layer = ModulatedConv2D(16, 3, 0, noise=False, activation=None)
    ws = rng.normal(size=(8, 2, 8)).astype("float32")
    out = np.asarray(layer([x, ws]))[:, 1:-1, 1:-1]
    np.testing.assert_allclose(out.var(), 1.0, atol=0.1)


def test_truncation_at_psi_zero_and_one():
    gan = _tiny()
    gan.compile()
    gan.fit(_data(), epochs=1, verbose=0)
    w_avg = np.asarray(gan.ema_generator.get_layer("w_average").w_avg)
    assert np.abs(w_avg).max() > 0  # tracked while training, copied to the EMA
    at_zero = np.asarray(gan.generate(4, seed=0, truncation=0.0))
    np.testing.assert_allclose(at_zero, np.broadcast_to(at_zero[:1], at_zero.shape), atol=1e-6)
    ws = np.repeat(w_avg[None, None], nets.num_ws(SHAPE[0]), axis=1)
    expected = np.clip(gan.ema_generator.get_layer("synthesis")(ws), -1, 1)
    np.testing.assert_allclose(at_zero[:1], expected, atol=1e-5)
    untruncated = np.asarray(gan.generate(4, seed=0))
    np.testing.assert_array_equal(np.asarray(gan.generate(4, seed=0, truncation=1.0)), untruncated)
    z = keras.random.normal((4, gan.latent_dim), seed=0)
    np.testing.assert_allclose(untruncated, np.clip(gan.ema_generator(z), -1, 1), atol=1e-5)
    assert np.abs(untruncated - at_zero).max() > 1e-3
    gan.generate(2, truncation=-1.5)  # any finite psi
    for bad in (float("nan"), float("inf"), "strong"):
        with pytest.raises(ValueError, match="truncation must be a finite"):
            gan.generate(2, truncation=bad)


def _fit_steps(gan, steps):
    data = _data(count=4 * steps).repeat()
    gan.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)


def test_lazy_regularizers_run_every_16th_and_4th_step():
    gan = _tiny()
    gan.compile()
    steps = 20
    _fit_steps(gan, steps)
    # R1 at D steps 0 and 16, the path length at G steps 0, 4, 8, 12, 16.
    assert int(gan.lazy_counters[0].numpy()) == steps and int(gan.pl_updates.numpy()) == steps
    assert int(gan.d_optimizer.iterations) == steps + 2
    assert int(gan.g_optimizer.iterations) == steps + 5
    assert float(gan.trackers["r1"].count.numpy()) == 2 * 4  # two updates of 4 images
    assert float(gan.trackers["pl"].count.numpy()) == 5 * 2  # five of half a batch
    without = _tiny(pl_weight=0.0)
    without.compile()
    _fit_steps(without, 4)
    assert int(without.g_optimizer.iterations) == 4 and "pl" not in without.log_names()


def test_lazy_r1_update_is_weighted_by_its_interval():
    gan = _tiny(gamma=0.3)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    real = tf.constant(next(iter(_data())))
    critic = gan.discriminator
    variables = gan.discriminator.trainable_variables
    with tf.GradientTape() as tape:
        expected = 16 * 0.15 * tf.reduce_mean(r1_penalty(critic, real))
    gradients = tape.gradient(expected, variables)
    before = [np.array(v) for v in variables]
    gan.regularize_lazily("discriminator", lambda: [(critic, real, real)])  # count 0: due
    for b, v, g in zip(before, variables, gradients, strict=True):
        step = 0 if g is None else 0.1 * np.asarray(g)
        np.testing.assert_allclose(np.array(v), b - step, atol=1e-6)
    moved = [np.array(v) for v in variables]
    gan.regularize_lazily("discriminator", lambda: [(critic, real, real)])  # count 1: not due
    for a, b in zip(moved, variables, strict=True):
        np.testing.assert_array_equal(a, np.array(b))
    assert int(gan.lazy_counters[0].numpy()) == 2


def test_lazy_adam_correction_and_every():
    adam = lazy_adam(0.0025, 0.0, 0.99, 16)
    c = 16 / 17
    assert np.isclose(float(adam.learning_rate), 0.0025 * c)
    assert np.isclose(adam.beta_2, 0.99**c) and adam.beta_1 == 0.0 and adam.epsilon == 1e-8
    gan = _tiny()
    g = gan.default_g_optimizer()
    assert np.isclose(float(g.learning_rate), 0.0025 * 0.8) and np.isclose(g.beta_2, 0.99**0.8)
    assert np.isclose(float(_tiny(pl_weight=0.0).default_g_optimizer().learning_rate), 0.0025)
    count, calls = keras.Variable(0, dtype="int64"), []
    for _ in range(7):
        every(count, 3, lambda: calls.append(int(count.numpy())))
    assert calls == [0, 3, 6] and int(count.numpy()) == 7


def test_ema_update_and_generate_uses_it():
    gan = _tiny()
    gan.compile()
    _fit_steps(gan, 1)  # the first update copies G (the ramp-up's β = 0)
    for a, b in zip(gan.ema_generator.weights, gan.generator.weights, strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-7)
    old = [np.array(v) for v in gan.ema_generator.weights]
    for v in gan.generator.trainable_variables:
        v.assign(v + 1.0)
    gan.ema_updates.assign(10**7)  # past the ramp-up: β = ema
    ganzoo_ema.update(gan.ema_generator, gan.generator, gan.ema_updates, gan.ema, gan.ema_rampup)
    for before, target, source in zip(
        old, gan.ema_generator.weights, gan.generator.weights, strict=True
    ):
        want = (
            before + (1 - gan.ema) * (np.asarray(source) - before) if source.trainable else source
        )
        np.testing.assert_allclose(np.asarray(target), want, atol=1e-5)
    assert np.isclose(gan.ema, 0.5 ** (32 / 10_000))
    assert np.abs(gan.generate(2, seed=0) - gan.generate(2, seed=0, ema=False)).max() > 1e-3


def test_w_average_and_style_mixing():
    layer = WAverage(0.9)
    w = np.arange(12, dtype="float32").reshape(4, 3)
    layer(w)
    layer.w_avg.assign([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(layer(w, training=True), w)
    np.testing.assert_allclose(layer.w_avg, w.mean(0) + 0.9 * (1.0 - w.mean(0)), rtol=1e-6)
    w1, w2 = np.zeros((64, 4), "float32"), np.ones((64, 4), "float32")
    ws = np.asarray(StyleMixing(6, 1.0, seed=0)([w1, w2], training=True))
    cutoffs = (ws[:, :, 0] == 0).sum(axis=1)
    assert set(cutoffs) <= set(range(1, 6)) and len(set(cutoffs)) > 2
    np.testing.assert_array_equal(ws[:, :, 0], np.arange(6)[None] >= cutoffs[:, None])
    assert np.all(np.asarray(StyleMixing(6, 0.0)([w1, w2], training=True)) == 0)
    assert np.all(np.asarray(StyleMixing(6, 1.0)([w1, w2], training=False)) == 0)
    mixed = np.asarray(StyleMixing(6, 0.5, seed=1)([w1, w2], training=True))
    assert 0.2 < (mixed[:, -1, 0] == 1).mean() < 0.8


def test_seeded_layers_draw_distinct_streams():
    # With a network seed, the mixing latents, the mixing coins and each noise input
    # must not share a seed: two layers that did drew the same numbers every step.
    generator = nets.build_generator((8, 8, 1), 8, 8, 2, 32, 8, seed=3)
    seeds = [
        layer.seed
        for layer in generator._flatten_layers()
        if isinstance(getattr(layer, "seed", None), int) and getattr(layer, "noise", True)
    ]
    assert len(seeds) == 2 + 3  # StyleMixing, FreshLatents, one noise per 3×3 conv
    assert len(set(seeds)) == len(seeds), seeds


def test_minibatch_std_under_a_strategy_is_the_global_batch():
    x = np.random.default_rng(0).normal(size=(8, 2, 2, 3)).astype("float32")
    one_device = MinibatchStdDev(4)(x).numpy()
    strategy = two_cpu_strategy()
    with strategy.scope():
        layer = MinibatchStdDev(4)
    batch = next(iter(strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensors(x))))
    out = strategy.run(tf.function(layer), args=(batch,))
    replicas = np.concatenate([t.numpy() for t in strategy.experimental_local_results(out)])
    np.testing.assert_allclose(replicas, one_device, rtol=1e-6)


def test_paper_architecture():
    gan = StyleGAN2.for_images((32, 32, 3), channel_base=256, channel_max=16, latent_dim=8)
    mapping = gan.generator.get_layer("mapping")
    dense = [x for x in mapping.layers if hasattr(x, "lr_multiplier")]
    assert len(dense) == 2 and all(x.lr_multiplier == 0.01 for x in dense)  # cifar config
    assert (
        len(
            StyleGAN2.for_images((64, 64, 3), channel_base=256, channel_max=8)
            .generator.get_layer("mapping")
            .layers
        )
        == 1 + 1 + 8
    )  # input, normalisation, 8 layers
    synthesis = gan.generator.get_layer("synthesis")
    assert synthesis.input_shape == (None, 8, 8)  # num_ws = 2·log2(32) − 2
    convs = [x for x in synthesis.layers if isinstance(x, ModulatedConv2D)]
    to_rgb = [x for x in convs if not x.demodulate]
    assert len(to_rgb) == 4 and all(x.kernel_size == 1 and not x.noise for x in to_rgb)
    assert all(x.noise and x.demodulate for x in convs if x not in to_rgb)
    assert gan.discriminator.get_layer("mbstd").group_size == 4
    assert gan.gamma == 0.01 and gan.r1_interval == 16 and gan.pl_weight == 2.0
    assert gan.pl_interval == 4 and gan.pl_decay == 0.01 and gan.pl_batch_shrink == 2
    assert gan.generator.get_layer("style_mixing").probability == 0.9
    assert gan.ema_rampup == 0.05


def test_bad_input():
    for shape in ((24, 24, 3), (2, 2, 1), (32, 16, 3), (1, 1, 1)):
        with pytest.raises(ValueError, match=r"power of two >= 4.*got image_shape"):
            StyleGAN2.for_images(shape)
    gan = _tiny()
    with pytest.raises(ValueError, match=r"StyleGAN2 generator.*'mapping'"):
        StyleGAN2(
            registry.get("dcgan").build_tiny(image_shape=(8, 8, 1)).generator, gan.discriminator
        )
    for key, value in (("pl_interval", 0), ("r1_interval", 2.5), ("pl_batch_shrink", 0)):
        with pytest.raises(ValueError, match=rf"{key} must be an integer >= 1"):
            _tiny(**{key: value})
    with pytest.raises(ValueError, match="pl_weight"):
        _tiny(pl_weight=-1.0)
    with pytest.raises(ValueError, match=r"R1's interval.*got 0"):
        R1(1.0, interval=0)


def test_ganzoo_train_stylegan2(tmp_path):
    from ganzoo import cli

    out = str(tmp_path / "run")
    argv = ["train", "stylegan2", "--epochs", "1", "--steps-per-epoch", "2", "--out", out]
    argv += ["--batch-size", "4", "--channel-base", "32", "--channel-max", "4", "--image-size", "8"]
    assert cli.main([*argv, "--latent-dim", "8", "--gamma", "0.5", "--style-mixing", "0"]) == 0
    gan = keras.models.load_model(os.path.join(out, "model.keras"))
    assert type(gan) is StyleGAN2 and gan.gamma == 0.5 and gan.image_shape == (8, 8, 1)
    assert gan.generator.get_layer("style_mixing").probability == 0.0


def test_example_trains_saves_and_resumes_on_mock_cifar10(tmp_path):
    spec = importlib.util.spec_from_file_location("stylegan2_cifar10", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = str(tmp_path / "run")
    args = ["--out", out, "--batch-size", "4", "--max-batches", "2", "--seed", "3"]
    args += ["--channel-base", "32", "--channel-max", "4", "--latent-dim", "8"]
    with tfds.testing.mock_data(num_examples=16):
        first = example.main([*args, "--epochs", "1"])
        assert set(first.history) == {"d_loss", "g_loss", "r1", "pl"}
        example.main([*args, "--epochs", "2"])  # resumes from --out/backup
    with open(os.path.join(out, "history.csv")) as f:
        assert [int(row["epoch"]) for row in csv.DictReader(f)] == [0, 1]
    gan = keras.models.load_model(os.path.join(out, "stylegan2.keras"))
    assert isinstance(gan, StyleGAN2) and gan.image_shape == (32, 32, 3)
    assert int(gan.lazy_counters[0].numpy()) == 4
    assert isinstance(ganzoo.StyleGAN2, type)


def test_path_lengths_of_a_linear_synthesis():
    from ganzoo.regularizers import path_lengths

    ws = tf.constant(np.random.default_rng(0).normal(size=(2, 2, 4)), tf.float32)

    def synthesis(x):  # images = 3·ws[:, 0] as 2×2 pictures; the second w is unused
        return tf.reshape(3.0 * x[:, 0], (-1, 2, 2, 1))

    def ones(sampler, shape, **kwargs):
        return tf.ones(shape)

    # ∇_w Σ y·G(w)/√(H·W) = 3/2 · y on the first w, 0 on the second: √(½ · 9/4 · 4).
    np.testing.assert_allclose(path_lengths(synthesis, ws, ones), [np.sqrt(4.5)] * 2, rtol=1e-6)
