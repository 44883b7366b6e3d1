"""`ganzoo.data.image_folder`: a folder of image files as a ganzoo dataset."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

import keras
import tensorflow as tf

from ganzoo.data import pipeline, semi_supervised

_COLOR_MODES = {1: "grayscale", 3: "rgb", 4: "rgba"}
# Unreadable files named in full in the error message; the rest are counted.
_MAX_NAMED = 10


def image_folder(
    path: str | os.PathLike,
    image_size: int | tuple[int, int],
    batch_size: int | None = 128,
    *,
    channels: int = 3,
    shuffle: bool = True,
    seed: int | None = None,
    labels_from_subdirs: bool = False,
    drop_remainder: bool = True,
    cache: bool | str = True,
    repeat: bool = False,
    augment: Callable[..., tf.Tensor] | None = None,
    shuffle_buffer: int | None = None,
    interpolation: str = "bilinear",
    crop_to_aspect_ratio: bool = True,
    check_files: bool = True,
    follow_links: bool = False,
) -> tf.data.Dataset:
    """Loads the images of a folder (and its subfolders) as a ganzoo dataset.

    Files ending in .png, .jpg, .jpeg, .bmp or .gif are listed and decoded by
    `keras.utils.image_dataset_from_directory`; the rest of the pipeline is the one of
    `ganzoo.data.load` (cache as uint8, seeded per-epoch shuffle, scale to [-1, 1],
    batch with `drop_remainder`, prefetch).

    Before the dataset is built, every file is decoded once (in parallel, with the same
    TensorFlow decoder training uses), so a corrupt or unreadable file raises a
    `ValueError` naming it now rather than failing an epoch later.

    Args:
        path: the folder.
        image_size: output size, an int for square images or `(height, width)`.
        batch_size: images per batch, or `None` for unbatched examples.
        channels: 1 (grayscale), 3 (RGB) or 4 (RGBA); files are converted.
        shuffle: reshuffle every epoch.
        seed: integer seed of the shuffle and of `augment`; epoch `e`'s order depends
            only on `(seed, e)` (see `ganzoo.data.SyncEpoch`).
        labels_from_subdirs: yield `(images, labels)` with int32 labels, one class per
            immediate subfolder in alphabetical order (`dataset.class_names` lists
            them); otherwise images only, found recursively. Images under a
            subfolder named `unlabelled` get the label -1 (semi-supervised training)
            and it is no class.
        drop_remainder: drop each epoch's last, smaller batch.
        cache: `True` caches the decoded, resized images in memory (uint8), a string
            caches them to that file prefix, `False` decodes every epoch.
        repeat: yield epochs without end; pass `steps_per_epoch` to `fit`.
        augment: optional `augment(image, seed=key) -> image`, as in `ganzoo.data.load`.
        shuffle_buffer: shuffle buffer size; default as in `ganzoo.data.load`.
        interpolation: resize method (`"bilinear"`, `"area"`, `"bicubic"`, ...).
        crop_to_aspect_ratio: center-crop each image to the aspect ratio of
            `image_size` before resizing; `False` stretches it.
        check_files: decode every file up front; `False` skips that check.
        follow_links: follow symbolic links to subfolders.

    Returns:
        A `tf.data.Dataset` of float32 images `(batch, height, width, channels)` in
        [-1, 1], or of `(images, labels)` with int32 labels.

    Raises:
        ValueError: the folder does not exist, holds no image file, or holds files that
            do not decode (each named by path).

    Example:
    >>> ds = ganzoo.data.image_folder("~/data/faces", image_size=64, batch_size=64, seed=0)
    >>> next(iter(ds)).shape
    TensorShape([64, 64, 64, 3])
    """
    folder = os.path.expanduser(os.fspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"Image folder {folder!r} does not exist or is not a folder.")
    if channels not in _COLOR_MODES:
        raise ValueError(f"channels must be 1, 3 or 4; got {channels!r}.")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    image_size = tuple(image_size)
    files = _decoded_files(
        folder,
        image_size,
        channels,
        labels_from_subdirs,
        interpolation=interpolation,
        follow_links=follow_links,
        crop_to_aspect_ratio=crop_to_aspect_ratio,
    )
    if check_files:
        check_image_files(files.file_paths, channels=channels)
    if labels_from_subdirs:  # images under unlabelled/ get the label -1
        files = semi_supervised.unlabelled_folder(files)
    # Keras yields float32 pixels in [0, 255]; cache them as uint8, a quarter the memory.
    source = files.map(_as_uint8, num_parallel_calls=pipeline.AUTOTUNE)
    ds = pipeline.build(
        source,
        num_examples=len(files.file_paths),
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        cache=cache,
        drop_remainder=drop_remainder,
        repeat=repeat,
        augment=augment,
        shuffle_buffer=shuffle_buffer,
        description=f"image folder {folder!r}",
    )
    ds.class_names = files.class_names if labels_from_subdirs else None
    ds.file_paths = files.file_paths
    return ds


def _as_uint8(image, *label):
    """`image` (and its label) with the image as uint8."""
    return (pipeline.to_uint8(image), *label) if label else pipeline.to_uint8(image)


def _decoded_files(
    folder: str,
    image_size: tuple[int, int],
    channels: int,
    labels_from_subdirs: bool,
    **options,
) -> tf.data.Dataset:
    """`keras.utils.image_dataset_from_directory` over `folder`, unbatched and unshuffled,
    with a `ValueError` that names the folder when it holds no image file."""
    try:
        files = keras.utils.image_dataset_from_directory(
            folder,
            labels="inferred" if labels_from_subdirs else None,
            label_mode="int" if labels_from_subdirs else None,
            color_mode=_COLOR_MODES[channels],
            batch_size=None,
            image_size=image_size,
            shuffle=False,
            verbose=False,
            **options,
        )
    except ValueError as error:
        if "No images found" in str(error):
            where = "in its subfolders " if labels_from_subdirs else ""
            raise ValueError(
                f"Image folder {folder!r} holds no image file {where}(.png, .jpg, .jpeg, "
                ".bmp or .gif)."
            ) from None
        raise
    return files


def check_image_files(paths: Sequence[str], channels: int = 3) -> None:
    """Decodes every file with TensorFlow's decoder and names the ones that fail.

    Args:
        paths: image file paths.
        channels: channels to decode to (as training will).

    Raises:
        ValueError: naming every file that cannot be read or decoded, with the reason.
    """
    if not paths:
        return
    path_tensor = tf.constant(list(paths))

    def decode(index):
        image = tf.io.decode_image(
            tf.io.read_file(path_tensor[index]), channels=channels, expand_animations=False
        )
        return index, tf.shape(image)

    readable = tf.data.Dataset.range(len(paths)).map(decode, num_parallel_calls=pipeline.AUTOTUNE)
    readable = readable.ignore_errors()
    ok = {int(index) for index, _ in readable.as_numpy_iterator()}
    bad = [path for i, path in enumerate(paths) if i not in ok]
    if not bad:
        return
    lines = [f"  {path}: {_decode_error(path, channels)}" for path in bad[:_MAX_NAMED]]
    if len(bad) > _MAX_NAMED:
        lines.append(f"  ... and {len(bad) - _MAX_NAMED} more")
    raise ValueError(
        f"{len(bad)} of {len(paths)} image files cannot be read as images; remove or "
        "replace them:\n" + "\n".join(lines)
    )


def _decode_error(path: str, channels: int) -> str:
    try:
        tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
    except (tf.errors.OpError, ValueError) as error:
        message = getattr(error, "message", None) or str(error)
        message = re.sub(r"\{\{function_node [^}]*\}\}\s*|\s*\[Op:\w+\].*", "", message)
        return message.strip().splitlines()[0]
    return "failed to decode"
