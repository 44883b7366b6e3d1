"""Trains the R3GAN objective (Huang et al., 2024) on CIFAR-10, on DCGAN-sized networks.

The relativistic pairing loss with R1 and R2 (γ = 0.05 each, fixed) and
Adam(2e-4, β = (0, 0.9)) on a DCGAN generator and critic without normalisation: the
paper's objective, not its ResNet (see docs/r3gan.md).

    python examples/r3gan_cifar10.py --epochs 50 --out runs/r3gan
    python examples/r3gan_cifar10.py --dataset digits --out runs/r3gan_digits   # offline

The run resumes from `--out/backup` when started again (`--restart` starts over); a
grid of samples is saved to `--out/samples/` after every epoch, the logs to
`--out/history.csv` and the trained model to `--out/r3gan.keras`.
"""

from __future__ import annotations

import argparse
import os

import keras

import ganzoo
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.r3gan import R3GAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset", default="cifar10", help="tensorflow-datasets name, or 'digits' (offline)."
    )
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--base-filters", type=int, default=None, help="32 below 64 pixels")
    parser.add_argument("--gamma", type=float, default=0.05, help="R1 and R2 weight γ")
    parser.add_argument("--max-batches", type=int, default=None, help="batches per epoch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/r3gan_cifar10")
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
        with_labels=False,
        data_dir=args.data_dir,
    )
    if args.max_batches:
        dataset = dataset.take(args.max_batches)
    image_shape = tuple(int(d) for d in dataset.element_spec.shape[1:])
    keras.utils.set_random_seed(args.seed)  # the initial weights (the data has its own seed)
    gan = R3GAN.for_images(
        image_shape,
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        gamma=args.gamma,
        seed=args.seed,
    )
    gan.compile()
    grid = ImageGrid(os.path.join(args.out, "samples"))
    callbacks = training_callbacks(args.out, restart=args.restart, image_grid=grid)
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "r3gan.keras"))
    return history


if __name__ == "__main__":
    main()
