"""Numeric tests of `ganzoo.losses`: closed forms, extreme logits, patch maps, terms."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from ganzoo import losses

LOG2 = float(np.log(2.0))


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _softplus(x):
    return np.log1p(np.exp(np.asarray(x, np.float64)))


# ---------------------------------------------------------------- adversarial losses

REAL = np.array([[0.0], [2.0], [-1.0], [0.5]], np.float32)
FAKE = np.array([[0.0], [-3.0], [1.0], [0.25]], np.float32)


def test_per_example_averages_all_but_the_batch_axis():
    patch = np.arange(16, dtype=np.float32).reshape(2, 2, 2, 2)
    np.testing.assert_allclose(_np(losses.per_example(patch)), [3.5, 11.5])
    np.testing.assert_allclose(_np(losses.per_example(np.array([1.0, -2.0]))), [1.0, -2.0])


@pytest.mark.parametrize(
    "name, d_expected, g_expected",
    [
        (
            "minimax",
            _softplus(-REAL[:, 0]) + _softplus(FAKE[:, 0]),
            -_softplus(FAKE[:, 0]),
        ),
        (
            "non_saturating",
            _softplus(-REAL[:, 0]) + _softplus(FAKE[:, 0]),
            _softplus(-FAKE[:, 0]),
        ),
        (
            "least_squares",
            # ½(r - 1)² + ½f²
            [0.5 * (1 + 0), 0.5 * (1 + 9), 0.5 * (4 + 1), 0.5 * (0.25 + 0.0625)],
            # ½(f - 1)²
            [0.5, 8.0, 0.0, 0.5 * 0.5625],
        ),
        (
            "hinge",
            # max(0, 1 - r) + max(0, 1 + f)
            [1 + 1, 0 + 0, 2 + 2, 0.5 + 1.25],
            [0.0, 3.0, -1.0, -0.25],
        ),
        ("wasserstein", [0.0, -5.0, 2.0, -0.25], [0.0, 3.0, -1.0, -0.25]),
    ],
)
def test_loss_pairs_equal_their_closed_forms(name, d_expected, g_expected):
    pair = losses.get(name)
    np.testing.assert_allclose(
        _np(pair.discriminator(REAL, FAKE)), d_expected, rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(_np(pair.generator(FAKE)), g_expected, rtol=1e-6, atol=1e-6)


def test_hand_checked_values():
    zeros = np.zeros((3, 1), np.float32)
    # At D = 1/2: -log ½ - log ½ = 2 log 2, and the generator's -log ½ = log 2.
    np.testing.assert_allclose(
        _np(losses.minimax_discriminator_loss(zeros, zeros)), 2 * LOG2, rtol=1e-6
    )
    np.testing.assert_allclose(_np(losses.non_saturating_generator_loss(zeros)), LOG2, rtol=1e-6)
    np.testing.assert_allclose(_np(losses.minimax_generator_loss(zeros)), -LOG2, rtol=1e-6)
    # D(x) = sigmoid(log 3) = 3/4: -log ¾; D(G(z)) = sigmoid(-log 3) = ¼: -log ¾.
    log3 = np.full((1, 1), np.log(3.0), np.float32)
    np.testing.assert_allclose(
        _np(losses.minimax_discriminator_loss(log3, -log3)), [-2 * np.log(0.75)], rtol=1e-6
    )


@pytest.mark.parametrize("name", sorted(losses.ADVERSARIAL_LOSSES))
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_losses_and_gradients_stay_finite_for_large_logits(name, sign):
    pair = losses.get(name)
    real = tf.constant([[100.0 * sign]] * 2)
    fake = tf.constant([[-100.0 * sign]] * 2)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        d = pair.discriminator(real, fake)
        g = pair.generator(fake)
    for value in (d, g, *tape.gradient(d, [real, fake]), tape.gradient(g, fake)):
        assert np.all(np.isfinite(_np(value))), (name, sign)


def test_log_sigmoid_losses_reach_their_asymptotes_at_100():
    big = np.full((2, 1), 100.0, np.float32)
    # A confident, correct discriminator: loss 0; a confidently wrong one: 200.
    np.testing.assert_allclose(_np(losses.minimax_discriminator_loss(big, -big)), 0.0, atol=1e-6)
    np.testing.assert_allclose(_np(losses.minimax_discriminator_loss(-big, big)), 200.0, rtol=1e-6)
    np.testing.assert_allclose(_np(losses.non_saturating_generator_loss(-big)), 100.0, rtol=1e-6)
    np.testing.assert_allclose(_np(losses.non_saturating_generator_loss(big)), 0.0, atol=1e-6)
    np.testing.assert_allclose(_np(losses.minimax_generator_loss(big)), -100.0, rtol=1e-6)


def test_patch_outputs_are_averaged_per_example():
    real = np.stack([np.full((2, 2, 1), 1.0), np.full((2, 2, 1), 3.0)]).astype(np.float32)
    fake = np.zeros_like(real)
    np.testing.assert_allclose(_np(losses.wasserstein_discriminator_loss(real, fake)), [-1.0, -3.0])
    np.testing.assert_allclose(_np(losses.hinge_discriminator_loss(real, fake)), [1.0, 1.0])


# TF-GAN's `losses_impl_test.py` (tensorflow/gan): real outputs [-5.0, 1.4, 12.5, 2.7]
# and generated outputs [10.0, 4.4, -5.5, 3.6], which `test_*_patch` reshapes to
# (batch=2, 2 scores). TF-GAN reduces with SUM_BY_NONZERO_WEIGHTS, the mean over all
# elements, which on equal-sized examples is the batch mean of ganzoo's per-example
# means; its least-squares losses carry the same ½ factors as ganzoo's. Its minimax and
# modified discriminator losses (6.19637) include its default label smoothing of 0.25,
# so the value below (no smoothing) is computed from the closed form instead.
TFGAN_REAL = np.array([[-5.0, 1.4], [12.5, 2.7]], np.float32)
TFGAN_FAKE = np.array([[10.0, 4.4], [-5.5, 3.6]], np.float32)
TFGAN_EXPECTED = {
    "non_saturating": (5.83387, 1.38582),
    "minimax": (5.83387, -4.51082),  # G: -mean softplus(f); TF-GAN's -4.82408 smooths labels
    "least_squares": (41.73375, 17.69625),
    "wasserstein": (0.225, -3.125),
    "hinge": (6.75, -3.125),  # TF-GAN's wasserstein_hinge_* losses
}


def _tfgan_batch_mean(values):
    return float(np.mean(_np(values)))


@pytest.mark.parametrize("name", sorted(TFGAN_EXPECTED))
@pytest.mark.parametrize("layout", [(2, 2), (2, 1, 2, 1)])
def test_multi_score_outputs_reproduce_tfgan_patch_values(name, layout):
    """Each score gets its nonlinearity, then scores are averaged per example."""
    d_expected, g_expected = TFGAN_EXPECTED[name]
    real, fake = TFGAN_REAL.reshape(layout), TFGAN_FAKE.reshape(layout)
    pair = losses.get(name)
    d_loss, g_loss = pair.discriminator(real, fake), pair.generator(fake)
    assert tuple(d_loss.shape) == tuple(g_loss.shape) == (2,)
    assert _tfgan_batch_mean(d_loss) == pytest.approx(d_expected, abs=1e-5)
    assert _tfgan_batch_mean(g_loss) == pytest.approx(g_expected, abs=1e-5)
    # The same scores as four single-score examples give the same batch mean.
    flat_d = pair.discriminator(TFGAN_REAL.reshape(4, 1), TFGAN_FAKE.reshape(4, 1))
    assert _tfgan_batch_mean(flat_d) == pytest.approx(d_expected, abs=1e-5)


def test_averaging_logits_first_is_caught():
    """The defect fixed here: the softplus of each example's mean logit (0.63885 for
    the generator) trains one classifier on the average score, not one per patch."""

    def non_saturating_of_mean_logit(fake_logits):  # the deliberate mistake
        return ops.softplus(-losses.per_example(fake_logits))

    wrong = _tfgan_batch_mean(non_saturating_of_mean_logit(TFGAN_FAKE))
    right = _tfgan_batch_mean(losses.non_saturating_generator_loss(TFGAN_FAKE))
    assert wrong == pytest.approx(0.63885, abs=1e-5)
    assert right == pytest.approx(1.38582, abs=1e-5)
    assert abs(wrong - TFGAN_EXPECTED["non_saturating"][1]) > 0.5
    # Linear losses cannot tell the two apart; the log-sigmoid ones can.
    for name in ("minimax", "non_saturating"):
        d_loss = losses.get(name).discriminator(TFGAN_REAL, TFGAN_FAKE)
        mean_first = ops.softplus(-losses.per_example(TFGAN_REAL)) + ops.softplus(
            losses.per_example(TFGAN_FAKE)
        )
        assert abs(_tfgan_batch_mean(d_loss) - _tfgan_batch_mean(mean_first)) > 0.5


# ---------------------------------------------------------------- other terms


def test_cycle_and_identity_terms_are_l1_per_example():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (3, 4, 4, 2)).astype(np.float32)
    y = rng.uniform(-1, 1, (3, 4, 4, 2)).astype(np.float32)
    expected = np.abs(x - y).mean(axis=(1, 2, 3))
    for term in (losses.l1_per_example, losses.cycle_consistency_loss, losses.identity_loss):
        np.testing.assert_allclose(_np(term(x, y)), expected, rtol=1e-6)
    assert losses.l1_per_example(x.astype(np.float16), y).dtype == "float32"


@pytest.mark.parametrize("learn_std", [False, True])
def test_mutual_information_terms_are_code_likelihoods(learn_std):
    rng = np.random.default_rng(1)
    one_hots = [np.eye(3, dtype=np.float32)[[0, 2]], np.eye(2, dtype=np.float32)[[1, 1]]]
    logits = [
        rng.normal(size=(2, 3)).astype(np.float32),
        rng.normal(size=(2, 2)).astype(np.float32),
    ]
    codes = rng.uniform(-1, 1, (2, 2)).astype(np.float32)
    means = rng.normal(size=(2, 2)).astype(np.float32)
    log_stds = rng.normal(size=(2, 2)).astype(np.float32) if learn_std else None
    terms = losses.mutual_information_terms(one_hots, logits, codes, means, log_stds)

    def cross_entropy(one_hot, logit):
        logit = logit.astype(np.float64)
        log_softmax = logit - np.log(np.exp(logit).sum(axis=1, keepdims=True))
        return -(one_hot * log_softmax).sum(axis=1)

    categorical = sum(cross_entropy(o, q) for o, q in zip(one_hots, logits, strict=True))
    sigma = np.exp(log_stds) if learn_std else np.ones_like(means)
    # -log N(c; μ, σ²) summed over the codes.
    gaussian = np.log(sigma) + 0.5 * ((codes - means) / sigma) ** 2 + 0.5 * np.log(2 * np.pi)
    np.testing.assert_allclose(_np(terms["categorical"]), categorical, rtol=1e-5)
    np.testing.assert_allclose(_np(terms["continuous"]), gaussian.sum(axis=1), rtol=1e-5)
    # No code of a kind: zeros of the batch's length.
    empty = losses.mutual_information_terms([], [], np.zeros((2, 0), np.float32), None)
    np.testing.assert_array_equal(_np(empty["categorical"]), [0.0, 0.0])
    np.testing.assert_array_equal(_np(empty["continuous"]), [0.0, 0.0])


def test_losses_compute_in_float32():
    half = np.zeros((2, 1), np.float16)
    for pair in losses.ADVERSARIAL_LOSSES.values():
        assert keras.backend.standardize_dtype(pair.discriminator(half, half).dtype) == "float32"
        assert keras.backend.standardize_dtype(pair.generator(half).dtype) == "float32"


def test_get_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unknown adversarial loss 'wgan'"):
        losses.get("wgan")
