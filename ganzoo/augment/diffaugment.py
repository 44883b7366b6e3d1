"""`DiffAugment`: differentiable color, translation and cutout (Zhao et al., 2020).

The arithmetic is that of the authors' `DiffAugment_tf.py`
(mit-han-lab/data-efficient-gans) on images in [-1, 1]:

- color: brightness adds `u - 0.5` (u ~ U[0, 1), so ±0.5, a quarter of the range);
  saturation scales each pixel's distance to its channel mean by `2u` (0 to 2);
  contrast scales each image's distance to its mean by `u + 0.5` (0.5 to 1.5);
- translation: an integer shift of up to `0.125` of each side, uncovered pixels 0;
- cutout: a square of half the side set to 0.

0 is mid-grey in [-1, 1]; the reference fills with the same 0.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import tensorflow as tf
from keras import ops

POLICIES = ("color", "translation", "cutout")


@keras.saving.register_keras_serializable(package="ganzoo")
class DiffAugment(keras.layers.Layer):
    """Differentiable Augmentation (Zhao et al., 2020, "Differentiable Augmentation
    for Data-Efficient GAN Training"), applied to real and generated images alike.

    Args:
        policy: comma-separated operations among `POLICIES`.
        translation_ratio: largest shift as a fraction of the side (paper: 0.125).
        cutout_ratio: side of the cut square as a fraction of the side (paper: 0.5).
        **kwargs: passed to `keras.layers.Layer`.

    Example:
    >>> gan = ganzoo.DCGAN.for_images((32, 32, 1), augment="diffaugment")
    >>> augmented = ganzoo.augment.DiffAugment("color,cutout")(images)
    """

    def __init__(
        self,
        policy: str = "color,translation,cutout",
        translation_ratio: float = 0.125,
        cutout_ratio: float = 0.5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        ops_ = [p.strip() for p in str(policy).split(",") if p.strip()]
        unknown = [p for p in ops_ if p not in POLICIES]
        if unknown or not ops_:
            raise ValueError(
                f"Expected a DiffAugment policy of comma-separated {list(POLICIES)}; "
                f"got {policy!r}."
            )
        self.policy = ",".join(ops_)
        self.translation_ratio = float(translation_ratio)
        self.cutout_ratio = float(cutout_ratio)
        self.seed_generator = keras.random.SeedGenerator()
        # No weights to build; unbuilt, it would make Keras' `fit` under a strategy
        # build the whole model symbolically by calling it on a data batch.
        self.built = True

    def call(self, images):
        def draw(sampler, shape, **kwargs):
            return sampler(tuple(shape), seed=self.seed_generator, **kwargs)

        return self.augment(images, draw)

    def augment(self, images, draw: Callable):
        """`images` augmented with random draws from `draw(sampler, shape, **kw)` (a
        model's `draw`, which follows the global-batch rule)."""
        return self.apply(images, self.draws(images, draw))

    def sizes(self, height: int, width: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """The reference's largest shifts and cutout sides, per axis."""
        shift = tuple(int(s * self.translation_ratio + 0.5) for s in (height, width))
        cut = tuple(int(s * self.cutout_ratio + 0.5) for s in (height, width))
        return shift, cut

    def draws(self, images, draw: Callable) -> dict:
        """The random numbers of one call, in the reference's order."""
        batch = ops.shape(images)[0]
        height, width = images.shape[1], images.shape[2]
        (sx, sy), (cx, cy) = self.sizes(height, width)
        out = {}
        for op in self.policy.split(","):
            if op == "color":
                for name in ("brightness", "saturation", "contrast"):
                    out[name] = draw(keras.random.uniform, (batch, 1, 1, 1))
            elif op == "translation":
                out["tx"] = draw(keras.random.randint, (batch, 1), minval=-sx, maxval=sx + 1)
                out["ty"] = draw(keras.random.randint, (batch, 1), minval=-sy, maxval=sy + 1)
            else:
                out["ox"] = draw(
                    keras.random.randint, (batch, 1), minval=0, maxval=height + (1 - cx % 2)
                )
                out["oy"] = draw(
                    keras.random.randint, (batch, 1), minval=0, maxval=width + (1 - cy % 2)
                )
        return out

    def apply(self, images, draws: dict):
        """The augmentation of `images` for given draws (deterministic)."""
        x = images
        for op in self.policy.split(","):
            if op == "color":
                x = x + (draws["brightness"] - 0.5)
                mean = ops.mean(x, axis=3, keepdims=True)
                x = (x - mean) * (draws["saturation"] * 2) + mean
                mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)
                x = (x - mean) * (draws["contrast"] + 0.5) + mean
            elif op == "translation":
                x = _shift(x, draws["tx"], axis=1)
                x = _shift(x, draws["ty"], axis=2)
            else:
                x = x * self._cutout_mask(x, draws["ox"], draws["oy"])
        return x

    def _cutout_mask(self, x, ox, oy):
        height, width = x.shape[1], x.shape[2]
        _, (cx, cy) = self.sizes(height, width)
        rows = ops.arange(height, dtype="int32")[None, :]
        cols = ops.arange(width, dtype="int32")[None, :]
        ox, oy = ops.cast(ox, "int32"), ops.cast(oy, "int32")
        in_x = (rows >= ox - cx // 2) & (rows < ox - cx // 2 + cx)
        in_y = (cols >= oy - cy // 2) & (cols < oy - cy // 2 + cy)
        cut = in_x[:, :, None] & in_y[:, None, :]
        return ops.cast(~cut, x.dtype)[..., None]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            policy=self.policy,
            translation_ratio=self.translation_ratio,
            cutout_ratio=self.cutout_ratio,
        )
        return config


def _shift(x, shift, axis: int):
    """`out[i] = x[i + shift]` along `axis` (1 or 2), 0 outside: the reference's
    gather on a zero-padded copy."""
    size = x.shape[axis]
    paddings = [[0, 0], [0, 0], [0, 0], [0, 0]]
    paddings[axis] = [1, 1]
    padded = tf.pad(x, paddings)
    index = ops.arange(size, dtype="int32")[None, :] + ops.cast(shift, "int32") + 1
    index = ops.clip(index, 0, size + 1)
    return tf.gather(padded, index, axis=axis, batch_dims=1)
