"""Adversarial losses and penalties as plain functions of tensors.

Every loss takes discriminator *logits* (unbounded scores, no sigmoid applied) and
returns one value per example, shape `(batch,)`; the caller reduces them. Outputs with
more than one score per example (a PatchGAN's map) are scored one by one, and the loss
of every score is then averaged per example: the nonlinearity comes *before* the
average, as in TF-GAN, so a PatchGAN trains one classifier per patch rather than one on
the patches' average score. Log-sigmoid terms are written with `softplus`, which stays
finite for logits of any size: `-log(sigmoid(x)) = softplus(-x)` and
`-log(1 - sigmoid(x)) = softplus(x)`.

Beside the adversarial losses live the other per-example terms the variants add: the
cycle-consistency and identity L1 terms of CycleGAN and the mutual-information term of
InfoGAN. The gradient penalties (R1, WGAN-GP's) live in `ganzoo.regularizers`.

Naming follows TF-GAN (`tensorflow_gan/python/losses/losses_impl.py`): a
`*_discriminator_loss(real_logits, fake_logits)` and a `*_generator_loss(fake_logits)`
per family, and `ganzoo.losses.get(name)` returns the pair.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from keras import ops

from ganzoo._moved import moved_names

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)

__getattr__ = moved_names(
    __name__,
    {
        "gradient_penalty": "ganzoo.regularizers:gradient_penalty",
        "r1_penalty": "ganzoo.regularizers:r1_penalty",
    },
)


def per_example(values):
    """Averages every axis but the first, so each example gets one value.

    Args:
        values: a tensor of shape `(batch, ...)`.

    Returns:
        A float tensor of shape `(batch,)`.
    """
    values = ops.convert_to_tensor(values)
    if len(values.shape) == 1:
        return values
    return ops.mean(ops.reshape(values, (ops.shape(values)[0], -1)), axis=1)


def _scores(x):
    # Losses are computed in float32 even when the networks run in float16/bfloat16.
    return ops.cast(x, "float32")


def minimax_discriminator_loss(real_logits, fake_logits):
    """The discriminator's loss of the original GAN (Goodfellow et al., 2014).

    `-log D(x) - log(1 - D(G(z)))` with `D = sigmoid(logits)`.

    Args:
        real_logits: discriminator logits on real data, shape `(batch, ...)`.
        fake_logits: discriminator logits on generated data, same batch size.

    Returns:
        Per-example losses, shape `(batch,)`.

    Example:
    >>> minimax_discriminator_loss(ops.zeros((2, 1)), ops.zeros((2, 1)))  # 2·log 2
    """
    real_loss = per_example(ops.softplus(-_scores(real_logits)))
    return real_loss + per_example(ops.softplus(_scores(fake_logits)))


def minimax_generator_loss(fake_logits):
    """The saturating generator loss of Goodfellow et al. (2014): `log(1 - D(G(z)))`.

    It is the objective of the paper's minimax game; its gradient vanishes when the
    discriminator rejects the samples confidently, which is why the paper recommends
    the non-saturating form in practice.

    Args:
        fake_logits: discriminator logits on generated data, shape `(batch, ...)`.

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    return -per_example(ops.softplus(_scores(fake_logits)))


non_saturating_discriminator_loss = minimax_discriminator_loss


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss, `-log D(G(z))` (Goodfellow et al., 2014, §3).

    Args:
        fake_logits: discriminator logits on generated data, shape `(batch, ...)`.

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    return per_example(ops.softplus(-_scores(fake_logits)))


def least_squares_discriminator_loss(real_logits, fake_logits):
    """The LSGAN discriminator loss (Mao et al., 2017), with targets b=1 (real), a=0 (fake).

    `½(D(x) - 1)² + ½D(G(z))²`.

    Args:
        real_logits: discriminator outputs on real data, shape `(batch, ...)`.
        fake_logits: discriminator outputs on generated data.

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    real, fake = _scores(real_logits), _scores(fake_logits)
    return 0.5 * (per_example(ops.square(real - 1.0)) + per_example(ops.square(fake)))


def least_squares_generator_loss(fake_logits):
    """The LSGAN generator loss (Mao et al., 2017) with target c=1: `½(D(G(z)) - 1)²`.

    Args:
        fake_logits: discriminator outputs on generated data, shape `(batch, ...)`.

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    return 0.5 * per_example(ops.square(_scores(fake_logits) - 1.0))


