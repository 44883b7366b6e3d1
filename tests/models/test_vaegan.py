import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import registry
from ganzoo.losses import feature_reconstruction_loss, gaussian_kl_per_example
from ganzoo.models.vaegan import VAEGAN
from ganzoo.nets import dcgan
from ganzoo.testing import GANTestCase

# The registry's tiny networks: DCGAN-family encoder, decoder and discriminator of width 4.
TINY = registry.get("vaegan").tiny
SHAPE = TINY["image_shape"]


def _images(count, shape=SHAPE, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, *shape)).astype("float32")


def _data(count=8, batch_size=4):
    return tf.data.Dataset.from_tensor_slices(_images(count)).batch(batch_size, drop_remainder=True)


class TestVAEGAN(GANTestCase):
    def test_contract(self):
        self.run_gan_test(VAEGAN, {**TINY, "seed": 1}, _data())


def test_kl_and_feature_reconstruction_on_fixed_tensors():
    mean = np.array([[1.0, -2.0], [0.0, 0.0]], "float32")
    log_variance = np.array([[0.0, math.log(2.0)], [0.0, 0.0]], "float32")
    # -1/2 (1 + log s2 - m2 - s2) per dimension: 0.5, and 2.5 - log(2)/2; the prior itself: 0.
    expected_kl = [0.5 + 2.5 - 0.5 * math.log(2.0), 0.0]
    np.testing.assert_allclose(gaussian_kl_per_example(mean, log_variance), expected_kl, rtol=1e-6)
    real = np.array([[[1.0, 2.0], [3.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]]], "float32")
    fake = np.array([[[1.0, 0.0], [3.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]]], "float32")
    # 1/2 sum of squares over every feature: (4 + 9) / 2 and 4 * 0.25 / 2.
    np.testing.assert_allclose(feature_reconstruction_loss(real, fake), [6.5, 0.5], rtol=1e-6)


def _linear(inputs, units, kernel, name=None):
    layer = keras.layers.Dense(
        units, use_bias=False, kernel_initializer=keras.initializers.Constant(kernel), name=name
    )
    return layer(inputs)


def _fixed_vaegan():
    """Linear networks with known weights on 2×2×1 images and 2 latents."""
    images = keras.Input((2, 2, 1))
    flat = keras.layers.Flatten()(images)
    heads = [_linear(flat, 2, 0.1 * (i + 1)) for i in range(2)]
    encoder = keras.Model(images, heads)
    latents = keras.Input((2,))
    decoder_kernel = np.arange(8, dtype="float32").reshape(2, 4) / 10
    decoded = keras.layers.Reshape((2, 2, 1))(_linear(latents, 4, decoder_kernel))
    generator = keras.Model(latents, decoded)
    feature_kernel = np.array([[1, 0, 2], [0, 1, 0], [1, 1, 1], [-1, 0, 3]], "float32")
    features = _linear(keras.layers.Flatten()(images), 3, feature_kernel, name="features")
    discriminator = keras.Model(images, _linear(features, 1, 0.5))
    return VAEGAN(encoder, generator, discriminator, seed=0), decoder_kernel, feature_kernel


def test_feature_space_reconstruction_uses_ds_lth_layer_of_x_and_its_decoding():
    gan, decoder_kernel, feature_kernel = _fixed_vaegan()
    real = np.array([[[[1.0], [-1.0]], [[0.5], [0.0]]]], "float32")
    latents = np.array([[1.0, -2.0]], "float32")
    prior = np.array([[0.5, 0.5]], "float32")
    reconstructed, sampled, llike, logits = gan.decode_and_discriminate(real, latents, prior)
    decoded = latents @ decoder_kernel
    np.testing.assert_allclose(np.reshape(reconstructed, (1, 4)), decoded, rtol=1e-6)
    np.testing.assert_allclose(np.reshape(sampled, (1, 4)), prior @ decoder_kernel, rtol=1e-6)
    difference = real.reshape(1, 4) @ feature_kernel - decoded @ feature_kernel
    np.testing.assert_allclose(llike, 0.5 * np.sum(difference**2, axis=1), rtol=1e-5)
    expected_real_logit = real.reshape(1, 4) @ feature_kernel @ np.full((3, 1), 0.5)
    np.testing.assert_allclose(logits[0], expected_real_logit, rtol=1e-5)


def test_logged_kl_is_the_prior_term_of_the_encoder_outputs():
    gan, _, _ = _fixed_vaegan()
    real = _images(4, (2, 2, 1))
    mean, log_variance = (np.asarray(t) for t in gan.encode(real))
    expected = -0.5 * np.sum(1 + log_variance - mean**2 - np.exp(log_variance), axis=1).mean()
    gan.compile(jit_compile=False)
    data = tf.data.Dataset.from_tensor_slices(real).batch(4)
    logs = gan.fit(data, epochs=1, verbose=0).history
    np.testing.assert_allclose(logs["kl_loss"][0], expected, rtol=1e-5)


