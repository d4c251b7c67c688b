"""Overview: what was imported, the period covered, and the volume of each kind of event."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import duckdb

from liens.report.attribution import credits_for
from liens.report.context import ReportContext, kind_color
from liens.report.sections.base import Section

__all__ = ["SECTION", "gather"]


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Key figures, import log, and events per kind and platform (canonical tables only)."""
    events, actors, first, last = con.execute(
        "SELECT count(*), count(DISTINCT actor), min(created_at), max(created_at) FROM events"
    ).fetchone()
    accounts = con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    publications = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    imports = [
        {
            "name": PurePath(path).name or path,
            "path": path,
            "format": fmt,
            "at": at,
            "read": read,
            "accepted": accepted,
            "duplicate": duplicate,
            "quarantined": quarantined,
        }
        for path, fmt, at, read, accepted, duplicate, quarantined in con.execute(
            """SELECT path, format, finished_at, read, accepted, duplicate, quarantined
               FROM imports ORDER BY import_id"""
        ).fetchall()
    ]
    by_kind = [
        {
            "kind": kind,
            "label": ctx.kind(kind),
            "platform": platform,
            "events": n,
            "share": n / events if events else 0.0,
            "color": kind_color(kind),
        }
        for kind, platform, n in con.execute(
            "SELECT kind, platform, count(*) AS n FROM events GROUP BY ALL ORDER BY n DESC, kind"
        ).fetchall()
    ]
    return {
        "events": events,
        "actors": actors,
        "accounts": accounts,
        "publications": publications,
        "first": first,
        "last": last,
        "days": (last.date() - first.date()).days + 1 if first else 0,
        "imports": imports,
        "by_kind": by_kind,
        "platforms": sorted({r["platform"] for r in by_kind}),
        "max_share": max((r["share"] for r in by_kind), default=1.0) or 1.0,
        "credits": credits_for(con),
    }


SECTION = Section("overview", "overview.title", gather, "overview.html.j2")
