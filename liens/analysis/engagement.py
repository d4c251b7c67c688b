"""Functions measuring what each publication obtained: interactions, their quality, ROE.

A publication's *interactions* are the events other accounts made on it: replies, comments,
shares and quotes whose ``parent_post_id`` is the post, reactions, votes and accepts whose
``post_id`` is the post. The author's own events on their post are not interactions.

Tables written by ``liens analyze``:

``post_engagement``
    one row per row of ``posts`` published in the window; columns documented in
    :func:`post_engagement`.
``members`` (engagement columns)
    per account that published: ``publications``, ``interactions_received``,
    ``engagement_received`` and ``roe`` (interactions per publication), see
    :func:`account_roe`.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query

__all__ = [
    "DEFAULT_ENGAGEMENT_WEIGHTS",
    "EARLY_HOURS",
    "INTERACTION_KINDS",
    "account_roe",
    "engagement_weights",
    "interactions_sql",
    "post_engagement",
    "run",
]

# Kinds that are an interaction with a publication, and the column that names the post acted
# on: a reply creates a new post whose parent is the post; a vote acts on the post itself.
INTERACTION_KINDS: dict[str, str] = {
    "reply": "parent_post_id",
    "comment": "parent_post_id",
    "share": "parent_post_id",
    "quote": "parent_post_id",
    "reaction": "post_id",
    "vote": "post_id",
    "accept": "post_id",
}

# Default quality weights. Writing costs the audience more than clicking and starts a
# conversation others can join, so a reply or comment weighs three reactions; a share or quote
# carries the post to a new audience (two); an accept marks a useful answer (two); a reaction or
# an up vote is one click (one). A down vote counts -1 per vote (weight times value -1) and a
# reply whose tone is negative counts ``hostile`` (default -1): a hostile comment is not a
# success (seed 004: "chacune des interactions récolte des publications négatives ou
# malveillantes").
DEFAULT_ENGAGEMENT_WEIGHTS: dict[str, float] = {
    "reply": 3.0,
    "comment": 3.0,
    "quote": 2.0,
    "share": 2.0,
    "accept": 2.0,
    "reaction": 1.0,
    "vote": 1.0,
    "hostile": -1.0,
}

# Hours after publication at which early interactions are counted (the two-hour rule).
EARLY_HOURS: tuple[float, ...] = (1, 2, 6, 24)

# Tone scores below this are negative (tone models give scores in [-1, 1]).
NEGATIVE_TONE_BELOW = -0.05

_COLUMN_BY_KIND = {
    "reply": "replies",
    "comment": "comments",
    "share": "shares",
    "quote": "quotes",
    "reaction": "reactions",
    "accept": "accepts",
}


def engagement_weights(params: AnalysisParams | None = None) -> dict[str, float]:
    """The weights in use: the defaults updated by ``params.options["engagement_weights"]``.

    Raises ValueError for a weight that is not a number or a ``hostile`` weight above zero.
    """
    given: Mapping[str, float] = (params.options if params else {}).get("engagement_weights", {})
    weights = dict(DEFAULT_ENGAGEMENT_WEIGHTS)
    for kind, w in given.items():
        try:
            weights[kind] = float(w)
        except (TypeError, ValueError):
            msg = f"engagement weight for {kind!r} must be a number, not {w!r}"
            raise ValueError(msg) from None
    if weights["hostile"] > 0:
        raise ValueError("the 'hostile' weight must be <= 0: a hostile reply is not a success")
    return weights


def _numeric(sql_type: str) -> bool:
    return sql_type.split("(")[0] in (
        "DOUBLE",
        "FLOAT",
        "REAL",
        "DECIMAL",
        "INTEGER",
        "BIGINT",
        "SMALLINT",
        "TINYINT",
    )


def _tone_source(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(join clause, score expression) for the tone of events, or None when tone is unknown.

    Tone comes from a numeric ``tone_score`` or ``tone`` column of ``events``, else from the
    ``event_tone`` table of the tone analysis, else from a ``tone`` table keyed by ``event_id``
    with a numeric ``tone_score``/``score``/``tone`` column.
    """
    ev_cols = {r[0]: r[1] for r in con.execute("DESCRIBE events").fetchall()}
    for c in ("tone_score", "tone"):
        if c in ev_cols and _numeric(ev_cols[c]):
            return "", f"e.{c}"
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "event_tone" in tables:  # written by the tone analysis (liens.analysis.tone_events)
        return "LEFT JOIN event_tone t ON t.event_id = e.event_id", "t.tone_score"
    if "tone" in tables:
        cols = {r[0]: r[1] for r in con.execute("DESCRIBE tone").fetchall()}
        if "event_id" in cols:
            for c in ("tone_score", "score", "tone"):
                if c in cols and _numeric(cols[c]):
                    return "LEFT JOIN tone t ON t.event_id = e.event_id", f"t.{c}"
    return None


