"""Functions finding communities (Leiden) and describing them and the bridges between them."""

from __future__ import annotations

import random

import duckdb
import igraph as ig
import numpy as np
import pandas as pd

__all__ = ["bridges", "community_summary", "leiden"]


def leiden(
    gu: ig.Graph, *, resolution: float = 1.0, seed: int = 42, iterations: int = 2
) -> np.ndarray:
    """Community of every vertex by the Leiden algorithm maximising modularity.

    Modularity (Newman & Girvan 2004) with resolution :math:`\\gamma`:

    .. math:: Q = \\frac{1}{2m} \\sum_{ij} \\left(w_{ij} - \\gamma \\frac{k_i k_j}{2m}\\right)
              \\delta(c_i, c_j)

    on the undirected graph weighted by events. igraph's ``community_leiden`` (Traag, Waltman
    & van Eck 2019) makes ``iterations`` passes (2, igraph's default; -1 = until stable);
    ``seed`` seeds the random generator igraph uses, so a run is repeatable. Communities are
    numbered by decreasing size from 0.

    Notes
    -----
    Isolated vertices form singleton communities. Higher resolution gives smaller groups.

    References
    ----------
    Traag, V. A., Waltman, L., & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
    well-connected communities. Scientific Reports, 9, 5233.
    """
    if gu.vcount() == 0:
        return np.zeros(0, dtype=np.int64)
    state = random.getstate()
    random.seed(seed)  # python-igraph draws from Python's random module
    try:
        part = gu.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=iterations,
        )
    finally:
        random.setstate(state)
    memb = np.asarray(part.membership)
    sizes = np.bincount(memb)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[memb]


def community_summary(
    con: duckdb.DuckDBPyConnection,
    members: pd.DataFrame,
    gu: ig.Graph,
    params,
    *,
    top: int = 5,
) -> pd.DataFrame:
    """One row per community: size, leaders, top hashtags and words, internal density.

    Parameters
    ----------
    members : per account ``platform, account, community, pagerank``.
    gu : the undirected graph the communities were found on (vertex ``name`` = account).
    params : the analysis window and layers (hashtags and words come from the members'
        events in the window).

    Returns
    -------
    DataFrame with ``platform, community, size, edges_internal, density`` (internal edges /
    (size (size - 1) / 2), NaN for a singleton), ``leaders`` (the ``top`` accounts by
    PageRank, comma separated), ``top_hashtags`` and ``top_words`` (NodeXL's "top items":
    the most frequent hashtags and words of 4+ letters in the members' events, comma
    separated, empty when events carry none).
    """
    from liens.analysis.window import events_query

    memb = members["community"].to_numpy()
    e = np.asarray(gu.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    inside = memb[e[:, 0]] == memb[e[:, 1]] if len(e) else np.zeros(0, bool)
    ncom = int(memb.max()) + 1 if len(memb) else 0
    size = np.bincount(memb, minlength=ncom)
    internal = np.bincount(memb[e[inside, 0]], minlength=ncom) if len(e) else np.zeros(ncom)
    pairs = size * (size - 1) / 2.0
    out = pd.DataFrame(
        {
            "platform": members["platform"].iloc[0] if len(members) else None,
            "community": np.arange(ncom),
            "size": size,
            "edges_internal": internal,
            "density": np.divide(internal, pairs, out=np.full(ncom, np.nan), where=pairs > 0),
        }
    )
    # Equal PageRanks (to float noise, which differs from run to run) are ordered by name.
    ranked = members.assign(_pr=members["pagerank"].round(15))
    ranked = ranked.sort_values(["_pr", "account"], ascending=[False, True], kind="stable")
    lead = ranked.groupby("community").head(top)
    out["leaders"] = out["community"].map(lead.groupby("community")["account"].agg(", ".join))
    sql, args = events_query(params)
    con.register("_memb", members[["platform", "account", "community"]])
    try:
        tags = con.execute(
            f"""WITH ev AS ({sql}),
t AS (SELECT m.community, lower(unnest(ev.hashtags)) AS item FROM ev
  JOIN _memb m ON m.platform = ev.platform AND m.account = ev.actor),
c AS (SELECT community, item, count(*) AS n FROM t GROUP BY ALL),
r AS (SELECT *, row_number() OVER (PARTITION BY community ORDER BY n DESC, item) AS k FROM c)
SELECT community, string_agg(item, ', ' ORDER BY k) AS top_hashtags FROM r WHERE k <= {top}
GROUP BY community""",
            args,
        ).df()
        words = con.execute(
            f"""WITH ev AS ({sql}),
t AS (SELECT m.community,
    unnest(regexp_extract_all(lower(ev.text), '[[:alpha:]]{{4,}}')) AS item
  FROM ev JOIN _memb m ON m.platform = ev.platform AND m.account = ev.actor
  WHERE ev.text IS NOT NULL),
c AS (SELECT community, item, count(*) AS n FROM t GROUP BY ALL),
r AS (SELECT *, row_number() OVER (PARTITION BY community ORDER BY n DESC, item) AS k FROM c)
SELECT community, string_agg(item, ', ' ORDER BY k) AS top_words FROM r WHERE k <= {top}
GROUP BY community""",
            args,
        ).df()
    finally:
        con.unregister("_memb")
    out = out.merge(tags, on="community", how="left").merge(words, on="community", how="left")
    return out.fillna({"top_hashtags": "", "top_words": ""})


def bridges(
    pairs: pd.DataFrame,
    members: pd.DataFrame,
    ends: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Ties whose two ends are in different communities, with the brokers they run through.

    Parameters
    ----------
    pairs : ``platform, a, b, strength, n_events``, one row per undirected tie.
    members : ``account, community``; every end of a pair is one of its accounts.
    ends : row positions in ``members`` of each pair's ``a`` and ``b``, when known (the
        edge list of the graph built from ``pairs`` on the members' vertex order); found
        by account otherwise.

    Returns
    -------
    DataFrame ``platform, a, b, community_a, community_b, strength, n_events`` (one row per
    crossing tie), sorted by strength; the ends of a crossing tie are the brokers between
    the two communities (Burt 1992: they span a structural hole); ``broker_score_a`` and
    ``broker_score_b`` = number of distinct other communities each end reaches through
    crossing ties (a broker between many groups scores high).
    """
    if ends is None:
        index = pd.Index(members["account"])
        ends = (index.get_indexer(pairs["a"]), index.get_indexer(pairs["b"]))
        if (ends[0] < 0).any() or (ends[1] < 0).any():
            raise ValueError("bridges: every end of a pair must be a member")
    ia, ib = (np.asarray(x, dtype=np.int64) for x in ends)
    memb = members["community"].to_numpy(np.int64)
    ca, cb = memb[ia], memb[ib]
    cross = ca != cb
    ia, ib, ca, cb = ia[cross], ib[cross], ca[cross], cb[cross]
    # the crossing rows only are copied (on 10M synthetic events a copy of every pair's
    # text columns was half a gigabyte more)
    df = pairs.loc[cross, ["platform", "a", "b", "strength", "n_events"]]
    df["community_a"] = ca
    df["community_b"] = cb
    # distinct (member, other community) pairs over both ends of the crossing ties, on ids
    ncom = int(memb.max()) + 1 if len(memb) else 1
    seen = np.unique(np.concatenate([ia * ncom + cb, ib * ncom + ca]))
    reach = np.bincount(seen // ncom, minlength=len(memb))
    df["broker_score_a"] = reach[ia]
    df["broker_score_b"] = reach[ib]
    return df.sort_values("strength", ascending=False, ignore_index=True)
