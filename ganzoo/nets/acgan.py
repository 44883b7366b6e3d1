"""The AC-GAN discriminator (Odena, Olah & Shlens, 2017): one trunk, two heads.

The discriminator sees only the image and gives a probability distribution over
sources and one over classes, `P(S | X), P(C | X) = D(X)` (§3). Here the trunk is the
DCGAN discriminator's convolutions (`ganzoo.nets.dcgan.discriminator_features`: 5×5
stride-2 convolutions, batch norm after all but the first, LeakyReLU(0.2), N(0, 0.02)
weights), with dropout 0.5 after every activation as in all the paper's discriminators
(Appendix A), and the heads are two linear layers on its flattened features: one source
logit and `num_classes` class logits (the sigmoid and the softmax are in the losses).

The generator is CGAN's (`ganzoo.nets.conditional.build_conditional_generator`): a
learned label embedding of width `num_classes` joined to `z`, the model of the paper's
`z` with a one-hot class appended (110 = 100 noise + 10 classes).
"""

from __future__ import annotations

import keras
from keras import layers

from ganzoo.nets import dcgan
from ganzoo.nets.conditional import check_num_classes
from ganzoo.nets.dcgan import weight_init


def build_acgan_discriminator(
    image_shape: tuple[int, int, int],
    num_classes: int,
    base_filters: int = 128,
    dropout: float = 0.5,
) -> keras.Model:
    """Builds the two-headed AC-GAN discriminator for `image_shape`.

    Args:
        image_shape: `(H, W, C)` of the input images.
        num_classes: number of classes `K`.
        base_filters: filters of the first convolution; each later one doubles them.
        dropout: rate of the dropout after each activation (0.5, the paper's; 0: none).

    Returns:
        A functional `keras.Model` from images to `[source_logits (batch, 1),
        class_logits (batch, K)]`.

    Example:
    >>> d = build_acgan_discriminator((32, 32, 1), num_classes=10, base_filters=32)
    >>> source, classes = d(images)
    """
    num_classes = check_num_classes(num_classes)
    images = keras.Input(tuple(int(d) for d in image_shape), name="images")
    features = dcgan.discriminator_features(images, image_shape, base_filters, dropout=dropout)
    source = layers.Dense(1, kernel_initializer=weight_init(), dtype="float32", name="source")(
        features
    )
    classes = layers.Dense(
        num_classes, kernel_initializer=weight_init(), dtype="float32", name="classes"
    )(features)
    return keras.Model(images, [source, classes], name="discriminator")


def check_networks(generator, discriminator, num_classes: int) -> None:
    """Refuses networks of the wrong form for AC-GAN, before any step.

    Args:
        generator: must take two inputs, `[latents, labels]` (when it declares inputs).
        discriminator: must output `[(batch, 1), (batch, num_classes)]` logits.
        num_classes: the number of classes.

    Raises:
        ValueError: naming the form expected and the one given.
    """
    inputs = len(getattr(generator, "inputs", None) or ())
    outputs = [tuple(o.shape) for o in getattr(discriminator, "outputs", None) or ()]
    if inputs and inputs != 2:
        raise ValueError(
            f"ACGAN's generator must take two inputs, [latents, labels]; got a model with {inputs}."
        )
    if outputs and outputs != [(None, 1), (None, num_classes)]:
        raise ValueError(
            f"ACGAN's discriminator must output [(batch, 1) source logits, (batch, "
            f"{num_classes}) class logits]; got outputs of shapes {outputs} "
            "(build it with ganzoo.nets.acgan.build_acgan_discriminator)."
        )
