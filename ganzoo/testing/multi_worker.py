"""Two-process `MultiWorkerMirroredStrategy` runs of any ganzoo model, for tests.

`train_on_two_workers(model, data)` saves the model (`.keras`, seed states included)
and the data, starts two worker processes on free 127.0.0.1 ports, each with its own
`TF_CONFIG` and one CPU, and returns what each worker ended with after one epoch of
`fit` compiled by `compile_for_strategy_check`. `GANTestCase.check_multi_worker`
compares that with one process.

A worker is this module run as a script:

    python -m ganzoo.testing.multi_worker --task 0 --ports 40001,40002 \\
        --model model.keras --data data.npz --out DIR [--import my_tests=/path/to/file.py]

`--import` loads the module that registers a user's model class. A worker exits by
itself after `--timeout` seconds, whatever its collectives wait for.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np


def free_ports(count: int) -> list[int]:
    """`count` free TCP ports on 127.0.0.1."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def save_data(data, path: str) -> None:
    """Saves a small batched `tf.data.Dataset` (tensors or tuples of tensors)."""
    batches = list(data.as_numpy_iterator())
    structured = isinstance(batches[0], tuple)
    parts = list(zip(*batches, strict=True)) if structured else [batches]
    arrays = {f"part_{i}": np.concatenate(part) for i, part in enumerate(parts)}
    np.savez(path, batch=len(parts[0][0]), structured=structured, **arrays)


def load_data(path: str):
    """The dataset `save_data` saved, batched as it was."""
    import tensorflow as tf

    with np.load(path) as saved:
        parts = [saved[f"part_{i}"] for i in range(len(saved.files) - 2)]
        batch, structured = int(saved["batch"]), bool(saved["structured"])
    slices = tuple(parts) if structured else parts[0]
    return tf.data.Dataset.from_tensor_slices(slices).batch(batch, drop_remainder=True)


def training_state(model) -> list[np.ndarray]:
    """The model's weights and every player's optimizer variables."""
    optimizers = [getattr(model, player.optimizer) for player in model.players]
    return [np.asarray(v) for v in (*model.weights, *(v for o in optimizers for v in o.variables))]


def train_on_two_workers(model, data, *, timeout: float = 420.0) -> list[list[np.ndarray]]:
    """Trains a copy of `model` for one epoch of `data` on two worker processes.

    Args:
        model: a built ganzoo model whose class is registered for `.keras` loading
            and importable by its module name (or defined in a file).
        data: a small batched `tf.data.Dataset`; each batch is a global batch.
        timeout: seconds the workers may take.

    Returns:
        Each worker's `training_state` after the epoch.

    Raises:
        AssertionError: a worker failed; the message holds the end of its log.
    """
    module = sys.modules[type(model).__module__]
    with tempfile.TemporaryDirectory() as out:
        model.save(os.path.join(out, "model.keras"))
        save_data(data, os.path.join(out, "data.npz"))
        ports = ",".join(str(p) for p in free_ports(2))
        env = {key: value for key, value in os.environ.items() if key != "TF_CONFIG"}
        command = [sys.executable, "-m", "ganzoo.testing.multi_worker", f"--ports={ports}"]
        command += [f"--model={out}/model.keras", f"--data={out}/data.npz", f"--out={out}"]
        command += [f"--timeout={timeout}"]
        if getattr(module, "__file__", None) and not module.__name__.startswith("ganzoo."):
            command.append(f"--import={module.__name__}={module.__file__}")
        logs = [os.path.join(out, f"worker_{task}.log") for task in range(2)]
        processes = []
        for task, log in enumerate(logs):
            with open(log, "w") as stream:
                processes.append(
                    subprocess.Popen(
                        [*command, f"--task={task}"],
                        stdout=stream,
                        stderr=subprocess.STDOUT,
                        env=env,
                    )
                )
        codes = _wait(processes, timeout + 10)
        if any(codes):
            tails = "\n".join(
                f"--- worker {task} (exit {code}):\n{Path(log).read_text()[-3000:]}"
                for task, (code, log) in enumerate(zip(codes, logs, strict=True))
            )
            raise AssertionError(f"a worker failed:\n{tails}")
        results = []
        for task in range(2):
            with np.load(os.path.join(out, f"state_{task}.npz")) as saved:
                results.append([saved[f"arr_{i}"] for i in range(len(saved.files))])
        return results


def _wait(processes, timeout: float) -> list[int]:
    started, codes = time.monotonic(), []
    for process in processes:
        try:
            codes.append(process.wait(timeout=max(1.0, timeout - (time.monotonic() - started))))
        except subprocess.TimeoutExpired:
            process.kill()
            codes.append(process.wait())
    return codes


def _worker(args: argparse.Namespace) -> None:
    os.environ["TF_CONFIG"] = json.dumps(
        {
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in args.ports.split(",")]},
            "task": {"type": "worker", "index": args.task},
        }
    )
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
    if hasattr(os, "sched_setaffinity"):  # one CPU per worker
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[args.task % len(cpus)]})
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import importlib.util

    import keras

    import ganzoo
    from ganzoo.testing import GANTestCase, compile_for_strategy_check

    for spec in args.imports:
        name, _, path = spec.partition("=")
        loader = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(loader)
        sys.modules[name] = module
        loader.loader.exec_module(module)
    strategy = ganzoo.distribute.get_strategy("multi_worker")
    with strategy.scope():
        model = keras.models.load_model(args.model, compile=False)
        compile_for_strategy_check(model, *GANTestCase().strategy_optimizers())
    model.fit(load_data(args.data), epochs=1, verbose=0)
    np.savez(os.path.join(args.out, f"state_{args.task}.npz"), *training_state(model))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", type=int, required=True)
    parser.add_argument("--ports", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--import", dest="imports", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=420)
    args = parser.parse_args(argv)
    timer = threading.Timer(args.timeout, lambda: os._exit(124))
    timer.daemon = True
    timer.start()
    _worker(args)
    sys.stdout.flush()
    os._exit(0)  # skip teardown: TensorFlow's collective threads can stall it


if __name__ == "__main__":
    sys.exit(main())