def hinge_discriminator_loss(real_logits, fake_logits):
    """The hinge discriminator loss (Lim & Ye, 2017; Miyato et al., 2018).

    `max(0, 1 - D(x)) + max(0, 1 + D(G(z)))`.

    Args:
        real_logits: discriminator outputs on real data, shape `(batch, ...)`.
        fake_logits: discriminator outputs on generated data.

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    real, fake = _scores(real_logits), _scores(fake_logits)
    return per_example(ops.relu(1.0 - real)) + per_example(ops.relu(1.0 + fake))


def hinge_generator_loss(fake_logits):
    """The hinge generator loss: `-D(G(z))`.

    Args:
        fake_logits: discriminator outputs on generated data, shape `(batch, ...)`.

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    return -per_example(_scores(fake_logits))


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """The critic loss of WGAN (Arjovsky et al., 2017): `D(G(z)) - D(x)`.

    Args:
        real_logits: critic outputs on real data, shape `(batch, ...)`.
        fake_logits: critic outputs on generated data.

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    # Linear in the scores, so averaging first or last gives the same value.
    return per_example(_scores(fake_logits)) - per_example(_scores(real_logits))


def wasserstein_generator_loss(fake_logits):
    """The generator loss of WGAN (Arjovsky et al., 2017): `-D(G(z))`.

    Args:
        fake_logits: critic outputs on generated data, shape `(batch, ...)`.

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    return -per_example(_scores(fake_logits))


def relativistic_pairing_discriminator_loss(real_logits, fake_logits):
    """The relativistic pairing loss of the discriminator (RpGAN; Jolicoeur-Martineau,
    2019; with R1 and R2 in R3GAN, Huang et al., 2024, eq. 2): `softplus(-(D(x) - D(G(z))))`.

    Each real example is paired with the fake example at the same position. Not in
    `ADVERSARIAL_LOSSES`: its generator side needs the real logits too.

    Args:
        real_logits: discriminator logits on real data, shape `(batch, ...)`.
        fake_logits: discriminator logits on generated data, the same shape.

    Returns:
        Per-example losses, shape `(batch,)`.

    Example:
    >>> relativistic_pairing_discriminator_loss(ops.ones((2, 1)), ops.zeros((2, 1)))
    """
    return per_example(ops.softplus(_scores(fake_logits) - _scores(real_logits)))


def relativistic_pairing_generator_loss(fake_logits, real_logits):
    """The relativistic pairing loss of the generator: `softplus(-(D(G(z)) - D(x)))`.

    Args:
        fake_logits: discriminator logits on generated data, shape `(batch, ...)`.
        real_logits: discriminator logits on the real batch, the same shape (the
            generator's gradient does not flow through them).

    Returns:
        Per-example losses, shape `(batch,)`.
    """
    return per_example(ops.softplus(_scores(real_logits) - _scores(fake_logits)))


def auxiliary_classifier_loss(labels, class_logits):
    """The class term of AC-GAN (Odena et al., 2017): `-log P(C = c | X)`, per example.

    Args:
        labels: integer classes, shape `(batch,)`.
        class_logits: the discriminator's class logits, shape `(batch, num_classes)`.

    Returns:
        Per-example cross-entropies, shape `(batch,)`, in float32.
    """
    return ops.sparse_categorical_crossentropy(
        ops.cast(labels, "int32"), _scores(class_logits), from_logits=True
    )


class AdversarialLoss(NamedTuple):
    """A discriminator loss and the generator loss that goes with it."""

    discriminator: Callable
    generator: Callable


ADVERSARIAL_LOSSES: dict[str, AdversarialLoss] = {
    "minimax": AdversarialLoss(minimax_discriminator_loss, minimax_generator_loss),
    "non_saturating": AdversarialLoss(
        non_saturating_discriminator_loss, non_saturating_generator_loss
    ),
    "least_squares": AdversarialLoss(
        least_squares_discriminator_loss, least_squares_generator_loss
    ),
    "hinge": AdversarialLoss(hinge_discriminator_loss, hinge_generator_loss),
    "wasserstein": AdversarialLoss(wasserstein_discriminator_loss, wasserstein_generator_loss),
}


def get(name: str) -> AdversarialLoss:
    """Returns the `(discriminator, generator)` loss pair called `name`.

    Args:
        name: one of `"minimax"`, `"non_saturating"`, `"least_squares"`, `"hinge"`,
            `"wasserstein"`.

    Returns:
        An `AdversarialLoss` named tuple.

    Example:
    >>> d_loss, g_loss = ganzoo.losses.get("hinge")
    """
    if name not in ADVERSARIAL_LOSSES:
        raise ValueError(
            f"Unknown adversarial loss {name!r}; expected one of {sorted(ADVERSARIAL_LOSSES)}."
        )
    return ADVERSARIAL_LOSSES[name]


# ---------------------------------------------------------------------- other terms


