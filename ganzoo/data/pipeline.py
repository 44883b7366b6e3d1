"""The input pipeline every `ganzoo.data` loader shares, and its epoch-seeded shuffle.

Pipeline order (chosen for speed, see `docs/data.md`):

    source (decode, crop, resize: parallel, deterministic)
      -> cache (uint8, or float32 for in-memory sets)
      -> shuffle (seed derived from (seed, epoch))
      -> scale to float32 [-1, 1] and augment (parallel)
      -> batch (drop_remainder) -> prefetch

Exact resume needs epoch `e`'s order to be reproducible in a fresh process. Keras `fit`
makes a new iterator of the dataset at every epoch (and a few extra ones: a peek to
build the model, one made ahead at each epoch's end), so counting iterations cannot
tell the epoch. Instead every ganzoo dataset reads *its epoch* when an iteration
starts: the epoch pinned with `set_epoch` (the `SyncEpoch` callback pins `fit`'s
epoch, including the `initial_epoch` that `BackupAndRestore` resumes from), or, when
nothing is pinned, the number of iterations of that dataset so far. The shuffle seed
of epoch `e` is a hash of `(seed, e)`, so the order depends only on those two numbers.
"""

from __future__ import annotations

import random
import threading
import weakref
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from ganzoo.data import previews

AUTOTUNE = tf.data.AUTOTUNE
# Shuffle buffers hold cached (mostly uint8) examples; this bounds their memory.
SHUFFLE_BUFFER_BYTES = 256 * 2**20
MIN_SHUFFLE_BUFFER = 1_000
UNKNOWN_SIZE_SHUFFLE_BUFFER = 10_000
# Examples in the preview of an unbatched dataset (see `ganzoo.data.peek`).
PREVIEW_EXAMPLES = 64

_lock = threading.Lock()
_pinned_epoch: int | None = None
_counters: weakref.WeakSet[_EpochCounter] = weakref.WeakSet()


def set_epoch(epoch: int | None) -> None:
    """Pins the epoch that ganzoo datasets shuffle for, or unpins it.

    While an epoch `e` is pinned, every iteration of a dataset made by `ganzoo.data`
    yields epoch `e`'s order (a `repeat=True` dataset starts its stream at `e`). With
    nothing pinned (`None`, the default), the `k`-th iteration of each dataset yields
    epoch `k`'s order. `SyncEpoch` calls this for `fit`; call it yourself in a custom
    training loop that resumes at a later epoch.

    Args:
        epoch: the epoch to pin (a non-negative integer), or `None` to unpin.

    Example:
    >>> ds = ganzoo.data.load("digits", batch_size=64, seed=1)
    >>> for epoch in range(start_epoch, epochs):
    ...     ganzoo.data.set_epoch(epoch)
    ...     for images, labels in ds:
    ...         ...
    >>> ganzoo.data.set_epoch(None)
    """
    global _pinned_epoch
    if epoch is not None and (
        isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0
    ):
        raise ValueError(f"epoch must be a non-negative integer or None; got {epoch!r}.")
    with _lock:
        _pinned_epoch = None if epoch is None else int(epoch)
        if epoch is not None:
            # Unpinning later continues each dataset's own count after this epoch.
            for counter in list(_counters):
                counter.next_epoch = int(epoch) + 1


class _EpochCounter:
    """Answers "which epoch is this iteration?" when a dataset iteration starts."""

    def __init__(self) -> None:
        self.next_epoch = 0
        _counters.add(self)

    def __call__(self) -> np.int64:
        with _lock:
            if _pinned_epoch is not None:
                return np.int64(_pinned_epoch)
            epoch = self.next_epoch
            self.next_epoch += 1
            return np.int64(epoch)


class SyncEpoch(keras.callbacks.Callback):
    """Makes every ganzoo dataset shuffle for the epoch `fit` is running.

    With it, epoch `e`'s batches depend only on the dataset's `seed` and `e`, also in a
    fresh process that resumes with `fit(initial_epoch=e)` or `BackupAndRestore`, so a
    resumed run sees exactly the data the crashed run would have seen. Without it,
    Keras' extra iterations (a peek to build the model, an iterator made ahead at the
    end of each epoch) shift which order an epoch gets, and a resumed process starts
    again at epoch 0's order.

    Add it to `fit`'s callbacks (the `ganzoo train` CLI does), for a ganzoo GAN or any
    other Keras model.
    With `repeat=True` datasets (and `steps_per_epoch` set), exact resume also needs
    `steps_per_epoch` equal to the number of batches in one pass over the data.

    Example:
    >>> ds = ganzoo.data.load("mnist", batch_size=128, seed=0)
    >>> model.fit(ds, epochs=20, callbacks=[
    ...     keras.callbacks.BackupAndRestore("runs/backup"), ganzoo.data.SyncEpoch()])
    """

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        set_epoch(epoch)

    def on_train_end(self, logs: dict | None = None) -> None:
        set_epoch(None)


