"""ACGAN's label control: how often a generated digit is the digit asked for.

    python benchmarks/acgan_label_control.py                     # the learning budget
    python benchmarks/acgan_label_control.py --steps 300,600 --seeds 0,1,2
    python benchmarks/acgan_label_control.py --fake-class-weights 1,0  # D's classifier on real only

Trains `ganzoo.ACGAN` with its registry learning budget (`ganzoo.registry.Learning`:
networks, batch size) on the bundled digits at 32×32×1 with their labels, then asks
for 1,000 digits, 100 of each class (`generate(1000, labels=...)`), and prints the
share that ganzoo's digits classifier (`ganzoo.metrics.digits_classifier`, 98 % on
held-out real digits, see docs/metrics.md) reads as the requested label, with the
generator steps and the training's CPU (process) and wall time. `--fake-class-weights`
also runs `ACGAN(fake_class_weight=...)`: 1 is the paper, 0 trains D's classifier on
real images only.
"""

from __future__ import annotations

import argparse
import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from ganzoo import registry
from ganzoo.testing.learning import LearningRun

SAMPLES = 1000


def label_accuracy(model, classifier, n: int = SAMPLES, seed: int = 0) -> float:
    """The share of `n` generated digits (classes 0-9 in turn) classified as asked."""
    wanted = np.arange(n) % 10
    images = np.clip(np.asarray(model.generate(n, labels=wanted, seed=seed)), -1, 1)
    predicted = np.argmax(np.asarray(classifier.predict(images, verbose=0)), axis=1)
    return float(np.mean(predicted == wanted))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default=None, help="comma-separated generator steps")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (0)")
    parser.add_argument(
        "--fake-class-weights", default="1", help="comma-separated fake_class_weight values (1)"
    )
    args = parser.parse_args(argv)
    from ganzoo.metrics.digits_classifier import load_digits_classifier

    variant = registry.get("acgan")
    classifier = load_digits_classifier()
    checkpoints = [int(s) for s in (args.steps or str(variant.learning.steps)).split(",")]
    for weight in (float(w) for w in args.fake_class_weights.split(",")):
        options = {**variant.learning.options, "fake_class_weight": weight}
        learning = dataclasses.replace(variant.learning, options=options)
        for seed in (int(s) for s in args.seeds.split(",")):
            run = LearningRun(dataclasses.replace(variant, learning=learning), seed)
            for steps in checkpoints:
                run.train(steps - run.steps)
                accuracy = label_accuracy(run.model, classifier, seed=seed + 1)
                print(
                    f"acgan fake_class_weight={weight:g} seed {seed}: label accuracy "
                    f"{accuracy:.3f} on {SAMPLES} digits after {run.steps} generator steps "
                    f"(batch {learning.batch_size}), {run.cpu_s:.1f} s CPU, "
                    f"{run.wall_s:.1f} s wall",
                    flush=True,
                )


if __name__ == "__main__":
    main()
