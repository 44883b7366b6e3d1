"""One device against `MirroredStrategy` over two logical CPUs, after one SGD step.

Trains the default DCGAN for 32×32 digits (`ganzoo.DCGAN.for_images((32, 32, 1))`)
for one step of SGD(0.01) on 32 digits, once on one device and once under a
`MirroredStrategy` over two logical CPUs, from the same weights and seed, and prints
the largest absolute weight difference (and the variable it is in) for:

- `defaults`: ganzoo's defaults on both sides (`compile(SGD, SGD)`);
- `keras-bn`: Keras' batch-norm code on both sides (`BatchNormalization(fused=False)`);
- `old-epsilon-floor`: the defaults, but the one-device side normalises with epsilon
  1.001e-5 instead of the layer's 1e-5, as ganzoo's fused kernel did until issue 11 (the
  floor of `tf.nn.fused_batch_norm`), while Keras' code on the replicas uses 1e-5;
- `per-replica-mean`: the defaults with a deliberate mistake on the strategy side,
  each replica's loss averaged over its own share of the batch instead of the global
  batch, so the summed gradients are twice too large: the check must trip on it.

Gradients are summed across replicas, so with the defaults the difference must stay at
float32 rounding (≤ 1e-6; `tests/test_batchnorm_replicas.py` asserts it on a small
DCGAN).

    python benchmarks/batchnorm_replicas.py
    python benchmarks/batchnorm_replicas.py --cases defaults --batch-size 64
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from ganzoo.testing import configure_logical_cpus

configure_logical_cpus(2)  # before TensorFlow initialises

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

import ganzoo  # noqa: E402
from ganzoo.layers import BatchNormalization  # noqa: E402
from ganzoo.testing import two_cpu_strategy  # noqa: E402

CASES = ("defaults", "keras-bn", "old-epsilon-floor", "per-replica-mean")


class PerReplicaMeanDCGAN(ganzoo.DCGAN):
    """The deliberate mistake: each replica averages its loss over its own examples."""

    def average_over_global_batch(self, per_example, regularization=()):
        return ops.mean(ops.cast(per_example, "float32"))


class _NullScope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def compare(one, two, before: list[np.ndarray]) -> tuple[float, str, float]:
    """The largest absolute weight difference between two models, the variable it is
    in, and its size relative to that variable's largest change in the step."""
    worst = (0.0, "", 0.0)
    for a, b, w in zip(one.weights, two.weights, before, strict=True):
        x, y = np.asarray(a), np.asarray(b)
        diff = float(np.max(np.abs(x - y)))
        if diff >= worst[0]:
            worst = (diff, a.path, diff / max(float(np.max(np.abs(x - w))), 1e-30))
    return worst


def set_fused(gan, fused: bool) -> None:
    for layer in gan._flatten_layers():
        if isinstance(layer, BatchNormalization):
            layer.fused = fused


def set_epsilon(gan, epsilon: float) -> None:
    for layer in gan._flatten_layers():
        if isinstance(layer, BatchNormalization):
            layer.epsilon = epsilon


def run_case(case: str, images: np.ndarray, image_shape, **kw) -> tuple[float, str, float]:
    """The 1-device vs 2-replica difference of one case (see the module docstring)."""
    keras.utils.set_random_seed(0)
    reference = ganzoo.DCGAN.for_images(image_shape, seed=0, **kw)
    weights = reference.get_weights()
    state = np.asarray(reference.seed_generator.state)
    sides = []
    for cls, strategy in (
        (ganzoo.DCGAN, None),
        (PerReplicaMeanDCGAN if case == "per-replica-mean" else ganzoo.DCGAN, two_cpu_strategy()),
    ):
        scope = strategy.scope() if strategy is not None else _NullScope()
        with scope:
            gan = cls.from_config(reference.get_config())
            gan.set_weights(weights)
            gan.seed_generator.state.assign(state)
            if case == "keras-bn":
                set_fused(gan, False)
            if case == "old-epsilon-floor" and strategy is None:
                set_epsilon(gan, 1.001e-5)
            gan.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01))
        data = tf.data.Dataset.from_tensor_slices(images).batch(len(images), drop_remainder=True)
        gan.fit(data, epochs=1, verbose=0)
        sides.append(gan)
    return compare(*sides, weights)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES), help=f"of {', '.join(CASES)}")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--image-size", type=int, default=32)
    args = parser.parse_args()
    shape = (args.image_size, args.image_size, 1)
    data = ganzoo.data.load("digits", batch_size=args.batch_size, image_size=args.image_size)
    images = np.asarray(next(iter(data))[0])
    print(f"DCGAN.for_images({shape}), one SGD(0.01) step on {len(images)} digits")
    print("case               max |1 device - 2 replicas|  / max |step|  variable")
    for case in args.cases.split(","):
        diff, path, relative = run_case(case, images, shape)
        print(f"{case:<18} {diff:>28.2e}  {relative:>12.1e}  {path}")


if __name__ == "__main__":
    main()
