"""Lazy regularization (Karras et al., 2020, "Analyzing and Improving the Image Quality
of StyleGAN", §3.1 and appendix B): a regularizer with `interval = k > 1` is not added
to every update of its player; every k-th update of that player is followed by an
update of its own that minimises `k · weight · penalty`, as NVlabs stylegan2-ada's
`Dreg`/`Greg` phases (`training_loop.py`: `interval=reg_interval`, `loss.py`:
`.mul(gain)` with `gain = interval`). The update count lives in a saved variable, so a
resumed run keeps the schedule; the step is a `tf.cond`, so the skipped updates cost
nothing and `steps_per_execution`, XLA and strategies work as for any step.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import keras
import tensorflow as tf

#: the key of the scaled penalty a lazy update minimises (not logged).
LAZY_LOSS = "lazy_regularization_loss"


def counter(name: str) -> keras.Variable:
    """A saved int64 count of updates, the same on every replica."""
    return keras.Variable(
        0, dtype="int64", trainable=False, name=name, aggregation="only_first_replica"
    )


def every(count: keras.Variable, interval: int, fn: Callable, args: tuple = ()) -> None:
    """Runs `fn(*args)` when `count` is a multiple of `interval` (the 0th, k-th, 2k-th
    call), then adds one to `count`.

    Under a `tf.distribute` strategy a `tf.cond` whose branch applies an optimizer
    cannot run in a replica context (the optimizer's `merge_call` inside control flow);
    as Keras' `LossScaleOptimizer` does, the condition is then taken in the
    cross-replica context and the branch runs `fn` on every replica, each with its own
    `args` (so `fn` must get this replica's tensors through `args`, not a closure).

    Args:
        count: a `counter`.
        interval: k ≥ 1.
        fn: what runs every k-th call (its return value is ignored).
        args: tensors (a nest) passed to `fn`.
    """

    def due():
        return tf.equal(tf.math.floormod(count.value, int(interval)), 0)

    def run(*values):
        with warnings.catch_warnings():
            # A penalty need not depend on every weight (R1 on D's last bias); those
            # stay as they are, as in the reference, without Keras' warning.
            warnings.filterwarnings("ignore", message="Gradients do not exist")
            fn(*values)
        return tf.constant(True)

    context = tf.distribute.get_replica_context()
    if context is None or not tf.distribute.has_strategy():
        tf.cond(due(), lambda: run(*args), lambda: tf.constant(False))
    else:

        def cross_replica(strategy, *values):
            def branch():
                strategy.extended.call_for_each_replica(run, args=values)
                return tf.constant(True)

            tf.cond(due(), branch, lambda: tf.constant(False))

        context.merge_call(cross_replica, args=tuple(args))
    count.assign_add(1)


def lazy_adam(learning_rate: float, beta_1: float, beta_2: float, interval: int | None, **kwargs):
    """Adam with stylegan2-ada's correction for lazy regularization: with `c = k/(k+1)`
    (k the interval; `None` or 1: no correction) the rate is `c · lr` and the betas
    `β^c`, so that k main updates and one regularization update move the weights as k
    plain ones would (`training_loop.py`, `mb_ratio`).

    Returns:
        A `keras.optimizers.Adam`.

    Example:
    >>> lazy_adam(0.0025, 0.0, 0.99, 16)  # the discriminator's optimizer, R1 every 16
    """
    c = 1.0 if not interval or interval <= 1 else interval / (interval + 1)
    return keras.optimizers.Adam(
        learning_rate * c, beta_1=beta_1**c, beta_2=beta_2**c, epsilon=1e-8, **kwargs
    )


class LazyRegularization:
    """The core's lazy regularizers: `AdversarialModel.update` calls
    `regularize_lazily` after each ordinary update of a player."""

    def make_lazy_counters(self) -> None:
        """One update count per regularizer with `interval > 1`."""
        self.lazy_counters = [
            counter(f"{r.name}_updates") for r in self.regularizers if r.interval > 1
        ]

    def regularize_lazily(self, player: str, penalized: Callable | None) -> None:
        """The lazy updates of `player`'s regularizers that are due after this update."""
        lazy = [r for r in self.regularizers if r.interval > 1]
        for regularizer, count in zip(lazy, self.lazy_counters, strict=True):
            if regularizer.player != player:
                continue
            if penalized is None:
                raise ValueError(
                    f"{regularizer!r} needs the critics of {type(self).__name__}'s "
                    f"{player} update, which gives none."
                )

            triples = list(penalized())
            critics = [critic for critic, _, _ in triples]

            def step(images, r=regularizer, critics=critics):
                def terms():
                    pairs = zip(critics, images, strict=True)
                    value = sum(r.penalty(c, x, f, self.draw) for c, (x, f) in pairs)
                    return {r.name: value, LAZY_LOSS: (r.interval * r.weight) * value}

                self.update(player, terms, loss=LAZY_LOSS)

            images = [(real, fake) for _, real, fake in triples]
            every(count, regularizer.interval, step, (images,))
