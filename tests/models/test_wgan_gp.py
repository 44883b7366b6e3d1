"""WGAN-GP (Gulrajani et al., 2017): the contract plus the paper's specifics."""

import csv
import importlib.util
import os
from pathlib import Path

import keras
import numpy as np
import pytest
import scipy.stats
import tensorflow as tf
import tensorflow_datasets as tfds

from ganzoo import losses, registry
from ganzoo.models.wgan_gp import WGANGP
from ganzoo.nets import wgan as wgan_nets
from ganzoo.regularizers import GradientPenalty
from ganzoo.testing import GANTestCase

TINY = {**registry.get("wgan_gp").tiny, "seed": 1}
LOGS = {"d_loss", "g_loss", "gp", "wasserstein"}


class Recorder:
    """Holds what a probe model saw, outside Keras' attribute tracking."""

    def __init__(self):
        self.epsilon, self.critic_batches, self.generator_batches = [], [], []


class RecordingPenalty(GradientPenalty):
    """The gradient penalty, recording its ε draws (eager only)."""

    def __init__(self, recorder, weight=10.0):
        super().__init__(weight)
        self.recorder = recorder

    def sample_epsilon(self, draw, batch_size):
        epsilon = super().sample_epsilon(draw, batch_size)
        self.recorder.epsilon.append(np.asarray(epsilon))
        return epsilon


class Probe(WGANGP):
    """A WGAN-GP that records the batches of each sub-step (eager only)."""

    def discriminator_step(self, real, condition):
        self.recorder.critic_batches.append(np.asarray(real))
        super().discriminator_step(real, condition)

    def generator_step(self, real, condition):
        self.recorder.generator_batches.append(np.asarray(real))
        super().generator_step(real, condition)


class FixedEpsilon(GradientPenalty):
    """The gradient penalty with a fixed ramp for ε, for comparisons across compilers."""

    def sample_epsilon(self, draw, batch_size):
        return tf.linspace(0.1, 1.0, batch_size)


def _probe(**kwargs):
    recorder = Recorder()
    model = Probe.for_images(**{**TINY, "regularizers": [RecordingPenalty(recorder)], **kwargs})
    object.__setattr__(model, "recorder", recorder)
    return model


def _constant_images(count, shape=(16, 16, 1)):
    """Image i is filled with a distinct value, so a chunk tells which rows it holds."""
    values = np.linspace(-0.9, 0.9, count, dtype=np.float32)
    return np.broadcast_to(values[:, None, None, None], (count, *shape)).copy()


