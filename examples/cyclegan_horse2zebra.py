"""Trains CycleGAN (Zhu et al., 2017) on horse2zebra with the paper's defaults.

Unpaired horses (domain A) and zebras (domain B) from tensorflow-datasets
`cycle_gan/horse2zebra`; ResNet generators with 9 residual blocks at 256x256, 70x70
PatchGANs, least-squares losses, cycle weight 10, identity weight 0.5, image pools of
50, batch size 1, Adam(2e-4, beta_1=0.5) constant for the first half of the epochs and
decayed linearly to zero over the second (the paper: 100 + 100 epochs). Training
images are jittered (resized to 286, randomly cropped to 256, randomly flipped); test
images are only resized.

    python examples/cyclegan_horse2zebra.py --out runs/horse2zebra
    python examples/cyclegan_horse2zebra.py --image-size 128 --epochs 20   # a shorter run
    python examples/cyclegan_horse2zebra.py --dataset digits --epochs 5    # offline toy

`--dataset digits` needs no download: domain A is half of the offline digits set
(white on black), domain B the other half inverted (black on white).

Every epoch a grid is written to `--out/grids/` with one row per test pair:
horse, its zebra, the horse reconstructed from that zebra, then a zebra, its horse,
the reconstructed zebra. The run resumes from `--out/backup` when started again
(`--restart` starts over; a rerun with more `--epochs` continues). At the end the
script saves `generator_g.keras` (horse -> zebra), `generator_f.keras` (zebra ->
horse) and `cyclegan.keras` (everything, optimizers included) and, when the FID
extractor is available, reports the FID of translated test horses against test
zebras (`--out/fid.json`).
"""

from __future__ import annotations

import argparse
import functools
import json
import os

import keras
import numpy as np
import tensorflow as tf

import ganzoo
from ganzoo import distribute
from ganzoo.callbacks import ImageGrid, training_callbacks
from ganzoo.models.cyclegan import CycleGAN

GRID_PAIRS = 4


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        default="cycle_gan/horse2zebra",
        help="a tensorflow-datasets cycle_gan/<pair> name, or 'digits' (offline). "
        "Default: cycle_gan/horse2zebra.",
    )
    parser.add_argument(
        "--data-dir", default=None, help="an existing tensorflow-datasets directory"
    )
    parser.add_argument(
        "--epochs", type=int, default=200, help="200 in the paper (100 + 100 decay)"
    )
    parser.add_argument("--image-size", type=int, default=None, help="default 256 (digits: 32)")
    parser.add_argument(
        "--batch-size", type=int, default=1, help="global batch size (pairs per step); 1"
    )
    parser.add_argument("--generator", choices=["resnet", "unet"], default="resnet")
    parser.add_argument("--filters", type=int, default=64, help="generator width ngf")
    parser.add_argument(
        "--residual-blocks", type=int, default=None, help="default 9 at 256, 6 below"
    )
    parser.add_argument("--discriminator-filters", type=int, default=64, help="PatchGAN ndf")
    parser.add_argument("--cycle-weight", type=float, default=10.0, help="lambda")
    parser.add_argument(
        "--identity-weight", type=float, default=0.5, help="times lambda; 0 turns it off"
    )
    parser.add_argument("--pool-size", type=int, default=50)
    parser.add_argument(
        "--max-batches", type=int, default=None, help="batches per epoch, for a quick run"
    )
    parser.add_argument(
        "--strategy",
        default="auto",
        choices=distribute.STRATEGIES,
        help="tf.distribute strategy (ganzoo.distribute.get_strategy); default auto",
    )
    parser.add_argument(
        "--fid-extractor",
        default=None,
        help="features for the final FID: 'fid_inception' (default; comparable with "
        "papers), 'inception_v3', 'digits' (default for --dataset digits)",
    )
    parser.add_argument("--no-fid", action="store_true", help="skip the final FID")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/cyclegan_horse2zebra")
    parser.add_argument("--restart", action="store_true", help="ignore a saved backup")
    return parser


def _digits_domains(image_size: int):
    """Offline toy domains: A = digits, B = other digits inverted; 10% held out."""
    images, _ = ganzoo.data.load_digits_arrays(image_size)
    train, test = images[:-200], images[-200:]
    return train[0::2], -train[1::2], test[0::2], -test[1::2]


