"""Functions placing every member at one of the four stages of presence, with the evidence.

The four stages (seeds 000/001, "Les quatre stades de présence sur les réseaux sociaux"):

``present`` (présent)
    joined, reads or reacts, never speaks: no publication and no relay in the window. About
    90% of profiles; members with no activity at all are included.
``relai``
    mostly relays what others wrote: shares and quotes are at least ``relay_share_min`` of the
    member's public acts. Visible without risk, with low engagement on what it relays.
``producteur``
    writes own content (posts, replies, comments, mentions) more than it relays; draws
    engagement and criticism. The top ``influencer_top`` (1%) of all members by engagement
    received are flagged ``influencer``.
``power_networker``
    a producteur with a large engaged audience who publishes regularly over weeks: see
    :func:`classify_stages` for the five criteria.

Tables written by ``liens analyze`` (analysis ``roles``):

``member_stages``
    one row per member: the numbers the rules read and the stage (:func:`member_stages`).
``stage_distribution``
    per platform and stage: members, share, contributions (:func:`stage_distribution`).
``contribution_inequality``
    per platform: Gini of contributions, top-1%/top-10% shares, Nielsen's 90-9-1 groups
    (:func:`contribution_inequality`).
``stage_transitions``
    per period: members moving from one stage to another (:func:`stage_transitions`).
``members`` (stage columns)
    ``stage``, ``stage_evidence``, ``influencer``.

Every threshold is in :data:`DEFAULT_STAGE_RULES` and can be changed through
``params.options["stage_rules"]`` (a dict of the same keys).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query
from liens.errors import LiensError

__all__ = [
    "DEFAULT_STAGE_RULES",
    "REACT_KINDS",
    "RECEIVED_KINDS",
    "RELAY_KINDS",
    "STAGES",
    "WRITE_KINDS",
    "classify_stages",
    "contribution_inequality",
    "gini",
    "member_features",
    "member_plan",
    "member_stages",
    "stage_distribution",
    "stage_rules",
    "stage_transitions",
]

STAGES = ("present", "relai", "producteur", "power_networker")

# What counts as speaking in one's own words, relaying, or reacting. A quote adds words to
# someone else's post but its substance is the relayed post (Cha et al. 2010 count quotes with
# retweets), so it is a relay. A mention is a publication naming someone: own words.
WRITE_KINDS = ("post", "reply", "comment", "mention")
RELAY_KINDS = ("share", "quote")
REACT_KINDS = ("reaction", "vote", "follow", "accept", "rating")
# Events others address to a member that count as engagement it received. Edits, moderation
# and links also carry a target (the post's author) but are housekeeping, not engagement;
# follows are audience, not engagement.
RECEIVED_KINDS = ("reply", "comment", "share", "quote", "mention", "reaction", "vote", "accept")

DEFAULT_STAGE_RULES: dict[str, float] = {
    # présent -> relai / producteur: at least this many public acts (writes + relays).
    "min_public_acts": 1,
    # relai when relays / (writes + relays) >= this.
    "relay_share_min": 0.5,
    # influencer: among the top share of all members (zeros included) by engagement received.
    "influencer_top": 0.01,
    # power networker, all five required:
    "pn_audience_top": 0.05,  # distinct engagers among the top 5% of members
    "pn_min_publishing_weeks": 8,  # own content in at least 8 distinct ISO weeks
    "pn_min_regularity": 0.2,  # publishing weeks / weeks from first to last publication
    "pn_min_engaged_week_share": 0.5,  # engagement received in half of the publishing weeks
    "pn_min_contacts": 20,  # distinct accounts it addressed or that addressed it
}


def stage_rules(params: AnalysisParams | None = None) -> dict[str, float]:
    """The rules in use: :data:`DEFAULT_STAGE_RULES` updated by ``options["stage_rules"]``.

    Raises :class:`~liens.errors.LiensError` for an unknown key or a value that is not a number.
    """
    given: Mapping[str, Any] = (params.options if params else {}).get("stage_rules", {}) or {}
    rules = dict(DEFAULT_STAGE_RULES)
    for key, value in given.items():
        if key not in rules:
            raise LiensError(
                f"unknown stage rule {key!r}; known: {', '.join(DEFAULT_STAGE_RULES)}",
                field="stage_rules",
            )
        try:
            rules[key] = float(value)
        except (TypeError, ValueError):
            raise LiensError(
                f"stage rule {key!r} must be a number, not {value!r}", field="stage_rules"
            ) from None
    return rules


def _kinds(kinds: tuple[str, ...]) -> str:
    return ", ".join(f"'{k}'" for k in kinds)


def member_features(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    period: str | None = None,
) -> pd.DataFrame:
    """The numbers the stage rules read, per member (and per period when ``period`` is given).

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : the window (``start``/``end``).
    period : None for the whole window, or ``'month'``/``'quarter'``/``'week'``: one row per
        member and period, from the member's first appearance on (members known by then and
        silent in the period are rows of zeros).

    Returns
    -------
    DataFrame with ``platform, account, handle`` (and ``period``), and

    - ``writes``: posts, replies, comments and mentions made (:data:`WRITE_KINDS`);
    - ``relays``: shares and quotes made (:data:`RELAY_KINDS`);
    - ``reacts``: reactions, votes, follows, accepts, ratings made (:data:`REACT_KINDS`);
    - ``engagement_received``: events of :data:`RECEIVED_KINDS` others addressed to it
      (``target`` = member; anonymous actors count, the member's own do not);
    - ``engagers``: distinct accounts among them;
    - ``contacts``: distinct accounts it addressed or that addressed it (any kind);
    - ``publishing_weeks``: distinct ISO weeks with an own publication (writes);
    - ``span_weeks``: weeks from its first to its last own publication, both included;
    - ``engaged_weeks``: publishing weeks in which it also received engagement.

    Notes
    -----
    Every row of ``accounts`` is a member, silent ones included: the présents who read
    without acting are part of the community (the 90 of 90-9-1).
    """
    params = params or AnalysisParams()
    sql, args = events_query(params)
    per = f"date_trunc('{period}', created_at)" if period else "NULL::TIMESTAMP"
    if period not in (None, "week", "month", "quarter", "year"):
        raise LiensError(f"unknown period {period!r}; one of week, month, quarter, year")
    w, r, x, rec = (_kinds(k) for k in (WRITE_KINDS, RELAY_KINDS, REACT_KINDS, RECEIVED_KINDS))
    grid = (
        """
grid AS (
  SELECT m.platform, m.account, m.handle, p.period FROM mem m
  JOIN (SELECT DISTINCT platform, period FROM ev) p ON p.platform = m.platform
  WHERE m.first_seen IS NULL OR m.first_seen < p.period + INTERVAL 1 """
        + period
        + ")"
        if period
        else "grid AS (SELECT platform, account, handle, NULL::TIMESTAMP AS period FROM mem)"
    )
    query = f"""
WITH ev AS (
  -- Only the columns used: the CTE is materialised, texts and lists would be copied too.
  SELECT platform, kind, actor, target, created_at, {per} AS period,
    date_trunc('week', created_at) AS week FROM ({sql})),
seen AS (
  SELECT platform, account, min(t) AS t FROM (
    SELECT platform, actor AS account, min(created_at) AS t FROM ev
      WHERE actor IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT platform, target, min(created_at) FROM ev WHERE target IS NOT NULL GROUP BY ALL)
  GROUP BY ALL),
mem AS (
  SELECT a.platform, a.account_id AS account, a.handle,
    least(a.created_at, s.t) AS first_seen
  FROM accounts a LEFT JOIN seen s ON s.platform = a.platform AND s.account = a.account_id),
{grid},
out_ AS (
  SELECT platform, actor AS account, period,
    count(*) FILTER (WHERE kind IN ({w})) AS writes,
    count(*) FILTER (WHERE kind IN ({r})) AS relays,
    count(*) FILTER (WHERE kind IN ({x})) AS reacts,
    count(DISTINCT week) FILTER (WHERE kind IN ({w})) AS publishing_weeks,
    CAST(floor(datediff('day', min(week) FILTER (WHERE kind IN ({w})),
                             max(week) FILTER (WHERE kind IN ({w}))) / 7) + 1 AS BIGINT)
      AS span_weeks
  FROM ev WHERE actor IS NOT NULL GROUP BY ALL),
in_ AS (
  SELECT platform, target AS account, period,
    count(*) AS engagement_received, count(DISTINCT actor) AS engagers
  FROM ev WHERE target IS NOT NULL AND kind IN ({rec}) AND actor IS DISTINCT FROM target
  GROUP BY ALL),
pub_weeks AS (
  SELECT DISTINCT platform, actor AS account, period, week FROM ev
  WHERE actor IS NOT NULL AND kind IN ({w})),
eng_weeks AS (
  SELECT DISTINCT platform, target AS account, period, week FROM ev
  WHERE target IS NOT NULL AND kind IN ({rec}) AND actor IS DISTINCT FROM target),
engaged AS (
  SELECT p.platform, p.account, p.period, count(*) AS engaged_weeks
  FROM pub_weeks p JOIN eng_weeks e ON e.platform = p.platform AND e.account = p.account
    AND e.period IS NOT DISTINCT FROM p.period AND e.week = p.week
  GROUP BY ALL),
pairs AS (
  SELECT platform, actor AS account, target AS other, period FROM ev
  WHERE actor IS NOT NULL AND target IS NOT NULL AND actor <> target
  UNION
  SELECT platform, target, actor, period FROM ev
  WHERE actor IS NOT NULL AND target IS NOT NULL AND actor <> target),
contacts AS (SELECT platform, account, period, count(*) AS contacts FROM pairs GROUP BY ALL)
SELECT g.platform, g.account, g.handle, g.period,
  coalesce(o.writes, 0) AS writes, coalesce(o.relays, 0) AS relays,
  coalesce(o.reacts, 0) AS reacts,
  coalesce(i.engagement_received, 0) AS engagement_received,
  coalesce(i.engagers, 0) AS engagers, coalesce(c.contacts, 0) AS contacts,
  coalesce(o.publishing_weeks, 0) AS publishing_weeks, coalesce(o.span_weeks, 0) AS span_weeks,
  coalesce(e.engaged_weeks, 0) AS engaged_weeks
FROM grid g
LEFT JOIN out_ o ON o.platform = g.platform AND o.account = g.account
  AND o.period IS NOT DISTINCT FROM g.period
LEFT JOIN in_ i ON i.platform = g.platform AND i.account = g.account
  AND i.period IS NOT DISTINCT FROM g.period
LEFT JOIN contacts c ON c.platform = g.platform AND c.account = g.account
  AND c.period IS NOT DISTINCT FROM g.period
LEFT JOIN engaged e ON e.platform = g.platform AND e.account = g.account
  AND e.period IS NOT DISTINCT FROM g.period
ORDER BY g.platform, g.period, g.account"""
    df = con.execute(query, args).df()
    if not period:
        df = df.drop(columns="period")
    return df


def _top_share(values: pd.Series, groups: list[pd.Series]) -> pd.Series:
    """Share of the group's members with a strictly larger value: 0.01 = in the top 1%.

    The largest value has 0 (top of any community, however small); ties share the best
    position, so equal values are treated alike.
    """
    rank = values.groupby(groups).rank(method="min", ascending=False)
    size = values.groupby(groups).transform("size")
    return (rank - 1) / size


def classify_stages(
    features: pd.DataFrame, rules: Mapping[str, float] | None = None, *, evidence: bool = True
) -> pd.DataFrame:
    """Assign each member its stage of presence and say why.

    With :math:`w` own publications (writes), :math:`r` relays, :math:`E` engagement received,
    :math:`q_E` and :math:`q_A` the member's top share by engagement received and by distinct
    engagers (share of members with a strictly larger value, all members counted):

    - ``present`` when :math:`w + r <` ``min_public_acts``;
    - ``relai`` when :math:`r / (w + r) \\ge` ``relay_share_min``;
    - ``power_networker`` when otherwise (a producteur) all five hold:
      :math:`q_A \\le` ``pn_audience_top`` (large engaged audience), publishing weeks
      :math:`\\ge` ``pn_min_publishing_weeks``, regularity = publishing weeks / span weeks
      :math:`\\ge` ``pn_min_regularity`` (a calendar, not a burst), engaged weeks / publishing
      weeks :math:`\\ge` ``pn_min_engaged_week_share`` (sustained engagement), contacts
      :math:`\\ge` ``pn_min_contacts`` (breadth of ties);
    - ``producteur`` otherwise;
    - ``influencer`` (a flag, not a stage): a producteur or power networker with :math:`E > 0`
      and :math:`q_E \\le` ``influencer_top``.

    Parameters
    ----------
    features : the table of :func:`member_features` (with or without ``period``).
    rules : thresholds; default :data:`DEFAULT_STAGE_RULES`.
    evidence : False to leave out ``stage_evidence`` (the transitions need the stages only).

    Returns
    -------
    ``features`` with ``relay_share`` (NaN for a member with no public act), ``regularity``
    (NaN without publication), ``engaged_week_share``, ``engagement_top_share``,
    ``audience_top_share``, ``stage``, ``influencer`` (bool), ``stage_evidence`` (text).

    Notes
    -----
    Top shares are computed per platform (and per period): a member's standing is relative
    to its own community. Stack Exchange votes are anonymous but carry the voted author as
    target, so they count in engagement received and not in the voter's reactions.

    References
    ----------
    Seeds 000/001 (four stages); J. Nielsen, "Participation Inequality: the 90-9-1 Rule",
    Nielsen Norman Group, 2006.

    Examples
    --------
    >>> st = classify_stages(member_features(ws.con))  # doctest: +SKIP
    >>> st.stage.value_counts(normalize=True)
    """
    rl = {**DEFAULT_STAGE_RULES, **(rules or {})}
    df = features.copy()
    groups = [df["platform"]] + ([df["period"]] if "period" in df else [])
    public = df["writes"] + df["relays"]
    df["relay_share"] = np.where(public > 0, df["relays"] / public.where(public > 0, 1), np.nan)
    span = df["span_weeks"].where(df["span_weeks"] > 0)
    df["regularity"] = df["publishing_weeks"] / span
    pw = df["publishing_weeks"].where(df["publishing_weeks"] > 0)
    df["engaged_week_share"] = df["engaged_weeks"] / pw
    df["engagement_top_share"] = _top_share(df["engagement_received"].astype(float), groups)
    df["audience_top_share"] = _top_share(df["engagers"].astype(float), groups)

    present = public < rl["min_public_acts"]
    relai = ~present & (df["relay_share"] >= rl["relay_share_min"])
    crit = {
        "audience": (df["engagers"] > 0) & (df["audience_top_share"] <= rl["pn_audience_top"]),
        "weeks": df["publishing_weeks"] >= rl["pn_min_publishing_weeks"],
        "regularity": df["regularity"].fillna(0) >= rl["pn_min_regularity"],
        "sustained": df["engaged_week_share"].fillna(0) >= rl["pn_min_engaged_week_share"],
        "contacts": df["contacts"] >= rl["pn_min_contacts"],
    }
    pn = ~present & ~relai & crit["audience"] & crit["weeks"] & crit["regularity"]
    pn &= crit["sustained"] & crit["contacts"]
    df["stage"] = np.select(
        [present, relai, pn], ["present", "relai", "power_networker"], "producteur"
    )
    df["influencer"] = (
        df["stage"].isin(["producteur", "power_networker"])
        & (df["engagement_received"] > 0)
        & (df["engagement_top_share"] <= rl["influencer_top"])
    )
    if evidence:
        df["stage_evidence"] = _evidence(df, rl)
    return df


def _text(s: pd.Series) -> pa.ChunkedArray:
    """``s.astype(str)`` as Arrow text, formatting each distinct value once (missing stays
    missing): a member table repeats few distinct counts and shares, and formatting numbers
    one by one dominated the stage classification on large communities."""
    codes, uniques = pd.factorize(s)
    if len(uniques) == 0:
        return pa.chunked_array([pa.nulls(len(s), pa.string())])
    text = pa.array(pd.Series(uniques).astype(str).to_numpy(na_value=None), pa.string())
    return pa.chunked_array([text.take(pa.array(codes, mask=codes < 0))])


def _pct(s: pd.Series) -> pa.ChunkedArray:
    return _cat(_text((s * 100).round(2)), "%")


def _cat(*parts: pa.ChunkedArray | str) -> pa.ChunkedArray:
    """Concatenation; missing when a part is missing (as pandas' ``+`` on text)."""
    return pc.binary_join_element_wise(*parts, "")


def _evidence(df: pd.DataFrame, rl: Mapping[str, float]) -> pd.Series:
    """One sentence per member built column-wise with Arrow kernels (no loop over members)."""
    acts = _cat(_text(df["writes"]), " own publications, ", _text(df["relays"]), " relays")
    share = _text(df["relay_share"].round(2))
    eng = _cat(
        "; engagement received ",
        _text(df["engagement_received"]),
        " (top ",
        _pct(df["engagement_top_share"]),
        ") from ",
        _text(df["engagers"]),
        " accounts",
    )
    present = _cat(
        "no own publication or relay in the window; ",
        _text(df["reacts"]),
        " reactions/votes/follows given",
        eng,
    )
    relai = _cat(acts, " (relay share ", share, " >= ", str(rl["relay_share_min"]), ")", eng)
    prod = _cat(acts, " (relay share ", share, " < ", str(rl["relay_share_min"]), ")", eng)
    reg = _cat(
        "; published in ",
        _text(df["publishing_weeks"]),
        " of ",
        _text(df["span_weeks"]),
        " weeks (regularity ",
        _text(df["regularity"].round(2)),
        "), engagement in ",
        _pct(df["engaged_week_share"].fillna(0)),
        " of them, ",
        _text(df["contacts"]),
        " contacts",
    )
    infl = pc.if_else(
        pa.array(df["influencer"].to_numpy(dtype=bool)),
        _cat("; influencer (top ", _pct(df["engagement_top_share"]), ")"),
        "",
    )
    stage = pa.array(df["stage"].to_numpy(dtype=object), pa.string())
    out = pc.if_else(
        pc.equal(stage, "present"),
        present,
        pc.if_else(pc.equal(stage, "relai"), relai, _cat(prod, reg)),
    )
    text = _cat(out, infl).to_pandas(
        types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get
    )
    return pd.Series(text.array, index=df.index)


def member_stages(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams | None = None
) -> pd.DataFrame:
    """The stage of every member over the window, with the numbers and the evidence.

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window and ``options["stage_rules"]`` (see :data:`DEFAULT_STAGE_RULES`).

    Returns
    -------
    The columns of :func:`member_features` and of :func:`classify_stages`.

    Examples
    --------
    >>> ms = member_stages(ws.con)  # doctest: +SKIP
    >>> ms.loc[ms.influencer, ["handle", "stage", "stage_evidence"]]
    """
    return classify_stages(member_features(con, params), stage_rules(params))


def gini(values: np.ndarray | pd.Series) -> float:
    """Gini coefficient of non-negative values (contributions per member).

    .. math:: G = \\frac{2 \\sum_{i=1}^{n} i \\, x_{(i)}}{n \\sum_i x_i} - \\frac{n + 1}{n}

    with :math:`x_{(i)}` sorted in increasing order: 0 when everyone contributes equally,
    :math:`1 - 1/n` when one member makes every contribution.

    Parameters
    ----------
    values : contributions, zeros included (silent members matter).

    Returns
    -------
    float in [0, 1); NaN when there are no values or they sum to zero.

    References
    ----------
    C. Gini, *Variabilità e mutabilità*, 1912; the sorted-sum form is in P. D. Allison,
    "Measures of inequality", American Sociological Review 43(6), 1978.

    Examples
    --------
    >>> gini([0, 0, 0, 10])
    0.75
    """
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), x.sum() if len(x) else 0.0
    if n == 0 or total <= 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(2 * (i * x).sum() / (n * total) - (n + 1) / n)


def _top_fraction_share(x: np.ndarray, frac: float) -> float:
    """Share of the total held by the top ``ceil(frac * n)`` values."""
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return float("nan")
    k = max(1, math.ceil(frac * n))
    return float(np.sort(x)[::-1][:k].sum() / x.sum())


def contribution_inequality(stages: pd.DataFrame) -> pd.DataFrame:
    """Participation inequality per platform, against Nielsen's 90-9-1 rule.

    A member's contributions are its public acts :math:`w + r` (own publications and relays).
    Nielsen's groups: *lurkers* never contribute (expected 90%), *heavy contributors* are the
    top 1% of all members by contributions (expected 1%, making most of the contributions),
    *intermittent contributors* are the others who contributed (expected 9%).

    Parameters
    ----------
    stages : the table of :func:`member_stages`.

    Returns
    -------
    DataFrame, one row per platform: ``members``, ``contributors``, ``contributions``,
    ``gini`` (:func:`gini` over all members, zeros included), ``top1_share`` and
    ``top10_share`` (share of contributions made by the top 1% and 10% of members),
    ``lurker_share``, ``intermittent_share``, ``heavy_share`` (shares of members) and
    ``heavy_contribution_share``, with the rule's ``expected_lurker_share`` 0.90,
    ``expected_intermittent_share`` 0.09, ``expected_heavy_share`` 0.01.

    Notes
    -----
    When fewer members contributed than 1% of the community, every contributor is heavy and
    there are no intermittent contributors.

    References
    ----------
    J. Nielsen, "Participation Inequality: Encouraging More Users to Contribute", 2006.
    """
    rows = []
    for platform, g in stages.groupby("platform", sort=True):
        x = (g["writes"] + g["relays"]).to_numpy(dtype=float)
        n, contributors = len(x), int((x > 0).sum())
        k = min(contributors, max(1, math.ceil(0.01 * n)))
        rows.append(
            {
                "platform": platform,
                "members": n,
                "contributors": contributors,
                "contributions": int(x.sum()),
                "gini": gini(x),
                "top1_share": _top_fraction_share(x, 0.01),
                "top10_share": _top_fraction_share(x, 0.10),
                "lurker_share": (n - contributors) / n if n else np.nan,
                "intermittent_share": (contributors - k) / n if n else np.nan,
                "heavy_share": k / n if n else np.nan,
                "heavy_contribution_share": (
                    np.sort(x)[::-1][:k].sum() / x.sum() if x.sum() > 0 else np.nan
                ),
                "expected_lurker_share": 0.90,
                "expected_intermittent_share": 0.09,
                "expected_heavy_share": 0.01,
            }
        )
    return pd.DataFrame(rows)


def stage_distribution(stages: pd.DataFrame) -> pd.DataFrame:
    """Members and contributions per stage and platform.

    Parameters
    ----------
    stages : the table of :func:`member_stages`.

    Returns
    -------
    DataFrame, one row per (platform, stage) for the four stages (zeros kept) plus a row
    ``influencer`` (a flag across stages): ``members``, ``share`` (of the platform's
    members), ``contributions`` (own publications + relays), ``contribution_share``,
    ``engagement_received``, ``engagement_share``.
    """
    df = stages.assign(contributions=stages["writes"] + stages["relays"])
    cols = ["contributions", "engagement_received"]
    g = df.groupby(["platform", "stage"])[cols].agg(["size", "sum"])
    idx = pd.MultiIndex.from_product([sorted(df["platform"].unique()), STAGES])
    out = pd.DataFrame(
        {
            "members": g[("contributions", "size")],
            "contributions": g[("contributions", "sum")],
            "engagement_received": g[("engagement_received", "sum")],
        }
    ).reindex(idx, fill_value=0)
    out.index.names = ["platform", "stage"]
    out = out.reset_index()
    infl = (
        df[df["influencer"]]
        .groupby("platform")[cols]
        .agg(["size", "sum"])
        .reindex(sorted(df["platform"].unique()), fill_value=0)
    )
    infl = pd.DataFrame(
        {
            "platform": infl.index,
            "stage": "influencer",
            "members": infl[("contributions", "size")].to_numpy(),
            "contributions": infl[("contributions", "sum")].to_numpy(),
            "engagement_received": infl[("engagement_received", "sum")].to_numpy(),
        }
    )
    out = pd.concat([out, infl], ignore_index=True)
    tot = df.groupby("platform").agg(
        n=("account", "size"), c=("contributions", "sum"), e=("engagement_received", "sum")
    )
    t = tot.loc[out["platform"]].reset_index(drop=True)
    out["share"] = out["members"] / t["n"]
    out["contribution_share"] = out["contributions"] / t["c"].where(t["c"] > 0)
    out["engagement_share"] = out["engagement_received"] / t["e"].where(t["e"] > 0)
    return out[
        [
            "platform",
            "stage",
            "members",
            "share",
            "contributions",
            "contribution_share",
            "engagement_received",
            "engagement_share",
        ]
    ]


def stage_transitions(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    period: str = "quarter",
) -> pd.DataFrame:
    """Members moving between stages from one period to the next.

    Each member's stage in a period is :func:`classify_stages` applied to its activity in
    that period only (top shares computed among the members known in the period). A member
    first seen in a period comes ``from`` the pseudo-stage ``new``.

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window and ``options["stage_rules"]``.
    period : ``'month'``, ``'quarter'`` (default) or ``'year'``; ``options["stage_period"]``
        overrides it in ``liens analyze``.

    Returns
    -------
    DataFrame ``platform, period`` (start of the period, UTC), ``from_stage``, ``to_stage``,
    ``members`` (count); staying in the same stage is a row too.

    Notes
    -----
    The power-networker rule asks for 8 publishing weeks by default: with monthly periods it
    cannot hold; use quarters or years, or lower ``pn_min_publishing_weeks``.
    """
    feats = member_features(con, params, period=period)
    if feats.empty:
        return pd.DataFrame(columns=["platform", "period", "from_stage", "to_stage", "members"])
    st = classify_stages(feats, stage_rules(params), evidence=False)
    st = st[["platform", "account", "period", "stage"]]
    st = st.sort_values(["platform", "account", "period"])
    prev = st.groupby(["platform", "account"])["stage"].shift(1).fillna("new")
    tr = st.assign(from_stage=prev, to_stage=st["stage"])
    return (
        tr.groupby(["platform", "period", "from_stage", "to_stage"])
        .size()
        .rename("members")
        .reset_index()
        .sort_values(["platform", "period", "from_stage", "to_stage"], ignore_index=True)
    )


# -- one member: where it stands and what to do -----------------------------------------------


def _resolve(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str, str | None]:
    rows = con.execute(
        """SELECT platform, account_id, handle FROM accounts
        WHERE account_id = ? OR lower(handle) = lower(?) OR lower(account_id) = lower(?)
        ORDER BY account_id = ? DESC""",
        [name, name, name, name],
    ).fetchall()
    if not rows:
        raise LiensError(f"no member {name!r}: give an account id or a handle")
    if len(rows) > 1 and rows[0][1] != name:
        found = ", ".join(f"{r[1]} ({r[2]})" for r in rows[:5])
        raise LiensError(f"{name!r} matches {len(rows)} members: {found}; give the account id")
    return rows[0]


def member_plan(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: AnalysisParams | None = None,
    *,
    horizon_weeks: int = 12,
    n_contacts: int = 5,
) -> dict[str, Any]:
    """A member's stage, its evidence, what separates it from the next stage, and a plan.

    The gaps are the rules of :func:`classify_stages` that the member does not yet meet,
    each with the threshold and the member's number. The plan spreads what is missing over
    ``horizon_weeks``: a posting rhythm (own publications per week), the own-content share
    to keep, the replies owed (replies and comments others wrote on the member's posts or to
    the member, that it never answered) and the contacts to strengthen (accounts that address
    the member more than it addresses them: the ties most ready to become mutual).

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    name : account id or handle (case-insensitive).
    params : window and ``options["stage_rules"]``.
    horizon_weeks : the period of the plan.
    n_contacts : contacts proposed.

    Returns
    -------
    dict with ``platform, account, handle, stage, influencer, evidence, next_stage``,
    ``gaps`` (list of ``{criterion, threshold, value, met}``), ``plan`` (list of sentences)
    and ``contacts`` (list of ``{account, handle, to_member, from_member}``).

    Examples
    --------
    >>> member_plan(ws.con, "Gimly")["plan"]  # doctest: +SKIP
    """
    params = params or AnalysisParams()
    rl = stage_rules(params)
    platform, account, handle = _resolve(con, name)
    st = member_stages(con, params)
    row = st[(st["platform"] == platform) & (st["account"] == account)].iloc[0]
    stage = str(row["stage"])
    order = {s: i for i, s in enumerate(STAGES)}
    nxt = STAGES[order[stage] + 1] if order[stage] + 1 < len(STAGES) else None
    same = st[st["platform"] == platform]
    w, r = int(row["writes"]), int(row["relays"])
    gaps: list[dict[str, Any]] = []
    plan: list[str] = []
    if stage == "present":
        need = int(rl["min_public_acts"])
        gaps.append({"criterion": "public acts (publications + relays)", "threshold": need,
                     "value": w + r, "met": False})  # fmt: skip
        plan.append(
            f"Relay {need} post(s) from your watch in the next week, then about one a week "
            f"({horizon_weeks} over {horizon_weeks} weeks): visible without risk."
        )
    elif stage == "relai":
        # producteur when w / (w + r) > 1 - relay_share_min, i.e. w > r * (1 - s) / s
        s = rl["relay_share_min"]
        need_w = math.floor(r * (1 - s) / s) + 1 if s > 0 else 1
        gaps.append({"criterion": "own publications (relay share below "
                     f"{s})", "threshold": need_w, "value": w, "met": False})  # fmt: skip
        per_week = math.ceil(max(need_w - w, 1) / horizon_weeks)
        plan.append(
            f"Write {need_w - w} own publication(s) (posts, answers, comments) over "
            f"{horizon_weeks} weeks, about {per_week} a week, and keep relays below "
            f"{int(s * 100)}% of what you publish."
        )
    elif stage == "producteur":
        n = len(same)
        k = max(1, math.floor(rl["pn_audience_top"] * n))
        cutoff = int(same["engagers"].nlargest(k).min()) if n else 0
        regular_needed = math.ceil(rl["pn_min_regularity"] * max(int(row["span_weeks"]), 1))
        checks = [
            ("distinct engagers (top " + f"{rl['pn_audience_top']:.0%})",
             max(cutoff, 1), int(row["engagers"])),
            ("publishing weeks", int(rl["pn_min_publishing_weeks"]),
             int(row["publishing_weeks"])),
            ("regularity (publishing weeks / span)", rl["pn_min_regularity"],
             float(np.nan_to_num(row["regularity"]))),
            ("share of publishing weeks with engagement", rl["pn_min_engaged_week_share"],
             float(np.nan_to_num(row["engaged_week_share"]))),
            ("contacts", int(rl["pn_min_contacts"]), int(row["contacts"])),
        ]  # fmt: skip
        for crit, thr, val in checks:
            gaps.append({"criterion": crit, "threshold": thr, "value": val, "met": val >= thr})
        weeks_needed = max(int(rl["pn_min_publishing_weeks"]), regular_needed)
        plan.append(
            f"Publish every week for the next {horizon_weeks} weeks on the topics that drew "
            f"engagement (a calendar: at least {weeks_needed} publishing weeks in all, "
            f"you have {int(row['publishing_weeks'])})."
        )
        if int(row["engagers"]) < cutoff:
            plan.append(
                f"Grow the engaged audience from {int(row['engagers'])} to {cutoff} distinct "
                f"accounts: answer every comment and reply, ask questions in your posts."
            )
    else:
        plan.append(
            "Keep the calendar: regular publications, answers to every comment, and watch "
            "for critics (defenders: see the advocates table)."
        )
    if stage != "present":
        plan.append(
            f"Keep own content at least {1 - rl['relay_share_min']:.0%} of what you publish "
            f"(now {1 - float(np.nan_to_num(row['relay_share'])):.0%})."
        )
    owed = _replies_owed(con, params, platform, account)
    if owed:
        plan.append(
            f"Answer the {owed} replies, comments or mentions addressed to you that got no "
            "answer (see brand_posture for the rule)."
        )
    contacts = _contacts_to_strengthen(con, params, platform, account, n_contacts)
    if contacts:
        names = ", ".join(c["handle"] or c["account"] for c in contacts)
        plan.append(
            f"Strengthen these ties (they address you more than you address them): {names}."
        )
    return {
        "platform": platform,
        "account": account,
        "handle": handle,
        "stage": stage,
        "influencer": bool(row["influencer"]),
        "evidence": str(row["stage_evidence"]),
        "next_stage": nxt,
        "gaps": gaps,
        "plan": plan,
        "contacts": contacts,
        "horizon_weeks": horizon_weeks,
    }


def _replies_owed(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams, platform: str, account: str
) -> int:
    """Incoming replies, comments, mentions and quotes not answered, as the posture counts them."""
    from liens.analysis.posture import brand_posture

    one = pd.DataFrame(
        {"platform": [platform], "account": [account], "handle": [None], "basis": ["member"]}
    )
    p = brand_posture(con, params, brands=one)
    return int(p["incoming"].iloc[0] - p["answered"].iloc[0]) if len(p) else 0


def _contacts_to_strengthen(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams, platform: str, account: str, n: int
) -> list[dict[str, Any]]:
    sql, args = events_query(params)
    df = con.execute(
        f"""WITH ev AS ({sql}),
x AS (
  SELECT CASE WHEN target = ? THEN actor ELSE target END AS other,
    count(*) FILTER (WHERE target = ?) AS to_member,
    count(*) FILTER (WHERE actor = ?) AS from_member
  FROM ev WHERE platform = ? AND (actor = ? OR target = ?) AND actor <> target
    AND actor IS NOT NULL AND target IS NOT NULL
  GROUP BY 1)
SELECT x.other AS account, a.handle, x.to_member, x.from_member FROM x
LEFT JOIN accounts a ON a.platform = ? AND a.account_id = x.other
WHERE x.to_member > x.from_member
ORDER BY x.to_member - x.from_member DESC, x.to_member DESC, x.other LIMIT ?""",
        [*args, account, account, account, platform, account, account, platform, n],
    ).df()
    return df.to_dict(orient="records")
