"""Input checks that fail fast, before any training step, with a message naming the problem.

`ganzoo.GAN.fit` runs them on the first batch (`peek`); they work on eager tensors and
numpy arrays. Every message says what was expected and what came, and, for the common
mistakes (uint8 pixels, channels-first arrays, one-hot labels), how to fix it.
"""

from __future__ import annotations

import collections.abc
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganzoo.data import previews

# Images may leave [-1, 1] by this much (rounding in resizes, low-precision floats).
RANGE_TOLERANCE = 1e-3
_EMPTY_HINT = (
    "; batching with drop_remainder=True yields no batch from fewer examples than batch_size"
)


def check_images(images: Any, expected_shape: tuple | None = None, name: str = "images") -> None:
    """Checks a batch of images: float, NHWC, finite, within [-1, 1].

    Args:
        images: a batch of images (tensor or array), `(batch, height, width, channels)`.
        expected_shape: `(height, width, channels)` (or with a leading batch size)
            the images must have; `None` entries match any size.
        name: what to call the images in messages.

    Raises:
        ValueError: wrong rank, spatial size or channels (including channels-first
            data), empty batch, non-float dtype (uint8 pixels in [0, 255] are named as
            such), non-finite values, or values outside [-1, 1] (more than
            `RANGE_TOLERANCE` out).

    Example:
    >>> check_images(np.zeros((8, 28, 28, 1), "float32"), expected_shape=(28, 28, 1))
    >>> check_images(np.zeros((8, 28, 28, 1), "uint8"))
    Traceback (most recent call last):
    ValueError: images: expected float images in [-1, 1], got uint8 values in [0, 0]; ...
    """
    x = _to_numpy(images, name)
    if x.ndim != 4:
        hint = {
            3: "; one image? add a batch axis (images[None]) or batch the dataset",
            2: "; flattened images? reshape them to (batch, height, width, channels)",
        }.get(x.ndim, "")
        raise ValueError(
            f"{name}: expected a batch of images of rank 4 (batch, height, width, channels), "
            f"got rank {x.ndim} with shape {x.shape}{hint}."
        )
    if x.shape[0] == 0:
        raise ValueError(f"{name}: expected a non-empty batch of images, got shape {x.shape}.")
    if expected_shape is not None:
        _check_shape(x.shape, tuple(expected_shape), name)
    elif x.shape[1] in (1, 3, 4) and x.shape[-1] > 4:
        raise ValueError(
            f"{name}: expected channels-last images (batch, height, width, channels), got "
            f"shape {x.shape}, which looks channels-first; transpose with "
            "tf.transpose(images, (0, 2, 3, 1))."
        )
    dtype = tf.as_dtype(x.dtype)
    if not dtype.is_floating:
        low, high = (int(x.min()), int(x.max())) if x.size else (0, 0)
        fix = (
            "divide by 127.5 and subtract 1, or use ganzoo.data.load"
            if dtype != tf.bool and low >= 0 and high <= 255
            else "scale them to [-1, 1], or use ganzoo.data.load"
        )
        raise ValueError(
            f"{name}: expected float images in [-1, 1], got {dtype.name} values in "
            f"[{low}, {high}]; {fix}."
        )
    x = x.astype(np.float32)
    finite = np.isfinite(x)
    if not finite.all():
        raise ValueError(
            f"{name}: expected finite float images in [-1, 1], got {int(np.isnan(x).sum())} "
            f"NaN and {int(np.isinf(x).sum())} infinite values."
        )
    low, high = float(x.min()), float(x.max())
    if low < -1.0 - RANGE_TOLERANCE or high > 1.0 + RANGE_TOLERANCE:
        if low >= 0.0 and 1.5 < high <= 255.0:
            fix = "pixels in [0, 255]? divide by 127.5 and subtract 1, or use ganzoo.data.load"
        else:
            fix = "rescale them to [-1, 1] (generators end in tanh)"
        raise ValueError(
            f"{name}: expected float images in [-1, 1], got {dtype.name} values in "
            f"[{low:.4g}, {high:.4g}]; {fix}."
        )


