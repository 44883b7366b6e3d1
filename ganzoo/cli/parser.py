"""The `ganzoo` argument parser: one sub-command per job, one `train` parser per variant."""

from __future__ import annotations

import argparse

from ganzoo import registry

#: The image size of `--dataset FOLDER` without `--image-size`.
FOLDER_IMAGE_SIZE = 64


class Parser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors are two lines: the error, and where help is."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n({self.prog} --help lists the options)\n")


def at_least(minimum: int):
    """An argparse `type` for integers `>= minimum` (argparse exits 2 otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer; got {text!r}") from None
        if value < minimum:
            what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
            raise argparse.ArgumentTypeError(f"expected {what}; got {value}")
        return value

    parse.__name__ = "int"
    return parse


positive = at_least(1)


def _common_train_options() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    group = common.add_argument_group("training")
    group.add_argument(
        "--dataset",
        default="digits",
        help="'digits' (offline, the default), a tensorflow-datasets name such as mnist, "
        "fashion_mnist, cifar10, celeb_a, or a folder of your own images",
    )
    group.add_argument(
        "--image-size",
        type=positive,
        default=None,
        help=f"resize images to N x N (default: the dataset's own size; {FOLDER_IMAGE_SIZE} "
        "for a folder)",
    )
    group.add_argument("--epochs", type=positive, default=30, help="epochs to train (default 30)")
    group.add_argument(
        "--batch-size", type=positive, default=32, help="images per generator step (default 32)"
    )
    group.add_argument(
        "--out",
        default=None,
        help="output folder for grids, backups and the model (default runs/VARIANT)",
    )
    group.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    group.add_argument(
        "--strategy",
        default="auto",
        help="tf.distribute strategy: auto, default, mirrored, multi_worker, tpu",
    )
    group.add_argument(
        "--restart", action="store_true", help="ignore a backup in --out and start over"
    )
    group.add_argument("--data-dir", default=None, help="tensorflow-datasets data directory")
    group.add_argument(
        "--diagnostics",
        action="store_true",
        help="log D's accuracy, gradient norms and mode coverage each epoch and warn on "
        "mode collapse, vanishing gradients or non-convergence (docs/diagnostics.md)",
    )
    group.add_argument(
        "--ema", type=float, default=None, help="decay of a generator EMA, e.g. 0.999 (docs/ema.md)"
    )
    group.add_argument(
        "--augment",
        choices=("diffaugment", "ada"),
        default=None,
        help="augment every image D sees: DiffAugment or ADA (docs/augmentation.md)",
    )
    group.add_argument(
        "--ada-kimg",
        type=float,
        default=None,
        help="with --augment ada: thousands of images over which p can move by 1 "
        "(default 500, the paper's; a CPU run needs a few, e.g. 5)",
    )
    # Hidden (documented in docs/reliability.md): short runs for tests and smoke checks;
    # trains on the first N batches of each epoch's shuffle.
    group.add_argument("--steps-per-epoch", type=positive, default=None, help=argparse.SUPPRESS)
    _add_output_flags(common)
    return common


def _add_output_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verbose", action="store_true", help="show TensorFlow's start-up log lines"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")


def _add_variant_options(parser: argparse.ArgumentParser, variant: registry.Variant) -> None:
    group = parser.add_argument_group(f"{variant.name} options")
    if variant.latent_argument is not None:
        group.add_argument(
            "--latent-dim",
            type=positive,
            default=None,
            help="size of the latent vector (default: the variant's paper, e.g. 100)",
        )
    if variant.data == "unpaired":
        for side in ("a", "b"):
            group.add_argument(
                f"--domain-{side}",
                default=None,
                help=f"folder of domain-{side.upper()} images (with --domain-"
                f"{'b' if side == 'a' else 'a'}; instead of --dataset)",
            )
    if variant.data == "paired":
        group.add_argument(
            "--direction",
            choices=("a2b", "b2a"),
            default="a2b",
            help="a2b translates the left half of each file into the right (default)",
        )
    for option in variant.options:
        group.add_argument(
            option.flag,
            dest=option.argument,
            type=positive if option.type is int else option.type,
            choices=option.choices,
            default=None,
            help=argparse.SUPPRESS if option.hidden else option.help,
        )


_DATA_HELP = {
    "images": "images",
    "labelled": "labelled images (a folder's sub-folders are the classes)",
    "paired": "aligned pairs (digits-edges, offline and the default, or a folder of "
    "side-by-side A|B files)",
    "unpaired": "two domains (--domain-a/--domain-b, a folder with trainA/ and trainB/, "
    "cycle_gan/NAME or digits)",
}


def build() -> argparse.ArgumentParser:
    """The `ganzoo` parser, with the variants and their options from `ganzoo.registry`."""
    parser = Parser(
        prog="ganzoo", description="Train, sample and evaluate GANs from the ganzoo model zoo."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_train(commands)
    _add_sample(commands)
    _add_fid(commands)
    plot = commands.add_parser("plot", help="plot a run's losses and metrics over epochs")
    plot.add_argument("log", help="a CSVLogger file, e.g. runs/dcgan/history.csv")
    plot.add_argument("--out", default="curves.png", help="image to write (default curves.png)")
    _add_output_flags(plot)
    export = commands.add_parser("export", help="write a saved model's generator as a SavedModel")
    export.add_argument("model", help="a saved .keras model")
    export.add_argument("out", help="a new folder for the SavedModel")
    _add_output_flags(export)
    return parser


def _add_train(commands) -> None:
    """`ganzoo train VARIANT`, one sub-command per registered variant."""
    variants = registry.variants()
    epilog = "variants (ganzoo train VARIANT --help lists its own options):\n" + "\n".join(
        f"  {v.name:<10} {v.paper}; trains on {_DATA_HELP[v.data]}" for v in variants
    )
    train = commands.add_parser(
        "train",
        help="train a GAN variant",
        description="Train a GAN variant with Keras' fit; resumes from --out unless --restart.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    by_variant = train.add_subparsers(dest="variant", required=True, metavar="VARIANT")
    common = _common_train_options()
    for variant in variants:
        sub = by_variant.add_parser(
            variant.name,
            parents=[common],
            help=f"{variant.paper}; {_DATA_HELP[variant.data]}",
            description=f"Train {variant.cls.__name__} ({variant.paper}) on "
            f"{_DATA_HELP[variant.data]}. See {variant.docs}.",
        )
        _add_variant_options(sub, variant)
        sub.set_defaults(variant_options=tuple(o.argument for o in variant.options))


def _add_sample(commands) -> None:
    """`ganzoo sample MODEL`."""
    sample = commands.add_parser("sample", help="write a grid of samples from a saved model")
    sample.add_argument("model", help="a saved .keras model")
    sample.add_argument("--n", type=positive, default=64, help="number of samples (default 64)")
    sample.add_argument("--out", default="grid.png", help="PNG file to write (default grid.png)")
    sample.add_argument("--seed", type=int, default=0, help="seed of the latents (default 0)")
    _add_output_flags(sample)


def _add_fid(commands) -> None:
    """`ganzoo fid A B`."""
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
        type=int,  # checked by `fid` (at least 2), which names the flag
        default=10_000,
        help="images generated from a model, and the most read from a folder or dataset "
        "(a seeded random subset when it holds more; default 10000)",
    )
    fid.add_argument(
        "--batch-size",
        type=positive,
        default=None,
        help="images per forward pass of the extractor (default: the extractor's own)",
    )
    fid.add_argument("--kid", action="store_true", help="also compute KID")
    fid.add_argument(
        "--prdc",
        action="store_true",
        help="also compute precision, recall, density and coverage (k=5) of B against A",
    )
    fid.add_argument(
        "--image-size",
        type=positive,
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
    _add_output_flags(fid)
