"""Errors that reach the user: each says which file, line and field, and what to do.

The CLI prints them on one line and exits non-zero; anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["LiensError", "SourceError", "WorkspaceError"]


class LiensError(Exception):
    """A mistake in what the user gave liens (a file, an option, a workspace)."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}" if where else self.message


class SourceError(LiensError):
    """A file cannot be read as a whole (missing, empty, truncated, wrong format)."""

    exit_code = 2


class WorkspaceError(LiensError):
    """The workspace file cannot be opened or was written by an incompatible version."""

    exit_code = 3
