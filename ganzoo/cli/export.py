"""`ganzoo export MODEL.keras DIR`: the generator alone as a TensorFlow SavedModel."""

from __future__ import annotations

import argparse
import os

from ganzoo.cli.errors import usage
from ganzoo.cli.evaluate import load_gan


def serving_network(model):
    """The network a SavedModel serves: the EMA generator when there is one, the
    generator, or a translator's a→b generator (image to image)."""
    if getattr(model, "ema", None) is not None:
        return model.ema_generator
    if hasattr(model, "translator"):
        return model.translator("a2b")
    return model.generator


def export(args: argparse.Namespace) -> str:
    """Writes `serving_network(model)` to `args.out` with a `serve` signature.

    The signature takes the network's own inputs (latents; `[latents, labels]` for
    class-conditional variants; InfoGAN's codes are part of its latents; images for
    CycleGAN) and returns images in [-1, 1] (the generators end in `tanh`).

    Example:
    >>> ganzoo.cli.main(["export", "runs/dcgan/model.keras", "exported"])
    0
    """
    import keras
    import tensorflow as tf

    if os.path.exists(args.out):
        raise usage(f"{args.out!r} exists; expected a new folder for the SavedModel.")
    network = serving_network(load_gan(args.model))
    signature = [tf.TensorSpec(i.shape, i.dtype, name=i.name) for i in network.inputs]
    archive = keras.export.ExportArchive()
    archive.track(network)

    def serve(*inputs):
        return network(inputs[0] if len(inputs) == 1 else list(inputs), training=False)

    archive.add_endpoint("serve", serve, input_signature=signature)
    archive.write_out(args.out, verbose=False)
    print(f"Wrote {args.out}")
    return args.out
