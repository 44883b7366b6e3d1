"""`ganzoo.augment`: data-efficient augmentation of every image a discriminator sees.

`DiffAugment` (Zhao et al., 2020) is an option of any `ganzoo.GAN`
(`augment="diffaugment"` or an object); see docs/augmentation.md.
"""

from __future__ import annotations

from typing import Any

import keras

from ganzoo.augment.diffaugment import POLICIES, DiffAugment

NAMES = ("diffaugment",)

__all__ = ["NAMES", "POLICIES", "DiffAugment", "get"]


def get(augment: Any) -> DiffAugment | None:
    """The augmentation named or configured by `augment`.

    Args:
        augment: `None`, a name in `NAMES`, a `DiffAugment`, or its serialized config.

    Returns:
        The augmentation object, or `None`.
    """
    if augment is None or isinstance(augment, DiffAugment):
        return augment
    if isinstance(augment, dict):
        return keras.saving.deserialize_keras_object(augment)
    if isinstance(augment, str) and augment.lower() == "diffaugment":
        return DiffAugment()
    raise ValueError(
        f"Expected augment to be None, one of {list(NAMES)} or a ganzoo.augment object; "
        f"got {augment!r}."
    )
