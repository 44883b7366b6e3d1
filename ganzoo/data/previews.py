"""Cheap first batches of ganzoo's datasets, for checks that must not start a pipeline.

A dataset from `ganzoo.data.load` or `image_folder` shuffles through a buffer that can
hold the whole set, so reading its first batch decodes the set once before training
does it again. Its loader records a *preview* instead: the same decoding, scaling and
augmentation of the first examples, without cache or shuffle. `fit`'s input check
(`ganzoo.data.peek`) reads it, and code that derives a dataset (`take`, `repeat`,
`map`) hands the preview on with `keep_preview`; any other dataset is read itself.

The previews are held in a table weakly keyed by the dataset object, so nothing is
attached to `tf.data` objects and a preview goes when its dataset does.

Example:
>>> ds = ganzoo.data.load("digits", batch_size=32)
>>> ganzoo.data.preview(ds) is not None
True
>>> short = ganzoo.data.keep_preview(ds.take(10), ds)
>>> ganzoo.data.preview(short) is ganzoo.data.preview(ds)
True
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import tensorflow as tf

_PREVIEWS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def preview(dataset: tf.data.Dataset) -> tf.data.Dataset | None:
    """The recorded preview of `dataset` (its first element, cheaply), or `None`."""
    return _PREVIEWS.get(dataset) if isinstance(dataset, tf.data.Dataset) else None


def set_preview(dataset: tf.data.Dataset, first: tf.data.Dataset) -> tf.data.Dataset:
    """Records `first` as the preview of `dataset`; returns `dataset`.

    Args:
        dataset: the dataset a loader returns.
        first: a dataset whose first element equals `dataset`'s first element in
            structure, dtype and value range (its values need not be the same draw).
    """
    _PREVIEWS[dataset] = first
    return dataset


def keep_preview(
    derived: tf.data.Dataset,
    source: tf.data.Dataset,
    transform: Callable[[tf.data.Dataset], tf.data.Dataset] | None = None,
) -> tf.data.Dataset:
    """Hands `source`'s preview on to `derived` (e.g. `source.take(n)` or `.repeat()`).

    Args:
        derived: a dataset made from `source` whose elements keep their form.
        source: a dataset that may have a preview.
        transform: applied to the preview when `derived` changes the elements' form
            (e.g. the same `map`).

    Returns:
        `derived`.
    """
    first = preview(source)
    if first is not None:
        set_preview(derived, first if transform is None else transform(first))
    return derived
