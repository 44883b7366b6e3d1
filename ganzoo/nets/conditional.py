"""Networks of the conditional GAN (CGAN).

CGAN (Mirza & Osindero, 2014) conditions both networks on a class label. Here the
networks are DCGAN-style convolutional stacks (`ganzoo.nets.dcgan`, same sizing rule,
initialisation and synchronised batch norm) with the label joined in:

- generator: a learned label embedding is concatenated with `z` before the projection;
- discriminator, `"concat"`: the embedding is broadcast over the image as extra input
  channels (the DCGAN reference code's conditional MNIST model does so at its input and
  again at every layer);
- discriminator, `"projection"` (Miyato & Koyama, 2018): the inner product of a label
  embedding with the discriminator's last features is added to the unconditional logit,
  `D(x, y) = ψ(φ(x)) + embed(y)ᵀ φ(x)`.

InfoGAN's networks live in `ganzoo.nets.infogan`.
"""

from __future__ import annotations

import operator

import keras
from keras import layers

from ganzoo._moved import moved_names
from ganzoo.nets import dcgan
from ganzoo.nets.dcgan import weight_init

DISCRIMINATOR_KINDS = ("concat", "projection")

__getattr__ = moved_names(
    __name__,
    {
        "build_infogan_generator": "ganzoo.nets.infogan:build_infogan_generator",
        "build_infogan_discriminator": "ganzoo.nets.infogan:build_infogan_discriminator",
    },
)


def check_num_classes(num_classes) -> int:
    """Returns `num_classes` as an int, or raises `ValueError` unless it is an int >= 2."""
    try:
        value = operator.index(num_classes)
    except TypeError:
        value = None
    if isinstance(num_classes, bool) or value is None or value < 2:
        raise ValueError(f"num_classes must be an integer of at least 2; got {num_classes!r}.")
    return int(value)


def check_two_inputs(generator: keras.Model, discriminator: keras.Model, model: str) -> None:
    """Raises `ValueError` unless both networks take two inputs, `[latents, labels]` and
    `[images, labels]` (a network without known inputs, e.g. a subclassed one, passes).

    Args:
        generator: the conditional generator.
        discriminator: the conditional discriminator.
        model: the model's name, for the message.
    """
    for name, network, inputs in [
        ("generator", generator, "[latents, labels]"),
        ("discriminator", discriminator, "[images, labels]"),
    ]:
        count = len(getattr(network, "inputs", None) or ())
        if count and count != 2:
            raise ValueError(
                f"{model}'s {name} must take two inputs, {inputs}; got a model with {count} "
                "(build conditional networks with ganzoo.nets.conditional)."
            )


def default_embedding_dim(num_classes: int) -> int:
    """The label embedding width used when none is given: `min(num_classes, 50)`.

    The paper feeds one-hot labels (width `num_classes`); a learned embedding of that
    width is the same model, and the cap keeps many-class datasets cheap.

    Args:
        num_classes: number of classes.

    Returns:
        The embedding width.
    """
    return min(int(num_classes), 50)


def _label_embedding(num_classes: int, dim: int, name: str) -> layers.Layer:
    # N(0, 1) entries give the label the scale of z ~ N(0, I) and of pixels in [-1, 1],
    # like the one-hot vectors of the paper, so the condition is not drowned at the start.
    return layers.Embedding(
        num_classes,
        dim,
        embeddings_initializer=keras.initializers.RandomNormal(0.0, 1.0),
        name=name,
    )


def build_conditional_generator(
    image_shape: tuple[int, int, int],
    num_classes: int,
    latent_dim: int = 100,
    base_filters: int = 128,
    embedding_dim: int | None = None,
) -> keras.Model:
    """Builds a DCGAN-style generator conditioned on a class label.

    The label's embedding is concatenated with `z`; the rest is the DCGAN generator
    (projection to `H / 2^k`, 5×5 transposed convolutions, batch norm, ReLU, `tanh`).

    Args:
        image_shape: `(H, W, C)` of the generated images, e.g. (28, 28, 1), (32, 32, 3).
        num_classes: number of classes; labels are integers in `[0, num_classes)`.
        latent_dim: size of `z`.
        base_filters: filters of the last hidden layer, doubling towards the projection.
        embedding_dim: width of the label embedding; `default_embedding_dim` when omitted.

    Returns:
        A functional `keras.Model` from `[latents (batch, latent_dim), labels (batch,)]`
        to images in [-1, 1].

    Example:
    >>> g = build_conditional_generator((28, 28, 1), num_classes=10, latent_dim=100)
    >>> images = g([keras.random.normal((4, 100)), np.array([0, 1, 2, 3])])
    """
    num_classes = check_num_classes(num_classes)
    embedding_dim = embedding_dim or default_embedding_dim(num_classes)
    z = keras.Input((latent_dim,), name="latent")
    labels = keras.Input((), dtype="int32", name="labels")
    embedded = _label_embedding(num_classes, embedding_dim, "label_embedding")(labels)
    images = dcgan.generator_layers(layers.Concatenate()([z, embedded]), image_shape, base_filters)
    return keras.Model([z, labels], images, name="generator")


def build_conditional_discriminator(
    image_shape: tuple[int, int, int],
    num_classes: int,
    base_filters: int = 128,
    kind: str = "concat",
    embedding_dim: int | None = None,
) -> keras.Model:
    """Builds a DCGAN-style discriminator conditioned on a class label.

    Args:
        image_shape: `(H, W, C)` of the input images.
        num_classes: number of classes.
        base_filters: filters of the first convolution; each later one doubles them.
        kind: `"concat"` (the label embedding broadcast as extra image channels) or
            `"projection"` (Miyato & Koyama, 2018: `embed(y)ᵀ φ(x)` added to the logit,
            with an embedding as wide as the flattened features `φ(x)`).
        embedding_dim: width of the `"concat"` embedding; `default_embedding_dim` when
            omitted. Not used by `"projection"`.

    Returns:
        A functional `keras.Model` from `[images, labels (batch,)]` to logits `(batch, 1)`.

    Example:
    >>> d = build_conditional_discriminator((28, 28, 1), 10, kind="projection")
    """
    num_classes = check_num_classes(num_classes)
    if kind not in DISCRIMINATOR_KINDS:
        raise ValueError(f"Expected a discriminator kind in {DISCRIMINATOR_KINDS}; got {kind!r}.")
    shape = tuple(int(d) for d in image_shape)
    images = keras.Input(shape, name="images")
    labels = keras.Input((), dtype="int32", name="labels")
    x = images
    if kind == "concat":
        embedding_dim = embedding_dim or default_embedding_dim(num_classes)
        embedded = _label_embedding(num_classes, embedding_dim, "label_embedding")(labels)
        planes = layers.Reshape((1, 1, embedding_dim))(embedded)
        planes = layers.UpSampling2D(size=shape[:2])(planes)  # broadcast over H×W
        x = layers.Concatenate()([x, planes])
    features = dcgan.discriminator_features(x, image_shape, base_filters)
    logits = layers.Dense(1, kernel_initializer=weight_init(), dtype="float32")(features)
    if kind == "projection":
        projection = layers.Embedding(
            num_classes, features.shape[-1], embeddings_initializer=weight_init(), name="projection"
        )(labels)
        inner = layers.Dot(axes=1, dtype="float32")([projection, features])
        logits = layers.Add(dtype="float32")([logits, inner])
    return keras.Model([images, labels], logits, name="discriminator")
