"""Class labels of label-conditioned models (`ganzoo.CGAN` and its subclasses).

The labels `generate` is given or makes up (one integer for every image, one per image,
or none: `0, 1, ..., K-1, 0, ...`), checked as a dataset's labels are
(`ganzoo.data.checks.check_labels`), and the labels of an image grid with a row per
class. Everything here depends only on the number of classes, not on a network.
"""

from __future__ import annotations

import numpy as np
from keras import ops

from ganzoo.data import checks


def cycling(n, num_classes: int):
    """Labels `0, 1, ..., num_classes - 1, 0, 1, ...` for `n` images.

    Args:
        n: number of labels; an integer or a (possibly symbolic) batch size.
        num_classes: number of classes.

    Returns:
        An int32 tensor of shape `(n,)`.
    """
    return ops.cast(ops.mod(ops.arange(n), num_classes), "int32")


def count(n: int | None, labels=None, latents=None) -> int | None:
    """The number of images `generate` makes: `n`, else as many as `latents`, else as
    many as `labels` given per image; `None` when nothing says."""
    if n is None and latents is not None:
        n = int(ops.shape(latents)[0])
    if n is None and labels is not None and np.ndim(labels) == 1:
        n = len(labels)
    return n


def for_generation(n: int | None, labels, num_classes: int):
    """The labels of `n` generated images: `labels` checked, or `cycling` ones.

    Args:
        n: number of images (may be omitted when `labels` is an array).
        labels: `None`, one integer for all images, or integers of shape `(n,)`.
        num_classes: labels must lie in `[0, num_classes)`.

    Returns:
        An int32 tensor of shape `(n,)`.

    Raises:
        ValueError: no `n` to make labels for, labels of the wrong shape or count,
            float labels, or labels out of range.

    Example:
    >>> for_generation(4, 7, num_classes=10)  # [7, 7, 7, 7]
    """
    if labels is None:
        if n is None or int(n) < 1:
            raise ValueError(f"generate needs n >= 1, labels or latents; got n={n!r}.")
        return cycling(int(n), num_classes)
    array = np.asarray(labels)
    if array.ndim == 0:
        if n is None or int(n) < 1:
            raise ValueError(f"generate needs n >= 1 with a single label; got n={n!r}.")
        array = np.full((int(n),), array)
    if array.ndim != 1 or (n is not None and array.shape[0] != int(n)):
        raise ValueError(
            f"Expected labels of shape ({n if n is not None else 'n'},) or one integer; "
            f"got shape {array.shape}."
        )
    checks.check_labels(array, num_classes)
    return ops.convert_to_tensor(array, "int32")


def grid(n: int, num_classes: int) -> tuple[np.ndarray, int]:
    """The labels of an image grid with a row per class (at most `n` classes) and
    `n // num_classes` images, at least one, in each row.

    Returns:
        `(labels, per_class)`: the labels, row by row, and the images per row.
    """
    classes = min(int(num_classes), int(n))
    per_class = max(1, int(n) // classes)
    return np.repeat(np.arange(classes), per_class), per_class
