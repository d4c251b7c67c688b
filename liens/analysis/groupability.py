"""Functions for groupability (Heider 1946): triadic closure, contact suggestions and paths.

Shared contacts predict new ties (Granovetter 1973; Kossinets & Watts 2006): the scores of
:func:`suggestions` are the classic link-prediction indices of Liben-Nowell & Kleinberg
(2007); :func:`closure_over_time` measures how often open triads actually close;
:func:`connection_paths` answers "how am I connected to this prospect".
"""

from __future__ import annotations

import itertools

import duckdb
import igraph as ig
import numpy as np
import pandas as pd

from liens.analysis.graph import edge_index, undirected_graph

__all__ = ["closure_in_window", "closure_over_time", "connection_paths", "suggestions"]

DEFAULT_MAX_MIDDLE_DEGREE = 200
DEFAULT_MIN_DEGREE = 2
_CHUNK = 4_000_000  # 2-paths expanded at a time (bounds memory)


def suggestions(
    gu: ig.Graph,
    *,
    k: int = 10,
    accounts: list[str] | None = None,
    max_middle_degree: int = DEFAULT_MAX_MIDDLE_DEGREE,
    min_degree: int = DEFAULT_MIN_DEGREE,
) -> pd.DataFrame:
    """Contacts to suggest to each account by triadic closure, top ``k`` per account.

    For two accounts u, v not yet tied, with N(.) the neighbourhoods on the undirected graph:

    - common neighbours :math:`CN = |N(u) \\cap N(v)|`;
    - Jaccard :math:`J = CN / |N(u) \\cup N(v)|`;
    - Adamic-Adar :math:`AA = \\sum_{w \\in N(u) \\cap N(v)} 1 / \\ln |N(w)|`;
    - resource allocation :math:`RA = \\sum_{w \\in N(u) \\cap N(v)} 1 / |N(w)|`.

    Candidates are ranked by Adamic-Adar (then common neighbours, then name).

    Parameters
    ----------
    gu : undirected graph (vertex ``name`` = account).
    k : suggestions per account.
    accounts : restrict to these accounts (default: all).
    max_middle_degree : shared contacts with more neighbours than this are skipped. A hub
        with d contacts creates d(d-1) candidate pairs yet adds at most 1/ln d to AA and 1/d
        to RA: skipping hubs bounds the work; CN and J then count only the non-hub shared
        contacts (exact when no shared contact exceeds the limit).
    min_degree : accounts with fewer contacts get no suggestion. With the default 2, an
        account with a single contact w is skipped: each of its candidates (w's other
        contacts) shares exactly w with it, so CN, AA and RA are the same for all of them
        and the ranking would only be Jaccard's preference for small neighbourhoods. On
        Higgs these accounts are 65% of the members and a third of the 2-paths; 1 restores
        them.

    Returns
    -------
    DataFrame ``account, suggestion, rank, common_neighbors, jaccard, adamic_adar,
    resource_allocation``.

    References
    ----------
    Liben-Nowell, D., & Kleinberg, J. (2007). The link-prediction problem for social
    networks. JASIST, 58(7), 1019-1031. Adamic, L. A., & Adar, E. (2003). Friends and
    neighbors on the Web. Social Networks, 25(3), 211-230. Zhou, T., Lü, L., & Zhang, Y.-C.
    (2009). Predicting missing links via local information. Eur. Phys. J. B, 71, 623-630.
    """
    n = gu.vcount()
    cols = ["account", "suggestion", "rank", "common_neighbors", "jaccard", "adamic_adar",
            "resource_allocation"]  # fmt: skip
    e = np.asarray(gu.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    if len(e) == 0:
        return pd.DataFrame(columns=cols)
    src = np.concatenate([e[:, 0], e[:, 1]])
    dst = np.concatenate([e[:, 1], e[:, 0]])
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    deg = np.bincount(src, minlength=n)
    indptr = np.concatenate([[0], np.cumsum(deg)])
    find = edge_index(src, dst, n)
    names = np.asarray(gu.vs["name"], dtype=object)
    rows = np.arange(n) if accounts is None else np.flatnonzero(np.isin(names, accounts))
    rows = rows[deg[rows] >= min_degree]
    # cost of each row: 2-paths through non-hub middles
    ok_mid = (deg[dst] <= max_middle_degree) & (deg[dst] >= 2)
    cost = np.bincount(src[ok_mid], weights=deg[dst[ok_mid]], minlength=n)[rows]
    with np.errstate(divide="ignore"):  # middles have degree >= 2: the 0 and 1 rows unused
        inv_log, inv_deg = 1.0 / np.log(deg.astype(float)), 1.0 / deg.astype(float)
    parts = []
    bounds = np.searchsorted(np.cumsum(cost), np.arange(_CHUNK, cost.sum() + _CHUNK, _CHUNK))
    for chunk in np.split(rows, np.unique(np.minimum(bounds + 1, len(rows)))[:-1]):
        if len(chunk):
            parts.append(_chunk(chunk, src, dst, indptr, deg, ok_mid, find, k, n, inv_log, inv_deg))
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["account"] = names[df.pop("u").to_numpy()]
    df["suggestion"] = names[df.pop("v").to_numpy()]
    return df[cols]


def _chunk(rows, src, dst, indptr, deg, ok_mid, find, k, n, inv_log, inv_deg) -> pd.DataFrame:
    """Scores of every 2-hop candidate of the accounts in ``rows``; keeps the top k each.
    ``inv_log``, ``inv_deg``: 1 / ln(degree) and 1 / degree per vertex."""
    arcs = _arcs_of(rows, indptr)
    arcs = arcs[ok_mid[arcs]]
    u, m = src[arcs], dst[arcs]
    reps = deg[m]
    uu = np.repeat(u, reps)
    mm = np.repeat(m, reps)
    start = np.repeat(indptr[m], reps)
    offset = np.arange(len(uu)) - np.repeat(np.cumsum(reps) - reps, reps)
    vv = dst[start + offset]
    del start, offset
    # group the 2-paths by candidate pair with one sort (the inverse of np.unique is not
    # needed), then drop self-pairs and pairs already tied once per pair, not per 2-path
    keys = uu * n + vv
    del uu, vv
    order = np.argsort(keys, kind="stable")  # runs sorted per middle: timsort merges them
    keys = keys[order]
    mid = mm[order]
    del mm, order
    if len(keys) == 0:
        return pd.DataFrame()
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    key = keys[starts]
    cn = np.diff(np.r_[starts, len(keys)]).astype(float)
    del keys
    aa = np.add.reduceat(inv_log[mid], starts)
    ra = np.add.reduceat(inv_deg[mid], starts)
    del mid, starts
    ku = key // n
    # Only the candidates that can reach an account's top k go on to the tie lookup and the
    # ranking sort (which took most of the time: about 1 in 100 candidates is kept).
    sel = _top_bound(ku, aa, k + deg[ku] + 1)
    key, cn, aa, ra, ku = key[sel], cn[sel], aa[sel], ra[sel], ku[sel]
    kv = key % n
    keep = (kv != ku) & (find(ku, kv) < 0)
    if not keep.any():
        return pd.DataFrame()
    cn, aa, ra, ku, kv = cn[keep], aa[keep], ra[keep], ku[keep], kv[keep]
    jac = cn / (deg[ku] + deg[kv] - cn)
    # candidates are in (ku, kv) order (sorted keys) and lexsort is stable: kv already
    # breaks the remaining ties without a sort pass of its own (its merge was the costliest)
    order = np.lexsort((-cn, -aa, ku))
    ku, kv, cn, jac, aa, ra = ku[order], kv[order], cn[order], jac[order], aa[order], ra[order]
    first = np.r_[True, ku[1:] != ku[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(ku)), 0))
    rank = np.arange(len(ku)) - group_start + 1
    top = rank <= k
    return pd.DataFrame(
        {
            "u": ku[top],
            "v": kv[top],
            "rank": rank[top],
            "common_neighbors": cn[top].astype(np.int64),
            "jaccard": jac[top],
            "adamic_adar": aa[top],
            "resource_allocation": ra[top],
        }
    )


