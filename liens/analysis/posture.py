"""Functions describing a brand account's posture: conversational or not (seed 004).

"Chanel ne suit personne sur son compte Instagram": a brand may publish without listening.
This module measures, for each brand account, whether it answers, how fast, whom, whether it
follows back, and whether it acknowledges the content its community writes about it.

Brand accounts are those marked ``owned`` (``liens owned ACCOUNT``); else the accounts named
in ``params.options["brand_accounts"]``; else, clearly labelled, every account with at least
``posture_min_incoming`` incoming replies, comments or mentions (:func:`brand_accounts`).

Table written by ``liens analyze`` (analysis ``roles``): ``brand_posture``, one row per brand
account (:func:`brand_posture`).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query

__all__ = ["BRAND_BASIS", "brand_accounts", "brand_posture", "conversationality"]

BRAND_BASIS = {
    "owned": "marked as owned",
    "option": "named in options['brand_accounts']",
    "activity": "no account is owned: every account with enough incoming conversation",
}
_INCOMING = "('reply', 'comment', 'mention', 'quote')"


def brand_accounts(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    min_incoming: int | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """The accounts treated as the brand's, and why.

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : ``options["brand_accounts"]`` (ids or handles) is used when none is owned;
        ``options["posture_min_incoming"]`` (default 20) is the fallback's threshold.
    min_incoming : override of the fallback's threshold.
    top : keep only the ``top`` fallback accounts by incoming conversation (None = all).

    Returns
    -------
    DataFrame ``platform, account, handle, basis`` (a key of :data:`BRAND_BASIS`).
    """
    params = params or AnalysisParams()
    owned = con.execute(
        "SELECT platform, account_id AS account, handle, 'owned' AS basis FROM accounts "
        "WHERE owned ORDER BY 1, 2"
    ).df()
    if len(owned):
        return owned
    names: Sequence[str] = params.options.get("brand_accounts") or []
    if names:
        lowered = [str(n).lower() for n in names]
        return con.execute(
            """SELECT platform, account_id AS account, handle, 'option' AS basis FROM accounts
            WHERE list_contains(?, lower(account_id)) OR list_contains(?, lower(handle))
            ORDER BY 1, 2""",
            [lowered, lowered],
        ).df()
    n = int(min_incoming if min_incoming is not None else params.options.get(
        "posture_min_incoming", 20))  # fmt: skip
    sql, args = events_query(params)
    limit = f"LIMIT {int(top)}" if top else ""
    return con.execute(
        f"""SELECT e.platform, e.target AS account, any_value(a.handle) AS handle,
  'activity' AS basis
