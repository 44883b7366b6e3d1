"""FID and KID, each returned as a `Score` naming its provenance.

- FID (Heusel et al., 2017, arXiv:1706.08500): the Fréchet distance between Gaussians
  fitted to the features of real and generated images. Biased in the sample count:
  compare FIDs computed with the same numbers of samples (papers use 50,000 generated
  images against the training set, or 10,000 against the test set).
- KID (Bińkowski et al., 2018, "Demystifying MMD GANs", arXiv:1801.01401): the
  unbiased estimate of the squared MMD with the cubic polynomial kernel
  k(x, y) = (xᵀy / d + 1)³, averaged over random subsets; unbiased, so usable with
  few samples, and ≈ 0 (possibly slightly negative) for equal distributions.

The Inception Score is in `ganzoo.metrics.inception_score`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ganzoo.metrics.extractors import FeatureExtractor, FIDInceptionExtractor, get_extractor
from ganzoo.metrics.frechet import frechet_distance
from ganzoo.metrics.statistics import FeatureStatistics, _check_same_extractor


@dataclass(frozen=True)
class Score:
    """One evaluation result and what produced it.

    Attributes:
        metric: `"fid"`, `"kid"` or `"inception_score"`.
        value: the score (for KID and IS, the mean over subsets / splits).
        std: the standard deviation over subsets (KID) or splits (IS); None for FID.
        extractor: name of the feature extractor (`"fid_inception"`, `"digits"`, ...).
        num_real: number of real samples (None for the Inception Score).
        num_fake: number of generated samples.
        comparable_with_papers: True only for FID/KID from the FID Inception network.

    `float(score)` is `score.value`.

    Example:
    >>> score = Score("fid", 12.5, None, "fid_inception", 10000, 10000, True)
    >>> str(score)
    'FID 12.5 (fid_inception; 10000 real, 10000 fake)'
    """

    metric: str
    value: float
    std: float | None
    extractor: str
    num_real: int | None
    num_fake: int
    comparable_with_papers: bool = False

    def __float__(self) -> float:
        return float(self.value)

    def as_dict(self) -> dict:
        """The fields as a plain dict (for logs, JSON, CSV)."""
        return asdict(self)

    def __str__(self) -> str:
        label = {"fid": "FID", "kid": "KID", "inception_score": "IS"}.get(self.metric, self.metric)
        value = f"{self.value:.6g}" + (f" ± {self.std:.3g}" if self.std is not None else "")
        samples = f"{self.num_fake} fake"
        if self.num_real is not None:
            samples = f"{self.num_real} real, {samples}"
        return f"{label} {value} ({self.extractor}; {samples})"


def _is_comparable(extractor_name: str) -> bool:
    return extractor_name == FIDInceptionExtractor.name


def _iter_image_batches(images: Any) -> Iterator[Any]:
    """One array/tensor of images, or an iterable of batches (or `(images, ...)`)."""
    if hasattr(images, "shape") and hasattr(images, "dtype"):
        yield images
        return
    if not isinstance(images, Iterable) or isinstance(images, (str, bytes)):
        raise ValueError(
            "Expected images as an array (batch, height, width, channels), an iterable of "
            f"such batches or a FeatureStatistics; got {type(images).__name__}."
        )
    for batch in images:
        if isinstance(batch, (tuple, list)):
            batch = batch[0]  # (images, labels) pairs from a dataset
        yield batch


def compute_statistics(
    images: Any, extractor: Any = "fid_inception", batch_size: int | None = None
) -> FeatureStatistics:
    """Feature statistics of a set of images, computed in batches.

    Use it to compute the real-data statistics once and cache them with
    `FeatureStatistics.save`.

    Args:
        images: float images NHWC in [-1, 1] — one array or tensor, or an iterable of
            batches (a `tf.data.Dataset` yielding images or `(images, labels)`).
        extractor: name, model or `FeatureExtractor` (see `get_extractor`).
        batch_size: images per forward pass.

    Returns:
        `FeatureStatistics` tagged with the extractor's name.

    Example:
    >>> real = compute_statistics(real_images)  # doctest: +SKIP
    >>> real.save("cifar10_train_fid_inception.npz")  # doctest: +SKIP
    """
    extractor = get_extractor(extractor)
    stats = FeatureStatistics(extractor.feature_dim, extractor=extractor.name)
    for batch in _iter_image_batches(images):
        stats.update(extractor(batch, batch_size=batch_size))
    return stats


def _features(images: Any, extractor: FeatureExtractor, batch_size: int | None) -> np.ndarray:
    if isinstance(images, FeatureStatistics):
        raise ValueError("KID needs the features themselves; FeatureStatistics are not enough.")
    parts = [extractor(batch, batch_size=batch_size) for batch in _iter_image_batches(images)]
    if not parts:
        return np.zeros((0, extractor.feature_dim), np.float32)
    return np.concatenate(parts, axis=0)


def fid_from_statistics(real: FeatureStatistics, fake: FeatureStatistics) -> Score:
    """FID between two sets of feature statistics.

    Args:
        real: statistics of the real images (e.g. loaded from a cache).
        fake: statistics of the generated images, from the same extractor.

    Returns:
        A `Score` with metric `"fid"`.
    """
    for which, stats in (("real", real), ("fake", fake)):
        if not isinstance(stats, FeatureStatistics):
            raise ValueError(
                f"Expected FeatureStatistics for the {which} set; got {type(stats).__name__}."
            )
    if real.dim != fake.dim:
        raise ValueError(f"Feature dimensions differ: real {real.dim}, fake {fake.dim}.")
    _check_same_extractor(real.extractor, fake.extractor)
    value = frechet_distance(real.mean, real.covariance, fake.mean, fake.covariance)
    name = real.extractor or fake.extractor or "features"
    return Score("fid", value, None, name, real.count, fake.count, _is_comparable(name))


def fid_from_features(real_features: Any, fake_features: Any, extractor: str = "features") -> Score:
    """FID between two arrays of features `(n, d)`.

    Args:
        real_features: features of the real images.
        fake_features: features of the generated images.
        extractor: the name to record as the extractor.

    Returns:
        A `Score` with metric `"fid"`.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> score = fid_from_features(rng.normal(size=(5000, 4)), rng.normal(size=(5000, 4)) + 1)
    >>> round(score.value, 1)  # ≈ ‖shift‖² = 4
    4.0
    """
    return fid_from_statistics(
        FeatureStatistics.from_features(real_features, extractor=extractor),
        FeatureStatistics.from_features(fake_features, extractor=extractor),
    )


def fid(
    real: Any, fake: Any, extractor: Any = "fid_inception", batch_size: int | None = None
) -> Score:
    """Fréchet Inception Distance (Heusel et al., 2017) between two image sets.

    Args:
        real: real images (float NHWC in [-1, 1], an array or an iterable of batches),
            or their cached `FeatureStatistics`.
        fake: generated images, likewise.
        extractor: `"fid_inception"` (default, comparable with papers), another name, a
            Keras model or a `FeatureExtractor` (see `get_extractor`).
        batch_size: images per forward pass.

    Returns:
        A `Score` (metric `"fid"`, lower is better) naming the extractor and the
        sample counts.

    Example:
    >>> score = fid(real_images, generator_samples)  # doctest: +SKIP
    >>> print(score)  # doctest: +SKIP
    FID 23.4 (fid_inception; 10000 real, 10000 fake)
    """
    extractor = get_extractor(extractor)
    stats = []
    for images in (real, fake):
        if isinstance(images, FeatureStatistics):
            _check_same_extractor(images.extractor, extractor.name)
            stats.append(images)
        else:
            stats.append(compute_statistics(images, extractor, batch_size))
    return fid_from_statistics(*stats)


def kid_from_features(
    real_features: Any,
    fake_features: Any,
    num_subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 0,
    extractor: str = "features",
) -> Score:
    """Kernel Inception Distance (Bińkowski et al., 2018) between two feature arrays.

    For each of `num_subsets` random subsets (drawn without replacement, of
    `min(subset_size, n_real, n_fake)` samples from each side) computes the unbiased
    MMD² with kernel k(x, y) = (xᵀy / d + 1)³, in float64.

    Args:
        real_features: `(n_real, d)` features.
        fake_features: `(n_fake, d)` features.
        num_subsets: number of subsets averaged.
        subset_size: samples per subset (clipped to the smaller sample count).
        seed: seed of the subset draws.
        extractor: the name to record as the extractor.

    Returns:
        A `Score` with metric `"kid"`: mean and std of the subset estimates.
    """
    real_features = _as_features(real_features, "real")
    fake_features = _as_features(fake_features, "fake")
    if real_features.shape[1] != fake_features.shape[1]:
        raise ValueError(
            f"Feature dimensions differ: real {real_features.shape[1]}, "
            f"fake {fake_features.shape[1]}."
        )
    if isinstance(num_subsets, bool) or not isinstance(num_subsets, (int, np.integer)):
        raise ValueError(f"num_subsets must be a positive integer; got {num_subsets!r}.")
    if num_subsets < 1:
        raise ValueError(f"num_subsets must be a positive integer; got {num_subsets}.")
    m = min(int(subset_size), len(real_features), len(fake_features))
    if m < 2:
        raise ValueError(
            "KID needs at least 2 samples per subset; got subset_size="
            f"{subset_size}, {len(real_features)} real and {len(fake_features)} fake samples."
        )
    d = real_features.shape[1]
    rng = np.random.default_rng(seed)
    estimates = np.empty(num_subsets)
    for i in range(num_subsets):
        x = real_features[rng.choice(len(real_features), m, replace=False)]
        y = fake_features[rng.choice(len(fake_features), m, replace=False)]
        k_xx = (x @ x.T / d + 1.0) ** 3
        k_yy = (y @ y.T / d + 1.0) ** 3
        k_xy = (x @ y.T / d + 1.0) ** 3
        estimates[i] = (
            (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
            + (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
            - 2.0 * k_xy.mean()
        )
    return Score(
        "kid",
        float(estimates.mean()),
        float(estimates.std()),
        extractor,
        len(real_features),
        len(fake_features),
        _is_comparable(extractor),
    )


def kid(
    real: Any,
    fake: Any,
    extractor: Any = "fid_inception",
    num_subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 0,
    batch_size: int | None = None,
) -> Score:
    """Kernel Inception Distance (Bińkowski et al., 2018) between two image sets.

    Args:
        real: real images (float NHWC in [-1, 1], an array or an iterable of batches).
        fake: generated images, likewise.
        extractor: name, Keras model or `FeatureExtractor` (see `get_extractor`).
        num_subsets: number of random subsets averaged (100, as in the paper's code).
        subset_size: samples per subset (1000; clipped to the sample counts).
        seed: seed of the subset draws.
        batch_size: images per forward pass.

    Returns:
        A `Score` (metric `"kid"`, lower is better; `std` over subsets).

    Example:
    >>> score = kid(real_images, samples, extractor="digits")  # doctest: +SKIP
    """
    extractor = get_extractor(extractor)
    return kid_from_features(
        _features(real, extractor, batch_size),
        _features(fake, extractor, batch_size),
        num_subsets=num_subsets,
        subset_size=subset_size,
        seed=seed,
        extractor=extractor.name,
    )


def _as_features(features: Any, which: str) -> np.ndarray:
    array = np.asarray(features, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(
            f"Expected {which} features of shape (num_samples, dim); got shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"The {which} features contain NaN or infinite values.")
    return array
