"""Import one file into the workspace: validate, deduplicate, quarantine, all in one transaction.

What the user can rely on (tested in ``tests/test_import.py``):

- **All or nothing per file.** Everything a file yields is written in one DuckDB transaction;
  an error, a Ctrl-C or a ``kill -9`` leaves the workspace as it was before the file.
- **Nothing lost.** Every record read is accepted, a duplicate, or quarantined with its file,
  record number, line when known, field, reason and raw content:
  ``read = accepted + duplicate + quarantined`` for every file.
- **Idempotent.** An event's id is the platform's own id namespaced as ``platform:id``; when a
  file has no ids, it is a hash of the event's content plus its occurrence number among
  identical rows of the same file, so re-importing a file adds nothing while two identical
  rows of one file stay two events.

Timestamps are parsed here, in SQL, whatever the reader: ISO 8601 with or without offset
(naive times are read in the ``--tz`` zone), unix seconds (9-10 digits) or milliseconds
(12-13 digits), RFC 2822 and the Twitter API v1.1 form; stored as UTC with the source's zone
or offset kept in ``source_tz``. Times before 1971 (missing values written as zero) or more
than a day in the future are quarantined.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from liens import __version__
from liens.errors import LiensError, SourceError
from liens.model import ACCOUNT_COLUMNS, CONTENT_KINDS, EVENT_COLUMNS, KIND_ALIASES, POST_COLUMNS
from liens.sources.base import Chunk, ReadOptions, Rejected, Reset
from liens.store.normalise import (
    MACROS_SQL,
    NEW_EVENTS_SQL,
    OCCURRENCE_SQL,
    REPEATED_IDS_SQL,
    STAGE_EVENTS_SQL,
)
from liens.store.workspace import sql_literal

__all__ = ["ImportResult", "file_digest", "import_chunks"]

_META = ("source_file", "import_id")
_STAGE_SPECS = {
    "events": {k: v for k, v in EVENT_COLUMNS.items() if k not in _META},
    "accounts": ACCOUNT_COLUMNS,
    "posts": POST_COLUMNS,
}
_LIST_COLUMNS = ("hashtags", "mentions")
# Event chunks are staged together once this many rows are held: one statement over several
# Arrow batches, which DuckDB scans in parallel (a 100k-row batch alone is scanned by one
# thread, and each statement has a fixed cost). 500k rows of text is about 100-200 MB.
_STAGE_ROWS = 500_000


@dataclass
class ImportResult:
    """Counts for one imported file (``read = accepted + duplicate + quarantined``)."""

    path: str
    format: str
    read: int = 0
    accepted: int = 0
    duplicate: int = 0
    quarantined: int = 0
    events: int = 0
    accounts_new: int = 0
    posts_new: int = 0
    unknown_actor: int = 0
    seconds: float = 0.0
    import_id: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def file_digest(path: Path) -> str:
    """SHA-256 of a file, or of a folder's file names and contents (sorted)."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            h.update(str(f.relative_to(path)).encode() + b"\0")
        with f.open("rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
    return h.hexdigest()


def _stage_ddl(table: str) -> str:
    cols = []
    for name in _STAGE_SPECS[table]:
        cols.append(f"{name} {'VARCHAR[]' if name in _LIST_COLUMNS else 'VARCHAR'}")
    cols.append("_record BIGINT")
    cols.append("_row BIGINT")
    return f"CREATE OR REPLACE TEMP TABLE stage_{table} ({', '.join(cols)})"


class _Ingest:
    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> None:
        self.con = con
        self.path = path
        self.options = options
        self.rejects: list[Rejected] = []
        self.rows_read = 0
        self.staged = 0
        self.pending: list[pa.Table] = []
        self.pending_rows = 0

    # -- staging -----------------------------------------------------------------------------
    def reset(self) -> None:
        """Empty staging tables (a new file, or a reader starting again)."""
        con = self.con
        for table in ("accounts", "posts"):
            con.execute(_stage_ddl(table))
        computed = (
            "n_platform VARCHAR, n_kind VARCHAR, p_ts TIMESTAMP, p_tz VARCHAR, _reason VARCHAR, "
            "_field VARCHAR, _hash VARCHAR, _given_id VARCHAR"
        )
        con.execute(_stage_ddl("events")[:-1] + f", {computed})")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stage_rejects (record BIGINT, line BIGINT, "
            "field VARCHAR, reason VARCHAR, raw VARCHAR)"
        )
        kinds = {k.lower(): v for k, v in KIND_ALIASES.items()}
        kinds.update({k.strip().lower(): v for k, v in self.options.kinds.items()})
        # A CASE over the few known spellings: a join with a table of them was planned with
        # the chunk as the build side (an Arrow scan has no row count estimate).
        self.kind_case = (
            "CASE lower(trim(c.kind)) "
            + "".join(
                f"WHEN {sql_literal(raw)} THEN {sql_literal(canon)} "
                for raw, canon in kinds.items()
            )
            + "ELSE lower(trim(c.kind)) END"
        )
        self.rejects = []
        self.rows_read = 0
        self.staged = 0
        self.pending = []
        self.pending_rows = 0

    def stage(self, chunk: Chunk) -> None:
        """Stage a chunk; event rows get their parsed time, checks and content hash now."""
        spec = _STAGE_SPECS.get(chunk.table)
        if spec is None:
            raise ValueError(f"unknown table {chunk.table!r}")
        data = chunk.data
        if "_record" not in data.column_names:
            raise ValueError("reader gave a chunk without _record")
        unknown = [c for c in data.column_names if c not in spec and c != "_record"]
        if unknown:
            raise ValueError(f"reader gave non-canonical columns {unknown}")
        # _row orders everything staged for this file (records restart in each table).
        data = data.append_column(
            "_row", pa.array(np.arange(self.staged, self.staged + data.num_rows, dtype=np.int64))
        )
        self.staged += data.num_rows
        if chunk.table != "posts":
            self.rows_read += data.num_rows
        if chunk.table != "events":
            self._insert(chunk.table, [data])
            return
        if self.pending and self.pending[0].schema != data.schema:
            self.flush_events()
        self.pending.append(data)
        self.pending_rows += data.num_rows
        if self.pending_rows >= _STAGE_ROWS:
            self.flush_events()

    def flush_events(self) -> None:
        """Stage the event chunks held (same columns), computing their checks and hashes."""
        if self.pending:
            self._insert("events", self.pending)
        self.pending = []
        self.pending_rows = 0

    def _insert(self, table: str, parts: list[pa.Table]) -> None:
        spec = _STAGE_SPECS[table]
        data = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        present = set(data.column_names)
        casts = ['"_row"', 'CAST("_record" AS BIGINT) AS "_record"']
        for c in spec:
            sqltype = "VARCHAR[]" if c in _LIST_COLUMNS else "VARCHAR"
            expr = f'CAST("{c}" AS {sqltype})' if c in present else f"CAST(NULL AS {sqltype})"
            casts.append(f'{expr} AS "{c}"')
        self.con.register("_chunk", data)
        try:
            if table == "events":
                self.con.execute(
                    STAGE_EVENTS_SQL.format(casts=", ".join(casts), kind_case=self.kind_case),
                    {"platform": self.options.platform, "tz": self.options.tz},
                )
            else:
                self.con.execute(
                    f"INSERT INTO stage_{table} BY NAME SELECT {', '.join(casts)} FROM _chunk"
                )
        finally:
            self.con.unregister("_chunk")

    def reject(self, rej: Rejected) -> None:
        self.rejects.append(rej)
        self.rows_read += 1
        if len(self.rejects) >= 10_000:
            self.flush_rejects()

    def flush_rejects(self) -> None:
        if not self.rejects:
            return
        tbl = pa.table(
            {
                "record": pa.array([r.record for r in self.rejects], pa.int64()),
                "line": pa.array([r.line for r in self.rejects], pa.int64()),
                "field": pa.array([r.field for r in self.rejects], pa.string()),
                "reason": pa.array([r.reason for r in self.rejects], pa.string()),
                "raw": pa.array([r.raw[:100_000] for r in self.rejects], pa.string()),
            }
        )
        self.con.register("_rej", tbl)
        try:
            self.con.execute("INSERT INTO stage_rejects SELECT * FROM _rej")
        finally:
            self.con.unregister("_rej")
        self.rejects = []

    # -- writing -----------------------------------------------------------------------------
    def write(self, result: ImportResult, digest: str, fmt: str) -> None:
        con = self.con
        opts = self.options
        platform = opts.platform
        tz = opts.tz
        self.flush_rejects()
        self.flush_events()
        con.execute(OCCURRENCE_SQL)
        con.execute(REPEATED_IDS_SQL)
        import_id = con.execute("SELECT nextval('import_seq')").fetchone()[0]
        src = str(self.path)
        ev_cols = list(EVENT_COLUMNS)

        def ev_expr(c: str) -> str:
            return {
                "event_id": "_eid",
                "platform": "n_platform",
                "kind": "n_kind",
                "created_at": "p_ts",
                "source_tz": "p_tz",
                "value": "try_cast(value AS DOUBLE)",
                "source_record": "_record",
                "source_file": "$src",
                "import_id": "$import_id",
                "hashtags": (
                    "coalesce(hashtags, CASE WHEN text IS NOT NULL THEN regexp_extract_all("
                    r"text, '(?:^|[^\p{L}\p{N}_&/=#])#([\p{L}\p{N}_]+)', 1) END)"
                ),
                "mentions": (
                    "coalesce(mentions, CASE WHEN text IS NOT NULL THEN regexp_extract_all("
                    r"text, '(?:^|[^\p{L}\p{N}_/.@])@([\p{L}\p{N}_]+(?:[.\-][\p{L}\p{N}_]+)*)',"
                    " 1) END)"
                ),
            }.get(c, c)

        inserted = con.execute(
            f"INSERT INTO events ({', '.join(ev_cols)}) SELECT "
            f"{', '.join(ev_expr(c) for c in ev_cols)} FROM ({NEW_EVENTS_SQL})",
            {"src": src, "import_id": import_id},
        ).fetchone()[0]
        (valid,) = con.execute("SELECT count(*) FROM stage_events WHERE _reason IS NULL").fetchone()
        (conflicts,) = con.execute(
            "SELECT count(*) FROM repeated_ids WHERE _rn > 1 AND _hash <> _first_hash"
        ).fetchone()
        result.events = inserted
        result.unknown_actor = con.execute(
            "SELECT count(*) FROM events WHERE import_id = ? AND actor IS NULL", [import_id]
        ).fetchone()[0]

        # Quarantine: reader rejects, invalid rows, conflicting ids (never twice for one file).
        raw_cols = ", ".join(f"{c} := s.{c}" for c in _STAGE_SPECS["events"])
        parts = ["SELECT record, line, field, reason, raw FROM stage_rejects"]
        # The staged rows are read again only when some are invalid or conflicting: the usual
        # clean file skips two passes over every staged row (1 s per million rows).
        (invalid,) = con.execute(
            "SELECT count(*) FROM stage_events WHERE _reason IS NOT NULL"
        ).fetchone()
        if invalid:
            parts.append(
                f"SELECT s._record, NULL, s._field, s._reason, "
                f"to_json(struct_pack({raw_cols}))::VARCHAR "
                "FROM stage_events s WHERE s._reason IS NOT NULL"
            )
        if conflicts:
            parts.append(
                f"""SELECT r._record, NULL, 'event_id',
  'event_id ' || r._given_id || ' already used by record ' || r._first_record ||
  ' of this file with different content',
  to_json(struct_pack({raw_cols}))::VARCHAR
FROM stage_events s JOIN repeated_ids r USING (_row) WHERE r._rn > 1 AND r._hash <> r._first_hash"""
            )
        con.execute("CREATE OR REPLACE TEMP TABLE new_quarantine AS " + "\nUNION ALL\n".join(parts))
        n_quarantined = con.execute("SELECT count(*) FROM new_quarantine").fetchone()[0]
        con.execute(
            """
INSERT INTO quarantine
SELECT ?, ?, ?, n.record, n.line, n.field, n.reason, n.raw, now() AT TIME ZONE 'UTC'
FROM new_quarantine n
WHERE NOT EXISTS (
  SELECT 1 FROM quarantine q WHERE q.file_sha256 = ? AND q.record IS NOT DISTINCT FROM n.record
    AND q.reason = n.reason)
""",
            [import_id, src, digest, digest],
        )

        acc_new, acc_dup, acc_rej = self._write_accounts(platform, tz, import_id, src, digest)
        result.posts_new = self._write_posts(platform, import_id)

        result.read = self.rows_read
        result.accepted = result.events + acc_new
        result.duplicate = (valid - conflicts - inserted) + acc_dup
        result.quarantined = n_quarantined + acc_rej
        result.accounts_new = acc_new + self._implied_accounts(import_id)
        result.import_id = import_id
        if result.read != result.accepted + result.duplicate + result.quarantined:
            raise AssertionError(
                f"import accounting is off for {src}: read {result.read} != "
                f"{result.accepted} + {result.duplicate} + {result.quarantined}"
            )
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, now() AT TIME ZONE 'UTC', ?, ?, ?, "
            "?, ?)",
            [
                import_id,
                src,
                digest,
                fmt,
                platform,
                json.dumps(
                    {
                        "tz": tz,
                        "columns": opts.columns,
                        "kinds": opts.kinds,
                        "constants": opts.constants,
                    }
                ),
                time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(self.started)),
                result.read,
                result.accepted,
                result.duplicate,
                result.quarantined,
                __version__,
            ],
        )

    def _write_accounts(
        self, platform: str | None, tz: str, import_id: int, src: str, digest: str
    ) -> tuple[int, int, int]:
        con = self.con
        n = con.execute("SELECT count(*) FROM stage_accounts").fetchone()[0]
        if n == 0:
            return 0, 0, 0
        con.execute(
            """
CREATE OR REPLACE TEMP TABLE norm_accounts AS
SELECT * REPLACE (coalesce(nullif(trim(platform), ''), ?) AS platform,
                  nullif(trim(account_id), '') AS account_id),
  liens_ts(created_at) AS p_ts
FROM stage_accounts
""",
            [platform],
        )
        con.execute(
            """
CREATE OR REPLACE TEMP TABLE checked_accounts AS
SELECT *, CASE
  WHEN platform IS NULL THEN 'missing platform (give --platform NAME)'
  WHEN account_id IS NULL THEN 'missing account_id'
  WHEN followers IS NOT NULL AND try_cast(followers AS BIGINT) IS NULL
    THEN 'followers ''' || followers || ''' is not a whole number'
  WHEN created_at IS NOT NULL AND trim(created_at) <> ''
    THEN liens_ts_reason(created_at, p_ts, 'created_at')
END AS _reason,
row_number() OVER (PARTITION BY platform, account_id ORDER BY _row DESC) AS _rn
FROM norm_accounts
"""
        )
        raw_cols = ", ".join(f"{c} := {c}" for c in ACCOUNT_COLUMNS)
        con.execute(
            f"""
INSERT INTO quarantine
SELECT ?, ?, ?, _record, NULL,
  CASE WHEN _reason LIKE '%account_id%' THEN 'account_id'
       WHEN _reason LIKE '%platform%' THEN 'platform'
       WHEN _reason LIKE 'followers%' THEN 'followers' ELSE 'created_at' END,
  _reason, to_json(struct_pack({raw_cols}))::VARCHAR, now() AT TIME ZONE 'UTC'
FROM checked_accounts c WHERE _reason IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM quarantine q WHERE q.file_sha256 = ? AND q.record = c._record
    AND q.reason = c._reason)
""",
            [import_id, src, digest, digest],
        )
        n_rej = con.execute(
            "SELECT count(*) FROM checked_accounts WHERE _reason IS NOT NULL"
        ).fetchone()[0]
        good = "FROM checked_accounts WHERE _reason IS NULL AND _rn = 1"
        existing = con.execute(
            f"SELECT count(*) {good} AND EXISTS (SELECT 1 FROM accounts a "
            "WHERE a.platform = checked_accounts.platform "
            "AND a.account_id = checked_accounts.account_id)"
        ).fetchone()[0]
        con.execute(
            f"""
UPDATE accounts a SET
  handle = coalesce(c.handle, a.handle),
  display_name = coalesce(c.display_name, a.display_name),
  created_at = coalesce(c.p_ts, a.created_at),
  followers = coalesce(try_cast(c.followers AS BIGINT), a.followers),
  following = coalesce(try_cast(c.following AS BIGINT), a.following),
  owned = coalesce(try_cast(c.owned AS BOOLEAN), a.owned),
  extra = coalesce(c.extra, a.extra)
FROM (SELECT * {good}) c
WHERE a.platform = c.platform AND a.account_id = c.account_id
"""
        )
        con.execute(
            f"""
INSERT INTO accounts
SELECT platform, account_id, handle, display_name, p_ts, try_cast(followers AS BIGINT),
  try_cast(following AS BIGINT), coalesce(try_cast(owned AS BOOLEAN), false), extra
{good} AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.platform = checked_accounts.platform
  AND a.account_id = checked_accounts.account_id)
"""
        )
        n_good, n_distinct = con.execute(
            "SELECT count(*), count(*) FILTER (_rn = 1) FROM checked_accounts WHERE _reason IS NULL"
        ).fetchone()
        # An account already in the workspace, or repeated later in the file, is a duplicate.
        new = n_distinct - existing
        return new, n_good - new, n_rej

    def _implied_accounts(self, import_id: int) -> int:
        before = self.con.execute("SELECT count(*) FROM accounts").fetchone()[0]
        self.con.execute(
            """
INSERT INTO accounts (platform, account_id, owned)
SELECT DISTINCT platform, who, false FROM (
  SELECT platform, actor AS who FROM events WHERE import_id = $id
  UNION ALL SELECT platform, target FROM events WHERE import_id = $id
) x
WHERE who IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM accounts a WHERE a.platform = x.platform AND a.account_id = x.who)
""",
            {"id": import_id},
        )
        return self.con.execute("SELECT count(*) FROM accounts").fetchone()[0] - before

    def _write_posts(self, platform: str | None, import_id: int) -> int:
        con = self.con
        before = con.execute("SELECT count(*) FROM posts").fetchone()[0]
        kinds = ", ".join(f"'{k}'" for k in CONTENT_KINDS)
        con.execute(
            f"""
INSERT INTO posts (platform, post_id, author, kind, created_at, parent_post_id, root_post_id,
                   context, text, url)
SELECT platform, post_id, f.actor, f.kind, f.created_at, f.parent_post_id, f.root_post_id,
  f.context, f.text, f.url
FROM (
  -- One arg_min of the whole first event (not one per column: a third faster, and the
  -- columns of a post then always come from the same event).
  SELECT platform, post_id, arg_min(struct_pack(actor, kind, created_at, parent_post_id,
    root_post_id, context, text, url), created_at) AS f
  FROM events e
  WHERE import_id = ? AND kind IN ({kinds}) AND post_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.platform = e.platform AND p.post_id = e.post_id)
  GROUP BY platform, post_id)
""",
            [import_id],
        )
        if con.execute("SELECT count(*) FROM stage_posts").fetchone()[0]:
            con.execute(
                """
CREATE OR REPLACE TEMP TABLE norm_posts AS
SELECT * REPLACE (coalesce(nullif(trim(platform), ''), ?) AS platform),
  liens_ts(created_at) AS p_ts
FROM stage_posts WHERE post_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY _row DESC) = 1
""",
                [platform],
            )
            con.execute(
                """
UPDATE posts p SET
  author = coalesce(p.author, n.author), kind = coalesce(p.kind, n.kind),
  created_at = coalesce(p.created_at, n.p_ts),
  parent_post_id = coalesce(p.parent_post_id, n.parent_post_id),
  root_post_id = coalesce(p.root_post_id, n.root_post_id),
  context = coalesce(p.context, n.context), title = coalesce(n.title, p.title),
  text = coalesce(n.text, p.text), url = coalesce(n.url, p.url),
  score = coalesce(try_cast(n.score AS DOUBLE), p.score),
  views = coalesce(try_cast(n.views AS BIGINT), p.views), extra = coalesce(n.extra, p.extra)
FROM norm_posts n WHERE p.platform = n.platform AND p.post_id = n.post_id
"""
            )
            con.execute(
                """
INSERT INTO posts
SELECT platform, post_id, author, kind, p_ts, parent_post_id, root_post_id, context, title, text,
  url, try_cast(score AS DOUBLE), try_cast(views AS BIGINT), extra
FROM norm_posts n WHERE platform IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM posts p WHERE p.platform = n.platform AND p.post_id = n.post_id)
"""
            )
        return con.execute("SELECT count(*) FROM posts").fetchone()[0] - before


