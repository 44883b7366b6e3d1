"""`RunLock`: one `ganzoo train` at a time per output folder."""

from __future__ import annotations

import os

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not locked
    fcntl = None

#: The lock file in a run's folder; it holds the PID of the process that holds it.
LOCK_FILE = ".lock"


class LockedError(RuntimeError):
    """Another live process holds the run folder."""


class RunLock:
    """An exclusive `fcntl.flock` on `OUT/.lock`, which records the holder's PID.

    The kernel releases a `flock` when its process ends, however it ends (SIGKILL
    included), so a crashed run never leaves its folder locked: the next run takes the
    lock over.

    Args:
        folder: the run's folder; created by `acquire`.

    Example:
    >>> with RunLock("runs/dcgan"):
    ...     gan.fit(...)
    """

    def __init__(self, folder: str):
        self.path = os.path.join(folder, LOCK_FILE)
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        """Takes the lock.

        Raises:
            LockedError: another live process holds it (its PID in the message).
        """
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise LockedError(
                    f"{os.path.dirname(self.path)} is in use by another ganzoo train "
                    f"(PID {holder}); wait for it to end, or pass another --out."
                ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Releases the lock (the file stays; a lock file without a holder is free)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
