"""The layers between StyleGAN2's `z` and its synthesis network (Karras et al., 2020;
NVlabs stylegan2-ada-pytorch `training/networks.py` and `loss.py`):
`NormalizeSecondMoment` (the mapping network's input), `WAverage` (the tracked mean of
`w` for truncation), `FreshLatents` and `StyleMixing` (style mixing regularisation).
Random draws follow the distribution rule (`draw_for_replica`).
"""

from __future__ import annotations

import keras
from keras import ops

from ganzoo.core.replicas import draw_for_replica, global_batch_mean
from ganzoo.layers.style import _seed


@keras.saving.register_keras_serializable(package="ganzoo")
class NormalizeSecondMoment(keras.layers.Layer):
    """`z / sqrt(mean(z²) + 1e-8)` per example, the mapping network's input."""

    def call(self, inputs):
        return inputs * ops.rsqrt(ops.mean(ops.square(inputs), axis=-1, keepdims=True) + 1e-8)


@keras.saving.register_keras_serializable(package="ganzoo")
class WAverage(keras.layers.Layer):
    """The identity on `w` that tracks its mean for truncation (the reference's `w_avg`):
    while training, `w_avg ← mean(w) + β · (w_avg − mean(w))` over the global batch.

    Args:
        beta: β, the decay (0.995 in the reference).
        **kwargs: those of `keras.layers.Layer`.
    """

    def __init__(self, beta=0.995, **kwargs):
        super().__init__(**kwargs)
        self.beta = float(beta)

    def build(self, input_shape) -> None:
        self.w_avg = self.add_weight(
            shape=(int(input_shape[-1]),),
            initializer="zeros",
            trainable=False,
            aggregation="only_first_replica",
            name="w_avg",
        )

    def call(self, inputs, training=False):
        if training:
            mean = ops.stop_gradient(global_batch_mean(inputs))
            self.w_avg.assign(mean + self.beta * (self.w_avg - mean))
        return inputs

    def get_config(self) -> dict:
        return {**super().get_config(), "beta": self.beta}


@keras.saving.register_keras_serializable(package="ganzoo")
class FreshLatents(keras.layers.Layer):
    """While training, new `z ~ N(0, I)` of its input's shape (the second latents of
    style mixing, drawn for the global batch); otherwise its input."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = _seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs, training=False):
        if not training:
            return inputs
        shape = (ops.shape(inputs)[0], inputs.shape[-1])
        return ops.cast(
            draw_for_replica(keras.random.normal, shape, self.seed_generator), inputs.dtype
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="ganzoo")
class StyleMixing(keras.layers.Layer):
    """`w` repeated for the `num_ws` layers, or with style mixing regularisation (§3.1
    of StyleGAN, the reference's `style_mixing_prob`) on `[w, w2]`: while training, with
    probability `probability` an image takes `w` for layers `< cutoff` and `w2` from
    there on, `cutoff ~ U{1, …, num_ws − 1}`.

    The reference draws one coin and one cutoff per batch (per GPU); here they are drawn
    per image, for the global batch, so N replicas equal one device; each image is mixed
    with the reference's probability and cutoff distribution.

    Args:
        num_ws: the synthesis network's number of `w` inputs.
        probability: the mixing probability (0.9 in the paper).
        seed: seed of the draws.
        **kwargs: those of `keras.layers.Layer`.
    """

    def __init__(self, num_ws, probability=0.9, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.num_ws, self.probability = int(num_ws), float(probability)
        self.seed = _seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs, training=False):
        w, w2 = (inputs, None) if not isinstance(inputs, (list, tuple)) else inputs
        ws = ops.repeat(w[:, None], self.num_ws, axis=1)
        if not training or w2 is None or not self.probability:
            return ws
        batch = ops.shape(w)[0]
        coin = draw_for_replica(keras.random.uniform, (batch,), self.seed_generator)
        cut = draw_for_replica(keras.random.uniform, (batch,), self.seed_generator)
        cutoff = 1 + ops.floor(cut * (self.num_ws - 1))
        cutoff = ops.where(coin < self.probability, cutoff, float(self.num_ws))
        first = ops.arange(self.num_ws, dtype="float32")[None] < cutoff[:, None]
        return ops.where(first[:, :, None], ws, ops.repeat(w2[:, None], self.num_ws, axis=1))

    def compute_output_shape(self, input_shape):
        shape = (
            input_shape[0]
            if isinstance(input_shape, (list, tuple)) and isinstance(input_shape[0], (list, tuple))
            else input_shape
        )
        return (shape[0], self.num_ws, shape[-1])

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_ws": self.num_ws,
            "probability": self.probability,
            "seed": self.seed,
        }
