"""Aligned pairs for paired translation (pix2pix): `aligned_pairs` (arrays),
`aligned_folders` (two folders whose files share names) and the offline `digits_edges`
(Sobel edge maps of the bundled digits, paired with the digits).

The side-by-side format of the pix2pix datasets is `ganzoo.data.paired_images`.
"""

from __future__ import annotations

import os

import numpy as np
import tensorflow as tf

from ganzoo.data import pipeline, previews
from ganzoo.data.folder import image_folder


def aligned_pairs(
    images_a,
    images_b,
    batch_size: int | None = 1,
    *,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
) -> tf.data.Dataset:
    """Batches aligned arrays (`images_a[i]` pairs with `images_b[i]`) as `(a, b)`.

    Both sides are shuffled together every epoch, epoch `e`'s order fixed by
    `(seed, e)` as in `ganzoo.data.load` (so `SyncEpoch` resumes it).

    Args:
        images_a: float32 `(n, H, W, C_a)` images in [-1, 1] (uint8 is scaled).
        images_b: `(n, H, W, C_b)` images: as many, of the same height and width.
        batch_size: pairs per batch, or `None` for unbatched pairs.
        shuffle: reshuffle the pairs every epoch.
        seed: integer seed of the shuffle.
        drop_remainder: drop each epoch's last, smaller batch.

    Returns:
        A `tf.data.Dataset` of `(images_a, images_b)`, float32.

    Raises:
        ValueError: the sides are not image arrays, or their counts or sizes differ.

    Example:
    >>> edges, digits, _, _ = ganzoo.data.digits_edges(32)
    >>> ds = ganzoo.data.aligned_pairs(edges, digits, batch_size=32, seed=0)
    """
    a, b = np.asarray(images_a), np.asarray(images_b)
    if a.ndim != 4 or b.ndim != 4:
        raise ValueError(
            f"Expected two image arrays (n, height, width, channels); got shapes "
            f"{a.shape} and {b.shape}."
        )
    if len(a) != len(b) or a.shape[1:3] != b.shape[1:3]:
        raise ValueError(
            f"Unmatched pairs: expected as many images of one height and width on both "
            f"sides; got {len(a)} of {a.shape[1:]} and {len(b)} of {b.shape[1:]}."
        )
    source = tf.data.Dataset.from_tensor_slices((a, b))
    return _pairs(source, len(a), batch_size, shuffle, seed, drop_remainder, "aligned pairs")


def aligned_folders(
    a_dir: str | os.PathLike,
    b_dir: str | os.PathLike,
    image_size: int = 256,
    batch_size: int | None = 1,
    *,
    channels_a: int = 3,
    channels_b: int = 3,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
) -> tf.data.Dataset:
    """Loads two folders whose files share names (`a_dir/x.png` pairs with `b_dir/x.png`).

    Files are read by `ganzoo.data.image_folder` (an unreadable file is named), resized
    to `image_size` × `image_size`, paired by their path relative to their folder
    (extension aside) and shuffled together every epoch.

    Args:
        a_dir: folder of the inputs (domain A), searched recursively.
        b_dir: folder of the targets (domain B).
        image_size: side of the square images after resizing.
        batch_size: pairs per batch, or `None` for unbatched pairs.
        channels_a: channels of the A images (1, 3 or 4); files are converted.
        channels_b: channels of the B images.
        shuffle: reshuffle the pairs every epoch.
        seed: integer seed of the shuffle.
        drop_remainder: drop each epoch's last, smaller batch.

    Returns:
        A `tf.data.Dataset` of `(images_a, images_b)`, float32 in [-1, 1].

    Raises:
        ValueError: a folder is missing, empty or unreadable, or a file has no partner
            of the same name in the other folder (the first few are named).

    Example:
    >>> ds = ganzoo.data.aligned_folders("data/edges", "data/photos", 256, seed=0)
    """
    sides = [
        image_folder(d, image_size, None, channels=c, shuffle=False, cache=False)
        for d, c in ((a_dir, channels_a), (b_dir, channels_b))
    ]
    names = [_names(ds.file_paths, d) for ds, d in zip(sides, (a_dir, b_dir), strict=True)]
    if names[0] != names[1]:
        only_a = sorted(set(names[0]) - set(names[1]))[:3]
        only_b = sorted(set(names[1]) - set(names[0]))[:3]
        raise ValueError(
            f"Unmatched pairs: expected the same file names in {os.fspath(a_dir)!r} and "
            f"{os.fspath(b_dir)!r}; got {len(names[0])} and {len(names[1])} files "
            f"(only in A: {only_a}, only in B: {only_b})."
        )
    zipped = tf.data.Dataset.zip(tuple(sides))
    description = f"folders {os.fspath(a_dir)!r}"
    ds = _pairs(
        zipped.cache(), len(names[0]), batch_size, shuffle, seed, drop_remainder, description
    )
    # The preview reads the uncached files (a partly read cache warns).
    first = zipped.take(batch_size or pipeline.PREVIEW_EXAMPLES)
    return previews.set_preview(ds, first.batch(batch_size) if batch_size else first)


