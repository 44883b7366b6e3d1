"""`GAN`, the base class every ganzoo variant extends.

A GAN is a `keras.Model` whose `train_step` runs `d_steps` discriminator updates and
then one generator update, so training is plain `model.fit(dataset)`. Each part of the
step is a small overridable hook; a new variant overrides only what differs:

- `unpack(data)` → `(real_images, condition)` from one dataset element;
- `sample_latent(batch_size)` → latents for the generator;
- `generator_inputs(latents, condition)` → what the generator is called on;
- `discriminate(images, condition)` → discriminator scores;
- `discriminator_loss(real, fake, latents, condition)` and
  `generator_loss(fake, latents, condition)` → dicts of *per-example* values, one of
  them `"d_loss"` / `"g_loss"`, the rest extra terms to log.

Distribution rule (any `tf.distribute` strategy): every random draw is made for the
global batch from the model's `SeedGenerator` and each replica takes its slice; every
loss is averaged over the global batch (`tf.nn.compute_average_loss`), because
gradients are summed across replicas. N replicas then compute what one device computes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import keras
import tensorflow as tf
from keras import ops

from ganzoo import losses as ganzoo_losses

# Keys of the seed states in saved files (see `GAN.save_own_variables`).
SEED_STATE_KEY = "seed_generator_state"
LAYER_SEED_STATE_KEY = "layer_seed_state"


def _num_replicas() -> int:
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context
        return tf.distribute.get_strategy().num_replicas_in_sync
    return context.num_replicas_in_sync


def _optimizer(value: Any, default: Callable[[], keras.optimizers.Optimizer]):
    optimizer = default() if value is None else keras.optimizers.get(value)
    policy = keras.mixed_precision.global_policy()
    if policy.name == "mixed_float16" and not isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


@keras.saving.register_keras_serializable(package="ganzoo")
class GAN(keras.Model):
    """A generative adversarial network trained with `fit` (Goodfellow et al., 2014).

    Holds a generator and a discriminator as tracked sub-models and trains them
    alternately: `d_steps` discriminator updates, then one generator update, with the
    adversarial loss named by `adversarial_loss` (see `ganzoo.losses`).

    With `d_steps > 1` each critic step sees fresh real images, as in Algorithm 1 of
    WGAN and WGAN-GP: a dataset batch of `d_steps × B` images is split into `d_steps`
    interleaved chunks of `B` (chunk `i` holds rows `i, i + d_steps, ...`, which keeps
    N replicas equal to one device), and the generator step uses batches of `B`.

    Args:
        generator: a `keras.Model` mapping generator inputs to images in [-1, 1].
        discriminator: a `keras.Model` mapping images to logits.
        latent_dim: size of the latent vector `z`.
        d_steps: discriminator updates per generator update.
        adversarial_loss: one of `ganzoo.losses.ADVERSARIAL_LOSSES`.
        r1_gamma: weight γ of the R1 penalty (Mescheder et al., 2018), added to the
            discriminator loss as `γ/2 · ‖∇D(x)‖²`; 0 switches it off.
        seed: seed of the model's `keras.random.SeedGenerator`; `None` follows
            `keras.utils.set_random_seed`.
        **kwargs: passed to `keras.Model` (`name`, ...).

    Example:
    >>> gan = ganzoo.GAN(generator, discriminator, latent_dim=64)
    >>> gan.compile()
    >>> gan.fit(dataset, epochs=5)
    >>> images = gan.generate(16)
    """

    default_adversarial_loss = "non_saturating"
    # Fused steps and XLA on CPU-only machines, for variants whose benchmark shows
    # them faster there (`benchmarks/bench_train.py`); convolutional steps are slower
    # under XLA's CPU convolutions than under oneDNN's.
    default_steps_per_execution = 1
    jit_compile_on_cpu = False
    nested_models: tuple[str, ...] = ("generator", "discriminator")

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int,
        *,
        d_steps: int = 1,
        adversarial_loss: str | None = None,
        r1_gamma: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if int(d_steps) < 1:
            raise ValueError(f"d_steps must be a positive integer; got {d_steps!r}.")
        if int(latent_dim) < 1:
            raise ValueError(f"latent_dim must be a positive integer; got {latent_dim!r}.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.d_steps = int(d_steps)
        self.adversarial_loss = adversarial_loss or self.default_adversarial_loss
        self.loss_pair = ganzoo_losses.get(self.adversarial_loss)
        self.r1_gamma = float(r1_gamma)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.log_names()}
        self.built = True

    # ------------------------------------------------------------------ metadata

    def log_names(self) -> list[str]:
        """Names of the values logged by `fit`, in order (one `Mean` tracker each)."""
        names = ["d_loss", "g_loss"]
        if self.r1_gamma > 0:
            names.append("r1")
        return names

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self.trackers.values())

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one generated image, `(H, W, C)`."""
        return tuple(self.generator.output_shape[1:])

    @property
    def generator_variables(self) -> list:
        """Variables the generator optimizer trains."""
        return self.generator.trainable_variables

    @property
    def discriminator_variables(self) -> list:
        """Variables the discriminator optimizer trains."""
        return self.discriminator.trainable_variables

    # ------------------------------------------------------------------ compile

    def default_g_optimizer(self) -> keras.optimizers.Optimizer:
        """The generator optimizer used when `compile` gets none (the variant's paper)."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5)

    def default_d_optimizer(self) -> keras.optimizers.Optimizer:
        """The discriminator optimizer used when `compile` gets none."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5)

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | str | None = None,
        d_optimizer: keras.optimizers.Optimizer | str | None = None,
        *,
        jit_compile: bool | str = "auto",
        jit_compile_updates: bool | str = "auto",
        steps_per_execution: int | None = None,
        run_eagerly: bool = False,
    ) -> None:
        """Configures the two optimizers; the variant's paper defaults when omitted.

        Both optimizers are built on their variables here, inside the caller's
        `strategy.scope()`, so their slots exist before `fit` (a strategy cannot create
        them lazily inside a replica) and `BackupAndRestore` saves their state. Under
        the `mixed_float16` policy each is wrapped in a `LossScaleOptimizer`.

        Args:
            g_optimizer: generator optimizer (instance, name or config).
            d_optimizer: discriminator optimizer.
            jit_compile: XLA compilation of the whole train step, as in
                `keras.Model.compile`. `"auto"`: XLA on a GPU, and on a CPU-only
                machine only for variants with `jit_compile_on_cpu` (the vanilla GAN,
                whose dense layers and element-wise ops XLA fuses well; convolutions
                are slower under XLA on a CPU).
            jit_compile_updates: XLA compilation of the optimizer updates alone, when
                the step itself is not compiled. Without XLA, an optimizer update is a
                dozen element-wise TensorFlow ops per variable, each a pass over memory;
                XLA fuses them into one (Adam's update of InfoGAN's 13M parameters:
                41 ms → 14 ms per step on a 2-core CPU, see `docs/performance.md`).
                `"auto"` fuses them unless the step runs eagerly or under a
                `tf.distribute` strategy (whose updates go through cross-replica calls
                that XLA cannot compile).
            steps_per_execution: batches run per `tf.function` call; `None` takes the
                variant's `default_steps_per_execution` (more than 1 only where steps
                are so short that `fit`'s per-call overhead shows) without a
                `tf.distribute` strategy, and 1 under one.
            run_eagerly: run the step eagerly, for debugging.
        """
        self.g_optimizer = _optimizer(g_optimizer, self.default_g_optimizer)
        self.d_optimizer = _optimizer(d_optimizer, self.default_d_optimizer)
        if jit_compile_updates not in (True, False, "auto"):
            raise ValueError(
                f'jit_compile_updates must be True, False or "auto"; got {jit_compile_updates!r}.'
            )
        # The saved configuration keeps "auto" and None, resolved again where it is loaded.
        self._compile_options = {
            "jit_compile": jit_compile,
            "jit_compile_updates": jit_compile_updates,
            "steps_per_execution": steps_per_execution,
            "run_eagerly": run_eagerly,
        }
        if steps_per_execution is None:
            # Keras 3.15's multi-step loop fails under MirroredStrategy ("You must feed a
            # value for placeholder tensor"), so the variant's default applies alone.
            steps_per_execution = (
                1 if tf.distribute.has_strategy() else self.default_steps_per_execution
            )
        if jit_compile == "auto" and not run_eagerly and self._xla_on_this_cpu():
            jit_compile = True
        # optimizer=None: Keras would otherwise create an unused RMSprop.
        super().compile(
            optimizer=None,
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
            run_eagerly=run_eagerly,
        )
        self.jit_compile_updates = jit_compile_updates
        # Not a tracked attribute: the compiled updates are no part of the model's state.
        object.__setattr__(self, "_update_functions", {})
        self.g_optimizer.build(self.generator_variables)
        self.d_optimizer.build(self.discriminator_variables)

    def _xla_on_this_cpu(self) -> bool:
        """Whether `jit_compile="auto"` compiles this variant's step although Keras would
        not: a CPU-only machine, no strategy, and a variant faster under XLA there."""
        if not self.jit_compile_on_cpu or tf.distribute.has_strategy():
            return False
        devices = tf.config.list_physical_devices()
        return all(device.device_type == "CPU" for device in devices)

    def get_compile_config(self) -> dict | None:
        if not getattr(self, "compiled", False):
            return None
        return {
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            **self._compile_options,
        }

    def compile_from_config(self, config: dict) -> None:
        config = dict(config)
        g_optimizer = keras.saving.deserialize_keras_object(config.pop("g_optimizer"))
        d_optimizer = keras.saving.deserialize_keras_object(config.pop("d_optimizer"))
        self.compile(g_optimizer, d_optimizer, **config)

    # ------------------------------------------------------------------ random draws

    def draw(self, sampler: Callable, shape: Sequence, **kwargs):
        """Draws a random tensor for this replica from the model's seed generator.

        The draw is made for the global batch and this replica takes its slice, so N
        replicas see exactly the numbers one device would.

        Args:
            sampler: a `keras.random` function such as `keras.random.normal`.
            shape: the local shape; its first entry is the per-replica batch size.
            **kwargs: passed to `sampler` (`minval`, `maxval`, ...).

        Returns:
            A tensor of `shape`.
        """
        replicas = _num_replicas()
        if replicas == 1:
            return sampler(tuple(shape), seed=self.seed_generator, **kwargs)
        local = shape[0]
        values = sampler((local * replicas, *shape[1:]), seed=self.seed_generator, **kwargs)
        replica_id = tf.distribute.get_replica_context().replica_id_in_sync_group
        return values[replica_id * local : (replica_id + 1) * local]

    # ------------------------------------------------------------------ hooks

    def unpack(self, data) -> tuple[Any, Any]:
        """Splits a dataset element into `(real_images, condition)`.

        Unconditional GANs take images, or `(images, labels)` and ignore the labels.
        """
        if isinstance(data, (tuple, list)):
            return data[0], None
        return data, None

    def sample_latent(self, batch_size) -> Any:
        """Latents for `batch_size` generated images: `z ~ N(0, I)` by default."""
        return self.draw(keras.random.normal, (batch_size, self.latent_dim))

    def generator_inputs(self, latents, condition) -> Any:
        """What the generator is called on; conditional variants add the condition."""
        return latents

    def discriminate(self, images, condition, training: bool = True):
        """Discriminator logits for `images` (conditional variants add the condition)."""
        return self.discriminator(images, training=training)

    def discriminator_loss(self, real, fake, latents, condition) -> dict[str, Any]:
        """Per-example discriminator loss terms; `"d_loss"` is the one minimised."""
        real_logits = self.discriminate(real, condition)
        fake_logits = self.discriminate(fake, condition)
        terms = {"d_loss": self.loss_pair.discriminator(real_logits, fake_logits)}
        if self.r1_gamma > 0:
            terms["r1"] = ganzoo_losses.r1_penalty(lambda x: self.discriminate(x, condition), real)
            terms["d_loss"] = terms["d_loss"] + 0.5 * self.r1_gamma * terms["r1"]
        return terms

    def generator_loss(self, fake, latents, condition) -> dict[str, Any]:
        """Per-example generator loss terms; `"g_loss"` is the one minimised."""
        return {"g_loss": self.loss_pair.generator(self.discriminate(fake, condition))}

    # ------------------------------------------------------------------ the step

    def average_over_global_batch(self, per_example, regularization: Sequence = ()):
        """Sums per-example losses and divides by the global batch size.

        Gradients are summed across replicas, so this makes every replica's share of
        the loss add up to the global mean. Layer regularisation losses are divided by
        the number of replicas for the same reason.
        """
        loss = tf.nn.compute_average_loss(ops.cast(per_example, "float32"))
        if regularization:
            loss += ops.cast(ops.sum(regularization), "float32") / _num_replicas()
        return loss

    def optimize(self, tape, loss, variables: list, optimizer) -> None:
        """Applies `optimizer` to `variables` with the gradient of `loss` from `tape`.

        `loss` must have been computed, and (for a `LossScaleOptimizer`) scaled with
        `optimizer.scale_loss`, inside `tape`.
        """
        gradients = tape.gradient(loss, variables)
        if not self._fuse_updates():
            optimizer.apply(gradients, variables)
            return
        key = id(optimizer)
        if key not in self._update_functions:
            self._update_functions[key] = tf.function(
                lambda grads: optimizer.apply(grads, variables), jit_compile=True
            )
        self._update_functions[key](gradients)

    def _fuse_updates(self) -> bool:
        """Whether `optimize` runs the optimizer update as one XLA computation."""
        setting = getattr(self, "jit_compile_updates", False)
        if self.run_eagerly or not tf.inside_function():
            return False
        if setting == "auto":
            return not (self.jit_compile or tf.distribute.has_strategy())
        return bool(setting)

    def record(self, terms: dict[str, Any]) -> None:
        """Adds unscaled per-example values to the trackers of the same name."""
        for name, values in terms.items():
            if name in self.trackers:
                self.trackers[name].update_state(ops.cast(values, "float32"))

    def discriminator_step(self, real, condition) -> None:
        """One discriminator update on a batch of real images."""
        latents = self.sample_latent(ops.shape(real)[0])
        fake = self.generator(self.generator_inputs(latents, condition), training=True)
        with tf.GradientTape() as tape:
            terms = self.discriminator_loss(real, fake, latents, condition)
            loss = self.average_over_global_batch(terms["d_loss"], self.discriminator.losses)
            loss = self.d_optimizer.scale_loss(loss)
        self.optimize(tape, loss, self.discriminator_variables, self.d_optimizer)
        self.record(terms)

    def generator_step(self, real, condition) -> None:
        """One generator update, with as many samples as `real` has images."""
        latents = self.sample_latent(ops.shape(real)[0])
        with tf.GradientTape() as tape:
            fake = self.generator(self.generator_inputs(latents, condition), training=True)
            terms = self.generator_loss(fake, latents, condition)
            loss = self.average_over_global_batch(terms["g_loss"], self.generator.losses)
            loss = self.g_optimizer.scale_loss(loss)
        self.optimize(tape, loss, self.generator_variables, self.g_optimizer)
        self.record(terms)

    def critic_batches(self, real, condition) -> list[tuple[Any, Any]]:
        """Splits a batch into `d_steps` interleaved chunks, one per critic step."""
        if self.d_steps == 1:
            return [(real, condition)]

        def chunk(x, i):
            return None if x is None else x[i :: self.d_steps]

        return [(chunk(real, i), chunk(condition, i)) for i in range(self.d_steps)]

    def train_step(self, data):
        real, condition = self.unpack(data)
        batches = self.critic_batches(real, condition)
        for chunk_real, chunk_condition in batches:
            self.discriminator_step(chunk_real, chunk_condition)
        self.generator_step(*batches[-1])
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ------------------------------------------------------------------ inference

    def call(self, inputs, training: bool = False):
        """Generated images for generator inputs (latents, or `[latents, labels]`)."""
        return self.generator(inputs, training=training)

    def generate(
        self,
        n: int | None = None,
        *,
        latents=None,
        condition=None,
        seed: int | None = None,
        batch_size: int = 256,
    ):
        """Generates images in [-1, 1].

        Args:
            n: number of images; may be omitted when `latents` are given.
            latents: latent vectors, shape `(n, latent_dim)`; drawn from N(0, I) when
                omitted.
            condition: the generator's condition, for conditional variants.
            seed: seed for the latents, for reproducible samples; it does not touch the
                training seed generator.
            batch_size: images generated per forward pass.

        Returns:
            A float32 tensor of shape `(n, H, W, C)`.

        Example:
        >>> images = gan.generate(16, seed=0)
        """
        if latents is None:
            if n is None or int(n) < 1:
                raise ValueError(f"generate needs n >= 1 or latents; got n={n!r}.")
            latents = keras.random.normal((int(n), self.latent_dim), seed=seed)
        latents = ops.convert_to_tensor(latents, "float32")
        if latents.shape[-1] != self.latent_dim:
            raise ValueError(
                f"Expected latents of shape (n, {self.latent_dim}); got {tuple(latents.shape)}."
            )
        total = latents.shape[0]
        outputs = []
        for start in range(0, total, batch_size):
            chunk = None if condition is None else condition[start : start + batch_size]
            inputs = self.generator_inputs(latents[start : start + batch_size], chunk)
            outputs.append(ops.cast(self.generator(inputs, training=False), "float32"))
        return ops.concatenate(outputs, axis=0)

    def grid_images(self, n: int, seed: int = 0) -> tuple:
        """Images for `ganzoo.callbacks.ImageGrid`: the same `n` samples every call.

        Returns:
            `(images, columns)`: images in [-1, 1] and the number of grid columns
            (`None` for a square grid).
        """
        return self.generate(n, seed=seed), None

    # ------------------------------------------------------------------ fit

    def check_batch(self, data) -> None:
        """Raises `ValueError` when a dataset element does not fit this model."""
        from ganzoo.data import checks

        real, _ = self.unpack(data)
        checks.check_images(real, expected_shape=self.image_shape)
        if self.d_steps > 1:
            batch = int(ops.shape(real)[0])
            if batch % self.d_steps:
                raise ValueError(
                    f"Expected batches of a multiple of d_steps={self.d_steps} images "
                    f"(one chunk per critic step); got a batch of {batch}."
                )

    def fit(self, x=None, y=None, **kwargs):
        """`keras.Model.fit`, after checking the first batch against the model.

        Bad data (wrong rank, shape, channels, dtype, value range, labels) raises a
        `ValueError` that names what was expected and what came, before any step runs.
        """
        from ganzoo.data import checks

        if not getattr(self, "compiled", False):
            raise ValueError("Call gan.compile() before gan.fit(); it sets the optimizers.")
        first = checks.peek(x if y is None else (x, y))
        if first is not None:  # a Python iterator cannot be looked at without consuming it
            self.check_batch(first)
        self._check_global_batch(x, first, kwargs.get("batch_size"))
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)  # a dataset shuffles itself
        kwargs["callbacks"] = self._with_epoch_sync(kwargs.get("callbacks"))
        return super().fit(x, y, **kwargs)

    @staticmethod
    def _with_epoch_sync(callbacks):
        # ganzoo datasets shuffle by (seed, epoch); SyncEpoch tells them fit's epoch, so an
        # epoch redone after a crash sees the same batches.
        from ganzoo.data import SyncEpoch

        if isinstance(callbacks, keras.callbacks.CallbackList):
            return callbacks
        callbacks = list(callbacks or [])
        if not any(isinstance(c, SyncEpoch) for c in callbacks):
            callbacks.insert(0, SyncEpoch())
        return callbacks

    def _check_global_batch(self, x, first, batch_size: int | None) -> None:
        # Under a strategy the dataset's batch is the global batch; it must split evenly
        # over the replicas (and each share into `d_steps` critic chunks), or replicas
        # get unequal shares and no longer compute what one device computes.
        replicas = self.distribute_strategy.num_replicas_in_sync
        if replicas == 1 or first is None:
            return
        if isinstance(x, (tf.data.Dataset, keras.utils.PyDataset)):
            real, _ = self.unpack(first)
            batch = int(ops.shape(real)[0])
        else:
            batch = batch_size or 32  # arrays, batched by fit (Keras' default: 32)
        if batch % (replicas * self.d_steps):
            per = f" × d_steps={self.d_steps}" if self.d_steps > 1 else ""
            raise ValueError(
                f"Expected a global batch size divisible by the {replicas} replicas of "
                f"{type(self.distribute_strategy).__name__}{per} = "
                f"{replicas * self.d_steps}; got batches of {batch}. Batch the dataset by "
                "the global batch size with drop_remainder=True."
            )

    # ------------------------------------------------------------------ multi-worker
    # Workaround for https://github.com/keras-team/keras/issues/20585: Keras 3's own
    # `fit` fails under `MultiWorkerMirroredStrategy`, even for a plain `Sequential`:
    # (1) its symbolic build reduces the first distributed batch with
    # `strategy.reduce(..., axis=None)` ("Attempt to convert a value (PerReplica ...)");
    # (2) it reduces the step's logs with `strategy.reduce("MEAN", v, axis=0)`, which
    # fails on scalars. A GAN has all its variables before `fit` (networks and trackers
    # when constructed, optimizers in `compile`), so it skips the symbolic build; and
    # under a multi-worker strategy its step returns shape-(1,) logs, which that reduce
    # averages to scalars. `tests/test_multi_worker.py` checks that plain Keras still
    # fails; when that test fails, Keras is fixed and these three methods can go.

    @staticmethod
    def _in_multi_worker_mode(strategy) -> bool:
        return (
            isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
            and strategy.extended._in_multi_worker_mode()
        )

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if all(layer.built for layer in self._flatten_layers()):
            return  # nothing to build, and no batch to fetch
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def make_train_function(self, force=False):
        if not self._in_multi_worker_mode(self.distribute_strategy) or (
            self.train_function is not None and not force
        ):
            return super().make_train_function(force)
        train_step = self.train_step

        def train_step_with_vector_logs(data):
            return keras.tree.map_structure(lambda v: ops.reshape(v, (1,)), train_step(data))

        self.train_function = self._make_function(train_step_with_vector_logs)
        return self.train_function

    # ------------------------------------------------------------------ saving

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                name: keras.saving.serialize_keras_object(getattr(self, name))
                for name in self.nested_models
            }
        )
        config.update(
            {
                "latent_dim": self.latent_dim,
                "d_steps": self.d_steps,
                "adversarial_loss": self.adversarial_loss,
                "r1_gamma": self.r1_gamma,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = copy.deepcopy(config)  # deserialising consumes the nested configs
        for name in cls.nested_models:
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)

    def layer_seed_generators(self) -> list[keras.random.SeedGenerator]:
        """The seed generators of the nested layers (`Dropout`, noise layers...), in a
        fixed order: the order of `_flatten_layers`, which depends only on the model's
        structure, not on layer names (those differ between processes)."""
        generators, seen = [], {id(self.seed_generator)}
        for layer in self._flatten_layers(include_self=False):
            for generator in getattr(layer, "_seed_generators", ()):
                if id(generator) not in seen:
                    seen.add(id(generator))
                    generators.append(generator)
        return generators

    def save_own_variables(self, store) -> None:
        """Saves the model's own variables and every seed generator's state.

        A `SeedGenerator`'s state is not a weight, so Keras saves it neither in `.keras`
        files nor in the weights files of `BackupAndRestore`. Keeping it (the model's
        generator under `"seed_generator_state"`, nested layers' under
        `"layer_seed_state_<i>"`) makes a restored run draw the same latents, noise and
        dropout masks as an uninterrupted one.
        """
        super().save_own_variables(store)
        store[SEED_STATE_KEY] = keras.ops.convert_to_numpy(self.seed_generator.state)
        for i, generator in enumerate(self.layer_seed_generators()):
            store[f"{LAYER_SEED_STATE_KEY}_{i}"] = keras.ops.convert_to_numpy(generator.state)

    def load_own_variables(self, store) -> None:
        """Loads what `save_own_variables` saved; a file without seed states (saved by
        another Keras model, or by hand) leaves the current seed states as they are."""
        keys = list(store.keys())
        # Keras names its own variables "0", "1", ...; subclasses may add named entries
        # (the seed states here, CycleGAN's image pools) that are not its business.
        super().load_own_variables({key: store[key] for key in keys if key.isdigit()})
        if SEED_STATE_KEY in keys:
            _assign_seed_state(self.seed_generator, store[SEED_STATE_KEY], SEED_STATE_KEY)
        for i, generator in enumerate(self.layer_seed_generators()):
            key = f"{LAYER_SEED_STATE_KEY}_{i}"
            if key in keys:
                _assign_seed_state(generator, store[key], key)


def _assign_seed_state(generator: keras.random.SeedGenerator, value, key: str) -> None:
    value = keras.ops.convert_to_numpy(value)
    if tuple(value.shape) != tuple(generator.state.shape):
        raise ValueError(
            f"The saved {key!r} has shape {tuple(value.shape)}; this model's seed state has "
            f"shape {tuple(generator.state.shape)}. Was the file saved by another Keras "
            "version or backend?"
        )
    generator.state.assign(value.astype(generator.state.dtype))
