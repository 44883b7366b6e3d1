"""SNGAN (Miyato et al., 2018): the contract plus the paper's specifics."""

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
from ganzoo.layers import SpectralNormalization, update_spectral_norms
from ganzoo.models.sngan import SNGAN
from ganzoo.nets import sngan as sngan_nets
from ganzoo.testing import GANTestCase

TINY = registry.get("sngan").tiny
LOGS = {"d_loss", "g_loss"}


class TestSNGAN(GANTestCase):
    def test_contract(self, tiny_images):
        # One critic step, not the paper's five (`test_paper_defaults`): every check
        # traces a fresh step, and each critic step traced costs seconds. The critic
        # chunks are the core's (`GAN.critic_batches`), which WGAN's and WGAN-GP's
        # contracts run with two steps; SNGAN's own parts (the SN layers, their power
        # iteration in the core's `update`, the hinge loss) run in one critic step.
        # Resume is checked: u and v are state the DCGAN family lacks.
        self.run_gan_test(
            SNGAN,
            {**TINY, "d_steps": 1},
            tiny_images((16, 16, 1), count=16, batch_size=8),
            expected_logs=LOGS,
        )

    def test_paper_defaults(self):
        gan = SNGAN.for_images((32, 32, 3), base_filters=4)
        gan.compile()
        for optimizer in (gan.g_optimizer, gan.d_optimizer):
            assert isinstance(optimizer, keras.optimizers.Adam)
            assert float(optimizer.learning_rate) == pytest.approx(2e-4)
            assert optimizer.beta_1 == 0.0
            assert optimizer.beta_2 == pytest.approx(0.9)
        assert (gan.latent_dim, gan.d_steps, gan.adversarial_loss) == (128, 5, "hinge")
        assert SNGAN.default_d_steps == 5 and registry.get("sngan").d_steps == 5
        assert gan.log_names() == ["d_loss", "g_loss"]
        # Hinge: max(0, 1 - D(x)) + max(0, 1 + D(G(z))) for D, -D(G(z)) for G.
        real, fake = np.array([[2.0], [0.5]]), np.array([[-3.0], [0.25]])
        np.testing.assert_allclose(gan.loss_pair.discriminator(real, fake), [0.0, 1.75])
        np.testing.assert_allclose(gan.loss_pair.generator(fake), [3.0, -0.25])
        other = SNGAN.for_images((16, 16, 1), base_filters=4, adversarial_loss="non_saturating")
        assert other.adversarial_loss == "non_saturating"

    @pytest.mark.parametrize(
        ("setting", "adam", "n_dis"),
        [("A", (1e-4, 0.5, 0.9), 5), ("C", (2e-4, 0.5, 0.999), 1), ("F", (1e-3, 0.9, 0.999), 5)],
    )
    def test_settings_of_table_1(self, setting, adam, n_dis):
        gan = SNGAN.for_images((16, 16, 1), base_filters=4, setting=setting)
        gan.compile()
        for optimizer in (gan.g_optimizer, gan.d_optimizer):
            learning_rate, beta_1, beta_2 = adam
            assert float(optimizer.learning_rate) == pytest.approx(learning_rate)
            assert (optimizer.beta_1, optimizer.beta_2) == pytest.approx((beta_1, beta_2))
        assert gan.d_steps == n_dis
        assert SNGAN.for_images((16, 16, 1), base_filters=4, setting="C", d_steps=3).d_steps == 3
        restored = SNGAN.from_config(gan.get_config())
        assert (restored.setting, restored.d_steps) == (setting, n_dis)
        with pytest.raises(ValueError, match=r"setting in .*'official'.*got 'G'"):
            SNGAN.for_images((16, 16, 1), base_filters=4, setting="G")

    @pytest.mark.parametrize(("side", "bottom"), [(32, 4), (48, 6)])
    def test_standard_cnn_of_table_3(self, side, bottom):
        gan = SNGAN.for_images((side, side, 3))
        d, g = gan.discriminator, gan.generator
        wrapped = [layer for layer in d.layers if isinstance(layer, SpectralNormalization)]
        convs = [layer.layer for layer in wrapped[:-1]]
        assert [c.filters for c in convs] == [64, 64, 128, 128, 256, 256, 512]
        assert [c.kernel_size[0] for c in convs] == [3, 4, 3, 4, 3, 4, 3]
        assert [c.strides[0] for c in convs] == [1, 2, 1, 2, 1, 2, 1]
        assert isinstance(wrapped[-1].layer, keras.layers.Dense) and d.output_shape == (None, 1)
        assert wrapped[-1].input.shape[1] == bottom * bottom * 512  # M/8 × M/8 × 512
        slopes = [x.negative_slope for x in d.layers if isinstance(x, keras.layers.LeakyReLU)]
        assert slopes == pytest.approx([0.1] * 7)
        # Every weight of D is normalised, and D has no batch norm.
        kernels = [v for v in d.trainable_weights if v.name == "kernel"]
        assert len(kernels) == len(wrapped) == 8
        assert not any(isinstance(x, keras.layers.BatchNormalization) for x in d.layers)
        # G: z ∈ R^128 → M/8 × M/8 × 512 → deconv 256, 128, 64 (4×4, stride 2, BN, ReLU)
        # → 3×3 conv to 3 channels, tanh.
        assert g.input_shape == (None, 128) and g.output_shape == (None, side, side, 3)
        assert g.layers[2].output.shape[1:] == (bottom, bottom, 512)
        deconvs = [x for x in g.layers if isinstance(x, keras.layers.Conv2DTranspose)]
        assert [x.filters for x in deconvs] == [256, 128, 64]
        assert all(x.kernel_size == (4, 4) and x.strides == (2, 2) for x in deconvs)
        assert sum(isinstance(x, keras.layers.BatchNormalization) for x in g.layers) == 4
        last = [x for x in g.layers if isinstance(x, keras.layers.Conv2D)][-1]
        assert (last.kernel_size, last.strides, last.filters) == ((3, 3), (1, 1), 3)

    def test_every_layer_has_sigma_one_after_power_iterations(self):
        d = sngan_nets.build_discriminator((16, 16, 1), base_filters=4)
        iterate = tf.function(lambda: update_spectral_norms(d))
        for _ in range(200):
            iterate()
        layers = [x for x in d.layers if isinstance(x, SpectralNormalization)]
        for layer in layers:
            matrix = np.asarray(layer.normalized_weight()).reshape(layer.matrix_shape)
            top = np.linalg.svd(matrix, compute_uv=False)[0]
            assert top == pytest.approx(1.0, abs=1e-4), layer.name

    def test_one_power_iteration_per_discriminator_update(self, monkeypatch):
        gan = SNGAN.for_images(**TINY)
        gan.compile()
        calls = []
        original = SpectralNormalization.power_iteration

        def counted(layer):
            calls.append(layer.name)
            original(layer)

        monkeypatch.setattr(SpectralNormalization, "power_iteration", counted)
        layer = gan.discriminator.get_layer("sn_conv_1")
        u = np.asarray(layer.u)
        gan.discriminator(np.zeros((2, 16, 16, 1), "float32"), training=True)
        np.testing.assert_array_equal(np.asarray(layer.u), u)  # a call does not iterate
        gan.train_step(tf.constant(np.zeros((20, 16, 16, 1), "float32")))  # eager
        # 5 D updates × 8 layers; D also ran in 10 D-loss calls and the G step.
        assert len(calls) == 5 * 8 and calls[:8] == [f"sn_conv_{i}" for i in range(1, 8)] + [
            "sn_dense"
        ]
        assert int(gan.d_optimizer.iterations) == 5
        assert not np.array_equal(np.asarray(layer.u), u)

    def test_bad_discriminators_are_refused(self):
        generator = SNGAN.for_images(**TINY).generator
        images = keras.Input((16, 16, 1))
        x = SpectralNormalization(keras.layers.Conv2D(4, 3, name="c"))(images)
        x = keras.layers.BatchNormalization(name="bn")(x)
        critic = keras.Model(images, keras.layers.Dense(1)(keras.layers.Flatten()(x)))
        with pytest.raises(ValueError, match=r"without batch normalization.*\['bn'\]"):
            SNGAN(generator, critic, 8)
        x = SpectralNormalization(keras.layers.Conv2D(4, 3))(images)
        x = keras.layers.Dense(1, name="plain")(keras.layers.Flatten()(x))
        with pytest.raises(ValueError, match=r"SpectralNormalization.*\['plain'\]"):
            SNGAN(generator, keras.Model(images, x), 8)
        keras_sn = keras.layers.SpectralNormalization(keras.layers.Dense(1), name="ksn")
        x = keras_sn(keras.layers.Flatten()(images))
        with pytest.raises(ValueError, match=r"ksn \(keras.layers.SpectralNormalization\)"):
            SNGAN(generator, keras.Model(images, x), 8)
        with pytest.raises(ValueError, match=r"base_filters must be a positive integer; got 0"):
            SNGAN.for_images((16, 16, 1), base_filters=0)


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sngan_cifar10.py"


def test_example_trains_saves_and_resumes_on_mock_cifar10(tmp_path):
    spec = importlib.util.spec_from_file_location("sngan_cifar10", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = str(tmp_path / "run")
    args = ["--out", out, "--batch-size", "2", "--d-steps", "2", "--max-batches", "2"]
    args += ["--base-filters", "2", "--latent-dim", "8", "--seed", "3"]
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
    gan = keras.models.load_model(os.path.join(out, "sngan.keras"))
    assert isinstance(gan, SNGAN) and gan.image_shape == (32, 32, 3)
    # 2 epochs × 2 batches of 2 × 2 images: 2 D steps (and power iterations) per G step.
    assert int(gan.g_optimizer.iterations) == 4 and int(gan.d_optimizer.iterations) == 8
