"""Network: the map of who interacts with whom, the network's figures, communities, brokers.

Reads the tables of the ``network`` analysis (``members``, ``ties_undirected``, ``network``,
``communities``, ``bridges``, ``suggestions``). The map is drawn in the browser by sigma.js
(bundled from npm by ``scripts/build-js.sh`` into ``static/vendor/``); positions are computed
here with igraph's Fruchterman-Reingold layout, seeded, so the same workspace always gives
the same picture and the browser only draws.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import igraph as ig
import numpy as np
import pandas as pd

from liens.report.context import ReportContext
from liens.report.sections.base import Section

__all__ = [
    "COMMUNITY_COLORS",
    "MAP_MAX_NODES",
    "SECTION",
    "VENDOR_JS",
    "community_color",
    "display_names",
    "gather",
    "map_data",
    "network_js",
]

VENDOR_JS = Path(__file__).resolve().parents[1] / "static" / "vendor" / "network-map.min.js"
MAP_MAX_NODES = 2000  # sigma draws more, but a map of more dots than pixels says nothing
TOP_COMMUNITIES = 12
TOP_BROKERS = 15
TOP_BRIDGES = 10
SUGGESTION_MEMBERS = 6
SUGGESTIONS_EACH = 3
LAYOUT_SEED = 42

# Colour-blind-friendly qualitative palette (Okabe-Ito, then Tableau's) for the largest
# communities; the small ones share a grey so the eye goes to the groups that matter.
COMMUNITY_COLORS = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9",
    "#8c564b", "#b8a000", "#7f3c8d", "#11a579", "#e73f74", "#3969ac",
)  # fmt: skip
OTHER_COLOR = "#b8c0c8"


def community_color(community: int | None) -> str:
    """The colour of a community on the map and in the tables (grey beyond the palette)."""
    if community is None or community != community or community >= len(COMMUNITY_COLORS):
        return OTHER_COLOR
    return COMMUNITY_COLORS[int(community)]


@cache
def network_js() -> str | None:
    """The built map script, ready to inline; None when ``scripts/build-js.sh`` never ran."""
    if not VENDOR_JS.exists():
        return None
    return VENDOR_JS.read_text(encoding="utf-8").replace("</script", "<\\/script")


def display_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Account id -> the name a reader knows (handle when the source gives one)."""
    rows = con.execute(
        "SELECT account_id, coalesce(handle, display_name, account_id) FROM accounts"
    ).fetchall()
    return dict(rows)


