"""With ganzoo's defaults, two synchronised replicas train like one device.

On one device ganzoo's batch norm runs TensorFlow's fused kernel; across replicas it is
Keras' synchronised code. One SGD step must give the same weights to float32 rounding.
`benchmarks/batchnorm_replicas.py` runs the same check on the default 32×32 DCGAN.
"""

import contextlib

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import ganzoo
from ganzoo.layers import BatchNormalization
from ganzoo.testing import two_cpu_strategy

# 16×16 images: the generator projects to 4×4 maps and the discriminator's batch norm
# sees 4×4 maps of barely varying generated images (variance a few times epsilon).
CONFIG = {"image_shape": (16, 16, 1), "latent_dim": 8, "base_filters": 8, "seed": 3}


class PerReplicaMeanDCGAN(ganzoo.DCGAN):
    """The deliberate mistake: each replica averages its loss over its own examples."""

    def average_over_global_batch(self, per_example, regularization=()):
        return ops.mean(ops.cast(per_example, "float32"))


@pytest.fixture(scope="module")
def digits16():
    data = ganzoo.data.load("digits", batch_size=16, image_size=16, shuffle=False)
    return np.asarray(next(iter(data))[0])


def _one_step(reference, images, cls=ganzoo.DCGAN, strategy=None):
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        gan = cls.from_config(reference.get_config())
        gan.set_weights(reference.get_weights())
        gan.seed_generator.state.assign(reference.seed_generator.state)
        gan.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01))
    gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(len(images)), epochs=1, verbose=0)
    return gan


def _max_difference(one, two) -> float:
    return max(
        float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
        for a, b in zip(one.weights, two.weights, strict=True)
    )


def test_two_replicas_equal_one_device_with_the_defaults(digits16):
    reference = ganzoo.DCGAN.for_images(**CONFIG)
    one = _one_step(reference, digits16)
    assert any(
        layer._fusable(tf.zeros((2, 4, 4, 3)), training=True, mask=None)
        for layer in one._flatten_layers()
        if isinstance(layer, BatchNormalization)
    ), "the one-device side should run the fused kernel"
    two = _one_step(reference, digits16, strategy=two_cpu_strategy())
    assert _max_difference(one, two) <= 1e-6  # 2e-8 here; 8.8e-6 with the old epsilon floor


def test_the_check_trips_on_a_loss_averaged_per_replica(digits16):
    reference = ganzoo.DCGAN.for_images(**CONFIG)
    one = _one_step(reference, digits16)
    mistake = _one_step(reference, digits16, PerReplicaMeanDCGAN, two_cpu_strategy())
    assert _max_difference(one, mistake) > 1e-3  # 1.9e-2 here
