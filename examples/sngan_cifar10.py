"""Trains SNGAN (Miyato et al., 2018) on CIFAR-10 with the paper's standard CNN.

Each `fit` step is one generator iteration: a dataset batch of `d_steps × B` images
(5 × 64 by default) gives each of the 5 discriminator updates its own `B` real images
(each update starts with one power iteration of every spectral norm), then the
generator takes one update with `B` samples. Hinge loss, Adam(2e-4, β₁=0, β₂=0.9).

    python examples/sngan_cifar10.py --epochs 20 --out runs/sngan
    python examples/sngan_cifar10.py --dataset digits --out runs/sngan_digits

The run resumes from `--out/backup` when started again (`--restart` starts over); a
grid of samples is saved to `--out/samples/` after every epoch, the logs to
`--out/history.csv` and the trained model to `--out/sngan.keras`.
"""

from __future__ import annotations

import argparse
import os

import keras

import ganzoo
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.sngan import SNGAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        default="cifar10",
        help="tensorflow-datasets name, or 'digits' (offline, 32x32). Default: cifar10.",
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=64,
        help="B, the images of one D step; dataset batches hold d_steps x B. Default: 64.",
    )
    parser.add_argument("--d-steps", type=int, default=5, help="D steps per generator step")
    parser.add_argument("--latent-dim", type=int, default=128)
    parser.add_argument("--base-filters", type=int, default=64, help="network width (64)")
    parser.add_argument(
        "--max-batches", type=int, default=None, help="batches per epoch, for a quick run"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/sngan_cifar10")
    parser.add_argument("--restart", action="store_true", help="ignore a saved backup")
    return parser


def main(argv: list[str] | None = None) -> keras.callbacks.History:
    """Runs the example; returns the `History` of `fit`."""
    args = build_parser().parse_args(argv)
    if args.batch_size < 1 or args.d_steps < 1 or args.epochs < 1:
        raise ValueError("--batch-size, --d-steps and --epochs must be positive.")

    dataset = ganzoo.data.load(
        args.dataset,
        "train",
        batch_size=args.d_steps * args.batch_size,
        seed=args.seed,
        with_labels=False,
        data_dir=args.data_dir,
    )
    if args.max_batches:
        dataset = dataset.take(args.max_batches)
    image_shape = tuple(int(d) for d in dataset.element_spec.shape[1:])

    keras.utils.set_random_seed(args.seed)  # the initial weights (the data has its own seed)

    gan = SNGAN.for_images(
        image_shape,
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        d_steps=args.d_steps,
        seed=args.seed,
    )
    gan.compile()
    callbacks = training_callbacks(
        args.out, restart=args.restart, image_grid=ImageGrid(os.path.join(args.out, "samples"))
    )
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "sngan.keras"))
    return history


if __name__ == "__main__":
    main()
