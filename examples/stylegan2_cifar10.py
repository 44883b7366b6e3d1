"""Trains StyleGAN2 (Karras et al., 2020) on CIFAR-10 at 32×32, with CPU-sized networks.

The paper's config F architecture (skip generator, residual discriminator, a mapping
network with a 0.01 learning-rate multiplier, modulated convolutions, noise inputs,
style mixing), the non-saturating loss with lazy R1 (γ = 0.01 every 16 steps, the
`cifar` configuration's) and the path-length regulariser every 4 steps, and a generator
EMA that the sample grids use (see docs/stylegan2.md).

    python examples/stylegan2_cifar10.py --epochs 50 --out runs/stylegan2
    python examples/stylegan2_cifar10.py --dataset digits --out runs/stylegan2_digits  # offline

The run resumes from `--out/backup` when started again (`--restart` starts over); a
grid of samples is saved to `--out/samples/` after every epoch, the logs to
`--out/history.csv` and the trained model to `--out/stylegan2.keras`.
"""

from __future__ import annotations

import argparse
import os

import keras

import ganzoo
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.stylegan2 import StyleGAN2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset", default="cifar10", help="tensorflow-datasets name, or 'digits' (offline)."
    )
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--latent-dim", type=int, default=128)
    parser.add_argument("--channel-base", type=int, default=2048)
    parser.add_argument("--channel-max", type=int, default=128)
    parser.add_argument("--gamma", type=float, default=0.01, help="lazy R1 weight γ")
    parser.add_argument("--pl-weight", type=float, default=2.0, help="path length (0: off)")
    parser.add_argument("--style-mixing", type=float, default=0.9)
    parser.add_argument("--max-batches", type=int, default=None, help="batches per epoch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/stylegan2_cifar10")
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
    gan = StyleGAN2.for_images(
        image_shape,
        latent_dim=args.latent_dim,
        channel_base=args.channel_base,
        channel_max=args.channel_max,
        style_mixing=args.style_mixing,
        gamma=args.gamma,
        pl_weight=args.pl_weight,
        seed=args.seed,
        network_seed=args.seed,
    )
    gan.compile()
    grid = ImageGrid(os.path.join(args.out, "samples"))
    callbacks = training_callbacks(args.out, restart=args.restart, image_grid=grid)
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "stylegan2.keras"))
    return history


if __name__ == "__main__":
    main()