def import_chunks(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    items: Iterable[Chunk | Rejected | Reset],
    *,
    fmt: str,
    options: ReadOptions,
    digest: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write what a reader yields for ``path`` in one transaction and return the counts.

    Raises :class:`~liens.errors.SourceError` when the file cannot be read to its end or yields
    no record; the workspace is then unchanged.
    """
    started = time.time()
    result = ImportResult(path=str(path), format=fmt)
    ing = _Ingest(con, path, options)
    ing.started = started
    digest = digest or file_digest(path)
    try:
        con.execute(f"SET TimeZone = '{options.tz}'")
    except duckdb.Error:
        raise LiensError(
            f"unknown time zone {options.tz!r} (use an IANA name such as Europe/Paris)",
            field="--tz",
        ) from None
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(MACROS_SQL)
        ing.reset()
        for item in items:
            if isinstance(item, Reset):
                ing.reset()
            elif isinstance(item, Rejected):
                ing.reject(item)
            else:
                ing.stage(item)
            if on_progress is not None:
                on_progress(ing.rows_read)
        if ing.rows_read == 0:
            raise SourceError("no records in this file", path=path)
        ing.write(result, digest, fmt)
        if result.accepted + result.duplicate == 0:
            raise SourceError(
                f"no record could be imported ({result.quarantined} rejected; the first reason: "
                f"{_first_reason(con)})",
                path=path,
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("SET TimeZone = 'UTC'")
    result.seconds = time.time() - started
    return result


def _first_reason(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT reason FROM new_quarantine ORDER BY record NULLS LAST LIMIT 1"
    ).fetchone()
    return row[0] if row else "none"
