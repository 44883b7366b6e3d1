"""Every variant trains under `mixed_float16`, `mixed_bfloat16` and `jit_compile=True`.

Under `mixed_float16` each optimizer is a `LossScaleOptimizer`: a test forces a loss
scale so large that the float16 gradients overflow and checks that the step is skipped
(trainable weights unchanged, scale halved), then sets an ordinary scale and checks
that training goes on. Networks compute in the low precision; their outputs, the
losses and the logs stay float32. The global policy is restored after each test.

The variants that differ most run by default (DCGAN in every mode; WGAN-GP, whose
gradient penalty differentiates twice, and CycleGAN, with its own steps, under
float16); the rest of the matrix is marked `slow`. Uses the variant table of
`multi_worker_worker.py`.
"""

from __future__ import annotations

import keras
import multi_worker_worker as variants
import numpy as np
import pytest

MODES = ("mixed_float16", "mixed_bfloat16", "xla")
FAST = {("dcgan", mode) for mode in MODES} | {
    ("wgan_gp", "mixed_float16"),
    ("cyclegan", "mixed_float16"),
}
CASES = [
    pytest.param(name, mode, marks=() if (name, mode) in FAST else pytest.mark.slow)
    for mode in MODES
    for name in variants.VARIANTS
]


@pytest.fixture
def policy():
    """Sets the global dtype policy for one test, and restores the old one after it."""
    old = keras.config.dtype_policy()
    yield keras.mixed_precision.set_global_policy
    keras.mixed_precision.set_global_policy(old)


def _trainable(gan) -> list[np.ndarray]:
    return [np.array(v) for v in gan.trainable_variables]


def _check_dtypes(gan, compute_dtype: str) -> None:
    """Networks compute in `compute_dtype`; every network's outputs are float32."""
    for name in gan.nested_models:
        network = getattr(gan, name)
        computes = {layer.compute_dtype for layer in network.layers}
        assert compute_dtype in computes, (name, computes)
        for output in keras.tree.flatten(network.outputs):
            assert output.dtype == "float32", f"{name} outputs {output.dtype}"
        assert all(v.dtype == "float32" for v in network.trainable_variables), name
    assert all(tracker.dtype == "float32" for tracker in gan.metrics)


def _fit(gan, name: str, steps: int = 1) -> dict:
    history = gan.fit(variants.dataset(name, steps), epochs=1, verbose=0).history
    assert set(history) == set(gan.log_names())
    for key, values in history.items():
        assert np.all(np.isfinite(values)), (key, values)
    return history


@pytest.mark.parametrize(("name", "mode"), CASES)
def test_trains(policy, name, mode):
    if mode == "xla":
        gan = variants.build(name)
        gan.compile(jit_compile=True)
        assert gan.jit_compile is True  # Keras would quietly drop XLA it cannot use
        before = _trainable(gan)
        _fit(gan, name)
        assert all(int(np.array(o.iterations)) > 0 for o in (gan.g_optimizer, gan.d_optimizer))
    elif mode == "mixed_bfloat16":
        policy("mixed_bfloat16")
        gan = variants.build(name)
        gan.compile()
        _check_dtypes(gan, "bfloat16")
        assert not isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
        assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
        before = _trainable(gan)
        _fit(gan, name)
    else:
        policy("mixed_float16")
        gan = variants.build(name)
        gan.compile()
        _check_dtypes(gan, "float16")
        optimizers = (gan.g_optimizer, gan.d_optimizer)
        assert all(isinstance(o, keras.optimizers.LossScaleOptimizer) for o in optimizers)
        before = _trainable(gan)
        # A scale of 2^40 overflows float16 gradients: every update must be skipped and
        # the scale halved once per update (d_steps per batch for the discriminator).
        huge = 2.0**40
        for optimizer in optimizers:
            optimizer.dynamic_scale.assign(huge)
        _fit(gan, name)
        for a, b in zip(before, _trainable(gan), strict=True):
            np.testing.assert_array_equal(a, b, err_msg="an overflowing step was applied")
        assert float(gan.g_optimizer.dynamic_scale.numpy()) == huge / 2
        d_steps = getattr(gan, "d_steps", 1)  # CycleGAN has no critic steps
        assert float(gan.d_optimizer.dynamic_scale.numpy()) == huge / 2**d_steps
        assert all(int(np.array(o.iterations)) == 0 for o in optimizers)
        # From a moderate scale, every update is either applied or skipped with the
        # scale halved (InfoGAN's generator, for one, overflows at Keras' 2^15).
        start, steps = 2.0**12, 3
        for optimizer in optimizers:
            optimizer.dynamic_scale.assign(start)
        _fit(gan, name, steps)
        for optimizer, updates in (
            (gan.g_optimizer, steps),
            (gan.d_optimizer, steps * d_steps),
        ):
            applied = int(np.array(optimizer.iterations))
            skipped = int(np.log2(start / float(optimizer.dynamic_scale.numpy())))
            assert applied >= 1 and applied + skipped == updates, (applied, skipped, updates)
    after = _trainable(gan)
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    images = gan.generate(2, seed=0, **_generate_kwargs(gan, name))
    assert images.dtype == "float32" and np.all(np.isfinite(np.asarray(images)))


def _generate_kwargs(gan, name: str) -> dict:
    if name == "cyclegan":
        return {"images": variants.random_images(2, gan.image_shape_a, 5)}
    return {}


def test_policy_is_restored():
    assert keras.config.dtype_policy().name == "float32"
