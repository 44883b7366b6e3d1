"""A moving average of the generator's weights (Karras et al., 2018 and 2020).

`GAN(ema=0.999)` keeps `ema_generator`, a non-trainable copy of the generator whose
weights follow G's after every generator step:

    ema ← β · ema + (1 − β) · G,    β = 0.5 ** (1 / min(H, t · ema_rampup))

where `H = log(0.5) / log(ema)` is the half-life in generator steps and `t` the number
of generator steps before this one. That is NVlabs stylegan2-ada's `training_loop.py`
(`ema_nimg = min(ema_nimg, cur_nimg * ema_rampup)`, `ema_beta = 0.5 ** (batch /
ema_nimg)`) counted in steps instead of images: the first update copies G (β = 0), and
β rises to `ema` once `t · ema_rampup ≥ H`. Non-trainable variables (batch norm's
moving statistics) are copied from G, as stylegan2-ada copies buffers.

The update runs in the cross-replica context (`merge_call`), so under a
`tf.distribute` strategy every replica's copy receives the same value.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

#: stylegan2-ada's ramp-up (`ema_rampup=0.05`, its `auto` and paper configurations).
DEFAULT_RAMPUP = 0.05


def check_decay(ema: float | None, rampup: float | None) -> None:
    """Raises `ValueError` for a decay outside (0, 1) or a negative ramp-up."""
    if ema is None:
        return
    if isinstance(ema, bool) or not isinstance(ema, (int, float)) or not 0.0 < float(ema) < 1.0:
        raise ValueError(f"ema must be a decay in (0, 1), e.g. 0.999, or None; got {ema!r}.")
    if rampup is not None and not float(rampup) > 0.0:
        raise ValueError(f"ema_rampup must be positive or None (no ramp-up); got {rampup!r}.")


def half_life(decay: float) -> float:
    """Generator steps after which the average's weight on a step halves."""
    return math.log(0.5) / math.log(float(decay))


def copy_generator(generator: keras.Model) -> keras.Model:
    """A non-trainable copy of `generator` with its current weights."""
    copy = keras.models.clone_model(generator)
    copy.set_weights(generator.get_weights())
    copy.trainable = False
    return copy


def beta(steps, decay: float, rampup: float | None):
    """β of the update after `steps` generator steps (a float32 tensor)."""
    steps = tf.cast(steps, tf.float32)
    horizon = tf.constant(half_life(decay), tf.float32)
    if rampup is not None:
        horizon = tf.minimum(horizon, steps * float(rampup))
    return tf.pow(0.5, 1.0 / tf.maximum(horizon, 1e-8))


def update(average: keras.Model, generator: keras.Model, counter, decay: float, rampup) -> None:
    """Moves `average` towards `generator` and counts the update in `counter`.

    Called in a replica context (inside `train_step`), it runs once, in the
    cross-replica context, which assigns each mirrored variable the same value on
    every replica.
    """

    def assign(*_):
        b = beta(counter.value, decay, rampup)
        # The copy is frozen, so G's trainable flags tell weights from statistics.
        for target, source in zip(average.weights, generator.weights, strict=True):
            if source.trainable:
                value = tf.cast(source.value, target.dtype)
                target.assign(value + tf.cast(b, target.dtype) * (target.value - value))
            else:
                target.assign(source.value)
        counter.assign_add(1)

    context = tf.distribute.get_replica_context()
    if context is None:
        assign()
    else:
        context.merge_call(assign)


def attach(model, ema: float | None, rampup: float | None) -> None:
    """Sets `model.ema` and `model.ema_rampup`, and with a decay gives `model` (whose
    `generator` is set) its `ema_generator` and the `ema_updates` counter."""
    model.ema, model.ema_rampup = ema, rampup
    if ema is not None:
        model.ema_generator = copy_generator(model.generator)
        model.ema_updates = keras.Variable(0, dtype="int64", trainable=False, name="ema_updates")


def follow(model) -> None:
    """After a generator update: moves `model.ema_generator` towards `model.generator`
    (nothing without an EMA)."""
    if model.ema is not None:
        update(model.ema_generator, model.generator, model.ema_updates, model.ema, model.ema_rampup)
