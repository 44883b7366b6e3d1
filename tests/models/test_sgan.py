import csv
import importlib.util
import os
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from keras import ops

from ganzoo import cli, registry
from ganzoo.core.replicas import global_sum, num_replicas
from ganzoo.layers import WeightNormDense
from ganzoo.models.sgan import SGAN
from ganzoo.nets import sgan as sgan_nets
from ganzoo.testing import GANTestCase

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sgan_mnist.py"
LOGS = {"d_loss", "g_loss", "supervised_loss", "unsupervised_loss", "labelled_accuracy"}


def _data(labels, shape=(8, 8, 1), batch_size=8, seed=0):
    labels = np.asarray(labels, "int32")
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (len(labels), *shape)).astype("float32")
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(
        batch_size, drop_remainder=True
    )


def _tiny(**overrides):
    return registry.get("sgan").build_tiny(seed=1, **overrides)


# 16 images in batches of 8: the first batch's labelled images all lie in the first
# replica's half, the second batch holds none (its supervised term is 0).
UNEVEN = [0, 1, 2, 1, -1, -1, -1, -1] + [-1] * 8


class TestSGAN(GANTestCase):
    def test_contract(self):
        images = np.zeros((16, 8, 8, 1), "float32")
        self.run_gan_test(
            SGAN,
            {**registry.get("sgan").tiny, "seed": 1},
            _data(UNEVEN),
            bad_data=[
                (tf.data.Dataset.from_tensor_slices(images).batch(8), r"labels"),
                (_data([3] * 16), r"\[-1, 3\).*got values in \[3, 3\]"),
                (_data([-2] * 16), r"\[-1, 3\)"),
                (_data([-1] * 16), r"labelled image"),
            ],
            check_resume=False,
        )

    def test_a_per_replica_labelled_count_fails_the_strategy_check(self):
        """The check catches a supervised mean over each replica's own labelled images."""

        class LocalCount(SGAN):
            def discriminator_loss(self, real, fake, latents, labels):
                terms = super().discriminator_loss(real, fake, latents, labels)
                mask = ops.cast(labels >= 0, "float32")
                local_batch = ops.cast(ops.shape(labels)[0], "float32")
                global_count = ops.maximum(global_sum(ops.sum(mask)), 1.0)
                # mask · CE · B_local / labelled_local: each replica's own mean.
                cross_entropy = terms["supervised_loss"] * global_count
                cross_entropy /= local_batch * num_replicas()
                wrong = cross_entropy * local_batch / ops.maximum(ops.sum(mask), 1.0)
                terms["d_loss"] = terms["d_loss"] - terms["supervised_loss"] + wrong
                return terms

        keras.utils.set_random_seed(1234)
        model = LocalCount.for_images(**registry.get("sgan").tiny, seed=1)
        with pytest.raises(AssertionError, match="differs between one device"):
            self.check_strategy_equals_one_device(LocalCount, model, _data(UNEVEN))


def test_discriminator_scores_are_logsumexp_and_losses_follow_the_paper():
    gan = _tiny()
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
    fake = rng.uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
    labels = np.array([2, -1, 0, -1], "int32")
    terms = gan.discriminator_loss(real, fake, None, labels)
    # Gaussian noise makes every call differ: recompute with the layers' noise off.
    gan_quiet = SGAN(
        gan.generator,
        sgan_nets.build_sgan_discriminator((8, 8, 1), 3, (8, 8), 0.0, 0.0),
        4,
        3,
    )
    gan_quiet.discriminator.set_weights(gan.discriminator.get_weights())
    terms = gan_quiet.discriminator_loss(real, fake, None, labels)
    l_real = np.asarray(gan_quiet.discriminator(real)[0], "float64")
    l_fake = np.asarray(gan_quiet.discriminator(fake)[0], "float64")
    lse = lambda x: np.log(np.exp(x).sum(-1))  # noqa: E731
    softplus = lambda x: np.log1p(np.exp(x))  # noqa: E731
    np.testing.assert_allclose(
        np.asarray(gan_quiet.discriminate(real, None))[:, 0], lse(l_real), rtol=1e-5
    )
    # -log D(x) - log(1 - D(G(z))) with D = Z / (Z + 1).
    d_real = np.exp(lse(l_real)) / (np.exp(lse(l_real)) + 1)
    d_fake = np.exp(lse(l_fake)) / (np.exp(lse(l_fake)) + 1)
    np.testing.assert_allclose(
        terms["unsupervised_loss"], -np.log(d_real) - np.log(1 - d_fake), rtol=1e-5
    )
    np.testing.assert_allclose(
        terms["unsupervised_loss"], softplus(-lse(l_real)) + softplus(lse(l_fake)), rtol=1e-5
    )
    # Cross-entropy over the 2 labelled images; the per-example terms average to it.
    ce = [lse(l_real)[i] - l_real[i, labels[i]] for i in (0, 2)]
    np.testing.assert_allclose(np.mean(terms["supervised_loss"]), np.mean(ce), rtol=1e-5)
    np.testing.assert_array_equal(np.asarray(terms["supervised_loss"])[[1, 3]], 0.0)
    np.testing.assert_allclose(
        terms["d_loss"],
        np.asarray(terms["supervised_loss"]) + 0.5 * np.asarray(terms["unsupervised_loss"]),
        rtol=1e-6,
    )
    none = gan_quiet.discriminator_loss(real, fake, None, np.full(4, -1, "int32"))
    np.testing.assert_array_equal(none["supervised_loss"], 0.0)


