"""Improved precision and recall, density and coverage of generated features.

Precision and recall (Kynkäänniemi et al., 2019, arXiv:1904.06991) ask whether each
fake sample falls inside the union of k-nearest-neighbour balls of the real samples
(precision) and whether each real sample falls inside those of the fakes (recall).
Density and coverage (Naeem et al., 2020, arXiv:2002.09797) are their outlier-robust
versions: density counts how many real balls hold each fake (divided by k), coverage
the share of real samples whose ball holds at least one fake. The definitions, and the
strict `<`, follow the authors' package `prdc` (clovaai/generative-evaluation-prdc);
`tests/metrics/test_prdc.py` compares with values it computed.

The pairwise distances are computed in blocks of rows, so 10,000 × 2,048 features need
a few hundred MB rather than the 800 MB of each full 10,000 × 10,000 matrix.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DEFAULT_K = 5
#: rows of each block of the distance matrices.
CHUNK_ROWS = 1024


def prdc(real_features: Any, fake_features: Any, k: int = DEFAULT_K) -> dict[str, float]:
    """Precision, recall, density and coverage of fake features against real ones.

    Args:
        real_features: `(n_real, dim)` features of real images (e.g. those of FID).
        fake_features: `(n_fake, dim)` features of generated images.
        k: the neighbourhood size; Naeem et al. use 5. Needs `k < n_real` and
            `k < n_fake` (each sample's ball reaches its k-th neighbour other than itself).

    Returns:
        `{"precision", "recall", "density", "coverage"}` as floats. Precision, recall
        and coverage lie in [0, 1]; density is about 1 for identical distributions and
        may exceed 1.

    Example:
    >>> scores = ganzoo.metrics.prdc(real_features, fake_features, k=5)
    >>> scores["coverage"]  # doctest: +SKIP
    0.93
    """
    real = _check_features(real_features, "real_features")
    fake = _check_features(fake_features, "fake_features")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"Expected real and fake features of the same width; got {real.shape[1]} and "
            f"{fake.shape[1]}."
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer; got {k!r}.")
    smallest = min(len(real), len(fake))
    if k >= smallest:
        raise ValueError(
            f"prdc needs k smaller than the number of samples of each side; got k={k} with "
            f"{len(real)} real and {len(fake)} fake samples."
        )
    real_radii = nearest_neighbour_radii(real, k)
    fake_radii = nearest_neighbour_radii(fake, k)
    inside_count = np.zeros(len(fake), dtype=np.int64)  # real balls holding each fake
    recalled = np.zeros(len(real), dtype=bool)
    covered = np.zeros(len(real), dtype=bool)
    for rows, distances in _distance_blocks(real, fake):
        inside = distances < real_radii[rows, None]
        inside_count += inside.sum(axis=0)
        recalled[rows] = (distances < fake_radii[None, :]).any(axis=1)
        covered[rows] = distances.min(axis=1) < real_radii[rows]
    return {
        "precision": float((inside_count > 0).mean()),
        "recall": float(recalled.mean()),
        "density": float(inside_count.mean() / k),
        "coverage": float(covered.mean()),
    }


def nearest_neighbour_radii(features: np.ndarray, k: int) -> np.ndarray:
    """Each sample's distance to its k-th nearest neighbour other than itself.

    Args:
        features: `(n, dim)` float64 features.
        k: the neighbour's rank, `1 <= k < n`.

    Returns:
        A `(n,)` float64 array.
    """
    radii = np.empty(len(features))
    for rows, distances in _distance_blocks(features, features):
        # Row i's own distance is 0 and comes first, so the (k+1)-th smallest is the k-th
        # neighbour's (as in `prdc`, which zeroes the diagonal the same way).
        count = distances.shape[0]
        distances[np.arange(count), np.arange(rows.start, rows.start + count)] = 0
        radii[rows] = np.partition(distances, k, axis=1)[:, k]
    return radii


def _distance_blocks(x: np.ndarray, y: np.ndarray):
    """Yields `(rows, distances)`: `CHUNK_ROWS` rows of `x` at a time (a slice) and
    their distances to every row of `y`, so memory stays at `CHUNK_ROWS × len(y)`."""
    if np.shares_memory(x, y):
        # numpy multiplies an array by its own transpose with another kernel (syrk),
        # whose last bits differ from the cross product's: the radii would then break
        # ties unlike the real-to-fake distances (identical sets got density 1.0067).
        y = y.copy()
    x_sq, y_sq = _squared_norms(x), _squared_norms(y)
    for start in range(0, len(x), CHUNK_ROWS):
        rows = slice(start, start + CHUNK_ROWS)
        yield rows, _distances(x[rows], y, x_sq[rows], y_sq)


def _distances(x: np.ndarray, y: np.ndarray, x_sq: np.ndarray, y_sq: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of `x` and `y`, as scikit-learn's
    `euclidean_distances` computes them (`‖x‖² − 2x·y + ‖y‖²`, clipped at 0)."""
    squared = -2.0 * (x @ y.T)
    squared += x_sq[:, None]
    squared += y_sq[None, :]
    np.maximum(squared, 0, out=squared)
    return np.sqrt(squared, out=squared)


def _squared_norms(x: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", x, x)


def _check_features(features: Any, which: str) -> np.ndarray:
    array = np.asarray(features)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(
            f"Expected {which} as a numeric (n, dim) array; got {array.dtype} of shape "
            f"{array.shape}."
        )
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{which} contain NaN or infinite values.")
    return array
