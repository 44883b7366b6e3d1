"""Numeric tests of the penalty functions of `ganzoo.regularizers` (R1, WGAN-GP's
gradient penalty): closed forms, conditions, patch critics, second-order gradients."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from ganzoo import regularizers


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


W = np.array([1.0, 2.0, 2.0, 0.0], np.float32)  # ‖w‖ = 3


def _linear_critic(weights=W, bias=0.5):
    """D(x) = w·vec(x) + b on 2×2×1 images: ∇D = w everywhere."""
    images = keras.Input((2, 2, 1))
    dense = keras.layers.Dense(1)
    critic = keras.Model(images, dense(keras.layers.Flatten()(images)))
    dense.set_weights([weights.reshape(4, 1), np.array([bias], np.float32)])
    return critic


def _images(*values):
    return np.stack([np.full((2, 2, 1), v, np.float32) for v in values])


def test_gradient_penalty_of_a_linear_critic():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(3, 2, 2, 1)).astype(np.float32)
    fake = rng.normal(size=(3, 2, 2, 1)).astype(np.float32)
    gp = regularizers.gradient_penalty(_linear_critic(), real, fake, np.array([0.0, 0.3, 1.0]))
    np.testing.assert_allclose(_np(gp), [(3.0 - 1.0) ** 2] * 3, rtol=1e-5)


def test_gradient_penalty_uses_the_interpolate_eps_x_plus_one_minus_eps_fake():
    # D(x) = ‖x‖² (c/2 with c = 2): ∇D(x̂) = 2x̂, so the penalty is (2‖x̂‖ - 1)².
    # real = ones (‖1‖ = 2 on four pixels), fake = 0: x̂ = ε·1, ‖∇D‖ = 4ε.
    def critic(x):
        return ops.sum(ops.square(x), axis=(1, 2, 3))

    real, fake = _images(1.0, 1.0, 1.0), _images(0.0, 0.0, 0.0)
    gp = regularizers.gradient_penalty(critic, real, fake, np.array([0.25, 1.0, 0.5], np.float32))
    # ε = 0.25 → (1 - 1)² = 0; ε = 1 → (4 - 1)² = 9; ε = 0.5 → (2 - 1)² = 1.
    # With ε and 1 - ε swapped it would be 4, 1, 1.
    np.testing.assert_allclose(_np(gp), [0.0, 9.0, 1.0], atol=1e-5)


def test_gradient_penalty_with_a_condition_and_a_patch_critic():
    def conditional(args):
        x, y = args
        return ops.sum(ops.reshape(x, (-1, 4)) * W, axis=1, keepdims=True) + 7.0 * y

    real, fake = _images(1.0, -1.0), _images(0.0, 2.0)
    labels = np.array([[1.0], [2.0]], np.float32)
    gp = regularizers.gradient_penalty(
        conditional, real, fake, np.array([0.5, 0.5]), condition=labels
    )
    np.testing.assert_allclose(_np(gp), [4.0, 4.0], rtol=1e-5)

    # A critic scoring every pixel: the example's score is the mean of its 4 scores,
    # so ∇ = 1/4 per pixel and ‖∇‖ = 1/2.
    gp = regularizers.gradient_penalty(lambda x: x, real, fake, np.array([0.2, 0.9]))
    np.testing.assert_allclose(_np(gp), [0.25, 0.25], rtol=1e-5)


def _penalty_weight_gradient(critic, real, fake, eps):
    with tf.GradientTape() as tape:
        loss = ops.mean(regularizers.gradient_penalty(critic, real, fake, eps))
    return tape.gradient(loss, critic.trainable_variables[0])


def test_gradient_penalty_is_differentiable_in_the_critic_weights():
    # d/dw (‖w‖ - 1)² = 2(‖w‖ - 1)·w/‖w‖: a second-order gradient through the inner tape.
    critic = _linear_critic()
    real, fake = _images(1.0, 2.0), _images(-1.0, 0.5)
    eps = np.array([0.1, 0.7], np.float32)
    expected = (2 * (3.0 - 1.0) * W / 3.0).reshape(4, 1)
    np.testing.assert_allclose(
        _np(_penalty_weight_gradient(critic, real, fake, eps)), expected, rtol=1e-5
    )

    compiled = tf.function(_penalty_weight_gradient, jit_compile=True)
    np.testing.assert_allclose(_np(compiled(critic, real, fake, eps)), expected, rtol=1e-5)


def test_r1_penalty_closed_forms():
    real = _images(1.0, -0.5)
    np.testing.assert_allclose(
        _np(regularizers.r1_penalty(_linear_critic(), real)), [9.0, 9.0], rtol=1e-5
    )

    # D(x) = ‖x‖²: ‖∇D(x)‖² = 4‖x‖² = 4·4·v² for a constant image of value v.
    def critic(x):
        return ops.sum(ops.square(x), axis=(1, 2, 3))

    np.testing.assert_allclose(_np(regularizers.r1_penalty(critic, real)), [16.0, 4.0], rtol=1e-5)

    def conditional(args):
        x, y = args
        return ops.sum(ops.reshape(x, (-1, 4)) * W * y, axis=1)

    labels = np.array([[1.0], [2.0]], np.float32)  # ∇ = y·w, ‖∇‖² = 9y²
    np.testing.assert_allclose(
        _np(regularizers.r1_penalty(conditional, real, condition=labels)), [9.0, 36.0], rtol=1e-5
    )


def test_penalties_call_keras_models_in_training_mode():
    # A layer that is the identity at inference and doubles its input in training:
    # training=True must reach it, so ∇ = 2w and R1 = 4‖w‖² = 36.
    class DoublesInTraining(keras.layers.Layer):
        def call(self, x, training=False):
            return 2.0 * x if training else x

    images = keras.Input((2, 2, 1))
    dense = keras.layers.Dense(1, use_bias=False)
    critic = keras.Model(images, dense(DoublesInTraining()(keras.layers.Flatten()(images))))
    dense.set_weights([W.reshape(4, 1)])
    np.testing.assert_allclose(
        _np(regularizers.r1_penalty(critic, _images(1.0))), [36.0], rtol=1e-5
    )


def test_a_lazy_r1_works_with_any_variant():
    """`R1(gamma, interval=k)`: an update of its own after every k-th D update."""
    from ganzoo import registry
    from ganzoo.regularizers import R1

    gan = registry.get("r3gan").build_tiny(regularizers=[R1(1.0, interval=3)], seed=0)
    assert type(gan).from_config(gan.get_config()).regularizers[0].interval == 3
    gan.compile(jit_compile=False)
    images = np.random.default_rng(0).uniform(-1, 1, (28, 16, 16, 1)).astype("float32")
    gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=1, verbose=0)
    # Seven D updates; R1's own after the 1st, 4th and 7th.
    assert int(gan.d_optimizer.iterations) == 7 + 3 and int(gan.lazy_counters[0]) == 7
    assert float(gan.trackers["r1"].count) == 3 * 4
    assert isinstance(gan.lazy_counters[0], keras.Variable)