_BUCKETS = 64


def _top_bound(group: np.ndarray, score: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Mask keeping, in each group, every item whose score could be among the group's
    ``need`` largest (``group`` sorted, ``score`` > 0, ``need`` per item, constant within a
    group). The scores are put in at most 64 buckets by a non-decreasing map (the exponent
    and two leading mantissa bits of the float, clipped); each group keeps the buckets from
    the top down until they hold ``need`` items, ties included. An item below the kept
    buckets has at least ``need`` items with a strictly larger score, so the top ``need``
    (and, after ``need - k`` items are removed, the top k) are exactly those of the full
    list, in the same order once sorted."""
    if len(group) == 0:
        return np.zeros(0, dtype=bool)
    raw = score.view(np.int64) >> 50  # positive floats: the bits order as the values
    b = np.clip(raw - (raw.max() - (_BUCKETS - 1)), 0, _BUCKETS - 1)
    first = np.r_[True, group[1:] != group[:-1]]
    g = np.cumsum(first) - 1  # dense group index
    counts = np.bincount(g * _BUCKETS + b, minlength=(g[-1] + 1) * _BUCKETS)
    counts = counts.reshape(-1, _BUCKETS)
    at_least = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # items with bucket >= b
    cut = np.maximum((at_least >= need[first][:, None]).sum(axis=1) - 1, 0)
    return b >= cut[g]


def _arcs_of(rows: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Indices of the arcs leaving ``rows`` (vectorised ranges)."""
    lo, hi = indptr[rows], indptr[rows + 1]
    lens = hi - lo
    return np.repeat(lo, lens) + np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)