def check_labels(
    labels: Any,
    num_classes: int | None = None,
    batch_size: int | None = None,
    name: str = "labels",
) -> None:
    """Checks class labels: integer, shape `(batch,)` or `(batch, 1)`, in range.

    Args:
        labels: class indices (tensor or array).
        num_classes: when given, labels must lie in `[0, num_classes)`.
        batch_size: when given, the number of labels required (one per image).
        name: what to call the labels in messages.

    Raises:
        ValueError: float or boolean labels (one-hot labels are named as such), wrong
            shape, wrong count, or labels outside `[0, num_classes)`.

    Example:
    >>> check_labels(np.array([0, 3, 9], "int32"), num_classes=10)
    >>> check_labels(np.array([0.0, 1.0]), num_classes=10)
    Traceback (most recent call last):
    ValueError: labels: expected integer class labels, got float64; ...
    """
    y = _to_numpy(labels, name)
    one_hot = y.ndim == 2 and y.shape[-1] > 1
    dtype = tf.as_dtype(y.dtype)
    if not dtype.is_integer:
        fix = (
            "one-hot labels? pass class indices, tf.argmax(labels, axis=-1)"
            if one_hot
            else "cast integer-valued labels with tf.cast(labels, tf.int32)"
        )
        raise ValueError(
            f"{name}: expected integer class labels, got {dtype.name} with shape {y.shape}; {fix}."
        )
    if not (y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)):
        fix = "; one-hot labels? pass class indices, tf.argmax(labels, axis=-1)" if one_hot else ""
        raise ValueError(
            f"{name}: expected labels of shape (batch,) or (batch, 1), got shape {y.shape}{fix}."
        )
    if batch_size is not None and y.shape[0] != batch_size:
        raise ValueError(f"{name}: expected {batch_size} labels, one per image, got {y.shape[0]}.")
    if num_classes is not None and (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, (int, np.integer))
        or num_classes < 1
    ):
        raise ValueError(f"num_classes must be a positive integer; got {num_classes!r}.")
    if y.size == 0:
        return
    low, high = int(y.min()), int(y.max())
    if low < 0 or (num_classes is not None and high >= num_classes):
        expected = f"[0, {num_classes})" if num_classes is not None else "non-negative labels"
        raise ValueError(f"{name}: expected labels in {expected}, got values in [{low}, {high}].")


def check_paired(
    images_a: Any,
    images_b: Any,
    expected_shape: tuple | None = None,
    expected_shape_b: tuple | None = None,
) -> None:
    """Checks a translation model's `(images_a, images_b)`: both valid image batches,
    with as many images each.

    Args:
        images_a: domain A batch.
        images_b: domain B batch.
        expected_shape: optional `(height, width, channels)` of domain A (and of
            domain B when `expected_shape_b` is not given).
        expected_shape_b: optional shape of domain B, where the domains differ.

    Raises:
        ValueError: either batch fails `check_images`, or the domains' batch sizes (or,
            without expected shapes, image shapes) differ.
    """
    if expected_shape_b is None:
        expected_shape_b = expected_shape
    check_images(images_a, expected_shape, name="images_a")
    check_images(images_b, expected_shape_b, name="images_b")
    shape_a, shape_b = np.shape(images_a), np.shape(images_b)
    if shape_a[0] != shape_b[0] or (expected_shape is None and shape_a != shape_b):
        raise ValueError(
            f"Unmatched domains: expected images_a and images_b of one shape, got "
            f"{tuple(shape_a)} and {tuple(shape_b)}; batch both domains alike (ganzoo.data.paired)."
        )


