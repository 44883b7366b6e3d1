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

import json
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ganzoo.testing.bad_data import bad_image_datasets, map_images
from ganzoo.testing.strategies import (
    compile_for_strategy_check,
    configure_logical_cpus,
    two_cpu_strategy,
)

__all__ = [
    "GANTestCase",
    "compile_for_strategy_check",
    "configure_logical_cpus",
    "map_images",
    "two_cpu_strategy",
]


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
        check_precision: bool = True,
        check_xla: bool = True,
        check_resume: bool = True,
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
            check_precision: whether to train under `mixed_float16` (with a loss scale
                that overflows, whose steps must be skipped) and `mixed_bfloat16`.
            check_xla: whether to train with `jit_compile=True`.
            check_resume: whether a run interrupted in its second epoch and resumed
                from `BackupAndRestore` ends bit-identical to an uninterrupted one.

        Afterwards `self.check_seconds` maps each check's name to its wall seconds.
        """
        import keras

        generate_kwargs = generate_kwargs or {}
        self.check_seconds = {}
        timed = self._timed
        model = timed("outputs", self.build, cls, init_kwargs)
        timed("outputs", self.check_outputs, model, generate_kwargs)
        timed("config", self.check_config_round_trip, cls, model)
        model.compile()
        timed("fit", self.check_fit_trains_every_part, model, data, expected_logs)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.keras")
            # With the resume check, the loaded model goes on training there.
            loaded = timed(
                "saving", self.check_saving, model, data, path, generate_kwargs, not check_resume
            )
        timed("bad_input", self.check_bad_input, model, data, bad_data or [])
        if check_strategy:
            keras.utils.set_random_seed(1234)
            fresh = self.build(cls, init_kwargs)
            timed("strategy", self.check_strategy_equals_one_device, cls, fresh, data)
        if check_precision:
            timed("precision", self.check_mixed_precision, cls, init_kwargs, data, generate_kwargs)
        if check_xla:
            timed("xla", self.check_xla, self.build(cls, init_kwargs), data)
        if check_resume:
            timed("resume", self.check_exact_resume, cls, model, data, 2, loaded)

    def _timed(self, check: str, fn: Callable, *args) -> Any:
        """Runs `fn(*args)` and adds its wall time to `self.check_seconds[check]`
        (read by `benchmarks/harness_time.py`)."""
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            seconds = time.perf_counter() - start
            self.check_seconds[check] = self.check_seconds.get(check, 0.0) + seconds

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

    def check_saving(
        self, model, data, path: str, generate_kwargs: dict, fit_after_loading: bool = True
    ):
        """`.keras` round trip: same class, same samples, optimizers restored, fit goes on.

        Returns the loaded model. With `fit_after_loading=False` the caller trains it
        (`run_gan_test` resumes it in `check_exact_resume`, one trace fewer).
        """
        import keras

        model.save(path)
        loaded = keras.models.load_model(path)
        assert type(loaded) is type(model)
        np.testing.assert_allclose(
            np.asarray(loaded.generate(4, seed=7, **generate_kwargs)),
            np.asarray(model.generate(4, seed=7, **generate_kwargs)),
            atol=1e-6,
        )
        for side in (player.optimizer for player in model.players):
            original, restored = getattr(model, side), getattr(loaded, side)
            assert type(restored) is type(original)
            assert int(restored.iterations) == int(original.iterations) > 0
            for a, b in zip(original.variables, restored.variables, strict=True):
                np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-7)
        if fit_after_loading:
            iterations = int(loaded.g_optimizer.iterations)
            loaded.fit(data, epochs=1, verbose=0)
            assert int(loaded.g_optimizer.iterations) > iterations
        return loaded

    def check_bad_input(self, model, data, bad_data: list) -> None:
        """`fit` refuses uint8 images and wrong channels with a ValueError, before training."""
        cases = [*bad_image_datasets(data), *bad_data]
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

    def check_mixed_precision(self, cls, init_kwargs, data, generate_kwargs: dict) -> None:
        """Under `mixed_float16` every optimizer scales its loss, a step whose float16
        gradients overflow is skipped (weights unchanged, scale halved), and an
        ordinary scale trains; under `mixed_bfloat16` the model trains without loss
        scaling. Samples and logs stay float32 and finite. The policy is restored."""
        import keras

        old = keras.config.dtype_policy()
        try:
            for policy in ("mixed_float16", "mixed_bfloat16"):
                keras.mixed_precision.set_global_policy(policy)
                model = self.build(cls, init_kwargs)
                model.compile(jit_compile=False)  # XLA has its own check
                optimizers = [getattr(model, p.optimizer) for p in model.players]
                scaled = all(isinstance(o, keras.optimizers.LossScaleOptimizer) for o in optimizers)
                assert scaled == (policy == "mixed_float16"), (policy, optimizers)
                if scaled:
                    before = [np.array(v) for v in model.trainable_variables]
                    for optimizer in optimizers:
                        optimizer.dynamic_scale.assign(2.0**40)
                    model.fit(data.take(1), epochs=1, verbose=0)
                    after = [np.array(v) for v in model.trainable_variables]
                    for a, b in zip(before, after, strict=True):
                        np.testing.assert_array_equal(a, b, err_msg="an overflowing step ran")
                    assert all(float(o.dynamic_scale.numpy()) < 2.0**40 for o in optimizers)
                    for optimizer in optimizers:
                        optimizer.dynamic_scale.assign(2.0**10)
                before = _weights(model)
                history = model.fit(data, epochs=1, verbose=0).history
                assert all(np.all(np.isfinite(v)) for v in history.values()), (policy, history)
                changed = any(
                    not np.array_equal(a, b) for a, b in zip(before, _weights(model), strict=True)
                )
                assert changed, f"{policy}: fit did not train"
                images = model.generate(4, seed=0, **generate_kwargs)
                assert images.dtype == "float32", (policy, images.dtype)
                assert np.all(np.isfinite(np.asarray(images))), policy
        finally:
            keras.mixed_precision.set_global_policy(old)

    def check_xla(self, model, data) -> None:
        """With `jit_compile=True` the step compiles (Keras keeps XLA on) and trains."""
        model.compile(jit_compile=True)
        before = _weights(model)
        history = model.fit(data, epochs=1, verbose=0).history
        assert model.jit_compile is True, "Keras dropped XLA for this model"
        assert all(np.all(np.isfinite(v)) for v in history.values()), history
        changed = any(
            not np.array_equal(a, b) for a, b in zip(before, _weights(model), strict=True)
        )
        assert changed, "fit under XLA did not train"

    def check_exact_resume(self, cls, model, data, epochs: int = 2, resumed=None) -> None:
        """A run resumed from the `keras.callbacks.BackupAndRestore` backup of an
        earlier epoch ends with the weights, optimizer states and seed states of the
        uninterrupted run, bit for bit.

        `model` trains `epochs` epochs uninterrupted and writes the backup itself; a
        copy taken when its next-to-last epoch ends is what an interruption during the
        last epoch leaves (`BackupAndRestore` writes only at epoch ends). `resumed`
        restores that copy and trains the rest. It starts from a state of its own, so a
        variable the backup misses ends elsewhere. The kill-and-resume test in ganzoo's
        own suite (`tests/test_resume.py`) SIGKILLs a real run.

        Args:
            cls: the model class.
            model: the uninterrupted run; compiled here (without XLA) if it is not.
            data: the training data.
            epochs: epochs of the uninterrupted run (≥ 2).
            resumed: a model of `cls` compiled as `model` is (`run_gan_test` passes the
                one `check_saving` loaded, so one trace serves both checks); by default
                a fresh model built from `model`'s config and compile config.
        """
        import shutil

        import keras

        if not getattr(model, "compiled", False):
            model.compile(jit_compile=False)  # XLA has its own check
        if resumed is None:
            resumed = cls.from_config(model.get_config())
            resumed.compile_from_config(model.get_compile_config())

        def state(gan):
            optimizers = [getattr(gan, p.optimizer) for p in gan.players]
            variables = [*gan.weights, *(v for o in optimizers for v in o.variables)]
            return [np.array(v) for v in variables] + [np.array(gan.seed_generator.state)]

        with tempfile.TemporaryDirectory() as tmp:
            backup, left_behind = os.path.join(tmp, "backup"), os.path.join(tmp, "left")

            class KeepBackup(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    if epoch == epochs - 2:
                        shutil.copytree(backup, left_behind)

            callbacks = [keras.callbacks.BackupAndRestore(backup), KeepBackup()]
            model.fit(data, epochs=epochs, verbose=0, callbacks=callbacks)
            assert os.path.isdir(left_behind), "BackupAndRestore wrote no backup"
            restore = keras.callbacks.BackupAndRestore(left_behind)
            history = resumed.fit(data, epochs=epochs, verbose=0, callbacks=[restore])
            # Restoring failed silently if the resumed model trained every epoch.
            assert history.epoch == [epochs - 1], f"resumed at epochs {history.epoch}"
        for a, b in zip(state(model), state(resumed), strict=True):
            np.testing.assert_array_equal(a, b, err_msg="the resumed run ended elsewhere")

    def check_multi_worker(self, cls, model, data, atol: float = 1e-5) -> None:
        """Two worker processes under `MultiWorkerMirroredStrategy` (127.0.0.1, one
        CPU each) train to the same weights, equal to one process's, after one epoch
        of `data` compiled by `compile_for_strategy_check`.

        Not part of `run_gan_test` (two processes start TensorFlow: tens of seconds);
        call it from a test of its own. `cls` must be registered for `.keras` loading
        and defined in an importable module or a file.
        """
        from ganzoo.testing.multi_worker import train_on_two_workers, training_state

        first, second = train_on_two_workers(model, data)
        reference = cls.from_config(model.get_config())
        reference.set_weights(model.get_weights())
        reference.seed_generator.state.assign(model.seed_generator.state)
        compile_for_strategy_check(reference, *self.strategy_optimizers())
        before = training_state(reference)
        reference.fit(data, epochs=1, verbose=0)
        expected = training_state(reference)
        assert len(first) == len(second) == len(expected)
        for a, b in zip(first, second, strict=True):
            np.testing.assert_array_equal(a, b, err_msg="the two workers ended apart")
        moved = any(not np.allclose(a, b) for a, b in zip(before, expected, strict=True))
        assert moved, "training did not move the weights"
        for a, b in zip(first, expected, strict=True):
            np.testing.assert_allclose(a, b, atol=atol, rtol=0, err_msg="2 workers != 1 process")
