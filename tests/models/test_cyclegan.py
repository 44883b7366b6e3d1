import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo import registry
from ganzoo.models.cyclegan import CycleGAN
from ganzoo.nets import patchgan, resnet
from ganzoo.pools import ImagePool
from ganzoo.schedules import ConstantThenLinearDecay, paper_optimizer
from ganzoo.testing import GANTestCase, two_cpu_strategy

# The registry's tiny networks (ngf = ndf = 4, one residual block, a one-layer 16×16
# PatchGAN), in colour: CycleGAN's datasets are, and the tests below change channels.
SHAPE = (16, 16, 3)
TINY = {**registry.get("cyclegan").tiny, "image_shape": SHAPE}


def _images(count, shape=SHAPE, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, *shape)).astype("float32")


def _pairs(count=4, batch_size=2, shape_a=SHAPE, shape_b=SHAPE):
    return tf.data.Dataset.from_tensor_slices(
        (_images(count, shape_a, 0), _images(count, shape_b, 1))
    ).batch(batch_size, drop_remainder=True)


def _constant_model(shape, value, name):
    """A 'network' that returns `value` (a fixed map of scores) for any image."""
    images = keras.Input(shape)
    scores = keras.layers.Conv2D(
        1, 1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(value)
    )(images)
    return keras.Model(images, scores, name=name)


def _scaling_model(shape, scale, name):
    images = keras.Input(shape)
    return keras.Model(images, keras.layers.Rescaling(scale)(images), name=name)


