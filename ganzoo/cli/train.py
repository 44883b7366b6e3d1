"""`ganzoo train VARIANT`: any registered variant on a named dataset or a folder."""

from __future__ import annotations

import argparse
import json
import os
import time

from ganzoo import registry
from ganzoo.cli.errors import CommandError, usage
from ganzoo.cli.evaluate import download_message, first_line, image_files
from ganzoo.cli.lock import LockedError, RunLock
from ganzoo.cli.parser import FOLDER_IMAGE_SIZE

# Test images translated in a CycleGAN run's grids.
GRID_PAIRS = 4


def train(args: argparse.Namespace, callbacks: list | tuple = ()) -> str:
    """Trains `args.variant` and returns the path of the saved model.

    Everything is checked (arguments, data, model options) before `--out` or any file
    in it is made. Resumes from the backup in `OUT/backup` unless `args.restart`: a run
    killed at any point and started again with the same command ends with the weights
    of an uninterrupted run (see docs/reliability.md). One run at a time holds `--out`
    (`RunLock`). `callbacks` are extra Keras callbacks, run after ganzoo's.

    Args:
        args: the parsed `ganzoo train VARIANT` arguments.
        callbacks: extra Keras callbacks.

    Returns:
        The path of the saved `model.keras`.

    Raises:
        CommandError: a bad argument (status 2) or another named failure (status 1),
            before anything is written for the ones found before training.

    Example:
    >>> args = ganzoo.cli._parser().parse_args(["train", "dcgan", "--epochs", "2"])
    >>> ganzoo.cli.train(args)
    'runs/dcgan/model.keras'
    """
    import keras

    import ganzoo
    from ganzoo.callbacks import DivergenceError, ImageGrid, training_callbacks
    from ganzoo.callbacks.run import atomic_path

    variant = registry.get(args.variant)
    out = args.out or os.path.join("runs", variant.name)
    if os.path.exists(out) and not os.path.isdir(out):
        raise usage(f"--out {out!r} is a file; expected a folder (or a new name).")
    options = {name: getattr(args, name, None) for name in getattr(args, "variant_options", ())}
    options.pop("labelled", None)  # a data option (SGAN's --labelled), read by _single
    d_steps = options.get("d_steps") or variant.d_steps
    keras.utils.set_random_seed(args.seed)
    try:
        strategy = ganzoo.distribute.get_strategy(args.strategy)
    except ValueError as error:
        raise usage(str(error)) from None
    dataset, image_shape, grid_inputs, extra = _training_data(
        variant, args, args.batch_size * d_steps
    )
    options.update(extra)
    if variant.latent_argument is not None:
        options[variant.latent_argument] = args.latent_dim
    options.update(_latent_gan_options(args))
    with strategy.scope():
        try:
            gan = variant.build(image_shape, seed=args.seed, **options)
        except ValueError as error:
            raise usage(f"{variant.name} cannot be built with these options: {error}") from None
        gan.compile()
    if args.steps_per_epoch is not None:
        dataset = _first_batches(dataset, args.steps_per_epoch)

    # Everything checked: from here on files are written, one run at a time.
    lock = RunLock(out)
    try:
        lock.acquire()
    except LockedError as error:
        raise CommandError(str(error)) from None
    try:
        backup = os.path.join(out, "backup")
        # First, so that --restart clears the backup before the resume check reads it.
        run_callbacks = training_callbacks(
            out, restart=args.restart, image_grid=ImageGrid(out, inputs=grid_inputs)
        )
        _check_resume(args, options, out, backup)
        if getattr(args, "diagnostics", False):  # first, so the CSV log gets its values
            run_callbacks.insert(0, _diagnostics(dataset))
        start = time.perf_counter()
        if hasattr(gan, "initialize"):  # a data-dependent init (SGAN's weight norm)
            gan.initialize(next(iter(dataset))[0])
        try:
            gan.fit(dataset, epochs=args.epochs, callbacks=[*run_callbacks, *callbacks])
        except DivergenceError as error:
            raise CommandError(f"{error} The backup in {backup} is intact.") from None
        path = os.path.join(out, "model.keras")
        with atomic_path(path) as temporary:
            gan.save(temporary)
    finally:
        lock.release()
    print(f"Trained {variant.name} in {time.perf_counter() - start:.0f} s; saved {path}")
    return path


def _diagnostics(dataset):
    """`ganzoo.callbacks.Diagnostics` on the training data's first batch."""
    import numpy as np

    import ganzoo

    first = ganzoo.data.peek(dataset)
    real = tuple(map(np.asarray, first)) if isinstance(first, tuple) else np.asarray(first)
    return ganzoo.callbacks.Diagnostics(real)


def _training_data(variant: registry.Variant, args: argparse.Namespace, batch_size: int):
    """`(dataset, image_shape, grid inputs or None, extra build options)`."""
    import ganzoo

    try:
        if variant.data == "unpaired":
            dataset, grid_inputs = _unpaired(args, batch_size)
            extra = {}
        else:
            grid_inputs = None
            dataset, extra = _single(variant, args, batch_size)
            if variant.data == "paired":  # image-to-image grids translate fixed inputs
                grid_inputs = tuple(x[:GRID_PAIRS].numpy() for x in ganzoo.data.peek(dataset))
    except ganzoo.data.DownloadError as error:
        raise CommandError(download_message(error)) from None
    spec = dataset.element_spec
    images_spec = spec[0] if isinstance(spec, tuple) else spec
    return dataset, tuple(images_spec.shape[1:]), grid_inputs, extra


