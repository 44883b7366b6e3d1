"""A discriminator's intermediate features: what feature matching (Salimans et al.,
2016) and VAE-GAN's learned similarity (Larsen et al., 2016) compare.

`feature_model(discriminator)` shares the discriminator's layers and weights and ends at
an intermediate layer, by default the one that feeds the output layer (for ganzoo's
convolutional critics the flattened last convolution; for a PatchGAN the last map before
the score convolution).
"""

from __future__ import annotations

import keras


def _producing_layer(tensor) -> keras.layers.Layer:
    return tensor._keras_history.operation


def _output_in_graph(layer: keras.layers.Layer):
    # A nested model's `.output` belongs to its own graph; its last inbound node is its
    # call in the enclosing model's graph.
    return keras.tree.flatten(layer._inbound_nodes[-1].output_tensors)[0]


def default_feature_layer(model: keras.Model) -> str:
    """The name of the layer whose output feeds `model`'s (first) output layer.

    Raises:
        ValueError: when `model` is not a functional (or built Sequential) model, or its
            output layer reads the inputs directly.
    """
    outputs = getattr(model, "outputs", None)
    if not outputs:
        raise ValueError(
            f"Expected a functional or built Sequential discriminator to take features "
            f"from; got {type(model).__name__} {model.name!r} without symbolic outputs."
        )
    output_layer = _producing_layer(outputs[0])
    inputs = keras.tree.flatten(output_layer._inbound_nodes[0].input_tensors)
    source = _producing_layer(inputs[0])
    if isinstance(source, keras.layers.InputLayer):
        raise ValueError(
            f"{model.name!r}'s output layer {output_layer.name!r} reads the model's inputs: "
            "it has no intermediate layer to take features from."
        )
    return source.name


def feature_model(
    model: keras.Model, layer: str | None = None, *, with_output: bool = False
) -> keras.Model:
    """A model from `model`'s inputs to the output of its layer `layer`, sharing weights.

    Args:
        model: a functional (or built Sequential) discriminator.
        layer: the name of the layer whose output are the features; `None`:
            `default_feature_layer(model)`.
        with_output: return `[features, model's output]` from one call, for losses that
            need both of the same batch (VAE-GAN: batch norm then sees one batch).

    Returns:
        A `keras.Model` on the same inputs; its weights are `model`'s.

    Example:
    >>> features = feature_model(gan.discriminator)(images)   # (batch, ...)
    """
    name = layer or default_feature_layer(model)
    try:
        output = _output_in_graph(model.get_layer(name))
    except ValueError as error:
        raise ValueError(
            f"Expected the name of a layer of {model.name!r} to take features from; got "
            f"{name!r} ({error})."
        ) from None
    if with_output:
        output = [output, model.outputs[0]]
    return keras.Model(model.inputs, output, name=f"{model.name}_features")
