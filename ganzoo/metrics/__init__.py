"""Evaluation metrics for generative models: FID, KID, Inception Score, PRDC.

FID and KID are computed from features of a pluggable extractor; the default,
`"fid_inception"`, is the network behind published FIDs, so ganzoo's FID is
comparable with papers (see docs/metrics.md).

Example:
>>> from ganzoo.metrics import fid, kid
>>> score = fid(real_images, fake_images)  # doctest: +SKIP
>>> print(score)  # doctest: +SKIP
FID 23.4 (fid_inception; 10000 real, 10000 fake)
"""

from ganzoo.metrics.extractors import (
    DigitsExtractor,
    FeatureExtractor,
    FIDInceptionExtractor,
    KerasInceptionV3Extractor,
    KerasLayerExtractor,
    get_extractor,
    validate_images,
)
from ganzoo.metrics.frechet import frechet_distance, psd_sqrt
from ganzoo.metrics.inception_score import inception_score, inception_score_from_probabilities
from ganzoo.metrics.precision_recall import prdc
from ganzoo.metrics.scores import (
    Score,
    compute_statistics,
    fid,
    fid_from_features,
    fid_from_statistics,
    kid,
    kid_from_features,
)
from ganzoo.metrics.statistics import FeatureStatistics

__all__ = [
    "DigitsExtractor",
    "FIDInceptionExtractor",
    "FeatureExtractor",
    "FeatureStatistics",
    "KerasInceptionV3Extractor",
    "KerasLayerExtractor",
    "Score",
    "compute_statistics",
    "fid",
    "fid_from_features",
    "fid_from_statistics",
    "frechet_distance",
    "get_extractor",
    "inception_score",
    "inception_score_from_probabilities",
    "kid",
    "kid_from_features",
    "prdc",
    "psd_sqrt",
    "validate_images",
]
