"""The per-example terms beside the adversarial losses: feature matching (SGAN), the
cycle-consistency and identity L1 terms (CycleGAN), the mutual-information term
(InfoGAN), and VAE-GAN's prior and feature-space reconstruction terms."""

from __future__ import annotations

import math
from collections.abc import Sequence

from keras import ops

from ganzoo.losses.adversarial import per_example

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


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


def gaussian_kl_per_example(mean, log_variance):
    """`KL(N(mean, exp(log_variance)) ‖ N(0, I))` per example, summed over the latent
    dimensions: `-½ Σ_j (1 + log σ_j² - μ_j² - σ_j²)` (Kingma & Welling, 2014,
    appendix B; VAE-GAN's L_prior).

    Args:
        mean: `(batch, latent_dim)` means of q(z|x).
        log_variance: `(batch, latent_dim)` log-variances of q(z|x).

    Returns:
        Per-example values, shape `(batch,)`, in float32.

    Example:
    >>> gaussian_kl_per_example(ops.ones((1, 2)), ops.zeros((1, 2)))   # [1.0]
    """
    mean = ops.cast(mean, "float32")
    log_variance = ops.cast(log_variance, "float32")
    terms = 1.0 + log_variance - ops.square(mean) - ops.exp(log_variance)
    return -0.5 * ops.sum(terms, axis=-1)


def feature_reconstruction_loss(real_features, fake_features):
    """VAE-GAN's L_llike (Larsen et al., 2016) per example: the negative
    log-likelihood of `real_features` under `N(fake_features, I)` without its constant,
    `½ Σ_k (f_k(x) - f_k(x̃))²`, summed over every feature of the example as in the
    authors' `GaussianNegLogLikelihood` (σ = 1).

    Args:
        real_features: D's l-th layer features of the real images, `(batch, ...)`.
        fake_features: the same features of the reconstructions.

    Returns:
        Per-example values, shape `(batch,)`, in float32.

    Example:
    >>> feature_reconstruction_loss(ops.zeros((1, 4)), ops.ones((1, 4)))   # [2.0]
    """
    difference = ops.cast(real_features, "float32") - ops.cast(fake_features, "float32")
    squares = ops.reshape(ops.square(difference), (ops.shape(difference)[0], -1))
    return 0.5 * ops.sum(squares, axis=-1)


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
