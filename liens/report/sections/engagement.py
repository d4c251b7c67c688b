"""What works: engagement per publication, ROE per account, the two-hour rule, content types.

Reads ``post_engagement`` and the engagement columns of ``members`` (analysis
``engagement``), ``engagement_velocity`` and ``engagement_forecast`` (``forecast``), and
``content_type_engagement`` (``content_types``) when present.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import plotly.graph_objects as go

from liens.analysis.engagement import DEFAULT_ENGAGEMENT_WEIGHTS
from liens.report.context import Chart, ReportContext, kind_color
from liens.report.sections.base import Section
from liens.report.sections.network import display_names

__all__ = ["SECTION", "forecast_rows", "gather", "velocity_chart"]

TOP_POSTS = 10
TOP_ACCOUNTS = 12
MIN_PUBLICATIONS = 3  # an ROE over one or two posts is luck, not a rate
EXAMPLE_EARLY = (0, 1, 3)  # early counts whose forecast the table spells out
_BREAKDOWN = ("replies", "comments", "shares", "quotes", "reactions", "votes_up", "votes_down",
              "accepts")  # fmt: skip
_BREAKDOWN_KIND = {"replies": "reply", "comments": "comment", "shares": "share",
                   "quotes": "quote", "reactions": "reaction", "votes_up": "vote",
                   "votes_down": "vote", "accepts": "accept"}  # fmt: skip


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def _top_posts(con, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = con.execute(
        f"""SELECT e.*, p.title, left(coalesce(p.text, ''), 140) AS excerpt, p.url
            FROM post_engagement e LEFT JOIN posts p USING (platform, post_id)
            ORDER BY e.engagement DESC NULLS LAST, e.interactions DESC, e.post_id
            LIMIT {TOP_POSTS}"""
    ).df()
    out = []
    for r in rows.to_dict("records"):
        r = _clean(r)
        r["name"] = names.get(r["author"], r["author"])
        r["parts"] = [
            {"column": c, "n": int(r[c]), "color": kind_color(_BREAKDOWN_KIND[c])}
            for c in _BREAKDOWN
            if r.get(c)
        ]
        out.append(r)
    return out


def _accounts(con, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = con.execute(
        f"""SELECT account, publications, interactions_received, roe, weighted_roe FROM members
            WHERE publications >= {MIN_PUBLICATIONS}
            ORDER BY interactions_received DESC, account LIMIT {TOP_ACCOUNTS}"""
    ).df()
    return [
        {**_clean(r), "name": names.get(r["account"], r["account"])}
        for r in rows.to_dict("records")
    ]


def velocity_chart(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> Chart:
    """Cumulative interactions against hours since publication: percentile bands, median."""
    v = con.execute("SELECT * FROM engagement_velocity ORDER BY hours").df()
    hours = [float(h) for h in v["hours"]]
    fig = go.Figure()
    t = ctx.locale.t
    for low, high, color, key in (("p10", "p90", "rgba(58,155,217,0.15)", "band90"),
                                  ("p25", "p75", "rgba(58,155,217,0.35)", "band50")):  # fmt: skip
        fig.add_scatter(x=hours, y=[float(x) for x in v[high]], mode="lines",
                        line={"width": 0}, showlegend=False, hoverinfo="skip")  # fmt: skip
        fig.add_scatter(
            x=hours,
            y=[float(x) for x in v[low]],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=color,
            name=t(f"engagement.{key}"),
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=hours,
        y=[float(x) for x in v["p50"]],
        mode="lines+markers",
        line={"color": "#1f5f8b", "width": 3},
        name=t("engagement.median_post"),
        hovertemplate=t("engagement.velocity_hover") + "<extra></extra>",
        customdata=[float(x) for x in v["share_started"]],
    )
    fig.add_vline(x=2, line={"color": "#e76f51", "dash": "dash", "width": 2})
    fig.add_annotation(x=math.log10(2), y=1, yref="paper", text=t("engagement.two_hours"),
                       showarrow=False, xanchor="left", font={"color": "#e76f51"})  # fmt: skip
    fig.update_layout(
        xaxis={"type": "log", "title": {"text": t("engagement.hours_since")},
               "tickvals": hours, "ticktext": [f"{h:g}" for h in hours]},
        yaxis={"title": {"text": t("engagement.cumulative")}, "gridcolor": "#e5e7eb",
               "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25, "x": 0},
    )  # fmt: skip
    return ctx.chart(fig, height=360)


def forecast_rows(con: duckdb.DuckDBPyConnection, with_bins: bool = True) -> list[dict[str, Any]]:
    """Per early horizon: the fitted ratio and, for a few early counts, forecast and interval.

    With the Szabo-Huberman model fitted per bin of the early count N(h) (see
    :func:`liens.analysis.forecast.fit_forecasts`), a post with N(h) = n in a bin is forecast
    e^shift (1 + n) - 1 within [e^(beta + low) (1 + n) - 1, e^(beta + high) (1 + n) - 1], the
    bin's residual quantiles; the pooled quantiles are used when the bin table is absent.
    """
    rows = con.execute("SELECT * FROM engagement_forecast ORDER BY early_hours").df()
    bins = con.execute("SELECT * FROM engagement_forecast_bins").df() if with_bins else None
    out = []
    for r in rows.to_dict("records"):
        examples = []
        for n in EXAMPLE_EARLY:
            shift, low, high = r["beta"], r["resid_low"], r["resid_high"]
            if bins is not None:
                b = bins[
                    (bins["early_hours"] == r["early_hours"])
                    & (bins["n_low"] <= n)
                    & (bins["n_high"] >= n)
                ]
                if len(b):
                    shift, low, high = b.iloc[0][["shift", "resid_low", "resid_high"]]
            examples.append(
                {
                    "early": n,
                    "final": max(float(n), math.exp(shift) * (1 + n) - 1),
                    "low": max(float(n), math.exp(r["beta"] + low) * (1 + n) - 1),
                    "high": math.exp(r["beta"] + high) * (1 + n) - 1,
                }
            )
        out.append({**_clean(r), "examples": examples})
    return out


def _content_types(con) -> list[dict[str, Any]]:
    rows = con.execute(
        "SELECT * FROM content_type_engagement ORDER BY enough_history DESC, lift DESC NULLS LAST"
    ).df()
    return [_clean(r) for r in rows.to_dict("records")]


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Publications, accounts, velocity and forecast, content types; None without them."""
    if not ctx.has("post_engagement", "members", "posts"):
        return None
    names = display_names(con)
    posts, engaged, median_n, median_first, total = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE interactions > 0), avg(interactions),
             median(hours_to_first), sum(interactions) FROM post_engagement"""
    ).fetchone()
    if not posts:
        return None
    has_velocity = ctx.has("engagement_velocity", "engagement_forecast")
    two_hours = None
    if has_velocity:
        row = con.execute(
            "SELECT share_started, p50, posts FROM engagement_velocity WHERE hours = 2"
        ).fetchone()
        two_hours = {"started": row[0], "median": row[1], "posts": row[2]} if row else None
    return {
        "posts": posts,
        "engaged": engaged,
        "median_interactions": median_n,
        "median_first": median_first,
        "interactions": total,
        "weights": [
            {"kind": k, "label": ctx.kind(k), "weight": w, "color": kind_color(k)}
            for k, w in DEFAULT_ENGAGEMENT_WEIGHTS.items()
        ],
        "top_posts": _top_posts(con, names),
        "accounts": _accounts(con, names),
        "min_publications": MIN_PUBLICATIONS,
        "velocity": velocity_chart(con, ctx) if has_velocity else None,
        "two_hours": two_hours,
        "forecasts": (
            forecast_rows(con, ctx.has("engagement_forecast_bins")) if has_velocity else []
        ),
        "content_types": _content_types(con) if ctx.has("content_type_engagement") else [],
    }


SECTION = Section(
    "engagement", "engagement.title", gather, "engagement.html.j2", analysis="engagement"
)
