"""Errors the user can fix: bad digests, bad content files, bad configuration.

Every stage raises :class:`InputError` for input it cannot accept; the CLI turns it into a
one-line message naming the file (and line) and exit code 2.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Input the user has to fix; ``line`` is 1-based when known."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[InputError], tuple[Path, str, int | None]]:
        # Raised in a worker process, it must cross back to the parent intact.
        return (InputError, (self.path, self.message, self.line))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"
