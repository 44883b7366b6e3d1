"""How far a tiny model's training carries a rounding-sized difference.

    python benchmarks/perturbation_growth.py cyclegan --channels 1 3 --steps 4

Builds the registry's tiny networks (`ganzoo.registry`, CycleGAN without its image
pool), compiles them as the strategy checks do (`compile_for_strategy_check`, SGD 0.01),
and trains two copies on the same random batches of 8: one as built, one whose every
weight is moved by Gaussian noise of standard deviation 1e-8 (float32 rounding at the
weights' scale). It prints the largest weight difference after each number of steps.

A comparison of one device with N replicas, or of one process with two workers, can
only be as tight as this growth allows: their sums round differently, by about 1e-8.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

BATCH = 8


def growth(name: str, channels: int, steps: int, seed: int = 3) -> float:
    """The largest weight difference after `steps` steps between the two copies."""
    import keras
    import tensorflow as tf

    from ganzoo import registry
    from ganzoo.testing import GANTestCase, compile_for_strategy_check

    variant = registry.get(name)
    shape = (*variant.tiny["image_shape"][:2], channels)
    extra = {"pool_size": 0} if name == "cyclegan" else {}

    def build():
        keras.utils.set_random_seed(seed)
        gan = variant.build_tiny(image_shape=shape, seed=seed, **extra)
        compile_for_strategy_check(gan, *GANTestCase().strategy_optimizers())
        return gan

    reference, moved = build(), build()
    rng = np.random.default_rng(0)
    moved.set_weights(
        [
            w + (rng.standard_normal(w.shape) * 1e-8).astype(w.dtype) if w.dtype.kind == "f" else w
            for w in moved.get_weights()
        ]
    )
    count = BATCH * variant.d_steps * steps
    images = np.random.default_rng(1).uniform(-1, 1, (count, *shape)).astype("float32")
    if variant.data == "unpaired":
        other = np.random.default_rng(2).uniform(-1, 1, (count, *shape)).astype("float32")
        element = (images, other)
    elif variant.data == "labelled":
        element = (images, np.zeros(count, "int32"))
    else:
        element = images
    data = tf.data.Dataset.from_tensor_slices(element).batch(BATCH * variant.d_steps)
    reference.fit(data, epochs=1, verbose=0)
    moved.fit(data, epochs=1, verbose=0)
    return max(
        float(np.max(np.abs(a - b)))
        for a, b in zip(reference.get_weights(), moved.get_weights(), strict=True)
        if a.size
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="a registered variant")
    parser.add_argument("--channels", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--steps", type=int, default=4, help="the most steps to train")
    args = parser.parse_args()
    print(f"| {args.name} | " + " | ".join(f"step {s}" for s in range(1, args.steps + 1)) + " |")
    print("|---|" + "---:|" * args.steps)
    for channels in args.channels:
        cells = [f"{growth(args.name, channels, s):.1e}" for s in range(1, args.steps + 1)]
        print(f"| {channels} channel(s) | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
