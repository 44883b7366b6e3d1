"""`MultiWorkerFit`: Keras' `fit` under `MultiWorkerMirroredStrategy`, for models whose
variables all exist before `fit`.

Workaround for https://github.com/keras-team/keras/issues/20585: Keras 3's own `fit`
fails under `MultiWorkerMirroredStrategy`, even for a plain `Sequential`:
(1) its symbolic build reduces the first distributed batch with
`strategy.reduce(..., axis=None)` ("Attempt to convert a value (PerReplica ...)");
(2) it reduces the step's logs with `strategy.reduce("MEAN", v, axis=0)`, which fails
on scalars. An adversarial model has all its variables before `fit` (networks and
trackers when constructed, optimizers in `compile`), so it skips the symbolic build;
and under a multi-worker strategy its step returns shape-(1,) logs, which that reduce
averages to scalars. `tests/test_multi_worker.py` checks that plain Keras still fails;
when that test fails, Keras is fixed and this mixin can go.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops


class MultiWorkerFit:
    """Mixin of `keras.Model`: the multi-worker workaround (see the module docstring)."""

    @staticmethod
    def _in_multi_worker_mode(strategy) -> bool:
        return (
            isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
            and strategy.extended._in_multi_worker_mode()
        )

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if all(layer.built for layer in self._flatten_layers()):
            return  # nothing to build, and no batch to fetch
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def make_train_function(self, force=False):
        if not self._in_multi_worker_mode(self.distribute_strategy) or (
            self.train_function is not None and not force
        ):
            return super().make_train_function(force)
        train_step = self.train_step

        def train_step_with_vector_logs(data):
            return keras.tree.map_structure(lambda v: ops.reshape(v, (1,)), train_step(data))

        self.train_function = self._make_function(train_step_with_vector_logs)
        return self.train_function
