"""Noise layers whose draws follow the distribution rule (drawn for the global batch,
each replica takes its slice): `GaussianNoise`, the noise layers of the semi-supervised
GAN's discriminator, and `Dropout`, the noise of pix2pix's generator.
"""

from __future__ import annotations

import random

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class GaussianNoise(keras.layers.Layer):
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
        super().__init__(**kwargs)
        if float(stddev) < 0:
            raise ValueError(f"stddev must be non-negative; got {stddev!r}.")
        self.stddev = float(stddev)
        self.seed = random.randrange(2**31) if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        from ganzoo.core.replicas import draw_for_replica

        noise = draw_for_replica(
            keras.random.normal, ops.shape(inputs), self.seed_generator, stddev=self.stddev
        )
        return inputs + ops.cast(noise, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


@keras.saving.register_keras_serializable(package="ganzoo")
class Dropout(keras.layers.Layer):
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
        super().__init__(**kwargs)
        if not 0.0 <= float(rate) < 1.0:
            raise ValueError(f"Dropout rate must be in [0, 1); got {rate!r}.")
        self.rate = float(rate)
        self.seed = random.randrange(2**31) if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        from ganzoo.core.replicas import draw_for_replica

        uniform = draw_for_replica(keras.random.uniform, ops.shape(inputs), self.seed_generator)
        keep = ops.cast(uniform >= self.rate, inputs.dtype)
        return inputs * keep / ops.cast(1.0 - self.rate, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
