"""Runs `ganzoo train ...` and, once, kills its own process with SIGKILL at a given step.

Used by `tests/test_resume.py`:

    python tests/resume_run.py --kill-at-step 7 --marker DIR/killed -- train dcgan ...

The first run (no marker file yet) writes the marker and sends itself SIGKILL right
after the optimizers' 7th step, in the middle of an epoch; the same command run again
finds the marker, does not kill, and resumes from the backup `ganzoo train` keeps in
`--out`. Without `--kill-at-step` it is plain `ganzoo train`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras

from ganzoo import cli


class KillOnce(keras.callbacks.Callback):
    """Sends SIGKILL to this process at the first batch end at or after global step `step`
    (`fit` runs several steps per call by default), unless `marker` exists."""

    def __init__(self, step: int, marker: str):
        super().__init__()
        self.step = step
        self.marker = marker

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.g_optimizer.iterations) >= self.step and not os.path.exists(self.marker):
            with open(self.marker, "w") as f:
                f.write(f"killed after step {self.step} (batch {batch} of its epoch)\n")
            os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kill-at-step", type=int, default=None)
    parser.add_argument("--marker", default=None)
    parser.add_argument("ganzoo_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    ganzoo_args = args.ganzoo_args[1:] if args.ganzoo_args[:1] == ["--"] else args.ganzoo_args
    train_args = cli._parser().parse_args(ganzoo_args)
    callbacks = []
    if args.kill_at_step is not None:
        callbacks.append(KillOnce(args.kill_at_step, args.marker))
    cli.train(train_args, callbacks=callbacks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
