"""Strategies for equality checks: two logical CPUs, and the arithmetic a strategy gets."""

from __future__ import annotations

import itertools

_STRATEGY_KEYS = itertools.count(1)


def configure_logical_cpus(count: int = 2) -> None:
    """Splits the CPU into `count` logical devices; call before TensorFlow starts.

    Args:
        count: number of logical CPU devices.
    """
    import tensorflow as tf

    cpus = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(
        cpus[0], [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
    )


def two_cpu_strategy():
    """A `MirroredStrategy` over two logical CPUs, safe to create many times per process.

    Every MirroredStrategy numbers its collective ops from the same base; a second
    strategy in one process would reuse keys TF already tied to the first one's tensor
    shapes ("Shape mismatch in the collective instance"). Each call moves the base on,
    through the attribute TF provides for tests.

    Returns:
        A `tf.distribute.MirroredStrategy` with two replicas.
    """
    import tensorflow as tf

    devices = tf.config.list_logical_devices("CPU")
    if len(devices) < 2:
        raise RuntimeError(
            "The strategy check needs two logical CPUs: call "
            "ganzoo.testing.configure_logical_cpus(2) before TensorFlow starts."
        )
    tf.distribute.MirroredStrategy._collective_key_base = 10_000 * next(_STRATEGY_KEYS)
    return tf.distribute.MirroredStrategy([d.name for d in devices[:2]])


def compile_for_strategy_check(gan, g_optimizer, d_optimizer) -> None:
    """Compiles `gan` as a `tf.distribute` strategy compiles it, so that a run on one
    device and one under a strategy can be compared weight for weight.

    No XLA (neither for the step nor for the optimizer updates): on one device ganzoo's
    defaults may choose XLA, whose random draws and rounding differ, while a strategy's
    updates run without it. Batch norm keeps its defaults: ganzoo's fused kernel on one
    device computes what Keras' synchronised code computes across replicas (to 1.2e-7
    after one SGD step of the default DCGAN, `benchmarks/batchnorm_replicas.py`).

    A model with more players than a generator and a discriminator (VAE-GAN's encoder)
    gives each other player a fresh copy of `g_optimizer`.

    Args:
        gan: a `ganzoo.GAN`, built (under the strategy's scope, if any).
        g_optimizer: generator optimizer (SGD, see `GANTestCase.strategy_optimizers`).
        d_optimizer: discriminator optimizer.
    """
    others = {
        player.optimizer: type(g_optimizer).from_config(g_optimizer.get_config())
        for player in gan.players
        if player.optimizer not in ("g_optimizer", "d_optimizer")
    }
    gan.compile(g_optimizer, d_optimizer, jit_compile=False, jit_compile_updates=False, **others)