def connection_paths(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    platform: str | None = None,
    params=None,
    *,
    max_paths: int = 10,
) -> dict:
    """How is ``a`` connected to ``b``: shortest paths, the strongest path, mutual contacts.

    - *shortest paths*: every path with the fewest hops (up to ``max_paths``), on the
      undirected tie graph;
    - *strongest path*: the path maximising the product of tie strengths
      :math:`\\prod_e s_e`, found as the shortest path for the distance
      :math:`d_e = -\\ln s_e` (Dijkstra). Strength is turned into a distance here, once:
      the two are never mixed;
    - *mutual contacts*: accounts tied to both, with the strength of each tie.

    Parameters
    ----------
    con : workspace. Uses the stored ``ties_undirected`` table when ``params`` is None and
        it exists (``liens analyze`` wrote it), else computes the ties for ``params``.
    a, b : account ids.
    platform : needed when the workspace holds several platforms.

    Returns
    -------
    dict with ``hops`` (None when not connected), ``shortest`` (list of account lists),
    ``strongest`` (account list), ``strongest_product``, ``mutual`` (DataFrame
    ``account, strength_a, strength_b``, sorted by the weaker of the two).
    """
    from liens.analysis import AnalysisParams
    from liens.analysis.ties import pair_ties

    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    if params is None and "ties_undirected" in tables:
        pairs = con.execute("SELECT * FROM ties_undirected").df()
    else:
        pairs = pair_ties(con, params or AnalysisParams())
    platforms = pairs["platform"].unique()
    if platform is None:
        if len(platforms) > 1:
            raise ValueError(f"several platforms ({', '.join(platforms)}): choose one")
        platform = platforms[0] if len(platforms) else None
    pairs = pairs[pairs["platform"] == platform]
    gu = undirected_graph(pairs)
    names = gu.vs["name"]
    empty = {"hops": None, "shortest": [], "strongest": [], "strongest_product": np.nan}
    if a not in names or b not in names:
        return {**empty, "mutual": pd.DataFrame(columns=["account", "strength_a", "strength_b"])}
    ia, ib = names.index(a), names.index(b)
    mutual = _mutual(gu, ia, ib)
    paths = gu.get_all_shortest_paths(ia, to=ib)
    if not paths:
        return {**empty, "mutual": mutual}
    dist = -np.log(np.clip(np.asarray(gu.es["strength"], float), 1e-300, 1.0))
    best = gu.get_shortest_paths(ia, to=ib, weights=dist, output="vpath")[0]
    eids = gu.get_eids(pairs=list(itertools.pairwise(best)))
    return {
        "hops": len(paths[0]) - 1,
        "shortest": [[names[v] for v in p] for p in paths[:max_paths]],
        "strongest": [names[v] for v in best],
        "strongest_product": float(np.exp(-dist[eids].sum())),
        "mutual": mutual,
    }