def feature_matching_loss(real_mean, fake_mean):
    """Feature matching (Salimans et al., 2016, §3.1): `‖E f(x) - E f(G(z))‖²`, averaged
    over the features, from the batch means of D's intermediate features.

    Args:
        real_mean: the mean features of the real batch, e.g.
            `ganzoo.core.replicas.global_batch_mean(f(x))`; treated as a constant target
            where the caller stops its gradient.
        fake_mean: the mean features of the generated batch.

    Returns:
        A scalar.

    Example:
    >>> feature_matching_loss(ops.zeros(4), ops.ones(4))   # 1.0
    """
    difference = ops.cast(real_mean, "float32") - ops.cast(fake_mean, "float32")
    return ops.mean(ops.square(difference))


def l1_per_example(x, y):
    """The mean absolute difference of `x` and `y` per example, in float32.

    Args:
        x: a tensor of shape `(batch, ...)`.
        y: a tensor of the same shape.

    Returns:
        A float32 tensor of shape `(batch,)`: `mean |x - y|` over every axis but the first.
    """
    return per_example(ops.abs(ops.cast(x, "float32") - ops.cast(y, "float32")))


def cycle_consistency_loss(real, reconstructed):
    """CycleGAN's cycle-consistency term (Zhu et al., 2017, eq. 2): `‖F(G(x)) - x‖₁`.

    Averaged over pixels (as the reference's `L1Loss`), one value per example.

    Args:
        real: the images a cycle started from, `(batch, H, W, C)`.
        reconstructed: the images after the round trip, `F(G(real))`, same shape.

    Returns:
        Per-example losses, shape `(batch,)` (the paper weights them by λ = 10).

    Example:
    >>> cycle = cycle_consistency_loss(a, generator_f(generator_g(a)))
    """
    return l1_per_example(reconstructed, real)


def identity_loss(real, mapped):
    """The identity-mapping term (Taigman et al., 2017; Zhu et al., 2017, §5.2):
    `‖G(y) - y‖₁` for `G: X → Y` fed an image `y` of its own output domain.

    Args:
        real: images of the generator's output domain, `(batch, H, W, C)`.
        mapped: the generator's outputs on them, same shape.

    Returns:
        Per-example losses, shape `(batch,)` (CycleGAN weights them by 0.5·λ).

    Example:
    >>> identity = identity_loss(b, generator_g(b))
    """
    return l1_per_example(mapped, real)


def mutual_information_terms(
    categorical_codes: Sequence,
    categorical_logits: Sequence,
    continuous_codes,
    continuous_means,
    continuous_log_stds=None,
) -> dict:
    """InfoGAN's information term `L_I` (Chen et al., 2016, eq. 5), per example.

    The negative of the variational lower bound of the mutual information between the
    codes `c` and the images `G(z, c)`, up to the codes' entropy (a constant): the
    negative log-likelihood of the drawn codes under the recognition network Q.

    - categorical codes: the cross-entropy of Q's logits with the drawn one-hot code,
      summed over the codes;
    - continuous codes: the Gaussian negative log-likelihood
      `log σ + ½((c - μ)/σ)² + ½ log 2π`, summed over the codes, with `σ = 1` when no
      log standard deviations are given (the authors' `fix_std=True`).

    Args:
        categorical_codes: one one-hot tensor `(batch, k_j)` per categorical code.
        categorical_logits: Q's logits for them, the same shapes.
        continuous_codes: the drawn continuous codes, `(batch, c)`; `c` may be 0.
        continuous_means: Q's means for them, `(batch, c)`.
        continuous_log_stds: Q's log standard deviations, `(batch, c)`, or `None`.

    Returns:
        `{"categorical": ..., "continuous": ...}`, float32 tensors of shape `(batch,)`
        (zeros where there is no code of that kind). InfoGAN weights them by λ.

    Example:
    >>> terms = mutual_information_terms([one_hot], [q_logits], codes, q_means)
    >>> info_loss = 1.0 * terms["categorical"] + 0.1 * terms["continuous"]
    """
    codes = ops.cast(continuous_codes, "float32")
    batch = ops.shape(codes)[0]
    categorical = ops.zeros((batch,), "float32")
    for one_hot, logits in zip(categorical_codes, categorical_logits, strict=True):
        categorical = categorical + ops.categorical_crossentropy(
            ops.cast(one_hot, "float32"), ops.cast(logits, "float32"), from_logits=True
        )
    continuous = ops.zeros((batch,), "float32")
    if codes.shape[-1]:
        means = ops.cast(continuous_means, "float32")
        if continuous_log_stds is None:
            nll = 0.5 * ops.square(codes - means) + _HALF_LOG_2PI
        else:
            log_std = ops.cast(continuous_log_stds, "float32")
            z = (codes - means) * ops.exp(-log_std)
            nll = log_std + 0.5 * ops.square(z) + _HALF_LOG_2PI
        continuous = ops.sum(nll, axis=1)
    return {"categorical": categorical, "continuous": continuous}
