"""`ganzoo export MODEL.keras DIR`: a SavedModel of the (EMA) generator, loaded with
`tf.saved_model.load`."""

import keras
import numpy as np
import tensorflow as tf

import ganzoo
from ganzoo import cli


def test_exports_the_ema_generator(tmp_path):
    keras.utils.set_random_seed(0)
    gan = ganzoo.DCGAN.for_images((8, 8, 1), latent_dim=4, base_filters=4, ema=0.5, seed=0)
    gan.ema_generator.set_weights([w * 0.5 for w in gan.ema_generator.get_weights()])
    path = str(tmp_path / "m.keras")
    gan.save(path)
    out = str(tmp_path / "exported")
    assert cli.main(["export", path, out]) == 0
    served = tf.saved_model.load(out)
    z = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    images = np.array(served.serve(z))
    np.testing.assert_allclose(images, gan.generate(latents=z), atol=1e-6)
    assert not np.allclose(images, gan.generate(latents=z, ema=False))
    assert images.shape == (3, 8, 8, 1) and np.abs(images).max() <= 1.0
    assert cli.main(["export", path, out]) == 2  # the folder exists now


def test_exports_a_conditional_generator(tmp_path):
    gan = ganzoo.CGAN.for_images((8, 8, 1), num_classes=3, latent_dim=4, base_filters=4)
    path = str(tmp_path / "c.keras")
    gan.save(path)
    out = str(tmp_path / "exported")
    assert cli.main(["export", path, out]) == 0
    z = np.zeros((2, 4), "float32")
    labels = np.array([0, 2], "int32").reshape(
        (gan.generator.inputs[1].shape[1:] and (2, 1)) or (2,)
    )
    served = tf.saved_model.load(out)  # kept: the endpoint needs its variables alive
    images = np.array(served.serve(z, labels))
    np.testing.assert_allclose(images, gan.generate(latents=z, labels=[0, 2]), atol=1e-6)
