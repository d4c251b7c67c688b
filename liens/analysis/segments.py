"""Functions sizing the audience segments of the parade (seed 003) over time.

"Il y a toujours une communauté aventurière qui participe à la parade. Une autre communauté
majoritaire qui vient voir la parade. Et une 3ième qui ne savait même pas qu'il y avait une
parade": those who march, those who watch, those who do not know there is a parade.

Table written by ``liens analyze`` (analysis ``roles``): ``audience_segments``, one row per
platform and period (:func:`audience_segments`).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.stages import REACT_KINDS
from liens.analysis.window import events_query
from liens.errors import LiensError

__all__ = ["SEGMENTS", "audience_segments"]

SEGMENTS = ("participants", "spectators", "dormant", "unreached")


def audience_segments(
    con: duckdb.DuckDBPyConnection, params: AnalysisParams | None = None, *, period: str = "month"
) -> pd.DataFrame:
    """Participants, spectators, dormant members and the unreached, per period.

    For a period :math:`p`, among the accounts *known* by its end (first seen as actor or
    target, or created, before the end; accounts listed without any date count from the
    start):

    - *participants*: made at least one act other than reacting in :math:`p` (posted,
      replied, commented, mentioned, shared, quoted, messaged, edited, ...);
    - *spectators*: in :math:`p`, only reacted (:data:`~liens.analysis.stages.REACT_KINDS`:
      reactions, votes, follows, accepts, ratings);
    - *dormant*: acted before, not in :math:`p`;
    - *unreached*: known (from a follower list, a mention, a reply addressed to them, an
      account export) but never acted up to the end of :math:`p`.

    The four segments partition the known accounts: participants + spectators + dormant +
    unreached = known.

    Parameters
    ----------
    con : DuckDB connection to a workspace.
    params : window; ``options["segment_period"]`` overrides ``period`` in ``liens analyze``.
    period : ``'week'``, ``'month'`` (default), ``'quarter'`` or ``'year'``.

    Returns
    -------
    DataFrame ``platform, period`` (start, UTC), ``known``, ``participants``, ``spectators``,
    ``dormant``, ``unreached`` and their shares of ``known`` (``participants_share``, ...).

    Notes
    -----
    Platforms that hide who reacted (Stack Exchange votes are anonymous) have few visible
    spectators: the readers who vote are counted among the unreached or dormant. Reading
    without any act leaves no trace in interaction records.

    References
    ----------
    Seed 003 ("le pouvoir prescripteur des réseaux sociaux numériques", 2013); J. Nielsen,
    "Participation Inequality", 2006.

    Examples
    --------
    >>> audience_segments(ws.con, period="quarter").tail()  # doctest: +SKIP
    """
    if period not in ("week", "month", "quarter", "year"):
        raise LiensError(f"unknown period {period!r}; one of week, month, quarter, year")
    params = params or AnalysisParams()
    sql, args = events_query(params)
    react = ", ".join(f"'{k}'" for k in REACT_KINDS)
    df = con.execute(
        f"""
WITH ev AS (SELECT *, date_trunc('{period}', created_at) AS period FROM ({sql})),
periods AS (
  SELECT DISTINCT platform, period, period + INTERVAL 1 {period} AS period_end FROM ev),
seen AS (
  SELECT platform, account, min(t) AS t FROM (
    SELECT platform, actor AS account, created_at AS t FROM ev WHERE actor IS NOT NULL
    UNION ALL SELECT platform, target, created_at FROM ev WHERE target IS NOT NULL)
  GROUP BY ALL),
known AS (
  SELECT a.platform, a.account_id AS account,
    CASE WHEN a.created_at IS NULL AND s.t IS NULL THEN TIMESTAMP '0001-01-01'
         ELSE least(a.created_at, s.t) END AS first_seen
  FROM accounts a LEFT JOIN seen s ON s.platform = a.platform AND s.account = a.account_id),
first_act AS (
  SELECT platform, actor AS account, min(created_at) AS t FROM ev
  WHERE actor IS NOT NULL GROUP BY ALL),
per AS (
  SELECT platform, period,
    count(DISTINCT actor) FILTER (WHERE kind NOT IN ({react})) AS participants,
    count(DISTINCT actor) AS acting
  FROM ev WHERE actor IS NOT NULL GROUP BY ALL),
cum AS (
  SELECT p.platform, p.period,
    (SELECT count(*) FROM known k WHERE k.platform = p.platform
       AND k.first_seen < p.period_end) AS known,
    (SELECT count(*) FROM first_act f WHERE f.platform = p.platform
       AND f.t < p.period_end) AS ever_acted
  FROM periods p)
SELECT c.platform, c.period, c.known,
  coalesce(x.participants, 0) AS participants,
  coalesce(x.acting, 0) - coalesce(x.participants, 0) AS spectators,
  c.ever_acted - coalesce(x.acting, 0) AS dormant,
  c.known - c.ever_acted AS unreached
FROM cum c LEFT JOIN per x ON x.platform = c.platform AND x.period = c.period
ORDER BY c.platform, c.period""",
        args,
    ).df()
    for s in SEGMENTS:
        df[s] = df[s].astype("int64")
        df[f"{s}_share"] = df[s] / df["known"].where(df["known"] > 0)
    return df
