"""Trains VAE-GAN (Larsen et al., 2016) on the offline digits, or on any dataset.

An encoder, a decoder (the generator) and a discriminator on DCGAN-family networks;
the encoder minimises the prior KL plus the reconstruction error in D's features, the
decoder γ times that error minus the GAN loss, D the GAN loss; RMSprop(3e-4) on all
three, in batches of 64 as in the paper.

    python examples/vaegan_digits.py --epochs 60 --out runs/vaegan        # offline digits
    python examples/vaegan_digits.py --dataset celeb_a --epochs 20 --latent-dim 128

The run resumes from `--out/backup` when started again (`--restart` starts over); a
grid of samples is saved to `--out/samples/` after every epoch, the logs (`e_loss`,
`g_loss`, `d_loss`, `kl_loss`, `llike_loss`, `adv_loss`) to `--out/history.csv`, the
model to `--out/vaegan.keras`, and held-out digits above their reconstructions to
`--out/reconstructions.png`.
"""

from __future__ import annotations

import argparse
import os

import keras
import numpy as np

import ganzoo
from ganzoo.callbacks import ImageGrid, image_grid, save_png, training_callbacks


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset", default="digits", help="'digits' (offline, 32x32) or a tfds name"
    )
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=32)
    parser.add_argument("--base-filters", type=int, default=16, help="network width")
    parser.add_argument("--gamma", type=float, default=5e-5, help="weight of L_llike in G's loss")
    parser.add_argument(
        "--max-batches", type=int, default=None, help="batches per epoch, for a quick run"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    parser.add_argument("--out", default="runs/vaegan_digits")
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
    gan = ganzoo.VAEGAN.for_images(
        image_shape,
        latent_dim=args.latent_dim,
        base_filters=args.base_filters,
        gamma=args.gamma,
        seed=args.seed,
    )
    gan.compile()
    callbacks = training_callbacks(
        args.out, restart=args.restart, image_grid=ImageGrid(os.path.join(args.out, "samples"))
    )
    history = gan.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.save(os.path.join(args.out, "vaegan.keras"))
    originals = np.asarray(next(iter(dataset)))[:8]
    rows = np.concatenate([originals, np.asarray(gan.reconstruct(originals))])
    save_png(image_grid(rows, columns=8), os.path.join(args.out, "reconstructions.png"))
    return history


if __name__ == "__main__":
    main()
