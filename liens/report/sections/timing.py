"""Best time to publish: engagement lift by slot with intervals, audience activity, regularity.

Reads ``best_time_slots``, ``best_time_activity`` and ``posting_regularity`` (analysis
``timing``; times are in the community's time zone, UTC unless ``timezone`` was given).
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import plotly.graph_objects as go

from liens.report.context import Chart, ReportContext
from liens.report.sections.base import Section
from liens.report.sections.network import display_names

__all__ = ["SECTION", "activity_chart", "gather", "lift_chart"]

TOP_SLOTS = 8


def _hours(ctx: ReportContext, start: int, end: int) -> str:
    if ctx.lang == "fr":
        return f"{start} h – {end} h"
    return f"{start:02d}:00–{end:02d}:00"


def lift_chart(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> Chart:
    """Weekday × block heatmap of the lift over the median slot; thin slots shown blank.

    Diverging colours centred on 0 (the median slot); a slot with too few posts has no
    colour and says so on hover, a recommended slot carries a star.
    """
    rows = con.execute("SELECT * FROM best_time_slots ORDER BY hour_start, weekday").df()
    blocks = sorted({(int(a), int(b)) for a, b in zip(rows.hour_start, rows.hour_end, strict=True)})
    t = ctx.locale.t
    z, text, hover = [], [], []
    index = {(int(r.weekday), int(r.hour_start)): r for r in rows.itertuples()}
    for start, end in blocks:
        zr, tr, hr = [], [], []
        for day in range(7):
            r = index.get((day, start))
            label = f"{ctx.locale.weekday(day)}, {_hours(ctx, start, end)}"
            if r is None:
                zr.append(None), tr.append(""), hr.append(f"{label}: {t('timing.no_posts')}")
            elif not r.enough_history or r.lift != r.lift:
                zr.append(None), tr.append(f"n={r.posts}")
                hr.append(f"{label}: {t('timing.thin', n=ctx.locale.number(r.posts))}")
            else:
                zr.append(round(100 * r.lift, 1))
                tr.append("★" if r.recommended else "")
                hr.append(
                    t(
                        "timing.slot_hover",
                        slot=label,
                        lift=_signed(ctx, r.lift),
                        low=_signed(ctx, r.lift_low),
                        high=_signed(ctx, r.lift_high),
                        posts=ctx.locale.number(r.posts),
                        mean=ctx.locale.number(r.mean, 1),
                    )
                )
        z.append(zr), text.append(tr), hover.append(hr)
    bound = max((abs(v) for row in z for v in row if v is not None), default=1) or 1
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[ctx.locale.weekday(d, short=True) for d in range(7)],
            y=[_hours(ctx, a, b) for a, b in blocks],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 13, "color": "#1d2733"},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=[[0, "#b45309"], [0.5, "#f7f7f7"], [1, "#1f5f8b"]],
            zmin=-bound,
            zmax=bound,
            xgap=3,
            ygap=3,
            colorbar={"thickness": 12, "ticksuffix": "\u202f%" if ctx.lang == "fr" else "%",
                      "title": {"text": t("timing.lift_axis")}},
        )
    )  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed"}, plot_bgcolor="#eceff3")
    return ctx.chart(fig, height=60 + 42 * len(blocks))


def _signed(ctx: ReportContext, x: float | None) -> str:
    if x is None or x != x:
        return "–"
    return ("+" if x > 0 else "") + ctx.locale.percent(x, 0)


def activity_chart(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> Chart:
    """When the audience acts: activity index per weekday and hour (1 = the average hour)."""
    grid = [[0.0] * 24 for _ in range(7)]
    for day, hour, idx in con.execute(
        "SELECT weekday, hour, index FROM best_time_activity"
    ).fetchall():
        grid[int(day)][int(hour)] = 0.0 if idx is None or math.isnan(idx) else round(idx, 2)
    hours = [f"{h} h" if ctx.lang == "fr" else f"{h}:00" for h in range(24)]
    word = ctx.locale.t("timing.index_hover")
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=hours,
            y=[ctx.locale.weekday(i) for i in range(7)],
            colorscale=[[0, "#f3f7fb"], [0.4, "#9ecae1"], [0.75, "#3182bd"], [1, "#08306b"]],
            xgap=2,
            ygap=2,
            colorbar={"thickness": 12},
            hovertemplate=f"%{{y}}, %{{x}}: {word} %{{z}}<extra></extra>",
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"dtick": 2})
    return ctx.chart(fig, height=300)


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Slot heatmap and table, audience activity, regularity; None without the analysis."""
    if not ctx.has("best_time_slots", "best_time_activity", "posting_regularity"):
        return None
    slots, rated, recommended, thin_posts = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE enough_history),
             count(*) FILTER (WHERE recommended), sum(posts) FILTER (WHERE NOT enough_history)
           FROM best_time_slots"""
    ).fetchone()
    if not slots:
        return None
    best = con.execute(
        f"""SELECT * FROM best_time_slots WHERE enough_history ORDER BY rank LIMIT {TOP_SLOTS}"""
    ).df()
    names = display_names(con)
    regularity = con.execute(
        "SELECT * FROM posting_regularity ORDER BY owned DESC, publications DESC, account"
    ).df()
    return {
        "slots": slots,
        "rated": rated,
        "recommended": recommended,
        "thin": slots - rated,
        "thin_posts": thin_posts or 0,
        "lift_chart": lift_chart(con, ctx),
        "best": [
            {**r, "day_name": ctx.locale.weekday(int(r["weekday"])),
             "hours": _hours(ctx, int(r["hour_start"]), int(r["hour_end"]))}
            for r in best.to_dict("records")
        ],
        "activity": activity_chart(con, ctx),
        "regularity": [
            {**{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()},
             "name": names.get(r["account"], r["account"])}
            for r in regularity.to_dict("records")
        ],
        "owned": bool(regularity["owned"].any()) if len(regularity) else False,
    }  # fmt: skip


SECTION = Section("timing", "timing.title", gather, "timing.html.j2", analysis="timing")
