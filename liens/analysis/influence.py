"""Functions measuring influence as caused engagement, not audience: the prescripteurs.

"Not necessarily the ones you think" (seed 002): the accounts with the largest audience are not
always those whose publications make others act. Following Cha et al. (2010), three measures
are kept apart (audience, amplification, mentions) and compared by rank correlation; a fourth,
``influence``, counts the engagement an account's publications caused, downstream included.

Tables written by ``liens analyze`` (analysis ``roles``):

``influence``
    one row per account with any measure above zero: :func:`influence_measures` plus the
    bootstrap rank intervals of :func:`rank_intervals` and the ``hidden_prescripteur`` flag of
    :func:`hidden_prescripteurs`.
``influence_correlations``
    Spearman rank correlation of every pair of measures, overall and among the top 10% and 1%
    (:func:`rank_correlations`).
``members`` (influence columns)
    ``influence``, ``influence_rank``, ``hidden_prescripteur``.

Options (``params.options``): ``influence_bootstrap`` (replicates, default 100; 0 to skip),
``hidden_influence_top`` (default 0.10), ``hidden_audience_max`` (default 0.5),
``hidden_min_influence`` (default 3), ``max_cascade_depth`` (default 50).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query

__all__ = [
    "MEASURES",
    "hidden_prescripteurs",
    "influence_measures",
    "influence_units",
    "rank_correlations",
    "rank_intervals",
    "run",
]

MEASURES = ("audience", "amplification", "mentions", "replies", "cascade", "influence")

# The post an interaction acts on (same convention as liens.analysis.engagement).
_ANCHOR = """CASE WHEN e.kind IN ('reply', 'comment', 'share', 'quote') THEN e.parent_post_id
  WHEN e.kind IN ('reaction', 'vote', 'accept') THEN e.post_id END"""
_INTERACTIONS = "('reply', 'comment', 'share', 'quote', 'reaction', 'vote', 'accept')"


def _posts_window(params: AnalysisParams) -> tuple[str, list]:
    where, args = [], []
    if params.start:
        where.append("created_at >= CAST(? AS TIMESTAMP)")
        args.append(params.start)
    if params.end:
        where.append("created_at < CAST(? AS TIMESTAMP)")
        args.append(params.end)
    return "SELECT * FROM posts" + (f" WHERE {' AND '.join(where)}" if where else ""), args


def influence_units(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams | None = None
) -> pd.DataFrame:
    """The units of caused engagement, one row each, credited to one account.

    A unit is either one publication of the account (with everything it caused) or one
    interaction addressed to the account that acts on no known publication (a Higgs retweet
    or mention has no post id: the event is its own unit). For a publication :math:`p` by
    :math:`a`,

    .. math::

        c(p) = |I_p| + |D_{\\ge 2}(p)|

    where :math:`I_p` are the interactions others made on :math:`p` (replies, comments,
    shares, quotes whose parent is :math:`p`; reactions, votes, accepts on :math:`p`) and
    :math:`D_{\\ge 2}(p)` the publications by others two or more levels below :math:`p` in
    its reply/share tree. A share of a share has the relayer's share as parent: the direct
    credit goes to the relayer, and the original author is credited through :math:`D_{\\ge 2}`.

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window (publications and events in it); ``options["max_cascade_depth"]`` bounds
        the descent (default 50: also a guard against cycles in malformed data).

    Returns
    -------
    DataFrame ``platform, account, unit, kind`` (``post`` or the event kind), ``direct``
    (interactions on the unit), ``amplification`` (shares and quotes among them), ``replies``
    (replies and comments among them), ``deep`` (descendants at depth >= 2 by others) and
    ``caused`` = ``direct + deep``.

    Notes
    -----
    Down votes are interactions (engagement, if unwelcome). Anonymous actors count; the
    author's own events on its publication do not.
    """
    params = params or AnalysisParams()
    sql, args = events_query(params)
    psql, pargs = _posts_window(params)
    depth = int(params.options.get("max_cascade_depth", 50))
    con.register("_deep_units", _deep_descendants(con, psql, pargs, depth))
    query = f"""
WITH p AS ({psql}),
ev AS ({sql}),
inter AS (
  SELECT e.platform, e.kind, e.actor, e.target, e.event_id, {_ANCHOR} AS anchor
  FROM ev e
  WHERE e.kind IN {_INTERACTIONS} AND NOT (e.kind = 'vote' AND e.value IS NULL)),
