"""Random draws and replica counts by the distribution rule.

Every random draw inside a training step is made for the *global* batch and each
replica takes its slice, so N replicas see exactly the numbers one device sees. (Under
`MirroredStrategy` a `keras.random.SeedGenerator` gives every replica the same numbers,
an open Keras bug; the slice turns that into the right thing.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import tensorflow as tf
from keras import ops


def num_replicas() -> int:
    """Replicas in sync: 1 without a strategy."""
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context
        return tf.distribute.get_strategy().num_replicas_in_sync
    return context.num_replicas_in_sync


def draw_for_replica(
    sampler: Callable, shape: Sequence, seed: keras.random.SeedGenerator, **kwargs
):
    """This replica's slice of a draw for the global batch.

    Args:
        sampler: a `keras.random` function such as `keras.random.normal`.
        shape: the local shape; its first entry is the per-replica batch size.
        seed: the seed generator to draw from.
        **kwargs: passed to `sampler` (`minval`, `maxval`, ...).

    Returns:
        A tensor of `shape`.
    """
    replicas = num_replicas()
    if replicas == 1:
        return sampler(tuple(shape), seed=seed, **kwargs)
    local = shape[0]
    values = sampler((local * replicas, *shape[1:]), seed=seed, **kwargs)
    replica_id = tf.distribute.get_replica_context().replica_id_in_sync_group
    return values[replica_id * local : (replica_id + 1) * local]


def global_sum(value):
    """`value` summed over the replicas in sync (itself without a strategy).

    Differentiable: the gradient of an all-reduce sum is an all-reduce sum, so a loss
    built on global-batch statistics (a masked mean over the labelled images of the
    global batch, feature matching on the global batch's mean features) trains N
    replicas exactly as one device.

    Args:
        value: a tensor computed on this replica.

    Returns:
        A tensor of the same shape: the sum over all replicas.
    """
    if num_replicas() == 1:
        return value
    return tf.distribute.get_replica_context().all_reduce(tf.distribute.ReduceOp.SUM, value)


def global_batch_mean(values):
    """The mean of `values` over the global batch (axis 0 of every replica's share).

    Args:
        values: a `(batch, ...)` tensor on this replica.

    Returns:
        A `(...)` float32 tensor, the same on every replica and equal to the one-device
        mean over the whole batch; gradients flow to every replica's share.
    """
    values = ops.cast(values, "float32")
    count = ops.cast(ops.shape(values)[0] * num_replicas(), "float32")
    return global_sum(ops.sum(values, axis=0)) / count
