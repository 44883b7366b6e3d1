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

from ganzoo._moved import moved_names
from ganzoo.losses.adversarial import (
    ADVERSARIAL_LOSSES,
    AdversarialLoss,
    auxiliary_classifier_loss,
    get,
    hinge_discriminator_loss,
    hinge_generator_loss,
    least_squares_discriminator_loss,
    least_squares_generator_loss,
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_discriminator_loss,
    non_saturating_generator_loss,
    per_example,
    relativistic_pairing_discriminator_loss,
    relativistic_pairing_generator_loss,
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from ganzoo.losses.terms import (
    cycle_consistency_loss,
    feature_matching_loss,
    feature_reconstruction_loss,
    gaussian_kl_per_example,
    identity_loss,
    l1_per_example,
    mutual_information_terms,
)

__getattr__ = moved_names(
    __name__,
    {
        "gradient_penalty": "ganzoo.regularizers:gradient_penalty",
        "r1_penalty": "ganzoo.regularizers:r1_penalty",
    },
)

__all__ = [
    "ADVERSARIAL_LOSSES",
    "AdversarialLoss",
    "auxiliary_classifier_loss",
    "cycle_consistency_loss",
    "feature_matching_loss",
    "feature_reconstruction_loss",
    "gaussian_kl_per_example",
    "get",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "identity_loss",
    "l1_per_example",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "mutual_information_terms",
    "non_saturating_discriminator_loss",
    "non_saturating_generator_loss",
    "per_example",
    "relativistic_pairing_discriminator_loss",
    "relativistic_pairing_generator_loss",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]
