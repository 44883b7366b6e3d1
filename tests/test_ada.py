"""`ganzoo.augment.ADA`: the transforms, the p controller, `augment="ada"` in a GAN."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import registry
from ganzoo.augment import ADA, ada
from ganzoo.testing import GANTestCase, compile_for_strategy_check, two_cpu_strategy

TINY = {**registry.get("dcgan").tiny, "seed": 1}


def _images(shape=(4, 12, 10, 3), seed=0):
    return tf.constant(np.random.default_rng(seed).uniform(-1, 1, shape), tf.float32)


# ---------------------------------------------------------------------- controller


def test_p_rises_while_d_overfits_and_falls_when_not_clipped_to_0_1():
    # 8 logits a step, interval 4: p moves by 32 / (kimg · 1000) = 0.25 every 4th step.
    controller = ADA(kimg=0.128, interval=4, target=0.6)
    overfit = tf.constant([[1.0]] * 7 + [[-1.0]])  # r_t = 0.75 > 0.6
    ps = [float(controller.observe(overfit)) for _ in range(24)]
    assert ps[:3] == [0.0] * 3 and ps[3] == 0.25 and ps[4:7] == [0.25] * 3
    assert ps[7] == 0.5 and ps[11] == 0.75 and ps[15:] == [1.0] * 9
    healthy = tf.constant([[1.0]] * 6 + [[-1.0]] * 2)  # r_t = 0.5 < 0.6
    ps = [float(controller.observe(healthy)) for _ in range(24)]
    assert ps[3] == 0.75 and ps[7] == 0.5 and ps[15:] == [0.0] * 9
    assert float(controller.p) == 0.0


def test_r_t_is_the_mean_sign_over_the_interval():
    # Two steps of r = 1 and two of r = 0: r_t = 0.5 < 0.6, so p falls from 0.5.
    controller = ADA(kimg=1.0, interval=4, initial_p=0.5)
    for logits in ([[3.0], [2.0]], [[0.1], [5.0]], [[1.0], [-1.0]], [[-2.0], [4.0]]):
        p = float(controller.observe(tf.constant(logits)))
    assert p == pytest.approx(0.5 - 8 / 1000)


# ---------------------------------------------------------------------- transforms


@pytest.mark.parametrize("policy", ["b", "g", "c", "bgc"])
@pytest.mark.parametrize("channels", [1, 3])
def test_each_group_is_identity_at_p0_and_changes_images_at_p1(policy, channels):
    images = _images((16, 12, 10, channels))
    augment = ADA(policy)
    np.testing.assert_array_equal(augment(images), images)
    augment.p.assign(1.0)
    changed = np.abs(np.asarray(augment(images)) - np.asarray(images)).max(axis=(1, 2, 3))
    # The blit group's draws include the identity (no flip, a 0° turn and no shift:
    # 1/2 · 1/4 · about 1/9 at this size, so about 1 image in 72), which CI once drew.
    assert (changed > 1e-3).sum() >= 12, changed


def _draw_queue(values):
    """A `draw` that returns the given arrays in order (checking their shapes)."""
    queue = list(values)

    def draw(sampler, shape, **kwargs):
        value = np.asarray(queue.pop(0), np.float32)
        assert value.shape == tuple(int(s) for s in shape)
        return tf.constant(value)

    return draw


def test_blit_draws_compose_the_reference_matrix_and_sample_it_exactly():
    augment = ADA("b")
    # xflip (0.9 · 2 → 1), a quarter turn (0.3 · 4 → 1), x shift of 0.125 · 8 = 1 pixel;
    # each with its gate draw 0.0 < p = 1.
    draw = _draw_queue([[0.9], [0.0], [0.3], [0.0], [[1.0, 0.5]], [[0.0]]])
    inverse = np.asarray(augment.geometry(1, 8, 8, tf.constant(1.0), draw))[0]
    flip, turn = np.diag([-1.0, 1.0, 1.0]), np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1.0]])
    shift = np.array([[1, 0, -1], [0, 1, 0], [0, 0, 1.0]])
    np.testing.assert_allclose(inverse, flip @ turn @ shift, atol=1e-6)
    # inverse · (x, y) = (-y, 1 - x) about the centre 3.5: out[r, c] = in[8 - c, 7 - r],
    # row 8 reflected to 6 (torch's "reflect" padding).
    x = _images((1, 8, 8, 1))
    ours = np.asarray(ada._warp(x, tf.constant(inverse[None], tf.float32)))[0, :, :, 0]
    source = np.asarray(x)[0, :, :, 0]
    expected = np.array([[source[8 - c if c else 6, 7 - r] for c in range(8)] for r in range(8)])
    np.testing.assert_allclose(ours, expected, atol=1e-6)


def test_geometric_warps_on_pixel_grids_are_exact():
    x = _images((1, 7, 9, 2))
    flip = ada._scale(tf.constant([-1.0]), tf.constant([1.0]))
    np.testing.assert_allclose(ada._warp(x, flip), np.asarray(x)[:, :, ::-1], atol=1e-6)
    turn = ada._rotate(tf.constant([np.pi]))  # a half turn: both axes reversed
    np.testing.assert_allclose(ada._warp(x, turn), np.asarray(x)[:, ::-1, ::-1], atol=1e-5)
    shift = ada._translate(tf.constant([-3.0]), tf.constant([0.0]))  # out[j] = x[j - 3]
    ours = np.asarray(ada._warp(x, shift))
    np.testing.assert_allclose(ours[:, :, 3:], np.asarray(x)[:, :, :-3], atol=1e-6)
    # Reflect padding as torch's "reflect": out[j] = x[3 - j] left of the image.
    np.testing.assert_allclose(ours[:, :, :3], np.asarray(x)[:, :, 3:0:-1], atol=1e-6)


def test_colour_matrices_do_what_the_paper_says():
    rgb = _images((2, 5, 5, 3))
    v = tf.constant(ada._LUMA, tf.float32)
    # Hue rotation by 120° about the luma axis permutes the channels cyclically.
    turned = ada._recolour(rgb, ada._rotate3(v, tf.constant([2 * np.pi / 3] * 2)))
    np.testing.assert_allclose(turned, np.roll(np.asarray(rgb), 1, axis=3), atol=1e-5)
    # Saturation 0 projects onto the luma axis: every channel becomes the mean.
    vv = tf.tensordot(v, v, axes=0)
    grey = ada._recolour(rgb, tf.stack([vv + (tf.eye(4) - vv) * 0.0] * 2))
    np.testing.assert_allclose(grey, np.repeat(np.mean(rgb, 3, keepdims=True), 3, 3), atol=1e-5)
    # Luma flip on one channel negates it; brightness adds b to it.
    flip = tf.stack([tf.eye(4) - 2 * vv] * 2)
    mono = rgb[..., :1]
    np.testing.assert_allclose(ada._recolour(mono, flip), -np.asarray(mono), atol=1e-5)
    bright = ada._recolour(mono, ada._translate3(tf.constant([0.3, -0.2])))
    np.testing.assert_allclose(
        bright, np.asarray(mono) + np.array([0.3, -0.2])[:, None, None, None], atol=1e-6
    )


def test_gradients_are_the_exact_adjoint_of_the_warp():
    # The warp is linear in the images: <A x, y> = <x, Aᵀ y>, with Aᵀ y from the tape.
    augment = ADA("bg", initial_p=1.0)
    x, y = _images((3, 10, 10, 1), 1), _images((3, 10, 10, 1), 2)
    inverse = augment.geometry(3, 10, 10, tf.constant(1.0), _random_draw(0))
    with tf.GradientTape() as tape:
        tape.watch(x)
        inner = tf.reduce_sum(ada._warp(x, inverse) * y)
    adjoint = tape.gradient(inner, x)
    assert float(tf.reduce_sum(tf.abs(adjoint))) > 1.0
    np.testing.assert_allclose(float(tf.reduce_sum(x * adjoint)), float(inner), atol=1e-5)


def test_gradients_reach_the_generator_through_the_whole_pipeline():
    gan = ganzoo.DCGAN.for_images(**TINY, augment=ADA(initial_p=1.0))
    z = tf.random.normal((4, gan.latent_dim), seed=0)
    with tf.GradientTape() as tape:
        score = tf.reduce_sum(gan.discriminate(gan.generator(z, training=True), None))
    gradients = tape.gradient(score, gan.generator.trainable_variables)
    assert all(g is not None for g in gradients)
    assert sum(float(tf.reduce_sum(tf.abs(g))) for g in gradients) > 0


def _random_draw(seed):
    rng = np.random.default_rng(seed)

    def draw(sampler, shape, **kwargs):
        shape = tuple(int(s) for s in shape)
        if sampler is keras.random.normal:
            return tf.constant(rng.normal(size=shape), tf.float32)
        return tf.constant(rng.uniform(size=shape), tf.float32)

    return draw


# ---------------------------------------------------------------------- in a GAN


def test_bad_input_names_what_was_expected():
    with pytest.raises(ValueError, match=r"\['diffaugment', 'ada'\].*got 'adaa'"):
        ganzoo.DCGAN.for_images(**TINY, augment="adaa")
    with pytest.raises(ValueError, match=r"letters from 'bgc'; got 'bgx'"):
        ADA("bgx")
    for target in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match=rf"target in \(0, 1\); got {target}"):
            ADA(target=target)
    with pytest.raises(ValueError, match=r"interval >= 1 and kimg > 0; got interval=0"):
        ADA(interval=0)
    with pytest.raises(ValueError, match=r"boundary, one of .*got adversarial_loss='wasserstein'"):
        ganzoo.WGAN.for_images(**{**registry.get("wgan").tiny, "augment": "ada"})
    with pytest.raises(ValueError, match="1 or 3 channels; got 2"):
        ADA("c")(_images((1, 4, 4, 2)))


def test_least_squares_reads_signs_about_its_boundary_one_half():
    gan = ganzoo.LSGAN.for_images(**{**registry.get("lsgan").tiny, "augment": ADA(kimg=0.008)})
    gan.compile()
    real = tf.fill((8, 1), 0.7)  # above 0.5: rated real, r_t = 1 → p rises
    for _ in range(4):
        gan.loss_pair.discriminator(real, tf.zeros((8, 1)))
    assert float(gan.augment.p) == 1.0
    for _ in range(4):  # 0.3 is a positive logit but below 0.5: r_t = -1 → p falls
        gan.loss_pair.discriminator(real - 0.4, tf.zeros((8, 1)))
    assert float(gan.augment.p) == 0.0


def _fast(**kwargs):
    # p moves by 32 / 200 = 0.16 per adjustment on batches of 8.
    return ganzoo.DCGAN.for_images(**TINY, augment=ADA(kimg=0.2, initial_p=0.5, **kwargs))


def test_p_is_logged_saved_and_loaded(tmp_path, tiny_images):
    gan = _fast()
    gan.compile()
    history = gan.fit(tiny_images((16, 16, 1), count=48), epochs=2, verbose=0)
    p = float(gan.augment.p)
    assert set(history.history) == {"d_loss", "g_loss", "ada_p"}
    assert history.history["ada_p"][-1] == pytest.approx(p)
    # 12 D steps: 3 adjustments of ±0.16, so p cannot be back at 0.5.
    assert p != 0.5 and int(gan.augment.steps) == 0
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(loaded.augment, ADA) and loaded.augment.kimg == 0.2
    assert float(loaded.augment.p) == p


def test_mirrored_two_cpus_equal_one_device(tiny_images):
    data = tiny_images((16, 16, 1), count=32)
    keras.utils.set_random_seed(3)
    gan = _fast()
    strategy = two_cpu_strategy()
    with strategy.scope():
        replicated = ganzoo.DCGAN.from_config(gan.get_config())
        replicated.set_weights(gan.get_weights())
        replicated.seed_generator.state.assign(gan.seed_generator.state)
        compile_for_strategy_check(replicated, *GANTestCase().strategy_optimizers())
    compile_for_strategy_check(gan, *GANTestCase().strategy_optimizers())
    # 3 epochs of 4 steps: 3 adjustments of ±0.16, so p cannot be back at 0.5.
    gan.fit(data, epochs=3, verbose=0)
    replicated.fit(data, epochs=3, verbose=0)
    assert float(gan.augment.p) != 0.5
    assert np.asarray(replicated.augment.p) == np.asarray(gan.augment.p)
    for a, b in zip(gan.get_weights(), replicated.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4)


class TestADAContract(GANTestCase):
    def test_contract(self, tiny_images):
        # Mixed precision is DCGAN's own check (ADA computes in float32); the strategy
        # check is test_mirrored_two_cpus_equal_one_device's. XLA works but compiling
        # the step took 89 s wall on the loaded 2-core CI machine (the rest: 50 s).
        config = {"kimg": 0.2, "initial_p": 0.5}
        self.run_gan_test(
            ganzoo.DCGAN,
            {**TINY, "augment": {"class_name": "ganzoo>ADA", "config": config}},
            tiny_images((16, 16, 1)),
            check_strategy=False,
            check_precision=False,
            check_xla=False,
        )