def interactions_sql(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams
) -> tuple[str, list, bool]:
    """SQL of the interaction events, one row each, with the post they act on.

    Returns ``(sql, args, has_tone)``. Columns: ``event_id, platform, on_post, kind, actor,
    created_at, value, day_precision, tone``. ``day_precision`` is true when the source gives
    only the day (Stack Exchange votes): such events count in totals, never in hour counts.
    Votes without a value (edit approvals, deletion votes) are not interactions.
    """
    sql, args = events_query(params)
    tone = _tone_source(con)
    join, score = tone if tone else ("", "CAST(NULL AS DOUBLE)")
    on_post = "CASE e.kind " + " ".join(
        f"WHEN '{k}' THEN e.{col}" for k, col in INTERACTION_KINDS.items()
    )
    kinds = ", ".join(f"'{k}'" for k in INTERACTION_KINDS)
    return (
        f"""SELECT e.event_id, e.platform, {on_post} END AS on_post, e.kind, e.actor,
  e.created_at, e.value,
  coalesce(e.extra LIKE '%"time_precision":"day"%', false) AS day_precision,
  CAST({score} AS DOUBLE) AS tone
FROM ({sql}) e {join}
WHERE e.kind IN ({kinds}) AND NOT (e.kind = 'vote' AND e.value IS NULL)""",
        args,
        tone is not None,
    )


