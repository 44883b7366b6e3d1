"""InfoGAN's networks (Chen et al., 2016), after the MNIST architecture of its Appendix C.1.


- D: conv 64 4×4 s2 lReLU, conv 128 4×4 s2 BN lReLU, FC 1024 BN lReLU, FC 1;
- Q: FC 128 BN lReLU, FC (code parameters), on top of D's body (everything but D's
  last layer), so D and Q share it;
- G: FC 1024 BN ReLU, FC 7×7×128 BN ReLU, upconv 64 4×4 s2 BN ReLU, upconv 1 4×4 s2.

The leaky ReLU slope is the paper's 0.1 (the authors' code uses 0.01). Images other
than 28×28 follow the DCGAN sizing rule (`upsamplings`): one more stride-2 convolution,
with twice the filters, per doubling (a 32×32 generator projects to 4×4×256). The
generator ends in `tanh` (ganzoo's [-1, 1] images) where the paper's code reads its
output as Bernoulli means.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from ganzoo.nets.dcgan import batch_norm, upsamplings, weight_init


def check_discriminator(discriminator: keras.Model) -> None:
    """Raises `ValueError` unless `discriminator` is a nested model named `"body"`
    followed by a layer named `"logit"`, as InfoGAN's Q needs (it reads the body)."""
    names = {layer.name for layer in discriminator.layers}
    if not {"body", "logit"} <= names:
        raise ValueError(
            "InfoGAN's discriminator must be a nested model named 'body' followed by a "
            f"layer named 'logit' (Q reads the body's features); got layers {sorted(names)}."
        )


def _lrelu() -> layers.Layer:
    return layers.LeakyReLU(0.1)


def build_infogan_generator(
    image_shape: tuple[int, int, int],
    input_dim: int = 74,
    base_filters: int = 64,
    hidden_units: int | None = None,
) -> keras.Model:
    """Builds the InfoGAN generator (Chen et al., 2016, Appendix C.1).

    FC `hidden_units` BN ReLU, FC `H/2^k × W/2^k × base_filters·2^(k-1)` BN ReLU, then
    4×4 stride-2 transposed convolutions halving the filters (BN ReLU), the last one to
    the image channels with `tanh`. At 28×28 with the defaults this is the paper's
    MNIST generator: FC 1024, FC 7×7×128, upconv 64, upconv 1.

    Args:
        image_shape: `(H, W, C)` of the generated images.
        input_dim: width of the generator input (noise and codes; 62 + 10 + 2 on MNIST).
        base_filters: filters of the last hidden transposed convolution (64 in the paper).
        hidden_units: width of the first fully connected layer; `16 · base_filters`
            (the paper's 1024) when omitted.

    Returns:
        A functional `keras.Model` from `(batch, input_dim)` to images in [-1, 1].

    Example:
    >>> g = build_infogan_generator((28, 28, 1), input_dim=74)
    """
    k, height, width = upsamplings(image_shape)
    hidden_units = hidden_units or 16 * base_filters
    channels = int(image_shape[-1])
    filters = base_filters * 2 ** (k - 1)
    z = keras.Input((int(input_dim),), name="latent")
    x = layers.Dense(hidden_units, use_bias=False, kernel_initializer=weight_init())(z)
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Dense(height * width * filters, use_bias=False, kernel_initializer=weight_init())(x)
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Reshape((height, width, filters))(x)
    for _ in range(k - 1):
        filters //= 2
        x = layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", use_bias=False, kernel_initializer=weight_init()
        )(x)
        x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2DTranspose(
        channels, 4, strides=2, padding="same", kernel_initializer=weight_init()
    )(x)
    images = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(z, images, name="generator")


