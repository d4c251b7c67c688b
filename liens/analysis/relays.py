"""Chains of relaying: A's content relayed by B, then B's relayed by C (Lemieux's orientation).

A *relay* is an event of a relaying kind (``share``, ``quote`` by default) whose ``actor``
re-publishes the ``target``'s content. A *relay chain* origin -> relay -> target is a pair of
relays, the relay re-publishing the origin at t1 and the target re-publishing the relay at t2
with ``t1 <= t2 <= t1 + window``: what the origin said may have reached the target through
the relay (two steps of the flow; Katz & Lazarsfeld's two-step flow, observed as in
Cha et al. 2010's retweet cascades). Logs without post ids cannot say that the target
relayed the very post the relay took from the origin; the window keeps the two relays close
enough in time for the chain to be plausible, and ``n_chains`` counts every such pair of
events.

Table ``relay_chains`` (one row per platform, origin, relay, target; target != origin):

``n_chains``
    pairs of events (origin relayed by relay at t1, relay relayed by target at t2) in the
    window, t1 <= t2 <= t1 + ``relay_window_hours`` (default 24 h);
``first_at``
    the earliest t2 (when the target first relayed the relay after it relayed the origin);
``lag_min_hours``, ``lag_median_hours``
    t2 - t1 over the chain's pairs, in hours (>= 0).

Bound: a relay re-published by many accounts after re-publishing many accounts makes
(in-relays x out-relays) chains, so the table keeps the ``relay_chains_max`` rows (default
100,000) with the most chains (ties broken by earliest ``first_at``, then names); the
``network`` table reports ``relay_chains`` (distinct chains found) beside the kept rows.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.window import events_query

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_RELAY_KINDS",
    "DEFAULT_WINDOW_HOURS",
    "relay_chains",
]

DEFAULT_RELAY_KINDS = ("share", "quote")
DEFAULT_WINDOW_HOURS = 24.0
DEFAULT_MAX_ROWS = 100_000
COLUMNS = ["platform", "origin", "relay", "target", "n_chains", "first_at", "lag_min_hours",
           "lag_median_hours"]  # fmt: skip


def relay_chains(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams,
    *,
    window_hours: float | None = None,
    kinds: tuple[str, ...] | None = None,
    max_rows: int | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Relay chains origin -> relay -> target of the window and layers, computed in DuckDB.

    Parameters
    ----------
    con : workspace connection.
    params : window and layers (a chain's two events must both be in them); options
        ``relay_window_hours`` (default 24), ``relay_kinds`` (default share, quote) and
        ``relay_chains_max`` (default 100,000 rows), used when the arguments are None.

    Returns
    -------
    ``(table, totals)``: the ``relay_chains`` rows (columns :data:`COLUMNS`, sorted by
    ``n_chains`` descending) and, per platform, the number of distinct chains before the
    row bound.

    Notes
    -----
    :math:`n(o, r, t) = |\\{(e_1, e_2): e_1 = r \\to o,\\ e_2 = t \\to r,\\
    0 \\le t_2 - t_1 \\le W\\}|` with :math:`x \\to y` a relay of y by x; t != o (a relay
    returned to its origin is not a chain). Range: ``n_chains`` >= 1, lags in [0, W] hours.

    References
    ----------
    Katz, E., & Lazarsfeld, P. F. (1955). Personal Influence. Free Press.
    Cha, M., Haddadi, H., Benevenuto, F., & Gummadi, K. P. (2010). Measuring user influence
    in Twitter: the million follower fallacy. ICWSM.
    """
    opts = params.options or {}
    hours = float(window_hours if window_hours is not None
                  else opts.get("relay_window_hours", DEFAULT_WINDOW_HOURS))  # fmt: skip
    kinds = tuple(kinds or opts.get("relay_kinds", DEFAULT_RELAY_KINDS))
    limit = int(max_rows if max_rows is not None
                else opts.get("relay_chains_max", DEFAULT_MAX_ROWS))  # fmt: skip
    sql, args = events_query(params, layered=True)
    marks = ", ".join("?" for _ in kinds)
    # one text key per (platform, account) for the join: the same reason as in ties._stage
    # (two-column joins on fresh temp tables can be planned as a cross product)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _relays AS
SELECT platform, actor, target, created_at,
  platform || chr(31) || actor AS _ka, platform || chr(31) || target AS _kt
FROM ({sql}) e
WHERE kind IN ({marks}) AND actor IS NOT NULL AND target IS NOT NULL AND actor <> target""",
        [*args, *kinds],
    )
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _chains AS
SELECT a.platform, a.target AS origin, a.actor AS relay, b.actor AS target,
  count(*) AS n_chains, min(b.created_at) AS first_at,
  min(date_diff('millisecond', a.created_at, b.created_at)) / 3600000.0 AS lag_min_hours,
  median(date_diff('millisecond', a.created_at, b.created_at)) / 3600000.0
    AS lag_median_hours
FROM _relays a JOIN _relays b
  ON b._kt = a._ka AND b.created_at >= a.created_at
  AND b.created_at <= a.created_at + to_microseconds(CAST(? AS BIGINT))
WHERE b.actor <> a.target
GROUP BY ALL""",
            [round(hours * 3600e6)],
        )
        totals = dict(con.execute("SELECT platform, count(*) FROM _chains GROUP BY 1").fetchall())
        table = con.execute(
            f"""SELECT {", ".join(COLUMNS)} FROM _chains
ORDER BY n_chains DESC, first_at, platform, origin, relay, target LIMIT {limit}"""
        ).df()
    finally:
        con.execute("DROP TABLE IF EXISTS _relays")
        con.execute("DROP TABLE IF EXISTS _chains")
    table["lag_median_hours"] = table["lag_median_hours"].astype(float)
    return table[COLUMNS], {str(k): int(v) for k, v in totals.items()}
