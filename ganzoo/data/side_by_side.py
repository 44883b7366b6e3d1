"""`ganzoo.data.paired_images`: pix2pix-style files holding an aligned pair side by side."""

from __future__ import annotations

import os

import tensorflow as tf

from ganzoo.data import previews
from ganzoo.data.folder import image_folder

DIRECTIONS = ("a2b", "b2a")


def paired_images(
    path: str | os.PathLike,
    direction: str = "a2b",
    image_size: int = 256,
    batch_size: int | None = 1,
    *,
    channels: int = 3,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = True,
    cache: bool | str = True,
    check_files: bool = True,
) -> tf.data.Dataset:
    """Loads a folder of side-by-side pairs (A on the left, B on the right) as `(a, b)`.

    The format of the pix2pix datasets (facades, maps, edges2shoes, ...): each file is
    one image twice as wide as high, the input A in its left half and the aligned
    target B in its right half. Files are read by `ganzoo.data.image_folder` (so an
    unreadable file is named), resized to `image_size` x `2 * image_size`, and split.

    Args:
        path: the folder (searched recursively).
        direction: `"a2b"` yields `(left, right)`; `"b2a"` yields `(right, left)`.
        image_size: side of each square half after resizing.
        batch_size: pairs per batch, or `None` for unbatched pairs.
        channels: 1, 3 or 4.
        shuffle: reshuffle the pairs every epoch (seeded as `ganzoo.data.load`).
        seed: integer seed of the shuffle.
        drop_remainder: drop each epoch's last, smaller batch.
        cache: as in `ganzoo.data.image_folder`.
        check_files: decode every file up front, naming those that fail.

    Returns:
        A `tf.data.Dataset` of `(images_a, images_b)`, float32 in [-1, 1], each
        `(batch, image_size, image_size, channels)`.

    Raises:
        ValueError: an unknown `direction`, a bad `image_size`, or the folder errors of
            `ganzoo.data.image_folder` (missing, empty, unreadable files).

    Example:
    >>> pairs = ganzoo.data.paired_images("~/data/facades/train", "b2a", 256, seed=0)
    >>> photos, labels = next(iter(pairs))
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}; got {direction!r}.")
    if isinstance(image_size, bool) or not isinstance(image_size, int) or image_size < 1:
        raise ValueError(f"image_size must be a positive int; got {image_size!r}.")
    wide = image_folder(
        path,
        (image_size, 2 * image_size),
        batch_size,
        channels=channels,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        cache=cache,
        check_files=check_files,
    )

    def split(images: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        left, right = images[..., :image_size, :], images[..., image_size:, :]
        return (left, right) if direction == "a2b" else (right, left)

    pairs = wide.map(split, num_parallel_calls=tf.data.AUTOTUNE)
    previews.keep_preview(pairs, wide, lambda first: first.map(split))
    pairs.file_paths = wide.file_paths
    return pairs
