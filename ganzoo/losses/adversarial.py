"""Adversarial losses as plain functions of logits, one value per example (see
`ganzoo.losses`), and `get(name)` for a family's pair."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from keras import ops


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
