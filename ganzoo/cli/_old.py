"""The `ganzoo` command: `ganzoo train VARIANT`, `ganzoo sample MODEL.keras`, `ganzoo fid A B`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

VARIANTS = {
    "vanilla": "VanillaGAN",
    "dcgan": "DCGAN",
    "wgan_gp": "WGANGP",
    "cgan": "CGAN",
    "infogan": "InfoGAN",
}
CONDITIONAL = {"cgan"}
# The argument of `for_images` that --latent-dim sets (InfoGAN's codes come on top).
LATENT_ARGUMENT = {"infogan": "noise_dim"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ganzoo", description="Train, sample and evaluate GANs from the ganzoo model zoo."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train",
        help="train a GAN variant",
        description="Train a GAN variant with Keras' fit; resumes from --out unless --restart.",
    )
    train.add_argument("variant", choices=sorted(VARIANTS), help="the GAN variant to train")
    train.add_argument(
        "--dataset",
        default="digits",
        help="dataset name: 'digits' (offline, the default) or a tensorflow-datasets name "
        "such as mnist, fashion_mnist, cifar10, celeb_a",
    )
    train.add_argument("--epochs", type=int, default=30, help="epochs to train (default 30)")
    train.add_argument(
        "--batch-size", type=int, default=32, help="images per generator step (default 32)"
    )
    train.add_argument(
        "--latent-dim",
        type=int,
        default=None,
        help="size of the latent vector (default: the variant's paper, e.g. 100 for DCGAN)",
    )
    train.add_argument(
        "--out",
        default=None,
        help="output folder for grids, backups and the model (default runs/VARIANT)",
    )
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument(
        "--strategy",
        default="auto",
        help="tf.distribute strategy: auto, default, mirrored, multi_worker, tpu",
    )
    train.add_argument(
        "--restart", action="store_true", help="ignore a backup in --out and start over"
    )
    train.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    # Hidden (documented in docs/reliability.md): tiny, short runs for tests and smoke
    # checks. --steps-per-epoch trains on the first N batches of each epoch's shuffle.
    train.add_argument("--steps-per-epoch", type=int, default=None, help=argparse.SUPPRESS)
    train.add_argument("--base-filters", type=int, default=None, help=argparse.SUPPRESS)

    sample = commands.add_parser("sample", help="write a grid of samples from a saved model")
    sample.add_argument("model", help="a saved .keras model")
    sample.add_argument("--n", type=int, default=64, help="number of samples (default 64)")
    sample.add_argument("--out", default="grid.png", help="PNG file to write (default grid.png)")
    sample.add_argument("--seed", type=int, default=0, help="seed of the latents (default 0)")

    fid = commands.add_parser(
        "fid",
        help="FID (and KID) between two image sources",
        description="Frechet Inception Distance (and with --kid the Kernel Inception "
        "Distance) between A and B. Each of A and B is an image folder, a saved .keras "
        "model (sampled with fixed latents), or a dataset NAME[:SPLIT] (digits, "
        "mnist:test, cifar10:train, cycle_gan/horse2zebra:testB, 'mnist:train[:10%]'). "
        "Prints each score with the extractor and the sample counts that produced it.",
    )
    fid.add_argument("a", help="image folder, .keras model, or dataset NAME[:SPLIT]")
    fid.add_argument("b", help="image folder, .keras model, or dataset NAME[:SPLIT]")
    fid.add_argument(
        "--extractor",
        default="fid_inception",
        help="feature extractor: fid_inception (default; comparable with papers), "
        "inception_v3, digits (fast, for the offline digits set)",
    )
    fid.add_argument(
        "--num-samples",
        type=int,
        default=10_000,
        help="images generated from a model, and the most read from a folder or dataset "
        "(a seeded random subset when it holds more; default 10000)",
    )
    fid.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="images per forward pass of the extractor (default: the extractor's own)",
    )
    fid.add_argument("--kid", action="store_true", help="also compute KID")
    fid.add_argument(
        "--image-size",
        type=int,
        default=None,
        help="resize folder and dataset images to N x N (default: a folder's first image's "
        "size, a dataset's own size)",
    )
    fid.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the generated latents and of the subset of a larger set (default 0)",
    )
    fid.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    return parser


def train(args: argparse.Namespace, callbacks: list | tuple = ()) -> str:
    """Trains `args.variant` and returns the path of the saved model.

    Resumes from the backup in `OUT/backup` unless `args.restart`: a run killed at any
    point and started again with the same command ends with the weights of an
    uninterrupted run (see docs/reliability.md). `callbacks` are extra Keras callbacks,
    run after ganzoo's.
    """
    import keras

    import ganzoo
    from ganzoo.callbacks import DivergenceError, ImageGrid, training_callbacks

    out = args.out or os.path.join("runs", args.variant)
    backup = os.path.join(out, "backup")
    # First, so that --restart clears the backup before the resume check reads it.
    run_callbacks = training_callbacks(out, restart=args.restart, image_grid=ImageGrid(out))
    _check_resume(args, out, backup)
    keras.utils.set_random_seed(args.seed)
    strategy = ganzoo.distribute.get_strategy(args.strategy)
    cls = getattr(ganzoo, VARIANTS[args.variant])
    d_steps = getattr(cls, "default_d_steps", 1)
    dataset = ganzoo.data.load(
        args.dataset,
        batch_size=args.batch_size * d_steps,
        seed=args.seed,
        with_labels=args.variant in CONDITIONAL,
        data_dir=args.data_dir,
    )
    images_spec = dataset.element_spec[0] if args.variant in CONDITIONAL else dataset.element_spec
    image_shape = tuple(images_spec.shape[1:])
    with strategy.scope():
        options = {
            "base_filters": args.base_filters,
            LATENT_ARGUMENT.get(args.variant, "latent_dim"): args.latent_dim,
        }
        if args.variant in CONDITIONAL:
            options["num_classes"] = ganzoo.data.num_classes(args.dataset, args.data_dir)
        options = {key: value for key, value in options.items() if value is not None}
        gan = cls.for_images(image_shape, seed=args.seed, **options)
        gan.compile()
    if args.steps_per_epoch is not None:
        dataset = _first_batches(dataset, args.steps_per_epoch)
    callbacks = [*run_callbacks, *callbacks]
    start = time.perf_counter()
    try:
        gan.fit(dataset, epochs=args.epochs, callbacks=callbacks)
    except DivergenceError as error:
        raise SystemExit(f"ganzoo train: {error} The backup in {backup} is intact.") from None
    path = os.path.join(out, "model.keras")
    gan.save(path)
    print(f"Trained {args.variant} in {time.perf_counter() - start:.0f} s; saved {path}")
    return path


def _check_resume(args: argparse.Namespace, out: str, backup: str) -> None:
    """Refuses to resume a backup made with other settings; records this run's."""
    settings = {
        name: getattr(args, name)
        for name in (
            "variant",
            "dataset",
            "batch_size",
            "latent_dim",
            "seed",
            "base_filters",
            "steps_per_epoch",
        )
    }
    path = os.path.join(out, "run.json")
    metadata = os.path.join(backup, "training_metadata.json")
    if os.path.exists(metadata) and os.path.exists(path):
        with open(path) as f:
            saved = json.load(f)
        changed = [
            f"--{name.replace('_', '-')} {saved.get(name)!r} (now {value!r})"
            for name, value in settings.items()
            if saved.get(name) != value
        ]
        if changed:
            raise SystemExit(
                f"ganzoo train: the backup in {backup} was made with "
                f"{', '.join(changed)}; run with the same settings to resume it, or pass "
                "--restart to start over."
            )
        with open(metadata) as f:
            epoch = json.load(f)["epoch"]
        print(f"Resuming from {backup} after epoch {epoch} (--restart starts over).")
    with open(path, "w") as f:
        json.dump(settings, f, indent=1)


