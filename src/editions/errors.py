"""The one error type users see.

In: a message, and where known the file and line at fault. Out: an exception whose ``str()``
is the single line the command-line tools print (``path:line: message``) before exiting
with status 2.
"""

from __future__ import annotations

from pathlib import Path


class EditionsError(Exception):
    """A problem with the user's input or options (exit status 2 on the command line)."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"