def test_generator_loss_is_feature_matching_on_batch_means():
    gan = SGAN(
        sgan_nets.build_sgan_generator((8, 8, 1), 4, (8,)),
        sgan_nets.build_sgan_discriminator((8, 8, 1), 3, (8, 8), 0.0, 0.0),
        4,
        3,
    )
    rng = np.random.default_rng(1)
    real = rng.uniform(-1, 1, (6, 8, 8, 1)).astype("float32")
    fake = rng.uniform(-1, 1, (6, 8, 8, 1)).astype("float32")
    loss = np.asarray(gan.generator_loss(fake, None, None, real)["g_loss"])
    features = lambda x: np.asarray(gan.discriminator(x)[1])  # noqa: E731
    expected = np.mean((features(real).mean(0) - features(fake).mean(0)) ** 2)
    np.testing.assert_allclose(loss, np.full(6, expected), rtol=1e-5)
    assert expected > 0


def test_classifier_shares_the_discriminator_and_survives_saving(tmp_path):
    gan = _tiny()
    images = np.random.default_rng(0).uniform(-1, 1, (5, 8, 8, 1)).astype("float32")
    logits = np.asarray(gan.classifier(images))
    assert logits.shape == (5, 3)
    np.testing.assert_allclose(logits, np.asarray(gan.discriminator(images)[0]), atol=1e-6)
    assert {id(v) for v in gan.classifier.weights} <= {id(v) for v in gan.discriminator.weights}
    gan.compile()
    gan.fit(_data(UNEVEN), epochs=1, verbose=0)
    path = str(tmp_path / "sgan.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        np.asarray(loaded.classifier(images)), np.asarray(gan.classifier(images)), atol=1e-6
    )


def test_paper_defaults():
    gan = SGAN.for_images((32, 32, 1), num_classes=10)
    gan.compile()
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(3e-3)
        assert optimizer.beta_1 == pytest.approx(0.5)
    # The authors' loss_unl: 0.5 (softplus(-lse(l_real)) + softplus(lse(l_fake))).
    assert gan.latent_dim == 100 and gan.unsupervised_weight == 0.5
    dense = [layer for layer in gan.discriminator.layers if isinstance(layer, WeightNormDense)]
    assert [layer.units for layer in dense] == [1000, 500, 250, 250, 250, 10]
    # g fixed at its data-dependent value in the hidden layers, trained in the logits'.
    assert [layer.train_scale for layer in dense] == [False] * 5 + [True]
    noise = [layer.stddev for layer in gan.discriminator.layers if hasattr(layer, "stddev")]
    assert noise == [0.6] + [0.5] * 5
    g_dense = [
        layer.units
        for layer in gan.generator.layers
        if isinstance(layer, (keras.layers.Dense, WeightNormDense))
    ]
    assert g_dense == [500, 500, 32 * 32]
    # G's output layer is weight-normalised (the code's nn.l2normalize), its g trained.
    assert isinstance(gan.generator.layers[-2], WeightNormDense)
    assert gan.generator.layers[-2].train_scale
    latents = np.asarray(gan.sample_latent(1000))
    assert (
        latents.min() >= 0.0
        and latents.max() < 1.0
        and latents.mean() == pytest.approx(0.5, abs=0.01)
    )
    assert gan.generate(3, seed=0).shape == (3, 32, 32, 1)


def test_discriminator_must_have_class_logits_and_features():
    g = sgan_nets.build_sgan_generator((8, 8, 1), 4, (8,))
    with pytest.raises(
        ValueError, match=r"logits \(batch, 3\), features.*got outputs \[\(None, 4\)"
    ):
        SGAN(g, sgan_nets.build_sgan_discriminator((8, 8, 1), 4, (8,)), 4, 3)


