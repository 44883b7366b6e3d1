"""WGAN (Arjovsky et al., 2017): the contract plus weight clipping and the paper's defaults."""

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
from ganzoo.models.wgan import WGAN
from ganzoo.models.wgan_gp import WGANGP
from ganzoo.testing import GANTestCase
from ganzoo.wasserstein import WassersteinGAN

TINY = {**registry.get("wgan").tiny, "seed": 1}
LOGS = {"d_loss", "g_loss", "wasserstein"}


class Probe(WGAN):
    """A WGAN that records the critic's largest |weight| after each critic step (eager)."""

    def discriminator_step(self, real, condition):
        super().discriminator_step(real, condition)
        self.recorder.append(max(float(np.abs(v).max()) for v in self.discriminator_variables))


class Unclipped(WGAN):
    """The same steps without the clipping after them: the control."""

    def discriminator_step(self, real, condition):
        WassersteinGAN.discriminator_step(self, real, condition)
        self.recorder.append(max(float(np.abs(v).max()) for v in self.discriminator_variables))


def _trained(cls, steps=1):
    keras.utils.set_random_seed(0)
    gan = cls.for_images(**TINY)
    object.__setattr__(gan, "recorder", [])
    # A step large enough to carry weights well past c = 0.01 without the clipping.
    gan.compile(d_optimizer=keras.optimizers.SGD(10.0))
    images = np.random.default_rng(0).uniform(-1, 1, (20, 16, 16, 1)).astype("float32")
    for _ in range(steps):
        gan.train_step(tf.constant(images))
    return gan


