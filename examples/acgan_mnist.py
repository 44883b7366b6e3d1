"""Trains an auxiliary classifier GAN (Odena, Olah & Shlens, 2017) on MNIST.

The generator sees the digit's label; the discriminator sees only the image and both
tells real from fake and classifies the digit, so the trained model draws the digit
you ask for. DCGAN-style networks, Adam(2e-4, beta_1=0.5), batches of 100 (the paper).

    python examples/acgan_mnist.py --epochs 20 --out runs/acgan
    python examples/acgan_mnist.py --dataset digits --out runs/acgan_digits   # offline

The run resumes from `--out/backup` when started again (`--restart` starts over); a
grid with a row per class is saved to `--out/samples/` after every epoch, the logs to
`--out/history.csv` and the trained model to `--out/acgan.keras`.
"""

from __future__ import annotations

import argparse
import os

import keras

import ganzoo
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.acgan import ACGAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        default="mnist",
        help="tensorflow-datasets name with class labels, or 'digits' (offline, 32x32).",
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--base-filters", type=int, default=None, help="32 below 64 pixels")
    parser.add_argument(
        "--fake-class-weight",
        type=float,
        default=1.0,
        help="weight of D's class loss on fakes: 1 (the paper) or 0 (real images only)",
    )
    parser.add_argument("--max-batches", type=int, default=None, help="batches per epoch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/acgan_mnist")
    parser.add_argument("--restart", action="store_true", help="ignore a saved backup")
    return parser


def main(argv: list[str] | None = None) -> keras.callbacks.History:
    """Runs the example; returns the `History` of `fit`."""
    args = build_parser().parse_args(argv)
    if args.batch_size < 1 or args.epochs < 1:
        raise ValueError("--batch-size and --epochs must be positive.")
    dataset = ganzoo.data.load(
        args.dataset,
        "train",
        batch_size=args.batch_size,
        seed=args.seed,
        with_labels=True,
        data_dir=args.data_dir,
    )
    if args.max_batches:
        dataset = dataset.take(args.max_batches)
    image_shape = tuple(int(d) for d in dataset.element_spec[0].shape[1:])
    num_classes = ganzoo.data.num_classes(args.dataset, args.data_dir)
    keras.utils.set_random_seed(args.seed)  # the initial weights (the data has its own seed)
    gan = ACGAN.for_images(
        image_shape,
        num_classes,
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        fake_class_weight=args.fake_class_weight,
        seed=args.seed,
    )
    gan.compile()
    grid = ImageGrid(os.path.join(args.out, "samples"), n=10 * num_classes)
    callbacks = training_callbacks(args.out, restart=args.restart, image_grid=grid)
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "acgan.keras"))
    return history


if __name__ == "__main__":
    main()
