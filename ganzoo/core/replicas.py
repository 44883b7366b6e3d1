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
