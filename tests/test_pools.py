"""`ganzoo.pools.ImagePool` driven by a model-style `draw` function."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganzoo.pools import ImagePool


def _images(values):
    return tf.constant(values, tf.float32)[:, None, None, None] * tf.ones((1, 2, 2, 1))


def test_call_draws_uniforms_then_slots_through_draw():
    pool = ImagePool(2, (2, 2, 1))
    calls = []

    def draw(sampler, shape, **kwargs):  # always "swap with slot 1" once full
        calls.append((sampler, tuple(shape), kwargs))
        return tf.ones(shape) if sampler is keras.random.uniform else tf.ones(shape, tf.int32)

    assert pool(_images([1, 2]), draw).numpy()[:, 0, 0, 0].tolist() == [1, 2]
    assert pool(_images([3]), draw).numpy()[:, 0, 0, 0].tolist() == [2]
    assert pool.images.numpy()[:, 0, 0, 0].tolist() == [1, 3]
    assert calls[:2] == [
        (keras.random.uniform, (2,), {}),
        (keras.random.randint, (2,), {"minval": 0, "maxval": 2}),
    ]


def test_an_empty_pool_passes_images_through_without_drawing():
    pool = ImagePool(0, (2, 2, 1))

    def draw(*args, **kwargs):
        raise AssertionError("no draw expected")

    images = _images([1.0, 2.0])
    np.testing.assert_array_equal(pool(images, draw), images)
    assert pool.get_state() == {}