def _first_batches(dataset, steps: int):
    """The first `steps` batches of every epoch of a ganzoo dataset (for short runs)."""
    if steps < 1:
        raise SystemExit(f"ganzoo train: --steps-per-epoch must be positive; got {steps}.")
    limited = dataset.take(steps)
    # Keep the cheap preview that `ganzoo.data.peek` checks the first batch with.
    preview = getattr(dataset, "_ganzoo_preview", None)
    if preview is not None:
        limited._ganzoo_preview = preview
    return limited


def sample(args: argparse.Namespace) -> str:
    """Writes a grid of `args.n` samples of a saved model to `args.out`."""
    import keras

    import ganzoo  # noqa: F401  (registers the ganzoo classes for loading)
    from ganzoo.callbacks import image_grid, save_png

    model = keras.models.load_model(args.model)
    images, columns = model.grid_images(args.n, seed=args.seed)
    save_png(image_grid(images, columns), args.out)
    print(f"Wrote {args.out}")
    return args.out


def fid(args: argparse.Namespace) -> dict:
    """Prints and returns the FID (and, with `args.kid`, KID) between `args.a` and `args.b`.

    Returns:
        `{"fid": Score, "kid": Score or None, "a": description, "b": description}`; the
        Scores' `num_real` counts A's images and `num_fake` B's.
    """
    from ganzoo.callbacks.fid import extract, image_batches
    from ganzoo.metrics import fid_from_statistics, get_extractor
    from ganzoo.metrics.scores import kid_from_features

    if args.num_samples < 2:
        raise SystemExit(f"ganzoo fid: --num-samples must be at least 2; got {args.num_samples}.")
    if args.batch_size is not None and args.batch_size < 1:
        raise SystemExit(f"ganzoo fid: --batch-size must be positive; got {args.batch_size}.")
    try:
        extractor = get_extractor(args.extractor)
    except (ValueError, FileNotFoundError) as error:
        raise SystemExit(f"ganzoo fid: {error}") from None
    sides = {}
    for side, spec in (("A", args.a), ("B", args.b)):
        batches, description = _fid_source(spec, args, extractor)
        print(f"{side}: {description}")
        try:
            stats, features = extract(
                image_batches(batches, args.num_samples),
                extractor,
                args.num_samples,
                keep_features=args.kid,
                batch_size=args.batch_size,
            )
        except ValueError as error:
            raise SystemExit(f"ganzoo fid: {side} ({spec}): {error}") from None
        if stats.count < 2:
            raise SystemExit(f"ganzoo fid: {side} ({spec}) gave {stats.count} images; need 2.")
        sides[side] = (stats, features, f"{description}: {stats.count} images")
    score = fid_from_statistics(sides["A"][0], sides["B"][0])
    kid_score = None
    if args.kid:
        kid_score = kid_from_features(sides["A"][1], sides["B"][1], extractor=extractor.name)
    comparable = (
        "the network of published FIDs; compare at equal sample counts"
        if score.comparable_with_papers
        else "not comparable with papers"
    )
    for result in (score, kid_score):
        if result is None:
            continue
        value = f"{result.value:.6g}" + (f" ± {result.std:.3g}" if result.std is not None else "")
        print(
            f"{result.metric.upper()} {value} (extractor {result.extractor}, {comparable}; "
            f"A: {result.num_real} images, B: {result.num_fake} images)"
        )
    return {"fid": score, "kid": kid_score, "a": sides["A"][2], "b": sides["B"][2]}


