"""`SeedStates`: every seed generator's state saved with a model's weights.

A `keras.random.SeedGenerator`'s state is not a weight, so Keras saves it neither in
`.keras` files nor in the weights files of `BackupAndRestore`. Keeping it (the model's
generator under `"seed_generator_state"`, nested layers' under `"layer_seed_state_<i>"`)
makes a restored run draw the same latents, noise and dropout masks as an uninterrupted
one.
"""

from __future__ import annotations

import keras

# Keys of the seed states in saved files.
SEED_STATE_KEY = "seed_generator_state"
LAYER_SEED_STATE_KEY = "layer_seed_state"


class SeedStates:
    """Mixin of a `keras.Model` with a `seed_generator`: saves and restores the seed
    states of the model and of its nested layers."""

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
        """Saves the model's own variables and every seed generator's state."""
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