FROM ({sql}) e LEFT JOIN accounts a ON a.platform = e.platform AND a.account_id = e.target
WHERE e.kind IN {_INCOMING} AND e.target IS NOT NULL AND e.actor IS DISTINCT FROM e.target
GROUP BY e.platform, e.target HAVING count(*) >= ?
ORDER BY count(*) DESC, 1, 2 {limit}""",
        [*args, n],
    ).df()


def conversationality(reply_rate: pd.Series, reciprocity: pd.Series) -> pd.Series:
    """Conversationality index of a brand account.

    .. math:: C = \\frac{R + F}{2}

    where :math:`R` is the reply rate (share of incoming replies, comments and mentions the
    brand answered) and :math:`F` the reciprocity: the follow-back rate (share of its
    followers it follows) when follows are known, else the share of the accounts that
    addressed the brand which it addressed in return. A brand that follows and answers
    nobody scores 0; one that answers everyone and reciprocates every tie scores 1. A missing
    component (NaN: nothing incoming) counts as 0.

    Parameters
    ----------
    reply_rate, reciprocity : Series in [0, 1].

    Returns
    -------
    Series in [0, 1].
    """
    return (reply_rate.fillna(0) + reciprocity.fillna(0)) / 2


def brand_posture(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    brands: pd.DataFrame | None = None,
    answer_hours: float | None = None,
) -> pd.DataFrame:
    """Reply rate, response time, fans answered, follow-back and acknowledged UGC per brand.

    An *incoming* message is a reply, comment, mention or quote by another account addressed
    to the brand (``target``). It is *answered* when the brand later made a reply or comment
    whose parent is the incoming publication, or, when the incoming event has no post id, a
    reply, comment or mention addressed to its author within ``answer_hours`` (default 72),
    or, in flat comment threads (Stack Exchange, YouTube), a later comment under the same
    publication naming the author (``@handle``, spaces removed).
    *User-generated content citing the brand* (UGC) is a publication by another account that
    mentions the brand (a ``mention`` event, or its handle in the ``mentions`` list, or a
    brand hashtag of ``options["brand_hashtags"]``); it is *acknowledged* when the brand
    replied to, shared, quoted, reacted to or voted on it.

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window and options (``answer_hours``, ``brand_hashtags``: list of tags without
        ``#``, matched case-insensitively, ``posture_min_incoming``).
    brands : the accounts to describe (default :func:`brand_accounts`).
    answer_hours : override of the answer window.

    Returns
    -------
    DataFrame, one row per brand account: ``platform, account, handle, basis``,
    ``publications`` (its own posts, replies, comments, quotes, shares),
    ``posts_per_week`` and ``active_week_share`` (weeks with a publication over the weeks of
    the window: regularity, "McDonald's posts daily"), ``incoming``, ``answered``,
    ``reply_rate`` (answered / incoming), ``median_response_hours``, ``fans_writing``
    (distinct accounts that wrote to it), ``fans_answered``, ``fans_answered_share``,
    ``top_fans_answered`` (up to five handles or ids, most answered first), ``followers``
    (follow events towards it), ``follows_back``, ``follow_back_rate``, ``addressed_by``
    (distinct accounts addressing it with any event), ``addressed_back``,
    ``reciprocity`` (follow-back rate when follows exist, else addressed_back /
    addressed_by), ``conversationality`` (:func:`conversationality`), ``ugc``,
    ``ugc_acknowledged``, ``ugc_acknowledged_share``.

    Notes
    -----
    Rates are NaN when their denominator is 0 (nothing incoming: no evidence either way).
    The brand's own events are never incoming.

    References
    ----------
    R. Rissoan, *Réseaux sociaux*, 7th ed., ENI (conversational posture, UGC);
    H. Rheingold-style reciprocity: K. Lovejoy, R. D. Waters, G. D. Saxton, "Engaging
    stakeholders through Twitter", Public Relations Review 38(2), 2012 (share of tweets that
    are replies as a measure of dialogue).

    Examples
    --------
    >>> brand_posture(ws.con)[["handle", "reply_rate", "conversationality"]]  # doctest: +SKIP
    """
    params = params or AnalysisParams()
    brands = brand_accounts(con, params) if brands is None else brands
    cols = [
        "platform", "account", "handle", "basis", "publications", "posts_per_week",
        "active_week_share", "incoming", "answered", "reply_rate", "median_response_hours",
        "fans_writing", "fans_answered", "fans_answered_share", "top_fans_answered",
        "followers", "follows_back", "follow_back_rate", "addressed_by", "addressed_back",
        "reciprocity", "conversationality", "ugc", "ugc_acknowledged", "ugc_acknowledged_share",
    ]  # fmt: skip
    if brands.empty:
        return pd.DataFrame(columns=cols)
    hours = float(answer_hours or params.options.get("answer_hours", 72))
    tags = [str(t).lower().lstrip("#") for t in params.options.get("brand_hashtags", [])]
    sql, args = events_query(params)
    con.register("_brands", brands[["platform", "account", "handle", "basis"]])
    try:
        df = con.execute(
            f"""
WITH ev AS ({sql}),
b AS (
  SELECT CAST(platform AS VARCHAR) AS platform, CAST(account AS VARCHAR) AS account,
    CAST(handle AS VARCHAR) AS handle, basis FROM _brands),
span AS (SELECT greatest(datediff('day', min(created_at), max(created_at)) / 7.0, 1) AS weeks
         FROM ev),
pub AS (
  SELECT e.platform, e.actor AS account, count(*) AS publications,
    count(DISTINCT date_trunc('week', e.created_at)) AS weeks_active
  FROM ev e JOIN b ON b.platform = e.platform AND b.account = e.actor
  WHERE e.kind IN ('post', 'reply', 'comment', 'quote', 'share') GROUP BY ALL),
inc AS (
  SELECT e.*, lower(replace(x.handle, ' ', '')) AS actor_handle
  FROM ev e JOIN b ON b.platform = e.platform AND b.account = e.target
  LEFT JOIN accounts x ON x.platform = e.platform AND x.account_id = e.actor
  WHERE e.kind IN {_INCOMING} AND e.actor IS DISTINCT FROM e.target),
