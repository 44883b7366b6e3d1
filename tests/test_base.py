"""The base class's contract for someone writing a new variant."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo.nets import mlp
from ganzoo.testing import GANTestCase, two_cpu_strategy


@keras.saving.register_keras_serializable(package="ganzoo_tests")
class UniformLatentGAN(ganzoo.GAN):
    """A variant written by overriding one hook: latents from U(-1, 1)."""

    def sample_latent(self, batch_size):
        return self.draw(keras.random.uniform, (batch_size, self.latent_dim), minval=-1.0)

    @classmethod
    def for_images(cls, image_shape, latent_dim=4, **kwargs):
        return cls(
            mlp.build_generator(image_shape, latent_dim, 16),
            mlp.build_discriminator(image_shape, 16),
            latent_dim,
            **kwargs,
        )


class TestNewVariant(GANTestCase):
    def test_one_hook_variant_passes_the_harness(self, tiny_images):
        self.run_gan_test(
            UniformLatentGAN, {"image_shape": (8, 8, 1), "latent_dim": 4}, tiny_images((8, 8, 1))
        )

    def test_resume_check_fails_when_nothing_is_restored(self, tiny_images, monkeypatch):
        gan = UniformLatentGAN.for_images((8, 8, 1), latent_dim=4)
        data = tiny_images((8, 8, 1))
        self.check_exact_resume(UniformLatentGAN, gan, data)  # passes as it is
        monkeypatch.setattr(keras.callbacks.BackupAndRestore, "on_train_begin", lambda *a: None)
        with pytest.raises(AssertionError, match="resumed at epochs"):
            self.check_exact_resume(UniformLatentGAN, gan, data)

    def test_overridden_hook_is_used(self):
        gan = UniformLatentGAN.for_images((8, 8, 1), latent_dim=4)
        latents = np.asarray(gan.sample_latent(512))
        assert latents.min() >= -1.0 and latents.max() <= 1.0
        assert latents.min() < -0.9 and latents.max() > 0.9


def test_d_steps_split_batches_into_interleaved_chunks():
    gan = ganzoo.VanillaGAN.for_images((2, 2, 1), latent_dim=2, d_steps=3)
    real = tf.reshape(tf.range(6, dtype=tf.float32), (6, 1, 1, 1))
    chunks = gan.critic_batches(tf.broadcast_to(real, (6, 2, 2, 1)), None)
    firsts = [c[0][:, 0, 0, 0].numpy().tolist() for c in chunks]
    assert firsts == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


def test_d_steps_needs_a_multiple_of_batches(tiny_images):
    gan = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=2, d_steps=3)
    gan.compile()
    with pytest.raises(ValueError, match="multiple of d_steps=3"):
        gan.fit(tiny_images((8, 8, 1), batch_size=8), epochs=1, verbose=0)


def test_d_steps_runs_that_many_discriminator_updates(tiny_images):
    gan = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=2, d_steps=2)
    gan.compile()
    gan.fit(tiny_images((8, 8, 1), count=32, batch_size=8), epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 2 * int(gan.g_optimizer.iterations) == 8


def test_fit_requires_compile(tiny_images):
    gan = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=2)
    with pytest.raises(ValueError, match="compile"):
        gan.fit(tiny_images((8, 8, 1)), epochs=1, verbose=0)


def test_r1_penalty_is_logged_and_trains(tiny_images):
    gan = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=2, r1_gamma=10.0)
    gan.compile()
    history = gan.fit(tiny_images((8, 8, 1)), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "r1"}
    assert history.history["r1"][0] > 0


def test_same_seed_same_training(tiny_images):
    def train():
        keras.utils.set_random_seed(5)
        gan = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=2, seed=11)
        gan.compile()
        gan.fit(tiny_images((8, 8, 1)), epochs=1, verbose=0)
        return gan.get_weights()

    for a, b in zip(train(), train(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_generate_validates_latents():
    gan = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=3)
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        gan.generate(latents=np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match="n >= 1"):
        gan.generate()


def _cpu_only() -> bool:
    return not tf.config.list_physical_devices("GPU")


@pytest.mark.skipif(not _cpu_only(), reason="the CPU defaults apply on CPU-only machines")
def test_compile_defaults_follow_the_variant_on_cpu():
    vanilla = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=2)
    vanilla.compile()
    assert vanilla.steps_per_execution == 8 and vanilla.jit_compile is True
    dcgan = ganzoo.DCGAN.for_images((16, 16, 1), latent_dim=4, base_filters=4)
    dcgan.compile()
    assert dcgan.steps_per_execution == 4 and dcgan.jit_compile is False
    # The saved configuration keeps "auto", so a file resolves again where it is loaded.
    assert vanilla.get_compile_config()["jit_compile"] == "auto"
    assert vanilla.get_compile_config()["steps_per_execution"] is None
    with two_cpu_strategy().scope():
        replicated = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=2)
        replicated.compile()
    assert replicated.steps_per_execution == 1 and replicated.jit_compile is False
    vanilla.compile(jit_compile=False, steps_per_execution=2)
    assert vanilla.steps_per_execution == 2 and vanilla.jit_compile is False


def test_jit_compile_updates_refuses_bad_values():
    gan = ganzoo.VanillaGAN.for_images((8, 8, 1), latent_dim=2)
    with pytest.raises(ValueError, match=r'True, False or "auto"; got \'yes\''):
        gan.compile(jit_compile_updates="yes")


def test_fused_updates_train_like_plain_updates(tiny_images):
    def train(fused):
        keras.utils.set_random_seed(3)
        gan = ganzoo.DCGAN.for_images((16, 16, 1), latent_dim=4, base_filters=4, seed=2)
        gan.compile(jit_compile=False, jit_compile_updates=fused)
        gan.fit(tiny_images((16, 16, 1)), epochs=1, verbose=0)
        # One compiled update per optimizer, or none.
        assert len(gan._update_functions) == (2 if fused else 0)
        return gan.get_weights()

    for fused, plain in zip(train(True), train(False), strict=True):
        np.testing.assert_allclose(fused, plain, rtol=1e-4, atol=1e-5)


def test_an_epoch_trains_steps_per_epoch_steps_whatever_steps_per_execution(tiny_images):
    # Keras runs whole executions of steps_per_execution steps (the vanilla GAN's is 8):
    # an epoch of 5 steps on an endless dataset must still train 5 steps, not 8.
    from ganzoo import registry

    gan = registry.get("vanilla").build_tiny(seed=1)
    gan.compile()
    assert gan.steps_per_execution == 8
    data = tiny_images((8, 8, 1), count=16, batch_size=8).repeat()
    gan.fit(data, epochs=2, steps_per_epoch=5, verbose=0)
    assert int(gan.g_optimizer.iterations) == 10
    assert gan.steps_per_execution == 8  # restored for the next fit
    gan.fit(data, epochs=1, steps_per_epoch=16, verbose=0)
    assert int(gan.g_optimizer.iterations) == 26
