"""The training-tricks figure: DCGAN on the offline digits, baseline against each trick.

Each configuration trains a small DCGAN (32×32×1, base_filters 16, latent 32, batch 32)
for `--steps` generator steps with one seed, and reports the Fréchet distance of 1,000
samples to 1,000 real digits on the digits classifier's features (`ganzoo.metrics`,
`extractor="digits"`). Prints a table and writes `docs/images/tricks_fd.png`.

    PYTHONPATH=$PWD nice -n 10 python scripts/make_tricks_figures.py --steps 300
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
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--out", default="docs/images/tricks_fd.png")
    args = parser.parse_args()
    names = args.configs.split(",")
    rows = []
    print(f"| option | FD after {args.steps} steps | untrained FD | CPU s |")
    print("|---|---|---|---|")
    for name in names:
        m = run(name, CONFIGS[name], args.steps, args.seed)
        rows.append((name, m.trained))
        print(f"| {name} | {m.trained:.1f} | {m.untrained:.1f} | {m.cpu_s} |", flush=True)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.barh([r[0] for r in rows][::-1], [r[1] for r in rows][::-1], color="#4477aa")
    ax.set_xlabel(
        f"Fréchet distance on the digits classifier ({args.steps} steps, seed {args.seed})"
    )
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
