"""The relational-bases analysis: ties, member metrics, network figures, communities, bridges,
contact suggestions and signed balance, as tables for ``liens analyze``.

Tables written:

``ties``, ``ties_undirected``
    see :mod:`liens.analysis.ties`.
``members`` (network columns)
    ``platform, account, degree_in, degree_out, strength_in, strength_out, reciprocity,
    pagerank, betweenness, closeness, harmonic, eigenvector, clustering, coreness,
    constraint, effective_size, efficiency, hierarchy, brokerage_role, community,
    multiplexity`` (definitions in :mod:`~liens.analysis.centrality`,
    :mod:`~liens.analysis.structural_holes`, :mod:`~liens.analysis.communities`;
    ``multiplexity`` = share of the member's ties that run through 2 or more kinds).
``network``
    one row per platform: see :func:`network_summary`.
``communities``, ``bridges``
    see :mod:`liens.analysis.communities`.
``suggestions``
    see :func:`liens.analysis.groupability.suggestions`.
``relay_chains``
    origin -> relay -> target chains of sharing: see :mod:`liens.analysis.relays`.
``signed_balance`` and ``balance_members``
    when the window holds ``rating`` events: see :mod:`liens.analysis.balance`.
"""

from __future__ import annotations

import time

import duckdb
import igraph as ig
import numpy as np
import pandas as pd
import pyarrow as pa

from liens.analysis import AnalysisParams, TempTable
from liens.analysis.centrality import (
    DEFAULT_PIVOTS,
    EXACT_MAX_NODES,
    clustering,
    coreness,
    degrees,
    eigenvector,
    pagerank,
    path_centralities,
    reciprocity,
)
from liens.analysis.communities import bridges, community_summary, leiden
from liens.analysis.graph import graph_from_ids
from liens.analysis.structural_holes import brokerage_roles, burt_measures
from liens.analysis.ties import TIE_TABLES, tie_rows, tie_tables
from liens.store.workspace import memory_lent

__all__ = ["MEMBER_COLUMNS", "member_metrics", "network_summary", "run"]

MEMBER_COLUMNS = [
    "platform",
    "account",
    "degree_in",
    "degree_out",
    "strength_in",
    "strength_out",
    "reciprocity",
    "pagerank",
    "betweenness",
    "closeness",
    "harmonic",
    "eigenvector",
    "clustering",
    "coreness",
    "constraint",
    "effective_size",
    "efficiency",
    "hierarchy",
    "brokerage_role",
    "community",
    "multiplexity",
]


def member_metrics(
    gd: ig.Graph, gu: ig.Graph, pairs: pd.DataFrame, platform: str, params: AnalysisParams
) -> tuple[pd.DataFrame, dict]:
    """Member table of one platform and the facts the network table reports about it.

    ``gd`` and ``gu`` share the vertex order (build ``gu`` with ``accounts=gd.vs["name"]``).
    """
    opts = params.options or {}
    timings: dict[str, float] = {}

    def timed(name, fn, *a, **k):
        t = time.perf_counter()
        r = fn(*a, **k)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t
        return r

    df = pd.DataFrame({"platform": platform, "account": gd.vs["name"]})
    for k, v in timed("degrees", degrees, gd).items():
        df[k] = v
    df["reciprocity"] = timed("degrees", reciprocity, gd)
    df["pagerank"] = timed("pagerank", pagerank, gd)
    pc = timed(
        "paths",
        path_centralities,
        gu,
        exact_max_nodes=int(opts.get("exact_max_nodes", EXACT_MAX_NODES)),
        pivots=int(opts.get("pivots", DEFAULT_PIVOTS)),
        seed=params.seed,
    )
    for k in ("betweenness", "closeness", "harmonic"):
        df[k] = pc[k]
    df["eigenvector"] = timed("eigenvector", eigenvector, gu)
    df["clustering"] = timed("clustering", clustering, gu)
    df["coreness"] = timed("coreness", coreness, gu)
    for k, v in timed("structural_holes", burt_measures, gu).items():
        df[k] = v
    community = timed(
        "communities",
        leiden,
        gu,
        resolution=float(opts.get("resolution", 1.0)),
        seed=params.seed,
    )
    roles = timed("brokerage", brokerage_roles, gd, community)
    df["brokerage_role"] = roles["brokerage_role"].to_numpy()
    df["community"] = community
    df["multiplexity"] = _multiplexity(gu, pairs)
    facts = {
        "betweenness_method": pc["method"],
        "betweenness_pivots": pc["pivots"],
        "betweenness_rel_error": pc["betweenness_rel_error"],
        "modularity": gu.modularity(community, weights="weight") if gu.ecount() else np.nan,
        "n_communities": int(community.max()) + 1 if len(community) else 0,
        "timings": timings,
    }
    return df[MEMBER_COLUMNS], facts


