"""`CommandError`: a failure the `ganzoo` command reports in a line, without traceback."""

from __future__ import annotations

#: argparse's exit status for a bad argument.
USAGE = 2


class CommandError(SystemExit):
    """An error `ganzoo` prints as `ganzoo COMMAND: error: MESSAGE` and exits with.

    A `SystemExit`, so that a command function called from Python and not caught
    still ends the program with `status`, without a traceback.

    Args:
        message: what was expected and what came, in a line or a few.
        status: the exit status: 2 (`USAGE`) for a bad argument value or path, 1 for
            anything else (a damaged file, an unreachable download, a busy folder).
    """

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.message = message
        self.code = status


def usage(message: str) -> CommandError:
    """A `CommandError` with argparse's usage-error status 2."""
    return CommandError(message, USAGE)