def build_infogan_discriminator(
    image_shape: tuple[int, int, int],
    q_outputs: int,
    base_filters: int = 64,
    hidden_units: int | None = None,
    q_units: int | None = None,
) -> tuple[keras.Model, keras.Model]:
    """Builds InfoGAN's discriminator and the recognition head Q that shares its body.

    The discriminator is `images → body → Dense(1)`, where `body` (a nested model,
    reachable as `discriminator.get_layer("body")`) is conv `base_filters` 4×4 s2 lReLU,
    then per further halving a 4×4 s2 conv with twice the filters, BN, lReLU, then FC
    `hidden_units` BN lReLU; the last layer is `discriminator.get_layer("logit")`. Q is a
    separate model on the body's features: FC `q_units` BN lReLU, FC `q_outputs`.
    Keeping Q apart from the discriminator lets each be saved once while sharing the body.

    Args:
        image_shape: `(H, W, C)` of the input images.
        q_outputs: width of Q's output (code logits and means, see `ganzoo.InfoGAN`).
        base_filters: filters of the first convolution (64 in the paper).
        hidden_units: width of the body's FC layer; `16 · base_filters` (1024) when omitted.
        q_units: width of Q's hidden layer; `2 · base_filters` (128) when omitted.

    Returns:
        `(discriminator, q_head)`: images → logits `(batch, 1)`, and body features →
        Q outputs `(batch, q_outputs)`.

    Example:
    >>> d, q = build_infogan_discriminator((28, 28, 1), q_outputs=12)
    >>> q(d.get_layer("body")(images))
    """
    k, _, _ = upsamplings(image_shape)
    hidden_units = hidden_units or 16 * base_filters
    q_units = q_units or 2 * base_filters
    images = keras.Input(tuple(int(d) for d in image_shape), name="images")
    x = layers.Conv2D(base_filters, 4, strides=2, padding="same", kernel_initializer=weight_init())(
        images
    )
    x = _lrelu()(x)
    for i in range(1, k):
        x = layers.Conv2D(
            base_filters * 2**i,
            4,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=weight_init(),
        )(x)
        x = _lrelu()(batch_norm()(x))
    x = layers.Flatten()(x)
    x = layers.Dense(hidden_units, use_bias=False, kernel_initializer=weight_init())(x)
    features = _lrelu()(batch_norm()(x))
    body = keras.Model(images, features, name="body")

    outer = keras.Input(tuple(int(d) for d in image_shape), name="images")
    logits = layers.Dense(1, kernel_initializer=weight_init(), dtype="float32", name="logit")(
        body(outer)
    )
    discriminator = keras.Model(outer, logits, name="discriminator")

    shared = keras.Input((hidden_units,), name="features")
    q = layers.Dense(q_units, use_bias=False, kernel_initializer=weight_init())(shared)
    q = _lrelu()(batch_norm()(q))
    q = layers.Dense(int(q_outputs), kernel_initializer=weight_init(), dtype="float32")(q)
    q_head = keras.Model(shared, q, name="q_head")
    return discriminator, q_head


def recognize(
    body: keras.Model,
    q_head: keras.Model,
    images,
    batch_size: int = 256,
    batch_statistics: bool = False,
) -> np.ndarray:
    """Q's outputs on `images`, `batch_size` images per forward pass.

    Batch norm normally uses its moving averages, which mix the statistics of the real
    and generated batches D saw and fit neither early in training.
    `batch_statistics=True` normalises each batch with its own statistics, as Q sees
    generated batches in training, and restores the moving averages afterwards.

    Args:
        body: the discriminator's body (`discriminator.get_layer("body")`).
        q_head: the recognition head on the body's features.
        images: float images in [-1, 1], shape `(n, H, W, C)`.
        batch_size: images per forward pass (and per batch-norm batch).
        batch_statistics: normalise with each batch's statistics.

    Returns:
        A float32 array `(n, q_outputs)`.
    """
    state = body.non_trainable_variables + q_head.non_trainable_variables
    saved = [np.array(v) for v in state] if batch_statistics else []
    outputs = []
    try:
        for start in range(0, int(keras.ops.shape(images)[0]), batch_size):
            features = body(images[start : start + batch_size], training=batch_statistics)
            q = q_head(features, training=batch_statistics)
            outputs.append(np.asarray(q, dtype=np.float32))
    finally:
        if batch_statistics:  # training-mode calls moved the moving averages
            for variable, value in zip(state, saved, strict=True):
                variable.assign(value)
    return np.concatenate(outputs, axis=0)
