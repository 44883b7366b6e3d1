"""The training-tricks figure: DCGAN on the offline digits, baseline against each trick.

Each configuration trains a small DCGAN (32×32×1, base_filters 16, latent 32, batch 32)
for `--steps` generator steps with each of `--seeds`, and reports the Fréchet distance of 1,000
samples to 1,000 real digits on the digits classifier's features (`ganzoo.metrics`,
`extractor="digits"`). Prints a table and writes `docs/images/tricks_fd.png` (a bar
per option at the seeds' mean, a dot per seed).

    PYTHONPATH=$PWD nice -n 10 python scripts/make_tricks_figures.py --steps 300 --seeds 0,1
"""

from __future__ import annotations

import argparse
import dataclasses

CONFIGS = {
    "baseline": {},
    "label_smoothing=0.1": {"label_smoothing": 0.1},
    "instance_noise=0.1": {"instance_noise": 0.1},
    "feature_matching=1": {"feature_matching": 1.0},
    "minibatch_std": {"minibatch_std": True},
    "minibatch_discrimination=16": {"minibatch_discrimination": 16},
    "spectral_norm": {"spectral_norm": True},
}


def run(name: str, options: dict, steps: int, seed: int):
    from ganzoo import registry
    from ganzoo.registry import Learning
    from ganzoo.testing.learning import LearningRun

    if "instance_noise" in options:
        options = {**options, "instance_noise_steps": steps}
    budget = Learning(steps, 32, {"base_filters": 16, "latent_dim": 32, **options})
    variant = dataclasses.replace(registry.get("dcgan"), learning=budget)
    learning = LearningRun(variant, seed)
    learning.train(steps)
    return learning.measurement()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--out", default="docs/images/tricks_fd.png")
    args = parser.parse_args()
    names = args.configs.split(",")
    seeds = [int(seed) for seed in args.seeds.split(",")]
    distances = {}
    print(f"| option | seed | FD after {args.steps} steps | untrained FD | CPU s |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        for seed in seeds:
            m = run(name, CONFIGS[name], args.steps, seed)
            distances.setdefault(name, []).append(m.trained)
            print(
                f"| {name} | {seed} | {m.trained:.1f} | {m.untrained:.1f} | {m.cpu_s} |",
                flush=True,
            )
    for name, values in distances.items():
        print(f"{name}: mean {sum(values) / len(values):.1f} over seeds {seeds}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.4))
    order = names[::-1]
    means = [sum(distances[n]) / len(distances[n]) for n in order]
    ax.barh(order, means, color="#88aadd")
    for row, name in enumerate(order):
        ax.plot(distances[name], [row] * len(distances[name]), "o", color="#223355", ms=4)
    ax.set_xlabel(
        f"Fréchet distance on the digits classifier after {args.steps} steps (lower is better)\n"
        f"bar: mean of seeds {args.seeds}; dots: each seed",
        fontsize=8,
    )
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
