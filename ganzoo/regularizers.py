"""Penalties on a discriminator's gradients, applied by the core to any variant.

A regularizer is passed to a model's constructor (`regularizers=[R1(10.0)]`) and the
core adds `weight · penalty` to the loss of the player it regularizes (the
discriminator) in every update of that player, whatever the variant's loss hooks
return, and logs the penalty (before its weight) under the regularizer's `name`.

Every penalty is per example, shape `(batch,)`, so the core averages it over the
global batch like any loss; a penalty's random draws (the gradient penalty's ε) go
through the model's `draw`, so N replicas compute what one device computes. The
penalties are also plain functions of a critic and tensors (`r1_penalty`,
`gradient_penalty`), for use outside a model.

Example:
>>> gan = ganzoo.DCGAN.for_images((32, 32, 1), regularizers=[ganzoo.regularizers.R1(1.0)])
>>> gan.compile()
>>> history = gan.fit(dataset)  # logs d_loss, g_loss and r1
"""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import ops

from ganzoo import losses


def non_negative(value, name: str) -> float:
    """`value` as a float; `ValueError` naming `name` unless it is a number >= 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not number >= 0:
        raise ValueError(f"{name} must be a number >= 0; got {value!r}.")
    return number


def _input_gradients(discriminator: Callable, inputs, condition=None):
    """Per-example gradients of the discriminator's scores w.r.t. `inputs`, flattened.

    Each example's score is the mean of its outputs (as in `ganzoo.losses`), so a
    PatchGAN critic is penalised as the function the losses train. The gradient of the
    summed scores is each example's own gradient only when examples do not interact,
    which is why a critic with a gradient penalty must not use batch normalisation.
    The tape is created inside the caller's tape, so the caller can differentiate the
    penalty with respect to the discriminator's weights (a second-order gradient).
    """
    import tensorflow as tf

    inputs = ops.cast(inputs, "float32")
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        args = inputs if condition is None else [inputs, condition]
        if isinstance(discriminator, keras.layers.Layer):
            scores = discriminator(args, training=True)
        else:
            scores = discriminator(args)
        total = ops.sum(losses.per_example(ops.cast(scores, "float32")))
    gradients = tape.gradient(total, inputs)
    return ops.reshape(ops.cast(gradients, "float32"), (ops.shape(gradients)[0], -1))


def gradient_penalty(discriminator: Callable, real, fake, epsilon, condition=None, target=1.0):
    """The WGAN-GP gradient penalty (Gulrajani et al., 2017, Algorithm 1).

    `(‖∇D(x̂)‖₂ - 1)²` on interpolates `x̂ = ε·x + (1 - ε)·x̃` between real images `x`
    and generated images `x̃`, with one `ε ~ U[0, 1]` per example.

    Args:
        discriminator: the critic: a `keras.Model` (called with `training=True`) or any
            callable from images to scores, e.g. `lambda x: gan.discriminate(x, labels)`;
            with a `condition` it is called as `discriminator([x̂, condition])`.
        real: real images, shape `(batch, H, W, C)`.
        fake: generated images, same shape.
        epsilon: per-example mixing weights drawn from U[0, 1], shape `(batch,)`.
        condition: optional second input of a conditional critic.
        target: the gradient norm the penalty pulls towards (1 in the paper).

    Returns:
        Per-example penalties, shape `(batch,)` (the paper weights them by λ=10).

    Example:
    >>> eps = keras.random.uniform((batch,), seed=seed_generator)
    >>> gp = ganzoo.regularizers.gradient_penalty(critic, real, fake, eps)
    """
    real = ops.cast(real, "float32")
    fake = ops.cast(fake, "float32")
    eps = ops.reshape(ops.cast(epsilon, "float32"), (-1,) + (1,) * (len(real.shape) - 1))
    interpolates = eps * real + (1.0 - eps) * fake
    gradients = _input_gradients(discriminator, interpolates, condition)
    # The small constant keeps the gradient of the norm finite at exactly zero.
    norm = ops.sqrt(ops.sum(ops.square(gradients), axis=1) + 1e-12)
    return ops.square(norm - target)


def r1_penalty(discriminator: Callable, real, condition=None):
    """The R1 regulariser (Mescheder et al., 2018): `‖∇D(x)‖²` on real data.

    Args:
        discriminator: the discriminator: a `keras.Model` (called with
            `training=True`) or any callable from images to scores; with a `condition`
            it is called as `discriminator([x, condition])`.
        real: real images, shape `(batch, H, W, C)`.
        condition: optional second input of a conditional discriminator.

    Returns:
        Per-example penalties, shape `(batch,)` (the paper weights them by γ/2).

    Example:
    >>> r1 = ganzoo.regularizers.r1_penalty(discriminator, real_images)
    """
    gradients = _input_gradients(discriminator, real, condition)
    return ops.sum(ops.square(gradients), axis=1)


def path_lengths(synthesis: Callable, ws, draw: Callable):
    """StyleGAN2's path lengths (Karras et al., 2020, §3.2): `‖J_wᵀ y‖₂` per example,
    `y ~ N(0, I)/sqrt(H·W)` an image of noise, as the reference's `pl_lengths`
    (squared gradients summed over w's features, averaged over the layers' ws).

    Args:
        synthesis: a function from `ws` `(batch, num_ws, w_dim)` to images.
        ws: the generator's per-layer `w`, computed inside the caller's tape.
        draw: the model's `draw(sampler, shape)`, for `y`.

    Returns:
        A float32 tensor `(batch,)`, differentiable w.r.t. the synthesis's weights.
    """
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(ws)
        images = ops.cast(synthesis(ws), "float32")
        noise = draw(keras.random.normal, ops.shape(images))
        total = ops.sum(images * noise) / float(images.shape[1] * images.shape[2]) ** 0.5
    gradients = ops.cast(tape.gradient(total, ws), "float32")
    return ops.sqrt(ops.mean(ops.sum(ops.square(gradients), axis=2), axis=1))


class Regularizer:
    """Base class: a per-example penalty of a critic, added with `weight` to the loss
    of the player named `player`.

    Subclasses set `name` (the logged key) and implement `penalty`. With `interval`
    k > 1 the penalty is applied lazily: every k-th update of the player is followed by
    an update of its own on `k · weight · penalty` (`ganzoo.core.lazy`).
    """

    name = "penalty"
    player = "discriminator"
    weight = 0.0
    interval = 1

    def penalty(self, critic: Callable, real, fake, draw: Callable):
        """Per-example penalty values, shape `(batch,)`.

        Args:
            critic: the regularized network as a function of images.
            real: real images of this update.
            fake: generated images of this update (no gradient to the generator).
            draw: the model's `draw(sampler, shape, **kwargs)` for random numbers.

        Returns:
            A float32 tensor of shape `(batch,)`.
        """
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


@keras.saving.register_keras_serializable(package="ganzoo")
class R1(Regularizer):
    """R1 (Mescheder, Geiger & Nowozin, 2018, "Which training methods for GANs do
    actually converge?"): `γ/2 · ‖∇D(x)‖²` on real images.

    Args:
        gamma: γ; the loss gains `gamma / 2` times the squared gradient norm.
        interval: apply it every `interval`-th discriminator update, in an update of
            its own weighted by `interval` (lazy regularization, Karras et al., 2020;
            16 in StyleGAN2); 1: in every update.

    Example:
    >>> ganzoo.regularizers.R1(10.0)
    >>> ganzoo.regularizers.R1(0.01, interval=16)  # StyleGAN2's lazy R1
    """

    name = "r1"

    def __init__(self, gamma: float = 10.0, interval: int = 1):
        self.gamma = non_negative(gamma, "R1's gamma")
        self.weight = 0.5 * self.gamma
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise ValueError(f"R1's interval must be an integer >= 1; got {interval!r}.")
        self.interval = interval

    def penalty(self, critic, real, fake, draw):
        return r1_penalty(critic, real)

    def get_config(self) -> dict:
        config = {"gamma": self.gamma}
        return config if self.interval == 1 else {**config, "interval": self.interval}


@keras.saving.register_keras_serializable(package="ganzoo")
class R2(R1):
    """R2 (Mescheder et al., 2018; with R1 in R3GAN, Huang et al., 2024):
    `γ/2 · ‖∇D(x̃)‖²` on generated images.

    Args:
        gamma: γ; the loss gains `gamma / 2` times the squared gradient norm.
    """

    name = "r2"

    def penalty(self, critic, real, fake, draw):
        return r1_penalty(critic, fake)


@keras.saving.register_keras_serializable(package="ganzoo")
class GradientPenalty(Regularizer):
    """The WGAN-GP penalty (Gulrajani et al., 2017, Algorithm 1):
    `λ · (‖∇D(x̂)‖₂ - target)²` at `x̂ = ε·x + (1 - ε)·x̃`, `ε ~ U[0, 1]` per example.

    Args:
        weight: λ (10 in the paper).
        target: the gradient norm the penalty pulls towards (1).

    Example:
    >>> ganzoo.regularizers.GradientPenalty(10.0)
    """

    name = "gp"

    def __init__(self, weight: float = 10.0, target: float = 1.0):
        self.weight = non_negative(weight, "GradientPenalty's weight")
        self.target = float(target)

    def sample_epsilon(self, draw: Callable, batch_size):
        """Interpolation weights `ε ~ U[0, 1]`, one per example (Algorithm 1, line 4)."""
        return draw(keras.random.uniform, (batch_size,), minval=0.0, maxval=1.0)

    def penalty(self, critic, real, fake, draw):
        epsilon = self.sample_epsilon(draw, keras.ops.shape(real)[0])
        return gradient_penalty(critic, real, fake, epsilon, target=self.target)

    def get_config(self) -> dict:
        return {"weight": self.weight, "target": self.target}


def get(value) -> Regularizer:
    """A regularizer from an instance or its serialized config.

    Raises:
        ValueError: for anything else.
    """
    if isinstance(value, Regularizer):
        return value
    if isinstance(value, dict):
        restored = keras.saving.deserialize_keras_object(value)
        if isinstance(restored, Regularizer):
            return restored
    raise ValueError(
        "Expected a ganzoo.regularizers.Regularizer (R1, R2, GradientPenalty) or its "
        f"config; got {value!r}."
    )
