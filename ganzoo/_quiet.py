"""Hides TensorFlow's known start-up log lines, which its C++ code writes to fd 2.

TensorFlow 2.21 prints oneDNN, CUDA and absl lines on import and when its runtime
starts, whatever `TF_CPP_MIN_LOG_LEVEL`, `GLOG_minloglevel` or `ABSL_MIN_LOG_LEVEL`
say. `filtered_stderr()` sends file descriptor 2 through a pipe while it is active; a
reader thread drops the lines that match `STARTUP_PATTERNS` and passes every other
line through unchanged. The command line uses it around TensorFlow's start-up only.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import re
import sys
import threading
from collections.abc import Iterator, Sequence

#: Start-up lines of TensorFlow (and XLA, CUDA, absl) that say nothing to a user.
STARTUP_PATTERNS = (
    r"oneDNN custom operations are on",
    r"Unable to register cu(DNN|FFT|BLAS) factory",
    r"computation_placer\.cc|computation placer",
    r"absl::InitializeLog",
    r"This TensorFlow binary is optimized",
    r"To enable the following instructions",
    r"cuInit",
    r"Could not find cuda drivers",
    r"TF-TRT Warning|Could not find TensorRT",
    r"cudart_stub\.cc|cuda_dnn\.cc|cuda_fft\.cc|cuda_blas\.cc",
    r"cpu_feature_guard\.cc",
    # XLA's lines when the first step compiles.
    r"XLA service .* initialized|StreamExecutor \[\d+\]|disabling MLIR crash reproducer",
    r"Compiled cluster using XLA",
    # tf.data's note when a pipeline stops on an error that ganzoo reports itself.
    r"Local rendezvous is aborting with status",
    # TensorFlow's GCS file system looking for credentials (no network, no account).
    r"google_auth_provider\.cc",
)


class StderrFilter:
    """Sends file descriptor 2 through a pipe that drops lines matching `patterns`.

    Args:
        patterns: regular expressions; a line that matches one is dropped.

    Example:
    >>> quiet = StderrFilter().start()
    >>> import tensorflow as tf
    >>> quiet.stop()
    """

    def __init__(self, patterns: Sequence[str] = STARTUP_PATTERNS):
        self.matcher = re.compile("|".join(f"(?:{p})" for p in patterns))
        self._saved: int | None = None
        self._reader: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self._saved is not None

    def start(self) -> StderrFilter:
        """Starts filtering (a no-op when active already or fd 2 is unusable)."""
        if self.active:
            return self
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError):  # no usable fd 2 (e.g. closed): nothing to filter
            return self
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
        self._saved = saved
        self._reader = threading.Thread(
            target=_pass_through, args=(read_end, saved, self.matcher), daemon=True
        )
        self._reader.start()
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        """Restores file descriptor 2; lines still in the pipe are passed on first."""
        if not self.active:
            return
        saved, self._saved = self._saved, None
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(saved, 2)  # closes the pipe's last write end: the reader sees EOF
        self._reader.join(timeout=5)
        os.close(saved)
        atexit.unregister(self.stop)


@contextlib.contextmanager
def filtered_stderr(
    patterns: Sequence[str] = STARTUP_PATTERNS, enabled: bool = True
) -> Iterator[None]:
    """Drops lines matching `patterns` from file descriptor 2 inside the block.

    Args:
        patterns: regular expressions; a line that matches one is dropped.
        enabled: `False` makes this a no-op (e.g. for `--verbose`).

    Example:
    >>> with filtered_stderr():
    ...     import tensorflow as tf
    ...     tf.constant(0)  # starts the runtime, which logs its own lines
    """
    quiet = StderrFilter(patterns)
    if enabled:
        quiet.start()
    try:
        yield
    finally:
        quiet.stop()


#: The filter of the `ganzoo` command, started by `start_for_command_line`.
COMMAND_LINE = StderrFilter()


def is_command_line() -> bool:
    """Whether this process is the `ganzoo` console script or `python -m ganzoo.cli`."""
    if os.path.basename(sys.argv[0]) in ("ganzoo", "ganzoo.exe", "ganzoo-script.py"):
        return True
    argv = list(getattr(sys, "orig_argv", ()))
    return any(a == "-m" and b in ("ganzoo", "ganzoo.cli") for a, b in itertools.pairwise(argv))


def start_for_command_line() -> None:
    """Starts `COMMAND_LINE` when the `ganzoo` command runs without `--verbose`.

    `ganzoo/__init__.py` calls this before it imports Keras (and so TensorFlow); the
    command stops the filter once TensorFlow's runtime has started.
    """
    if is_command_line() and "--verbose" not in sys.argv[1:]:
        COMMAND_LINE.start()


def _pass_through(read_end: int, target: int, matcher: re.Pattern) -> None:
    """Copies lines from `read_end` to `target`, leaving out those `matcher` finds."""
    with os.fdopen(read_end, "rb") as pipe:
        for line in pipe:
            if not matcher.search(line.decode("utf-8", "replace")):
                os.write(target, line)
