"""`ganzoo sample MODEL.keras` and `ganzoo fid A B`."""

from __future__ import annotations

import argparse
import os

from ganzoo.cli.errors import CommandError, usage


def sample(args: argparse.Namespace) -> str:
    """Writes a grid of `args.n` samples of a saved model to `args.out`.

    Args:
        args: the parsed `ganzoo sample` arguments.

    Returns:
        The PNG's path.

    Example:
    >>> args = ganzoo.cli._parser().parse_args(["sample", "runs/dcgan/model.keras"])
    >>> ganzoo.cli.sample(args)
    'grid.png'
    """
    from ganzoo.callbacks import image_grid, save_png

    model = load_gan(args.model)
    images, columns = model.grid_images(args.n, seed=args.seed)
    save_png(image_grid(images, columns), args.out)  # written whole, or not at all
    print(f"Wrote {args.out}")
    return args.out


def load_gan(path: str):
    """`ganzoo.saving.load_model(path)` with its errors as `CommandError`s."""
    from ganzoo.saving import load_model

    if not os.path.isfile(path):
        what = f"{path!r} is a folder" if os.path.isdir(path) else f"no such file {path!r}"
        raise usage(f"expected a saved .keras model; {what}.")
    try:
        return load_model(path)
    except (ValueError, OSError) as error:
        raise CommandError(str(error)) from None


def fid(args: argparse.Namespace) -> dict:
    """Prints and returns the FID (and, with `args.kid`, KID; with `args.prdc`, precision,
    recall, density and coverage of B against A) between `args.a` and `args.b`.

    Returns:
        `{"fid": Score, "kid": Score or None, "prdc": dict or None, "a": description,
        "b": description}`; the
        Scores' `num_real` counts A's images and `num_fake` B's.
    """
    from ganzoo.callbacks.sources import extract, image_batches
    from ganzoo.metrics import fid_from_statistics, get_extractor
    from ganzoo.metrics.scores import kid_from_features

    if args.num_samples < 2:
        raise usage(f"--num-samples must be at least 2; got {args.num_samples}.")
    if args.batch_size is not None and args.batch_size < 1:
        raise usage(f"--batch-size must be positive; got {args.batch_size}.")
    try:
        extractor = get_extractor(args.extractor)
    except (ValueError, FileNotFoundError) as error:
        raise usage(str(error)) from None
    sides = {}
    for side, spec in (("A", args.a), ("B", args.b)):
        batches, description = _fid_source(spec, args, extractor)
        print(f"{side}: {description}")
        try:
            stats, features = extract(
                image_batches(batches, args.num_samples),
                extractor,
                args.num_samples,
                keep_features=args.kid or getattr(args, "prdc", False),
                batch_size=args.batch_size,
            )
        except ValueError as error:
            raise CommandError(f"{side} ({spec}): {error}") from None
        if stats.count < 2:
            raise CommandError(f"{side} ({spec}) gave {stats.count} images; need 2.")
        sides[side] = (stats, features, f"{description}: {stats.count} images")
    score = fid_from_statistics(sides["A"][0], sides["B"][0])
    kid_score = None
    if args.kid:
        kid_score = kid_from_features(sides["A"][1], sides["B"][1], extractor=extractor.name)
    prdc_scores = _prdc(sides, args)
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
    return {
        "fid": score,
        "kid": kid_score,
        "prdc": prdc_scores,
        "a": sides["A"][2],
        "b": sides["B"][2],
    }


def _prdc(sides: dict, args: argparse.Namespace) -> dict | None:
    """With `--prdc`: prints and returns `ganzoo.metrics.prdc` of B's features against A's."""
    if not getattr(args, "prdc", False):
        return None
    from ganzoo.metrics import prdc

    try:
        scores = prdc(sides["A"][1], sides["B"][1])
    except ValueError as error:
        raise CommandError(f"--prdc: {error}") from None
    print("PRDC (k=5, B against A): " + ", ".join(f"{n} {v:.4f}" for n, v in scores.items()))
    return scores