def test_cli_trains_with_few_labels(tmp_path):
    out = str(tmp_path / "sgan")
    argv = ["train", "sgan", "--labelled", "20", "--epochs", "1", "--steps-per-epoch", "2"]
    assert cli.main([*argv, "--batch-size", "16", "--latent-dim", "8", "--out", out]) == 0
    model = keras.models.load_model(os.path.join(out, "model.keras"))
    assert isinstance(model, SGAN) and model.num_classes == 10
    assert int(model.g_optimizer.iterations) == 2


def test_example_trains_saves_and_resumes_on_mock_mnist(tmp_path):
    spec = importlib.util.spec_from_file_location("sgan_mnist", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = str(tmp_path / "run")
    args = ["--out", out, "--batch-size", "16", "--max-batches", "2", "--labelled", "10"]
    args += ["--latent-dim", "8", "--seed", "3"]
    with tfds.testing.mock_data(num_examples=100):
        first = example.main([*args, "--epochs", "1"])
        assert set(first.history) == LOGS
        example.main([*args, "--epochs", "2"])  # resumes from --out/backup
    with open(os.path.join(out, "history.csv")) as f:
        assert [int(row["epoch"]) for row in csv.DictReader(f)] == [0, 1]
    gan = keras.models.load_model(os.path.join(out, "sgan.keras"))
    assert isinstance(gan, SGAN) and gan.image_shape == (28, 28, 1)
    assert int(gan.g_optimizer.iterations) == 4


def test_weight_norm_dense_and_its_data_dependent_init():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(64, 5)).astype("float32")
    layer = WeightNormDense(3, train_scale=False)
    layer(x)
    v = np.asarray(layer.kernel)
    w = v / np.linalg.norm(v, axis=0) * np.asarray(layer.scale)
    np.testing.assert_allclose(layer(x), x @ w + np.asarray(layer.bias), rtol=1e-5, atol=1e-6)
    assert [var.name for var in layer.trainable_variables] == ["kernel", "bias"]
    assert layer.initialize(x) and not layer.initialize(x * 10.0)
    out = np.asarray(layer(x))
    np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(0), 1.0, rtol=1e-4)
    # The whole discriminator (noise off), layer by layer: its logits start standardised.
    d = sgan_nets.build_sgan_discriminator((8, 8, 1), 3, (8, 8), 0.0, 0.0)
    gan = SGAN(sgan_nets.build_sgan_generator((8, 8, 1), 4, (8,)), d, 4, 3)
    images = rng.uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    assert gan.initialize(images) and not gan.initialize(images)
    logits = np.asarray(d(images)[0])
    np.testing.assert_allclose(logits.mean(0), 0.0, atol=1e-4)
    np.testing.assert_allclose(logits.std(0), 1.0, rtol=1e-3)


def _few_label_classifier_accuracy(steps: int, unsupervised_weight: float = 0.5) -> float:
    """Held-out accuracy of SGAN's classifier after `steps` steps of 100 digits with 50
    labels (5 per class) drawn from a 1,297-image training split."""
    from ganzoo.data import semi_supervised
    from ganzoo.data.digits import load_digits_arrays

    images, labels = load_digits_arrays(32)
    order = np.random.default_rng(0).permutation(len(labels))
    held_out, train = order[:500], order[500:]
    data = semi_supervised.from_arrays(
        images[train], labels[train], labelled=50, batch_size=100, seed=0
    )
    keras.utils.set_random_seed(0)
    gan = SGAN.for_images(
        (32, 32, 1), num_classes=10, unsupervised_weight=unsupervised_weight, seed=0
    )
    gan.initialize(images[train][:500])
    gan.compile()
    gan.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
    logits = gan.classifier.predict(images[held_out], batch_size=500, verbose=0)
    return float(np.mean(np.argmax(logits, axis=-1) == labels[held_out]))


@pytest.mark.slow  # 300 steps of 100 images, ~40 s of CPU
def test_classifier_learns_the_digits_from_50_labels():
    # SGAN's learning is its classifier's (its feature-matching G makes no digits at CI
    # budgets; docs/sgan.md). At 300 steps it is still unsteady: 0.824 in one process,
    # 0.612 in CI's xdist worker on the same machine; a D without its supervised term
    # gives 0.114 (chance 0.1). benchmarks/sgan_few_labels.py compares it with
    # supervised-only training over 5 seeds and longer budgets.
    assert _few_label_classifier_accuracy(300) >= 0.45
