"""Semi-supervised data: `(images, labels)` where `-1` marks an unlabelled image.

- `build(source, labelled=N, ...)` (what `ganzoo.data.load(name, labelled=N)` calls):
  keeps N labels balanced over the classes (`choose_labelled`), marks the rest `-1`,
  and oversamples the labelled images so that every batch of B carries at least
  `ceil(B / 8)` of them.
- `from_arrays(images, labels, labelled=N, batch_size=B, seed=S)`: `build` over arrays
  (a split held in memory), endless and unaugmented.
- `unlabelled_folder(files)`: an image folder's `unlabelled/` images get the label -1.
- `check_labels`, `check_has_labelled`: the checks a semi-supervised model runs before
  `fit` trains a step.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import tensorflow as tf

from ganzoo.data import checks, pipeline, previews

UNLABELLED = -1
#: the name of an image folder's subfolder of unlabelled images
UNLABELLED_FOLDER = "unlabelled"
#: every batch carries at least ceil(batch_size / LABELLED_SHARE) labelled images
LABELLED_SHARE = 8
# Batches `check_has_labelled` looks through in an endless dataset.
_SCAN_LIMIT = 1_000


def labelled_per_batch(batch_size: int) -> int:
    """Labelled images in each batch of `batch_size`: `ceil(batch_size / 8)`."""
    return math.ceil(int(batch_size) / LABELLED_SHARE)


def choose_labelled(labels: Any, count: int, seed: int) -> np.ndarray:
    """Indices of `count` examples whose labels are kept, balanced over the classes.

    Every class present gets `count // K` examples, and `count % K` classes drawn at
    random one more; the examples of each class are drawn at random.

    Args:
        labels: the integer labels of every example, shape `(n,)`.
        count: how many labels to keep, 1 to n.
        seed: seed of the draw.

    Returns:
        The sorted indices, int64 of shape `(count,)`.

    Raises:
        ValueError: `count` out of range, or a class with fewer examples than its share.
    """
    labels = np.asarray(labels).reshape(-1)
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"labelled must be a positive integer; got {count!r}.")
    if count > labels.size:
        raise ValueError(f"labelled={count} is more than the {labels.size} examples.")
    rng = np.random.default_rng(seed)
    classes = np.unique(labels[labels >= 0])
    shares = np.full(classes.size, count // classes.size)
    shares[rng.permutation(classes.size)[: count % classes.size]] += 1
    chosen = []
    for label, share in zip(classes, shares, strict=True):
        members = np.flatnonzero(labels == label)
        if members.size < share:
            raise ValueError(
                f"labelled={count} balanced over {classes.size} classes needs {share} "
                f"examples of class {label}; got {members.size}."
            )
        chosen.append(rng.choice(members, size=share, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def build(source: tf.data.Dataset, *, labelled: int, **kwargs) -> tf.data.Dataset:
    """`ganzoo.data.pipeline.build` for semi-supervised training with `labelled` labels.

    Each batch of `batch_size` B is `B - L` examples of the whole source (its labels
    kept for the chosen `labelled` examples, -1 elsewhere) and `L = ceil(B / 8)` of the
    labelled examples, oversampled (a stream of its own, shuffled per epoch with a seed
    of its own). Epochs are one pass over the source in batches of `B - L`.

    Args:
        source: elements `(image, label)` as for `pipeline.build`.
        labelled: how many labels to keep (`choose_labelled`, with the data's `seed`).
        **kwargs: the other arguments of `pipeline.build` (`batch_size` required).

    Returns:
        The dataset; `dataset.labelled_indices` holds the indices of the kept labels.
    """
    if not isinstance(source.element_spec, tuple):
        raise ValueError(
            f"labelled={labelled} needs {kwargs.get('description', 'a dataset')} with class "
            "labels; got images only (load it with with_labels=True)."
        )
    batch_size = kwargs.pop("batch_size")
    share = labelled_per_batch(batch_size or 1)
    if not isinstance(batch_size, int) or batch_size <= share:
        raise ValueError(
            f"labelled= needs batches of at least 2 images, {share} of them labelled; got "
            f"batch_size={batch_size!r}."
        )
    labels = np.concatenate(list(source.map(lambda x, y: y).batch(4096).as_numpy_iterator()))
    seed = pipeline.draw_seed(kwargs.pop("seed"))
    indices = choose_labelled(labels, labelled, seed)
    keep = np.zeros(labels.size, bool)
    keep[indices] = True
    keep_tensor = tf.constant(keep)
    marked = source.enumerate().map(
        lambda i, e: (
            e[0],
            tf.where(tf.gather(keep_tensor, i), tf.cast(e[1], tf.int32), UNLABELLED),
        )
    )
    images, kept = next(
        source.enumerate()
        .filter(lambda i, e: tf.gather(keep_tensor, i))
        .map(lambda i, e: e)
        .batch(len(indices))
        .as_numpy_iterator()
    )
    unlabelled_batches = labels.size // (batch_size - share)
    repeats = max(1, math.ceil(unlabelled_batches * share / len(indices)))
    oversampled = tf.data.Dataset.from_tensor_slices((images, kept)).repeat(repeats)
    kwargs.pop("num_examples", None)
    main = pipeline.build(
        marked, num_examples=labels.size, batch_size=batch_size - share, seed=seed, **kwargs
    )
    kwargs.update(cache=False, drop_remainder=True)
    extra = pipeline.build(
        oversampled, num_examples=repeats * len(indices), batch_size=share, seed=seed + 1, **kwargs
    )

    def join(a, b):
        return tf.concat([a[0], b[0]], 0), tf.concat([a[1], b[1]], 0)

    ds = tf.data.Dataset.zip((main, extra)).map(join).prefetch(pipeline.AUTOTUNE)
    first = tf.data.Dataset.zip((previews.preview(main), previews.preview(extra)))
    previews.set_preview(ds, first.map(join))
    ds._ganzoo_parts = (main, extra)  # keeps their epoch counters alive
    ds.labelled_indices = indices
    return ds


def from_arrays(
    images: np.ndarray, labels: np.ndarray, *, labelled: int, batch_size: int, seed: int
) -> tf.data.Dataset:
    """`build` over in-memory arrays: an endless, shuffled stream of full batches.

    For experiments on a split of a dataset (the few-label benchmark and tests), with
    `labelled` labels chosen from `labels` by `seed` and no augmentation.

    Args:
        images: `(n, H, W, C)` images in [-1, 1].
        labels: `(n,)` class labels.
        labelled: how many labels to keep.
        batch_size: images per batch, `ceil(B / 8)` of them labelled.
        seed: seeds the label choice and the shuffles.

    Returns:
        The dataset, with `labelled_indices`.

    Example:
    >>> data = from_arrays(train_x, train_y, labelled=50, batch_size=100, seed=0)
    """
    return build(
        tf.data.Dataset.from_tensor_slices((images, labels)),
        labelled=labelled,
        num_examples=len(labels),
        batch_size=batch_size,
        shuffle=True,
        seed=seed,
        cache=False,
        drop_remainder=True,
        repeat=True,
        augment=None,
        shuffle_buffer=None,
        description="the arrays",
    )


def unlabelled_folder(files: tf.data.Dataset) -> tf.data.Dataset:
    """An image folder read with one class per subfolder, its `unlabelled/` images
    relabelled -1 and the other classes renumbered in order (`class_names` without it).

    Args:
        files: `keras.utils.image_dataset_from_directory` output, `(image, label)`.

    Returns:
        The dataset with its labels remapped and `class_names` set; `files` itself when
        it has no `unlabelled` subfolder.
    """
    names = list(files.class_names)
    if UNLABELLED_FOLDER not in names:
        return files
    position = names.index(UNLABELLED_FOLDER)
    table = tf.constant(
        [i - (i > position) if i != position else UNLABELLED for i in range(len(names))]
    )
    mapped = files.map(lambda x, y: (x, tf.gather(table, y)))
    mapped.class_names = [n for n in names if n != UNLABELLED_FOLDER]
    mapped.file_paths = files.file_paths
    return mapped


def describe(data: Any) -> str:
    """A dataset element named for an error message."""
    if hasattr(data, "shape"):
        return f"a single tensor of shape {tuple(data.shape)}"
    return type(data).__name__


def check_labels(labels: Any, num_classes: int, batch_size: int | None = None) -> None:
    """Checks semi-supervised labels: integers in `[-1, num_classes)`, one per image.

    Raises:
        ValueError: naming the expected range (or dtype, shape, count) and what came.
    """
    y = np.asarray(labels)
    if y.size and np.issubdtype(y.dtype, np.integer):
        low, high = int(y.min()), int(y.max())
        if low < UNLABELLED or high >= num_classes:
            raise ValueError(
                f"labels: expected labels in [-1, {num_classes}) (-1: unlabelled), got "
                f"values in [{low}, {high}]."
            )
        y = np.maximum(y, 0)
    checks.check_labels(y, num_classes, batch_size=batch_size)


def check_has_labelled(data: Any) -> None:
    """Raises `ValueError` when `data` (a dataset or `(images, labels)` arrays) holds no
    labelled image: every label is -1.

    A dataset is looked at from its first batch on and the scan stops at the first
    labelled image (an endless dataset: within its first 1,000 batches).
    """
    if isinstance(data, tf.data.Dataset):
        first = checks.peek(data)
        if not isinstance(first, (tuple, list)) or len(first) < 2:
            return  # the model's batch check names the missing labels
        batches = [first] if np.any(np.asarray(first[1]) >= 0) else data.take(_SCAN_LIMIT)
        elements = (e for e in batches if isinstance(e, (tuple, list)) and len(e) > 1)
        if any(np.any(np.asarray(e[1]) >= 0) for e in elements):
            return
        size = int(data.cardinality())
        where = "at all" if 0 <= size <= _SCAN_LIMIT else "in its first 1,000 batches"
    elif isinstance(data, (tuple, list)) and len(data) > 1 and hasattr(data[1], "shape"):
        if np.any(np.asarray(data[1]) >= 0):
            return
        where = "at all"
    else:
        return
    raise ValueError(
        f"Expected at least one labelled image (a label >= 0); got none {where}, every "
        "label -1. Keep some labels, e.g. ganzoo.data.load(name, labelled=100)."
    )
