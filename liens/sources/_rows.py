"""Building canonical chunks row by row, for readers that parse records in Python.

The platform readers turn each source record into one or more canonical rows; :class:`Rows`
collects them (one :class:`RowBuffer` per table) and hands the store an Arrow chunk every
``batch_rows`` rows, so a large file never becomes one list of Python objects. Two styles share
it: ``yield from rows.add(table, record, row)`` yields a chunk as soon as a table is full
(Twitter, Reddit, Telegram, RumourEval); ``rows.event(...)``, ``rows.post(...)`` and
``rows.account(...)`` only buffer, and the reader yields ``rows.flush(force=False)`` after each
record (Mastodon, Bluesky, blogs, LinkedIn, Meta). Columns other than the canonical ones are
dropped; a column that is NULL in every row of a chunk is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from liens.model import ACCOUNT_COLUMNS, EVENT_COLUMNS, POST_COLUMNS
from liens.sources.base import Chunk, Table

__all__ = ["EVENT_FIELDS", "RowBuffer", "Rows", "dumps", "text_or_none"]

EVENT_FIELDS = tuple(
    c for c in EVENT_COLUMNS if c not in ("source_file", "source_record", "import_id")
)
_FIELDS: dict[str, tuple[str, ...]] = {
    "events": EVENT_FIELDS,
    "accounts": tuple(ACCOUNT_COLUMNS),
    "posts": tuple(POST_COLUMNS),
}
_LISTS = ("hashtags", "mentions")


def dumps(value: Any) -> str | None:
    """Compact JSON of a dict (None when it is empty): the ``extra`` of a row."""
    if not value:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def text_or_none(value: Any) -> str | None:
    """A scalar as text; None, empty strings, dicts and lists as None."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.strip() else None


def _cell(value: Any) -> str | None:
    """A value as text (a value of another type, as a fuzzed or newer export may give)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _list(value: Any) -> list[str] | None:
    if not isinstance(value, list | tuple):
        return None
    return [_cell(v) for v in value if v is not None]  # type: ignore[misc]


class RowBuffer:
    """Rows of one canonical table; :meth:`add` returns a chunk when ``batch_rows`` are held."""

    def __init__(self, table: Table, batch_rows: int) -> None:
        self.table = table
        self.fields = _FIELDS[table]
        self.batch_rows = max(1, batch_rows)
        self.rows: list[dict[str, Any]] = []
        self.records: list[int] = []

    def add(self, record: int, row: dict[str, Any]) -> Chunk | None:
        self.rows.append(row)
        self.records.append(record)
        return self.flush() if len(self.rows) >= self.batch_rows else None

    def flush(self) -> Chunk | None:
        if not self.rows:
            return None
        data: dict[str, pa.Array] = {}
        for f in self.fields:
            values = [r.get(f) for r in self.rows]
            if all(v is None for v in values):
                continue
            if f in _LISTS:
                data[f] = pa.array([_list(v) for v in values], pa.list_(pa.string()))
            else:
                data[f] = pa.array([_cell(v) for v in values], pa.string())
        data["_record"] = pa.array(self.records, pa.int64())
        self.rows, self.records = [], []
        return Chunk(self.table, pa.table(data))


class Rows:
    """One buffer per table, flushed together.

    Parameters
    ----------
    batch_rows : int
        Rows per chunk handed to the store.
    platform : str, optional
        Set as ``platform`` on the rows given to :meth:`event`, :meth:`post` and
        :meth:`account` (the rows given to :meth:`add` carry their own).
    """

    def __init__(self, batch_rows: int, platform: str | None = None) -> None:
        self.platform = platform
        self.buffers = {t: RowBuffer(t, batch_rows) for t in ("accounts", "events", "posts")}
        # Accounts emitted by account(): each once per read, at its first record.
        self.accounts_seen: set[str] = set()

    def add(self, table: Table, record: int, row: dict[str, Any]) -> Iterator[Chunk]:
        chunk = self.buffers[table].add(record, row)
        if chunk is not None:
            yield chunk

    def _hold(self, table: Table, record: int, row: dict[str, Any]) -> None:
        buffer = self.buffers[table]
        buffer.rows.append({"platform": self.platform, **row})
        buffer.records.append(record)

    def event(self, record: int, **row: Any) -> None:
        """Buffer an ``events`` row (yield :meth:`flush` ``(force=False)`` after the record)."""
        self._hold("events", record, row)

    def post(self, record: int, **row: Any) -> None:
        """Buffer a ``posts`` row."""
        self._hold("posts", record, row)

    def account(self, record: int, account_id: str | None, **row: Any) -> None:
        """Buffer an ``accounts`` row, unless this account was given before in this read."""
        if account_id and account_id not in self.accounts_seen:
            self.accounts_seen.add(account_id)
            self._hold("accounts", record, {"account_id": account_id, **row})

    def flush(self, force: bool = True) -> Iterator[Chunk]:
        """Chunks of every table holding rows, or with ``force=False`` of the full ones only."""
        for buffer in self.buffers.values():
            if force or len(buffer.rows) >= buffer.batch_rows:
                chunk = buffer.flush()
                if chunk is not None:
                    yield chunk