def _fid_source(spec: str, args: argparse.Namespace, extractor) -> tuple:
    """`(batches, description)` of one `ganzoo fid` argument: a .keras model, an image
    folder or a dataset NAME[:SPLIT]."""
    if spec.endswith(".keras"):
        return _model_source(spec, args)
    # Load grayscale only for extractors that take nothing else (digits); colour
    # extractors tile grayscale images themselves.
    channels = 3 if 3 in extractor.channels else 1
    if os.path.isdir(spec):
        return _folder_source(spec, args, channels)
    if os.path.exists(spec):
        raise usage(f"{spec!r} is neither an image folder nor a .keras model.")
    return _dataset_source(spec, args, channels)


def _model_source(spec: str, args: argparse.Namespace) -> tuple:
    """`(batches, description)` of a saved model, sampled with fixed latents."""
    from ganzoo.callbacks.sources import model_batches

    if not os.path.isfile(spec):
        raise usage(f"no model file {spec!r}.")
    model = load_gan(spec)
    try:
        first = next(model_batches(model, 2, seed=args.seed))
    except ValueError as error:
        raise CommandError(f"cannot sample {spec!r}: {error}") from None
    del first
    description = (
        f"{spec} ({type(model).__name__}), {args.num_samples} generated images, seed {args.seed}"
    )
    return model_batches(model, args.num_samples, seed=args.seed), description


def _folder_source(spec: str, args: argparse.Namespace, channels: int) -> tuple:
    """`(batches, description)` of an image folder, at its first image's size unless
    `--image-size` says otherwise."""
    import ganzoo

    files = image_files(spec)
    if not files:
        raise usage(f"the folder {spec!r} holds no image file (.png, .jpg, .jpeg, .bmp or .gif).")
    size = args.image_size
    if size is None:
        from PIL import Image

        with Image.open(files[0]) as image:
            size = (image.height, image.width)
    try:
        batches = ganzoo.data.image_folder(
            spec,
            size,
            args.batch_size or 256,
            channels=channels,
            shuffle=len(files) > args.num_samples,
            seed=args.seed,
            drop_remainder=False,
            cache=False,
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    return batches, f"folder {spec} ({len(files)} files)"


def _dataset_source(spec: str, args: argparse.Namespace, channels: int) -> tuple:
    """`(batches, description)` of a dataset `NAME[:SPLIT]` (split `train` by default)."""
    import ganzoo

    name, _, split = spec.partition(":")
    split = split or "train"
    try:
        batches = ganzoo.data.load(
            name,
            split,
            args.batch_size or 256,
            image_size=args.image_size,
            shuffle=True,
            seed=args.seed,
            with_labels=False,
            drop_remainder=False,
            cache=False,
            data_dir=args.data_dir,
        )
    except ganzoo.data.DownloadError as error:
        raise CommandError(download_message(error)) from None
    except Exception as error:  # tfds raises several types for unknown names and splits
        raise usage(
            f"{spec!r} is not an image folder, a .keras model or a dataset NAME[:SPLIT] "
            f"that can be loaded: {first_line(error)}"
        ) from None
    if channels == 1 and batches.element_spec.shape[-1] == 3:
        batches = batches.map(_to_grayscale)
    return batches, f"dataset {name!r}, split {split!r}"


def _to_grayscale(images):
    import tensorflow as tf

    return tf.image.rgb_to_grayscale(images)


def image_files(folder: str) -> list[str]:
    """The image files `ganzoo.data.image_folder` reads, in sorted order."""
    extensions = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        found += [os.path.join(root, n) for n in sorted(names) if n.lower().endswith(extensions)]
    return found


def first_line(error: BaseException) -> str:
    """The first line of an error's message (tfds' messages run to many lines)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def download_message(error) -> str:
    """The one line for a `ganzoo.data.DownloadError`: what failed, what to do."""
    return (
        f"could not download the tensorflow-datasets set {error.name!r} ({error.reason}). "
        "Offline, use --dataset digits, --data-dir for a tensorflow-datasets folder that "
        "holds it prepared, or --dataset PATH for a folder of images."
    )
