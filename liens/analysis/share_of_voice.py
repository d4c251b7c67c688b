"""Functions comparing several brand or tracked accounts side by side: share of voice.

Table written by ``liens analyze`` (analysis ``roles``): ``share_of_voice``, one row per
platform, period and tracked account (:func:`share_of_voice`).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.advocates import event_tone
from liens.analysis.posture import brand_accounts
from liens.analysis.stages import RECEIVED_KINDS
from liens.analysis.window import events_query
from liens.errors import LiensError

__all__ = ["share_of_voice", "tracked_accounts"]


def tracked_accounts(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams | None = None
) -> pd.DataFrame:
    """The accounts compared: the brand's plus ``options["tracked_accounts"]`` (competitors).

    The brand's accounts are :func:`~liens.analysis.posture.brand_accounts`; when none is
    owned or named, the ``options["sov_top"]`` (default 5) most addressed accounts stand in,
    labelled ``basis = 'activity'``. Tracked accounts are matched by id or handle
    (case-insensitive) and labelled ``basis = 'tracked'``.

    Returns
    -------
    DataFrame ``platform, account, handle, basis``.
    """
    params = params or AnalysisParams()
    brands = brand_accounts(con, params, min_incoming=1, top=int(params.options.get("sov_top", 5)))
    names = [str(n).lower() for n in params.options.get("tracked_accounts", [])]
    if not names:
        return brands
    tracked = con.execute(
        """SELECT platform, account_id AS account, handle, 'tracked' AS basis FROM accounts
        WHERE list_contains(?, lower(account_id)) OR list_contains(?, lower(handle))""",
        [names, names],
    ).df()
    return (
        pd.concat([brands, tracked], ignore_index=True)
        .drop_duplicates(["platform", "account"])
        .reset_index(drop=True)
    )


def share_of_voice(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    accounts: pd.DataFrame | None = None,
    period: str = "month",
) -> pd.DataFrame:
    """Mentions, engagement, tone and share of voice of each tracked account per period.

    For tracked accounts :math:`A` and a period :math:`p`, the voice of :math:`a` is the
    number of events by others that name or address it,

    .. math::

        V_p(a) = M_p(a) + E_p(a), \\qquad SOV_p(a) = \\frac{V_p(a)}{\\sum_{b \\in A} V_p(b)}

    with :math:`M` the mentions (``mention`` events addressed to :math:`a`, or other events
    whose ``mentions`` list holds its handle) and :math:`E` the engagement (replies, comments,
    shares, quotes, reactions, votes, accepts addressed to it).

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window; options ``tracked_accounts``, ``sov_top``, ``sov_period``.
    accounts : the accounts to compare (default :func:`tracked_accounts`).
    period : ``'week'``, ``'month'`` (default), ``'quarter'`` or ``'year'``.

    Returns
    -------
    DataFrame ``platform, period, account, handle, basis, mentions, engagement, voice,
    share_of_voice`` (in [0, 1], per platform and period), ``engagement_share``,
    ``tone_mean`` (mean tone score of the texts among them, in [-1, 1]; NaN without text or
    tone) and ``negative_share`` (share of those texts with tone below -0.05).

    Notes
    -----
    Share of voice is relative to the accounts compared, not to the whole conversation:
    adding a competitor lowers everyone else's share.

    References
    ----------
    Share of voice as a media-planning measure: J. P. Jones, "Ad spending: maintaining market
    share", Harvard Business Review 68(1), 1990; on social media, the share of conversation
    about a brand among its competitors.
    """
    if period not in ("week", "month", "quarter", "year"):
        raise LiensError(f"unknown period {period!r}; one of week, month, quarter, year")
    params = params or AnalysisParams()
    acc = tracked_accounts(con, params) if accounts is None else accounts
    cols = ["platform", "period", "account", "handle", "basis", "mentions", "engagement",
            "voice", "share_of_voice", "engagement_share", "tone_mean",
            "negative_share"]  # fmt: skip
    if acc.empty:
        return pd.DataFrame(columns=cols)
    sql, args = events_query(params)
    rec = ", ".join(f"'{k}'" for k in RECEIVED_KINDS if k != "mention")
    con.register("_tracked", acc[["platform", "account", "handle", "basis"]])
    try:
        ev = con.execute(
            f"""
WITH ev AS ({sql}),
t AS (SELECT platform, account, CAST(handle AS VARCHAR) AS handle, basis FROM _tracked),
-- Equi-joins (address, named handle, named id) rather than a join on platform alone,
-- which paired every event with every tracked account; each branch carries the event's
-- columns (joining back on event_id was planned as the platform-only join again).
src AS (
  SELECT event_id, platform, kind, actor, target, created_at, text, lang, mentions FROM ev),
names AS (
  SELECT * EXCLUDE (mentions, m), lower(ltrim(m, '@')) AS name
  FROM (SELECT *, unnest(mentions) AS m FROM src WHERE mentions IS NOT NULL)),
hit_rows AS (
  SELECT s.* EXCLUDE (mentions), t.account FROM src s
  JOIN t ON t.platform = s.platform AND s.target = t.account
  WHERE s.kind IN ('mention', {rec})
  UNION ALL
  SELECT n.* EXCLUDE (name), t.account FROM names n
  JOIN t ON t.platform = n.platform AND n.name = lower(ltrim(t.handle, '@'))
  UNION ALL
  SELECT n.* EXCLUDE (name), t.account FROM names n
  JOIN t ON t.platform = n.platform AND n.name = lower(t.account)),
hits AS (
  SELECT event_id, platform, account, created_at, text, lang,
    kind = 'mention' OR target IS DISTINCT FROM account AS is_mention
  FROM hit_rows WHERE actor IS DISTINCT FROM account)
SELECT DISTINCT ON (event_id, account) *,
  date_trunc('{period}', created_at) AS period FROM hits""",
            args,
        ).df()
    finally:
        con.unregister("_tracked")
    if ev.empty:
        return pd.DataFrame(columns=cols)
    ev["tone"] = event_tone(con, ev)
    ev["neg"] = np.where(ev["tone"].notna(), ev["tone"] < -0.05, np.nan)
    g = ev.groupby(["platform", "period", "account"], as_index=False).agg(
        mentions=("is_mention", "sum"),
        voice=("event_id", "size"),
        tone_mean=("tone", "mean"),
        negative_share=("neg", "mean"),
    )
    g["mentions"] = g["mentions"].astype("int64")
    g["engagement"] = g["voice"] - g["mentions"]
    tot = g.groupby(["platform", "period"])[["voice", "engagement"]].transform("sum")
    g["share_of_voice"] = g["voice"] / tot["voice"]
    g["engagement_share"] = g["engagement"] / tot["engagement"].where(tot["engagement"] > 0)
    g = g.merge(acc[["platform", "account", "handle", "basis"]], on=["platform", "account"])
    return g[cols].sort_values(["platform", "period", "voice"], ascending=[True, True, False],
                               ignore_index=True)  # fmt: skip