def load_data(args, image_size: int, global_batch: int):
    """Returns `(train pairs dataset, test images A, test images B)`."""
    if args.dataset == "digits":
        train_a, train_b, test_a, test_b = _digits_domains(image_size)
        domains = [tf.data.Dataset.from_tensor_slices(x) for x in (train_a, train_b)]
        train = ganzoo.data.paired(*domains, batch_size=global_batch, seed=args.seed)
        return train, test_a, test_b

    # The paper's jitter: resize to 286 (for 256; scaled for other sizes), random crop,
    # random flip; bicubic as in the reference implementation.
    jitter = functools.partial(
        ganzoo.data.cyclegan_jitter,
        load_size=round(image_size * 286 / 256),
        crop_size=image_size,
        method="bicubic",
    )

    def split(name, **kwargs):
        return ganzoo.data.load(
            args.dataset,
            name,
            batch_size=None,
            image_size=image_size,
            data_dir=args.data_dir,
            **kwargs,
        )

    train = ganzoo.data.paired(
        split("trainA", seed=args.seed, augment=jitter),
        split("trainB", seed=args.seed + 1, augment=jitter),
        batch_size=global_batch,
        shuffle=False,  # each domain is shuffled by load()
    )
    test_a, test_b = (
        np.stack(list(split(name, shuffle=False, cache=False).as_numpy_iterator()))
        for name in ("testA", "testB")
    )
    return train, test_a, test_b


def report_fid(gan: CycleGAN, test_a, test_b, extractor: str, path: str) -> dict | None:
    """FID of `G(test A)` against test B, written to `path`; `None` when unavailable."""
    try:
        from ganzoo.metrics import fid
    except ImportError as error:
        print(f"FID skipped: ganzoo.metrics is not available ({error}).")
        return None
    try:
        score = fid(test_b, gan.translate(test_a, "a2b"), extractor=extractor)
    except (FileNotFoundError, ImportError) as error:
        print(f"FID skipped: the {extractor!r} extractor is not available.\n{error}")
        return None
    print(f"Translated test A against test B: {score}")
    result = score.as_dict()
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    return result


def main(argv: list[str] | None = None) -> keras.callbacks.History:
    """Runs the example; returns the `History` of `fit`."""
    args = build_parser().parse_args(argv)
    digits = args.dataset == "digits"
    image_size = args.image_size or (32 if digits else 256)
    if args.batch_size < 1 or args.epochs < 1 or image_size < 1:
        raise ValueError("--batch-size, --epochs and --image-size must be positive.")

    strategy = distribute.get_strategy(args.strategy)
    replicas = strategy.num_replicas_in_sync
    if args.batch_size % replicas:
        raise ValueError(
            f"--batch-size {args.batch_size} must be a multiple of the {replicas} replicas "
            f"of the {args.strategy!r} strategy (each takes batch_size / replicas pairs)."
        )
    train, test_a, test_b = load_data(args, image_size, args.batch_size)
    if args.max_batches:
        # The cheap first batch that fit's input check reads goes along.
        train = ganzoo.data.keep_preview(train.take(args.max_batches), train)
    steps_per_epoch = int(train.cardinality())
    if steps_per_epoch < 1:
        raise ValueError(f"Could not count the batches of one epoch ({steps_per_epoch}).")

    keras.utils.set_random_seed(args.seed)  # the initial weights (the data has its own seed)
    with strategy.scope():
        gan = CycleGAN.for_images(
            (image_size, image_size, int(test_a.shape[-1])),
            generator=args.generator,
            filters=args.filters,
            residual_blocks=args.residual_blocks,
            discriminator_filters=args.discriminator_filters,
            cycle_weight=args.cycle_weight,
            identity_weight=args.identity_weight,
            pool_size=args.pool_size,
            seed=args.seed,
        )
        # Constant rate for the first half of the epochs, then linearly down to zero.
        gan.compile(total_steps=args.epochs * steps_per_epoch)

    callbacks = training_callbacks(
        args.out,
        restart=args.restart,
        # Rows of: test A, G(A), F(G(A)), test B, F(B), G(F(B)).
        image_grid=ImageGrid(
            os.path.join(args.out, "grids"),
            n=6 * GRID_PAIRS,
            inputs=(test_a[:GRID_PAIRS], test_b[:GRID_PAIRS]),
        ),
    )
    history = gan.fit(train, epochs=args.epochs, callbacks=callbacks, verbose=2)
    gan.generator_g.save(os.path.join(args.out, "generator_g.keras"))
    gan.generator_f.save(os.path.join(args.out, "generator_f.keras"))
    gan.save(os.path.join(args.out, "cyclegan.keras"))
    if not args.no_fid:
        extractor = args.fid_extractor or ("digits" if digits else "fid_inception")
        report_fid(gan, test_a, test_b, extractor, os.path.join(args.out, "fid.json"))
    return history


if __name__ == "__main__":
    main()