def _names(paths: list[str], folder) -> list[str]:
    root = os.path.expanduser(os.fspath(folder))
    return [os.path.splitext(os.path.relpath(p, root))[0] for p in paths]


def _pairs(source, count, batch_size, shuffle, seed, drop_remainder, description):
    """The pipeline of `ganzoo.data.load` for `(a, b)` elements: epoch-seeded shuffle,
    scaling to float32, batches, prefetch, a cheap preview for `peek`."""
    num_batches = pipeline._checked_batch_count(count, batch_size, drop_remainder, description)
    seed = pipeline.draw_seed(seed)

    def finish(ds):
        ds = ds.map(lambda a, b: (pipeline.to_float(a), pipeline.to_float(b)))
        if batch_size is not None:
            ds = ds.batch(batch_size, drop_remainder=drop_remainder)
        return ds

    def make_epoch(epoch):
        ds = source
        if shuffle:
            ds = pipeline.epoch_shuffle(ds, count, pipeline.epoch_key(seed, epoch), 0)
        return finish(ds)

    ds = pipeline.epoch_stream(make_epoch, num_batches=num_batches, repeat=False)
    preview = finish(source.take(batch_size or pipeline.PREVIEW_EXAMPLES))
    return previews.set_preview(ds, preview.take(1) if batch_size else preview)


def sobel_edges(images) -> np.ndarray:
    """Edge maps of images in [-1, 1]: the Sobel gradient magnitude of each channel's
    mean, scaled per image so its strongest edge is 1, as images in [-1, 1]
    (edges white on black).

    Args:
        images: `(n, H, W, C)` float images in [-1, 1].

    Returns:
        float32 `(n, H, W, 1)` edge maps in [-1, 1].
    """
    gray = tf.reduce_mean(tf.convert_to_tensor(images, tf.float32), axis=-1, keepdims=True)
    gradients = tf.image.sobel_edges((gray + 1.0) / 2.0)  # (n, H, W, 1, [dy, dx])
    magnitude = tf.norm(gradients, axis=-1)
    peak = tf.reduce_max(magnitude, axis=(1, 2, 3), keepdims=True)
    return (2.0 * magnitude / tf.maximum(peak, 1e-6) - 1.0).numpy().astype(np.float32)


def digits_edges(
    image_size: int = 32, test_size: int = 200, with_labels: bool = False
) -> tuple[np.ndarray, ...]:
    """The offline paired set: Sobel edge maps of the bundled digits (A) and the digits (B).

    The last `test_size` of scikit-learn's 1,797 digits are held out. No download.

    Args:
        image_size: side of the square images.
        test_size: pairs held out.
        with_labels: also return the digits' labels of both parts.

    Returns:
        `(train_edges, train_digits, test_edges, test_digits)`, float32 arrays
        `(n, size, size, 1)` in [-1, 1], and with `with_labels` `train_labels,
        test_labels` (int32) after them.

    Example:
    >>> train_a, train_b, test_a, test_b = ganzoo.data.digits_edges(32)
    >>> ds = ganzoo.data.aligned_pairs(train_a, train_b, batch_size=32, seed=0)
    """
    from ganzoo.data.digits import load_digits_arrays

    digits, labels = load_digits_arrays(image_size)
    if not 0 < test_size < len(digits):
        raise ValueError(f"test_size must be in [1, {len(digits) - 1}]; got {test_size!r}.")
    edges = sobel_edges(digits)
    cut = len(digits) - test_size
    arrays = (edges[:cut], digits[:cut], edges[cut:], digits[cut:])
    return (*arrays, labels[:cut], labels[cut:]) if with_labels else arrays
