"""Hashtags: the most used (spelling variants merged) and which go together.

Reads ``hashtags`` and ``hashtag_pairs`` (analysis ``hashtags``): ``#AllezLaFrance``,
``#allez_la_france`` and ``#allezlafrance`` are one hashtag, shown with its variants.
"""

from __future__ import annotations

from typing import Any

import duckdb
import plotly.graph_objects as go

from liens.report.context import Chart, ReportContext
from liens.report.sections.base import Section

__all__ = ["SECTION", "gather", "top_chart"]

TOP_TAGS = 20
TOP_PAIRS = 15


def top_chart(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> Chart:
    """Horizontal bars of the most used hashtags, with the accounts using each on hover."""
    rows = con.execute(
        f"SELECT label, uses, accounts FROM hashtags ORDER BY uses DESC, key LIMIT {TOP_TAGS}"
    ).fetchall()
    rows = rows[::-1]  # plotly draws the first bar at the bottom
    word = ctx.locale.t("hashtags.hover")
    fig = go.Figure(
        go.Bar(
            x=[int(r[1]) for r in rows],
            y=[f"#{r[0]}" for r in rows],
            orientation="h",
            marker_color="#2a9d8f",
            customdata=[int(r[2]) for r in rows],
            hovertemplate=f"%{{y}}: %{{x:,}} · {word}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": {"text": ctx.label("uses")}, "gridcolor": "#e5e7eb"},
        margin={"l": 150},
    )
    chart = ctx.chart(fig, height=28 * len(rows) + 70)
    return chart


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Top hashtags with variants, merged spellings, top pairs; None without hashtags."""
    if not ctx.has("hashtags", "hashtag_pairs"):
        return None
    total, uses, merged = con.execute(
        "SELECT count(*), sum(uses), count(*) FILTER (WHERE len(variants) > 1) FROM hashtags"
    ).fetchone()
    if not total:
        return None
    tags = con.execute(
        f"""SELECT label, variants, uses, accounts, first_seen, last_seen FROM hashtags
            ORDER BY uses DESC, key LIMIT {TOP_TAGS}"""
    ).df()
    variants = con.execute(
        """SELECT label, variants, uses FROM hashtags WHERE len(variants) > 1
           ORDER BY uses DESC, key LIMIT 10"""
    ).df()
    pairs = con.execute(
        f"""SELECT label_a, label_b, together, jaccard FROM hashtag_pairs
            ORDER BY together DESC, jaccard DESC, key_a, key_b LIMIT {TOP_PAIRS}"""
    ).df()
    return {
        "total": total,
        "uses": uses,
        "merged": merged,
        "chart": top_chart(con, ctx),
        "tags": [{**r, "variants": list(r["variants"])} for r in tags.to_dict("records")],
        "variants": [{**r, "variants": list(r["variants"])} for r in variants.to_dict("records")],
        "pairs": pairs.to_dict("records"),
    }


SECTION = Section("hashtags", "hashtags.title", gather, "hashtags.html.j2", analysis="hashtags")
