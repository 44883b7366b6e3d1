"""Trains the semi-supervised GAN (Salimans et al., 2016) on MNIST with 100 labels.

D is a 10-class classifier trained on the few labelled images and, through its
logsumexp real/fake score, on every image; G learns by feature matching. After
training, the classifier's accuracy on the test split is printed.

    python examples/sgan_mnist.py --epochs 50 --labelled 100 --out runs/sgan
    python examples/sgan_mnist.py --dataset digits --out runs/sgan_digits

The run resumes from `--out/backup` when started again (`--restart` starts over); a
grid of samples is saved to `--out/samples/` after every epoch, the logs to
`--out/history.csv` and the trained model to `--out/sgan.keras` (`gan.classifier`
comes back with it).
"""

from __future__ import annotations

import argparse
import os

import keras
import numpy as np

import ganzoo
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.sgan import SGAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        default="mnist",
        help="tensorflow-datasets name, or 'digits' (offline, 32x32). Default: mnist.",
    )
    parser.add_argument("--labelled", type=int, default=100, help="labels kept (100)")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument(
        "--max-batches", type=int, default=None, help="batches per epoch, for a quick run"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/sgan_mnist")
    parser.add_argument("--restart", action="store_true", help="ignore a saved backup")
    return parser


def test_accuracy(gan: SGAN, args: argparse.Namespace) -> float | None:
    """The classifier's accuracy on the test split (`None` for the one-split digits)."""
    if args.dataset == "digits":
        return None
    test = ganzoo.data.load(
        args.dataset,
        "test",
        batch_size=500,
        shuffle=False,
        drop_remainder=False,
        data_dir=args.data_dir,
    )
    right = total = 0
    for images, labels in test:
        predicted = np.argmax(gan.classifier.predict(images, verbose=0), axis=-1)
        right += int(np.sum(predicted == labels.numpy()))
        total += len(predicted)
    return right / total


def main(argv: list[str] | None = None) -> keras.callbacks.History:
    """Runs the example; returns the `History` of `fit`."""
    args = build_parser().parse_args(argv)
    if args.batch_size < 2 or args.epochs < 1:
        raise ValueError("--batch-size must be at least 2 and --epochs positive.")

    dataset = ganzoo.data.load(
        args.dataset,
        "train",
        batch_size=args.batch_size,
        seed=args.seed,
        data_dir=args.data_dir,
        labelled=args.labelled,
    )
    if args.max_batches:
        dataset = ganzoo.data.keep_preview(dataset.take(args.max_batches), dataset)
    image_shape = tuple(int(d) for d in dataset.element_spec[0].shape[1:])
    num_classes = ganzoo.data.num_classes(args.dataset, args.data_dir)

    keras.utils.set_random_seed(args.seed)  # the initial weights (the data has its own seed)
    gan = SGAN.for_images(
        image_shape, num_classes=num_classes, latent_dim=args.latent_dim, seed=args.seed
    )
    gan.compile()
    gan.initialize(next(iter(dataset))[0])  # the data-dependent init of D's weight norm
    callbacks = training_callbacks(
        args.out, restart=args.restart, image_grid=ImageGrid(os.path.join(args.out, "samples"))
    )
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "sgan.keras"))
    accuracy = test_accuracy(gan, args)
    if accuracy is not None:
        print(f"test accuracy of the classifier: {accuracy:.4f}")
    return history


if __name__ == "__main__":
    main()
