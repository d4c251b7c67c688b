"""Activity: volume over time by kind, the hour-of-week heatmap, the most active members.

Reads the tables of the ``activity`` analysis (``activity_daily``, ``activity_hourly``,
``members``).
"""

from __future__ import annotations

from typing import Any

import duckdb
import plotly.graph_objects as go

from liens.report.context import Chart, ReportContext, kind_color
from liens.report.sections.base import Section

__all__ = ["SECTION", "TOP_MEMBERS", "gather", "heatmap", "volume_chart"]

TOP_MEMBERS = 15

# Bars per chart stay readable up to ~150: the bucket widens with the period covered.
_BUCKETS = ((120, "day"), (730, "week"), (None, "month"))


def _bucket(span_days: int) -> str:
    return next(b for limit, b in _BUCKETS if limit is None or span_days <= limit)


def volume_chart(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> tuple[Chart, str, int]:
    """Stacked bars of events per kind and period; returns the chart, bucket and trace count.

    Kinds are stacked largest first so the big, steady kinds form the base and the rarer ones
    stay visible on top.
    """
    first, last = con.execute("SELECT min(day), max(day) FROM activity_daily").fetchone()
    bucket = _bucket((last - first).days + 1) if first else "day"
    rows = con.execute(
        f"""SELECT CAST(date_trunc('{bucket}', day) AS DATE) AS period, kind, sum(events) AS n
            FROM activity_daily GROUP BY ALL ORDER BY period"""
    ).df()
    order = rows.groupby("kind")["n"].sum().sort_values(ascending=False).index
    fig = go.Figure()
    label = ctx.locale.t(f"activity.per_{bucket}")
    date_fmt = {"day": "%d %b %Y", "week": "%d %b %Y", "month": "%b %Y"}[bucket]
    for kind in order:
        part = rows[rows["kind"] == kind]
        fig.add_bar(
            # plain lists: plotly would otherwise encode arrays as base64 typed arrays,
            # which readers of the embedded JSON (and tests) cannot check by eye
            x=[d.isoformat() for d in part["period"]],
            y=[int(n) for n in part["n"]],
            name=ctx.kind(kind),
            marker_color=kind_color(kind),
            hovertemplate=f"%{{x|{date_fmt}}} · {ctx.kind(kind)}: %{{y:,}}<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.1,
        legend={"orientation": "h", "y": -0.12, "x": 0, "traceorder": "normal"},
        yaxis={"title": {"text": label}, "gridcolor": "#e5e7eb", "tickformat": ",d"},
        xaxis={"type": "date"},
        hovermode="closest",
    )
    return ctx.chart(fig, height=420), bucket, len(order)


def heatmap(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> tuple[Chart, int]:
    """Events per weekday (rows, Monday first) and UTC hour; returns the chart and the number
    of events dated to the day only, which ``activity_hourly`` leaves out (they have no hour).
    """
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, n in con.execute(
        "SELECT weekday, hour, events FROM activity_hourly"
    ).fetchall():
        grid[int(weekday)][int(hour)] = int(n)
    removed = con.execute(
        "SELECT count(*) FROM events WHERE json_extract_string(extra, '$.time_precision') = 'day'"
    ).fetchone()[0]
    days = [ctx.locale.weekday(i) for i in range(7)]
    hours = [f"{h} h" if ctx.lang == "fr" else f"{h}:00" for h in range(24)]
    word = ctx.locale.t("activity.heatmap_hover")
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=hours,
            y=days,
            colorscale=[[0, "#f3f7fb"], [0.35, "#9ecae1"], [0.7, "#3182bd"], [1, "#08306b"]],
            xgap=2,
            ygap=2,
            colorbar={"thickness": 12, "tickformat": ",d"},
            hovertemplate=f"%{{y}}, %{{x}}: %{{z:,}} {word}<extra></extra>",
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"tickangle": 0, "dtick": 2})
    return ctx.chart(fig, height=320), removed


def top_members(con: duckdb.DuckDBPyConnection) -> tuple[list[dict[str, Any]], int, int]:
    """The most active members, the number of members who acted, and all members."""
    rows = con.execute(
        f"""SELECT coalesce(handle, account) AS name, account, platform, events_out, events_in,
              posts, active_days, first_seen, last_seen
            FROM members WHERE events_out > 0
            ORDER BY events_out DESC, events_in DESC, account LIMIT {TOP_MEMBERS}"""
    ).df()
    active, everyone = con.execute(
        "SELECT count(*) FILTER (WHERE events_out > 0), count(*) FROM members"
    ).fetchone()
    members = [
        {k: (None if v != v else v) for k, v in r.items()}  # NaT -> None
        for r in rows.to_dict("records")
    ]
    return members, active, everyone


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Charts and the member table; None when the activity analysis has not run."""
    if not ctx.has("activity_daily", "activity_hourly", "members", "events"):
        return None
    volume, bucket, traces = volume_chart(con, ctx)
    hours, removed = heatmap(con, ctx)
    members, active, everyone = top_members(con)
    return {
        "volume": volume,
        "bucket": bucket,
        "traces": traces,
        "heatmap": hours,
        "day_precision": removed,
        "members": members,
        "active": active,
        "everyone": everyone,
        "multi_platform": len({m["platform"] for m in members}) > 1,
    }


SECTION = Section("activity", "activity.title", gather, "activity.html.j2", analysis="activity")
