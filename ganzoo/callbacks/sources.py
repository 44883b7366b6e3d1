"""Image sources for the FID callback and `ganzoo fid`: batches of real images from an
array or a dataset, batches of a model's samples from fixed seeds, and `extract`, which
streams either through a feature extractor into `FeatureStatistics`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

import keras
import numpy as np

from ganzoo.metrics import FeatureStatistics

# Generated images per `model.generate` call.
GENERATE_BATCH = 256
# Real images per batch when the real data is one array.
ARRAY_BATCH = 256
# An extraction shows a progress bar once it has run this long.
PROGRESS_AFTER_SECONDS = 2.0


def image_batches(data: Any, num_samples: int, batch_size: int = ARRAY_BATCH) -> Iterator:
    """Yields batches of at most `num_samples` images in all from `data`.

    Args:
        data: one array or tensor of images `(n, H, W, C)`, or an iterable of batches
            (a `tf.data.Dataset` of images or of `(images, labels)`).
        num_samples: stop after this many images (the last batch is cut).
        batch_size: images per batch when `data` is one array.

    Yields:
        float32 NumPy arrays `(batch, H, W, C)`.
    """
    if hasattr(data, "shape") and hasattr(data, "dtype"):
        if len(data.shape) != 4:
            raise ValueError(
                "Expected images of shape (n, height, width, channels); got shape "
                f"{tuple(data.shape)}."
            )
        array = data
        data = (array[start : start + batch_size] for start in range(0, len(array), batch_size))
    elif not isinstance(data, Iterable) or isinstance(data, (str, bytes)):
        raise ValueError(
            "Expected real images as an array (n, height, width, channels), a tf.data.Dataset "
            f"or another iterable of image batches; got {type(data).__name__}."
        )
    seen = 0
    for batch in data:
        if isinstance(batch, (tuple, list)):
            batch = batch[0]  # (images, labels)
        batch = np.asarray(batch)
        if batch.ndim != 4:
            raise ValueError(
                "Expected batches of images (batch, height, width, channels); got a batch of "
                f"shape {batch.shape}. Batch the dataset (dataset.batch(...))."
            )
        batch = batch[: num_samples - seen]
        seen += len(batch)
        if len(batch):
            yield batch
        if seen >= num_samples:
            return


def model_batches(
    model: Any, num_samples: int, batch_size: int = GENERATE_BATCH, seed: int = 0
) -> Iterator[np.ndarray]:
    """Yields `num_samples` images of `model.generate` in chunks, from fixed latents.

    Chunk `i` is `model.generate(count, seed=seed + i)`: the same images at every call,
    so FIDs of successive epochs differ by training, not by the draw (keep the default
    `batch_size` for samples that depend only on `seed` and `num_samples`; the FID
    callback and `ganzoo fid` do). Conditional variants use their default conditions
    (CGAN: the classes in turn).

    Args:
        model: a `ganzoo.GAN` (anything with `generate(n, seed=...)`).
        num_samples: images in all.
        batch_size: images per `generate` call.
        seed: seed of the first chunk.

    Yields:
        float32 NumPy arrays in [-1, 1].
    """
    for i, start in enumerate(range(0, int(num_samples), int(batch_size))):
        count = min(int(batch_size), int(num_samples) - start)
        images = np.asarray(model.generate(count, seed=int(seed) + i), dtype=np.float32)
        # tanh outputs; clipping only removes float16 round-off.
        yield np.clip(images, -1.0, 1.0)


def extract(
    batches: Iterable,
    extractor: Any,
    total: int | None = None,
    *,
    keep_features: bool = False,
    batch_size: int | None = None,
    verbose: int = 1,
) -> tuple[FeatureStatistics, np.ndarray | None]:
    """Streams image batches through an extractor into `FeatureStatistics`.

    Args:
        batches: an iterable of image batches in [-1, 1].
        extractor: a `FeatureExtractor` (see `ganzoo.metrics.get_extractor`).
        total: expected number of images, for the progress bar.
        keep_features: also return the features themselves (KID needs them).
        batch_size: images per forward pass of the extractor (its default if `None`).
        verbose: 1 shows a `keras.utils.Progbar` once the extraction has run for 2 s,
            0 is silent.

    Returns:
        `(statistics, features)`, `features` being `None` unless `keep_features`.
    """
    stats = FeatureStatistics(extractor.feature_dim, extractor=extractor.name)
    parts = []
    progbar = None
    start = time.perf_counter()
    for batch in batches:
        features = extractor(batch, batch_size=batch_size)
        stats.update(features)
        if keep_features:
            parts.append(features)
        if progbar is not None:
            progbar.add(len(features))
        elif verbose and time.perf_counter() - start > PROGRESS_AFTER_SECONDS:
            progbar = keras.utils.Progbar(total, unit_name="image")
            progbar.update(stats.count)
    if progbar is not None and total is not None and stats.count < total:
        progbar.update(stats.count, finalize=True)
    features = None
    if keep_features:
        features = (
            np.concatenate(parts) if parts else np.zeros((0, extractor.feature_dim), np.float32)
        )
    return stats, features
