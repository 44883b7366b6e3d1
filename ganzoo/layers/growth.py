"""Progressive growing's fade-in (Karras et al., 2018, §2 and Figure 2, arXiv:1710.10196),
after tkarras/progressive_growing_of_gans (`networks.py`'s `structure='linear'`,
`train.py`'s `process_reals`).

A progressively grown network is built once at its final resolution with a
level-of-detail input `lod`: 0 is the final resolution, `L` the first (4×4), and a
fractional value is a fade-in between two resolutions. `FadeIn` mixes the output of a
resolution's new block with that of the resolution below; `real_images_at_lod` shows the
real images to the discriminator at the current resolution.
"""

from __future__ import annotations

import keras
from keras import ops


def lerp(a, b, t):
    """`(1 − t)·a + t·b`: exactly `a` at `t = 0` and exactly `b` at `t = 1`."""
    return (1.0 - t) * a + t * b


@keras.saving.register_keras_serializable(package="ganzoo")
class FadeIn(keras.layers.Layer):
    """The reference's `lerp_clip(new, old, lod − block_lod)` on `[new, old, lod]`.

    `new` is the output of the block whose level of detail is `block_lod` (its toRGB in
    the generator, its block in the critic), `old` that of the resolution below brought
    to the same shape (nearest upsampling of the lower toRGB; the lower fromRGB of the
    average-pooled image); `lod` is `(batch, 1)`. The result is `new` for `lod ≤
    block_lod`, `old` for `lod ≥ block_lod + 1`, and in between the fade-in with
    `α = 1 − (lod − block_lod)` on the new block.

    Args:
        block_lod: the level of detail of the new block (0: the final resolution).
        **kwargs: those of `keras.layers.Layer`.
    """

    def __init__(self, block_lod: int, **kwargs):
        super().__init__(**kwargs)
        self.block_lod = int(block_lod)

    def call(self, inputs):
        new, old, lod = inputs
        t = ops.clip(ops.cast(lod, new.dtype) - self.block_lod, 0.0, 1.0)
        return lerp(new, old, ops.reshape(t, (-1,) + (1,) * (len(new.shape) - 1)))

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self) -> dict:
        return {**super().get_config(), "block_lod": self.block_lod}


def real_images_at_lod(images, lod, levels: int):
    """Real images as the discriminator sees them at level of detail `lod` (the
    reference's `process_reals`): at an integer `lod = k`, average-pooled by `2^k` and
    upsampled back (nearest) to the full size; in a fade-in between `k` and `k + 1`, the
    mix `(1 − f)·x_k + f·x_{k+1}` with `f = lod − k`, as the generator's output is mixed.

    Args:
        images: `(batch, R, R, C)` at the final resolution.
        lod: a scalar level of detail in `[0, levels]`.
        levels: `log2(R) − 2`, the number of growth steps.

    Returns:
        Images of `images`' shape.
    """
    lod = ops.cast(lod, images.dtype)
    mixed = ops.zeros_like(images)
    for k in range(levels + 1):
        factor = 2**k
        x = images
        if factor > 1:
            x = ops.average_pool(images, factor, factor, "valid")
            x = ops.repeat(ops.repeat(x, factor, axis=1), factor, axis=2)
        weight = ops.maximum(0.0, 1.0 - ops.abs(lod - k))  # the hat around level k
        mixed = mixed + weight * x
    return mixed