anchored AS (
  SELECT i.*, p.author FROM inter i
  JOIN p ON p.platform = i.platform AND p.post_id = i.anchor
  WHERE i.actor IS DISTINCT FROM p.author),
direct AS (
  SELECT platform, anchor AS unit, count(*) AS direct,
    count(*) FILTER (WHERE kind IN ('share', 'quote')) AS amplification,
    count(*) FILTER (WHERE kind IN ('reply', 'comment')) AS replies
  FROM anchored GROUP BY ALL),
deep AS (SELECT * FROM _deep_units),
post_units AS (
  SELECT p.platform, p.author AS account, p.post_id AS unit, 'post' AS kind,
    coalesce(d.direct, 0) AS direct, coalesce(d.amplification, 0) AS amplification,
    coalesce(d.replies, 0) AS replies, coalesce(x.deep, 0) AS deep
  FROM p
  LEFT JOIN direct d ON d.platform = p.platform AND d.unit = p.post_id
  LEFT JOIN deep x ON x.platform = p.platform AND x.unit = p.post_id
  WHERE p.author IS NOT NULL),
loose AS (
  SELECT i.platform, i.target AS account, i.event_id AS unit, i.kind, 1 AS direct,
    CAST(i.kind IN ('share', 'quote') AS INTEGER) AS amplification,
    CAST(i.kind IN ('reply', 'comment') AS INTEGER) AS replies, 0 AS deep
  FROM inter i
  WHERE i.target IS NOT NULL AND i.actor IS DISTINCT FROM i.target
    AND NOT EXISTS (SELECT 1 FROM p WHERE p.platform = i.platform AND p.post_id = i.anchor))
