"""`DivergenceGuard`: stop training when a loss becomes NaN, infinite or explodes.

GANs diverge: one bad step makes a loss NaN, the NaN gradient reaches every weight, and
from then on every checkpoint written is worthless. The guard watches the losses after
every batch and the weights after every epoch; when either goes bad it puts back the
last good state (the one at the start of the epoch, which is also what
`keras.callbacks.BackupAndRestore` saved) and stops training before any later
callback can write the bad weights over a good checkpoint.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf


class DivergenceError(RuntimeError):
    """Raised by `DivergenceGuard` when training diverges; the message says where."""


class DivergenceGuard(keras.callbacks.Callback):
    """Stops training when a loss becomes NaN or infinite, or explodes past a threshold.

    After every batch it checks the logged values (for a ganzoo GAN: `d_loss`, `g_loss`
    and the variant's extra terms; with `steps_per_execution > 1`, 4 by default for the
    latent GANs, Keras calls it once per group of steps, so compile with
    `steps_per_execution=1` to check every step); after every epoch it also checks that every weight
    is finite (a step can turn the weights NaN while the loss it logged was still
    finite). When something is wrong it

    1. restores the last good state: all of the model's variables (the networks'
       weights and the seed generators' states) and the state and iteration count of
       every optimizer, as they were at the start of the epoch;
    2. stops training: by default it raises `DivergenceError`, which ends `fit` at once,
       so no later callback runs (no checkpoint is written for the bad batch or epoch,
       and `BackupAndRestore` keeps its last backup instead of deleting it at the end
       of training); with `raise_error=False` it sets `model.stop_training` instead,
       like `keras.callbacks.TerminateOnNaN`, and the epoch's end still runs with the
       restored (good) weights.

    Callbacks run in the order given, so list the guard **before** `ModelCheckpoint`,
    `BackupAndRestore` and anything else that saves the model: in the batch and at the
    epoch end where training diverges, it then acts before they can save.

    The guard keeps one copy of that state in host memory, taken at every epoch start.
    State that is not a Keras variable (CycleGAN's image pools) is not rolled back; as
    training stops, the restored weights are what matters.

    Args:
        monitor: names of the logged values to watch (a name or a list); `None`
            watches every scalar value in the logs.
        threshold: when given, a watched value whose magnitude exceeds it also counts
            as divergence. Keras logs running means over the epoch; the guard compares
            the newest batch's value, recovered from two consecutive running means, so
            one exploding batch is caught at once rather than diluted by the epoch.
        restore: restore the last good state when training diverges.
        raise_error: raise `DivergenceError` (default) rather than setting
            `model.stop_training`.
        check_weights: check at every epoch end that all weights are finite.

    Example:
    >>> guard = ganzoo.callbacks.DivergenceGuard(threshold=1e4)
    >>> gan.fit(ds, epochs=20, callbacks=[
    ...     guard,                                   # first: it must act before savers
    ...     keras.callbacks.BackupAndRestore("runs/dcgan/backup"),
    ...     keras.callbacks.ModelCheckpoint("runs/dcgan/last.keras"),
    ... ])
    """

    def __init__(
        self,
        monitor: str | Sequence[str] | None = None,
        threshold: float | None = None,
        *,
        restore: bool = True,
        raise_error: bool = True,
        check_weights: bool = True,
    ):
        super().__init__()
        if isinstance(monitor, str):
            monitor = [monitor]
        self.monitor = None if monitor is None else list(monitor)
        if threshold is not None and not (float(threshold) > 0 and math.isfinite(threshold)):
            raise ValueError(
                f"threshold must be a positive finite number or None; got {threshold!r}."
            )
        self.threshold = None if threshold is None else float(threshold)
        self.restore = bool(restore)
        self.raise_error = bool(raise_error)
        self.check_weights = bool(check_weights)
        #: the message of the last divergence, or `None`
        self.diverged: str | None = None
        self._snapshot: list[tuple[keras.Variable, np.ndarray]] | None = None
        self._epoch = 0
        self._previous: dict[str, tuple[int, float]] = {}

    # ------------------------------------------------------------------ state

    def _state_variables(self) -> list:
        """The model's variables (weights, seed states) and its optimizers' variables."""
        variables, seen = [], set()

        def add(values):
            for variable in values:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)

        add(self.model.variables)
        optimizers = [getattr(self.model, "optimizer", None)]
        optimizers += [
            v for v in vars(self.model).values() if isinstance(v, keras.optimizers.Optimizer)
        ]
        for optimizer in optimizers:
            if optimizer is not None:
                add(optimizer.variables)
        return variables

    def _take_snapshot(self) -> None:
        self._snapshot = [(v, keras.ops.convert_to_numpy(v)) for v in self._state_variables()]

    def _restore_snapshot(self) -> bool:
        if not self.restore or self._snapshot is None:
            return False
        for variable, value in self._snapshot:
            variable.assign(value)
        return True

    # ------------------------------------------------------------------ checks

    def _scalars(self, logs: dict | None) -> dict[str, float]:
        values = {}
        for name, value in (logs or {}).items():
            if self.monitor is not None and name not in self.monitor:
                continue
            array = np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)
            if array.size == 1:
                values[name] = float(array.reshape(()))
        return values

    def _batch_problem(self, batch: int, logs: dict | None) -> str | None:
        for name, mean in self._scalars(logs).items():
            if not math.isfinite(mean):
                return f"{name} is {mean}"
            done, previous = self._previous.get(name, (0, 0.0))
            self._previous[name] = (batch + 1, mean)
            if self.threshold is None or batch + 1 <= done:
                continue
            newest = ((batch + 1) * mean - done * previous) / (batch + 1 - done)
            if abs(newest) > self.threshold:
                return f"{name} is {newest:.6g}, beyond the threshold {self.threshold:g}"
        return None

    def _weights_problem(self) -> str | None:
        bad = [
            w.path
            for w in self.model.weights
            if w.dtype.startswith("float") and not bool(tf.reduce_all(tf.math.is_finite(w)))
        ]
        if bad:
            more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
            return f"weights became NaN or infinite ({', '.join(bad[:3])}{more})"
        return None

    def _diverge(self, where: str, problem: str) -> None:
        restored = self._restore_snapshot()
        self.diverged = (
            f"Training diverged at {where}: {problem}. "
            + (
                f"Restored the weights and optimizer states of the start of epoch "
                f"{self._epoch + 1}. "
                if restored
                else ""
            )
            + "Try a lower learning rate, a different loss or gradient penalty, or "
            "mixed precision off."
        )
        if self.raise_error:
            raise DivergenceError(self.diverged)
        print(self.diverged)
        self.model.stop_training = True

    # ------------------------------------------------------------------ callback hooks

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.diverged = None
        self._snapshot = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        # Here, not in on_train_begin: `BackupAndRestore` may restore the weights in its
        # own on_train_begin, which can run after this callback's.
        self._epoch = epoch
        self._previous = {}
        if self.restore:
            self._take_snapshot()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        problem = self._batch_problem(batch, logs)
        if problem is not None:
            self._diverge(f"epoch {self._epoch + 1}, batch {batch + 1}", problem)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.check_weights and self.diverged is None:
            problem = self._weights_problem()
            if problem is not None:
                self._diverge(f"the end of epoch {epoch + 1}", problem)
