"""Unpaired two-domain data for CycleGAN: `paired`, the paper's jitter, test-time resize."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganzoo.data import pipeline, previews

_METHODS = ("nearest", "bilinear", "bicubic")


def paired(
    ds_a: tf.data.Dataset,
    ds_b: tf.data.Dataset,
    batch_size: int = 1,
    *,
    shuffle: bool = True,
    seed: int | None = None,
    shuffle_buffer: int | None = None,
    drop_remainder: bool = True,
) -> tf.data.Dataset:
    """Zips two unpaired image datasets into `(images_a, images_b)` batches.

    Unbatched inputs (elements `(height, width, channels)`) are each shuffled on their
    own, every epoch, with seeds derived from `(seed, epoch)` (reproducible like
    `ganzoo.data.load`), zipped, and batched with `drop_remainder`. Already batched
    inputs are zipped as they are. Elements `(image, label)` contribute their image.
    An epoch ends with the shorter domain (the reference CycleGAN code instead runs
    `max(len(A), len(B))` steps, drawing the other domain at random).

    Args:
        ds_a: images of domain A.
        ds_b: images of domain B, of the same shape as domain A's.
        batch_size: pairs per batch (CycleGAN: 1); unbatched inputs only.
        shuffle: shuffle each domain every epoch; unbatched inputs only. Inputs from
            `ganzoo.data.load(..., batch_size=None)` are already shuffled: pass `False`
            to save the second shuffle buffer.
        seed: integer seed of the shuffles.
        shuffle_buffer: per-domain buffer size; by default the whole domain when it
            fits in 256 MiB.
        drop_remainder: drop each epoch's last, smaller batch.

    Returns:
        A prefetched `tf.data.Dataset` of `(images_a, images_b)`.

    Raises:
        ValueError: one input is batched and the other is not, the batch sizes differ,
            or the domains' images have different shapes (checked statically when the
            shapes are known, else when the batch is read).

    Example:
    >>> a = ganzoo.data.load("cycle_gan/horse2zebra", "trainA", batch_size=None, seed=1,
    ...                      augment=ganzoo.data.cyclegan_jitter)
    >>> b = ganzoo.data.load("cycle_gan/horse2zebra", "trainB", batch_size=None, seed=2,
    ...                      augment=ganzoo.data.cyclegan_jitter)
    >>> ds = ganzoo.data.paired(a, b, batch_size=1, shuffle=False)
    """
    firsts = [previews.preview(ds) for ds in (ds_a, ds_b)]
    ds_a, spec_a = _images_only(ds_a, "ds_a")
    ds_b, spec_b = _images_only(ds_b, "ds_b")
    rank_a, rank_b = spec_a.shape.rank, spec_b.shape.rank
    if rank_a not in (3, 4) or rank_b not in (3, 4):
        raise ValueError(
            "paired() expects images of shape (height, width, channels), or batches of them; "
            f"got domain A shape {spec_a.shape} and domain B shape {spec_b.shape}."
        )
    if rank_a != rank_b:
        raise ValueError(
            "paired() expects both domains batched or both unbatched; got domain A "
            f"elements of shape {spec_a.shape} and domain B elements of shape {spec_b.shape}."
        )
    shape_a, shape_b = spec_a.shape[-3:], spec_b.shape[-3:]
    if not shape_a.is_compatible_with(shape_b):
        raise ValueError(
            f"The two domains have different image shapes: domain A images are "
            f"{tuple(shape_a)}, domain B images are {tuple(shape_b)}. Resize them to one size "
            "(image_size=...) and the same channels."
        )
    check_runtime = not (shape_a.is_fully_defined() and shape_b.is_fully_defined())

    def check(a, b):
        tf.debugging.assert_equal(
            tf.shape(a)[-3:],
            tf.shape(b)[-3:],
            message="paired(): domain A and domain B images have different shapes",
        )
        return a, b

    if rank_a == 4:
        batch_a, batch_b = spec_a.shape[0], spec_b.shape[0]
        if batch_a is not None and batch_b is not None and batch_a != batch_b:
            raise ValueError(
                f"paired() got batches of {batch_a} images for domain A and {batch_b} for "
                "domain B; batch both with the same batch_size."
            )
        ds = tf.data.Dataset.zip(ds_a, ds_b)
        if check_runtime:
            ds = ds.map(check)
        return ds.prefetch(pipeline.AUTOTUNE)

    size_a, size_b = _size(ds_a), _size(ds_b)
    num_examples = None if size_a is None or size_b is None else min(size_a, size_b)
    num_batches = pipeline.batch_count(num_examples, batch_size, drop_remainder)
    if num_batches == 0:
        raise ValueError(
            f"paired() got {size_a} domain A and {size_b} domain B images, fewer pairs than "
            f"batch_size={batch_size}: with drop_remainder=True that is no batch at all."
        )
    seed = pipeline.draw_seed(seed)
    buffers = [
        shuffle_buffer or pipeline.default_shuffle_buffer(size, pipeline.element_bytes(spec))
        for size, spec in ((size_a, spec_a), (size_b, spec_b))
    ]

    def make_epoch(epoch):
        key = pipeline.epoch_key(seed, epoch)
        a, b = ds_a, ds_b
        if shuffle:
            a = pipeline.epoch_shuffle(a, buffers[0], key, 0)
            b = pipeline.epoch_shuffle(b, buffers[1], key, 1)
        ds = tf.data.Dataset.zip(a, b)
        if check_runtime:
            ds = ds.map(check)
        return ds.batch(batch_size, drop_remainder=drop_remainder)

    ds = pipeline.epoch_stream(make_epoch, num_batches=num_batches, repeat=False)
    if all(first is not None for first in firsts):
        a, b = (_images_only(first, "preview")[0] for first in firsts)
        previews.set_preview(ds, tf.data.Dataset.zip(a, b).batch(batch_size).take(1))
    return ds


def cyclegan_jitter(
    image: tf.Tensor,
    load_size: int = 286,
    crop_size: int = 256,
    *,
    method: str = "nearest",
    seed: tf.Tensor | None = None,
) -> tf.Tensor:
    """CycleGAN's training jitter: resize up, random crop, random horizontal flip.

    As in the paper's reference pipeline (`--preprocess resize_and_crop`, and the
    TensorFlow CycleGAN tutorial): resize to `load_size`x`load_size`, crop a random
    `crop_size`x`crop_size` window, flip left-right with probability 1/2. The PyTorch
    reference resizes with bicubic sampling, the TensorFlow tutorial with nearest
    neighbour (the default here); `"bilinear"` is the third choice.

    Args:
        image: one float image `(height, width, channels)` in [-1, 1].
        load_size: side of the resized image.
        crop_size: side of the random crop.
        method: `"nearest"`, `"bilinear"` or `"bicubic"` (clipped to [-1, 1]).
        seed: optional stateless RNG key (int, shape `(2,)`) making the jitter a
            function of it (`ganzoo.data.load(augment=...)` passes one); `None` draws
            from TensorFlow's global random state.

    Returns:
        The jittered float32 image `(crop_size, crop_size, channels)`.

    Example:
    >>> x = tf.random.uniform((256, 256, 3), -1, 1)
    >>> cyclegan_jitter(x, seed=[1, 2]).shape
    TensorShape([256, 256, 3])
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}.")
    if crop_size > load_size:
        raise ValueError(f"crop_size ({crop_size}) must not exceed load_size ({load_size}).")
    image = tf.convert_to_tensor(image)
    if image.shape.rank != 3:
        raise ValueError(
            f"cyclegan_jitter() takes one image (height, width, channels); got shape {image.shape}."
        )
    channels = image.shape[-1] if image.shape[-1] is not None else tf.shape(image)[-1]
    image = _resize(image, (load_size, load_size), method)
    crop_shape = tf.stack([crop_size, crop_size, channels])
    if seed is None:
        image = tf.image.random_crop(image, crop_shape)
        return tf.image.random_flip_left_right(image)
    crop_seed, flip_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    image = tf.image.stateless_random_crop(image, crop_shape, seed=crop_seed)
    return tf.image.stateless_random_flip_left_right(image, seed=flip_seed)