def _fid_source(spec: str, args: argparse.Namespace, extractor) -> tuple:
    """`(batches, description)` of one `ganzoo fid` argument: a .keras model, an image
    folder or a dataset NAME[:SPLIT]."""
    import ganzoo
    from ganzoo.callbacks.fid import model_batches

    batch_size = args.batch_size or 256
    if spec.endswith(".keras"):
        if not os.path.isfile(spec):
            raise SystemExit(f"ganzoo fid: no model file {spec!r}.")
        import keras

        import ganzoo  # registers the ganzoo classes for loading

        model = keras.models.load_model(spec)
        if not callable(getattr(model, "generate", None)):
            raise SystemExit(
                f"ganzoo fid: {spec!r} holds a {type(model).__name__}, which has no "
                "generate(n, seed=...) to sample from."
            )
        try:
            first = next(model_batches(model, 2, seed=args.seed))
        except ValueError as error:
            raise SystemExit(f"ganzoo fid: cannot sample {spec!r}: {error}") from None
        del first
        description = (
            f"{spec} ({type(model).__name__}), {args.num_samples} generated images, seed "
            f"{args.seed}"
        )
        return model_batches(model, args.num_samples, seed=args.seed), description
    # Load grayscale only for extractors that take nothing else (digits); colour
    # extractors tile grayscale images themselves.
    channels = 3 if 3 in extractor.channels else 1
    if os.path.isdir(spec):
        files = _image_files(spec)
        if not files:
            raise SystemExit(f"ganzoo fid: the folder {spec!r} holds no image file.")
        size = args.image_size
        if size is None:
            from PIL import Image

            with Image.open(files[0]) as image:
                size = (image.height, image.width)
        try:
            batches = ganzoo.data.image_folder(
                spec,
                size,
                batch_size,
                channels=channels,
                shuffle=len(files) > args.num_samples,
                seed=args.seed,
                drop_remainder=False,
                cache=False,
            )
        except ValueError as error:
            raise SystemExit(f"ganzoo fid: {error}") from None
        return batches, f"folder {spec} ({len(files)} files)"
    if os.path.exists(spec):
        raise SystemExit(f"ganzoo fid: {spec!r} is neither an image folder nor a .keras model.")
    name, _, split = spec.partition(":")
    split = split or "train"
    try:
        batches = ganzoo.data.load(
            name,
            split,
            batch_size,
            image_size=args.image_size,
            shuffle=True,
            seed=args.seed,
            with_labels=False,
            drop_remainder=False,
            cache=False,
            data_dir=args.data_dir,
        )
    except Exception as error:  # tfds raises several types for unknown names and splits
        raise SystemExit(
            f"ganzoo fid: {spec!r} is not an image folder, a .keras model or a dataset "
            f"NAME[:SPLIT] that can be loaded: {error}"
        ) from None
    if channels == 1 and batches.element_spec.shape[-1] == 3:
        batches = batches.map(_to_grayscale)
    return batches, f"dataset {name!r}, split {split!r}"


def _to_grayscale(images):
    import tensorflow as tf

    return tf.image.rgb_to_grayscale(images)


def _image_files(folder: str) -> list[str]:
    """The image files `ganzoo.data.image_folder` reads, in sorted order."""
    extensions = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        found += [os.path.join(root, n) for n in sorted(names) if n.lower().endswith(extensions)]
    return found


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `ganzoo` console script."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = _parser().parse_args(argv)
    {"train": train, "sample": sample, "fid": fid}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
