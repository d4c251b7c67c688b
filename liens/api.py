"""The library API: a workspace you import into, analyse, query as DataFrames, report and export.

The CLI and the report call these same methods, so what a notebook gets is what the command
line prints::

    import liens
    ws = liens.Workspace("community.duckdb")
    ws.import_file("higgs-activity_time.txt.gz", platform="twitter", delimiter=" ",
                   header=False, names=["a", "b", "ts", "type"],
                   columns={"actor": "a", "target": "b", "created_at": "ts", "kind": "type"})
    ws.analyze()
    ws.table("members").sort_values("events_out", ascending=False).head()
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from liens.analysis import AnalysisParams, run_analyses
from liens.errors import LiensError
from liens.sources import ReadOptions, detect_reader, get_reader
from liens.sources.files import check_readable
from liens.sources.mapping import read_mapping_file
from liens.store import ImportResult, import_chunks, list_tables, open_workspace
from liens.store.ingest import file_digest

__all__ = ["EXPORT_FORMATS", "Workspace"]

EXPORT_FORMATS = ("parquet", "csv", "gexf", "graphml")
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Workspace:
    """One community's data and results, stored in a DuckDB file.

    Parameters
    ----------
    path : str or Path, optional
        The workspace file; default ``$LIENS_WORKSPACE`` or ``./liens.duckdb``.
    read_only : bool
        Open without writing (several readers may share the file).
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.con = open_workspace(path, read_only=read_only)
        self.path = Path(self.con.execute("PRAGMA database_list").fetchone()[2] or "")

    # -- context manager -------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import ----------------------------------------------------------------------------
    def import_file(
        self,
        path: str | Path,
        *,
        format: str | None = None,
        platform: str | None = None,
        tz: str | None = None,
        columns: dict[str, str] | None = None,
        kinds: dict[str, str] | None = None,
        constants: dict[str, str] | None = None,
        delimiter: str | None = None,
        header: bool | None = None,
        names: list[str] | None = None,
        mapping_file: str | Path | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Import one file (or dump folder) in one transaction; see ``liens.store.ingest``.

        Returns the counts (read = accepted + duplicate + quarantined). Raises
        :class:`~liens.errors.SourceError` when the file cannot be read or yields nothing; the
        workspace is then unchanged.
        """
        p = Path(path)
        check_readable(p)
        options = ReadOptions()
        if mapping_file is not None:
            file_format, options = read_mapping_file(Path(mapping_file))
            format = format or file_format
        if platform is not None:
            options.platform = platform
        if tz is not None:
            options.tz = tz
        options.columns.update(columns or {})
        options.kinds.update(kinds or {})
        options.constants.update(constants or {})
        if delimiter is not None:
            options.delimiter = delimiter
        if header is not None:
            options.header = header
        if names is not None:
            options.names = names
        if "platform" in options.constants and not options.platform:
            options.platform = options.constants.pop("platform")
        reader = get_reader(format) if format else detect_reader(p)
        return import_chunks(
            self.con,
            p,
            reader.read(p, options),
            fmt=reader.name,
            options=options,
            digest=file_digest(p),
            on_progress=on_progress,
        )

    # -- reading ---------------------------------------------------------------------------
    def tables(self) -> list[str]:
        """Names of the tables in the workspace: canonical first, then analysis results."""
        return list_tables(self.con)

    def table(self, name: str, limit: int | None = None) -> pd.DataFrame:
        """A workspace table as a DataFrame."""
        if not _TABLE_NAME.match(name) or name not in self.tables():
            raise LiensError(
                f"no table {name!r} in this workspace; tables: {', '.join(self.tables())}"
            )
        sql = f'SELECT * FROM "{name}"' + (f" LIMIT {int(limit)}" if limit else "")
        return self.con.execute(sql).df()

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run any SQL on the workspace and return a DataFrame."""
        return self.con.execute(query, params or []).df()

    def status(self) -> dict[str, Any]:
        """What the workspace holds: counts by kind and platform, time range, quarantine."""
        con = self.con
        events, first, last = con.execute(
            "SELECT count(*), min(created_at), max(created_at) FROM events"
        ).fetchone()
        return {
            "workspace": str(self.path),
            "events": events,
            "by_kind": dict(
                con.execute(
                    "SELECT kind, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1"
                ).fetchall()
            ),
            "by_platform": dict(
                con.execute(
                    "SELECT platform, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1"
                ).fetchall()
            ),
            "accounts": con.execute("SELECT count(*) FROM accounts").fetchone()[0],
            "posts": con.execute("SELECT count(*) FROM posts").fetchone()[0],
            "quarantined": con.execute("SELECT count(*) FROM quarantine").fetchone()[0],
            "imports": con.execute("SELECT count(*) FROM imports").fetchone()[0],
            "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
            "tables": self.tables(),
        }

    def quarantine(self, limit: int | None = None) -> pd.DataFrame:
        """Records set aside at import, with file, record, line, field, reason and raw text."""
        sql = (
            "SELECT source_file, record, line, field, reason, raw, import_id FROM quarantine "
            "ORDER BY import_id, record NULLS LAST, line"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.con.execute(sql).df()

    def set_owned(self, accounts: list[str], owned: bool = True) -> int:
        """Mark accounts as the brand's own (``accounts.owned``), or unmark them.

        Each name matches an ``account_id`` exactly or a ``handle`` case-insensitively (with
        or without a leading ``@``). Returns the number of account rows changed; raises
        :class:`~liens.errors.LiensError` naming the names that match no account.
        """
        names = [str(a) for a in accounts]
        lowered = [n.lower().lstrip("@") for n in names]
        found = self.con.execute(
            """SELECT DISTINCT n FROM unnest(?) AS t(n) JOIN accounts a
            ON a.account_id = n OR lower(ltrim(a.handle, '@')) = lower(ltrim(n, '@'))""",
            [names],
        ).fetchall()
        missing = sorted(set(names) - {r[0] for r in found})
        if missing:
            raise LiensError(f"no account {', '.join(map(repr, missing))}: give ids or handles")
        return self.con.execute(
            """UPDATE accounts SET owned = ? WHERE (list_contains(?, account_id)
              OR list_contains(?, lower(ltrim(handle, '@')))) AND owned IS DISTINCT FROM ?""",
            [owned, names, lowered, owned],
        ).fetchone()[0]

    # -- analysis and outputs --------------------------------------------------------------
    def analyze(
        self,
        *,
        start: str | None = None,
        end: str | None = None,
        layers: list[str] | None = None,
        only: list[str] | None = None,
        seed: int = 42,
        options: dict[str, Any] | None = None,
        on_step: Callable[[str, str], None] | None = None,
    ) -> dict[str, int]:
        """Run every analysis (or ``only`` some) and store the result tables.

        Returns the number of rows written per table.
        """
        if self.con.execute("SELECT count(*) FROM events").fetchone()[0] == 0:
            raise LiensError("the workspace has no events yet: import data first")
        params = AnalysisParams(
            start=start, end=end, layers=layers, seed=seed, options=dict(options or {})
        )
        return run_analyses(self.con, params, only=only, on_step=on_step)

    def export(
        self, out_dir: str | Path, format: str = "parquet", params: AnalysisParams | None = None
    ) -> list[Path]:
        """Write the workspace to ``out_dir``.

        ``parquet``/``csv``: every table, canonical and analysis, one file each (table name +
        extension). ``gexf``/``graphml``: the tie graph as ``network.gexf``/``network.graphml``
        with member and tie attributes (readable by Gephi and networkx), over ``params``'
        window and layers.
        """
        if format not in EXPORT_FORMATS:
            raise LiensError(
                f"unknown export format {format!r}; one of {', '.join(EXPORT_FORMATS)}",
                field="--format",
            )
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        if format in ("gexf", "graphml"):
            from liens.analysis.graph import write_graph

            target = out / f"network.{format}"
            tmp = out / f".network.{format}.part"
            write_graph(self.con, tmp, format, params or AnalysisParams())
            tmp.replace(target)
            return [target]
        written = []
        for name in self.tables():
            target = out / f"{name}.{format}"
            tmp = target.with_suffix(target.suffix + ".part")
            opts = "(FORMAT parquet, COMPRESSION zstd)" if format == "parquet" else "(HEADER)"
            self.con.execute(f"COPY \"{name}\" TO '{_sql_path(tmp)}' {opts}")
            tmp.replace(target)  # a reader never sees a half-written file
            written.append(target)
        return written

    def resolve_account(self, name: str, platform: str | None = None) -> tuple[str, str]:
        """``(platform, account_id)`` of an account given by id or handle (case-insensitive).

        Raises :class:`LiensError` when no account or several accounts match.
        """
        rows = self.con.execute(
            "SELECT DISTINCT platform, account_id FROM accounts WHERE (account_id = $n OR "
            "lower(handle) = lower($n)) AND ($p IS NULL OR platform = $p) ORDER BY 1, 2",
            {"n": name, "p": platform},
        ).fetchall()
        if not rows:
            raise LiensError(f"no account {name!r} in this workspace", field="account")
        if len(rows) > 1:
            options = ", ".join(f"{p}:{a}" for p, a in rows[:5])
            raise LiensError(
                f"{name!r} matches several accounts ({options}); give --platform or the id",
                field="account",
            )
        return rows[0]

    def handles(self, account_ids: list[str]) -> dict[str, str]:
        """Handle (or display name) of each account id that has one."""
        if not account_ids:
            return {}
        rows = self.con.execute(
            "SELECT account_id, coalesce(handle, display_name) FROM accounts "
            "WHERE account_id IN (SELECT unnest($ids)) AND coalesce(handle, display_name) "
            "IS NOT NULL",
            {"ids": account_ids},
        ).fetchall()
        return dict(rows)

    def connection(self, a: str, b: str, platform: str | None = None) -> dict[str, Any]:
        """How ``a`` is connected to ``b``: shortest paths, the strongest path, mutual contacts.

        Reads the ``ties_undirected`` table written by ``analyze``; see
        :func:`liens.analysis.groupability.connection_paths`.
        """
        from liens.analysis.groupability import connection_paths

        if "ties_undirected" not in self.tables():
            raise LiensError("no ties yet: run liens analyze first")
        pa_, ida = self.resolve_account(a, platform)
        pb_, idb = self.resolve_account(b, platform or pa_)
        if pa_ != pb_:
            raise LiensError(f"{a!r} and {b!r} are on different platforms ({pa_}, {pb_})")
        return connection_paths(self.con, ida, idb, platform=pa_)

    def report(self, out_dir: str | Path, lang: str = "en", title: str | None = None) -> Path:
        """Write the HTML report to ``out_dir/index.html`` and return its path."""
        from liens.report import write_report

        return write_report(self.con, Path(out_dir), lang=lang, title=title)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