def check_not_empty(dataset: Any, name: str = "dataset") -> None:
    """Checks that a dataset (or arrays) yields at least one batch.

    Args:
        dataset: a `tf.data.Dataset`, a `keras.utils.PyDataset`, or arrays (a tuple
            or dict of arrays is checked on its first array).
        name: what to call the data in messages.

    Raises:
        ValueError: the data holds no batch.
    """
    if isinstance(dataset, tf.data.Dataset):
        size = int(dataset.cardinality())
        if size == tf.data.UNKNOWN_CARDINALITY:
            try:
                peek(dataset)
            except ValueError:
                size = 0
        if size == 0:
            raise ValueError(
                f"{name}: expected at least one batch, got an empty dataset{_EMPTY_HINT}."
            )
        return
    if isinstance(dataset, keras.utils.PyDataset):
        if dataset.num_batches == 0:
            raise ValueError(f"{name}: expected at least one batch, got an empty PyDataset.")
        return
    first = _first_leaf(dataset)
    if first is not None and np.ndim(first) > 0 and np.shape(first)[0] == 0:
        raise ValueError(
            f"{name}: expected at least one example, got arrays of shape {np.shape(first)}."
        )


def peek(data: Any) -> Any:
    """Returns the first batch of `data` without training on it, for validation.

    A model's `fit` calls this to check the data before the first step. A dataset
    made by `ganzoo.data` answers from a cheap preview of its first examples (same
    decoding, scaling and augmentation, but without starting the cache or filling the
    shuffle buffer); any other `tf.data.Dataset` is iterated once.

    Args:
        data: a `tf.data.Dataset`, a `keras.utils.PyDataset`, arrays or tensors, or a
            tuple/list/dict of them.

    Returns:
        The first element of a dataset (its structure kept: a tensor, or a tuple such
        as `(images, labels)`), the first batch of a `PyDataset`, arrays and tensors
        (and containers of them) unchanged; `None` for a Python iterator or
        generator, which cannot be peeked without consuming it.

    Raises:
        ValueError: the dataset or `PyDataset` is empty (so `fit` refuses it before
            training, with a message that says so).

    Example:
    >>> images, labels = peek(ganzoo.data.load("digits", batch_size=32))
    >>> check_images(images); check_labels(labels, num_classes=10)
    """
    if isinstance(data, tf.data.Dataset):
        first = previews.preview(data)
        for element in (first if first is not None else data).take(1):
            return element
        raise ValueError(
            f"dataset: expected at least one batch, got an empty dataset{_EMPTY_HINT}."
        )
    if isinstance(data, keras.utils.PyDataset):
        if data.num_batches == 0:
            raise ValueError("dataset: expected at least one batch, got an empty PyDataset.")
        return data[0]
    if isinstance(data, collections.abc.Iterator):
        return None
    return data


def _check_shape(shape: tuple, expected: tuple, name: str) -> None:
    if len(expected) not in (3, 4):
        raise ValueError(
            f"expected_shape must be (height, width, channels) or (batch, height, width, "
            f"channels); got {expected}."
        )
    expected4 = (None, *expected) if len(expected) == 3 else expected
    if expected4[-1] is not None and shape[-1] != expected4[-1]:
        fix = ""
        if shape[1] == expected4[-1]:
            fix = " (channels-first data? transpose with tf.transpose(images, (0, 2, 3, 1)))"
        raise ValueError(
            f"{name}: expected {expected4[-1]} channel{'s' if expected4[-1] != 1 else ''} "
            f"(channels last), got shape "
            f"{shape}{fix}; expected (batch, height, width, channels) = {expected4}."
        )
    if any(e is not None and s != e for s, e in zip(shape, expected4, strict=True)):
        raise ValueError(
            f"{name}: expected shape (batch, height, width, channels) = {expected4}, got "
            f"{shape}; resize the images (image_size=...) or build the model for this size."
        )


def _to_numpy(value: Any, name: str) -> np.ndarray:
    if isinstance(value, tf.Tensor) and not tf.executing_eagerly():
        raise TypeError(f"{name}: checks need eager tensors or arrays, got a symbolic tensor.")
    try:
        return np.asarray(keras.ops.convert_to_numpy(value))
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name}: expected a tensor or array, got {type(value).__name__} ({error})."
        ) from None


def _first_leaf(data: Any) -> Any:
    if isinstance(data, dict):
        data = next(iter(data.values()), None)
    if isinstance(data, (tuple, list)) and data and not np.isscalar(data[0]):
        return _first_leaf(data[0])
    return data
