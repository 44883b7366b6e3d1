"""`ganzoo.augment`: data-efficient augmentation of every image a discriminator sees.

`DiffAugment` (Zhao et al., 2020) and `ADA` (Karras et al., 2020) are options of any
`ganzoo.GAN` (`augment="diffaugment"`, `augment="ada"` or an object); see
docs/augmentation.md. `GAN` calls `attach`, `trackers` and `log_names`; the arithmetic
lives in the two modules.
"""

from __future__ import annotations

from typing import Any

import keras

from ganzoo.augment.ada import ADA, GROUPS, Latest, observing
from ganzoo.augment.diffaugment import POLICIES, DiffAugment

NAMES = ("diffaugment", "ada")
#: D's decision boundary under each adversarial loss ADA accepts: r_t is the mean sign
#: of `D(x) - boundary` (least squares: targets 0 and 1). A Wasserstein critic or a
#: relativistic logit has none, so r_t would mean nothing there.
DECISION_BOUNDARIES = {"minimax": 0.0, "non_saturating": 0.0, "hinge": 0.0, "least_squares": 0.5}

__all__ = ["ADA", "GROUPS", "NAMES", "POLICIES", "DiffAugment", "attach", "get"]


def get(augment: Any) -> DiffAugment | ADA | None:
    """The augmentation named or configured by `augment`.

    Args:
        augment: `None`, a name in `NAMES`, a `DiffAugment` or `ADA`, or its
            serialized config.

    Returns:
        The augmentation object, or `None`.
    """
    if augment is None or isinstance(augment, (DiffAugment, ADA)):
        return augment
    if isinstance(augment, dict):
        return keras.saving.deserialize_keras_object(augment)
    if isinstance(augment, str) and augment.lower() in NAMES:
        return DiffAugment() if augment.lower() == "diffaugment" else ADA()
    raise ValueError(
        f"Expected augment to be None, one of {list(NAMES)} or a ganzoo.augment object; "
        f"got {augment!r}."
    )


def attach(model, augment: Any) -> None:
    """Sets `model.augment` (a `ganzoo.GAN` whose `loss_pair` is set); with `ADA`,
    wraps `model.loss_pair` so that its discriminator loss feeds the controller.

    Raises:
        ValueError: for an unknown augmentation, or ADA with a loss without a
            decision boundary (one not in `DECISION_BOUNDARIES`).
    """
    model.augment = get(augment)
    if not isinstance(model.augment, ADA):
        return
    if model.adversarial_loss not in DECISION_BOUNDARIES:
        raise ValueError(
            f"ADA's controller reads sign(D(x)) and needs a loss with a decision boundary, "
            f"one of {list(DECISION_BOUNDARIES)}; got adversarial_loss="
            f"{model.adversarial_loss!r}."
        )
    boundary = DECISION_BOUNDARIES[model.adversarial_loss]
    model.loss_pair = observing(model.loss_pair, model, boundary)


def trackers(augment) -> dict[str, keras.metrics.Metric]:
    """The trackers an augmentation logs besides the means: `ada_p`, the current p."""
    return {"ada_p": Latest("ada_p")} if isinstance(augment, ADA) else {}


def log_names(augment) -> list[str]:
    """The names an augmentation adds to a model's logs."""
    return list(trackers(augment))