-- The three ways to answer, each an equi-join on the brand and the thread or the fan: one
-- join on the brand alone paired every incoming message with every later event of the
-- brand (13M pairs on 1M synthetic events, and growing with the square of the activity).
ans_pairs AS (
  SELECT i.event_id, i.platform, i.target AS account, i.actor, i.created_at AS in_at,
    a.created_at AS a_at
  FROM inc i JOIN ev a ON a.platform = i.platform AND a.actor = i.target
    AND a.parent_post_id = i.post_id
  WHERE a.kind IN ('reply', 'comment', 'mention') AND a.created_at >= i.created_at
  UNION ALL
  SELECT i.event_id, i.platform, i.target, i.actor, i.created_at, a.created_at
  FROM inc i JOIN ev a ON a.platform = i.platform AND a.actor = i.target
    AND a.parent_post_id = i.parent_post_id
  WHERE a.kind = 'comment' AND a.created_at >= i.created_at AND list_contains(
    list_transform(a.mentions, m -> lower(ltrim(m, '@'))), i.actor_handle)
  UNION ALL
  SELECT i.event_id, i.platform, i.target, i.actor, i.created_at, a.created_at
  FROM inc i JOIN ev a ON a.platform = i.platform AND a.actor = i.target
    AND a.target = i.actor
  WHERE i.post_id IS NULL AND a.kind IN ('reply', 'comment', 'mention')
    AND a.created_at >= i.created_at
    AND a.created_at <= i.created_at + to_microseconds(CAST(? * 3.6e9 AS BIGINT))),
ans AS (
  SELECT event_id, platform, account, actor, min(a_at) AS answered_at, any_value(in_at) AS at
  FROM ans_pairs GROUP BY event_id, platform, account, actor),
conv AS (
  SELECT i.platform, i.target AS account, count(*) AS incoming,
    count(a.event_id) AS answered,
    median(epoch(a.answered_at - a.at) / 3600.0) AS median_response_hours,
    count(DISTINCT i.actor) AS fans_writing, count(DISTINCT a.actor) AS fans_answered
  FROM inc i LEFT JOIN ans a ON a.event_id = i.event_id GROUP BY ALL),
top_fans AS (
  SELECT platform, account, string_agg(name, ', ' ORDER BY n DESC, name) AS top_fans_answered
  FROM (
    SELECT a.platform, a.account, coalesce(x.handle, a.actor) AS name, count(*) AS n,
      row_number() OVER (PARTITION BY a.platform, a.account
                         ORDER BY count(*) DESC, coalesce(x.handle, a.actor)) AS r
    FROM ans a LEFT JOIN accounts x ON x.platform = a.platform AND x.account_id = a.actor
    WHERE a.actor IS NOT NULL GROUP BY a.platform, a.account, a.actor, x.handle)
  WHERE r <= 5 GROUP BY ALL),
fol AS (
  SELECT b.platform, b.account,
    count(DISTINCT f.actor) FILTER (WHERE f.target = b.account) AS followers,
    count(DISTINCT f.actor) FILTER (WHERE f.target = b.account AND EXISTS (
      SELECT 1 FROM ev g WHERE g.kind = 'follow' AND g.platform = b.platform
        AND g.actor = b.account AND g.target = f.actor)) AS follows_back
  FROM b JOIN ev f ON f.platform = b.platform AND f.kind = 'follow' AND f.target = b.account
  GROUP BY ALL),
addr AS (
  SELECT b.platform, b.account, count(DISTINCT e.actor) AS addressed_by,
    count(DISTINCT e.actor) FILTER (WHERE EXISTS (
      SELECT 1 FROM ev g WHERE g.platform = b.platform AND g.actor = b.account
        AND g.target = e.actor)) AS addressed_back
  FROM b JOIN ev e ON e.platform = b.platform AND e.target = b.account
    AND e.actor IS NOT NULL AND e.actor <> b.account
  GROUP BY ALL),
-- Three equi-joins rather than one join on platform alone (events x brands, 212M rows
-- on Higgs with 1,018 fallback brands): a mention event, a name in the mentions list, a
-- brand hashtag (which, as before, cites every brand account of its platform).
ugc_src AS (
  SELECT platform, event_id, post_id, actor, kind, target, mentions, hashtags FROM ev
  WHERE kind IN ('mention', 'post', 'reply', 'comment', 'quote')),
