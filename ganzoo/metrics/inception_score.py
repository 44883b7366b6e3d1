"""The Inception Score (Salimans et al., 2016, arXiv:1606.03498):
exp(E_x KL(p(y|x) ‖ p(y))) from class probabilities, mean and std over splits."""

from __future__ import annotations

from typing import Any

import numpy as np

from ganzoo.metrics.extractors import get_extractor
from ganzoo.metrics.scores import Score, _iter_image_batches


def inception_score_from_probabilities(
    probabilities: Any, splits: int = 10, extractor: str = "probabilities"
) -> Score:
    """Inception Score (Salimans et al., 2016) from class probabilities.

    The samples are cut into `splits` consecutive parts of `n // splits`; in each,
    IS = exp(mean_x KL(p(y|x) ‖ p(y))) with p(y) the part's mean prediction.

    Args:
        probabilities: `(n, num_classes)`, non-negative rows summing to 1.
        splits: number of parts (10, as in the paper's code).
        extractor: the name to record as the classifier.

    Returns:
        A `Score` with metric `"inception_score"` (higher is better; between 1 and the
        number of classes): mean and std over the splits.

    Example:
    >>> round(inception_score_from_probabilities(np.eye(10)[np.arange(100) % 10]).value, 3)
    10.0
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(
            f"Expected probabilities of shape (num_samples, num_classes); got shape {p.shape}."
        )
    if not np.all(np.isfinite(p)) or np.any(p < -1e-6):
        raise ValueError("Expected non-negative, finite probabilities.")
    sums = p.sum(axis=1)
    if p.size and np.max(np.abs(sums - 1.0)) > 1e-3:
        raise ValueError(
            "Expected probability rows summing to 1 (softmax outputs, not logits); got sums in "
            f"[{sums.min():.4g}, {sums.max():.4g}]."
        )
    if isinstance(splits, bool) or not isinstance(splits, (int, np.integer)) or splits < 1:
        raise ValueError(f"splits must be a positive integer; got {splits!r}.")
    if len(p) < splits:
        raise ValueError(f"Need at least splits={splits} samples; got {len(p)}.")
    p = np.clip(p, 0.0, None)
    part = len(p) // splits
    scores = []
    for k in range(splits):
        chunk = p[k * part : (k + 1) * part]
        marginal = chunk.mean(axis=0, keepdims=True)
        ratio = np.divide(chunk, marginal, out=np.ones_like(chunk), where=chunk > 0)
        kl = np.sum(chunk * np.log(ratio), axis=1)
        scores.append(np.exp(kl.mean()))
    return Score(
        "inception_score",
        float(np.mean(scores)),
        float(np.std(scores)),
        extractor,
        None,
        len(p),
        False,
    )


def inception_score(
    images: Any, extractor: Any = "digits", splits: int = 10, batch_size: int | None = None
) -> Score:
    """Inception Score of generated images with a classifier extractor.

    The FID Inception weights hold no classifier head, so the Inception Score of
    papers is not available here; with `"digits"` (the default) this is the same
    statistic with ganzoo's digits classifier, for models trained on that set.

    Args:
        images: float NHWC images in [-1, 1] (array or iterable of batches).
        extractor: an extractor with a `probabilities(images)` method.
        splits: number of parts.
        batch_size: images per forward pass.

    Returns:
        A `Score` with metric `"inception_score"`.
    """
    extractor = get_extractor(extractor)
    if not callable(getattr(extractor, "probabilities", None)):
        raise ValueError(
            f"The extractor {extractor.name!r} gives no class probabilities; use 'digits' or "
            "pass probabilities to inception_score_from_probabilities()."
        )
    parts = [
        extractor.probabilities(batch, batch_size=batch_size)
        for batch in _iter_image_batches(images)
    ]
    if not parts:
        raise ValueError("No images to score.")
    return inception_score_from_probabilities(
        np.concatenate(parts), splits=splits, extractor=extractor.name
    )