def _mutual(gu: ig.Graph, ia: int, ib: int) -> pd.DataFrame:
    common = sorted(set(gu.neighbors(ia)) & set(gu.neighbors(ib)))
    s = np.asarray(gu.es["strength"], float)
    sa = s[gu.get_eids(pairs=[(ia, c) for c in common])] if common else np.zeros(0)
    sb = s[gu.get_eids(pairs=[(ib, c) for c in common])] if common else np.zeros(0)
    df = pd.DataFrame(
        {"account": [gu.vs[c]["name"] for c in common], "strength_a": sa, "strength_b": sb}
    )
    return df.iloc[np.argsort(-np.minimum(sa, sb), kind="stable")].reset_index(drop=True)


def closure_over_time(
    con: duckdb.DuckDBPyConnection,
    params,
    *,
    platform: str | None = None,
    at: str | None = None,
    delta_days: float | None = None,
) -> dict:
    """Share of the open triads at time t that are closed by t + delta.

    An open triad is a path u - w - v at t with u and v not tied; it is closed when u and v
    get a tie in (t, t + delta]. With :math:`CN_t(u, v)` the common contacts at t:

    .. math:: \\text{closure} = \\frac{\\sum_{(u,v)\\ \\text{new}} CN_t(u, v)}
              {\\sum_w \\binom{k_w}{2} - 3 T}

    (T triangles at t). ``at`` defaults to the middle of the window (or
    ``params.options["closure_at"]``), ``delta_days`` to the rest of the window.

    Returns
    -------
    dict ``at``, ``delta_days``, ``open_triads``, ``closed_triads``, ``closure_rate`` (NaN
    when there is no open triad at t).

    References
    ----------
    Kossinets, G., & Watts, D. J. (2006). Empirical analysis of an evolving social network.
    Science, 311(5757), 88-90.
    """
    from dataclasses import replace

    from liens.analysis.ties import pair_ties
    from liens.analysis.window import events_query

    sql, args = events_query(params, layered=True)
    where = "WHERE actor IS NOT NULL AND target IS NOT NULL AND actor <> target"
    if platform is not None:
        where += " AND platform = ?"
    pargs = args + ([platform] if platform is not None else [])
    lo, hi = con.execute(
        f"SELECT min(created_at), max(created_at) FROM ({sql}) {where}", pargs
    ).fetchone()
    nan = {"at": None, "delta_days": np.nan, "open_triads": 0, "closed_triads": 0,
           "closure_rate": np.nan}  # fmt: skip
    if lo is None:
        return nan
    opts = params.options or {}
    t = pd.Timestamp(at or opts.get("closure_at") or lo + (hi - lo) / 2)
    t_end = t + pd.Timedelta(days=delta_days) if delta_days is not None else pd.Timestamp(hi)
    before = pair_ties(con, replace(params, end=str(t)))
    if platform is not None:
        before = before[before["platform"] == platform]
    new = con.execute(
        f"""SELECT DISTINCT least(actor, target) AS a, greatest(actor, target) AS b
FROM ({sql}) {where} AND created_at > CAST(? AS TIMESTAMP) AND created_at <= CAST(? AS TIMESTAMP)
""",
        [*pargs, str(t), str(t_end)],
    ).df()
    return _closure(before, new, t, t_end)


