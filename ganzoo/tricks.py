"""Training tricks as constructor options of `ganzoo.GAN` (and every variant on it):
`label_smoothing=`, `instance_noise=` with `instance_noise_steps=`, and
`feature_matching=`. `GAN` parses and stores them; the arithmetic lives here.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ganzoo import losses
from ganzoo.core.features import feature_model
from ganzoo.core.replicas import global_batch_mean
from ganzoo.losses import feature_matching_loss
from ganzoo.losses.adversarial import AdversarialLoss, per_example

#: the adversarial losses whose real target is a probability, where smoothing it means something.
SMOOTHABLE_LOSSES = ("minimax", "non_saturating")


def check_label_smoothing(value: float, adversarial_loss: str) -> float:
    """`value` as a float, after checking it is in [0, 1) and fits the loss."""
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1); got {value!r}.")
    if value and adversarial_loss not in SMOOTHABLE_LOSSES:
        raise ValueError(
            f"label_smoothing needs a loss with probability targets, one of "
            f"{list(SMOOTHABLE_LOSSES)}; got adversarial_loss={adversarial_loss!r}."
        )
    return value


def one_sided_smoothing(pair: AdversarialLoss, smoothing: float) -> AdversarialLoss:
    """`pair` with one-sided label smoothing of the discriminator's real target
    (Salimans et al., 2016, §3.4): the real target is `1 - s`, the fake target stays 0.

    The discriminator's loss becomes `(1 - s)·softplus(-D(x)) + s·softplus(D(x)) +
    softplus(D(G(z)))` (binary cross-entropy on logits); the generator's is unchanged.

    Args:
        pair: the `(discriminator, generator)` losses of `"minimax"`/`"non_saturating"`.
        smoothing: `s` in [0, 1); 0 returns `pair`.

    Returns:
        An `AdversarialLoss`.

    Example:
    >>> pair = one_sided_smoothing(ganzoo.losses.get("non_saturating"), 0.1)
    """
    if not smoothing:
        return pair

    def discriminator(real_logits, fake_logits):
        real = ops.cast(real_logits, "float32")
        real_loss = (1.0 - smoothing) * ops.softplus(-real) + smoothing * ops.softplus(real)
        return per_example(real_loss) + per_example(ops.softplus(ops.cast(fake_logits, "float32")))

    return AdversarialLoss(discriminator, pair.generator)


def check_instance_noise(sigma: float, steps: int) -> tuple[float, int]:
    """`(sigma, steps)` after checking `sigma >= 0` and `steps >= 1`."""
    if float(sigma) < 0:
        raise ValueError(f"instance_noise must be a non-negative sigma; got {sigma!r}.")
    if int(steps) < 1:
        raise ValueError(f"instance_noise_steps must be a positive integer; got {steps!r}.")
    return float(sigma), int(steps)


def noise_level(sigma: float, steps: int, step) -> Any:
    """The annealed sigma at training step `step`: `sigma · max(0, 1 - step / steps)`
    (linear to 0, Sønderby et al., 2017, arXiv:1610.04490)."""
    fraction = ops.cast(step, "float32") / float(steps)
    return sigma * ops.maximum(0.0, 1.0 - fraction)


def add_instance_noise(model, images, training: bool):
    """`images + N(0, σ_t²)` while training, drawn by the model's distribution rule.

    `t` is the generator optimizer's iteration count (one per train step), which is
    saved with the optimizer, so a resumed run continues on the same schedule.
    """
    sigma = model.instance_noise
    optimizer = getattr(model, "g_optimizer", None)
    if not training or not sigma or optimizer is None:
        return images
    level = noise_level(sigma, model.instance_noise_steps, optimizer.iterations)
    noise = model.draw(keras.random.normal, ops.shape(images))
    return images + ops.cast(noise * level, images.dtype)


def check_feature_matching(model, weight: float) -> float:
    """`weight` as a float, after checking it is >= 0 and that D exposes features."""
    weight = float(weight)
    if weight < 0:
        raise ValueError(f"feature_matching must be a non-negative weight; got {weight!r}.")
    if weight and type(model).discriminator_features is _base_features():
        try:
            feature_model(model.discriminator, model.feature_layer)
        except (ValueError, AttributeError, IndexError) as error:
            raise ValueError(
                f"feature_matching needs a discriminator that exposes intermediate "
                f"features; got {model.discriminator.name!r}: {error}"
            ) from None
    return weight


def _base_features():
    from ganzoo.base import GAN

    return GAN.discriminator_features


def add_feature_matching(model, terms: dict, real, fake, condition) -> dict:
    """`terms` with `w · ‖E f(x) - E f(G(z))‖²` (Salimans et al., 2016, §3.1) added to
    `"g_loss"` and logged as `"feature_matching"`; means over the global batch."""
    if not model.feature_matching:
        return terms
    real_mean = ops.stop_gradient(global_batch_mean(model.discriminator_features(real, condition)))
    fake_mean = global_batch_mean(model.discriminator_features(fake, condition))
    value = ops.ones_like(terms["g_loss"]) * feature_matching_loss(real_mean, fake_mean)
    terms = dict(terms)
    terms["feature_matching"] = value
    terms["g_loss"] = terms["g_loss"] + model.feature_matching * value
    return terms


def configure(model, label_smoothing, instance_noise, instance_noise_steps, feature_matching):
    """Checks the tricks' constructor options and sets them on `model`, a `ganzoo.GAN`
    whose `adversarial_loss` is set: `label_smoothing` wraps its `loss_pair`.

    Raises:
        ValueError: for an option out of range or one the model cannot use.
    """
    model.label_smoothing = check_label_smoothing(label_smoothing, model.adversarial_loss)
    model.loss_pair = one_sided_smoothing(losses.get(model.adversarial_loss), model.label_smoothing)
    model.instance_noise, model.instance_noise_steps = check_instance_noise(
        instance_noise, instance_noise_steps
    )
    model.feature_matching = check_feature_matching(model, feature_matching)


def options(model) -> dict[str, Any]:
    """The tricks' options of `model`, for its `get_config`."""
    names = ("label_smoothing", "instance_noise", "instance_noise_steps", "feature_matching")
    return {name: getattr(model, name) for name in names}
