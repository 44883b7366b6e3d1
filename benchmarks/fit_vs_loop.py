"""`fit` against a hand-written loop on the same networks, in alternating rounds in one process.

    python benchmarks/fit_vs_loop.py                         # DCGAN 28×28, batch 64, 10 rounds
    python benchmarks/fit_vs_loop.py --variant cgan --rounds 6 --steps 60
    python benchmarks/fit_vs_loop.py --steps-per-execution 1  # fit one step per call

One model (the variant at `bench_train.py`'s standard configuration, compiled with
ganzoo's defaults) trains in rounds that alternate between

- `fit`: `gan.fit(ds, epochs=1, steps_per_epoch=--steps)`, timed from its first to its
  last batch callback (fit's per-call setup excluded, as a loop has none), and
- `loop`: a two-tape `tf.function` step over the variant's own loss hooks with the
  same optimizers and ganzoo's fused updates (`bench_train.py`'s loop_b), in a Python
  `for` over the same `ganzoo.data` pipeline,

so both meet the same machine state. Printed per round: images/s of each, their ratio
and CPU time per step (all threads); then the median and the lowest ratio. The first
round of each warms up (tracing) and is left out.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_train


def fit_round(gan, dataset, steps: int) -> tuple[float, float]:
    """`(wall, cpu)` seconds of `steps` fit steps after the first execution."""
    import keras

    stamps: list[tuple[float, float]] = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            stamps.append((time.perf_counter(), time.process_time()))

    spe = gan.steps_per_execution
    gan.fit(dataset, epochs=1, steps_per_epoch=steps + spe, verbose=0, callbacks=[Clock()])
    (wall0, cpu0), (wall1, cpu1) = stamps[0], stamps[-1]
    return wall1 - wall0, cpu1 - cpu0


def loop_round(step, iterator, steps: int) -> tuple[float, float]:
    """`(wall, cpu)` seconds of `steps` loop steps after one untimed step."""
    float(step(next(iterator))[0])
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        losses = step(next(iterator))
    float(losses[0])  # wait for the last step
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", default="dcgan", choices=sorted(bench_train.CONFIGS))
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds of each (10)")
    parser.add_argument("--steps", type=int, default=60, help="generator steps per round (60)")
    parser.add_argument(
        "--steps-per-execution", type=int, default=None, help="fit's (the variant's default)"
    )
    args = parser.parse_args(argv)

    import tensorflow as tf

    options = argparse.Namespace(
        dtype_policy=None, jit_compile="default", steps_per_execution=args.steps_per_execution
    )
    gan = bench_train.build(args.variant, options)
    batch = bench_train.dataset_batch(args.variant, gan)
    dataset = bench_train.ganzoo_dataset(args.variant, batch)
    step = tf.function(
        bench_train.make_loop_step(gan, fused_updates=True), jit_compile=bool(gan.jit_compile)
    )
    iterator = iter(dataset)
    images = args.steps * bench_train.CONFIGS[args.variant][2]
    print(
        f"{args.variant}: batch {batch}, {args.steps} steps a round, "
        f"steps_per_execution {gan.steps_per_execution}, jit_compile {gan.jit_compile}, "
        f"load average {bench_train.load_average()}"
    )
    print("round  fit img/s  loop img/s  fit/loop  fit CPU ms/step  loop CPU ms/step")
    ratios = []
    for round_index in range(args.rounds + 1):
        fit_wall, fit_cpu = fit_round(gan, dataset, args.steps)
        loop_wall, loop_cpu = loop_round(step, iterator, args.steps)
        if round_index == 0:
            continue  # tracing and warm-up
        ratio = loop_wall / fit_wall
        ratios.append(ratio)
        print(
            f"{round_index:5d}  {images / fit_wall:9.0f}  {images / loop_wall:10.0f}  "
            f"{ratio:8.3f}  {1e3 * fit_cpu / args.steps:15.2f}  "
            f"{1e3 * loop_cpu / args.steps:16.2f}",
            flush=True,
        )
    print(f"fit/loop: median {statistics.median(ratios):.3f}, lowest {min(ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
