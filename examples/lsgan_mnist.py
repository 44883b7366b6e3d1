"""Trains LSGAN (Mao et al., 2017) on MNIST.

DCGAN's networks with the paper's least-squares losses (targets a = 0, b = 1, c = 1)
and Adam(2e-4, beta_1=0.5) on both sides, in batches of 64 as in the authors' code.

    python examples/lsgan_mnist.py --epochs 20 --out runs/lsgan
    python examples/lsgan_mnist.py --dataset digits --out runs/lsgan_digits   # offline

The run resumes from `--out/backup` when started again (`--restart` starts over); a
grid of samples is saved to `--out/samples/` after every epoch, the logs (`d_loss`,
`g_loss`) to `--out/history.csv` and the trained model to `--out/lsgan.keras`.
"""

from __future__ import annotations

import argparse
import os

import keras

import ganzoo
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.lsgan import LSGAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        default="mnist",
        help="tensorflow-datasets name, or 'digits' (offline, 32x32). Default: mnist.",
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--base-filters", type=int, default=None, help="network width")
    parser.add_argument(
        "--max-batches", type=int, default=None, help="batches per epoch, for a quick run"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/lsgan_mnist")
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
    gan = LSGAN.for_images(
        image_shape, latent_dim=args.latent_dim, base_filters=args.base_filters, seed=args.seed
    )
    gan.compile()
    callbacks = training_callbacks(
        args.out, restart=args.restart, image_grid=ImageGrid(os.path.join(args.out, "samples"))
    )
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "lsgan.keras"))
    return history


if __name__ == "__main__":
    main()