def default_shuffle_buffer(num_examples: int | None, element_bytes: int | None) -> int:
    """A shuffle buffer size: the whole set when it fits in `SHUFFLE_BUFFER_BYTES`.

    Args:
        num_examples: number of examples, or `None` when unknown.
        element_bytes: size of one buffered example in bytes, or `None` when unknown.

    Returns:
        `min(num_examples, max(MIN_SHUFFLE_BUFFER, SHUFFLE_BUFFER_BYTES // element_bytes))`,
        with 10,000 standing in for unknown quantities.
    """
    cap = UNKNOWN_SIZE_SHUFFLE_BUFFER
    if element_bytes:
        cap = max(MIN_SHUFFLE_BUFFER, SHUFFLE_BUFFER_BYTES // element_bytes)
    return max(1, cap if num_examples is None else min(num_examples, cap))


def element_bytes(spec: tf.TensorSpec) -> int | None:
    """Bytes of one tensor of `spec`, or `None` when its shape is not fully known."""
    if not spec.shape.is_fully_defined():
        return None
    return int(np.prod(spec.shape.as_list(), dtype=np.int64)) * spec.dtype.size


def draw_seed(seed: int | None) -> int:
    """`seed` checked, or a fresh one from Python's `random` (seeded by
    `keras.utils.set_random_seed`) when `None`."""
    if seed is None:
        return random.randrange(2**31)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer or None; got {seed!r}.")
    return int(seed)


def epoch_key(seed: int, epoch: tf.Tensor) -> tf.Tensor:
    """A stateless RNG key (shape `(2,)`, int64) that depends only on `(seed, epoch)`."""
    key = tf.stack([tf.constant(seed, tf.int64), tf.cast(epoch, tf.int64)])
    return tf.random.stateless_uniform([2], seed=key, minval=None, maxval=None, dtype=tf.int64)


def shuffle_seed(key: tf.Tensor, salt: int) -> tf.Tensor:
    """An int64 scalar seed for `Dataset.shuffle`, one per `(key, salt)`."""
    sub = tf.random.experimental.stateless_fold_in(key, tf.constant(salt, tf.int64))
    return tf.random.stateless_uniform([], seed=sub, minval=None, maxval=None, dtype=tf.int64)


def epoch_shuffle(ds: tf.data.Dataset, buffer: int, key: tf.Tensor, salt: int) -> tf.data.Dataset:
    """Shuffles `ds` in an order fixed by `(key, salt)`; call it inside an epoch's function.

    Traced by `flat_map`, the epoch's function graph inherits TF's global seed. Clearing
    it makes the order depend on the key alone, and keeps TF from comparing the tensor
    seed with 0 in Python, which fails when the global seed is 0.
    """
    tf.compat.v1.get_default_graph().seed = None
    return ds.shuffle(buffer, seed=shuffle_seed(key, salt), reshuffle_each_iteration=False)


def to_float(image: tf.Tensor) -> tf.Tensor:
    """uint8 pixels in [0, 255] to float32 in [-1, 1]; float images pass unchanged."""
    if image.dtype == tf.uint8:
        return tf.cast(image, tf.float32) / 127.5 - 1.0
    return tf.cast(image, tf.float32)


def to_uint8(image: tf.Tensor) -> tf.Tensor:
    """Float pixels in [0, 255] (e.g. after a resize) rounded to uint8."""
    return tf.cast(tf.clip_by_value(tf.round(image), 0.0, 255.0), tf.uint8)


def epoch_stream(
    make_epoch: Callable[[tf.Tensor], tf.data.Dataset],
    *,
    num_batches: int | None,
    repeat: bool,
) -> tf.data.Dataset:
    """Wraps `make_epoch(epoch)` so each iteration yields the epoch it is asked for.

    Args:
        make_epoch: builds one epoch's dataset from an int64 scalar epoch tensor.
        num_batches: elements in one epoch when known; sets the cardinality Keras uses
            for its progress bar and epoch length.
        repeat: stream epochs `e, e + 1, ...` without end instead of one epoch.

    Returns:
        A prefetched dataset.
    """
    counter = _EpochCounter()
    start = tf.data.Dataset.from_tensors(np.int64(0)).map(
        lambda _: tf.reshape(tf.py_function(counter, [], tf.int64), [])
    )
    if repeat:
        start = start.flat_map(lambda e: tf.data.Dataset.range(e, np.iinfo(np.int64).max))
    ds = start.flat_map(make_epoch)
    if repeat:
        ds = ds.apply(tf.data.experimental.assert_cardinality(tf.data.INFINITE_CARDINALITY))
    elif num_batches is not None:
        ds = ds.apply(tf.data.experimental.assert_cardinality(num_batches))
    ds = ds.prefetch(AUTOTUNE)
    ds._ganzoo_epoch_counter = counter  # keeps the counter alive with the dataset
    return ds


def batch_count(
    num_examples: int | None, batch_size: int | None, drop_remainder: bool
) -> int | None:
    """Batches in one epoch (`None` when the number of examples is unknown)."""
    if num_examples is None:
        return None
    if batch_size is None:
        return num_examples
    return num_examples // batch_size if drop_remainder else -(-num_examples // batch_size)


def build(
    source: tf.data.Dataset,
    *,
    num_examples: int | None,
    batch_size: int | None,
    shuffle: bool,
    seed: int | None,
    cache: bool | str,
    drop_remainder: bool,
    repeat: bool,
    augment: Callable[..., tf.Tensor] | None,
    shuffle_buffer: int | None,
    description: str,
) -> tf.data.Dataset:
    """Turns a deterministic source of examples into ganzoo's training dataset.

    Args:
        source: elements `image` or `(image, label)`; images uint8 in [0, 255] or
            float32 in [-1, 1]; already decoded, cropped and resized (in parallel).
        num_examples: examples in `source` when known.
        batch_size: examples per batch, or `None` for unbatched examples.
        shuffle: shuffle every epoch, with a seed derived from `(seed, epoch)`.
        seed: integer seed; `None` draws one from Python's `random`.
        cache: `True` caches the source in memory, a string caches to that file
            prefix, `False` does not cache.
        drop_remainder: drop the last, smaller batch of every epoch.
        repeat: stream epochs without end (use with `fit(steps_per_epoch=...)`).
        augment: `augment(image, seed=key)` applied per example after scaling, where
            `key` is a stateless RNG key (int64, shape `(2,)`) depending only on
            `(seed, epoch, position in the epoch)`.
        shuffle_buffer: shuffle buffer size; default from `default_shuffle_buffer`.
        description: names the data in error messages.

    Returns:
        A prefetched `tf.data.Dataset` of float32 images in [-1, 1] (and int32 labels).
    """
    num_batches = _checked_batch_count(num_examples, batch_size, drop_remainder, description)
    seed = draw_seed(seed)
    labelled = isinstance(source.element_spec, tuple)
    image_spec = source.element_spec[0] if labelled else source.element_spec
    if shuffle_buffer is None:
        shuffle_buffer = default_shuffle_buffer(num_examples, element_bytes(image_spec))
    elif shuffle_buffer < 1:
        raise ValueError(f"shuffle_buffer must be a positive integer; got {shuffle_buffer!r}.")

    # Cheap first examples (no cache, no shuffle) for `ganzoo.data.peek` and `paired`.
    preview = source.take(batch_size or PREVIEW_EXAMPLES)
    cached = source.cache("" if cache is True else str(cache)) if cache else source

    def finish(ds: tf.data.Dataset, key: tf.Tensor | None) -> tf.data.Dataset:
        if augment is None:
            ds = ds.map(lambda *x: _apply(x, to_float), num_parallel_calls=AUTOTUNE)
        else:
            aug_key = tf.random.experimental.stateless_fold_in(key, tf.constant(1, tf.int64))

            def scale_and_augment(index, element):
                item_key = tf.random.experimental.stateless_fold_in(aug_key, index)
                return _apply(element, lambda im: augment(to_float(im), seed=item_key))

            ds = ds.enumerate().map(
                lambda i, x: scale_and_augment(i, x if labelled else (x,)),
                num_parallel_calls=AUTOTUNE,
            )
        if batch_size is not None:
            ds = ds.batch(batch_size, drop_remainder=drop_remainder, num_parallel_calls=AUTOTUNE)
        return ds

    def make_epoch(epoch: tf.Tensor) -> tf.data.Dataset:
        key = epoch_key(seed, epoch)
        ds = cached
        if shuffle:
            ds = epoch_shuffle(ds, shuffle_buffer, key, 0)
        return finish(ds, key)

    ds = epoch_stream(make_epoch, num_batches=num_batches, repeat=repeat)
    preview = finish(preview, epoch_key(seed, tf.constant(0, tf.int64)))
    return previews.set_preview(ds, preview if batch_size is None else preview.take(1))


def _checked_batch_count(
    num_examples: int | None, batch_size: int | None, drop_remainder: bool, description: str
) -> int | None:
    """`batch_count(...)`, after a `ValueError` for a bad `batch_size` or one that
    leaves no batch at all."""
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive integer or None; got {batch_size!r}.")
    num_batches = batch_count(num_examples, batch_size, drop_remainder)
    if num_batches == 0:
        raise ValueError(
            f"{description} has {num_examples} examples, fewer than batch_size={batch_size}: "
            "with drop_remainder=True that is no batch at all. Use a smaller batch_size "
            "or drop_remainder=False."
        )
    return num_batches


def _apply(element: tuple, image_fn: Callable[[tf.Tensor], tf.Tensor]):
    """Applies `image_fn` to the image of `(image,)` or `(image, label)`; labels to int32."""
    if len(element) == 1:
        return image_fn(element[0])
    image, label = element
    return image_fn(image), tf.cast(label, tf.int32)
