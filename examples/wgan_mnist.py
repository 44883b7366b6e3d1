"""Trains WGAN (Arjovsky et al., 2017) on MNIST.

Algorithm 1: 5 critic updates per generator update, each on its own B real images (a
dataset batch holds d_steps x B), RMSprop(5e-5) on both sides, and the critic's
weights clipped to [-0.01, 0.01] after every update. WGAN learns slowly: expect
recognisable digits after thousands of generator steps, not hundreds.

    python examples/wgan_mnist.py --epochs 50 --out runs/wgan
    python examples/wgan_mnist.py --dataset digits --out runs/wgan_digits   # offline

The run resumes from `--out/backup` when started again (`--restart` starts over); a
grid of samples is saved to `--out/samples/` after every epoch, the logs (`d_loss`,
`g_loss`, `wasserstein`) to `--out/history.csv` and the trained model to
`--out/wgan.keras`.
"""

from __future__ import annotations

import argparse
import os

import keras

import ganzoo
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.wgan import WGAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        default="mnist",
        help="tensorflow-datasets name, or 'digits' (offline, 32x32). Default: mnist.",
    )
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=64,
        help="B, the images of one critic step; dataset batches hold d_steps x B. Default: 64.",
    )
    parser.add_argument("--d-steps", type=int, default=5, help="critic steps per generator step")
    parser.add_argument("--clip-value", type=float, default=0.01, help="c of the clipping")
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--base-filters", type=int, default=64, help="network width (ndf, ngf)")
    parser.add_argument(
        "--max-batches", type=int, default=None, help="batches per epoch, for a quick run"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/wgan_mnist")
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
    gan = WGAN.for_images(
        image_shape,
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        clip_value=args.clip_value,
        d_steps=args.d_steps,
        seed=args.seed,
    )
    gan.compile()
    callbacks = training_callbacks(
        args.out, restart=args.restart, image_grid=ImageGrid(os.path.join(args.out, "samples"))
    )
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "wgan.keras"))
    return history


if __name__ == "__main__":
    main()
