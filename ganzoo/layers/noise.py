"""Noise layers whose draws follow the distribution rule (drawn for the global batch,
each replica takes its slice): `GaussianNoise`, the noise layers of the semi-supervised
GAN's discriminator, and `Dropout`, the noise of pix2pix's generator.
"""

from __future__ import annotations

import random

import keras
from keras import ops


class _GlobalBatchNoise(keras.layers.Layer):
    """What the noise layers share: a saved seed and a `keras.random.SeedGenerator`
    whose draws follow the distribution rule (`ganzoo.core.replicas.draw_for_replica`).

    `seed=None` draws a seed from Python's `random` (seeded by
    `keras.utils.set_random_seed`) and keeps it in the config, so a model rebuilt from
    its config draws the same noise.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = random.randrange(2**31) if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.supports_masking = True
        self.built = True

    def draw(self, distribution, shape, **kwargs):
        """`distribution(shape)` drawn for the global batch; this replica's slice."""
        from ganzoo.core.replicas import draw_for_replica

        return draw_for_replica(distribution, shape, self.seed_generator, **kwargs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="ganzoo")
class GaussianNoise(_GlobalBatchNoise):
    """Adds `N(0, stddev²)` noise while training, drawn by the distribution rule.

    Unlike `keras.layers.GaussianNoise`, whose seed generator gives every replica of a
    `MirroredStrategy` the same noise, the noise is drawn for the global batch and
    each replica adds its slice (`ganzoo.core.replicas.draw_for_replica`), so N
    replicas train exactly as one device. Its seed state is saved with a ganzoo model.

    Args:
        stddev: standard deviation of the noise; 0 adds nothing.
        seed: seed of the layer's `keras.random.SeedGenerator`; `None` draws one from
            Python's `random` (seeded by `keras.utils.set_random_seed`) and keeps it in
            the config, so a model rebuilt from its config draws the same noise.
        **kwargs: those of `keras.layers.Layer`.

    Example:
    >>> noisy = GaussianNoise(0.5)(features, training=True)
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        if float(stddev) < 0:
            raise ValueError(f"stddev must be non-negative; got {stddev!r}.")
        super().__init__(seed, **kwargs)
        self.stddev = float(stddev)

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = self.draw(keras.random.normal, ops.shape(inputs), stddev=self.stddev)
        return inputs + ops.cast(noise, inputs.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev}


@keras.saving.register_keras_serializable(package="ganzoo")
class Dropout(_GlobalBatchNoise):
    """Inverted dropout (Srivastava et al., 2014) whose masks follow the distribution rule.

    While training, each unit is zeroed with probability `rate` and the others scaled
    by `1 / (1 - rate)`, as `keras.layers.Dropout`. Unlike it, the mask is drawn for the
    global batch and each replica takes its slice (`ganzoo.core.replicas.
    draw_for_replica`), so N replicas of a `MirroredStrategy` drop exactly the units one
    device drops. Its seed state is saved with a ganzoo model. pix2pix's generator uses
    it as its only source of noise (Isola et al., 2017, §3.1).

    Args:
        rate: fraction of units dropped, in [0, 1).
        seed: seed of the layer's `keras.random.SeedGenerator`; `None` draws one from
            Python's `random` (seeded by `keras.utils.set_random_seed`) and keeps it in
            the config.
        **kwargs: those of `keras.layers.Layer`.

    Example:
    >>> x = Dropout(0.5)(features, training=True)
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        if not 0.0 <= float(rate) < 1.0:
            raise ValueError(f"Dropout rate must be in [0, 1); got {rate!r}.")
        super().__init__(seed, **kwargs)
        self.rate = float(rate)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        uniform = self.draw(keras.random.uniform, ops.shape(inputs))
        keep = ops.cast(uniform >= self.rate, inputs.dtype)
        return inputs * keep / ops.cast(1.0 - self.rate, inputs.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate}
