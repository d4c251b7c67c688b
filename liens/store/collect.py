"""Write a live collection into the workspace: one transaction per page, with its cursor.

What the user can rely on (tested in ``tests/test_collect_mastodon.py`` and
``tests/test_collect_bluesky.py``):

- **Each page is all or nothing.** A page's events, accounts and posts, its ``imports`` row
  and the cursor of the next page are written in one transaction by
  :func:`~liens.store.ingest.import_chunks`; the cursor update runs inside it, after the last
  item (the item stream is consumed within the transaction).
- **Resumable.** An interruption (Ctrl-C, ``kill -9``, a server that keeps failing) leaves the
  pages written before it and the cursor of the first page not written; the same command
  starts there. A collection that reached its last page is ``done``; running it again starts
  from the newest page and stops at the first page that brings nothing new (``refreshing``,
  kept across an interruption of that run, so that its resumption stops there too rather than
  reading the whole history again).
- **Never twice.** Event ids are the platform's (``mastodon:<uri>``, ``bluesky:<at-uri>``), so
  a page read again (after a crash between the response and the commit, or in a later run)
  counts its rows as duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from liens.errors import SourceError
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.collectors import CollectError, Collector, Page
from liens.store.ingest import ImportResult, import_chunks

__all__ = ["CollectResult", "collect", "cursor_state"]


@dataclass
class CollectResult:
    """Counts for one run of a collector (``read = accepted + duplicate + quarantined``)."""

    platform: str
    query: str
    resumed_from: str | None = None
    pages: int = 0
    records: int = 0
    read: int = 0
    accepted: int = 0
    duplicate: int = 0
    quarantined: int = 0
    done: bool = False
    cursor: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def cursor_state(con: duckdb.DuckDBPyConnection, platform: str, query: str) -> tuple | None:
    """``(cursor, done, pages, records, refreshing)`` of a collection, None if it never wrote
    a page."""
    return con.execute(
        "SELECT cursor, done, pages, records, refreshing FROM collect_cursors "
        "WHERE platform = ? AND query = ?",
        [platform, query],
    ).fetchone()


def _save_cursor(
    con: duckdb.DuckDBPyConnection, c: Collector, page: Page, refreshing: bool
) -> None:
    done = page.next_cursor is None
    con.execute(
        """INSERT INTO collect_cursors VALUES (?, ?, ?, ?, ?, 1, ?, now(), now())
           ON CONFLICT (platform, query) DO UPDATE SET cursor = excluded.cursor,
             done = excluded.done, refreshing = excluded.refreshing,
             pages = collect_cursors.pages + 1,
             records = collect_cursors.records + excluded.records, updated_at = now()""",
        [c.platform, c.query, page.next_cursor, done, refreshing and not done, page.records],
    )


def _mark_done(con: duckdb.DuckDBPyConnection, c: Collector) -> None:
    con.execute(
        """INSERT INTO collect_cursors VALUES (?, ?, NULL, true, false, 0, 0, now(), now())
           ON CONFLICT (platform, query) DO UPDATE SET cursor = NULL, done = true,
             refreshing = false, updated_at = now()""",
        [c.platform, c.query],
    )


def _with_cursor(
    con: duckdb.DuckDBPyConnection, c: Collector, page: Page, refreshing: bool
) -> Iterator[Chunk | Rejected]:
    yield from page.items
    # Runs inside import_chunks' transaction, after the page's last item: committed with it.
    _save_cursor(con, c, page, refreshing)


def _write_page(
    con: duckdb.DuckDBPyConnection,
    c: Collector,
    page: Page,
    options: ReadOptions,
    result: CollectResult,
    refreshing: bool,
) -> ImportResult | None:
    """Write one page and its cursor in one transaction; None when it was skipped."""
    try:
        return import_chunks(
            con,
            Path(page.source),
            _with_cursor(con, c, page, refreshing),
            fmt=f"collect-{c.platform}",
            options=options,
            digest=page.digest,
        )
    except SourceError as e:
        if "no record could be imported" not in e.message:
            raise
    # Every record of the page was rejected (deleted posts of a thread, ...): the page is
    # skipped, said so, and the cursor moves on so that a rerun does not stall on it.
    result.notes.append(f"{page.source}: page skipped, no record could be imported")
    con.execute("BEGIN TRANSACTION")
    _save_cursor(con, c, page, refreshing)
    con.execute("COMMIT")
    return None


def collect(
    con: duckdb.DuckDBPyConnection,
    collector: Collector,
    *,
    limit: int | None = None,
    tz: str = "UTC",
    on_progress: Callable[[int], None] | None = None,
) -> CollectResult:
    """Collect pages from where the last run stopped until the end or ``limit`` records.

    ``limit`` counts statuses or posts read in this run; the collection stops after the page
    that reaches it, and the next run continues from there. Raises
    :class:`~liens.sources.collectors.CollectError` when the platform keeps failing; the pages
    written before stay written.
    """
    c = collector
    state = cursor_state(con, c.platform, c.query)
    finished = state is not None and bool(state[1])
    refreshing = finished or (state is not None and bool(state[4]))
    start = None if state is None or finished else state[0]
    result = CollectResult(c.platform, c.query, resumed_from=start, notes=list(c.notes))
    options = ReadOptions(platform=c.platform, tz=tz)
    try:
        for page in c.pages(start):
            if page.records == 0:
                # An empty page (past the last status): nothing to write but the end.
                _mark_done(con, c)
                result.done, result.cursor = True, None
                break
            res = _write_page(con, c, page, options, result, refreshing)
            result.pages += 1
            result.records += page.records
            if res is not None:
                result.read += res.read
                result.accepted += res.accepted
                result.duplicate += res.duplicate
                result.quarantined += res.quarantined
            result.cursor = page.next_cursor
            result.done = page.next_cursor is None
            if on_progress is not None:
                on_progress(result.records)
            if refreshing and res is not None and res.accepted == 0:
                # A rerun of a finished collection caught up with what the workspace holds.
                _mark_done(con, c)
                result.done, result.cursor = True, None
                break
            if limit is not None and result.records >= limit:
                break
    except CollectError as e:
        if result.pages:  # say what this run did keep
            e.message += f" ({result.pages} pages, {result.records} records written before)"
        raise
    return result
