"""LSGAN (Mao et al., 2017): the contract plus the least-squares losses and the defaults."""

import csv
import importlib.util
import os
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from ganzoo import registry
from ganzoo.models.lsgan import LSGAN
from ganzoo.testing import GANTestCase

TINY = {**registry.get("lsgan").tiny, "seed": 1}


class TestLSGAN(GANTestCase):
    def test_contract(self, tiny_images):
        self.run_gan_test(LSGAN, TINY, tiny_images((16, 16, 1)), check_resume=False)

    def test_paper_defaults(self):
        gan = LSGAN.for_images((28, 28, 1), base_filters=4)
        gan.compile()
        for optimizer in (gan.g_optimizer, gan.d_optimizer):
            assert isinstance(optimizer, keras.optimizers.Adam)
            assert float(optimizer.learning_rate) == pytest.approx(2e-4)
            assert optimizer.beta_1 == pytest.approx(0.5)
        assert (gan.adversarial_loss, gan.latent_dim, gan.d_steps) == ("least_squares", 100, 1)
        assert gan.log_names() == ["d_loss", "g_loss"]
        # DCGAN's networks; the least squares act on D's linear output (no sigmoid).
        assert gan.discriminator.layers[-1].activation is keras.activations.linear
        assert any(
            isinstance(layer, keras.layers.BatchNormalization) for layer in gan.discriminator.layers
        )

    def test_losses_are_the_paper_0_1_coding(self):
        # D: ½(D(x) - b)² + ½(D(G(z)) - a)² with b = 1, a = 0; G: ½(D(G(z)) - c)², c = 1,
        # per example, against D's own outputs on a batch.
        gan = LSGAN.for_images(**TINY)
        rng = np.random.default_rng(0)
        real = rng.uniform(-1, 1, (6, 16, 16, 1)).astype("float32")
        fake = rng.uniform(-1, 1, (6, 16, 16, 1)).astype("float32")
        d_terms = gan.discriminator_loss(real, fake, None, None)
        g_terms = gan.generator_loss(fake, None, None)
        d_real = np.asarray(gan.discriminator(real, training=True), np.float64)[:, 0]
        d_fake = np.asarray(gan.discriminator(fake, training=True), np.float64)[:, 0]
        assert set(d_terms) == {"d_loss"} and set(g_terms) == {"g_loss"}
        expected_d = 0.5 * (d_real - 1.0) ** 2 + 0.5 * d_fake**2
        np.testing.assert_allclose(d_terms["d_loss"], expected_d, rtol=1e-5)
        np.testing.assert_allclose(g_terms["g_loss"], 0.5 * (d_fake - 1.0) ** 2, rtol=1e-5)

    def test_fakes_on_the_real_side_still_get_a_gradient(self):
        # The paper's motivation (its Figure 1): a fake that D already scores as real
        # (logit +5) gets almost no gradient from the sigmoid cross-entropy, while the
        # least-squares loss still pulls it towards the decision boundary (c = 1).
        logits = tf.constant([[5.0]])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(logits)
            least_squares = LSGAN.for_images(**TINY).loss_pair.generator(logits)
            cross_entropy = tf.nn.softplus(-logits)  # -log sigmoid, DCGAN's G loss
        assert float(tape.gradient(least_squares, logits)[0, 0]) == pytest.approx(4.0)
        assert abs(float(tape.gradient(cross_entropy, logits)[0, 0])) < 0.01


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lsgan_mnist.py"


def test_example_trains_saves_and_resumes_on_mock_mnist(tmp_path):
    spec = importlib.util.spec_from_file_location("lsgan_mnist", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = str(tmp_path / "run")
    args = ["--out", out, "--batch-size", "4", "--max-batches", "2"]
    args += ["--base-filters", "4", "--latent-dim", "8", "--seed", "3"]
    with tfds.testing.mock_data(num_examples=16):
        first = example.main([*args, "--epochs", "1"])
        assert set(first.history) == {"d_loss", "g_loss"}
        # A rerun with more epochs resumes from --out/backup instead of starting over.
        example.main([*args, "--epochs", "2"])
    with open(os.path.join(out, "history.csv")) as f:
        assert [int(row["epoch"]) for row in csv.DictReader(f)] == [0, 1]
    assert sorted(os.listdir(os.path.join(out, "samples")))[:2] == [
        "epoch_0001.png",
        "epoch_0002.png",
    ]
    gan = keras.models.load_model(os.path.join(out, "lsgan.keras"))
    assert isinstance(gan, LSGAN) and gan.image_shape == (28, 28, 1)
    assert int(gan.g_optimizer.iterations) == 4 and int(gan.d_optimizer.iterations) == 4
