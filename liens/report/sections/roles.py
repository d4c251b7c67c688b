"""Who matters: stages of presence, inequality, prescripteurs, advocates, audience, posture.

Reads the tables of the ``roles`` analysis (``member_stages``, ``stage_distribution``,
``contribution_inequality``, ``stage_transitions``, ``influence``, ``influence_correlations``,
``advocates``, ``audience_segments``, ``brand_posture``, ``share_of_voice``). Every number
shown is read from those tables or summed from them here, never recomputed otherwise.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from liens.analysis.stages import STAGES
from liens.report.context import ReportContext
from liens.report.sections.base import Section
from liens.report.sections.network import display_names

__all__ = ["SECTION", "STAGE_COLORS", "gather", "transitions"]

TABLES = (
    "member_stages", "stage_distribution", "contribution_inequality", "stage_transitions",
    "influence", "influence_correlations", "advocates", "audience_segments", "brand_posture",
    "share_of_voice",
)  # fmt: skip
TOP_INFLUENCE = 15
TOP_ROLES = 8
TOP_POSTURE = 10
LAST_PERIODS = 8
STAGE_COLORS = {
    "present": "#c9cdd4",
    "relai": "#e9c46a",
    "producteur": "#3a9bd9",
    "power_networker": "#1f5f8b",
}
SEGMENT_COLORS = {
    "participants": "#1f5f8b",
    "spectators": "#7cc4a4",
    "dormant": "#e9c46a",
    "unreached": "#c9cdd4",
}


def _records(df: pd.DataFrame, names: dict[str, str], key: str = "account") -> list[dict]:
    """Rows as dicts, NaN as None, with the member's display name under ``name``."""
    out = []
    for r in df.to_dict("records"):
        row = {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
        row["name"] = names.get(row[key], row.get("handle") or row[key])
        out.append(row)
    return out


def _pyramid(con, ctx: ReportContext) -> tuple[list[dict], Any, dict | None]:
    """Stage distribution summed over platforms, the pyramid chart (top = rarest) and the
    influencers (a flag across stages: the top 1% by engagement received)."""
    rows = con.execute(
        """SELECT stage, sum(members) AS members, sum(contributions) AS contributions,
             sum(engagement_received) AS engagement FROM stage_distribution GROUP BY stage"""
    ).df()
    # the ``influencer`` row is a flag across stages: counting it would count members twice
    flagged = rows[rows["stage"] == "influencer"]
    rows = rows[rows["stage"].isin(STAGES)]
    total = {c: float(rows[c].sum()) for c in ("members", "contributions", "engagement")}
    by_stage = {r["stage"]: r for r in rows.to_dict("records")}
    stages = []
    for s in STAGES:
        r = by_stage.get(s, {"members": 0, "contributions": 0, "engagement": 0})
        stages.append(
            {
                "stage": s,
                "members": int(r["members"]),
                "share": r["members"] / total["members"] if total["members"] else None,
                "contribution_share": r["contributions"] / total["contributions"]
                if total["contributions"]
                else None,
                "engagement_share": r["engagement"] / total["engagement"]
                if total["engagement"]
                else None,
                "color": STAGE_COLORS[s],
            }
        )
    top = list(reversed(stages))
    fig = go.Figure(
        go.Bar(
            y=[ctx.locale.t(f"stage.{s['stage']}") for s in top],
            x=[s["members"] for s in top],
            orientation="h",
            marker_color=[s["color"] for s in top],
            text=[ctx.locale.percent(s["share"]) for s in top],
            textposition="outside",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    # powers of ten only, and room on the right for the share written after each bar
    top_value = max([s["members"] for s in stages] + [10])
    axis = {"type": "log", "title": ctx.locale.t("roles.members_axis"), "dtick": 1,
            "range": [0, math.log10(top_value) * 1.18]}  # fmt: skip
    fig.update_layout(showlegend=False, xaxis=axis)
    influencers = None
    if len(flagged) and total["members"]:
        f = flagged.iloc[0]
        influencers = {
            "members": int(f["members"]),
            "share": f["members"] / total["members"],
            "engagement_share": f["engagement"] / total["engagement"]
            if total["engagement"]
            else None,
        }
    return stages, ctx.chart(fig, height=260), influencers


def transitions(con: duckdb.DuckDBPyConnection, last: int = LAST_PERIODS) -> list[dict]:
    """Per period: members arriving, moving up, moving down, staying (stage order of STAGES)."""
    order = ", ".join(f"('{s}', {i})" for i, s in enumerate(STAGES))
    rows = con.execute(
        f"""WITH o(stage, k) AS (VALUES {order})
            SELECT t.period,
              sum(members) FILTER (WHERE from_stage = 'new') AS arrived,
              sum(members) FILTER (WHERE a.k < b.k) AS up,
              sum(members) FILTER (WHERE a.k > b.k) AS down,
              sum(members) FILTER (WHERE a.k = b.k AND from_stage <> 'present') AS stayed,
              sum(members) FILTER (WHERE to_stage IN ('producteur', 'power_networker'))
                AS speaking
            FROM stage_transitions t LEFT JOIN o a ON a.stage = t.from_stage
              LEFT JOIN o b ON b.stage = t.to_stage
            GROUP BY t.period ORDER BY t.period DESC LIMIT {int(last)}"""
    ).df()
    return [
        {k: (0 if v != v or v is None else v) for k, v in r.items()}
        for r in rows.to_dict("records")
    ][::-1]


def _segments(con, ctx: ReportContext) -> tuple[dict | None, Any]:
    df = con.execute(
        """SELECT period, sum(known) AS known, sum(participants) AS participants,
             sum(spectators) AS spectators, sum(dormant) AS dormant,
             sum(unreached) AS unreached FROM audience_segments GROUP BY period ORDER BY period"""
    ).df()
    if df.empty:
        return None, None
    fig = go.Figure()
    for seg, color in SEGMENT_COLORS.items():
        fig.add_trace(
            go.Scatter(
                x=df["period"], y=df[seg] / df["known"], name=ctx.locale.t(f"segment.{seg}"),
                stackgroup="one", line={"width": 0.5, "color": color}, fillcolor=color,
                hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>%{fullData.name}</extra>",
            )
        )  # fmt: skip
    fig.update_layout(yaxis={"tickformat": ".0%", "range": [0, 1]}, legend={"orientation": "h"})
    last = {k: (v.to_pydatetime() if k == "period" else int(v)) for k, v in df.iloc[-1].items()}
    return last, ctx.chart(fig, height=320)


def _sov(con, ctx: ReportContext, names: dict[str, str]) -> tuple[list[dict], Any]:
    totals = con.execute(
        """SELECT account, any_value(handle) AS handle, any_value(basis) AS basis,
             sum(mentions) AS mentions, sum(engagement) AS engagement, sum(voice) AS voice,
             sum(voice) / sum(sum(voice)) OVER () AS share
           FROM share_of_voice GROUP BY account ORDER BY voice DESC, account"""
    ).df()
    per = con.execute(
        "SELECT period, account, share_of_voice FROM share_of_voice ORDER BY period"
    ).df()
    fig = go.Figure()
    for acc in totals["account"]:
        sub = per[per["account"] == acc]
        fig.add_trace(
            go.Bar(
                x=sub["period"], y=sub["share_of_voice"], name=names.get(acc, acc),
                hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>%{fullData.name}</extra>",
            )
        )  # fmt: skip
    fig.update_layout(barmode="stack", bargap=0.05, yaxis={"tickformat": ".0%"},
                      legend={"orientation": "h"})  # fmt: skip
    return _records(totals, names), ctx.chart(fig, height=320)


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Every table of the roles analysis, summarised; None when the analysis has not run."""
    if not ctx.has(*TABLES):
        return None
    names = display_names(con)
    stages, pyramid, influencers = _pyramid(con, ctx)
    ineq = con.execute(
        """SELECT * FROM contribution_inequality ORDER BY members DESC LIMIT 1"""
    ).df()
    influence = con.execute(
        f"""SELECT * FROM influence ORDER BY influence_rank, account LIMIT {TOP_INFLUENCE}"""
    ).df()
    hidden = con.execute(
        "SELECT * FROM influence WHERE hidden_prescripteur ORDER BY influence_rank, account"
    ).df()
    rho = con.execute(
        """SELECT spearman, n FROM influence_correlations WHERE subset = 'all'
           AND ((measure_a = 'audience' AND measure_b = 'influence')
             OR (measure_a = 'influence' AND measure_b = 'audience'))
           ORDER BY n DESC LIMIT 1"""
    ).fetchone()
    roles = {}
    for role, order in (("advocate", "advocacy_score"), ("defender", "defences"),
                        ("detractor", "critic_acts")):  # fmt: skip
        df = con.execute(
            f"""SELECT * FROM advocates WHERE {role}
                ORDER BY {order} DESC, posts_engaged DESC, account LIMIT {TOP_ROLES}"""
        ).df()
        total = con.execute(f"SELECT count(DISTINCT account) FROM advocates WHERE {role}")
        rows = [{**r, "brand_name": names.get(r["brand"], r["brand"])} for r in _records(df, names)]
        roles[role] = {"rows": rows, "total": total.fetchone()[0]}
    posture = con.execute(
        f"SELECT * FROM brand_posture ORDER BY incoming DESC, account LIMIT {TOP_POSTURE}"
    ).df()
    basis = [r[0] for r in con.execute("SELECT DISTINCT basis FROM brand_posture").fetchall()]
    segments, segments_chart = _segments(con, ctx)
    sov, sov_chart = _sov(con, ctx, names)
    sov_basis = [r[0] for r in con.execute("SELECT DISTINCT basis FROM share_of_voice").fetchall()]
    return {
        "stages": stages,
        "pyramid": pyramid,
        "influencers": influencers,
        "members": sum(s["members"] for s in stages),
        "inequality": _records(ineq, {}, key="platform")[0] if len(ineq) else None,
        "transitions": transitions(con),
        "influence": _records(influence, names),
        "influence_total": con.execute("SELECT count(*) FROM influence").fetchone()[0],
        "amplified": bool(influence["amplification"].fillna(0).gt(0).any()),
        "hidden": _records(hidden, names),
        "rho": None if rho is None or rho[0] != rho[0] else rho[0],
        "roles": roles,
        "brands": con.execute("SELECT count(DISTINCT brand) FROM advocates").fetchone()[0],
        "posture": _records(posture, names),
        "posture_total": con.execute("SELECT count(*) FROM brand_posture").fetchone()[0],
        "posture_activity": "activity" in basis,
        "segments": segments,
        "segments_chart": segments_chart,
        "sov": sov,
        "sov_chart": sov_chart,
        "sov_activity": "activity" in sov_basis,
    }


SECTION = Section("roles", "roles.title", gather, "roles.html.j2", analysis="roles")
