"""`AdversarialModel`: the core every ganzoo model is built on.

An adversarial model is a `keras.Model` of named sub-models grouped into *players*
(`Player`): each player has its own optimizer, built in `compile()` inside the caller's
strategy scope, and is updated by `update(player, terms_fn, ...)`, the one helper that
runs tape → per-example terms → regularizers → global-batch average → loss scaling →
optimizer update → trackers. A variant's `train_step` only says which player updates
on what; it never writes that block.

The core also owns what every model shares: the `Mean` trackers `fit` logs, random
draws by the distribution rule (`draw`), the regularizers (`ganzoo.regularizers`), the
input checks before `fit`, the compile and nested-model configs, the seed states saved
with the weights (`ganzoo.core.seeds`) and the workaround for Keras' `fit` under
`MultiWorkerMirroredStrategy` (`ganzoo.core.multi_worker`).

Distribution rule (any `tf.distribute` strategy): every random draw is made for the
global batch and each replica takes its slice; every loss is averaged over the global
batch (`tf.nn.compute_average_loss`), because gradients are summed across replicas.
N replicas then compute what one device computes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import keras
import tensorflow as tf
from keras import ops

from ganzoo import regularizers as ganzoo_regularizers
from ganzoo.core.fit import CheckedFit
from ganzoo.core.lazy import LazyRegularization
from ganzoo.core.multi_worker import MultiWorkerFit
from ganzoo.core.player import Player
from ganzoo.core.replicas import draw_for_replica, num_replicas
from ganzoo.core.seeds import SeedStates
from ganzoo.layers.spectral_norm import update_spectral_norms


def _optimizer(value: Any, default: Callable[[], keras.optimizers.Optimizer]):
    optimizer = default() if value is None else keras.optimizers.get(value)
    policy = keras.mixed_precision.global_policy()
    if policy.name == "mixed_float16" and not isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


class AdversarialModel(CheckedFit, SeedStates, MultiWorkerFit, LazyRegularization, keras.Model):
    """Named sub-models in players, each player with an optimizer; trained by `fit`.

    Subclasses set `players` (a tuple of `Player`), build their sub-models as
    attributes of those names, call `super().__init__(regularizers=..., seed=...)`
    first and `self.finish_init()` last, and write `train_step` with `update`.

    Args:
        regularizers: `ganzoo.regularizers` objects (or their configs), applied to
            their player's loss in every update of it and logged under their names.
        seed: seed of the model's `keras.random.SeedGenerator`; `None` follows
            `keras.utils.set_random_seed`.
        **kwargs: passed to `keras.Model` (`name`, ...).
    """

    players: tuple[Player, ...] = ()
    # Fused steps and XLA on CPU-only machines, for variants whose benchmark shows
    # them faster there (`benchmarks/bench_train.py`); convolutional steps are slower
    # under XLA's CPU convolutions than under oneDNN's.
    default_steps_per_execution = 1
    jit_compile_on_cpu = False

    def __init__(self, *, regularizers: Sequence = (), seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.regularizers = [ganzoo_regularizers.get(r) for r in regularizers or ()]
        known = {player.name for player in self.players}
        for regularizer in self.regularizers:
            if regularizer.player not in known:
                raise ValueError(
                    f"{regularizer!r} regularizes the player {regularizer.player!r}; "
                    f"{type(self).__name__} has players {sorted(known)}."
                )
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.make_lazy_counters()  # `ganzoo.core.lazy`: regularizers with an interval

    def finish_init(self, trackers: dict | None = None) -> None:
        """Creates the trackers; call at the end of a subclass's `__init__`.

        Args:
            trackers: metrics by logged name for values that are not means (e.g.
                `ada_p`, the latest value); `keras.metrics.Mean` for the others.
        """
        trackers = trackers or {}
        self.trackers = {n: trackers.get(n) or keras.metrics.Mean(name=n) for n in self.log_names()}
        self.built = True

    # ------------------------------------------------------------------ metadata

    @property
    def nested_models(self) -> tuple[str, ...]:
        """Attribute names of every trained sub-model, player by player."""
        return tuple(name for player in self.players for name in player.models)

    def player(self, name: str) -> Player:
        """The player called `name`."""
        for player in self.players:
            if player.name == name:
                return player
        raise ValueError(f"Expected a player among {[p.name for p in self.players]}; got {name!r}.")

    def player_variables(self, name: str) -> list:
        """The trainable variables of player `name`'s sub-models."""
        return [
            v
            for model in self.player(name).models
            for v in getattr(self, model).trainable_variables
        ]

    def log_names(self) -> list[str]:
        """Names of the values `fit` logs, in order (one `Mean` tracker each): each
        player's loss, the variant's extra terms (`extra_log_names`), the regularizers."""
        names = [player.loss for player in self.players]
        names += [n for n in self.extra_log_names() if n not in names]
        names += [r.name for r in self.regularizers if r.name not in names]
        return names

    def extra_log_names(self) -> list[str]:
        """Logged terms besides the players' losses and the regularizers."""
        return []

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self.trackers.values())

    # ------------------------------------------------------------------ compile

    def default_optimizer(self, player: str) -> keras.optimizers.Optimizer:
        """The optimizer of `player` when `compile` gets none: the variant's paper."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5)

    def compile(
        self,
        *,
        jit_compile: bool | str = "auto",
        jit_compile_updates: bool | str = "auto",
        steps_per_execution: int | None = None,
        run_eagerly: bool = False,
        **optimizers,
    ) -> None:
        """Configures each player's optimizer (the variant's defaults when omitted).

        Every optimizer is built on its variables here, inside the caller's
        `strategy.scope()`, so its slots exist before `fit` (a strategy cannot create
        them lazily inside a replica) and `BackupAndRestore` saves their state. Under
        the `mixed_float16` policy each is wrapped in a `LossScaleOptimizer`.

        Args:
            jit_compile: XLA compilation of the whole train step, as in
                `keras.Model.compile`. `"auto"`: XLA on a GPU, and on a CPU-only
                machine only for variants with `jit_compile_on_cpu`.
            jit_compile_updates: XLA compilation of the optimizer updates alone, when
                the step itself is not compiled (one fused computation instead of a
                dozen element-wise ops per variable; see `docs/performance.md`).
                `"auto"` fuses them unless the step runs eagerly or under a strategy.
            steps_per_execution: batches per `tf.function` call; `None` takes the
                variant's `default_steps_per_execution` without a strategy, 1 under one.
            run_eagerly: run the step eagerly, for debugging.
            **optimizers: one per player, by its `optimizer` attribute name
                (`g_optimizer=`, `d_optimizer=`, ...): instance, name or config.
        """
        known = {player.optimizer for player in self.players}
        unknown = sorted(set(optimizers) - known)
        if unknown:
            raise ValueError(f"Expected optimizers among {sorted(known)}; got {unknown}.")
        if jit_compile_updates not in (True, False, "auto"):
            raise ValueError(
                f'jit_compile_updates must be True, False or "auto"; got {jit_compile_updates!r}.'
            )
        for player in self.players:
            chosen = optimizers.get(player.optimizer)
            setattr(
                self,
                player.optimizer,
                _optimizer(chosen, lambda p=player.name: self.default_optimizer(p)),
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
        for player in self.players:
            getattr(self, player.optimizer).build(self.player_variables(player.name))

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
        optimizers = {
            p.optimizer: keras.saving.serialize_keras_object(getattr(self, p.optimizer))
            for p in self.players
        }
        return {**optimizers, **self._compile_options}

    def compile_from_config(self, config: dict) -> None:
        config = dict(config)
        for player in self.players:
            if player.optimizer in config:
                config[player.optimizer] = keras.saving.deserialize_keras_object(
                    config[player.optimizer]
                )
        self.compile(**config)

    # ------------------------------------------------------------------ random draws

    def draw(self, sampler: Callable, shape: Sequence, **kwargs):
        """Draws this replica's share of a global-batch draw from the model's seed
        generator (`ganzoo.core.replicas.draw_for_replica`): N replicas see exactly the
        numbers one device would. `shape[0]` is the per-replica batch size."""
        return draw_for_replica(sampler, shape, self.seed_generator, **kwargs)

    # ------------------------------------------------------------------ the update

    def update(
        self,
        player: str,
        terms_fn: Callable[[], dict[str, Any]],
        *,
        penalized: Callable[[], Sequence[tuple[Callable, Any, Any]]] | None = None,
        loss: str | None = None,
    ) -> dict[str, Any]:
        """One optimizer update of `player`; the block no variant writes itself.

        First one power iteration of every `ganzoo.layers.SpectralNormalization` in the
        player's sub-models (once per update, for any variant). Inside one tape: `terms_fn()` gives per-example terms, one of them the player's
        loss (`Player.loss`); each regularizer of this player adds `weight · penalty`
        for every `(critic, real, fake)` that `penalized()` returns; the loss is
        averaged over the global batch with the sub-models' layer losses, scaled for
        mixed precision and applied. The unscaled terms go to the trackers.

        Args:
            player: the player's name.
            terms_fn: a function returning a dict of `(batch,)` per-example terms.
            penalized: a function returning the `(critic, real, fake)` triples the
                player's regularizers apply to (a critic is a function of images).
            loss: the term minimised, when not the player's loss: a regularization
                update of its own (no regularizers added; `ganzoo.core.lazy`).

        Returns:
            The terms, the loss including the regularizers.
        """
        spec = self.player(player)
        optimizer = getattr(self, spec.optimizer)
        for model in spec.models:
            update_spectral_norms(getattr(self, model))
        with tf.GradientTape() as tape:
            terms, layer_losses = terms_fn(), []
            if loss is None:
                terms = self.apply_regularizers(player, terms, penalized)
                layer_losses = [x for m in spec.models for x in getattr(self, m).losses]
            value = self.average_over_global_batch(terms[loss or spec.loss], layer_losses)
            value = optimizer.scale_loss(value)
        self.optimize(tape, value, self.player_variables(player), optimizer)
        self.record(terms)
        if loss is None:
            self.regularize_lazily(player, penalized)
        return terms

    def apply_regularizers(
        self,
        player: str,
        terms: dict[str, Any],
        penalized: Callable[[], Sequence[tuple[Callable, Any, Any]]] | None,
    ) -> dict[str, Any]:
        """`terms` with each of `player`'s regularizers added: its penalty, summed over
        the `(critic, real, fake)` triples of `penalized()`, under its name, and
        `weight · penalty` added to the player's loss.

        Returns:
            A new dict of per-example terms.
        """
        terms = dict(terms)
        own = [r for r in self.regularizers if r.player == player and r.interval == 1]
        triples = list(penalized()) if (own and penalized is not None) else []
        loss = self.player(player).loss
        for regularizer in own:
            if not triples:
                raise ValueError(
                    f"{regularizer!r} needs the critics of {type(self).__name__}'s "
                    f"{player} update, which gives none."
                )
            value = sum(regularizer.penalty(c, r, f, self.draw) for c, r, f in triples)
            terms[regularizer.name] = value
            terms[loss] = terms[loss] + regularizer.weight * value
        return terms

    def average_over_global_batch(self, per_example, regularization: Sequence = ()):
        """Sums per-example losses and divides by the global batch size.

        Gradients are summed across replicas, so this makes every replica's share of
        the loss add up to the global mean. Layer regularisation losses are divided by
        the number of replicas for the same reason.
        """
        loss = tf.nn.compute_average_loss(ops.cast(per_example, "float32"))
        if regularization:
            loss += ops.cast(ops.sum(regularization), "float32") / num_replicas()
        return loss

    def optimize(self, tape, loss, variables: list, optimizer) -> None:
        """Applies `optimizer` to `variables` with the gradient of `loss` from `tape`."""
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

    def logs(self) -> dict[str, Any]:
        """The trackers' results, what `train_step` returns."""
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ------------------------------------------------------------------ saving

    def get_config(self) -> dict:
        config = super().get_config()
        for name in self.nested_models:
            config[name] = keras.saving.serialize_keras_object(getattr(self, name))
        if self.regularizers:
            config["regularizers"] = [
                keras.saving.serialize_keras_object(r) for r in self.regularizers
            ]
        config["seed"] = self.seed
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = copy.deepcopy(config)  # deserialising consumes the nested configs
        for name in (m for p in cls.players for m in p.models):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)
