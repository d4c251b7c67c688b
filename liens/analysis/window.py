"""The slice of events an analysis works on: a time window and interaction layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from liens.analysis import AnalysisParams

__all__ = ["events_query"]


def events_query(params: AnalysisParams, *, layered: bool = False) -> tuple[str, list]:
    """SQL selecting the events in the window (and, when ``layered``, in the chosen layers).

    Returns ``(sql, parameters)`` for ``con.execute``; use it as a subquery.
    """
    where, args = [], []
    if params.start:
        where.append("created_at >= CAST(? AS TIMESTAMP)")
        args.append(params.start)
    if params.end:
        where.append("created_at < CAST(? AS TIMESTAMP)")
        args.append(params.end)
    if layered and params.layers:
        where.append(f"kind IN ({', '.join('?' for _ in params.layers)})")
        args.extend(params.layers)
    sql = "SELECT * FROM events" + (f" WHERE {' AND '.join(where)}" if where else "")
    return sql, args