class TestCycleGAN(GANTestCase):
    def test_contract(self):
        data = _pairs()
        bad_data = [
            (data.map(lambda a, b: a), r"pairs \(images_a, images_b\).*single dataset"),
            (_pairs(shape_b=(8, 8, 3)), r"images_b: expected shape"),
            (data.map(lambda a, b: (a, tf.zeros((2,), tf.int32))), r"labels"),
            (data.map(lambda a, b: (a, (b + 1.0) * 127.5)), r"images_b.*\[-1, 1\]"),
        ]
        self.run_gan_test(
            CycleGAN,
            {**TINY, "pool_size": 0, "seed": 1},
            data,
            generate_kwargs={"images": _images(4)},
            bad_data=bad_data,
        )

    def test_paper_networks_at_256(self):
        generator = resnet.build_resnet_generator((256, 256, 3))
        discriminator = patchgan.build_patchgan_discriminator((256, 256, 3))
        # The reference implementation's counts (Zhu et al., 2017): 11.378 M and 2.765 M.
        assert generator.count_params() == 11_378_179
        assert discriminator.count_params() == 2_764_737
        assert discriminator.output_shape == (None, 30, 30, 1)
        residual = [layer for layer in generator.layers if isinstance(layer, keras.layers.Add)]
        assert len(residual) == 9
        norms = [
            layer
            for layer in generator.layers + discriminator.layers
            if isinstance(layer, keras.layers.GroupNormalization)
        ]
        # Instance norm: one group per channel, no learned scale or shift, epsilon 1e-5.
        assert norms and all(
            layer.groups == layer.input.shape[-1]
            and not layer.center
            and not layer.scale
            and layer.epsilon == 1e-5
            for layer in norms
        )
        # No normalisation on the PatchGAN's first layer: Conv → LeakyReLU.
        first_conv = next(
            i
            for i, layer in enumerate(discriminator.layers)
            if isinstance(layer, keras.layers.Conv2D)
        )
        assert isinstance(discriminator.layers[first_conv + 1], keras.layers.LeakyReLU)
        # 6 residual blocks at 128×128 (the paper's choice for smaller images).
        small = resnet.build_resnet_generator((128, 128, 3), filters=4)
        assert sum(isinstance(layer, keras.layers.Add) for layer in small.layers) == 6

    def test_patchgan_sees_70_by_70_patches(self):
        discriminator = patchgan.build_patchgan_discriminator((96, 96, 1), filters=2)
        assert patchgan.receptive_field(discriminator) == 70
        # Independently: without instance norm (whose statistics span the whole image),
        # the gradient of one output reaches exactly a 70×70 window of the input.
        plain = keras.models.clone_model(
            discriminator,
            clone_function=lambda layer: (
                keras.layers.Identity()
                if isinstance(layer, keras.layers.GroupNormalization)
                else layer.__class__.from_config(layer.get_config())
            ),
        )
        images = tf.random.uniform((1, 96, 96, 1), -1, 1, seed=0)
        with tf.GradientTape() as tape:
            tape.watch(images)
            score = plain(images)[0, 5, 5, 0]
        reached = np.argwhere(np.abs(tape.gradient(score, images).numpy()[0, ..., 0]) > 0)
        assert tuple(reached.max(0) - reached.min(0) + 1) == (70, 70)

    def test_unet_option(self):
        gan = CycleGAN.for_images((32, 32, 3), generator="unet", filters=2, discriminator_filters=2)
        assert gan.generator_g.output_shape == (None, 32, 32, 3)
        # log2(32) = 5 stride-2 levels down to 1×1.
        down = [layer for layer in gan.generator_g.layers if layer.name.startswith("down_")]
        assert len(down) == 5 and down[-1].output.shape[1:3] == (1, 1)
        with pytest.raises(ValueError, match="'resnet' or 'unet'"):
            CycleGAN.for_images((32, 32, 3), generator="vgg")

    def test_loss_terms_follow_the_paper(self):
        a, b = _images(2, seed=3), _images(2, seed=4)
        discriminators = [_constant_model(SHAPE, 0.25, n) for n in ("d_a", "d_b")]
        # Identity generators: cycle and identity losses vanish, only the adversarial
        # term (D(G(x)) - 1)² of each generator is left.
        gan = CycleGAN(
            _scaling_model(SHAPE, 1.0, "g"), _scaling_model(SHAPE, 1.0, "f"), *discriminators
        )
        terms = gan.generator_loss(a, b, gan.generator_f(b), gan.generator_g(a))
        np.testing.assert_allclose(terms["cycle_loss"], 0.0, atol=1e-7)
        np.testing.assert_allclose(terms["identity_loss"], 0.0, atol=1e-7)
        np.testing.assert_allclose(terms["adv_loss"], 2 * (0.25 - 1) ** 2, rtol=1e-6)
        np.testing.assert_allclose(terms["g_loss"], terms["adv_loss"], rtol=1e-6)
        # The discriminator loss is halved: ½[(D(x) - 1)² + D(G(z))²] per discriminator.
        d_terms = gan.discriminator_loss(a, b, b, a)
        np.testing.assert_allclose(d_terms["d_a_loss"], 0.5 * (0.75**2 + 0.25**2), rtol=1e-6)
        np.testing.assert_allclose(d_terms["d_loss"], 2 * d_terms["d_b_loss"], rtol=1e-6)
        # G(x) = x/2, F(y) = 2y: cycles close, identity does not; λ = 10, identity 0.5·λ.
        gan = CycleGAN(
            _scaling_model(SHAPE, 0.5, "g"), _scaling_model(SHAPE, 2.0, "f"), *discriminators
        )
        terms = gan.generator_loss(a, b, gan.generator_f(b), gan.generator_g(a))
        identity = np.abs(b).mean((1, 2, 3)) / 2 + np.abs(a).mean((1, 2, 3))
        np.testing.assert_allclose(terms["cycle_loss"], 0.0, atol=1e-6)
        np.testing.assert_allclose(terms["identity_loss"], identity, rtol=1e-5)
        np.testing.assert_allclose(terms["g_loss"], terms["adv_loss"] + 5.0 * identity, rtol=1e-5)
        # The identity loss can be switched off.
        gan = CycleGAN(
            _scaling_model(SHAPE, 0.5, "g"),
            _scaling_model(SHAPE, 2.0, "f"),
            *discriminators,
            identity_weight=0.0,
        )
        assert "identity_loss" not in gan.log_names()
        terms = gan.generator_loss(a, b, gan.generator_f(b), gan.generator_g(a))
        np.testing.assert_allclose(terms["g_loss"], terms["adv_loss"], rtol=1e-6)

    def test_mismatched_networks_are_refused(self):
        g = resnet.build_resnet_generator(SHAPE, 2, 0)
        d = patchgan.build_patchgan_discriminator(SHAPE, 2, 1)
        with pytest.raises(ValueError, match="discriminator_b input"):
            CycleGAN(g, g, d, patchgan.build_patchgan_discriminator((24, 24, 3), 2, 1))
        with pytest.raises(ValueError, match="one image shape"):
            gray = resnet.build_resnet_generator((16, 16, 1), 2, 0, output_channels=3)
            color = resnet.build_resnet_generator(SHAPE, 2, 0, output_channels=1)
            CycleGAN(gray, color, patchgan.build_patchgan_discriminator((16, 16, 1), 2, 1), d)

    def test_learning_rate_schedule(self):
        schedule = ConstantThenLinearDecay(2e-4, constant_steps=4, decay_steps=4)
        rates = [float(schedule(step)) for step in (0, 4, 5, 6, 8, 20)]
        np.testing.assert_allclose(rates, [2e-4, 2e-4, 1.5e-4, 1e-4, 0.0, 0.0], atol=1e-12)
        restored = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(schedule)
        )
        assert isinstance(restored, ConstantThenLinearDecay)
        assert restored.get_config() == schedule.get_config()
        assert float(paper_optimizer().learning_rate) == pytest.approx(2e-4)
        with pytest.raises(ValueError, match="total_steps"):
            paper_optimizer(1)

    def test_resume_restores_pools_and_schedule(self, tmp_path):
        """An interrupted run resumes (BackupAndRestore) with its image pools and its
        place on the learning-rate schedule; the `.keras` file holds no pools."""
        backup = str(tmp_path / "backup")

        class Interrupt(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                if epoch == 1:
                    raise RuntimeError("interrupted")

        class Snapshot(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.pool = self.model.pool_b.get_state()
                self.iterations = int(self.model.g_optimizer.iterations)

        def build():
            gan = CycleGAN.for_images(**TINY, pool_size=3)
            gan.compile(total_steps=8)  # constant for 4 steps, then down to zero at step 8
            return gan

        keras.utils.set_random_seed(0)
        gan = build()
        with pytest.raises(RuntimeError, match="interrupted"):
            gan.fit(
                _pairs(8, 2),
                epochs=2,
                verbose=0,
                callbacks=[keras.callbacks.BackupAndRestore(backup), Interrupt()],
            )
        saved = gan.pool_b.get_state()
        assert saved["count"].tolist() == [3]
        assert float(gan.g_optimizer.learning_rate) == pytest.approx(2e-4)

        resumed = build()
        snapshot = Snapshot()
        resumed.fit(
            _pairs(8, 2),
            epochs=2,
            verbose=0,
            callbacks=[keras.callbacks.BackupAndRestore(backup), snapshot],
        )
        np.testing.assert_array_equal(snapshot.pool["images"], saved["images"])
        assert snapshot.pool["count"].tolist() == [3] and snapshot.iterations == 4
        for optimizer in (resumed.g_optimizer, resumed.d_optimizer):
            assert int(optimizer.iterations) == 8
            assert float(optimizer.learning_rate) == pytest.approx(0.0)
            assert optimizer.beta_1 == pytest.approx(0.5)

        path = str(tmp_path / "cyclegan.keras")
        resumed.save(path)
        loaded = keras.models.load_model(path)
        schedule = loaded.g_optimizer._learning_rate
        assert isinstance(schedule, ConstantThenLinearDecay)
        assert (schedule.constant_steps, schedule.decay_steps) == (4, 4)
        assert int(loaded.g_optimizer.iterations) == 8
        x = _images(2, seed=9)
        np.testing.assert_allclose(
            loaded.translate(x, "b2a"), resumed.translate(x, "b2a"), atol=1e-6
        )
        assert int(resumed.pool_a.count.numpy()) == 3 and int(loaded.pool_a.count.numpy()) == 0


class TestImagePool:
    def test_fills_then_swaps_with_probability_half(self):
        pool = ImagePool(4, (2, 2, 1))

        def query(values, uniform, slots):
            images = tf.constant(values, tf.float32)[:, None, None, None] * tf.ones((1, 2, 2, 1))
            out = pool.query(images, tf.constant(uniform, tf.float32), tf.constant(slots))
            return out.numpy()[:, 0, 0, 0].tolist()

        # Filling: every image is stored and returned, whatever the draws.
        assert query([1, 2, 3], [0.9, 0.9, 0.9], [0, 0, 0]) == [1, 2, 3]
        # A batch that fills the pool and overflows it: the 5th sees a full pool.
        assert query([4, 5], [0.9, 0.9], [0, 0]) == [4, 1]
        assert pool.images.numpy()[:, 0, 0, 0].tolist() == [5, 2, 3, 4]
        assert int(pool.count.numpy()) == 4
        # u <= 0.5: the new image comes back and the pool keeps its images.
        assert query([6], [0.5], [2]) == [6]
        assert pool.images.numpy()[:, 0, 0, 0].tolist() == [5, 2, 3, 4]
        # u > 0.5: a stored image comes back and the new one takes its slot.
        assert query([7], [0.51], [2]) == [3]
        assert pool.images.numpy()[:, 0, 0, 0].tolist() == [5, 2, 7, 4]

    def test_model_draws_half_from_history_under_xla(self):
        gan = CycleGAN.for_images(**TINY, pool_size=5, seed=3)
        pool = gan.pool_b

        @tf.function(jit_compile=True)
        def step(image):
            return pool(image, gan.draw)

        returned_old = 0
        after = pool.images.numpy()[:, 0, 0, 0]
        for i in range(400):
            image = np.full((1, *SHAPE), i / 1000.0, "float32")
            before = after
            out = float(step(image)[0, 0, 0, 0])
            after = pool.images.numpy()[:, 0, 0, 0]
            if i < 5:
                assert out == pytest.approx(i / 1000.0) and after[i] == pytest.approx(out)
            elif not np.isclose(out, i / 1000.0):
                returned_old += 1
                slot = int(np.argmin(np.abs(before - out)))
                assert after[slot] == pytest.approx(i / 1000.0)  # the new one is stored
            else:
                np.testing.assert_array_equal(before, after)  # else the pool is unchanged
        assert 0.42 < returned_old / 395 < 0.58  # p = 0.5; ±3.2 standard deviations

    def test_one_pool_per_replica(self):
        strategy = two_cpu_strategy()
        with strategy.scope():
            pool = ImagePool(2, (1, 1, 1))

        @tf.function
        def step(values):
            def replica(values):
                context = tf.distribute.get_replica_context()
                image = tf.reshape(values[context.replica_id_in_sync_group], (1, 1, 1, 1))
                return pool.query(image, tf.zeros((1,)), tf.zeros((1,), tf.int32))

            return strategy.run(replica, args=(values,))

        step(tf.constant([1.0, 2.0]))
        step(tf.constant([3.0, 4.0]))
        state = pool.get_state()
        assert state["images"].reshape(2, 2).tolist() == [[1, 3], [2, 4]]
        assert state["count"].tolist() == [2, 2]
        with strategy.scope():
            restored = ImagePool(2, (1, 1, 1))
        restored.set_state(**state)
        np.testing.assert_array_equal(restored.get_state()["images"], state["images"])