def _single(variant: registry.Variant, args: argparse.Namespace, batch_size: int):
    """One dataset: `--dataset` digits, a tfds name, or a folder (side-by-side if paired)."""
    import ganzoo

    labelled = variant.data == "labelled"
    if os.path.isdir(args.dataset):
        folder = args.dataset
        size = args.image_size or FOLDER_IMAGE_SIZE
        channels = _folder_channels(folder)
        try:
            if variant.data == "paired":
                ds = ganzoo.data.paired_images(
                    folder,
                    getattr(args, "direction", "a2b"),
                    size,
                    batch_size,
                    channels=channels,
                    seed=args.seed,
                )
                return ds, {}
            ds = ganzoo.data.image_folder(
                folder,
                size,
                batch_size,
                channels=channels,
                seed=args.seed,
                labels_from_subdirs=labelled,
            )
        except ValueError as error:
            raise _folder_error(error) from None
        extra = {"num_classes": len(ds.class_names)} if labelled else {}
        if labelled and len(ds.class_names) < 2:
            raise usage(
                f"{variant.name} learns from labelled images: --dataset {folder!r} needs one "
                f"sub-folder per class (at least 2); found {ds.class_names}."
            )
        return ds, extra
    if variant.data == "paired" and args.dataset in ("digits", "digits-edges"):
        edges, digits, _, _ = ganzoo.data.digits_edges(args.image_size or 32)  # offline pairs
        return ganzoo.data.aligned_pairs(edges, digits, batch_size, seed=args.seed), {}
    _check_dataset_name(args.dataset)
    if variant.data == "paired":
        raise usage(
            f"{variant.name} trains on aligned pairs: --dataset must be digits-edges or a "
            f"folder of side-by-side A|B images; got {args.dataset!r}."
        )
    try:
        ds = ganzoo.data.load(
            args.dataset,
            batch_size=batch_size,
            image_size=args.image_size,
            seed=args.seed,
            with_labels=labelled,
            data_dir=args.data_dir,
            labelled=getattr(args, "labelled", None),
        )
        extra = {"num_classes": ganzoo.data.num_classes(args.dataset, args.data_dir)}
    except ganzoo.data.DownloadError:
        raise
    except ValueError as error:
        raise usage(f"--dataset {args.dataset!r}: {first_line(error)}") from None
    return ds, (extra if labelled else {})


def _unpaired(args: argparse.Namespace, batch_size: int):
    """CycleGAN's two domains and a few test pairs for its grids."""
    import tensorflow as tf

    import ganzoo

    folders = (args.domain_a, args.domain_b)
    if (folders[0] is None) != (folders[1] is None):
        raise usage("--domain-a and --domain-b go together; got only one of them.")
    if folders[0] is None and os.path.isdir(args.dataset):
        folders = tuple(os.path.join(args.dataset, f"train{side}") for side in "AB")
        if not all(os.path.isdir(f) for f in folders):
            raise usage(
                f"--dataset {args.dataset!r}: expected a folder with trainA/ and trainB/ "
                "sub-folders (or pass --domain-a DIR --domain-b DIR)."
            )
    if folders[0] is not None:
        return _unpaired_folders(args, folders, batch_size)
    if args.dataset == "digits":
        train_a, train_b, test_a, test_b = ganzoo.data.digits_domains(args.image_size or 32)
        domains = [tf.data.Dataset.from_tensor_slices(x) for x in (train_a, train_b)]
        pairs = ganzoo.data.paired(*domains, batch_size=batch_size, seed=args.seed)
        return pairs, (test_a[:GRID_PAIRS], test_b[:GRID_PAIRS])
    return _unpaired_tfds(args, batch_size)


def _unpaired_folders(args: argparse.Namespace, folders: tuple[str, str], batch_size: int):
    """Two image folders as CycleGAN's domains, with their first images for the grids."""
    import numpy as np

    import ganzoo

    size = args.image_size or FOLDER_IMAGE_SIZE
    channels = max(_folder_channels(f) for f in folders)
    domains = []
    for side, folder in zip("AB", folders, strict=True):
        try:
            domains.append(
                ganzoo.data.image_folder(
                    folder, size, None, channels=channels, seed=args.seed + "AB".index(side)
                )
            )
        except ValueError as error:
            raise _folder_error(error, f"domain {side}: ") from None
    grid = tuple(
        np.stack(list(ganzoo.data.preview(d).take(GRID_PAIRS).as_numpy_iterator())) for d in domains
    )
    count = min(len(grid[0]), len(grid[1]))
    pairs = ganzoo.data.paired(*domains, batch_size=batch_size, shuffle=False)
    return pairs, (grid[0][:count], grid[1][:count])


