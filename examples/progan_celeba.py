"""Trains ProGAN (Karras et al., 2018) on CelebA, growing from 4×4 to `--image-size`.

The paper's networks (pixel normalisation, equalised learning rate, minibatch standard
deviation) at CPU-sized widths, WGAN-GP with the drift term, Adam(1e-3, 0, 0.99),
minibatch 16, a generator EMA that the sample grids use, and the growth schedule in
images shown per phase (the paper's 800k; see docs/progan.md).

    python examples/progan_celeba.py --epochs 40 --out runs/progan
    python examples/progan_celeba.py --dataset digits --image-size 32 --stable-kimg 5 \\
        --fade-in-kimg 5 --out runs/progan_digits   # offline

The run resumes from `--out/backup` when started again (`--restart` starts over), inside
a fade-in too; a grid of samples is saved to `--out/samples/` after every epoch, the logs
(with `lod`, the level of detail) to `--out/history.csv` and the model to
`--out/progan.keras`.
"""

from __future__ import annotations

import argparse
import os

import keras

import ganzoo
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.progan import ProGAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset", default="celeb_a", help="tensorflow-datasets name, or 'digits' (offline)."
    )
    parser.add_argument("--image-size", type=int, default=64, help="final resolution")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--latent-dim", type=int, default=None, help="nf(0) by default")
    parser.add_argument("--fmap-base", type=int, default=2048)
    parser.add_argument("--fmap-max", type=int, default=128)
    parser.add_argument("--stable-kimg", type=float, default=800, help="k images per phase")
    parser.add_argument("--fade-in-kimg", type=float, default=800, help="k images per fade-in")
    parser.add_argument("--max-batches", type=int, default=None, help="batches per epoch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/progan_celeba")
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
        image_size=args.image_size,
        seed=args.seed,
        with_labels=False,
        data_dir=args.data_dir,
    )
    if args.max_batches:
        dataset = dataset.take(args.max_batches)
    image_shape = tuple(int(d) for d in dataset.element_spec.shape[1:])
    keras.utils.set_random_seed(args.seed)  # the initial weights (the data has its own seed)
    gan = ProGAN.for_images(
        image_shape,
        latent_dim=args.latent_dim,
        fmap_base=args.fmap_base,
        fmap_max=args.fmap_max,
        stable_images=round(args.stable_kimg * 1000),
        fade_in_images=round(args.fade_in_kimg * 1000),
        seed=args.seed,
    )
    gan.compile()
    grid = ImageGrid(os.path.join(args.out, "samples"))
    callbacks = training_callbacks(args.out, restart=args.restart, image_grid=grid)
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "progan.keras"))
    print(f"Trained to {gan.resolution}x{gan.resolution} after {int(gan.images_seen)} images.")
    return history


if __name__ == "__main__":
    main()
