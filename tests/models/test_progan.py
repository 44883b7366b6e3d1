import importlib.util
import math
import os
import pathlib

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import registry
from ganzoo.layers import MinibatchStdDev
from ganzoo.layers.growth import FadeIn, real_images_at_lod
from ganzoo.layers.mapping import NormalizeSecondMoment
from ganzoo.layers.style import EqualizedConv2D, EqualizedDense
from ganzoo.models.progan import ProGAN, optimizer_state
from ganzoo.nets import progan as nets
from ganzoo.schedules import ProGrowth
from ganzoo.testing import GANTestCase

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "progan_celeba.py"
TINY = registry.get("progan").tiny
SHAPE = TINY["image_shape"]


def _tiny(**overrides):
    return registry.get("progan").build_tiny(**{"seed": 1, **overrides})


def _data(count=16, batch_size=4, shape=SHAPE):
    images = np.random.default_rng(0).uniform(-1, 1, (count, *shape)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


class TestProGAN(GANTestCase):
    def test_contract(self):
        self.run_gan_test(ProGAN, {**TINY, "seed": 1}, _data())

    def test_exact_resume_in_the_middle_of_a_fade_in(self):
        # Epochs of 16 images: the backup of epoch 1 is at 16 images, inside the
        # fade-in over images 8-40, and the resumed epoch crosses a reset-free stretch.
        gan = _tiny()
        growth = gan.growth
        assert 0.0 < growth.alpha(16, SHAPE[0]) < 1.0
        assert growth.alpha(32, SHAPE[0]) == pytest.approx(0.75)
        self.check_exact_resume(ProGAN, gan, _data(), epochs=2)
        assert int(gan.images_seen.numpy()) == 32 and gan.alpha == pytest.approx(0.75)


def test_alpha_ramps_from_zero_to_one_across_a_fade_in():
    growth = ProGrowth(fade_in_images=100, stable_images=50)
    shown = [0, 50, 75, 100, 125, 150, 200, 225, 250, 300, 400]
    alphas = [growth.alpha(n, 16) for n in shown]
    resolutions = [growth.resolution(n, 16) for n in shown]
    np.testing.assert_allclose(alphas, [1, 1, 0.25, 0.5, 0.75, 1, 1, 0.25, 0.5, 1, 1])
    assert resolutions == [4, 4, 8, 8, 8, 8, 8, 16, 16, 16, 16]
    lods = [float(growth.lod(n, 2)) for n in shown]
    assert lods == sorted(lods, reverse=True) and lods[0] == 2.0 and lods[-1] == 0.0
    assert growth.images_to_grow(2) == 300
    # Per-step lengths: stable 10 at 4x4 and 20 at 8x8, fade-ins of 10 and 40.
    uneven = ProGrowth(fade_in_images=[10, 40], stable_images=[10, 20])
    np.testing.assert_allclose(
        [uneven.alpha(n, 16) for n in (15, 20, 40, 60, 90)], [0.5, 1, 1, 0.5, 1]
    )
    # In a model: the counter of images shown drives alpha, logged as lod.
    gan = _tiny()
    gan.compile()
    assert (gan.resolution, gan.alpha) == (4, 1.0)
    history = gan.fit(_data(), epochs=2, verbose=0).history
    assert int(gan.images_seen.numpy()) == 32
    assert (gan.resolution, gan.alpha) == (8, pytest.approx(0.75))
    # lod per step: 1, 1, 1 - 0/32, 1 - 4/32 | 1 - 8/32, ..., 1 - 20/32
    np.testing.assert_allclose(history["lod"], [(3 + 0.875) / 4, 1 - (8 + 12 + 16 + 20) / 128])


def test_output_shape_is_constant_and_the_resolution_grows_across_a_growth_step():
    generator = nets.build_generator((16, 16, 1), 8, 16, 8)
    critic = nets.build_discriminator((16, 16, 1), 16, 8)
    z = np.random.default_rng(0).normal(size=(4, 8)).astype("float32")

    def g(lod):
        return np.asarray(generator([z, np.full((4, 1), lod, "float32")]))

    def blocks_constant(images, size):
        b = images.reshape(4, 16 // size, size, 16 // size, size, 1)
        return np.allclose(b, b[:, :, :1, :, :1], atol=1e-6)

    outputs = {lod: g(lod) for lod in (2.0, 1.5, 1.0, 0.5, 0.0)}
    assert all(o.shape == (4, 16, 16, 1) for o in outputs.values())
    assert blocks_constant(outputs[2.0], 4) and not blocks_constant(outputs[1.5], 4)
    assert blocks_constant(outputs[1.5], 2) and blocks_constant(outputs[1.0], 2)
    assert not blocks_constant(outputs[0.5], 2) and not blocks_constant(outputs[0.0], 2)
    # In a fade-in the output is the lerp of the two resolutions with alpha = 1 - frac(lod).
    np.testing.assert_allclose(outputs[0.5], 0.5 * outputs[0.0] + 0.5 * outputs[1.0], atol=1e-5)
    np.testing.assert_allclose(outputs[1.5], 0.5 * outputs[1.0] + 0.5 * outputs[2.0], atol=1e-5)
    assert np.abs(outputs[0.0] - outputs[1.0]).max() > 1e-3
    # The critic at 4x4 sees only the 4x4 block means: detail inside a block is invisible.
    x = np.random.default_rng(1).uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
    detail = np.tile(np.array([[1, -1], [-1, 1]], "float32"), (8, 8))[None, :, :, None]
    for lod, visible in ((2.0, False), (1.0, False), (0.0, True)):
        lods = np.full((4, 1), lod, "float32")
        moved = np.abs(np.asarray(critic([x + 0.3 * detail, lods]) - critic([x, lods]))).max()
        assert (moved > 1e-4) == visible, (lod, moved)
    # Reals are shown at the current resolution, faded as the reference's process_reals.
    pooled = x.reshape(4, 8, 2, 8, 2, 1).mean(axis=(2, 4))
    at_one = np.repeat(np.repeat(pooled, 2, axis=1), 2, axis=2)
    np.testing.assert_allclose(real_images_at_lod(x, 1.0, 2), at_one, atol=1e-6)
    np.testing.assert_allclose(real_images_at_lod(x, 0.25, 2), 0.75 * x + 0.25 * at_one, atol=1e-6)
    np.testing.assert_array_equal(real_images_at_lod(x, 0.0, 2), x)


def test_optimizer_state_resets_when_a_phase_starts():
    gan = _tiny()
    gan.compile()
    gan.fit(_data(8), epochs=1, verbose=0)  # 8 images: the end of the 4x4 phase
    states = [optimizer_state(getattr(gan, p.optimizer)) for p in gan.players]
    assert int(gan.g_optimizer.iterations) == int(gan.d_optimizer.iterations) == 2
    moments = [np.array(v) for s in states for v in s if "iteration" not in v.name]
    assert any(np.abs(m).max() > 0 for m in moments)
    rates = [float(gan.g_optimizer.learning_rate), float(gan.d_optimizer.learning_rate)]
    gan.reset_optimizers_at_new_phase()  # lod is still 1: nothing changes
    after = [np.array(v) for s in states for v in s if "iteration" not in v.name]
    for a, b in zip(moments, after, strict=True):
        np.testing.assert_array_equal(a, b)
    gan.images_seen.assign(12)  # inside the fade-in: ceil(lod) = 1, floor(lod) = 0
    gan.reset_optimizers_at_new_phase()
    assert all(not np.any(np.array(v)) for s in states for v in s)
    assert [float(gan.g_optimizer.learning_rate), float(gan.d_optimizer.learning_rate)] == rates
    assert float(gan.last_lod.numpy()) == pytest.approx(0.875)
    # In fit: the step at 12 images resets, so one step of the epoch's four counts.
    fresh = _tiny()
    fresh.compile()
    fresh.fit(_data(16), epochs=1, verbose=0)
    assert int(fresh.g_optimizer.iterations) == int(fresh.d_optimizer.iterations) == 1


def test_paper_defaults_and_layers():
    gan = ProGAN.for_images((16, 16, 3), fmap_base=64, fmap_max=16)
    gan.compile()
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        assert type(optimizer) is keras.optimizers.Adam
        assert float(optimizer.learning_rate) == pytest.approx(1e-3)
        assert (optimizer.beta_1, optimizer.beta_2, optimizer.epsilon) == (0.0, 0.99, 1e-8)
    assert (gan.d_steps, gan.gp_weight, gan.drift, gan.ema, gan.ema_rampup) == (
        1,
        10.0,
        0.001,
        0.999,
        None,
    )
    assert ProGAN.for_images((16, 16, 3)).growth.phases(2) == ([800_000] * 2, [800_000] * 2)
    assert gan.latent_dim == 16 and gan.image_shape == (16, 16, 3)
    g_layers, d_layers = gan.generator.layers, gan.discriminator.layers
    convs = [x for x in g_layers if isinstance(x, EqualizedConv2D) and x.kernel_size == 3]
    norms = [x for x in g_layers if isinstance(x, NormalizeSecondMoment)]
    assert len(norms) == 1 + 1 + len(convs)  # the latents, the dense layer, every conv
    assert {x.gain for x in convs} == {math.sqrt(2.0)}
    to_rgb = [x for x in g_layers if x.name.startswith("to_rgb")]
    assert len(to_rgb) == 3 and {x.gain for x in to_rgb} == {1.0}
    assert gan.generator.get_layer("4x4_dense").gain == pytest.approx(math.sqrt(2.0) / 4)
    assert [x.group_size for x in d_layers if isinstance(x, MinibatchStdDev)] == [4]
    assert gan.discriminator.get_layer("4x4_dense1").gain == 1.0
    assert isinstance(gan.discriminator.get_layer("4x4_dense1"), EqualizedDense)
    assert {x.negative_slope for x in g_layers + d_layers if "lrelu" in x.name} == {0.2}
    assert len([x for x in d_layers if isinstance(x, FadeIn)]) == 2
    # nf(stage) = min(fmap_base / 2^stage, fmap_max); the critic's widths mirror G's.
    assert [gan.generator.get_layer(f"{s}x{s}_conv1").filters for s in (8, 16)] == [16, 8]


def test_critic_loss_is_wgan_gp_with_the_drift_term():
    gan = _tiny()
    real_scores = np.array([[1.0], [-2.0], [3.0], [0.5]], "float32")
    fake_scores = np.array([[0.0], [1.0], [-1.0], [2.0]], "float32")
    scores = iter([real_scores, fake_scores])
    gan.discriminate = lambda images, condition, training=True: next(scores)
    real = np.zeros((4, *SHAPE), "float32")
    terms = gan.discriminator_loss(real, real, None, None)
    expected = fake_scores[:, 0] - real_scores[:, 0] + 0.001 * real_scores[:, 0] ** 2
    np.testing.assert_allclose(terms["d_loss"], expected, rtol=1e-6)
    np.testing.assert_allclose(terms["drift"], real_scores[:, 0] ** 2)
    np.testing.assert_allclose(terms["lod"], 1.0)


def test_bad_input():
    for shape in ((12, 12, 1), (2, 2, 1), (16, 8, 1)):
        with pytest.raises(ValueError, match=r"power of two >= 4.*got image_shape"):
            ProGAN.for_images(shape)
    with pytest.raises(ValueError, match=r"stable_images to be one number or 2 numbers.*got 3"):
        ProGAN.for_images((16, 16, 1), fmap_base=16, stable_images=[8, 8, 8])
    with pytest.raises(ValueError, match=r"fade_in_images to be one number or 1 numbers.*got 2"):
        _tiny(fade_in_images=[4, 4])
    with pytest.raises(ValueError, match=r"fade_in_images to be integers >= 1; got 0"):
        _tiny(fade_in_images=0)
    with pytest.raises(ValueError, match=r"stable_images to be integers >= 0"):
        _tiny(stable_images=-8)
    with pytest.raises(ValueError, match=r"drift must be a number >= 0"):
        _tiny(drift=-1.0)


def test_growth_survives_saving(tmp_path):
    gan = _tiny(growth=ProGrowth(fade_in_images=[24], stable_images=[4]))
    gan.compile()
    gan.fit(_data(), epochs=1, verbose=0)
    path = str(tmp_path / "progan.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.growth.get_config() == {"fade_in_images": [24], "stable_images": [4]}
    assert int(loaded.images_seen.numpy()) == 16 and loaded.alpha == pytest.approx(0.5)
    assert float(loaded.last_lod.numpy()) == float(gan.last_lod.numpy())


def test_ganzoo_train_progan(tmp_path):
    from ganzoo import cli

    out = str(tmp_path / "run")
    argv = ["train", "progan", "--epochs", "1", "--steps-per-epoch", "3", "--out", out]
    argv += ["--batch-size", "4", "--fmap-base", "16", "--fmap-max", "4", "--image-size", "8"]
    assert (
        cli.main([*argv, "--latent-dim", "8", "--stable-images", "4", "--fade-in-images", "8"]) == 0
    )
    gan = keras.models.load_model(os.path.join(out, "model.keras"))
    assert type(gan) is ProGAN and gan.image_shape == (8, 8, 1)
    assert gan.growth.phases(1) == ([4], [8]) and gan.resolution == 8
    assert isinstance(ganzoo.ProGAN, type)


def test_example_trains_offline_on_digits_and_resumes(tmp_path):
    spec = importlib.util.spec_from_file_location("progan_celeba", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = str(tmp_path / "run")
    args = ["--dataset", "digits", "--out", out, "--batch-size", "4", "--max-batches", "2"]
    args += ["--image-size", "8", "--fmap-base", "16", "--fmap-max", "4", "--latent-dim", "8"]
    args += ["--stable-kimg", "0.008", "--fade-in-kimg", "0.008"]
    first = example.main([*args, "--epochs", "1"])
    assert set(first.history) == {"d_loss", "g_loss", "gp", "wasserstein", "drift", "lod"}
    example.main([*args, "--epochs", "2"])  # resumes from --out/backup
    gan = keras.models.load_model(os.path.join(out, "progan.keras"))
    assert isinstance(gan, ProGAN) and int(gan.images_seen.numpy()) == 16
    assert gan.resolution == 8 and gan.alpha == 1.0