def _one_sgd_step(**options):
    keras.utils.set_random_seed(0)
    gan = VAEGAN.for_images(**{**TINY, "seed": 1, **options})
    sgd = [keras.optimizers.SGD(0.05) for _ in range(3)]
    gan.compile(sgd[0], sgd[1], e_optimizer=sgd[2], jit_compile=False)
    gan.fit(_data(4), epochs=1, verbose=0)
    return {
        name: [np.array(v) for v in getattr(gan, name).trainable_variables]
        for name in gan.nested_models
    }


def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_each_player_minimises_only_its_own_terms():
    reference = _one_sgd_step(gamma=0.0)
    # gamma weighs L_llike in the decoder's loss alone: D and the encoder do not see it.
    heavy = _one_sgd_step(gamma=1e3)
    assert not _same(reference["generator"], heavy["generator"])
    assert _same(reference["discriminator"], heavy["discriminator"])
    assert _same(reference["encoder"], heavy["encoder"])
    # The adversarial loss is L_GAN: no GAN gradient reaches the encoder.
    squares = _one_sgd_step(gamma=0.0, adversarial_loss="least_squares")
    assert not _same(reference["generator"], squares["generator"])
    assert not _same(reference["discriminator"], squares["discriminator"])
    assert _same(reference["encoder"], squares["encoder"])


def test_encode_reconstruct_and_generate():
    keras.utils.set_random_seed(0)
    gan = VAEGAN.for_images(**TINY)
    images = _images(5)
    mean, log_variance = gan.encode(images, batch_size=2)
    assert mean.shape == log_variance.shape == (5, TINY["latent_dim"])
    reconstructed = np.asarray(gan.reconstruct(images, batch_size=2))
    np.testing.assert_allclose(reconstructed, np.asarray(gan.generate(latents=mean)), atol=1e-6)
    assert reconstructed.shape == (5, *SHAPE)
    assert gan.default_optimizer("encoder").get_config()["learning_rate"] == pytest.approx(3e-4)
    assert isinstance(gan.default_optimizer("discriminator"), keras.optimizers.RMSprop)


def test_bad_networks_and_options_are_refused():
    encoder = dcgan.build_encoder(SHAPE, 8, 4)
    generator = dcgan.build_generator(SHAPE, 8, 4)
    discriminator = dcgan.build_discriminator(SHAPE, 4)
    with pytest.raises(ValueError, match=r"two outputs, \[mean, log_variance\]; got 1"):
        VAEGAN(keras.Model(encoder.inputs, encoder.outputs[0]), generator, discriminator)
    with pytest.raises(ValueError, match=r"encoder mean has shape \(6,\), expected \(8,\)"):
        VAEGAN(dcgan.build_encoder(SHAPE, 6, 4), generator, discriminator)
    with pytest.raises(ValueError, match=r"discriminator input.*\(32, 32, 1\), expected \(16, 16"):
        VAEGAN(encoder, generator, dcgan.build_discriminator((32, 32, 1), 4))
    with pytest.raises(ValueError, match=r"once per step; got d_steps=2"):
        VAEGAN(encoder, generator, discriminator, d_steps=2)
    with pytest.raises(ValueError, match=r"no augment=; got 'diffaugment'"):
        VAEGAN(encoder, generator, discriminator, augment="diffaugment")
    with pytest.raises(ValueError, match=r"gamma must be a number >= 0; got -1"):
        VAEGAN(encoder, generator, discriminator, gamma=-1)
    gan = VAEGAN(encoder, generator, discriminator)
    with pytest.raises(ValueError, match=r"channel"):
        gan.encode(_images(2, (16, 16, 3)))


def test_registry_entry_and_top_level_name():
    entry = registry.get("vaegan")
    assert entry.cls is ganzoo.VAEGAN and entry.data == "images"
    assert {option.argument for option in entry.options} >= {"gamma", "base_filters"}


def test_ganzoo_train_vaegan(tmp_path):
    import os

    from ganzoo import cli

    out = str(tmp_path / "run")
    argv = ["train", "vaegan", "--epochs", "1", "--steps-per-epoch", "2", "--out", out]
    argv += ["--batch-size", "4", "--base-filters", "4", "--latent-dim", "8", "--gamma", "0.5"]
    assert cli.main(argv) == 0
    gan = keras.models.load_model(os.path.join(out, "model.keras"))
    assert type(gan) is VAEGAN and gan.gamma == 0.5 and gan.latent_dim == 8
    assert int(gan.e_optimizer.iterations) == 2


def test_regularizers_on_d_and_the_generator_ema_work():
    keras.utils.set_random_seed(0)
    gan = VAEGAN.for_images(
        **TINY, ema=0.5, ema_rampup=None, regularizers=[ganzoo.regularizers.R1(1.0)]
    )
    gan.compile(jit_compile=False)
    logs = gan.fit(_data(4), epochs=1, verbose=0).history
    assert "r1" in logs and np.isfinite(logs["r1"][0]) and logs["r1"][0] > 0
    images = _images(2)
    mean, _ = gan.encode(images)
    np.testing.assert_allclose(
        gan.reconstruct(images), gan.ema_generator(mean, training=False), atol=1e-6
    )
    assert not np.allclose(gan.reconstruct(images), gan.reconstruct(images, ema=False))
