"""SGAN with few labels: its classifier against the same network trained supervised-only.

Protocol (issue 13): the offline digits at 32×32, split once into a training split and
a held-out split (`--held-out` images, a fixed stratified draw); for each seed, N labels
are drawn from the training split only, balanced over the classes
(`ganzoo.data.semi_supervised.choose_labelled`), and both models train on that same
labelled subset:

- SGAN (`ganzoo.SGAN.for_images`, its defaults): batches of `--batch-size` images of
  the training split, `ceil(B/8)` of them labelled (`semi_supervised.from_arrays`);
- supervised-only: the same classifier network (same initial weights, the same
  Gaussian-noise layers, no other augmentation on either side), the same optimizer
  (Adam(3e-3, beta_1=0.5)) and number of updates, trained with the cross-entropy of
  the labelled images alone, a batch being all N of them.

Both are evaluated after fixed numbers of steps chosen before any run (`--steps`, no
model selection on held-out labels), by their accuracy on the held-out split; several
step counts are evaluated along one training run, each reported. The
script prints one line per run and the mean ± std over the seeds.

Example:
    python benchmarks/sgan_few_labels.py --labels 50 100 --seeds 5 --steps 800
    python benchmarks/sgan_few_labels.py --labels 50 --steps 600 1200 2000  # 3 budgets, 1 run
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import tensorflow as tf

import ganzoo
from ganzoo.data import semi_supervised
from ganzoo.data.digits import load_digits_arrays

SPLIT_SEED = 2016


def split(held_out: int) -> tuple[np.ndarray, ...]:
    """`(train_x, train_y, test_x, test_y)`: a fixed, class-stratified split."""
    images, labels = load_digits_arrays(32)
    rng = np.random.default_rng(SPLIT_SEED)
    test = np.sort(
        np.concatenate(
            [
                rng.choice(np.flatnonzero(labels == k), held_out // 10, replace=False)
                for k in range(10)
            ]
        )
    )
    train = np.setdiff1d(np.arange(len(labels)), test)
    return images[train], labels[train], images[test], labels[test]


def accuracy(classifier: keras.Model, images: np.ndarray, labels: np.ndarray) -> float:
    logits = classifier.predict(images, batch_size=500, verbose=0)
    return float(np.mean(np.argmax(logits, axis=-1) == labels))


class EvaluateAt(keras.callbacks.Callback):
    """Records the held-out accuracy of `classifier` after each step count in `steps`
    (each a multiple of the epoch length `chunk`), with the process time since `start`."""

    def __init__(self, classifier, test_x, test_y, steps, chunk):
        super().__init__()
        self.classifier, self.test_x, self.test_y = classifier, test_x, test_y
        self.steps, self.chunk = set(steps), chunk
        self.start, self.scores = time.process_time(), {}

    def on_epoch_end(self, epoch, logs=None):
        done = (epoch + 1) * self.chunk
        if done in self.steps:
            elapsed = time.process_time() - self.start
            self.scores[done] = (accuracy(self.classifier, self.test_x, self.test_y), elapsed)


def train_and_evaluate(model, data, classifier, test_x, test_y, steps) -> dict:
    """Fits `model` in one `fit` call (one data iterator) to `max(steps)`, evaluating
    `classifier` after each step count in `steps`: `{steps: (accuracy, CPU-s)}`."""
    chunk = int(np.gcd.reduce(steps))
    evaluate = EvaluateAt(classifier, test_x, test_y, steps, chunk)
    model.fit(
        data, epochs=max(steps) // chunk, steps_per_epoch=chunk, verbose=0, callbacks=[evaluate]
    )
    return evaluate.scores


def run(train_x, train_y, test_x, test_y, labelled: int, seed: int, args) -> dict:
    data = semi_supervised.from_arrays(
        train_x, train_y, labelled=labelled, batch_size=args.batch_size, seed=seed
    )
    indices = data.labelled_indices
    results = {}

    keras.utils.set_random_seed(seed)
    gan = ganzoo.SGAN.for_images((32, 32, 1), num_classes=10, seed=seed)
    # The weight norm's data-dependent init on 500 training images (the authors'),
    # before the copy, so both models start from it.
    init_images = train_x[np.random.default_rng(seed).permutation(len(train_x))[:500]]
    gan.initialize(init_images)
    initial = gan.discriminator.get_weights()
    gan.compile()
    results["sgan"] = train_and_evaluate(gan, data, gan.classifier, test_x, test_y, args.steps)

    keras.utils.set_random_seed(seed)
    network = ganzoo.SGAN.for_images((32, 32, 1), num_classes=10, seed=seed).discriminator
    network.set_weights(initial)  # the SGAN's starting point
    classifier = keras.Model(network.inputs, network.outputs[0])
    classifier.compile(
        optimizer=keras.optimizers.Adam(3e-3, beta_1=0.5),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    labelled_data = (
        tf.data.Dataset.from_tensor_slices((train_x[indices], train_y[indices]))
        .repeat()
        .batch(len(indices))
    )
    results["supervised"] = train_and_evaluate(
        classifier, labelled_data, classifier, test_x, test_y, args.steps
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--steps",
        type=int,
        nargs="+",
        default=[800],
        help="step counts after which both models are evaluated (one run each)",
    )
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--held-out", type=int, default=500)
    args = parser.parse_args()
    train_x, train_y, test_x, test_y = split(args.held_out)
    print(
        f"digits 32x32: {len(train_y)} training images, {len(test_y)} held out; "
        f"evaluated after {args.steps} steps of batch {args.batch_size}"
    )
    total = time.process_time()
    for labelled in args.labels:
        scores = {steps: {"sgan": [], "supervised": []} for steps in args.steps}
        for seed in range(args.seeds):
            results = run(train_x, train_y, test_x, test_y, labelled, seed, args)
            for steps in args.steps:
                sgan, supervised = results["sgan"][steps], results["supervised"][steps]
                scores[steps]["sgan"].append(sgan[0])
                scores[steps]["supervised"].append(supervised[0])
                print(
                    f"labels={labelled} seed={seed} steps={steps}: SGAN {sgan[0]:.4f} "
                    f"({sgan[1]:.0f} CPU-s), supervised-only {supervised[0]:.4f} "
                    f"({supervised[1]:.0f} CPU-s)",
                    flush=True,
                )
        for steps in args.steps:
            sgan = np.array(scores[steps]["sgan"])
            supervised = np.array(scores[steps]["supervised"])
            gain = sgan - supervised
            print(
                f"labels={labelled} steps={steps}: SGAN {sgan.mean():.4f} ± {sgan.std():.4f}, "
                f"supervised-only {supervised.mean():.4f} ± {supervised.std():.4f}, "
                f"SGAN - supervised {100 * gain.mean():+.2f} ± {100 * gain.std():.2f} points",
                flush=True,
            )
    print(f"total {time.process_time() - total:.0f} CPU-s")


if __name__ == "__main__":
    main()
