"""StyleGAN2's training throughput at 32×32 against DCGAN's, and the cost of its lazy
regularizers (R1 every 16 discriminator steps, path length every 4 generator steps).

    python benchmarks/stylegan2_cost.py                   # 2 rounds, 32 timed steps each
    python benchmarks/stylegan2_cost.py --rounds 3 --steps 64

Every configuration trains with `fit` on the offline digits at 32×32×1 (batch 32), in
one process, in alternating rounds (so each meets the same machine state); after a
warm-up of 16 steps (tracing, and one of each lazy update) it times `--steps` steps,
a multiple of 16 so that each timed window holds the same share of lazy updates.
Prints images/s and CPU ms per step (all threads), the median over rounds, and the
load average (the figures are wall times on a shared machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: name -> (registry variant, for_images options): StyleGAN2 at its learning budget's size.
SMALL = {"latent_dim": 64, "channel_base": 1024, "channel_max": 64}
CONFIGS = {
    "dcgan": ("dcgan", {}),
    "stylegan2": ("stylegan2", SMALL),
    "stylegan2 no R1": ("stylegan2", {**SMALL, "regularizers": []}),
    "stylegan2 no pl": ("stylegan2", {**SMALL, "pl_weight": 0.0}),
    "stylegan2 no lazy": ("stylegan2", {**SMALL, "regularizers": [], "pl_weight": 0.0}),
}


def measure(name: str, steps: int, warmup: int = 16) -> tuple[float, float]:
    """`(images/s, CPU ms per step)` of `fit` for configuration `name`."""
    import keras

    import ganzoo
    from ganzoo import registry

    variant, options = CONFIGS[name]
    keras.utils.set_random_seed(1)
    gan = registry.get(variant).build((32, 32, 1), seed=1, **options)
    gan.compile()
    data = ganzoo.data.load("digits", batch_size=32, image_size=32, seed=0, repeat=True)
    stamps = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            stamps.append((time.perf_counter(), time.process_time()))

    gan.fit(data, epochs=1, steps_per_epoch=warmup + steps, verbose=0, callbacks=[Clock()])
    executions = steps // gan.steps_per_execution
    (wall0, cpu0), (wall1, cpu1) = stamps[-1 - executions], stamps[-1]
    return 32 * steps / (wall1 - wall0), 1000 * (cpu1 - cpu0) / steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=32, help="timed steps (multiple of 16)")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    args = parser.parse_args(argv)
    if args.steps % 16:
        raise SystemExit(f"--steps must be a multiple of 16; got {args.steps}.")
    names = args.configs.split(",")
    results = {name: [] for name in names}
    for _ in range(args.rounds):
        for name in names:
            results[name].append(measure(name, args.steps))
    print(f"load average {os.getloadavg()[0]:.1f}, {args.rounds} rounds of {args.steps} steps")
    print("| configuration | images/s | CPU ms/step |\n|---|---:|---:|")
    for name, rows in results.items():
        rate = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        print(f"| {name} | {rate:.1f} | {cpu:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
