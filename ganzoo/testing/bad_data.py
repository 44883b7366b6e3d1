"""Bad versions of a test dataset, for the harness's bad-input check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def map_images(element: Any, fn: Callable) -> Any:
    """Applies `fn` to every rank-4 floating tensor in a dataset element (the images).

    Args:
        element: a tensor or a tuple/list of tensors.
        fn: a function of an image batch.

    Returns:
        The element with its image batches replaced by `fn(images)`.
    """

    if isinstance(element, (tuple, list)):
        return type(element)(map_images(e, fn) for e in element)
    if element.shape.rank == 4 and element.dtype.is_floating:
        return fn(element)
    return element


def bad_image_datasets(data) -> list[tuple[Any, str]]:
    """`data` with uint8 images and with one channel too many, each paired with the
    pattern that `fit`'s `ValueError` must match.

    Args:
        data: a batched `tf.data.Dataset` of images or tuples holding images.

    Returns:
        `[(dataset, message_regex), ...]`.
    """
    import tensorflow as tf

    def mapped(fn):
        return data.map(lambda *e: map_images(e if len(e) > 1 else e[0], fn))

    uint8 = mapped(lambda x: tf.cast(tf.round((x + 1.0) * 127.5), tf.uint8))
    channels = mapped(lambda x: tf.concat([x, x[..., :1]], axis=-1))
    return [(uint8, r"\[-1, 1\]|float"), (channels, r"channel|shape")]