ugc_names AS (
  SELECT DISTINCT platform, event_id, post_id, actor, lower(ltrim(m, '@')) AS name
  FROM (SELECT *, unnest(mentions) AS m FROM ugc_src
        WHERE kind <> 'mention' AND mentions IS NOT NULL)),
ugc_hit AS (
  SELECT b.platform, b.account, e.event_id, e.post_id, e.actor
  FROM ugc_src e JOIN b ON b.platform = e.platform AND e.target = b.account
  WHERE e.kind = 'mention'
  UNION ALL
  SELECT b.platform, b.account, n.event_id, n.post_id, n.actor
  FROM ugc_names n JOIN b ON b.platform = n.platform AND n.name = lower(ltrim(b.handle, '@'))
  UNION ALL
  SELECT b.platform, b.account, n.event_id, n.post_id, n.actor
  FROM ugc_names n JOIN b ON b.platform = n.platform AND n.name = lower(b.account)
  UNION ALL
  SELECT b.platform, b.account, e.event_id, e.post_id, e.actor
  FROM ugc_src e JOIN b ON b.platform = e.platform
  WHERE e.kind <> 'mention'
    AND len(list_intersect(list_transform(e.hashtags, h -> lower(h)), ?)) > 0),
ugc AS (
  SELECT DISTINCT platform, account, event_id, post_id FROM ugc_hit
  WHERE actor IS DISTINCT FROM account),
ugc_ack AS (
  SELECT u.platform, u.account, count(*) AS ugc,
    count(*) FILTER (WHERE u.post_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM ev a WHERE a.platform = u.platform AND a.actor = u.account
        AND (a.parent_post_id = u.post_id OR (a.post_id = u.post_id
             AND a.kind IN ('reaction', 'vote', 'share'))))) AS ugc_acknowledged
  FROM ugc u GROUP BY ALL)
SELECT b.platform, b.account, b.handle, b.basis,
  coalesce(p.publications, 0) AS publications,
  coalesce(p.publications, 0) / (SELECT weeks FROM span) AS posts_per_week,
  least(coalesce(p.weeks_active, 0) / ceil((SELECT weeks FROM span)), 1) AS active_week_share,
  coalesce(c.incoming, 0) AS incoming, coalesce(c.answered, 0) AS answered,
  c.answered / nullif(c.incoming, 0) AS reply_rate, c.median_response_hours,
  coalesce(c.fans_writing, 0) AS fans_writing, coalesce(c.fans_answered, 0) AS fans_answered,
  c.fans_answered / nullif(c.fans_writing, 0) AS fans_answered_share, t.top_fans_answered,
  coalesce(f.followers, 0) AS followers, coalesce(f.follows_back, 0) AS follows_back,
  f.follows_back / nullif(f.followers, 0) AS follow_back_rate,
  coalesce(d.addressed_by, 0) AS addressed_by, coalesce(d.addressed_back, 0) AS addressed_back,
  CASE WHEN coalesce(f.followers, 0) > 0 THEN f.follows_back / f.followers
       ELSE d.addressed_back / nullif(d.addressed_by, 0) END AS reciprocity,
  coalesce(u.ugc, 0) AS ugc, coalesce(u.ugc_acknowledged, 0) AS ugc_acknowledged,
  u.ugc_acknowledged / nullif(u.ugc, 0) AS ugc_acknowledged_share
FROM b
LEFT JOIN pub p ON p.platform = b.platform AND p.account = b.account
LEFT JOIN conv c ON c.platform = b.platform AND c.account = b.account
LEFT JOIN top_fans t ON t.platform = b.platform AND t.account = b.account
LEFT JOIN fol f ON f.platform = b.platform AND f.account = b.account
LEFT JOIN addr d ON d.platform = b.platform AND d.account = b.account
LEFT JOIN ugc_ack u ON u.platform = b.platform AND u.account = b.account
ORDER BY incoming DESC, b.platform, b.account""",
            [*args, hours, tags],
        ).df()
    finally:
        con.unregister("_brands")
    for c in ("reply_rate", "fans_answered_share", "follow_back_rate", "reciprocity",
              "ugc_acknowledged_share", "median_response_hours"):  # fmt: skip
        df[c] = df[c].astype(float)
    df["conversationality"] = conversationality(df["reply_rate"], df["reciprocity"])
    return df[cols]