SELECT *, direct + deep AS caused FROM """
    # Two queries, not one UNION ALL: streaming the union's result stalled DuckDB 1.4 (no CPU,
    # every thread waiting) on 10M synthetic events, while each half alone takes seconds.
    try:
        halves = [
            con.execute(query + name, [*pargs, *args]).df() for name in ("post_units", "loose")
        ]
    finally:
        con.unregister("_deep_units")
    return pd.concat(halves, ignore_index=True)


def _deep_descendants(
    con: duckdb.DuckDBPyConnection, psql: str, pargs: list, max_depth: int
) -> pa.Table:
    """``platform, unit, deep``: publications by others two or more levels below each one.

    Every publication climbs its chain of parents one level per step, all publications at
    once (numpy index arrays, no loop over publications): at step :math:`d` each still
    climbing holds its ancestor at depth :math:`d` and, from :math:`d = 2`, counts once for
    that ancestor when their authors differ (a missing author differs from any known one and
    equals another missing one). A chain stops at a parent outside the window, and after
    ``max_depth`` levels, which also bounds a cycle of parents in malformed data.
    """
    posts = (
        con.execute(f"SELECT platform, post_id, parent_post_id, author FROM ({psql})", pargs)
        .fetch_arrow_table()
        .combine_chunks()
    )
    n = posts.num_rows
    key = pc.binary_join_element_wise(posts["platform"], posts["post_id"], "\x1f")
    parent_key = pc.binary_join_element_wise(posts["platform"], posts["parent_post_id"], "\x1f")
    # Parent's row (-1: no parent, or a parent outside the window); authors as integers,
    # a missing author as -1 (equal to itself, different from every known author).
    parent = (
        pc.fill_null(pc.index_in(parent_key, value_set=key.combine_chunks()), -1)
        .to_numpy()
        .astype(np.int64)
    )
    author = (
        pc.fill_null(pc.dictionary_encode(posts["author"].combine_chunks()).indices, -1)
        .to_numpy()
        .astype(np.int64)
    )
    deep = np.zeros(n, dtype=np.int64)
    climbing = np.flatnonzero(parent >= 0)  # depth 1: the parent itself
    ancestor = parent[climbing]
    for _ in range(2, max_depth + 1):
        keep = parent[ancestor] >= 0
        climbing, ancestor = climbing[keep], parent[ancestor[keep]]
        if not len(climbing):
            break
        counted = author[climbing] != author[ancestor]
        deep += np.bincount(ancestor[counted], minlength=n)
    found = pa.array(deep > 0)
    return pa.table(
        {
            "platform": posts["platform"].filter(found),
            "unit": posts["post_id"].filter(found),
            "deep": pa.array(deep).filter(found),
        }
    )


def influence_measures(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cha et al.'s three measures and caused engagement, per account.

    - ``audience``: followers (``accounts.followers``) when the source gives them; else the
      in-degree of ``follow`` events; else the *attention in-degree*: distinct accounts that
      addressed the account with any event (``audience_source`` says which).
    - ``amplification``: shares and quotes by others of the account's publications (for a
      share of a share, the relayer), or addressed to it when there is no post id (Cha et
      al.'s retweets).
    - ``mentions``: ``mention`` events addressed to the account plus other events whose
      ``mentions`` list names its handle (Cha et al.'s mentions).
    - ``replies``: direct replies and comments received.
    - ``cascade``: publications by others anywhere below the account's publications.
    - ``influence``: :math:`\\sum_u c(u)` over its units (:func:`influence_units`) plus
      ``mentions``: everything the account's presence caused others to do.

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window.
    units : precomputed :func:`influence_units` (else computed).

    Returns
    -------
    DataFrame ``platform, account, handle, audience, audience_source, amplification,
    mentions, replies, cascade, influence, posts`` (publications in the window), and
    ``influence_rank`` (1 = most influential; ties share the best rank), for every account
    with at least one measure above zero.

    References
    ----------
    M. Cha, H. Haddadi, F. Benevenuto, K. P. Gummadi, "Measuring User Influence in Twitter:
    The Million Follower Fallacy", ICWSM 2010. E. Bakshy, J. M. Hofman, W. A. Mason,
    D. J. Watts, "Everyone's an influencer: quantifying influence on Twitter", WSDM 2011
    (influence as the size of the cascades an account's posts start).

    Examples
    --------
    >>> im = influence_measures(ws.con)  # doctest: +SKIP
    >>> im.nsmallest(10, "influence_rank")[["handle", "audience", "influence"]]
    """
    params = params or AnalysisParams()
    units = influence_units(con, params) if units is None else units
    sql, args = events_query(params)
    con.register("_units", units)
    try:
        df = con.execute(
            f"""
WITH ev AS ({sql}),
u AS (
  SELECT platform, account, sum(amplification) AS amplification, sum(replies) AS replies,
    sum(deep + CASE WHEN kind = 'post' THEN replies + amplification ELSE 0 END) AS cascade,
    sum(caused) AS caused, count(*) FILTER (WHERE kind = 'post') AS posts
  FROM _units GROUP BY ALL),
men AS (
  SELECT platform, account, count(*) AS mentions FROM (
    SELECT platform, target AS account FROM ev
      WHERE kind = 'mention' AND target IS NOT NULL AND actor IS DISTINCT FROM target
    UNION ALL
    SELECT e.platform, a.account_id FROM (
      SELECT platform, actor, lower(ltrim(unnest(mentions), '@')) AS h FROM ev
      WHERE kind <> 'mention' AND len(mentions) > 0) e
    JOIN accounts a ON a.platform = e.platform AND lower(ltrim(a.handle, '@')) = e.h
    WHERE e.actor IS DISTINCT FROM a.account_id)
  GROUP BY ALL),
fol AS (
  SELECT platform, target AS account, count(DISTINCT actor) AS n FROM ev
  WHERE kind = 'follow' AND target IS NOT NULL GROUP BY ALL),
has_fol AS (SELECT DISTINCT platform FROM fol),
att AS (
  SELECT platform, target AS account, count(DISTINCT actor) AS n FROM ev
  WHERE target IS NOT NULL AND actor IS NOT NULL AND actor <> target GROUP BY ALL),
keys AS (
  SELECT platform, account FROM u UNION SELECT platform, account FROM men
  UNION SELECT platform, account FROM att UNION SELECT platform, account FROM fol)
SELECT k.platform, k.account, a.handle,
  CAST(CASE WHEN a.followers IS NOT NULL THEN a.followers
       WHEN hf.platform IS NOT NULL THEN coalesce(f.n, 0)
       ELSE coalesce(t.n, 0) END AS DOUBLE) AS audience,
  CASE WHEN a.followers IS NOT NULL THEN 'followers'
       WHEN hf.platform IS NOT NULL THEN 'follow in-degree'
       ELSE 'attention in-degree' END AS audience_source,
  coalesce(u.amplification, 0) AS amplification, coalesce(m.mentions, 0) AS mentions,
  coalesce(u.replies, 0) AS replies, coalesce(u.cascade, 0) AS cascade,
  coalesce(u.caused, 0) + coalesce(m.mentions, 0) AS influence,
  coalesce(u.posts, 0) AS posts
FROM keys k
LEFT JOIN accounts a ON a.platform = k.platform AND a.account_id = k.account
LEFT JOIN u ON u.platform = k.platform AND u.account = k.account
LEFT JOIN men m ON m.platform = k.platform AND m.account = k.account
LEFT JOIN fol f ON f.platform = k.platform AND f.account = k.account
LEFT JOIN has_fol hf ON hf.platform = k.platform
LEFT JOIN att t ON t.platform = k.platform AND t.account = k.account""",
            args,
        ).df()
    finally:
        con.unregister("_units")
    for c in ("amplification", "mentions", "replies", "cascade", "influence", "posts"):
        df[c] = df[c].astype("int64")
    keep = (df[["audience", "amplification", "mentions", "influence", "posts"]] > 0).any(axis=1)
    df = df[keep].reset_index(drop=True)
    df["influence_rank"] = (
        df.groupby("platform")["influence"].rank(method="min", ascending=False).astype("int64")
    )
    return df.sort_values(["platform", "influence_rank", "account"], ignore_index=True)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rho: the Pearson correlation of average ranks; NaN when a side is constant."""
    ra, rb = a.rank(), b.rank()
    if len(ra) < 3 or ra.nunique() < 2 or rb.nunique() < 2:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def rank_correlations(
    measures: pd.DataFrame,
    columns: Sequence[str] = ("audience", "amplification", "mentions", "influence"),
    tops: Sequence[float] = (1.0, 0.10, 0.01),
) -> pd.DataFrame:
    """Spearman rank correlation between pairs of measures, overall and among top accounts.

    .. math:: \\rho = 1 - \\frac{6 \\sum_i d_i^2}{n (n^2 - 1)}

    (computed as the Pearson correlation of average ranks, which handles ties). Among the
    top :math:`x`, the accounts are the union of the top :math:`x` by either measure, as in
    Cha et al. (2010), where the correlation among the top 1% was far weaker than overall.

    Parameters
    ----------
    measures : the table of :func:`influence_measures`.
    columns : measures compared pairwise.
    tops : fractions of accounts (1.0 = all).

    Returns
    -------
    DataFrame ``platform, measure_a, measure_b, subset`` (``all``, ``top 10%``, ``top 1%``),
    ``n`` (accounts), ``spearman`` in [-1, 1] (NaN with fewer than 3 accounts or a constant
    measure).
    """
    rows = []
    for platform, g in measures.groupby("platform"):
        for i, a in enumerate(columns):
            for b in columns[i + 1 :]:
                for top in tops:
                    if top >= 1:
                        sub, label = g, "all"
                    else:
                        k = max(1, math.ceil(top * len(g)))
                        idx = g[a].nlargest(k).index.union(g[b].nlargest(k).index)
                        sub, label = g.loc[idx], f"top {top:.0%}"
                    rows.append(
                        {
                            "platform": platform,
                            "measure_a": a,
                            "measure_b": b,
                            "subset": label,
                            "n": len(sub),
                            "spearman": _spearman(sub[a], sub[b]),
                        }
                    )
    return pd.DataFrame(rows)


def rank_intervals(
    units: pd.DataFrame,
    measures: pd.DataFrame,
    *,
    replicates: int = 100,
    seed: int = 42,
    level: float = 0.90,
) -> pd.DataFrame:
    """Uncertainty of influence ranks: a bootstrap over publications (units).

    Each replicate draws a Poisson(1) weight for every unit (the Poisson bootstrap, a
    resampling with replacement whose size varies) and recomputes
    :math:`influence(a) = \\sum_u w_u c(u) + mentions(a)`; the rank of :math:`a` is one plus
    the number of accounts with a strictly larger score.

    Parameters
    ----------
    units : :func:`influence_units`.
    measures : :func:`influence_measures` (its ``mentions`` are held fixed).
    replicates : bootstrap replicates (0 gives NaN intervals).
    seed : random seed.
    level : coverage of the interval (0.90 = 5th to 95th percentile).

    Returns
    -------
    ``measures`` with ``rank_low``, ``rank_high`` (percentile interval of the rank) and
    ``top10_probability`` (share of replicates in which the account is in the top 10%).

    References
    ----------
    J. A. Hanley, B. MacGibbon, "Creating non-parametric bootstrap samples using Poisson
    frequencies", Computer Methods and Programs in Biomedicine 83(1), 2006. B. Efron,
    R. Tibshirani, *An Introduction to the Bootstrap*, 1993.
    """
    out = measures.copy()
    out["rank_low"] = np.nan
    out["rank_high"] = np.nan
    out["top10_probability"] = np.nan
    if replicates <= 0 or out.empty:
        return out
    rng = np.random.default_rng(seed)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    for _platform, g in out.groupby("platform"):
        key = pd.Index(g["account"])
        u = units[units["platform"] == _platform]
        idx = key.get_indexer(u["account"])
        ok = idx >= 0
        idx, caused = idx[ok], u["caused"].to_numpy(dtype=float)[ok]
        base = g["mentions"].to_numpy(dtype=float)
        n = len(g)
        k10 = max(1, math.ceil(0.10 * n))
        ranks = np.empty((replicates, n), dtype=np.int32)
        for b in range(replicates):
            w = rng.poisson(1.0, size=len(caused))
            s = base + np.bincount(idx, weights=w * caused, minlength=n)
            desc = np.sort(s)[::-1]
            # rank = 1 + number of strictly larger scores
            ranks[b] = np.searchsorted(-desc, -s, side="left") + 1
        out.loc[g.index, "rank_low"] = np.quantile(ranks, lo_q, axis=0)
        out.loc[g.index, "rank_high"] = np.quantile(ranks, hi_q, axis=0)
        out.loc[g.index, "top10_probability"] = (ranks <= k10).mean(axis=0)
    return out


def hidden_prescripteurs(
    measures: pd.DataFrame,
    *,
    influence_top: float = 0.10,
    audience_max: float = 0.5,
    min_influence: int = 3,
) -> pd.DataFrame:
    """Flag hidden prescripteurs: large caused engagement, small audience.

    With :math:`F_I(a)` and :math:`F_A(a)` the empirical distribution functions of influence
    and audience among the platform's accounts (share of accounts at or below :math:`a`'s
    value), :math:`a` is a hidden prescripteur when

    .. math::

        F_I(a) \\ge 1 - \\text{influence\\_top}, \\quad F_A(a) \\le \\text{audience\\_max},
        \\quad I(a) \\ge \\text{min\\_influence}

    i.e. among the top 10% by influence while its audience is at or below the median.

    Parameters
    ----------
    measures : :func:`influence_measures`.
    influence_top, audience_max, min_influence : the rule's thresholds.

    Returns
    -------
    ``measures`` with ``influence_percentile``, ``audience_percentile`` (in (0, 1]) and
    ``hidden_prescripteur`` (bool).

    Notes
    -----
    When the audience is the attention in-degree (no follower counts, no follow events), it
    is built from the same interactions as influence, so the two correlate by construction
    and few hidden prescripteurs can appear; follower counts make the flag meaningful.
    """
    out = measures.copy()
    g = out.groupby("platform")
    out["influence_percentile"] = g["influence"].rank(method="max", pct=True)
    out["audience_percentile"] = g["audience"].rank(method="max", pct=True)
    out["hidden_prescripteur"] = (
        (out["influence_percentile"] >= 1 - influence_top)
        & (out["audience_percentile"] <= audience_max)
        & (out["influence"] >= min_influence)
    )
    return out


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    """The ``influence`` and ``influence_correlations`` tables and the member columns."""
    o = params.options
    units = influence_units(con, params)
    m = influence_measures(con, params, units=units)
    m = hidden_prescripteurs(
        m,
        influence_top=float(o.get("hidden_influence_top", 0.10)),
        audience_max=float(o.get("hidden_audience_max", 0.5)),
        min_influence=int(o.get("hidden_min_influence", 3)),
    )
    m = rank_intervals(
        units, m, replicates=int(o.get("influence_bootstrap", 100)), seed=params.seed
    )
    members = m[["platform", "account", "influence", "influence_rank", "hidden_prescripteur"]]
    return {
        "influence": m,
        "influence_correlations": rank_correlations(m),
        "members": members,
    }