def post_engagement(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Interactions each publication received, their timing and their quality-weighted sum.

    For a post :math:`p` and the interactions :math:`I_p` other accounts made on it,

    .. math::

        E_w(p) = \\sum_{i \\in I_p} w_{kind(i)} \\cdot s_i

    where :math:`s_i` is the vote value for votes (+1/-1), 1 otherwise, and a reply or comment
    whose tone is negative takes the weight ``hostile`` (≤ 0) instead of its kind's weight.
    The engagement rate is :math:`n(p) / followers(author)` (interactions per follower).

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window (posts published and interactions made in it) and options;
        ``options["engagement_weights"]`` overrides :data:`DEFAULT_ENGAGEMENT_WEIGHTS`.
    weights : explicit weights (take precedence over ``params``).

    Returns
    -------
    DataFrame, one row per post: ``platform, post_id, author, kind, created_at`` (of the post),
    ``replies, comments, shares, quotes, reactions, votes_up, votes_down, accepts`` (counts),
    ``interactions`` (all of them; a down vote is an interaction), ``first_interaction_at``,
    ``hours_to_first``, ``n_1h, n_2h, n_6h, n_24h`` (interactions within h hours of
    publication), ``timed_interactions`` (those with a time finer than a day),
    ``hostile_replies`` (replies and comments of negative tone; NULL when tone is unknown),
    ``engagement`` (:math:`E_w`), ``followers`` (of the author, when known),
    ``engagement_rate`` and ``rate_note`` (why the rate is NaN).

    Notes
    -----
    - Interactions whose time is known only to the day (``extra`` has
      ``"time_precision":"day"``, as Stack Exchange votes) count in the totals but not in
      ``n_1h``…``n_24h`` nor in ``hours_to_first``: their hour is unknown.
    - ``hours_to_first`` is NaN when the post has no timed interaction; a negative delay (clock
      skew between sources) is clipped to 0.
    - Anonymous interactions (``actor`` NULL: Stack Exchange voters) count; they cannot be
      the author's own.
    - Tone is read from a numeric ``tone_score``/``tone`` column of ``events`` or a ``tone``
      table keyed by ``event_id``; a score below -0.05 is negative. Without tone,
      ``hostile_replies`` is NULL and every reply counts with its kind's weight.

    References
    ----------
    R. Rissoan, *Réseaux sociaux*, 7th ed., ENI (ROE: "nombre d'interactions obtenues par
    rapport à une action menée"). S. Muntinga et al., "Introducing COBRAs", Int. J. Advertising
    30(1), 2011 (consuming < contributing < creating: why writing weighs more than clicking).

    Examples
    --------
    >>> pe = post_engagement(ws.con)  # doctest: +SKIP
    >>> pe.nlargest(5, "engagement")[["post_id", "replies", "votes_up", "engagement"]]
    """
    params = params or AnalysisParams()
    w = dict(weights) if weights is not None else engagement_weights(params)
    w = {**DEFAULT_ENGAGEMENT_WEIGHTS, **w}
    inter, args, has_tone = interactions_sql(con, params)
    post_where, post_args = [], []
    if params.start:
        post_where.append("created_at >= CAST(? AS TIMESTAMP)")
        post_args.append(params.start)
    if params.end:
        post_where.append("created_at < CAST(? AS TIMESTAMP)")
        post_args.append(params.end)
    pw = f"WHERE {' AND '.join(post_where)}" if post_where else ""
    hostile = "(i.kind IN ('reply', 'comment') AND i.tone < ?)"
    kind_w = "CASE i.kind " + " ".join(
        f"WHEN '{k}' THEN {float(w.get(k, 0.0))!r}" for k in INTERACTION_KINDS
    )
    counts = ",\n  ".join(
        f"count(i.kind) FILTER (WHERE i.kind = '{k}') AS {c}" for k, c in _COLUMN_BY_KIND.items()
    )
    early = ",\n  ".join(
        f"count(*) FILTER (WHERE NOT i.day_precision AND i.delay_h <= {float(h)!r}) AS n_{h}h"
        for h in EARLY_HOURS
    )
    hostile_col = (
        f"count(*) FILTER (WHERE {hostile})" if has_tone else "CAST(NULL AS BIGINT)"
    ) + " AS hostile_replies"
    sql = f"""
WITH p AS (SELECT platform, post_id, author, kind, created_at FROM posts {pw}),
i AS (
  SELECT i.*, p.post_id, greatest(epoch(i.created_at - p.created_at) / 3600.0, 0) AS delay_h
  FROM ({inter}) i JOIN p ON p.platform = i.platform AND p.post_id = i.on_post
  WHERE i.actor IS DISTINCT FROM p.author),
agg AS (
  SELECT i.platform, i.post_id,
  {counts},
  count(*) FILTER (WHERE i.kind = 'vote' AND i.value > 0) AS votes_up,
  count(*) FILTER (WHERE i.kind = 'vote' AND i.value < 0) AS votes_down,
  count(*) AS interactions,
  min(i.created_at) FILTER (WHERE NOT i.day_precision) AS first_interaction_at,
  min(i.delay_h) FILTER (WHERE NOT i.day_precision) AS hours_to_first,
  {early},
  count(*) FILTER (WHERE NOT i.day_precision) AS timed_interactions,
  {hostile_col},
  sum(CASE WHEN {hostile} THEN ? ELSE {kind_w} END
      * CASE WHEN i.kind = 'vote' THEN sign(i.value) ELSE 1 END END) AS engagement
  FROM i GROUP BY ALL)
SELECT p.platform, p.post_id, p.author, p.kind, p.created_at,
  {", ".join(f"coalesce(agg.{c}, 0) AS {c}" for c in _COLUMN_BY_KIND.values())},
  coalesce(agg.votes_up, 0) AS votes_up, coalesce(agg.votes_down, 0) AS votes_down,
  coalesce(agg.interactions, 0) AS interactions, agg.first_interaction_at,
  agg.hours_to_first,
  {", ".join(f"coalesce(agg.n_{h}h, 0) AS n_{h}h" for h in EARLY_HOURS)},
  coalesce(agg.timed_interactions, 0) AS timed_interactions,
  {"coalesce(agg.hostile_replies, 0)" if has_tone else "CAST(NULL AS BIGINT)"}
    AS hostile_replies,
  coalesce(agg.engagement, 0.0) AS engagement,
  a.followers,
  CASE WHEN a.followers > 0 THEN coalesce(agg.interactions, 0) / a.followers END
    AS engagement_rate,
  CASE WHEN a.followers IS NULL THEN 'followers of the author unknown'
       WHEN a.followers = 0 THEN 'author has no followers' END AS rate_note
FROM p
LEFT JOIN agg ON agg.platform = p.platform AND agg.post_id = p.post_id
LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.author
ORDER BY p.created_at, p.post_id"""
    neg = NEGATIVE_TONE_BELOW
    # Parameter order follows the placeholders: posts window, interactions window, the two
    # hostile tests (filter and case, both in agg), the hostile weight.
    all_args = post_args + args
    if has_tone:
        all_args += [neg]
    all_args += [neg, float(w["hostile"])]
    df = con.execute(sql, all_args).df()
    df["engagement_rate"] = df["engagement_rate"].astype(float)
    return df


def account_roe(post_engagement: pd.DataFrame) -> pd.DataFrame:
    """Return on engagement per account: interactions received per publication made.

    .. math:: ROE(a) = \\frac{\\sum_{p \\in P_a} n(p)}{|P_a|}

    where :math:`P_a` are the account's publications in the window and :math:`n(p)` the
    interactions each received (``weighted_roe`` uses the quality-weighted engagement).

    Parameters
    ----------
    post_engagement : the table returned by :func:`post_engagement`.

    Returns
    -------
    DataFrame with ``platform, account, publications, interactions_received,
    engagement_received, roe, weighted_roe``; accounts without publications are absent (ROE is
    undefined for them, not zero).

    Examples
    --------
    >>> account_roe(post_engagement(ws.con)).nlargest(3, "roe")  # doctest: +SKIP
    """
    pe = post_engagement.dropna(subset=["author"])
    g = pe.groupby(["platform", "author"], as_index=False).agg(
        publications=("post_id", "size"),
        interactions_received=("interactions", "sum"),
        engagement_received=("engagement", "sum"),
    )
    g["roe"] = g["interactions_received"] / g["publications"]
    g["weighted_roe"] = g["engagement_received"] / g["publications"]
    return g.rename(columns={"author": "account"})


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    pe = post_engagement(con, params)
    return {"post_engagement": pe, "members": account_roe(pe)}