def _multiplexity(gu: ig.Graph, pairs: pd.DataFrame) -> np.ndarray:
    """Share of each member's ties that run through 2 or more kinds. ``gu`` is built from
    ``pairs`` (one edge per row, in order), so both ends are read from its edge list as
    integer vertex ids, not by matching account names. NaN for a member without a tie."""
    multi = (pairs["n_kinds"].to_numpy() >= 2).astype(float)
    e = np.asarray(gu.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    ends = np.concatenate([e[:, 0], e[:, 1]])
    n = gu.vcount()
    count = np.bincount(ends, minlength=n).astype(float)
    hits = np.bincount(ends, weights=np.concatenate([multi, multi]), minlength=n)
    return np.divide(hits, count, out=np.full(n, np.nan), where=count > 0)


def network_summary(gd: ig.Graph, gu: ig.Graph, platform: str, facts: dict) -> dict:
    """Whole-network figures of one platform (one row of the ``network`` table).

    - ``nodes``, ``edges`` (directed ties), ``density`` = edges / (n (n - 1));
    - ``reciprocity`` = share of directed ties whose reverse exists (igraph's "default"
      mode, = ``networkx.overall_reciprocity``; igraph's "ratio" mode would count mutual
      pairs over connected pairs instead);
    - ``transitivity`` = 3 x triangles / connected triples (global clustering);
    - ``average_clustering`` = mean local clustering with 0 for degree < 2, as
      ``networkx.average_clustering`` (the member column is NaN there instead);
    - ``components_weak``, ``components_strong``, ``largest_component_share`` (weak);
    - ``assortativity`` = degree assortativity of the undirected graph (Newman 2002);
    - ``dyads_mutual``, ``dyads_asymmetric``, ``dyads_null`` (Holland & Leinhardt dyad census);
    - ``modularity`` of the Leiden partition, ``n_communities``;
    - ``diameter`` (exact up to the exact-node limit, else a double-sweep lower bound:
      ``diameter_method`` says which);
    - ``betweenness_method`` / ``betweenness_pivots`` / ``betweenness_rel_error``;
    - added by :func:`run`: ``closure_rate`` (see ``groupability.closure_in_window``) and
      ``relay_chains`` (distinct chains found, before the row bound of that table).
    """
    n, m = gd.vcount(), gd.ecount()
    weak = gd.connected_components(mode="weak")
    dyads = gd.dyad_census()
    local = np.nan_to_num(np.asarray(gu.transitivity_local_undirected(mode="zero")))
    row = {
        "platform": platform,
        "nodes": n,
        "edges": m,
        "density": m / (n * (n - 1)) if n > 1 else np.nan,
        "reciprocity": gd.reciprocity(ignore_loops=True, mode="default") if m else np.nan,
        "transitivity": gu.transitivity_undirected() if n > 2 else np.nan,
        "average_clustering": float(local.mean()) if n else np.nan,
        "components_weak": len(weak),
        "components_strong": len(gd.connected_components(mode="strong")),
        "largest_component_share": max(weak.sizes()) / n if n else np.nan,
        "assortativity": gu.assortativity_degree(directed=False) if gu.ecount() else np.nan,
        "dyads_mutual": int(dyads.mutual),
        "dyads_asymmetric": int(dyads.asymmetric),
        "dyads_null": int(dyads.null),
    }
    row["diameter"], row["diameter_method"] = _diameter(gu)
    row.update({k: v for k, v in facts.items() if k != "timings"})
    return row


def _diameter(gu: ig.Graph) -> tuple[float, str]:
    if gu.vcount() <= EXACT_MAX_NODES:
        return float(gu.diameter(directed=False, unconn=True)), "exact"
    # double sweep (Magnien et al. 2009): BFS from a vertex of the largest component, then
    # from the farthest vertex found; the eccentricity is a lower bound of the diameter
    comp = gu.connected_components().giant()
    start = int(np.argmax(comp.degree()))
    far = int(np.argmax(comp.distances(source=[start])[0]))
    return float(max(comp.eccentricity(vertices=[far]))), "double-sweep lower bound"


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict:
    """Registry adapter: every table listed in the module docstring (the two tie tables as
    :class:`~liens.analysis.TempTable`, left in DuckDB)."""
    from liens.analysis.balance import signed_balance
    from liens.analysis.relays import relay_chains

    # The tie tables stay in DuckDB (on 10M synthetic events each is 2.5 GB as pandas):
    # only the columns the graphs and the metrics read come to Python.
    tie_tables(con, params)
    directed = _fetch(con, tie_rows(TIE_TABLES[0], "platform, _a, _b, n_events"))
    undirected = _fetch(
        con,
        tie_rows(
            TIE_TABLES[1],
            "platform, a, b, _a, _b, n_events, strength, n_kinds, first_at, last_at",
        ),
    )
    # the account of each id, once: the graphs are built from the ids (a Python string per
    # row, 20M of them on 10M synthetic events, left memory scattered that was not given back)
    ids = con.execute(
        f"SELECT _a, source FROM {TIE_TABLES[0]} UNION SELECT _b, target FROM {TIE_TABLES[0]}"
    ).fetchnumpy()
    names = np.empty(int(ids["_a"].max()) + 1 if len(ids["_a"]) else 0, dtype=object)
    names[ids["_a"]] = ids["source"]
    del ids
    chains, chain_totals = relay_chains(con, params)
    with memory_lent(con):  # the graphs' work is Python's: DuckDB's tables go to disk
        members, network, coms, brs, sugg = _platforms(
            con, params, directed, undirected, names, chain_totals
        )
    del directed, undirected
    out = {
        "ties": TempTable(TIE_TABLES[0], drop=("_a", "_b")),
        "ties_undirected": TempTable(TIE_TABLES[1], drop=("_a", "_b")),
        "members": _concat(members, MEMBER_COLUMNS),
        "network": pd.DataFrame(network),
        "communities": _concat(coms),
        "bridges": _arrow(_concat(brs)),
        "suggestions": _arrow(_concat(sugg)),
        "relay_chains": _arrow(chains),
    }
    out.update(signed_balance(con, params))
    return out


def _platforms(con, params, directed, undirected, names, chain_totals) -> tuple[list, ...]:
    """Graphs and result rows of each platform: members, network, communities, bridges and
    suggestions, one list entry per platform."""
    from liens.analysis.groupability import closure_in_window, suggestions

    members, network, coms, brs, sugg = [], [], [], [], []
    d_rows, u_rows = _platform_rows(directed), _platform_rows(undirected)
    for platform in sorted(d_rows):
        dpart = d_rows[platform](directed)
        upart = u_rows.get(platform, lambda d: d.iloc[0:0])(undirected)
        # as directed_graph(dpart) and undirected_graph(upart, accounts=gd.vs["name"])
        gd = graph_from_ids(dpart["_a"].to_numpy(), dpart["_b"].to_numpy(), names, directed=True)
        gd.es["weight"] = dpart["n_events"].to_numpy(float)
        gu = graph_from_ids(
            upart["_a"].to_numpy(), upart["_b"].to_numpy(), names, directed=False, first=gd["ids"]
        )
        gu.es["weight"] = upart["n_events"].to_numpy(float)
        gu.es["strength"] = upart["strength"].to_numpy(float)
        mem, facts = member_metrics(gd, gu, upart, platform, params)
        row = network_summary(gd, gu, platform, facts)
        # from the window's pairs (first and last event of each), not a second tie pass
        closure = closure_in_window(upart, at=(params.options or {}).get("closure_at"), graph=gu)
        row["closure_rate"] = closure["closure_rate"]
        row["relay_chains"] = chain_totals.get(str(platform), 0)
        network.append(row)
        members.append(mem)
        coms.append(community_summary(con, mem, gu, params))
        brs.append(bridges(upart, mem, ends=(gu["ends"][:, 0], gu["ends"][:, 1])))
        sugg.append(suggestions(gu, k=int((params.options or {}).get("suggestions_k", 10))))
        sugg[-1].insert(0, "platform", platform)
    return members, network, coms, brs, sugg


def _platform_rows(df: pd.DataFrame) -> dict:
    """Per platform, a function giving its rows of ``df``: a slice (no copy) when they are
    contiguous, as tie tables are (ordered by account ids, which follow the platform)."""
    if not len(df):
        return {}
    p, labels = pd.factorize(df["platform"])  # codes: no Python string per row
    labels = np.asarray(labels, dtype=object)
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
    stops = np.r_[starts[1:], len(p)]
    names = labels[p[starts]]
    if len(set(names)) < len(names):  # not contiguous: select by value
        return {name: (lambda d, name=name: d[d["platform"] == name]) for name in set(names)}
    return {
        name: (lambda d, lo=lo, hi=hi: d.iloc[lo:hi])
        for name, lo, hi in zip(names, starts, stops, strict=True)
    }


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Query result as pandas through Arrow, each Arrow column freed as it is converted."""
    table = con.execute(sql).fetch_arrow_table()
    return table.to_pandas(split_blocks=True, self_destruct=True)


def _arrow(df: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The large tables go to the store as Arrow: DuckDB then reads the columns as they
    are, where scanning pandas' Arrow-backed text columns converts them row by row (Higgs
    ties: 5.6 s -> 2.2 s CPU to store). Same column types either way."""
    if df.empty:
        return df
    return pa.Table.from_pandas(df, preserve_index=False)


def _concat(parts: list[pd.DataFrame], columns: list[str] | None = None) -> pd.DataFrame:
    if parts:
        return pd.concat(parts, ignore_index=True)
    return pd.DataFrame(columns=columns or [])
