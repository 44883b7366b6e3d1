"""`CheckedFit`: `fit` that checks the data against the model before any step runs.

Bad data (wrong rank, shape, channels, dtype, value range, labels, a global batch that
does not split over the replicas) raises a `ValueError` that names what was expected
and what came; and ganzoo's per-epoch data order is synchronised with `fit`'s epoch.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import ops

from ganzoo.data import SyncEpoch, checks


class CheckedFit:
    """Mixin of `keras.Model`: `fit` with input checks; models override `check_batch`,
    `batch_multiple` and `first_images`."""

    def check_batch(self, data) -> None:
        """Raises `ValueError` when a dataset element does not fit this model."""

    def batch_multiple(self) -> int:
        """A dataset batch must be a multiple of this per replica (critic chunks)."""
        return 1

    def fit(self, x=None, y=None, **kwargs):
        """`keras.Model.fit`, after checking the first batch against the model.

        Bad data (wrong rank, shape, channels, dtype, value range, labels) raises a
        `ValueError` that names what was expected and what came, before any step runs.

        ganzoo's datasets shuffle by (seed, epoch), so this adds a
        `ganzoo.data.SyncEpoch` callback (unless one is given) that tells them `fit`'s
        epoch: an epoch redone after a crash then sees the same batches.
        """
        if not getattr(self, "compiled", False):
            raise ValueError("Call gan.compile() before gan.fit(); it sets the optimizers.")
        first = checks.peek(x if y is None else (x, y))
        if first is not None:  # a Python iterator cannot be looked at without consuming it
            self.check_batch(first)
        self._check_global_batch(x, first, kwargs.get("batch_size"))
        compiled_steps = self._fit_steps_per_execution(kwargs.get("steps_per_epoch"))
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)  # a dataset shuffles itself
        callbacks = kwargs.get("callbacks")
        if not isinstance(callbacks, keras.callbacks.CallbackList):
            callbacks = list(callbacks or [])
            if not any(isinstance(c, SyncEpoch) for c in callbacks):
                callbacks.insert(0, SyncEpoch())
            kwargs["callbacks"] = callbacks
        try:
            return super().fit(x, y, **kwargs)
        finally:
            if compiled_steps is not None:
                self.steps_per_execution, self.train_function = compiled_steps, None

    def _fit_steps_per_execution(self, steps_per_epoch: int | None) -> int | None:
        # Keras 3.15 runs whole executions: with steps_per_epoch=60 and
        # steps_per_execution=8 an epoch of an endless dataset trains 64 steps. This
        # `fit` executes the largest number of steps that divides the epoch instead;
        # returns the compiled number to restore afterwards (None: unchanged).
        executions = int(getattr(self, "steps_per_execution", 1) or 1)
        if not steps_per_epoch or executions == 1 or steps_per_epoch % executions == 0:
            return None
        self.steps_per_execution = math.gcd(int(steps_per_epoch), executions)
        self.train_function = None  # traced for the other number of steps
        return executions

    def first_images(self, data):
        """The images of a dataset element whose batch size is checked."""
        return data[0] if isinstance(data, (tuple, list)) else data

    def _check_global_batch(self, x, first, batch_size: int | None) -> None:
        # Under a strategy the dataset's batch is the global batch; it must split evenly
        # over the replicas (and each share into `batch_multiple` chunks), or replicas
        # get unequal shares and no longer compute what one device computes.
        replicas = self.distribute_strategy.num_replicas_in_sync
        if replicas == 1 or first is None:
            return
        if isinstance(x, (tf.data.Dataset, keras.utils.PyDataset)):
            batch = int(ops.shape(self.first_images(first))[0])
        else:
            batch = batch_size or 32  # arrays, batched by fit (Keras' default: 32)
        multiple = self.batch_multiple()
        if batch % (replicas * multiple):
            per = f" × d_steps={multiple}" if multiple > 1 else ""
            raise ValueError(
                f"Expected a global batch size divisible by the {replicas} replicas of "
                f"{type(self.distribute_strategy).__name__}{per} = "
                f"{replicas * multiple}; got batches of {batch}. Batch the dataset by "
                "the global batch size with drop_remainder=True."
            )
