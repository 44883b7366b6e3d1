"""How many generator steps and how much time a variant needs to learn the offline digits.

    python benchmarks/bench_learning.py lsgan               # until the ratio is <= 0.3
    python benchmarks/bench_learning.py --all --target 0.3  # every variant with a budget
    python benchmarks/bench_learning.py wgan --every 200 --max-steps 4000

Trains the registry variant with its learning budget's networks and batch size
(`ganzoo.registry.Learning`) on the bundled digits at 32×32×1 and prints, every
`--every` generator steps, the Fréchet distance on the digits classifier's features
(1,000 samples) over the untrained model's, until it falls to `--target` or
`--max-steps` is reached. Times are for training only (the measurements excluded);
CPU time is the process's, both cores counted.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from ganzoo import registry
from ganzoo.testing.learning import LearningRun


def run(variant: registry.Variant, target: float, every: int, max_steps: int, seed: int) -> bool:
    """Trains `variant` until its ratio is <= `target`; returns whether it got there."""
    learning_run = LearningRun(variant, seed)
    print(f"{variant.name}: untrained distance {learning_run.untrained:.1f}", flush=True)
    while learning_run.steps < max_steps:
        learning_run.train(min(every, max_steps - learning_run.steps))
        result = learning_run.measurement()
        print(f"  {result}", flush=True)
        if result.ratio <= target:
            return True
    print(f"  {variant.name} did not reach {target} in {max_steps} generator steps")
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    with_budget = [v.name for v in registry.variants() if v.learning is not None]
    parser.add_argument("variants", nargs="*", metavar="VARIANT", help="registry names")
    parser.add_argument("--all", action="store_true", help=f"all of {', '.join(with_budget)}")
    parser.add_argument("--target", type=float, default=0.3, help="ratio to reach (0.3)")
    parser.add_argument("--every", type=int, default=100, help="steps between measurements")
    parser.add_argument("--max-steps", type=int, default=3000, help="give up after (3000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    names = with_budget if args.all else args.variants
    if not names:
        parser.error("name a variant or give --all")
    for name in names:
        if name not in with_budget:
            parser.error(f"expected a variant with a learning budget ({with_budget}); got {name!r}")
    reached = [
        run(registry.get(name), args.target, args.every, args.max_steps, args.seed)
        for name in names
    ]
    return 0 if all(reached) else 1


if __name__ == "__main__":
    sys.exit(main())
