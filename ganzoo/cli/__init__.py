"""The `ganzoo` command: `ganzoo train VARIANT`, `ganzoo sample MODEL.keras`, `ganzoo fid A B`.

Every error the command can name (a bad value or path, a damaged model file, an
unreachable download, a busy `--out`) is printed as one short `ganzoo COMMAND: error:`
message, exit status 2 for a bad argument (argparse's convention) and 1 otherwise;
`--debug` shows the traceback instead. TensorFlow's start-up log lines are hidden
unless `--verbose` (see `ganzoo._quiet`). See docs/cli.md.
"""

from __future__ import annotations

import logging
import sys

from ganzoo import _quiet
from ganzoo.cli.errors import CommandError, usage
from ganzoo.cli.evaluate import fid, sample
from ganzoo.cli.export import export
from ganzoo.cli.parser import build as _parser
from ganzoo.cli.plot import plot
from ganzoo.cli.train import train

__all__ = ["CommandError", "export", "fid", "main", "plot", "sample", "train", "usage"]

_COMMANDS = {"train": train, "sample": sample, "fid": fid, "plot": plot, "export": export}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `ganzoo` console script.

    Args:
        argv: the arguments (default `sys.argv[1:]`).

    Returns:
        The exit status: 0 on success, 1 for a failure, 2 for a bad argument
        (argparse itself exits with 2 for the arguments it checks).

    Example:
    >>> from ganzoo import cli
    >>> cli.main(["train", "dcgan", "--epochs", "1", "--out", "runs/try"])
    0
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return _run(argv)
    finally:
        _quiet.COMMAND_LINE.stop()


def _run(argv: list[str]) -> int:
    if "--verbose" not in argv and _quiet.is_command_line():
        # Known TensorFlow and XLA log lines are dropped for the whole command; every
        # other stderr line passes through.
        _quiet.COMMAND_LINE.start()
    import tensorflow as tf

    tf.constant(0)  # the runtime's own start-up lines (CPU features, cuInit) come now
    args = _parser().parse_args(argv)
    _quiet_downloads()
    try:
        _COMMANDS[args.command](args)
    except CommandError as error:
        if args.debug:
            raise
        print(f"ganzoo {args.command}: error: {error.message}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(f"ganzoo {args.command}: interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # an error ganzoo did not name: one line, not a traceback
        if args.debug:
            raise
        message = str(error).strip().splitlines()
        print(
            f"ganzoo {args.command}: error: {type(error).__name__}: "
            f"{message[0] if message else ''} (--debug shows the traceback)",
            file=sys.stderr,
        )
        return 1
    return 0


def _quiet_downloads() -> None:
    """One line, not dozens, for a download that fails.

    urllib3 logs every retry of an unreachable address, and tensorflow-datasets its
    empty dataset folder (absl warnings); the command reports the failure once. Its
    progress bars stay on a terminal, where they show a long download moving.
    """
    import absl.logging

    logging.getLogger("urllib3").setLevel(logging.ERROR)
    absl.logging.set_verbosity(absl.logging.ERROR)
    if not sys.stderr.isatty():
        import tensorflow_datasets as tfds

        tfds.disable_progress_bar()