def _layout(n: int, edges: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Fruchterman-Reingold positions, repeatable: python-igraph draws from ``random``."""
    g = ig.Graph(n=n, edges=edges.tolist(), directed=False)
    state = random.getstate()
    random.seed(LAYOUT_SEED)
    try:
        # start spread over a sqrt(n) square, the scale FR settles at: packed in a unit
        # square every vertex falls in one cell of igraph's grid and the layout is 10x slower
        half = max(1.0, float(np.sqrt(n)))
        start = np.random.default_rng(LAYOUT_SEED).uniform(-half, half, size=(n, 2)).tolist()
        layout = g.layout_fruchterman_reingold(
            weights=weights.tolist() if len(weights) else None, niter=800, seed=start
        )
    finally:
        random.setstate(state)
    xy = np.asarray(layout.coords, dtype=float).reshape(-1, 2)
    return np.round(_pack(g, xy), 3)


def _pack(g: ig.Graph, xy: np.ndarray) -> np.ndarray:
    """Bring small components next to the largest one: nothing pulls them in, so FR leaves
    them wherever they started and the map would zoom out to show a pair in a corner."""
    parts = sorted(g.connected_components(), key=len, reverse=True)
    if len(parts) < 2:
        return xy
    giant = xy[parts[0]]
    (x0, y0), (x1, y1) = giant.min(axis=0), giant.max(axis=0)
    step = max(x1 - x0, y1 - y0) / 12 or 1.0
    for k, part in enumerate(parts[1:]):
        row, col = divmod(k, 12)
        target = np.array([x1 + step * (1 + row), y1 - step * col])
        xy[part] = xy[part] - xy[part].mean(axis=0) + target
    return xy


def map_data(
    con: duckdb.DuckDBPyConnection, names: dict[str, str], max_nodes: int = MAP_MAX_NODES
) -> dict[str, Any]:
    """Nodes and edges of the map: members with a tie, the top ``max_nodes`` by PageRank.

    Returns ``nodes`` ([id, label, x, y, size, colour, community]), ``edges`` ([i, j, width])
    between kept nodes, ``total`` (members with a tie) and ``shown``.
    """
    members = con.execute(
        """SELECT account, pagerank, community, degree_in + degree_out AS degree FROM members
           WHERE coalesce(degree_in, 0) + coalesce(degree_out, 0) > 0
           ORDER BY pagerank DESC, account"""
    ).df()
    total = len(members)
    kept = members.head(max_nodes).reset_index(drop=True)
    index = pd.Series(np.arange(len(kept)), index=kept["account"])
    pairs = con.execute("SELECT a, b, strength FROM ties_undirected").df()
    pairs = pairs[pairs["a"].isin(index.index) & pairs["b"].isin(index.index)]
    edges = np.column_stack([index[pairs["a"]].to_numpy(), index[pairs["b"]].to_numpy()])
    strength = pairs["strength"].fillna(0).to_numpy(float)
    # ties inside a community pull harder, so the groups the tables describe show as clusters
    com = kept["community"].to_numpy()
    edges = edges.reshape(-1, 2)
    same = com[edges[:, 0]] == com[edges[:, 1]] if len(edges) else np.zeros(0, bool)
    pull = (0.2 + strength) * np.where(same, 6.0, 1.0)
    xy = _layout(len(kept), edges, pull) if len(kept) else []
    # area proportional to PageRank: radius grows with its square root, 2 to 16 px
    pr = kept["pagerank"].fillna(0).to_numpy(float)
    radius = 2 + 14 * np.sqrt(pr / pr.max()) if len(pr) and pr.max() > 0 else np.full(len(pr), 3)
    nodes = [
        [
            acc,
            names.get(acc, acc),
            float(xy[i][0]),
            float(xy[i][1]),
            round(float(radius[i]), 2),
            community_color(com),
            int(com) if com == com else -1,
        ]
        for i, (acc, com) in enumerate(zip(kept["account"], kept["community"], strict=True))
    ]
    widths = np.round(0.5 + 2.5 * strength, 2)
    edge_rows = [[int(a), int(b), float(w)] for (a, b), w in zip(edges, widths, strict=True)]
    return {"nodes": nodes, "edges": edge_rows, "total": total, "shown": len(nodes)}


def _communities(con, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = con.execute(
        f"""SELECT community, size, edges_internal, density, leaders, top_hashtags, top_words
            FROM communities WHERE size > 1 ORDER BY size DESC, community
            LIMIT {TOP_COMMUNITIES}"""
    ).df()
    out = []
    for r in rows.to_dict("records"):
        leaders = [a.strip() for a in (r["leaders"] or "").split(",") if a.strip()]
        out.append(
            {
                **r,
                "label": int(r["community"]) + 1,
                "color": community_color(r["community"]),
                "leaders": [names.get(a, a) for a in leaders[:3]],
                "top_hashtags": r["top_hashtags"] or "",
                "top_words": r["top_words"] or "",
            }
        )
    return out


def _brokers(con, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = con.execute(
        f"""SELECT account, degree_in + degree_out AS degree, betweenness, "constraint",
              effective_size, efficiency, brokerage_role, community
            FROM members WHERE betweenness > 0
            ORDER BY betweenness DESC, account LIMIT {TOP_BROKERS}"""
    ).df()
    return [
        {
            **{k: (None if v != v else v) for k, v in r.items()},
            "name": names.get(r["account"], r["account"]),
            "color": community_color(r["community"]),
        }
        for r in rows.to_dict("records")
    ]


def _bridges(con, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = con.execute(
        f"""SELECT a, b, community_a, community_b, strength, n_events, broker_score_a,
              broker_score_b FROM bridges ORDER BY strength DESC, a, b LIMIT {TOP_BRIDGES}"""
    ).df()
    return [
        {
            **r,
            "name_a": names.get(r["a"], r["a"]),
            "name_b": names.get(r["b"], r["b"]),
            "color_a": community_color(r["community_a"]),
            "color_b": community_color(r["community_b"]),
        }
        for r in rows.to_dict("records")
    ]


def _suggestions(con, names: dict[str, str]) -> list[dict[str, Any]]:
    """The best suggestions of the most central members: a sample, the table has them all."""
    rows = con.execute(
        f"""WITH top AS (
              SELECT account FROM members m
              WHERE EXISTS (SELECT 1 FROM suggestions s WHERE s.account = m.account)
              ORDER BY pagerank DESC, account LIMIT {SUGGESTION_MEMBERS})
            SELECT s.account, s.suggestion, s.rank, s.common_neighbors, s.jaccard,
              s.adamic_adar FROM suggestions s JOIN top USING (account)
            WHERE s.rank <= {SUGGESTIONS_EACH}
            ORDER BY (SELECT pagerank FROM members m WHERE m.account = s.account) DESC,
              s.account, s.rank"""
    ).df()
    return [
        {**r, "name": names.get(r["account"], r["account"]),
         "suggestion_name": names.get(r["suggestion"], r["suggestion"])}
        for r in rows.to_dict("records")
    ]  # fmt: skip


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Map, figures, communities, brokers, bridges, suggestions; None without the analysis."""
    tables = ("members", "ties_undirected", "network", "communities", "bridges", "suggestions")
    if not ctx.has(*tables):
        return None
    names = display_names(con)
    figures = con.execute("SELECT * FROM network ORDER BY nodes DESC").df()
    if figures.empty:
        return None
    fig = {k: (None if v != v else v) for k, v in figures.iloc[0].to_dict().items()}
    graph = map_data(con, names)
    roles = dict(
        con.execute(
            """SELECT brokerage_role, count(*) FROM members WHERE brokerage_role IS NOT NULL
               GROUP BY 1"""
        ).fetchall()
    )
    communities = _communities(con, names)
    in_listed = sum(c["size"] for c in communities)
    return {
        "figures": fig,
        "platforms": len(figures),
        "graph_json": json.dumps(
            {"nodes": graph["nodes"], "edges": graph["edges"]}, ensure_ascii=False
        ).replace("</", "<\\/"),
        "total": graph["total"],
        "shown": graph["shown"],
        "edges_shown": len(graph["edges"]),
        "js": network_js(),
        "legend": [{"label": c["label"], "color": c["color"]} for c in communities],
        "communities": communities,
        "in_listed": in_listed,
        "brokers": _brokers(con, names),
        "roles": [{"role": r, "members": roles.get(r, 0)} for r in
                  ("coordinator", "gatekeeper", "representative", "itinerant", "liaison")],
        "bridges": _bridges(con, names),
        "bridges_total": con.execute("SELECT count(*) FROM bridges").fetchone()[0],
        "suggestions": _suggestions(con, names),
    }  # fmt: skip


SECTION = Section("network", "network.title", gather, "network.html.j2", analysis="network")