def closure_in_window(pairs: pd.DataFrame, *, at=None, graph: ig.Graph | None = None) -> dict:
    """:func:`closure_over_time` for one platform, read from the window's own pairs.

    ``pairs`` are one platform's ``ties_undirected`` rows for the whole window (columns
    ``a``, ``b``, ``first_at``, ``last_at``). With delta running to the end of the window
    (the default of :func:`closure_over_time`), the pairs tied at t are those whose first
    event is before t, and the pairs newly tied in (t, end] are those first seen at or after
    t with an event after t: no second pass over the events is needed, and the result is
    the same as :func:`closure_over_time` on the same window, layers and ``at``.

    ``graph``, when given, is :func:`~liens.analysis.graph.undirected_graph` of ``pairs``:
    the pairs are then read as vertex ids from its ``ends`` (same result, no name lookup).
    """
    if pairs.empty:
        return {"at": None, "delta_days": np.nan, "open_triads": 0, "closed_triads": 0,
                "closure_rate": np.nan}  # fmt: skip
    lo, hi = pairs["first_at"].min(), pairs["last_at"].max()
    t = pd.Timestamp(at or lo + (hi - lo) / 2)
    first, last = pairs["first_at"], pairs["last_at"]
    if graph is not None:
        ends = np.asarray(graph["ends"], dtype=np.int64)
        before_ends = ends[(first < t).to_numpy()]
        new_ends = ends[((first >= t) & (last > t)).to_numpy()]
        gu = ig.Graph(n=graph.vcount(), edges=before_ends, directed=False)
        deg = np.asarray(gu.degree(), dtype=float)
        seen = (deg[new_ends[:, 0]] > 0) & (deg[new_ends[:, 1]] > 0)  # as unseen names below
        return _count(gu, new_ends[seen, 0], new_ends[seen, 1], t, pd.Timestamp(hi))
    before = pairs.loc[first < t, ["a", "b", "n_events"]]
    new = pairs.loc[(first >= t) & (last > t), ["a", "b"]]
    return _closure(before, new, t, pd.Timestamp(hi))


def _closure(before: pd.DataFrame, new: pd.DataFrame, t, t_end) -> dict:
    """Open triads of the graph of ``before`` pairs, and those that ``new`` pairs close."""
    gu = undirected_graph(before)
    idx = pd.Index(gu.vs["name"] if gu.vcount() else [], dtype=object)
    ia = idx.get_indexer(new["a"].to_numpy(object))
    ib = idx.get_indexer(new["b"].to_numpy(object))
    both = (ia >= 0) & (ib >= 0)  # a new pair with an end unseen at t closes no triad
    return _count(gu, ia[both], ib[both], t, t_end)


def _count(gu: ig.Graph, ia: np.ndarray, ib: np.ndarray, t, t_end) -> dict:
    """Open triads of ``gu`` and those closed by the pairs (ia, ib) of its vertices."""
    deg = np.asarray(gu.degree(), dtype=float)
    open_triads = float((deg * (deg - 1) / 2).sum() - 3 * len(gu.list_triangles()))
    closed = 0.0
    if len(ia):
        e = np.asarray(gu.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        find = edge_index(np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]], gu.vcount())
        fresh = find(ia, ib) < 0  # not tied at t
        ia, ib = ia[fresh], ib[fresh]
        jac = np.asarray(gu.similarity_jaccard(pairs=np.column_stack([ia, ib]), loops=False))
        # u, v not adjacent: |N(u) ∪ N(v)| = k_u + k_v - CN, so CN = J (k_u + k_v) / (1 + J)
        closed = float(np.round(jac * (deg[ia] + deg[ib]) / (1 + jac)).sum())
    return {
        "at": t,
        "delta_days": (t_end - t) / pd.Timedelta(days=1),
        "open_triads": int(open_triads),
        "closed_triads": int(closed),
        "closure_rate": closed / open_triads if open_triads > 0 else np.nan,
    }
