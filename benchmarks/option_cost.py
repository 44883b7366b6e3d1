"""Step-time cost of each training option on DCGAN, against none, in one process.

    python benchmarks/option_cost.py --rounds 5 --steps 40
    python benchmarks/option_cost.py --options none,diffaugment,ema  # a subset

Builds one DCGAN per option (32×32×1 digits, the default `base_filters` and
`latent_dim`, batch 64, ganzoo's default compile), traces each, then times `--steps`
training steps of each in turn, `--rounds` times (alternating rounds, so a load change
on a shared machine hits all alike), and prints images per second (median and best
round) and each option's cost against none, in wall time and in process CPU time (less
sensitive to other processes on a shared machine).

The options (`OPTIONS`): `augment="diffaugment"`; `augment=ADA(initial_p=0.6)` with the
controller on (`kimg=500`, so p stays near 0.6; at p = 0 every transform is an
identity but still computed, so its cost does not depend on p); `ema=0.999`;
`label_smoothing=0.1`; `instance_noise=0.1`; `feature_matching=1.0`; and the
discriminator layers of `ganzoo.nets.dcgan.build_discriminator`: `minibatch_std`,
`minibatch_discrimination=5` (5 kernels) and `spectral_norm`. The diagnostics
run once per epoch, not per step: `benchmarks/diagnostics_cost.py` measures them.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

BATCH = 64


def _ada():
    import ganzoo

    return {"augment": ganzoo.augment.ADA(initial_p=0.6)}


OPTIONS = {
    "none": dict,
    "diffaugment": lambda: {"augment": "diffaugment"},
    "ada": _ada,
    "ema": lambda: {"ema": 0.999},
    "label_smoothing": lambda: {"label_smoothing": 0.1},
    "instance_noise": lambda: {"instance_noise": 0.1},
    "feature_matching": lambda: {"feature_matching": 1.0},
    "minibatch_std": lambda: {"minibatch_std": True},
    "minibatch_discrimination": lambda: {"minibatch_discrimination": 5},
    "spectral_norm": lambda: {"spectral_norm": True},
}


def build(option: str):
    """A compiled DCGAN with `option` (a key of `OPTIONS`)."""
    import ganzoo

    gan = ganzoo.DCGAN.for_images((32, 32, 1), seed=0, **OPTIONS[option]())
    gan.compile()
    return gan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument(
        "--options", default=",".join(OPTIONS), help=f"comma-separated, of {list(OPTIONS)}"
    )
    args = parser.parse_args()
    names = ["none", *[n for n in args.options.split(",") if n and n != "none"]]
    unknown = [n for n in names if n not in OPTIONS]
    if unknown:
        parser.error(f"unknown options {unknown}; expected some of {list(OPTIONS)}")
    import keras
    import tensorflow as tf

    from ganzoo.data.digits import load_digits_arrays

    keras.utils.set_random_seed(0)
    images, _ = load_digits_arrays(32)
    data = tf.data.Dataset.from_tensor_slices(images).repeat().batch(BATCH, drop_remainder=True)
    data = data.prefetch(4)
    models = {name: build(name) for name in names}
    for gan in models.values():  # trace
        gan.fit(data, epochs=1, steps_per_epoch=8, verbose=0)
    rates = {name: [] for name in names}
    cpu_rates = {name: [] for name in names}
    for _ in range(args.rounds):
        for name, gan in models.items():
            start, cpu = time.perf_counter(), time.process_time()
            gan.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0)
            rates[name].append(args.steps * BATCH / (time.perf_counter() - start))
            cpu_rates[name].append(args.steps * BATCH / (time.process_time() - cpu))
    base, cpu_base = float(np.median(rates["none"])), float(np.median(cpu_rates["none"]))
    print(
        "| option | images/s (median) | best round | cost vs none (median) "
        "| images per CPU-s (median) | CPU cost vs none |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        median, cpu_median = float(np.median(rates[name])), float(np.median(cpu_rates[name]))
        print(
            f"| {name} | {median:.0f} | {max(rates[name]):.0f} | "
            f"{100 * (base / median - 1):+.1f} % | {cpu_median:.0f} | "
            f"{100 * (cpu_base / cpu_median - 1):+.1f} % |"
        )
    rounded = {name: [round(r) for r in values] for name, values in rates.items()}
    print(f"rounds {args.rounds} × {args.steps} steps of batch {BATCH}; images/s: {rounded}")


if __name__ == "__main__":
    main()
