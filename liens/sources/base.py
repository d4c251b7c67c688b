"""What every importer gives the store: chunks of canonical rows and rejected records.

An importer (a *reader*) knows one file format. It streams the file and yields

- :class:`Chunk` objects: an Arrow table whose columns carry canonical names (a subset of
  :data:`liens.model.EVENT_COLUMNS`, ``ACCOUNT_COLUMNS`` or ``POST_COLUMNS``) plus ``_record``,
  the 1-based number of the source record each row came from;
- :class:`Rejected` objects: a record that cannot become a row, with the reason.

Readers never touch the workspace: the store validates, deduplicates and writes (see
``liens.store.ingest``). Values may stay strings: the store parses timestamps (ISO 8601, unix
seconds or milliseconds, RFC 2822) and kinds, and sends what fails to quarantine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import pyarrow as pa

__all__ = ["Chunk", "ReadOptions", "Reader", "Rejected", "Reset"]

Table = Literal["events", "accounts", "posts"]


@dataclass
class Chunk:
    """A batch of canonical rows for one workspace table."""

    table: Table
    data: pa.Table


@dataclass
class Rejected:
    """A source record that cannot be imported, kept with the reason (never dropped)."""

    record: int | None
    reason: str
    raw: str
    line: int | None = None
    field: str | None = None


@dataclass
class Reset:
    """Discard everything yielded so far for this file: the reader starts again another way.

    The CSV reader uses it when a broken quote made its fast path swallow many lines: it then
    reads the file again line by line, so one bad line costs one record, not the rest of the file.
    """

    reason: str


@dataclass
class ReadOptions:
    """What the user told ``liens import`` about a file.

    ``columns`` maps canonical names to the file's own column names (or dotted JSON paths);
    ``kinds`` maps the file's kind values to canonical kinds; ``constants`` gives canonical
    columns a fixed value for every row (e.g. ``kind=message`` for a message log).
    """

    platform: str | None = None
    tz: str = "UTC"
    columns: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    header: bool = True
    names: list[str] | None = None
    batch_rows: int = 100_000


class Reader(Protocol):
    """One file format."""

    name: str
    description: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when the first bytes (decompressed) look like this format."""
        ...

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected | Reset]:
        """Stream the file as chunks and rejected records."""
        ...