class TestWGANGP(GANTestCase):
    def test_contract(self, tiny_images):
        # Two critic steps, not the paper's five (`test_paper_defaults`): every check
        # traces a fresh step, and each critic step traced costs seconds. Batches of
        # 2 × 4: two chunks of 4, each split 2 + 2 over two replicas; a batch of 5
        # is not a multiple of d_steps.
        self.run_gan_test(
            WGANGP,
            {**TINY, "d_steps": 2},
            tiny_images((16, 16, 1), count=16, batch_size=8),
            expected_logs=LOGS,
            bad_data=[(tiny_images((16, 16, 1), count=10, batch_size=5), "multiple of d_steps")],
        )

    def test_paper_defaults(self):
        gan = WGANGP.for_images((28, 28, 1), base_filters=4)
        gan.compile()
        for optimizer in (gan.g_optimizer, gan.d_optimizer):
            assert isinstance(optimizer, keras.optimizers.Adam)
            assert float(optimizer.learning_rate) == pytest.approx(1e-4)
            assert optimizer.beta_1 == 0.0
            assert optimizer.beta_2 == pytest.approx(0.9)
        assert (gan.latent_dim, gan.d_steps, gan.gp_weight) == (128, 5, 10.0)
        assert WGANGP.default_d_steps == 5  # what `ganzoo train` multiplies B by
        assert gan.adversarial_loss == "wasserstein"
        assert gan.log_names() == ["d_loss", "g_loss", "gp", "wasserstein"]
        assert WGANGP.for_images((28, 28, 1), base_filters=4, r1_gamma=1.0).log_names() == [
            "d_loss",
            "g_loss",
            "gp",
            "wasserstein",
            "r1",
        ]

    @pytest.mark.parametrize(
        ("shape", "filters", "params"),
        [
            # gan_mnist.py (DIM=64): conv 64, 128, 256, FC 1 = 1,030,145 parameters.
            ((28, 28, 1), [64, 128, 256], 1_030_145),
            # gan_cifar.py (DIM=128).
            ((32, 32, 3), [128, 256, 512], None),
            # gan_64x64.py's DCGAN critic (DIM=64).
            ((64, 64, 3), [64, 128, 256, 512], None),
        ],
    )
    def test_reference_critics(self, shape, filters, params):
        gan = WGANGP.for_images(shape)
        critic = gan.discriminator
        convs = [layer for layer in critic.layers if isinstance(layer, keras.layers.Conv2D)]
        assert [layer.filters for layer in convs] == filters
        assert all(c.kernel_size == (5, 5) and c.strides == (2, 2) for c in convs)
        assert critic.layers[-2].input.shape[1:3] == (4, 4)  # flattened at 4×4
        assert not any(
            isinstance(layer, (keras.layers.BatchNormalization, keras.layers.GroupNormalization))
            for layer in critic.layers
        )
        slopes = [
            layer.negative_slope
            for layer in critic.layers
            if isinstance(layer, keras.layers.LeakyReLU)
        ]
        assert slopes == pytest.approx([0.2] * len(filters))
        assert critic.output_shape == (None, 1)
        if params is not None:
            assert critic.count_params() == params
        assert gan.generator.output_shape[1:] == shape

    def test_layer_norm_critic(self):
        critic = wgan_nets.build_critic((64, 64, 3), base_filters=4, normalization="layer")
        norms = [
            layer for layer in critic.layers if isinstance(layer, keras.layers.GroupNormalization)
        ]
        # After every convolution but the first, one group: layer norm over (H, W, C).
        assert len(norms) == 3 and all(n.groups == 1 for n in norms)
        assert norms[0].gamma.shape == (8,)

    @pytest.mark.parametrize("normalization", [None, "layer"])
    def test_critic_scores_each_example_on_its_own(self, normalization):
        # The gradient penalty is per example: no score may depend on the rest of the batch.
        critic = wgan_nets.build_critic((16, 16, 1), base_filters=4, normalization=normalization)
        rng = np.random.default_rng(0)
        batch = rng.uniform(-1, 1, (6, 16, 16, 1)).astype("float32")
        other = batch.copy()
        other[1:] = rng.uniform(-1, 1, (5, 16, 16, 1))
        one = np.asarray(critic(batch, training=True))[0]
        two = np.asarray(critic(other, training=True))[0]
        np.testing.assert_allclose(one, two, rtol=1e-6)

    def test_bad_arguments_are_refused(self):
        with pytest.raises(ValueError, match=r"normalization.*'batch'.*per-example"):
            wgan_nets.build_critic((28, 28, 1), normalization="batch")
        with pytest.raises(ValueError, match=r"adversarial_loss='wasserstein'.*'hinge'"):
            WGANGP.for_images((16, 16, 1), base_filters=4, adversarial_loss="hinge")
        with pytest.raises(ValueError, match=r"without batch normalization.*\['bn'\]"):
            inner = keras.Sequential(
                [keras.Input((4, 4, 1)), keras.layers.BatchNormalization(name="bn")]
            )
            images = keras.Input((16, 16, 1))
            outer = keras.layers.Dense(1)(keras.layers.Flatten()(inner(images[:, :4, :4])))
            WGANGP(WGANGP.for_images(**TINY).generator, keras.Model(images, outer), 8)
        with pytest.raises(ValueError, match=r"gp_weight must be a number >= 0; got -1"):
            WGANGP.for_images((16, 16, 1), base_filters=4, gp_weight=-1)

    def test_epsilon_is_uniform_on_0_1(self):
        gan = WGANGP.for_images(**TINY)
        penalty = GradientPenalty()
        values = np.concatenate(
            [np.asarray(penalty.sample_epsilon(gan.draw, 1000)) for _ in range(20)]
        )
        assert values.shape == (20_000,)
        assert values.min() >= 0.0 and values.max() <= 1.0
        assert abs(values.mean() - 0.5) < 0.01
        assert abs(values.var() - 1 / 12) < 0.003
        assert scipy.stats.kstest(values, "uniform").pvalue > 1e-3
        assert scipy.stats.kstest(values, "norm", args=(0.5, 0.29)).pvalue < 1e-6

    def test_discriminator_loss_terms(self):
        # Per example: d_loss = D(x̃) - D(x) + 10·gp with gp at x̂ = ε·x + (1-ε)·x̃ for
        # the ε the model drew; wasserstein = D(x) - D(x̃).
        gan = _probe(r1_gamma=2.0)
        rng = np.random.default_rng(0)
        real = rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
        fake = rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
        # The core adds the regularizers to what the loss hook returns.
        terms = gan.apply_regularizers(
            "discriminator",
            gan.discriminator_loss(real, fake, None, None),
            lambda: [(gan.discriminator, real, fake)],
        )
        terms = {k: np.asarray(v) for k, v in terms.items()}
        (epsilon,) = gan.recorder.epsilon
        d_real = np.asarray(gan.discriminator(real))[:, 0]
        d_fake = np.asarray(gan.discriminator(fake))[:, 0]
        gp = np.asarray(losses.gradient_penalty(gan.discriminator, real, fake, epsilon))
        r1 = np.asarray(losses.r1_penalty(gan.discriminator, real))
        assert set(terms) == {"d_loss", "gp", "wasserstein", "r1"}
        np.testing.assert_allclose(terms["gp"], gp, rtol=1e-5)
        np.testing.assert_allclose(terms["wasserstein"], d_real - d_fake, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(terms["r1"], r1, rtol=1e-5)
        np.testing.assert_allclose(
            terms["d_loss"], d_fake - d_real + 10.0 * gp + 0.5 * 2.0 * r1, rtol=1e-5, atol=1e-6
        )
        # The interpolate really is ε·x + (1-ε)·x̃: the swapped one gives other values.
        swapped = np.asarray(losses.gradient_penalty(gan.discriminator, real, fake, 1 - epsilon))
        assert not np.allclose(terms["gp"], swapped, rtol=1e-3)

    def test_each_critic_step_gets_its_own_chunk(self):
        gan = _probe()
        gan.compile()
        batch = _constant_images(20)
        logs = gan.train_step(tf.constant(batch))
        chunks = gan.recorder.critic_batches
        assert len(chunks) == 5 and len(gan.recorder.generator_batches) == 1
        for i, chunk in enumerate(chunks):
            np.testing.assert_array_equal(chunk, batch[i::5])
        rows = np.concatenate([chunk[:, 0, 0, 0] for chunk in chunks])
        assert len(np.unique(rows)) == 20  # every image once, no chunk reused
        assert gan.recorder.generator_batches[0].shape[0] == 4  # the generator uses B
        assert [e.shape for e in gan.recorder.epsilon] == [(4,)] * 5
        assert len({e.tobytes() for e in gan.recorder.epsilon}) == 5  # fresh ε per step
        assert int(gan.d_optimizer.iterations) == 5 and int(gan.g_optimizer.iterations) == 1
        assert set(logs) == LOGS

    def test_gradient_penalty_under_xla(self):
        # The critic's gradient, second-order penalty term included, is the same with
        # jit_compile=True. ε is fixed here: under XLA, TensorFlow's stateless random
        # ops (algorithm "auto_select") draw different numbers than without it.
        gan = WGANGP.for_images(**TINY, regularizers=[FixedEpsilon()])
        rng = np.random.default_rng(0)
        real = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32"))
        fake = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 1)).astype("float32"))

        def critic_gradients(real, fake):
            with tf.GradientTape() as tape:
                terms = gan.apply_regularizers(
                    "discriminator",
                    gan.discriminator_loss(real, fake, None, None),
                    lambda: [(gan.discriminator, real, fake)],
                )
                loss = tf.reduce_mean(terms["d_loss"])
            return tape.gradient(loss, gan.discriminator.trainable_variables), terms["gp"]

        gradients, gp = critic_gradients(real, fake)
        xla_gradients, xla_gp = tf.function(critic_gradients, jit_compile=True)(real, fake)
        np.testing.assert_allclose(np.asarray(xla_gp), np.asarray(gp), rtol=1e-4)
        assert float(tf.reduce_max(gp)) > 1e-3  # the penalty is active
        for a, b in zip(gradients, xla_gradients, strict=True):
            np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-4, atol=1e-6)

    def test_fit_with_xla_and_r1(self, tiny_images):
        # d_steps=2 keeps the XLA compilation short.
        gan = WGANGP.for_images(**TINY, d_steps=2, r1_gamma=1.0)
        gan.compile(jit_compile=True)
        before = gan.get_weights()
        logs = gan.fit(tiny_images((16, 16, 1), count=16, batch_size=8), epochs=1, verbose=0)
        assert set(logs.history) == {*LOGS, "r1"}
        assert all(np.isfinite(v[0]) for v in logs.history.values())
        assert logs.history["r1"][0] > 0 and logs.history["gp"][0] > 0
        changed = {
            v.path: not np.array_equal(a, b)
            for a, b, v in zip(before, gan.get_weights(), gan.weights, strict=True)
            if v.trainable
        }
        # D(x̃) - D(x) and both penalties ignore a constant shift of the critic, so the
        # score's bias gets exactly zero gradient; every other weight trains.
        assert changed.pop("score/bias") is False
        assert all(changed.values()), changed


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wgan_gp_fashion_mnist.py"


def test_example_trains_saves_and_resumes_on_mock_fashion_mnist(tmp_path):
    spec = importlib.util.spec_from_file_location("wgan_gp_fashion_mnist", EXAMPLE)
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
    gan = keras.models.load_model(os.path.join(out, "wgan_gp.keras"))
    assert isinstance(gan, WGANGP) and gan.image_shape == (28, 28, 1)
    # 2 epochs × 2 batches of 2 × 2 images: 2 critic steps per generator step.
    assert int(gan.g_optimizer.iterations) == 4 and int(gan.d_optimizer.iterations) == 8
