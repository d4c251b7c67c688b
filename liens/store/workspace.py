"""Open, create and migrate a workspace: one DuckDB file holding everything liens knows.

The file holds the canonical tables (``events``, ``accounts``, ``posts``, ``quarantine``,
``imports``) and every analysis table written by ``liens analyze``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from liens.errors import WorkspaceError
from liens.store.schema import CANONICAL_TABLES, MIGRATIONS, SCHEMA_VERSION, create_statements

__all__ = [
    "DEFAULT_WORKSPACE",
    "list_tables",
    "memory_lent",
    "open_workspace",
    "resolve_workspace_path",
    "schema_version",
]

DEFAULT_WORKSPACE = "liens.duckdb"


def resolve_workspace_path(path: str | Path | None) -> Path:
    """The option if given, else ``$LIENS_WORKSPACE``, else ``./liens.duckdb``."""
    if path is None:
        path = os.environ.get("LIENS_WORKSPACE") or DEFAULT_WORKSPACE
    return Path(path)


def open_workspace(
    path: str | Path | None = None, *, create: bool = True, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the workspace at ``path`` (created when absent and ``create``), migrated if older.

    Raises :class:`~liens.errors.WorkspaceError` when the file is not a DuckDB database, is a
    DuckDB database that liens did not create, or was written by a newer liens.
    """
    p = resolve_workspace_path(path)
    exists = p.exists()
    if not exists and (not create or read_only):
        raise WorkspaceError("no workspace here; import data first (liens import FILE)", path=p)
    if exists and p.is_dir():
        raise WorkspaceError("is a folder, not a workspace file", path=p)
    if not exists and p.parent and not p.parent.exists():
        raise WorkspaceError("the folder for this workspace does not exist", path=p)
    try:
        con = duckdb.connect(str(p), read_only=read_only and exists)
    except duckdb.Error as exc:
        text = str(exc)
        if "not a valid DuckDB database" in text or "Invalid Input" in text or "IO Error" in text:
            if "lock" in text.lower():
                raise WorkspaceError(
                    "the workspace is in use by another liens process", path=p
                ) from None
            raise WorkspaceError(
                "is not a liens workspace (not a DuckDB database file)", path=p
            ) from None
        raise WorkspaceError(f"cannot open the workspace: {text.splitlines()[0]}", path=p) from None
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    _apply_limits(con, p)
    _ensure_schema(con, p, read_only=read_only)
    return con


def _apply_limits(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Memory and thread limits from ``$LIENS_MEMORY_LIMIT`` (e.g. ``8GB``) and ``$LIENS_THREADS``.

    DuckDB takes 80% of the machine's memory by default and spills to ``<workspace>.tmp``
    beyond its limit; a lower limit makes large analyses spill earlier instead of competing
    with other programs for memory.
    """
    for variable, setting in (("LIENS_MEMORY_LIMIT", "memory_limit"), ("LIENS_THREADS", "threads")):
        value = os.environ.get(variable)
        if not value:
            continue
        try:
            con.execute(f"SET {setting} = ?", [value if setting == "memory_limit" else int(value)])
        except (duckdb.Error, ValueError):
            con.close()
            raise WorkspaceError(
                f"${variable}={value!r} is not a valid {setting.replace('_', ' ')} "
                "(examples: LIENS_MEMORY_LIMIT=8GB, LIENS_THREADS=2)",
                path=path,
            ) from None


_UNITS = {"": 1, "b": 1, "bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}  # fmt: skip


def _bytes(text: str) -> float:
    m = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", text)
    return float(m.group(1)) * _UNITS.get(m.group(2).lower(), 1) if m else float("inf")


@contextmanager
def memory_lent(con: duckdb.DuckDBPyConnection, keep: str = "512MB") -> Iterator[None]:
    """DuckDB's memory limit lowered to ``keep`` for a block where Python does the work.

    DuckDB keeps the tables it holds in memory up to its limit and gives nothing back on its
    own: lowering the limit makes it write what exceeds ``keep`` to its temporary folder and
    free it, so that the memory goes to Python (graphs, numpy arrays) instead of being held
    twice. Nothing happens when the limit is already at most ``keep``. The limit is then set
    back to ``$LIENS_MEMORY_LIMIT``, or DuckDB's default without it.
    """
    current = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    if _bytes(current) <= _bytes(keep):
        yield
        return
    con.execute("SET memory_limit = ?", [keep])
    try:
        yield
    finally:
        value = os.environ.get("LIENS_MEMORY_LIMIT")
        if value:
            con.execute("SET memory_limit = ?", [value])
        else:
            con.execute("RESET memory_limit")


def sql_literal(text: str) -> str:
    """A SQL string literal (single quotes doubled), for statements that take no parameters
    (``CREATE VIEW``, ``COMMENT ON``)."""
    return "'" + str(text).replace("'", "''") + "'"


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version recorded in the workspace, None for an empty database."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_catalog = current_database() AND table_name = 'meta'"
    ).fetchone()[0]
    if not has_meta:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def list_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the workspace's tables (canonical first, then analysis tables, sorted)."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_catalog = current_database()"
        ).fetchall()
    ]
    canonical = [t for t in CANONICAL_TABLES if t in names]
    return canonical + sorted(set(names) - set(CANONICAL_TABLES) - {"meta"})


def _ensure_schema(con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> None:
    version = schema_version(con)
    tables = list_tables(con)
    if version is None:
        if tables:
            con.close()
            raise WorkspaceError(
                "is a DuckDB database but not a liens workspace (no liens schema in it)", path=path
            )
        if read_only:
            return
        con.execute("BEGIN")
        for stmt in create_statements():
            con.execute(stmt)
        con.execute("COMMIT")
        return
    if version > SCHEMA_VERSION:
        con.close()
        raise WorkspaceError(
            f"written by a newer liens (schema {version}, this liens reads up to "
            f"{SCHEMA_VERSION}); upgrade liens",
            path=path,
        )
    if version < SCHEMA_VERSION:
        if read_only:
            con.close()
            raise WorkspaceError(
                f"schema {version} needs migrating to {SCHEMA_VERSION}; open it once for writing",
                path=path,
            )
        con.execute("BEGIN")
        for v in range(version, SCHEMA_VERSION):
            for stmt in MIGRATIONS[v]:
                con.execute(stmt)
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
