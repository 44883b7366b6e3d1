"""Trains Pix2Pix (Isola et al., 2017) on CMP Facades with the paper's defaults.

The facades set is a folder of side-by-side files (photo on the left, label map on the
right), read by `ganzoo.data.paired_images`; download and unpack it first (see
docs/pix2pix.md):

    curl -LO http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/facades.tar.gz
    tar xzf facades.tar.gz
    python examples/pix2pix_facades.py --dataset facades --out runs/facades
    python examples/pix2pix_facades.py --dataset digits-edges --epochs 5   # offline toy

`--dataset FOLDER` trains on `FOLDER/train` (or the folder itself) and draws its grid
from `FOLDER/val` or `FOLDER/test` when there is one. `--direction b2a` (the default,
the paper's facades direction) translates label maps into photos. Defaults are the
paper's: a U-Net with dropout, a 70×70 PatchGAN seeing input and output, cGAN + 100·L1,
halved D loss, Adam(2e-4, beta_1=0.5), batch size 1, 200 epochs, 256×256 images.

`--dataset digits-edges` needs no download: Sobel edge maps of the bundled digits are
translated into the digits (32×32, the paper's 16×16 PatchGAN); the last 200 pairs are
held out for the grid.

Every epoch a grid is written to `--out/grids/` with one row per held-out pair:
input, translation, target. The run resumes from `--out/backup` when started again
(`--restart` starts over). At the end the script saves `generator.keras` and
`pix2pix.keras` (everything, optimizers included) and prints the mean L1 error of
the held-out translations.
"""

from __future__ import annotations

import argparse
import os

import keras
import numpy as np

import ganzoo
from ganzoo import distribute
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.pix2pix import Pix2Pix

GRID_PAIRS = 4


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        required=True,
        help="a folder of side-by-side A|B files (facades), or 'digits-edges' (offline)",
    )
    parser.add_argument("--direction", choices=["a2b", "b2a"], default="b2a")
    parser.add_argument("--epochs", type=int, default=200, help="200 in the paper")
    parser.add_argument("--image-size", type=int, default=None, help="256 (digits-edges: 32)")
    parser.add_argument("--batch-size", type=int, default=1, help="global batch size (1)")
    parser.add_argument("--filters", type=int, default=64, help="U-Net width ngf")
    parser.add_argument("--discriminator-filters", type=int, default=64, help="PatchGAN ndf")
    parser.add_argument("--l1-weight", type=float, default=100.0, help="lambda")
    parser.add_argument("--max-batches", type=int, default=None, help="batches per epoch")
    parser.add_argument("--strategy", default="auto", choices=distribute.STRATEGIES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/pix2pix_facades")
    parser.add_argument("--restart", action="store_true", help="ignore a saved backup")
    return parser


def _held_out_folder(folder: str) -> str | None:
    for name in ("val", "test"):
        if os.path.isdir(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return None


def load_data(args, image_size: int, global_batch: int):
    """Returns `(train pairs dataset, held-out inputs, held-out targets)`."""
    if args.dataset == "digits-edges":
        train_a, train_b, test_a, test_b = ganzoo.data.digits_edges(image_size)
        train = ganzoo.data.aligned_pairs(train_a, train_b, global_batch, seed=args.seed)
        return train, test_a, test_b
    if not os.path.isdir(args.dataset):
        raise ValueError(
            f"--dataset must be a folder of side-by-side files or 'digits-edges'; got "
            f"{args.dataset!r} (download facades first, see docs/pix2pix.md)."
        )
    train_dir = os.path.join(args.dataset, "train")
    train_dir = train_dir if os.path.isdir(train_dir) else args.dataset
    train = ganzoo.data.paired_images(
        train_dir, args.direction, image_size, global_batch, seed=args.seed
    )
    test_dir = _held_out_folder(args.dataset) or train_dir
    test = ganzoo.data.paired_images(
        test_dir, args.direction, image_size, GRID_PAIRS, shuffle=False, drop_remainder=False
    )
    test_a, test_b = (np.asarray(x) for x in next(iter(test)))
    return train, test_a, test_b


def main(argv: list[str] | None = None) -> keras.callbacks.History:
    """Runs the example; returns the `History` of `fit`."""
    args = build_parser().parse_args(argv)
    image_size = args.image_size or (32 if args.dataset == "digits-edges" else 256)
    if args.batch_size < 1 or args.epochs < 1 or image_size < 1:
        raise ValueError("--batch-size, --epochs and --image-size must be positive.")
    strategy = distribute.get_strategy(args.strategy)
    train, test_a, test_b = load_data(args, image_size, args.batch_size)
    if args.max_batches:
        train = ganzoo.data.keep_preview(train.take(args.max_batches), train)

    keras.utils.set_random_seed(args.seed)
    with strategy.scope():
        gan = Pix2Pix.for_images(
            test_a.shape[1:],
            output_channels=int(test_b.shape[-1]),
            filters=args.filters,
            discriminator_filters=args.discriminator_filters,
            l1_weight=args.l1_weight,
            seed=args.seed,
        )
        gan.compile()
    grid = ImageGrid(
        os.path.join(args.out, "grids"),
        n=3 * GRID_PAIRS,
        inputs=(test_a[:GRID_PAIRS], test_b[:GRID_PAIRS]),
    )
    callbacks = training_callbacks(args.out, restart=args.restart, image_grid=grid)
    history = gan.fit(train, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.generator.save(os.path.join(args.out, "generator.keras"))
    gan.save(os.path.join(args.out, "pix2pix.keras"))
    error = float(np.abs(np.asarray(gan.translate(test_a)) - test_b).mean())
    print(f"Mean L1 error of the {len(test_a)} held-out translations: {error:.4f}")
    return history


if __name__ == "__main__":
    main()
