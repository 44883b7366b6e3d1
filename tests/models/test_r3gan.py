import csv
import importlib.util
import os
import pathlib

import keras
import numpy as np
import pytest
import tensorflow_datasets as tfds

from ganzoo import losses, registry
from ganzoo.models.r3gan import R3GAN
from ganzoo.nets import dcgan, wgan
from ganzoo.nets._common import all_layers
from ganzoo.regularizers import R1, R2
from ganzoo.testing import GANTestCase

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "r3gan_cifar10.py"


def _softplus(x):
    return np.logaddexp(0.0, x)


def _tiny(**overrides):
    return registry.get("r3gan").build_tiny(seed=1, **overrides)


def _batch_norms(model):
    return [x for x in all_layers(model) if isinstance(x, keras.layers.BatchNormalization)]


class TestR3GAN(GANTestCase):
    def test_contract(self, tiny_images):
        self.run_gan_test(
            R3GAN,
            {**registry.get("r3gan").tiny, "seed": 1},
            tiny_images((16, 16, 1)),
            check_resume=False,
        )

    def test_paper_defaults(self):
        gan = R3GAN.for_images((32, 32, 3))
        gan.compile()
        for optimizer in (gan.g_optimizer, gan.d_optimizer):
            assert float(optimizer.learning_rate) == pytest.approx(2e-4)
            assert optimizer.beta_1 == pytest.approx(0.0)
            assert optimizer.beta_2 == pytest.approx(0.9)
        assert [(type(r), r.gamma) for r in gan.regularizers] == [(R1, 0.05), (R2, 0.05)]
        assert gan.gamma == pytest.approx(0.05)
        assert gan.latent_dim == 64
        assert gan.adversarial_loss == "relativistic_pairing"
        assert gan.log_names() == ["d_loss", "g_loss", "r1", "r2"]
        assert R3GAN.from_config(gan.get_config()).regularizers[1].gamma == 0.05
        assert _tiny(gamma=0.5).gamma == 0.5
        # DCGAN-sized, and no batch norm in either network.
        assert gan.generator.output_shape == (None, 32, 32, 3)
        assert not _batch_norms(gan.generator) and not _batch_norms(gan.discriminator)

    def test_pairing_losses_on_fixed_logits(self):
        """D: softplus(-(D(x) - D(G(z)))); G: softplus(-(D(G(z)) - D(x))), pair by pair
        (the reference's `softplus(-RelativisticLogits)` with margin 0)."""
        real = np.array([[2.0], [-1.0], [0.0], [30.0]], "float32")
        fake = np.array([[-1.0], [0.5], [0.0], [-30.0]], "float32")
        d = np.asarray(losses.relativistic_pairing_discriminator_loss(real, fake))
        g = np.asarray(losses.relativistic_pairing_generator_loss(fake, real))
        np.testing.assert_allclose(d, _softplus(-(real - fake))[:, 0], rtol=1e-6)
        np.testing.assert_allclose(g, _softplus(-(fake - real))[:, 0], rtol=1e-6)
        # Hand values: softplus(-3) = 0.048587, softplus(1.5) = 1.701413, log 2, and a
        # gap of 60 that a naive log(1 + exp) would overflow.
        np.testing.assert_allclose(d, [0.048587352, 1.7014133, np.log(2), 0.0], atol=1e-6)
        np.testing.assert_allclose(g, [3.0485873, 0.20141328, np.log(2), 60.0], rtol=1e-6)
        # A score map is paired score by score, then averaged per example.
        real_map = np.array([[[1.0, -2.0]]], "float32")
        fake_map = np.array([[[0.0, 0.0]]], "float32")
        np.testing.assert_allclose(
            losses.relativistic_pairing_discriminator_loss(real_map, fake_map),
            [(_softplus(-1.0) + _softplus(2.0)) / 2],
            rtol=1e-6,
        )

    def test_generator_loss_uses_the_real_batch(self):
        gan = _tiny()
        real = np.full((3, 16, 16, 1), 0.5, "float32")
        fake = np.zeros((3, 16, 16, 1), "float32")
        scores = {id(real): np.array([[1.0], [2.0], [-1.0]], "float32")}
        fake_scores = np.array([[0.0], [3.0], [1.0]], "float32")
        gan.discriminate = lambda images, condition, training=True: scores.get(
            id(images), fake_scores
        )
        terms = gan.generator_loss(fake, None, None, real)
        np.testing.assert_allclose(
            terms["g_loss"], _softplus(scores[id(real)] - fake_scores)[:, 0], rtol=1e-6
        )
        terms = gan.discriminator_loss(real, fake, None, None)
        np.testing.assert_allclose(
            terms["d_loss"], _softplus(fake_scores - scores[id(real)])[:, 0], rtol=1e-6
        )
        with pytest.raises(ValueError, match="real batch"):
            gan.generator_loss(fake, None, None, None)

    def test_r1_and_r2_enter_the_discriminator_loss_with_gamma_over_two(self):
        """The reference adds `Gamma / 2 · (R1 + R2)` with `R = ‖∇D‖²` per example."""
        gan = _tiny(gamma=0.3)
        rng = np.random.default_rng(0)
        real = rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
        fake = rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
        base = np.arange(4, dtype="float32")

        def critic(images):
            return gan.discriminate(images, None)

        terms = gan.apply_regularizers(
            "discriminator", {"d_loss": base}, lambda: [(critic, real, fake)]
        )
        r1 = np.asarray(losses.r1_penalty(critic, real))
        r2 = np.asarray(losses.r1_penalty(critic, fake))
        assert r1.min() > 0 and r2.min() > 0 and np.abs(r1 - r2).max() > 1e-6
        np.testing.assert_allclose(terms["r1"], r1, rtol=1e-5)
        np.testing.assert_allclose(terms["r2"], r2, rtol=1e-5)
        np.testing.assert_allclose(terms["d_loss"], base + 0.15 * (r1 + r2), rtol=1e-5)

    def test_batch_norm_discriminator_is_refused(self):
        generator = dcgan.build_generator((16, 16, 1), 8, 4, normalization=None)
        with pytest.raises(ValueError, match=r"without batch normalization.*BatchNormalization"):
            R3GAN(generator, dcgan.build_discriminator((16, 16, 1), 4), latent_dim=8)
        critic = wgan.build_critic((16, 16, 1), 4)
        with pytest.raises(ValueError, match=r"relativistic_pairing.*'hinge'"):
            R3GAN(generator, critic, latent_dim=8, adversarial_loss="hinge")
        with pytest.raises(ValueError, match="gamma"):
            R3GAN(generator, critic, latent_dim=8, gamma=-1.0)

    def test_options_the_pairing_loss_would_ignore_are_refused(self):
        # Both act through `loss_pair`, which the pairing loss does not use.
        generator = dcgan.build_generator((16, 16, 1), 8, 4, normalization=None)
        critic = wgan.build_critic((16, 16, 1), 4)
        with pytest.raises(ValueError, match=r"label_smoothing=0, got 0.1"):
            R3GAN(generator, critic, latent_dim=8, label_smoothing=0.1)
        with pytest.raises(ValueError, match=r"augment=None.*got 'ada'"):
            R3GAN(generator, critic, latent_dim=8, augment="ada")
        assert R3GAN(generator, critic, latent_dim=8, augment="diffaugment").augment is not None

    def test_generator_without_batch_norm(self):
        plain = dcgan.build_generator((32, 32, 1), 8, 4, normalization=None)
        normed = dcgan.build_generator((32, 32, 1), 8, 4)
        assert not _batch_norms(plain) and len(_batch_norms(normed)) == 3
        biased = [x for x in plain.layers if getattr(x, "use_bias", False)]
        assert len(biased) == 4  # projection, two hidden and the output convolution
        with pytest.raises(ValueError, match="normalization"):
            dcgan.build_generator((32, 32, 1), 8, 4, normalization="layer")


def test_example_trains_saves_and_resumes_on_mock_cifar10(tmp_path):
    spec = importlib.util.spec_from_file_location("r3gan_cifar10", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = str(tmp_path / "run")
    args = ["--out", out, "--batch-size", "4", "--max-batches", "2", "--seed", "3"]
    args += ["--base-filters", "4", "--latent-dim", "8", "--gamma", "0.5"]
    with tfds.testing.mock_data(num_examples=16):
        first = example.main([*args, "--epochs", "1"])
        assert set(first.history) == {"d_loss", "g_loss", "r1", "r2"}
        example.main([*args, "--epochs", "2"])  # resumes from --out/backup
    with open(os.path.join(out, "history.csv")) as f:
        assert [int(row["epoch"]) for row in csv.DictReader(f)] == [0, 1]
    gan = keras.models.load_model(os.path.join(out, "r3gan.keras"))
    assert isinstance(gan, R3GAN) and gan.image_shape == (32, 32, 3) and gan.gamma == 0.5
    assert int(gan.g_optimizer.iterations) == 4
