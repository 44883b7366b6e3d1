"""The callbacks of a resumable training run kept in one folder, and its atomic writes."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

import keras

from ganzoo.callbacks.divergence import DivergenceGuard


def training_callbacks(
    out: str,
    *,
    restart: bool = False,
    image_grid: keras.callbacks.Callback | None = None,
) -> list[keras.callbacks.Callback]:
    """Callbacks for a training run in `out` that a killed process resumes exactly.

    In order: `DivergenceGuard` (first, so it restores good weights before anything is
    saved), `BackupAndRestore` in `out/backup` (kept after the last epoch, so running
    the same command with more epochs continues the run), `image_grid` if given, and a
    `CSVLogger` appending to `out/history.csv`. `GAN.fit` adds `ganzoo.data.SyncEpoch`
    itself. Put metric callbacks such as `ganzoo.callbacks.FID` before these.

    Args:
        out: the run's folder; created if missing.
        restart: delete the backup and history in `out` first, to start over.
        image_grid: an `ImageGrid` (or any callback) to run after the backup.

    Returns:
        A list of callbacks for `fit`.

    Example:
    >>> callbacks = ganzoo.callbacks.training_callbacks("runs/x", image_grid=ImageGrid("runs/x"))
    >>> gan.fit(dataset, epochs=20, callbacks=callbacks)
    """
    backup = os.path.join(out, "backup")
    history = os.path.join(out, "history.csv")
    if restart:
        shutil.rmtree(backup, ignore_errors=True)
        if os.path.exists(history):
            os.remove(history)
    os.makedirs(out, exist_ok=True)
    callbacks = [
        DivergenceGuard(),
        keras.callbacks.BackupAndRestore(backup, delete_checkpoint=False),
    ]
    if image_grid is not None:
        callbacks.append(image_grid)
    callbacks.append(keras.callbacks.CSVLogger(history, append=True))
    return callbacks


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """A temporary path in `path`'s folder that becomes `path` when the block ends.

    Write the file to the yielded path; when the block completes, it is renamed onto
    `path` with `os.replace` (atomic on one file system), so a reader or a crash
    mid-write never sees half a file: `path` holds either the previous file whole or
    the new one. If the block raises, the temporary file is removed and `path` is left
    as it was. The folder is created if missing; the temporary name keeps `path`'s
    extension (Keras' `save` needs `.keras`).

    Args:
        path: the file to write.

    Example:
    >>> with atomic_path("runs/x/model.keras") as temporary:
    ...     gan.save(temporary)
    """
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    stem, extension = os.path.splitext(name)
    if stem.endswith(".weights"):  # keep compound extensions such as .weights.h5
        extension = ".weights" + extension
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp" + extension, dir=folder)
    os.close(handle)
    try:
        os.remove(temporary)  # writers such as Keras' save refuse or append to a file
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