class TestWGAN(GANTestCase):
    def test_contract(self, tiny_images):
        # Two critic steps, not the paper's five (`test_paper_defaults`): every check
        # traces a fresh step, and each critic step traced costs seconds. Batches of
        # 2 × 4: two chunks of 4, each split 2 + 2 over two replicas; a batch of 5
        # is not a multiple of d_steps.
        # The strategy check compares the clipped weights of both replicas with one device.
        self.run_gan_test(
            WGAN,
            {**TINY, "d_steps": 2},
            tiny_images((16, 16, 1), count=16, batch_size=8),
            expected_logs=LOGS,
            bad_data=[(tiny_images((16, 16, 1), count=10, batch_size=5), "multiple of d_steps")],
        )

    def test_critic_weights_are_clipped_after_every_update(self):
        gan = _trained(Probe)
        assert len(gan.recorder) == 5  # n_critic = 5 critic steps, each clipped
        assert max(gan.recorder) <= 0.01
        weights = [np.asarray(v) for v in gan.discriminator.trainable_variables]
        assert all(np.all(np.abs(w) <= 0.01) for w in weights)
        assert any(np.any(np.abs(w) == np.float32(0.01)) for w in weights)  # at the bound
        # Batch norm's moving statistics are no parameters: not clipped.
        variances = [v for v in gan.discriminator.non_trainable_variables if "variance" in v.path]
        assert variances and all(float(np.max(v)) > 0.1 for v in variances)
        # The generator is not clipped.
        assert max(float(np.abs(v).max()) for v in gan.generator.trainable_variables) > 0.01
        # Without the clipping the same steps leave the bound far behind.
        assert min(_trained(Unclipped).recorder) > 0.05

    def test_the_critic_starts_inside_the_clipping_box(self):
        gan = WGAN.for_images(**TINY, clip_value=0.005)
        kernels = [np.asarray(v) for v in gan.discriminator.trainable_variables]
        assert max(float(np.abs(k).max()) for k in kernels) == pytest.approx(0.005)
        gamma = [v for v in gan.discriminator.trainable_variables if "gamma" in v.path]
        # Batch norm's scale starts at 1 and is clipped to c, as in the reference code.
        np.testing.assert_array_equal(np.asarray(gamma[0]), np.float32(0.005))

    def test_paper_defaults(self):
        gan = WGAN.for_images((28, 28, 1), base_filters=4)
        gan.compile()
        for optimizer in (gan.g_optimizer, gan.d_optimizer):
            assert isinstance(optimizer, keras.optimizers.RMSprop)
            assert float(optimizer.learning_rate) == pytest.approx(5e-5)
            assert (optimizer.rho, optimizer.epsilon, optimizer.momentum) == (0.99, 1e-8, 0.0)
        assert (gan.latent_dim, gan.d_steps, gan.clip_value) == (100, 5, 0.01)
        assert WGAN.default_d_steps == 5 and gan.adversarial_loss == "wasserstein"
        assert gan.log_names() == ["d_loss", "g_loss", "wasserstein"]
        # The DCGAN critic with batch norm and a linear score (no sigmoid).
        critic = WGAN.for_images((64, 64, 3)).discriminator
        convs = [layer for layer in critic.layers if isinstance(layer, keras.layers.Conv2D)]
        assert [layer.filters for layer in convs] == [64, 128, 256, 512]  # ndf = 64
        norms = [
            layer for layer in critic.layers if isinstance(layer, keras.layers.BatchNormalization)
        ]
        assert len(norms) == 3
        assert critic.layers[-1].activation is keras.activations.linear

    def test_critic_loss_terms(self):
        gan = WGAN.for_images(**TINY)
        rng = np.random.default_rng(0)
        real = rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
        fake = rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
        terms = gan.discriminator_loss(real, fake, None, None)
        d_real = np.asarray(gan.discriminator(real, training=True))[:, 0]
        d_fake = np.asarray(gan.discriminator(fake, training=True))[:, 0]
        np.testing.assert_allclose(terms["d_loss"], d_fake - d_real, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(terms["wasserstein"], d_real - d_fake, rtol=1e-5, atol=1e-7)
        g_terms = gan.generator_loss(fake, None, None)
        np.testing.assert_allclose(g_terms["g_loss"], -d_fake, rtol=1e-5, atol=1e-7)

    def test_clip_value_round_trips(self):
        gan = WGAN.for_images(**TINY, clip_value=0.05)
        clone = WGAN.from_config(gan.get_config())
        assert clone.clip_value == 0.05

    @pytest.mark.parametrize("bad", [0, -0.01, float("nan")])
    def test_bad_clip_value_is_refused(self, bad):
        with pytest.raises(ValueError, match=rf"clip_value > 0.*got {bad}"):
            WGAN.for_images(**TINY, clip_value=bad)

    def test_bad_loss_is_refused(self):
        with pytest.raises(ValueError, match=r"WGAN trains with the Wasserstein.*'hinge'"):
            WGAN.for_images(**TINY, adversarial_loss="hinge")

    def test_wgan_and_wgan_gp_share_the_wasserstein_base(self):
        # One implementation of the critic loss and the `wasserstein` log, not two.
        assert WGAN.discriminator_loss is WGANGP.discriminator_loss
        assert not issubclass(WGANGP, WGAN)  # WGAN-GP does not clip


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wgan_mnist.py"


def test_example_trains_saves_and_resumes_on_mock_mnist(tmp_path):
    spec = importlib.util.spec_from_file_location("wgan_mnist", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = str(tmp_path / "run")
    args = ["--out", out, "--batch-size", "2", "--d-steps", "2", "--max-batches", "2"]
    args += ["--base-filters", "4", "--latent-dim", "8", "--seed", "3"]
    with tfds.testing.mock_data(num_examples=16):
        first = example.main([*args, "--epochs", "1"])
        assert set(first.history) == LOGS
        # A rerun with more epochs resumes from --out/backup instead of starting over.
        example.main([*args, "--epochs", "2"])
    with open(os.path.join(out, "history.csv")) as f:
        assert [int(row["epoch"]) for row in csv.DictReader(f)] == [0, 1]
    assert sorted(os.listdir(os.path.join(out, "samples")))[:2] == [
        "epoch_0001.png",
        "epoch_0002.png",
    ]
    gan = keras.models.load_model(os.path.join(out, "wgan.keras"))
    assert isinstance(gan, WGAN) and gan.image_shape == (28, 28, 1)
    assert gan.clip_value == 0.01
    # 2 epochs × 2 batches of 2 × 2 images: 2 critic steps per generator step.
    assert int(gan.g_optimizer.iterations) == 4 and int(gan.d_optimizer.iterations) == 8