def _unpaired_tfds(args: argparse.Namespace, batch_size: int):
    """A tensorflow-datasets `cycle_gan/NAME` set's trainA and trainB as the domains."""
    import numpy as np

    import ganzoo

    _check_dataset_name(args.dataset)
    if not args.dataset.startswith("cycle_gan/"):
        raise usage(
            f"cyclegan trains on two domains: --dataset digits, cycle_gan/NAME, a folder "
            f"with trainA/ and trainB/, or --domain-a DIR --domain-b DIR; got {args.dataset!r}."
        )
    size = args.image_size or ganzoo.data.datasets.CYCLE_GAN_SIZE
    try:
        splits = [
            ganzoo.data.load(
                args.dataset,
                split,
                batch_size=None,
                image_size=size,
                seed=args.seed + i,
                data_dir=args.data_dir,
            )
            for i, split in enumerate(("trainA", "trainB"))
        ]
    except ganzoo.data.DownloadError:
        raise
    except ValueError as error:
        raise usage(f"--dataset {args.dataset!r}: {first_line(error)}") from None
    grid = tuple(
        np.stack(list(ganzoo.data.preview(s).take(GRID_PAIRS).as_numpy_iterator())) for s in splits
    )
    pairs = ganzoo.data.paired(*splits, batch_size=batch_size, shuffle=False)
    return pairs, grid


def _folder_error(error: ValueError, prefix: str = "") -> CommandError:
    """A folder without images is a bad argument (2); unreadable files are not (1)."""
    message = f"{prefix}{error}"
    return usage(message) if "holds no image file" in message else CommandError(message)


def _check_dataset_name(name: str) -> None:
    """Refuses a path that does not exist and a name tensorflow-datasets does not know."""
    if name == "digits":
        return
    import tensorflow_datasets as tfds

    if name.split(":")[0].split("/")[0] in tfds.list_builders(with_community_datasets=False):
        return
    if os.sep in name or name.startswith((".", "~")):
        raise usage(f"--dataset {name!r}: no such folder.")
    raise usage(
        f"--dataset {name!r}: expected 'digits', a folder of images or a "
        "tensorflow-datasets name (mnist, fashion_mnist, cifar10, celeb_a, "
        "cycle_gan/horse2zebra, ...); no folder or dataset has that name."
    )


def _folder_channels(folder: str) -> int:
    """1 when a folder's first image is grayscale, else 3 (files are converted)."""
    from PIL import Image, UnidentifiedImageError

    if not os.path.isdir(folder):
        raise usage(f"no such folder {folder!r}.")
    files = image_files(folder)
    if not files:
        raise usage(f"the folder {folder!r} holds no image file (.png, .jpg, .jpeg, .bmp or .gif).")
    try:
        with Image.open(files[0]) as image:
            return 1 if image.mode in ("1", "L", "LA", "I", "I;16", "F") else 3
    except (OSError, UnidentifiedImageError):
        return 3  # image_folder names the unreadable file


def _latent_gan_options(args: argparse.Namespace) -> dict:
    """`--ema`, `--augment` and `--ada-kimg`: options of every latent GAN, not in the
    registry. `--ada-kimg` becomes an ADA config, built by the model inside the scope."""
    names = ("ema", "augment")
    options = {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}
    kimg = getattr(args, "ada_kimg", None)
    if kimg is None:
        return options
    if options.get("augment") != "ada":
        raise usage("--ada-kimg needs --augment ada.")
    if not kimg > 0:
        raise usage(f"--ada-kimg must be positive; got {kimg!r}.")
    config = {"kimg": kimg}
    return {**options, "augment": {"class_name": "ganzoo>ADA", "config": config, "module": None}}


def _check_resume(args: argparse.Namespace, options: dict, out: str, backup: str) -> None:
    """Refuses to resume a backup made with other settings; records this run's."""
    from ganzoo.callbacks.run import atomic_path

    settings = {
        name: getattr(args, name, None)
        for name in (
            "variant",
            "dataset",
            "batch_size",
            "latent_dim",
            "seed",
            "steps_per_epoch",
            "image_size",
            "domain_a",
            "domain_b",
            "ema",
            "augment",
            "ada_kimg",
        )
    }
    settings.update({k: v for k, v in options.items() if k in getattr(args, "variant_options", ())})
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
            raise usage(
                f"the backup in {backup} was made with {', '.join(changed)}; run with the "
                "same settings to resume it, or pass --restart to start over."
            )
        with open(metadata) as f:
            epoch = json.load(f)["epoch"]
        print(f"Resuming from {backup} after epoch {epoch} (--restart starts over).")
    with atomic_path(path) as temporary, open(temporary, "w") as f:
        json.dump(settings, f, indent=1)


def _first_batches(dataset, steps: int):
    """The first `steps` batches of every epoch of a ganzoo dataset (for short runs)."""
    if steps < 1:
        raise usage(f"--steps-per-epoch must be positive; got {steps}.")
    from ganzoo.data import keep_preview

    # The cheap preview that `ganzoo.data.peek` checks the first batch with goes along.
    return keep_preview(dataset.take(steps), dataset)
