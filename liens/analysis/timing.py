"""Functions for the best time to publish for this community, and posting regularity.

Not a generic table ("post on Tuesdays at 10"): when *this* audience is active, and when
*this* account's past posts obtained engagement, with bootstrap intervals and an honest flag
where the history is too thin to say (seed 004, "Quels horaires et quels jours ?").

Tables written by ``liens analyze``:

``best_time_activity``
    audience activity by weekday and hour in the community's time zone
    (:func:`audience_activity`).
``best_time_slots``
    engagement of past posts by publishing slot (weekday × block of hours), with intervals,
    lift over the median slot and a recommendation (:func:`slot_engagement`).
``posting_regularity``
    posts per day, share of days with a post, gaps, for the owned accounts or, when none is
    owned, the most active authors (:func:`posting_regularity`).

Options (``params.options``): ``timezone`` (IANA name, default ``UTC``), ``slot_hours``
(hours per block, default 3), ``min_posts_per_slot`` (default 10), ``bootstrap`` (replicates,
default 1000), ``regularity_top`` (authors followed when none is owned, default 10).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.engagement import post_engagement
from liens.analysis.forecast import DEFAULT_POST_KINDS, DEFAULT_REFERENCE_HOURS
from liens.analysis.resampling import bootstrap_means
from liens.analysis.window import events_query
from liens.model import CONTENT_KINDS

__all__ = [
    "MIN_POSTS_PER_SLOT",
    "audience_activity",
    "posting_regularity",
    "run",
    "slot_engagement",
]

# Below this many past posts a slot's mean is too noisy to recommend: with engagement as
# skewed as it is (a few posts take most of it), ten posts give a bootstrap interval of
# roughly ±50% of the mean on the demo community.
MIN_POSTS_PER_SLOT = 10
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _local(col: str, tz: str) -> str:
    """SQL turning a naive UTC timestamp column into local wall-clock time in ``tz``."""
    if tz.upper() == "UTC":
        return col
    return f"timezone('{tz}', timezone('UTC', {col}))"


def _check_tz(con: duckdb.DuckDBPyConnection, tz: str) -> str:
    if tz.upper() == "UTC":
        return "UTC"
    names = {r[0] for r in con.execute("SELECT name FROM pg_timezone_names()").fetchall()}
    if tz not in names:
        raise ValueError(f"unknown time zone {tz!r}: use an IANA name such as Europe/Paris")
    return tz


def _owned(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM accounts WHERE owned").fetchone()[0])


def audience_activity(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams | None = None, tz: str = "UTC"
) -> pd.DataFrame:
    """When the audience acts: events by weekday and hour of day, in the community's zone.

    The audience is every account that is not owned (all accounts when none is owned).
    ``index`` compares a slot with the average slot:
    :math:`index(d, h) = events(d, h) / \\overline{events}` (1 = average, 2 = twice as busy).

    Parameters
    ----------
    con : workspace connection.
    params : window.
    tz : IANA time zone of the community (``Europe/Paris``); default UTC.

    Returns
    -------
    DataFrame of 168 rows (every weekday × hour, zeros included): ``weekday`` (0 = Monday),
    ``day`` (``Mon``…), ``hour`` (0-23, local), ``events``, ``actors`` (distinct),
    ``weeks`` (occurrences of that weekday in the data's date range), ``events_per_week``,
    ``index``.

    Notes
    -----
    Events whose time is known only to the day (Stack Exchange votes) are left out: they
    would all fall at midnight.
    """
    params = params or AnalysisParams()
    tz = _check_tz(con, tz)
    sql, args = events_query(params)
    owned = "AND actor NOT IN (SELECT account_id FROM accounts WHERE owned)" if _owned(con) else ""
    local = _local("created_at", tz)
    df = con.execute(
        f"""
WITH ev AS (
  SELECT {local} AS t, actor FROM ({sql})
  WHERE NOT coalesce(extra LIKE '%"time_precision":"day"%', false) {owned}),
span AS (SELECT CAST(min(t) AS DATE) AS d0, CAST(max(t) AS DATE) AS d1 FROM ev),
days AS (
  SELECT isodow(d) - 1 AS weekday, count(*) AS weeks
  FROM span, range(span.d0, span.d1 + INTERVAL 1 DAY, INTERVAL 1 DAY) r(d) GROUP BY 1),
grid AS (SELECT w AS weekday, h AS hour FROM range(7) a(w), range(24) b(h)),
agg AS (
  SELECT isodow(t) - 1 AS weekday, hour(t) AS hour, count(*) AS events,
    count(DISTINCT actor) AS actors
  FROM ev GROUP BY ALL)
SELECT g.weekday, g.hour, coalesce(a.events, 0) AS events, coalesce(a.actors, 0) AS actors,
  coalesce(d.weeks, 0) AS weeks
FROM grid g LEFT JOIN agg a USING (weekday, hour) LEFT JOIN days d USING (weekday)
ORDER BY g.weekday, g.hour""",
        args,
    ).df()
    df.insert(1, "day", [WEEKDAYS[w] for w in df["weekday"]])
    df["events_per_week"] = df["events"] / df["weeks"].where(df["weeks"] > 0)
    mean = df["events"].mean()
    df["index"] = df["events"] / mean if mean > 0 else np.nan
    return df


def slot_engagement(
    posts: pd.DataFrame,
    *,
    slot_hours: int = 3,
    min_posts: int = MIN_POSTS_PER_SLOT,
    n_boot: int = 1000,
    level: float = 0.9,
    seed: int = 42,
) -> pd.DataFrame:
    """Engagement of past posts by publishing slot, with bootstrap intervals and lift.

    A slot is a weekday and a block of ``slot_hours`` hours of local time. For a slot
    :math:`s` with posts :math:`P_s`, :math:`m_s = \\mathrm{mean}_{p \\in P_s} E(p)`; the
    lift over the median slot is :math:`lift_s = m_s / \\mathrm{median}_{s'} m_{s'} - 1`,
    the median taken over slots with enough history. Intervals are percentile bootstrap
    intervals: posts are resampled with replacement within every slot, and :math:`m_s`, the
    median slot and :math:`lift_s` recomputed in each replicate.

    Parameters
    ----------
    posts : DataFrame with ``local_time`` (publication time in the community's zone) and
        ``engagement`` (any per-post measure; liens uses the quality-weighted engagement).
    slot_hours : hours per block (divides 24).
    min_posts : a slot with fewer posts gets ``enough_history`` false, no lift and no
        recommendation.
    n_boot : bootstrap replicates.
    level : interval coverage (0.9: the 5th to 95th percentiles).
    seed : random seed (results are repeatable).

    Returns
    -------
    DataFrame, one row per slot having posts: ``weekday, day, hour_start, hour_end, posts,
    mean, median, mean_low, mean_high, lift, lift_low, lift_high, enough_history,
    recommended`` (enough history and ``lift_low > 0``: better than the median slot even at
    the low end of its interval), ``rank`` (by lift, 1 = best, among slots with enough
    history).

    Notes
    -----
    Slots below ``min_posts`` have NaN lift and intervals: "not enough history" is an answer,
    not a zero. The mean is used rather than the median because engagement is concentrated in
    a few posts and a slot's value lies in its chance of producing them; the bootstrap
    interval shows how uncertain that mean is.

    References
    ----------
    B. Efron, R. Tibshirani, *An Introduction to the Bootstrap*, Chapman & Hall, 1993 (ch. 13,
    percentile intervals).
    """
    if 24 % slot_hours:
        raise ValueError("slot_hours must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24)")
    t = pd.to_datetime(posts["local_time"])
    df = pd.DataFrame(
        {
            "weekday": t.dt.day_of_week.to_numpy(),
            "block": (t.dt.hour // slot_hours).to_numpy(),
            "e": posts["engagement"].to_numpy(dtype=float),
        }
    )
    groups = df.groupby(["weekday", "block"])["e"]
    rng = np.random.default_rng(seed)
    keys, means, boots = [], [], []
    # One vectorised draw per slot (at most 7 × 24 slots), memory bounded by bootstrap_means.
    for key, values in groups:
        v = values.to_numpy()
        keys.append(key)
        means.append(v.mean())
        boots.append(bootstrap_means(v, n_boot, rng))
    out = pd.DataFrame(keys, columns=["weekday", "block"])
    out["posts"] = groups.size().to_numpy()
    out["mean"] = means
    out["median"] = groups.median().to_numpy()
    a = (1 - level) / 2
    boot = np.vstack(boots) if boots else np.empty((0, n_boot))
    out["mean_low"] = np.quantile(boot, a, axis=1) if len(boot) else []
    out["mean_high"] = np.quantile(boot, 1 - a, axis=1) if len(boot) else []
    enough = out["posts"].to_numpy() >= min_posts
    out["enough_history"] = enough
    out["lift"] = out["lift_low"] = out["lift_high"] = np.nan
    if enough.any():
        ref = np.median(out.loc[enough, "mean"])
        ref_boot = np.median(boot[enough], axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            lift_boot = boot[enough] / ref_boot - 1
            out.loc[enough, "lift"] = out.loc[enough, "mean"] / ref - 1 if ref > 0 else np.nan
        out.loc[enough, "lift_low"] = np.nanquantile(lift_boot, a, axis=1)
        out.loc[enough, "lift_high"] = np.nanquantile(lift_boot, 1 - a, axis=1)
    out["recommended"] = enough & (out["lift_low"] > 0).to_numpy()
    out["rank"] = out["lift"].rank(ascending=False, method="min").astype("Int64")
    out.insert(1, "day", [WEEKDAYS[w] for w in out["weekday"]])
    out.insert(2, "hour_start", out.pop("block") * slot_hours)
    out.insert(3, "hour_end", out["hour_start"] + slot_hours)
    return out.sort_values(["weekday", "hour_start"]).reset_index(drop=True)


def _slot_posts(con: duckdb.DuckDBPyConnection, params: AnalysisParams, tz: str) -> pd.DataFrame:
    """Posts whose engagement is settled: owned accounts' (or all) original posts, a week old."""
    pe = post_engagement(con, params)
    kinds = params.options.get("forecast_post_kinds", DEFAULT_POST_KINDS)
    pe = pe[pe["kind"].isin(kinds)] if kinds else pe
    owned = {r[0] for r in con.execute("SELECT account_id FROM accounts WHERE owned").fetchall()}
    if owned:
        pe = pe[pe["author"].isin(owned)]
    end = con.execute("SELECT max(created_at) FROM events").fetchone()[0]
    if end is not None:
        pe = pe[pe["created_at"] <= pd.Timestamp(end) - pd.Timedelta(hours=DEFAULT_REFERENCE_HOURS)]
    local = pd.to_datetime(pe["created_at"])
    if tz != "UTC":
        local = local.dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)
    return pd.DataFrame({"local_time": local, "engagement": pe["engagement"]})


def posting_regularity(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    *,
    accounts: Sequence[str] | None = None,
    top: int = 10,
    tz: str = "UTC",
) -> pd.DataFrame:
    """How regularly accounts publish: posts per day, share of days with a post, gaps.

    Over an account's span :math:`D` (days from its first to its last publication, at least
    one), ``posts_per_day`` = :math:`|P| / D`, ``active_day_share`` = days with a publication
    / :math:`D`; gaps are the hours between consecutive publications.

    Parameters
    ----------
    con : workspace connection.
    params : window.
    accounts : accounts to describe; default the owned accounts, else the ``top`` authors
        with most publications.
    top : how many authors when none is owned.
    tz : time zone in which calendar days are counted.

    Returns
    -------
    DataFrame: ``platform, account, owned, publications, first, last, span_days,
    posts_per_day, active_days, active_day_share, gap_median_hours, gap_p90_hours,
    gap_max_days``. Gaps are NaN for an account with one publication.

    Notes
    -----
    Publications are the events of kinds post, reply, comment, quote and share made by the
    account (so a retweet counts: McDonald's "posts daily" includes its replies).
    """
    params = params or AnalysisParams()
    tz = _check_tz(con, tz)
    sql, args = events_query(params)
    kinds = ", ".join(f"'{k}'" for k in CONTENT_KINDS)
    if accounts is None:
        owned = [
            r[0] for r in con.execute("SELECT account_id FROM accounts WHERE owned").fetchall()
        ]
        accounts = owned or None
    pick = (
        f"AND actor IN ({', '.join('?' for _ in accounts)})"
        if accounts
        else f"""AND actor IN (SELECT actor FROM ({sql}) WHERE kind IN ({kinds})
              AND actor IS NOT NULL GROUP BY actor
              ORDER BY count(*) DESC, actor LIMIT {int(top)})"""
    )
    pick_args = list(accounts) if accounts else list(args)
    local = _local("created_at", tz)
    return con.execute(
        f"""
WITH pub AS (
  SELECT platform, actor AS account, {local} AS t FROM ({sql})
  WHERE kind IN ({kinds}) {pick}),
g AS (
  SELECT platform, account, t,
    epoch(t - lag(t) OVER (PARTITION BY platform, account ORDER BY t)) / 3600 AS gap_h
  FROM pub)
SELECT g.platform, g.account, coalesce(any_value(a.owned), false) AS owned,
  count(*) AS publications, min(t) AS first, max(t) AS last,
  greatest(date_diff('day', CAST(min(t) AS DATE), CAST(max(t) AS DATE)) + 1, 1) AS span_days,
  count(*) / greatest(date_diff('day', CAST(min(t) AS DATE), CAST(max(t) AS DATE)) + 1, 1)
    AS posts_per_day,
  count(DISTINCT CAST(t AS DATE)) AS active_days,
  count(DISTINCT CAST(t AS DATE))
    / greatest(date_diff('day', CAST(min(t) AS DATE), CAST(max(t) AS DATE)) + 1, 1)
    AS active_day_share,
  median(gap_h) AS gap_median_hours, quantile_cont(gap_h, 0.9) AS gap_p90_hours,
  max(gap_h) / 24 AS gap_max_days
FROM g LEFT JOIN accounts a ON a.platform = g.platform AND a.account_id = g.account
GROUP BY g.platform, g.account ORDER BY publications DESC, g.account""",
        args + pick_args,
    ).df()


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    o = params.options
    tz = _check_tz(con, str(o.get("timezone", "UTC")))
    slots = slot_engagement(
        _slot_posts(con, params, tz),
        slot_hours=int(o.get("slot_hours", 3)),
        min_posts=int(o.get("min_posts_per_slot", MIN_POSTS_PER_SLOT)),
        n_boot=int(o.get("bootstrap", 1000)),
        seed=params.seed,
    )
    return {
        "best_time_activity": audience_activity(con, params, tz),
        "best_time_slots": slots,
        "posting_regularity": posting_regularity(
            con, params, top=int(o.get("regularity_top", 10)), tz=tz
        ),
    }
