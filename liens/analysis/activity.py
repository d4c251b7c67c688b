"""Functions describing the volume of activity: over time, by kind, by weekday and hour.

Tables written by ``liens analyze``:

``activity_daily``
    one row per (day, platform, kind): ``events`` (count), ``actors`` (distinct accounts
    acting that day). Days are UTC calendar days.
``activity_hourly``
    one row per (weekday, hour) in UTC: ``events``, ``actors``; weekday 0 = Monday (ISO 8601
    day number minus one). The raw material of the best-time analysis. Events a source dates
    to the day only (``extra.time_precision = "day"``, e.g. Stack Exchange votes) have no hour
    and are left out.
``members`` (activity columns)
    per account: ``events_out`` (events it made), ``events_in`` (events addressed to it),
    ``posts`` (publications it created: post, reply, comment, quote, share),
    ``first_seen``/``last_seen`` (UTC), ``active_days`` (distinct days with an event made).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query
from liens.model import CONTENT_KINDS

__all__ = ["activity_daily", "activity_hourly", "member_activity", "run"]


def activity_daily(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> pd.DataFrame:
    """Events and distinct actors per UTC day, platform and kind."""
    sql, args = events_query(params)
    return con.execute(
        f"""
SELECT CAST(date_trunc('day', created_at) AS DATE) AS day, platform, kind,
  count(*) AS events, count(DISTINCT actor) AS actors
FROM ({sql}) GROUP BY ALL ORDER BY day, platform, kind""",
        args,
    ).df()


def activity_hourly(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> pd.DataFrame:
    """Events and distinct actors per weekday (0 = Monday) and hour of day, in UTC.

    Events dated to the day only have no hour: they are left out rather than piled at 0 h.
    """
    sql, args = events_query(params)
    return con.execute(
        f"""
SELECT isodow(created_at) - 1 AS weekday, hour(created_at) AS hour,
  count(*) AS events, count(DISTINCT actor) AS actors
FROM ({sql})
WHERE extra IS NULL OR json_extract_string(extra, '$.time_precision') IS DISTINCT FROM 'day'
GROUP BY ALL ORDER BY weekday, hour""",
        args,
    ).df()


def member_activity(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> pd.DataFrame:
    """Per account: events made and received, publications, first and last activity.

    Every account of the ``accounts`` table is listed, silent ones included (zeros): the
    "présents" who read without acting are part of the community.
    """
    sql, args = events_query(params)
    kinds = ", ".join(f"'{k}'" for k in CONTENT_KINDS)
    return con.execute(
        f"""
WITH ev AS (SELECT platform, kind, actor, target, created_at FROM ({sql})),
out_ AS (
  SELECT platform, actor AS account, count(*) AS events_out,
    count(*) FILTER (WHERE kind IN ({kinds})) AS posts,
    min(created_at) AS first_seen, max(created_at) AS last_seen,
    count(DISTINCT CAST(created_at AS DATE)) AS active_days
  FROM ev WHERE actor IS NOT NULL GROUP BY ALL),
in_ AS (
  SELECT platform, target AS account, count(*) AS events_in
  FROM ev WHERE target IS NOT NULL GROUP BY ALL)
SELECT a.platform, a.account_id AS account, a.handle,
  coalesce(o.events_out, 0) AS events_out, coalesce(i.events_in, 0) AS events_in,
  coalesce(o.posts, 0) AS posts, o.first_seen, o.last_seen,
  coalesce(o.active_days, 0) AS active_days
FROM accounts a
LEFT JOIN out_ o ON o.platform = a.platform AND o.account = a.account_id
LEFT JOIN in_ i ON i.platform = a.platform AND i.account = a.account_id
ORDER BY events_out DESC, account""",
        args,
    ).df()


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    return {
        "activity_daily": activity_daily(con, params),
        "activity_hourly": activity_hourly(con, params),
        "members": member_activity(con, params),
    }
