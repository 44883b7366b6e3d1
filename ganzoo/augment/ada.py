"""`ADA`: adaptive discriminator augmentation (Karras et al., 2020).

The pipeline is the `bgc` group of NVlabs stylegan2-ada's `training/augment.py` on
images in [-1, 1], with its default strengths; each transform applies to each image
with probability `p` (rotation: `1 - sqrt(1 - p)` before and after the anisotropic
scaling, so that one of the two happens with probability `p`):

- `b` (blit): x-flip, rotation by multiples of 90°, integer translation up to 0.125
  of the side;
- `g` (geometric): isotropic scaling `2^N(0, 0.2²)`, rotation `U(-π, π)`, anisotropic
  scaling `2^N(0, 0.2²)`, fractional translation `N(0, 0.125²)` of the side;
- `c` (colour): brightness `+N(0, 0.2²)`, contrast `×2^N(0, 0.5²)`, luma flip, hue
  rotation `U(-π, π)` and saturation `×2^N(0, 1)` (the last two need 3 channels).

`b` and `g` compose into one inverse matrix per image, applied by one bilinear sampling
of the reflect-padded image (padding as the reference's largest margin, `size - 1`;
zeros beyond it, as `grid_sample`). What differs from the reference: no 2× upsampling
with its `sym6` wavelet filter around the sampling (the reference's anti-aliasing,
which costs two extra convolutions per image at 4× the pixels; on 32×32 digits the
warp is left aliased), and the sampler is written with gathers, whose gradient is the
exact adjoint of the bilinear sampling (TF's registered gradient of
`ImageProjectiveTransformV3` samples with the inverse matrix, which is not).

The controller (the reference's `training_loop.py`): every `interval` discriminator
steps, `r_t = E[sign(D(x_real))]` over those steps' real logits and
`p ← clip(p + sign(r_t − target) · N / (kimg · 1000), 0, 1)`, where `N` is the number
of real images those steps saw (the global batch × `interval`). The reference clamps
at 0 only; p above 1 acts as 1, so the clip changes nothing but the logged value.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from ganzoo.core.replicas import global_sum
from ganzoo.losses.adversarial import AdversarialLoss

GROUPS = "bgc"
#: stylegan2-ada's default strengths (`AugmentPipe.__init__`).
STRENGTHS = {
    "xint_max": 0.125,
    "scale_std": 0.2,
    "rotate_max": 1.0,
    "aniso_std": 0.2,
    "xfrac_std": 0.125,
    "brightness_std": 0.2,
    "contrast_std": 0.5,
    "hue_max": 1.0,
    "saturation_std": 1.0,
}
_LUMA = np.asarray([1.0, 1.0, 1.0, 0.0]) / math.sqrt(3.0)


def _state(layer, name: str, value: float, dtype: str = "float32"):
    return layer.add_weight(
        shape=(),
        initializer=keras.initializers.Constant(value),
        dtype=dtype,
        trainable=False,
        autocast=False,
        aggregation="only_first_replica",
        name=name,
    )


@keras.saving.register_keras_serializable(package="ganzoo")
class ADA(keras.layers.Layer):
    """Adaptive discriminator augmentation (Karras et al., 2020, "Training Generative
    Adversarial Networks with Limited Data"), applied to real and generated images alike.

    `p` is a non-trainable variable, saved with the model and restored by
    `BackupAndRestore`; a `ganzoo.GAN` logs it as `ada_p` and feeds the controller the
    real logits its discriminator loss already computed.

    Args:
        policy: the groups applied, a subset of `"bgc"` (blit, geometric, colour),
            always in that order.
        target: the `r_t` the controller holds, in (0, 1) (paper: 0.6).
        interval: discriminator steps between adjustments (paper: 4).
        kimg: thousands of real images over which p can move by 1. The paper's 500
            is the default; a CPU run of a few thousand steps needs far less (the
            few-shot benchmark uses 5: 0 to 1 in 5,000 images, 313 steps of 16).
        initial_p: p before training, in [0, 1].
        **kwargs: passed to `keras.layers.Layer`.

    Example:
    >>> gan = ganzoo.DCGAN.for_images((32, 32, 1), augment=ganzoo.augment.ADA(kimg=5))
    >>> gan.augment.p.assign(0.5); augmented = gan.augment(images)
    """

    def __init__(
        self,
        policy: str = "bgc",
        target: float = 0.6,
        interval: int = 4,
        kimg: float = 500.0,
        initial_p: float = 0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        policy = str(policy).strip().lower()
        if not policy or any(g not in GROUPS for g in policy) or len(set(policy)) < len(policy):
            raise ValueError(f"Expected an ADA policy of letters from {GROUPS!r}; got {policy!r}.")
        for name, value, low, high in (("target", target, 0, 1), ("initial_p", initial_p, 0, 1)):
            closed = name == "initial_p"
            if not (low <= float(value) <= high if closed else low < float(value) < high):
                span = "[0, 1]" if closed else "(0, 1)"
                raise ValueError(f"Expected ADA {name} in {span}; got {value!r}.")
        if int(interval) < 1 or float(kimg) <= 0:
            raise ValueError(
                f"Expected ADA interval >= 1 and kimg > 0; got interval={interval!r}, "
                f"kimg={kimg!r}."
            )
        self.policy = "".join(g for g in GROUPS if g in policy)
        self.target, self.interval = float(target), int(interval)
        self.kimg, self.initial_p = float(kimg), float(initial_p)
        self.p = _state(self, "p", self.initial_p)
        self.sign_sum = _state(self, "sign_sum", 0.0)
        self.sign_count = _state(self, "sign_count", 0.0)
        self.steps = _state(self, "steps", 0, "int32")
        self.seed_generator = keras.random.SeedGenerator()
        self.built = True

    def call(self, images):
        def draw(sampler, shape, **kwargs):
            return sampler(tuple(shape), seed=self.seed_generator, **kwargs)

        return self.augment(images, draw)

    def augment(self, images, draw: Callable) -> tf.Tensor:
        """`images` augmented with probability `p`, with random draws from
        `draw(sampler, shape, **kw)` (a model's `draw`: the global-batch rule)."""
        x = tf.cast(images, tf.float32)
        batch, height, width = tf.shape(x)[0], x.shape[1], x.shape[2]
        p = tf.convert_to_tensor(self.p)
        if "b" in self.policy or "g" in self.policy:
            x = _warp(x, self.geometry(batch, height, width, p, draw))
        if "c" in self.policy:
            x = _recolour(x, self.colour(batch, x.shape[3], p, draw))
        return tf.cast(x, images.dtype)

    def geometry(self, batch, height: int, width: int, p, draw: Callable) -> tf.Tensor:
        """The `(batch, 3, 3)` inverse matrices of the blit and geometric groups, in
        pixels about the image centre (x along the width), in the reference's order."""

        def gated(values, identity, probability=p, shape=(batch,)):
            keep = draw(keras.random.uniform, shape) < probability
            return tf.where(keep, values, identity)

        def uniform(shape=(batch,)):
            return draw(keras.random.uniform, shape)

        def normal(shape=(batch,)):
            return draw(keras.random.normal, shape)

        s = STRENGTHS
        g = tf.eye(3, batch_shape=[batch])
        zero, one = tf.zeros([batch]), tf.ones([batch])
        if "b" in self.policy:
            flip = gated(tf.floor(uniform() * 2), zero)
            g = g @ _scale(1 - 2 * flip, one)
            turns = gated(tf.floor(uniform() * 4), zero)
            g = g @ _rotate(-math.pi / 2 * turns)
            t = gated((uniform((batch, 2)) * 2 - 1) * s["xint_max"], 0.0, shape=(batch, 1))
            g = g @ _translate(-tf.round(t[:, 0] * width), -tf.round(t[:, 1] * height))
        if "g" in self.policy:
            scale = gated(_exp2(normal() * s["scale_std"]), one)
            g = g @ _scale(1 / scale, 1 / scale)
            p_rot = 1 - tf.sqrt(tf.clip_by_value(1 - p, 0.0, 1.0))
            theta = gated((uniform() * 2 - 1) * math.pi * s["rotate_max"], zero, p_rot)
            g = g @ _rotate(-theta)
            aniso = gated(_exp2(normal() * s["aniso_std"]), one)
            g = g @ _scale(1 / aniso, aniso)
            theta = gated((uniform() * 2 - 1) * math.pi * s["rotate_max"], zero, p_rot)
            g = g @ _rotate(-theta)
            t = gated(normal((batch, 2)) * s["xfrac_std"], 0.0, shape=(batch, 1))
            g = g @ _translate(-t[:, 0] * width, -t[:, 1] * height)
        return g

    def colour(self, batch, channels: int, p, draw: Callable) -> tf.Tensor:
        """The `(batch, 4, 4)` colour matrices on homogeneous RGB, in the reference's
        order (hue and saturation only with more than one channel)."""
        if channels not in (1, 3):
            raise ValueError(f"ADA's colour group expects 1 or 3 channels; got {channels}.")

        def gated(values, identity, shape=(batch,)):
            return tf.where(draw(keras.random.uniform, shape) < p, values, identity)

        s = STRENGTHS
        v = tf.constant(_LUMA, tf.float32)
        vv = tf.tensordot(v, v, axes=0)
        eye = tf.eye(4, batch_shape=[batch])
        c = eye
        shift = gated(draw(keras.random.normal, (batch,)) * s["brightness_std"], 0.0)
        c = _translate3(shift) @ c
        gain = gated(_exp2(draw(keras.random.normal, (batch,)) * s["contrast_std"]), 1.0)
        c = tf.linalg.diag(tf.stack([gain, gain, gain, tf.ones_like(gain)], 1)) @ c
        flip = gated(tf.floor(draw(keras.random.uniform, (batch, 1, 1)) * 2), 0.0, (batch, 1, 1))
        c = (eye - 2 * vv * flip) @ c
        if channels > 1:
            theta = draw(keras.random.uniform, (batch,)) * 2 - 1
            c = _rotate3(v, gated(theta * math.pi * s["hue_max"], 0.0)) @ c
            sat = _exp2(draw(keras.random.normal, (batch, 1, 1)) * s["saturation_std"])
            sat = gated(sat, 1.0, (batch, 1, 1))
            c = (vv + (tf.eye(4) - vv) * sat) @ c
        return c

    # ------------------------------------------------------------------ controller

    def observe(self, real_logits) -> tf.Tensor:
        """Adds a discriminator step's real logits to `r_t`; every `interval` steps,
        moves `p` (global sums over the replicas, so N replicas move it as one device).

        Returns:
            `p` after this step, a float32 scalar.
        """
        signs = tf.sign(tf.cast(tf.stop_gradient(real_logits), tf.float32))
        total = self.sign_sum + global_sum(tf.reduce_sum(signs))
        count = self.sign_count + global_sum(tf.cast(tf.size(signs), tf.float32))
        steps = self.steps + 1
        due = steps >= self.interval
        r_t = total / tf.maximum(count, 1.0)
        moved = self.p + tf.sign(r_t - self.target) * count / (self.kimg * 1000.0)
        p = tf.where(due, tf.clip_by_value(moved, 0.0, 1.0), self.p)
        self.p.assign(p)
        self.sign_sum.assign(tf.where(due, 0.0, total))
        self.sign_count.assign(tf.where(due, 0.0, count))
        self.steps.assign(tf.where(due, 0, steps))
        return p

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            policy=self.policy,
            target=self.target,
            interval=self.interval,
            kimg=self.kimg,
            initial_p=self.initial_p,
        )
        return config


# ---------------------------------------------------------------------- matrices


def _matrix(rows) -> tf.Tensor:
    return tf.stack([tf.stack(row, axis=-1) for row in rows], axis=-2)


def _translate(tx, ty):
    tx, ty = tf.cast(tx, tf.float32), tf.cast(ty, tf.float32)
    zero, one = tf.zeros_like(tx), tf.ones_like(tx)
    return _matrix([[one, zero, tx], [zero, one, ty], [zero, zero, one]])


def _scale(sx, sy):
    zero, one = tf.zeros_like(sx), tf.ones_like(sx)
    return _matrix([[sx, zero, zero], [zero, sy, zero], [zero, zero, one]])


def _rotate(theta):
    c, s = tf.cos(theta), tf.sin(theta)
    zero, one = tf.zeros_like(theta), tf.ones_like(theta)
    return _matrix([[c, -s, zero], [s, c, zero], [zero, zero, one]])


def _translate3(t):
    zero, one = tf.zeros_like(t), tf.ones_like(t)
    return _matrix(
        [[one, zero, zero, t], [zero, one, zero, t], [zero, zero, one, t], [zero, zero, zero, one]]
    )


def _rotate3(v, theta):
    """Rotation by `theta` about the unit axis `v` (Rodrigues), as the reference's
    `rotate3d`."""
    vx, vy, vz = float(v[0]), float(v[1]), float(v[2])
    s, c = tf.sin(theta), tf.cos(theta)
    cc, zero, one = 1 - c, tf.zeros_like(theta), tf.ones_like(theta)
    return _matrix(
        [
            [vx * vx * cc + c, vx * vy * cc - vz * s, vx * vz * cc + vy * s, zero],
            [vy * vx * cc + vz * s, vy * vy * cc + c, vy * vz * cc - vx * s, zero],
            [vz * vx * cc - vy * s, vz * vy * cc + vx * s, vz * vz * cc + c, zero],
            [zero, zero, zero, one],
        ]
    )


# ---------------------------------------------------------------------- application


def _warp(images, inverse):
    """Bilinear sampling of `images` at `inverse @ (x, y, 1)` for every output pixel
    (centred pixel coordinates), on the image reflect-padded by `size - 1`, 0 beyond.

    The padding is folded into the gather's indices (`_reflect`): one gather from the
    image itself, whose gradient is a segment sum (a padded copy's `MirrorPad` gradient
    took more than a third of the warp's time)."""
    batch = tf.shape(images)[0]
    height, width, channels = images.shape[1], images.shape[2], images.shape[3]
    cy, cx = (height - 1) / 2, (width - 1) / 2
    rows, cols = tf.range(height, dtype=tf.float32), tf.range(width, dtype=tf.float32)
    ys, xs = tf.meshgrid(rows, cols, indexing="ij")
    grid = tf.stack([tf.reshape(xs, [-1]) - cx, tf.reshape(ys, [-1]) - cy])
    grid = tf.concat([grid, tf.ones([1, height * width])], axis=0)
    source = inverse[:, :2, :] @ grid  # (batch, 2, H·W): x, y in the original frame
    x, y = source[:, 0] + cx, source[:, 1] + cy
    x0, y0 = tf.floor(x), tf.floor(y)
    corners_x = tf.stack([x0, x0 + 1, x0, x0 + 1], axis=-1)  # (batch, H·W, 4)
    corners_y = tf.stack([y0, y0, y0 + 1, y0 + 1], axis=-1)
    weight = (1 - tf.abs(x[..., None] - corners_x)) * (1 - tf.abs(y[..., None] - corners_y))
    inside = (tf.abs(corners_x - cx) <= 3 * cx) & (tf.abs(corners_y - cy) <= 3 * cy)
    weight *= tf.cast(inside, tf.float32)
    index = _reflect(corners_y, height) * width + _reflect(corners_x, width)
    index += tf.range(batch)[:, None, None] * (height * width)
    values = tf.gather(tf.reshape(images, [-1, channels]), index)  # (batch, H·W, 4, C)
    out = tf.reduce_sum(values * weight[..., None], axis=2)
    return tf.reshape(out, [-1, height, width, channels])


def _reflect(index, size: int):
    """Integer pixel indices reflected into `[0, size)` as torch's "reflect" padding
    (`d c b | a b c d | c b a`), for indices within `size - 1` of the image."""
    if size == 1:
        return tf.zeros_like(index, dtype=tf.int32)
    period = 2 * (size - 1)
    folded = tf.math.floormod(tf.cast(index, tf.int32), period)
    return tf.where(folded < size, folded, period - folded)


def _recolour(images, c):
    """`c` applied to each pixel's homogeneous RGB; one channel as the reference: the
    mean of the RGB rows, gain their summed weights."""
    batch = tf.shape(images)[0]
    if images.shape[3] == 3:
        flat = tf.reshape(images, [batch, -1, 3])
        out = flat @ tf.transpose(c[:, :3, :3], [0, 2, 1]) + c[:, None, :3, 3]
        return tf.reshape(out, tf.shape(images))
    rows = tf.reduce_mean(c[:, :3, :], axis=1)  # (batch, 4)
    gain = tf.reduce_sum(rows[:, :3], axis=1)
    return images * gain[:, None, None, None] + rows[:, 3][:, None, None, None]


@keras.saving.register_keras_serializable(package="ganzoo")
class Latest(keras.metrics.Metric):
    """A tracker whose result is the last value recorded (a `Mean` would show the
    epoch's average p instead of the current one)."""

    def __init__(self, name: str = "ada_p", **kwargs):
        super().__init__(name=name, **kwargs)
        self.value = self.add_variable(
            shape=(), initializer="zeros", aggregation="only_first_replica", name="value"
        )

    def update_state(self, values) -> None:
        self.value.assign(tf.reduce_mean(tf.cast(values, tf.float32)))

    def result(self):
        return tf.convert_to_tensor(self.value)


def observing(pair: AdversarialLoss, model: keras.Model, boundary: float = 0.0) -> AdversarialLoss:
    """`pair` (an `AdversarialLoss`) whose discriminator loss first feeds its real
    logits, less D's decision `boundary`, to `model.augment`'s controller and records p
    in `model.trackers["ada_p"]`: the logits D already produced in its step, no extra
    forward pass."""

    def discriminator(real_logits, fake_logits):
        real = tf.cast(real_logits, tf.float32) - boundary
        model.trackers["ada_p"].update_state(model.augment.observe(real))
        return pair.discriminator(real_logits, fake_logits)

    return AdversarialLoss(discriminator, pair.generator)


def _exp2(x):
    return tf.pow(2.0, x)
