"""`GANTestCase`: one harness that checks any GAN variant's whole contract.

Modelled on keras-hub's `TestCase.run_backbone_test`: a variant's test file calls
`run_gan_test` once with tiny networks, then adds its paper-specific checks. Users who
extend `ganzoo.GAN` get the same harness.

The `MirroredStrategy` check needs two logical CPU devices, which must be configured
before TensorFlow initialises: call `configure_logical_cpus(2)` first thing in
`conftest.py` (ganzoo's own `tests/conftest.py` does).

Example:
```python
from ganzoo.testing import GANTestCase

class TestMyGAN(GANTestCase):
    def test_contract(self):
        self.run_gan_test(MyGAN, {"image_shape": (8, 8, 1), "latent_dim": 4}, dataset)
```
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np

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
    """Compiles `gan` with the arithmetic a `tf.distribute` strategy gets, so that a
    run on one device and one under a strategy can be compared weight for weight.

    No XLA (neither for the step nor for the optimizer updates) and Keras' batch-norm
    code: on one device ganzoo's defaults may choose XLA or TensorFlow's fused
    batch-norm kernel, whose rounding differs by ~1e-6 and which a few steps of a tiny
    GAN amplify past the checks' tolerances. The checks are about the distribution
    machinery; XLA and the fused kernel have their own tests.

    Args:
        gan: a `ganzoo.GAN`, built (under the strategy's scope, if any).
        g_optimizer: generator optimizer (SGD, see `GANTestCase.strategy_optimizers`).
        d_optimizer: discriminator optimizer.
    """
    from ganzoo.layers import BatchNormalization

    gan.compile(g_optimizer, d_optimizer, jit_compile=False, jit_compile_updates=False)
    for layer in gan._flatten_layers():
        if isinstance(layer, BatchNormalization):
            layer.fused = False


def map_images(element: Any, fn: Callable) -> Any:
    """Applies `fn` to every rank-4 floating tensor in a dataset element (the images).

    Args:
        element: a tensor or a tuple/list of tensors.
        fn: a function of an image batch.

    Returns:
        The element with its image batches replaced by `fn(images)`.
    """

    if isinstance(element, (tuple, list)):
        return type(element)(map_images(e, fn) for e in element)
    if element.shape.rank == 4 and element.dtype.is_floating:
        return fn(element)
    return element


def _weights(model) -> list[np.ndarray]:
    return [np.array(v) for v in model.weights]


class GANTestCase:
    """Checks a `ganzoo.GAN` subclass against the base-class contract.

    Use it as a base class of a pytest test class and call `run_gan_test`.
    """

    #: absolute tolerance of "N replicas equal one device"
    strategy_atol = 1e-4

    def build(self, cls, init_kwargs: dict | Callable):
        """Builds the model under test: `cls.for_images(**init_kwargs)` when the
        kwargs hold no networks, else `cls(**init_kwargs)`; a callable is called."""
        if callable(init_kwargs):
            return init_kwargs()
        if hasattr(cls, "for_images") and not any(
            hasattr(v, "trainable_variables") for v in init_kwargs.values()
        ):
            return cls.for_images(**init_kwargs)
        return cls(**init_kwargs)

    def run_gan_test(
        self,
        cls,
        init_kwargs: dict | Callable,
        data,
        *,
        expected_logs: set[str] | None = None,
        generate_kwargs: dict | None = None,
        bad_data: list[tuple[Any, str]] | None = None,
        check_strategy: bool = True,
    ) -> None:
        """Runs every contract check on `cls`.

        Args:
            cls: the `ganzoo.GAN` subclass.
            init_kwargs: arguments of `cls.for_images` (or of `cls` when they contain
                networks), or a function returning a fresh model.
            data: a small batched `tf.data.Dataset` the model trains on; batches must
                split evenly over two replicas.
            expected_logs: the exact keys `fit` must log; defaults to
                `model.log_names()`.
            generate_kwargs: extra arguments of `generate` (labels, codes...).
            bad_data: extra `(dataset, message_regex)` pairs that `fit` must refuse with
                a `ValueError`; uint8 images and wrong channels are always checked.
            check_strategy: whether to compare `MirroredStrategy` on two logical CPUs
                with one device.
        """
        import keras

        generate_kwargs = generate_kwargs or {}
        model = self.build(cls, init_kwargs)
        self.check_outputs(model, generate_kwargs)
        self.check_config_round_trip(cls, model)
        model.compile()
        self.check_fit_trains_every_part(model, data, expected_logs)
        with tempfile.TemporaryDirectory() as tmp:
            self.check_saving(model, data, os.path.join(tmp, "model.keras"), generate_kwargs)
        self.check_bad_input(model, data, bad_data or [])
        if check_strategy:
            keras.utils.set_random_seed(1234)
            self.check_strategy_equals_one_device(cls, self.build(cls, init_kwargs), data)

    # ------------------------------------------------------------------ checks

    def check_outputs(self, model, generate_kwargs: dict) -> None:
        """`generate` returns float32 images of the model's shape in [-1, 1]."""
        images = np.asarray(model.generate(4, seed=0, **generate_kwargs))
        assert images.shape == (4, *model.image_shape), images.shape
        assert images.dtype == np.float32
        assert np.all(np.isfinite(images))
        assert images.min() >= -1.0 and images.max() <= 1.0, (images.min(), images.max())
        again = np.asarray(model.generate(4, seed=0, **generate_kwargs))
        np.testing.assert_array_equal(images, again)

    def check_config_round_trip(self, cls, model) -> None:
        """`from_config(get_config())` rebuilds the same class with the same config."""
        config = model.get_config()
        clone = cls.from_config(config)
        assert type(clone) is cls
        assert json.dumps(clone.get_config(), sort_keys=True, default=str) == json.dumps(
            config, sort_keys=True, default=str
        )

    def check_fit_trains_every_part(self, model, data, expected_logs) -> None:
        """A short `fit` changes every nested sub-model and logs finite losses."""
        before = {name: _weights(getattr(model, name)) for name in model.nested_models}
        history = model.fit(data, epochs=1, verbose=0)
        expected = set(expected_logs or model.log_names())
        assert set(history.history) == expected, (set(history.history), expected)
        for name, values in history.history.items():
            assert np.all(np.isfinite(values)), (name, values)
        for name in model.nested_models:
            after = _weights(getattr(model, name))
            changed = any(
                not np.array_equal(a, b) for a, b in zip(before[name], after, strict=True)
            )
            assert changed, f"fit did not change the weights of {name}"

    def check_saving(self, model, data, path: str, generate_kwargs: dict) -> None:
        """`.keras` round trip: same class, same samples, optimizers restored, fit goes on."""
        import keras

        model.save(path)
        loaded = keras.models.load_model(path)
        assert type(loaded) is type(model)
        np.testing.assert_allclose(
            np.asarray(loaded.generate(4, seed=7, **generate_kwargs)),
            np.asarray(model.generate(4, seed=7, **generate_kwargs)),
            atol=1e-6,
        )
        for side in ("g_optimizer", "d_optimizer"):
            original, restored = getattr(model, side), getattr(loaded, side)
            assert type(restored) is type(original)
            assert int(restored.iterations) == int(original.iterations) > 0
            for a, b in zip(original.variables, restored.variables, strict=True):
                np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-7)
        iterations = int(loaded.g_optimizer.iterations)
        loaded.fit(data, epochs=1, verbose=0)
        assert int(loaded.g_optimizer.iterations) > iterations

    def check_bad_input(self, model, data, bad_data: list) -> None:
        """`fit` refuses uint8 images and wrong channels with a ValueError, before training."""
        import tensorflow as tf

        uint8 = data.map(
            lambda *e: map_images(
                e if len(e) > 1 else e[0],
                lambda x: tf.cast(tf.round((x + 1.0) * 127.5), tf.uint8),
            )
        )
        channels = data.map(
            lambda *e: map_images(
                e if len(e) > 1 else e[0], lambda x: tf.concat([x, x[..., :1]], axis=-1)
            )
        )
        cases = [(uint8, r"\[-1, 1\]|float"), (channels, r"channel|shape"), *bad_data]
        iterations = int(model.g_optimizer.iterations)
        for dataset, pattern in cases:
            try:
                model.fit(dataset, epochs=1, verbose=0)
            except ValueError as error:
                import re

                assert re.search(pattern, str(error)), (pattern, str(error))
            else:
                raise AssertionError(f"fit accepted bad data (expected /{pattern}/)")
        assert int(model.g_optimizer.iterations) == iterations, "bad data trained a step"

    def check_strategy_equals_one_device(self, cls, model, data) -> None:
        """MirroredStrategy on two logical CPUs trains to the weights of one device,
        both sides compiled by `compile_for_strategy_check`."""
        strategy = two_cpu_strategy()
        with strategy.scope():
            replicated = cls.from_config(model.get_config())
            replicated.set_weights(model.get_weights())
            replicated.seed_generator.state.assign(model.seed_generator.state)
            compile_for_strategy_check(replicated, *self.strategy_optimizers())
        compile_for_strategy_check(model, *self.strategy_optimizers())
        model.fit(data, epochs=1, verbose=0)
        replicated.fit(data, epochs=1, verbose=0)
        for one, two in zip(model.weights, replicated.weights, strict=True):
            np.testing.assert_allclose(
                np.asarray(one),
                np.asarray(two),
                atol=self.strategy_atol,
                err_msg=f"{one.path} differs between one device and MirroredStrategy",
            )

    def strategy_optimizers(self) -> tuple:
        """The optimizers of the strategy check: plain SGD on both sides.

        Adam's step barely changes when a gradient is scaled by a constant, so under
        Adam a loss averaged per replica (gradients N times too large once summed) would
        go unnoticed; SGD's step is proportional to the gradient. Adam also blows the
        rounding noise of zero gradients (biases before a normalisation) up to steps of
        the learning rate, which SGD leaves at rounding level. The rate is small (0.01)
        because a few large steps of a tiny GAN multiply rounding differences
        (CycleGAN at 0.05: 5e-8, 2e-6, 9e-4 after steps 1-3), while a loss scale off by 2
        still moves weights by 6e-3 or more.
        """
        import keras

        return keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01)
