"""Data quality: records set aside at import, and what the data does not say (hidden authors,
dates without a time of day)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import duckdb

from liens.report.context import ReportContext
from liens.report.sections.base import Section

__all__ = ["EXAMPLES_PER_REASON", "SECTION", "gather"]

EXAMPLES_PER_REASON = 3
_RAW_CHARS = 160  # enough to recognise the record, short enough for a table cell


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Quarantine counts by reason with examples; anonymous and day-precision events."""
    total = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    reasons = [
        {"reason": reason, "field": field, "n": n, "share": n / total}
        for reason, field, n in con.execute(
            """SELECT reason, field, count(*) AS n FROM quarantine
               GROUP BY ALL ORDER BY n DESC, reason"""
        ).fetchall()
    ]
    examples = [
        {
            "file": PurePath(f).name if f else "",
            # the line in the file when the reader knows it, else the record's number
            "line": line,
            "record": record,
            "field": field,
            "reason": reason,
            "raw": (raw or "")[:_RAW_CHARS] + ("…" if raw and len(raw) > _RAW_CHARS else ""),
        }
        for f, line, record, field, reason, raw in con.execute(
            f"""SELECT source_file, line, record, field, reason, raw FROM (
                  SELECT *, row_number() OVER (PARTITION BY reason ORDER BY import_id, record)
                    AS k FROM quarantine)
                WHERE k <= {EXAMPLES_PER_REASON} ORDER BY reason, import_id, record"""
        ).fetchall()
    ]
    events, anonymous, day_precision = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE actor IS NULL),
             count(*) FILTER (WHERE json_extract_string(extra, '$.time_precision') = 'day')
           FROM events"""
    ).fetchone()
    return {
        "total": total,
        "reasons": reasons,
        "examples": examples,
        "events": events,
        "anonymous": anonymous,
        "day_precision": day_precision,
    }


SECTION = Section("quality", "quality.title", gather, "quality.html.j2")