def resize(
    images: tf.Tensor, size: int | tuple[int, int] = 256, *, method: str = "bilinear"
) -> tf.Tensor:
    """Test-time resize for CycleGAN: images to `size`, no crop, no flip.

    Args:
        images: float images in [-1, 1], `(height, width, channels)` or a batch.
        size: output side (or `(height, width)`).
        method: `"nearest"`, `"bilinear"` (antialiased when shrinking) or `"bicubic"`.

    Returns:
        float32 images of the new size, clipped to [-1, 1].

    Example:
    >>> resize(tf.zeros((2, 300, 400, 3)), 256).shape
    TensorShape([2, 256, 256, 3])
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}.")
    size = (size, size) if isinstance(size, int) else tuple(size)
    return _resize(tf.convert_to_tensor(images), size, method)


def _resize(images: tf.Tensor, size: tuple[int, int], method: str) -> tf.Tensor:
    out = tf.image.resize(images, size, method=method, antialias=method != "nearest")
    if method == "bicubic":
        out = tf.clip_by_value(out, -1.0, 1.0)
    return tf.cast(out, tf.float32)


def _images_only(ds: tf.data.Dataset, name: str) -> tuple[tf.data.Dataset, tf.TensorSpec]:
    if not isinstance(ds, tf.data.Dataset):
        raise ValueError(
            f"paired() expects tf.data.Dataset inputs; {name} is a {type(ds).__name__}."
        )
    spec = ds.element_spec
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], tf.TensorSpec):
        return ds.map(lambda image, _: image), spec[0]
    if not isinstance(spec, tf.TensorSpec):
        raise ValueError(
            f"paired() expects {name} to yield images, or (image, label) pairs; got elements {spec}."
        )
    return ds, spec


def _size(ds: tf.data.Dataset) -> int | None:
    size = int(ds.cardinality())
    return size if size >= 0 else None


def digits_domains(
    image_size: int = 32, test_size: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The offline two-domain toy set: digits (A) and other digits inverted (B).

    Domain A is every other image of the bundled digits set (white on black), domain B
    the images in between, inverted (black on white); the last `test_size` images are
    held out the same way. No download.

    Args:
        image_size: side of the square images.
        test_size: images held out (half per domain).

    Returns:
        `(train_a, train_b, test_a, test_b)`, float32 arrays `(n, size, size, 1)` in
        [-1, 1].

    Example:
    >>> train_a, train_b, test_a, test_b = ganzoo.data.digits_domains(32)
    >>> ds = ganzoo.data.paired(tf.data.Dataset.from_tensor_slices(train_a),
    ...                         tf.data.Dataset.from_tensor_slices(train_b), seed=0)
    """
    from ganzoo.data.digits import load_digits_arrays

    images, _ = load_digits_arrays(image_size)
    if not 0 <= test_size < len(images) - 1:
        raise ValueError(f"test_size must be in [0, {len(images) - 2}]; got {test_size!r}.")
    train, test = images[: len(images) - test_size], images[len(images) - test_size :]
    return train[0::2], -train[1::2], test[0::2], -test[1::2]
