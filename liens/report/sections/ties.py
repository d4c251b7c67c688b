"""Ties: strong and weak ties, what makes a tie strong, orientation and multiplexity.

Reads ``ties_undirected`` (one row per pair of members, with the Granovetter components
``c_*`` and the composite ``strength``; see :mod:`liens.analysis.ties`).
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import plotly.graph_objects as go

from liens.analysis.ties import COMPONENTS, DEFAULT_COMPONENT_WEIGHTS
from liens.report.context import Chart, ReportContext, kind_color
from liens.report.sections.base import Section
from liens.report.sections.network import display_names

__all__ = ["COMPONENT_COLORS", "SECTION", "gather", "strength_chart"]

TOP_TIES = 15
COMPONENT_COLORS = {
    "frequency": "#1f5f8b",
    "duration": "#3a9bd9",
    "recency": "#7cc4a4",
    "intimacy": "#e76f51",
    "mutuality": "#8e7dbe",
    "services": "#e9c46a",
    "structural": "#2a9d8f",
    "emotional": "#d62828",
}


def strength_chart(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> Chart:
    """Histogram of tie strength, strong and weak ties in two colours."""
    fig = go.Figure()
    for cls, color in (("weak", "#9ecae1"), ("strong", "#1f5f8b")):
        values = [
            float(v)
            for (v,) in con.execute(
                "SELECT strength FROM ties_undirected WHERE strength_class = ? "
                "AND strength IS NOT NULL",
                [cls],
            ).fetchall()
        ]
        name = ctx.locale.t(f"ties.class.{cls}")
        fig.add_histogram(
            x=values,
            name=name,
            marker_color=color,
            xbins={"start": 0, "end": 1, "size": 0.02},
            hovertemplate=f"{name} · %{{x}}: %{{y:,}}<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.05,
        legend={"orientation": "h", "y": -0.2, "x": 0},
        xaxis={"title": {"text": ctx.label("strength")}, "range": [0, 1]},
        yaxis={"title": {"text": ctx.locale.t("ties.pairs")}, "gridcolor": "#e5e7eb"},
    )
    return ctx.chart(fig, height=300)


def _weights(con: duckdb.DuckDBPyConnection) -> dict[str, float] | None:
    """The component weights behind the stored strength: the defaults, checked on the data.

    The table does not keep the weights used; if the defaults do not reproduce the stored
    strength (custom ``component_weights``), contributions are not shown rather than wrong.
    """
    cols = ", ".join(f"c_{c}" for c in COMPONENTS)
    rows = np.asarray(
        con.execute(
            f"SELECT {cols}, strength FROM ties_undirected USING SAMPLE 200 ROWS (reservoir, 7)"
        ).fetchall(),
        dtype=float,
    )
    if len(rows) == 0:
        return dict(DEFAULT_COMPONENT_WEIGHTS)
    w = np.array([DEFAULT_COMPONENT_WEIGHTS[c] for c in COMPONENTS])
    x, s = rows[:, :-1], rows[:, -1]
    defined = ~np.isnan(x)
    expected = np.nansum(x * w, axis=1) / (defined * w).sum(axis=1)
    return dict(DEFAULT_COMPONENT_WEIGHTS) if np.allclose(expected, s, atol=1e-6) else None


def _components(con, weights: dict[str, float] | None) -> list[dict[str, Any]]:
    means = ", ".join(
        f"avg(c_{c}) FILTER (WHERE strength_class = 'strong'), "
        f"avg(c_{c}) FILTER (WHERE strength_class = 'weak'), count(c_{c})"
        for c in COMPONENTS
    )
    row = con.execute(f"SELECT {means} FROM ties_undirected").fetchone()
    measured = zip(COMPONENTS, row[2::3], strict=True)
    total = sum(weights[c] for c, n in measured if n) if weights else 0
    return [
        {
            "name": c,
            "color": COMPONENT_COLORS[c],
            "weight": weights[c] if weights else None,
            "share": weights[c] / total if weights and total and n else None,
            "strong": row[3 * i],
            "weak": row[3 * i + 1],
            "measured": bool(n),
        }
        for i, (c, n) in enumerate(zip(COMPONENTS, row[2::3], strict=True))
    ]


def _top_ties(con, ctx: ReportContext, weights, names) -> list[dict[str, Any]]:
    kind_cols = [
        r[0][2:]
        for r in con.execute("DESCRIBE ties_undirected").fetchall()
        if r[0].startswith("n_") and r[0] not in ("n_events", "n_kinds", "n_contexts")
    ]
    comps = ", ".join(f"c_{c}" for c in COMPONENTS)
    kinds = ", ".join(f"n_{k}" for k in kind_cols)
    rows = con.execute(
        f"""SELECT a, b, strength, n_events, orientation, {comps}, {kinds}
            FROM ties_undirected ORDER BY strength DESC, n_events DESC, a, b LIMIT {TOP_TIES}"""
    ).fetchall()
    out = []
    for r in rows:
        a, b, strength, n_events, orientation = r[:5]
        x = dict(zip(COMPONENTS, r[5 : 5 + len(COMPONENTS)], strict=True))
        counts = dict(zip(kind_cols, r[5 + len(COMPONENTS) :], strict=True))
        total = sum(weights[c] for c, v in x.items() if v == v and v is not None) if weights else 0
        parts = [
            {
                "name": c,
                "color": COMPONENT_COLORS[c],
                "value": v,
                "width": 100 * weights[c] * v / total,
            }
            for c, v in x.items()
            if weights and total and v is not None and v == v and weights[c] * v > 0
        ]
        out.append(
            {
                "a": names.get(a, a),
                "b": names.get(b, b),
                "strength": strength,
                "n_events": n_events,
                "orientation": orientation,
                "kinds": [
                    {"label": ctx.kind(k), "n": int(n), "color": kind_color(k)}
                    for k, n in sorted(counts.items(), key=lambda kv: -(kv[1] or 0))
                    if n
                ],
                "parts": parts,
                "components": x,
            }
        )
    return out


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Counts, distributions and the strongest ties; None without ``ties_undirected``."""
    if not ctx.has("ties_undirected"):
        return None
    pairs, strong, bilateral, multiplex, threshold = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE strength_class = 'strong'),
             count(*) FILTER (WHERE orientation = 'bilateral'),
             count(*) FILTER (WHERE n_kinds >= 2),
             min(strength) FILTER (WHERE strength_class = 'strong')
           FROM ties_undirected"""
    ).fetchone()
    if not pairs:
        return None
    cross = {
        (o, c): n
        for o, c, n in con.execute(
            "SELECT orientation, strength_class, count(*) FROM ties_undirected GROUP BY ALL"
        ).fetchall()
    }
    orientation = [
        {
            "orientation": o,
            "strong": cross.get((o, "strong"), 0),
            "weak": cross.get((o, "weak"), 0),
            "total": cross.get((o, "strong"), 0) + cross.get((o, "weak"), 0),
        }
        for o in ("bilateral", "unilateral")
    ]
    kinds = con.execute(
        """SELECT n_kinds, count(*), count(*) FILTER (WHERE strength_class = 'strong')
           FROM ties_undirected GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    multiplexity = [
        {"kinds": int(k), "pairs": n, "share": n / pairs, "strong_share": s / n if n else None}
        for k, n, s in kinds
    ]
    weights = _weights(con)
    return {
        "pairs": pairs,
        "strong": strong,
        "bilateral": bilateral,
        "multiplex": multiplex,
        "threshold": threshold,
        "chart": strength_chart(con, ctx),
        "components": _components(con, weights),
        "weights_known": weights is not None,
        "orientation": orientation,
        "multiplexity": multiplexity,
        "max_share": max(m["share"] for m in multiplexity),
        "top": _top_ties(con, ctx, weights, display_names(con)),
    }


SECTION = Section("ties", "ties.title", gather, "ties.html.j2", analysis="network")
