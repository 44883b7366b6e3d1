"""One worker of the two-process `MultiWorkerMirroredStrategy` test.

`tests/test_multi_worker.py` starts two of these on 127.0.0.1, each with its own
`TF_CONFIG` and one CPU. The module also holds the variant table (the registry's tiny
networks, and data) that the test uses for its single-process reference run, so both
sides train the same models on the same batches.

    python tests/multi_worker_worker.py --task 0 --ports 40001,40002 --out DIR \
        --keras-check --variants dcgan,vanilla --steps 3

With `--keras-check` the worker first fits a tiny built `keras.Sequential` with plain
Keras and writes `DIR/keras_<task>.json`: `{"ok": true}` or `{"ok": false, "error":
...}`; Keras fails there today (keras-team/keras#20585), and the test tells when it
stops. Then it trains each named variant for `--steps` global batches with `gan.fit` and
writes `DIR/<variant>_<task>.npz`: the weights after training and the epoch's logs.

A worker exits by itself after `--timeout` seconds, whatever its collectives wait for.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading

import numpy as np

GLOBAL_BATCH = 8
SEED = 3


def random_images(count: int, shape: tuple, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(count, *shape)).astype("float32")


def random_labels(count: int, classes: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, classes, size=(count,)).astype("int32")


# The variants both sides train, with the registry's tiny networks
# (`ganzoo.registry.get(name).tiny`), imported late: the worker sets its environment
# before TensorFlow loads. A dataset batch holds `d_steps` chunks (WGAN-GP's critic
# steps). CycleGAN runs without its image pool, which is per replica by design (a pool
# of past fakes on each GPU, as multi-GPU CycleGANs keep) and so differs from one device.
VARIANTS = ("dcgan", "vanilla", "wgan_gp", "cgan", "infogan", "cyclegan", "vaegan")
OVERRIDES = {"cyclegan": {"pool_size": 0}}
# CycleGAN trains one global batch: its tiny nets carry a rounding-sized difference far
# within a few SGD steps. In one process, weights moved by 1e-8 end 3.5e-7 apart after
# one step and 2.3e-2 after four (DCGAN's: 3.9e-8 after four), so one process and two
# workers, whose sums round differently (1.6e-8 apart after one step), part the same
# way (`python benchmarks/perturbation_growth.py cyclegan`).
STEPS = {"cyclegan": 1}


def registered(name: str):
    """The registry entry of variant `name`."""
    from ganzoo import registry

    return registry.get(name)


def tiny(name: str) -> dict:
    """The `for_images` arguments both sides build variant `name` with."""
    return {**registered(name).tiny, **OVERRIDES.get(name, {})}


def build(name: str):
    """Variant `name` with tiny networks, seeded so every process builds the same one."""
    import keras

    keras.utils.set_random_seed(SEED)
    return registered(name).cls.for_images(**tiny(name), seed=SEED)


def dataset(name: str, steps: int):
    """`steps` global batches for variant `name` (`GLOBAL_BATCH` × d_steps elements)."""
    import tensorflow as tf

    variant, kwargs = registered(name), tiny(name)
    batch = GLOBAL_BATCH * variant.d_steps
    count = batch * steps
    images = random_images(count, kwargs["image_shape"], 0)
    if variant.data == "images":
        element = images
    elif variant.data == "labelled":
        element = (images, random_labels(count, kwargs["num_classes"], 1))
    else:
        element = (images, random_images(count, kwargs["image_shape"], 2))
    return tf.data.Dataset.from_tensor_slices(element).batch(batch, drop_remainder=True)


def compile_for_check(gan) -> None:
    """Compiles `gan` the same way in every process: `GANTestCase`'s SGD and
    `ganzoo.testing.compile_for_strategy_check` (the arithmetic a strategy gets)."""
    from ganzoo.testing import GANTestCase, compile_for_strategy_check

    compile_for_strategy_check(gan, *GANTestCase().strategy_optimizers())


def train(name: str, steps: int) -> tuple[list[np.ndarray], dict[str, float]]:
    """Builds, compiles (`compile_for_check`) and fits variant `name` in the current
    strategy scope, for `steps` global batches (`STEPS` where it names the variant).

    Returns:
        The model's weights and both optimizers' variables after training, and the
        logs of the epoch.
    """
    import tensorflow as tf

    with tf.distribute.get_strategy().scope():
        gan = build(name)
        compile_for_check(gan)
    history = gan.fit(dataset(name, STEPS.get(name, steps)), epochs=1, verbose=0)
    logs = {key: float(values[-1]) for key, values in history.history.items()}
    variables = [*gan.weights, *gan.g_optimizer.variables, *gan.d_optimizer.variables]
    return [np.asarray(v) for v in variables], logs


def _keras_fit() -> dict:
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.arange(32, dtype="float32").reshape(16, 2) / 32
    y = x.sum(axis=1, keepdims=True)
    try:
        model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=1, verbose=0)
    except Exception as error:  # the known failure, reported to the test
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:2000]}
    return {"ok": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", type=int, required=True, help="this worker's index")
    parser.add_argument("--ports", required=True, help="comma-separated loopback ports")
    parser.add_argument("--out", required=True, help="folder for the results")
    parser.add_argument("--keras-check", action="store_true", help="fit plain Keras first")
    parser.add_argument("--variants", default="", help="comma-separated variant names")
    parser.add_argument("--steps", type=int, default=3, help="global batches to train")
    parser.add_argument("--timeout", type=float, default=240, help="seconds before exiting")
    args = parser.parse_args(argv)

    # Stop by ourselves if the other worker never answers a collective.
    timer = threading.Timer(args.timeout, lambda: os._exit(124))
    timer.daemon = True
    timer.start()

    ports = [int(p) for p in args.ports.split(",")]
    os.environ["TF_CONFIG"] = json.dumps(
        {
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
            "task": {"type": "worker", "index": args.task},
        }
    )
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if hasattr(os, "sched_setaffinity"):  # one CPU per worker
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[args.task % len(cpus)]})
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    import ganzoo

    strategy = ganzoo.distribute.get_strategy("multi_worker")
    assert strategy.num_replicas_in_sync == len(ports), strategy.num_replicas_in_sync
    os.makedirs(args.out, exist_ok=True)
    with strategy.scope():
        if args.keras_check:
            result = _keras_fit()
            with open(os.path.join(args.out, f"keras_{args.task}.json"), "w") as f:
                json.dump(result, f)
        for name in filter(None, args.variants.split(",")):
            weights, logs = train(name, args.steps)
            np.savez(
                os.path.join(args.out, f"{name}_{args.task}.npz"),
                *weights,
                logs=json.dumps(logs),
            )
    sys.stdout.flush()
    # Skip interpreter teardown: TensorFlow's collective threads can stall it.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
