"""The rules by which `ganzoo.callbacks.Diagnostics` names the three failure modes.

Each rule is a pure function of values the callback has logged, so its thresholds are
tested and documented on their own (docs/diagnostics.md):

- mode collapse: `modes_covered` stays `MODES_DROP` or more below the best of the run
  so far for `MODES_DROP_EPOCHS` epochs in a row, or the generated samples are
  near-duplicates (their median pairwise distance below `DUPLICATE_RATIO` of the real
  batch's for `DUPLICATE_EPOCHS` epochs in a row);
- vanishing gradients: D classifies real and fake above `SATURATED_ACCURACY` while
  `g_grad_norm` is below `GRADIENT_COLLAPSE` of its largest value in the run;
- non-convergence: over the last `WINDOW` epochs a loss scatters about its regression
  line by more than `NOISE_FACTOR` × the noise of an epoch mean (the within-epoch
  standard error) and by more than `MIN_SWING` of its mean, with no trend (|t| of the
  slope below `TREND_T`) and no damping (the later half's scatter at least
  `DAMPING` of the earlier half's).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MODES_DROP = 2
#: epochs in a row `modes_covered` must stay that low (a healthy run dips for one).
MODES_DROP_EPOCHS = 2
DUPLICATE_RATIO = 0.01
#: epochs in a row the samples must be near-duplicates (a fresh generator's are, briefly).
DUPLICATE_EPOCHS = 2
SATURATED_ACCURACY = 0.99
GRADIENT_COLLAPSE = 0.01
WINDOW = 10
NOISE_FACTOR = 3.0
MIN_SWING = 0.5
TREND_T = 2.0
DAMPING = 0.8


def mode_collapse(modes: Sequence[int], diversity: Sequence[float]) -> str | None:
    """Why the samples look collapsed, or `None`.

    Args:
        modes: `modes_covered` of every epoch so far (empty without a classifier).
        diversity: every epoch's `sample_diversity` so far (the fakes' median pairwise
            distance over the real batch's), last now.
    """
    recent = list(diversity[-DUPLICATE_EPOCHS:])
    if len(recent) == DUPLICATE_EPOCHS and max(recent) < DUPLICATE_RATIO:
        return (
            f"samples are near-duplicates (pairwise distance {recent[-1]:.3f} of the real "
            f"images', below {DUPLICATE_RATIO} for {DUPLICATE_EPOCHS} epochs)"
        )
    drops = [max(modes[: i + 1]) - covered for i, covered in enumerate(modes)]
    if len(drops) >= MODES_DROP_EPOCHS and min(drops[-MODES_DROP_EPOCHS:]) >= MODES_DROP:
        return (
            f"modes_covered fell from {max(modes)} to {modes[-1]} "
            f"(at least {MODES_DROP} below its best for {MODES_DROP_EPOCHS} epochs)"
        )
    return None


def vanishing_gradients(
    real_accuracy: float, fake_accuracy: float, g_norms: Sequence[float]
) -> str | None:
    """Why G's gradients look vanished, or `None`. `g_norms`: every epoch's, last now."""
    if min(real_accuracy, fake_accuracy) <= SATURATED_ACCURACY or len(g_norms) < 2:
        return None
    peak = max(g_norms)
    if g_norms[-1] < GRADIENT_COLLAPSE * peak:
        return (
            f"D is right on {real_accuracy:.1%} of real and {fake_accuracy:.1%} of fake "
            f"images while g_grad_norm fell to {g_norms[-1]:.3g} (peak {peak:.3g})"
        )
    return None


def non_convergence(name: str, means: Sequence[float], errors: Sequence[float]) -> str | None:
    """Why loss `name` looks oscillating without converging, or `None`.

    Args:
        name: the loss's name, for the message.
        means: its epoch means, last now.
        errors: each epoch mean's standard error (within-epoch std / sqrt(batches)).
    """
    if len(means) < WINDOW:
        return None
    y = np.asarray(means[-WINDOW:], dtype=np.float64)
    x = np.arange(WINDOW, dtype=np.float64) - (WINDOW - 1) / 2
    slope = float(x @ (y - y.mean()) / (x @ x))
    residuals = y - y.mean() - slope * x
    scatter = float(np.sqrt(residuals @ residuals / (WINDOW - 2)))
    noise = float(np.mean(errors[-WINDOW:]))
    slope_error = scatter / float(np.sqrt(x @ x))
    half = WINDOW // 2
    early, late = np.std(residuals[:half]), np.std(residuals[half:])
    if (
        scatter > NOISE_FACTOR * noise
        and scatter > MIN_SWING * abs(float(y.mean()))
        and abs(slope) < TREND_T * slope_error
        and late >= DAMPING * early
    ):
        return (
            f"{name} oscillates with no trend over {WINDOW} epochs (scatter {scatter:.3g}, "
            f"{scatter / max(abs(float(y.mean())), 1e-12):.2f}x its mean, "
            f"{scatter / max(noise, 1e-12):.1f}x the noise of an epoch mean)"
        )
    return None
