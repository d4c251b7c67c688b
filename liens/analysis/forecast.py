"""Functions for the two-hour rule: early engagement velocity and forecasts of final engagement.

"If a publication has not taken off within two hours, it will not" (seed 004). Whether that
holds for a community is measured here: how the interactions of past posts accumulated hour by
hour, and how well the first h hours predict the total, with the log-linear model of Szabo &
Huberman (2010) fitted on the community's own history.

Tables written by ``liens analyze``:

``engagement_velocity``
    cumulative interactions against hours since publication, by percentile across posts
    (:func:`velocity_curves`).
``engagement_forecast``
    the fitted model for each early horizon h: the growth ratio and the residual quantiles that
    give prediction intervals (:func:`fit_forecasts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.engagement import interactions_sql

__all__ = [
    "DEFAULT_CURVE_HOURS",
    "DEFAULT_EARLY_HOURS",
    "DEFAULT_POST_KINDS",
    "DEFAULT_REFERENCE_HOURS",
    "LogLinearForecaster",
    "counts_at",
    "fit_forecasts",
    "post_status",
    "run",
    "velocity_curves",
]

DEFAULT_CURVE_HOURS: tuple[float, ...] = (0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168)
DEFAULT_EARLY_HOURS: tuple[float, ...] = (1, 2, 6, 24)
# The horizon taken as "final": a week. Twitter cascades are over in a day or two; forum
# threads keep growing slowly, so their "final" is the first week's total.
DEFAULT_REFERENCE_HOURS = 168.0
DEFAULT_INTERVAL = 0.8
# Original publications: what a community manager calls "a post" (replies and comments are
# posts too in the canonical model, but they are not what one launches and follows).
DEFAULT_POST_KINDS: tuple[str, ...] = ("post", "quote")


@dataclass
class LogLinearForecaster:
    """Szabo-Huberman forecast of a final count from an early count.

    The model is :math:`\\ln(1 + N(t_r)) = \\ln(1 + N(h)) + \\beta_h + \\varepsilon`: on a log
    scale the final count is the early count shifted by a constant, so the prediction is
    :math:`\\hat N(t_r) = e^{\\beta_h}(1 + N(h)) - 1`. :math:`\\beta_h` is the mean log growth
    of the training cascades; prediction intervals are the empirical quantiles of the training
    residuals :math:`\\varepsilon`, so they make no assumption of normality.

    Parameters
    ----------
    level : float
        Coverage of the prediction interval (0.8: the 10th to the 90th residual percentile).

    Attributes
    ----------
    beta_ : float, the mean log growth :math:`\\beta_h` (:math:`e^{\\beta_h}` is the ratio).
    residuals_ : ndarray, sorted training residuals.
    n_ : int, cascades fitted.

    Notes
    -----
    Szabo & Huberman use :math:`\\ln N` and drop cascades with :math:`N(h) = 0`; ``1 +`` keeps
    them (in a small community most posts have no interaction in their first hour, and those
    are exactly the posts the two-hour rule is about). The point prediction
    :math:`e^{\\beta}(1+N)-1` estimates the median, not the mean, of the final count.

    References
    ----------
    G. Szabo, B. A. Huberman, "Predicting the popularity of online content", Communications of
    the ACM 53(8):80-88, 2010.

    Examples
    --------
    >>> m = LogLinearForecaster().fit([1, 3, 0, 10], [4, 9, 1, 40])
    >>> round(m.ratio_, 2)
    3.06
    """

    level: float = DEFAULT_INTERVAL

    def fit(self, early: Sequence[float], final: Sequence[float]) -> LogLinearForecaster:
        e = np.log1p(np.asarray(early, dtype=float))
        f = np.log1p(np.asarray(final, dtype=float))
        if len(e) == 0:
            raise ValueError("no cascade to fit the forecast on")
        if np.any(f < e):
            raise ValueError("a final count is below its early count: are the horizons swapped?")
        diff = f - e
        self.beta_ = float(diff.mean())
        self.residuals_ = np.sort(diff - self.beta_)
        self.n_ = len(diff)
        return self

    @property
    def ratio_(self) -> float:
        return float(np.exp(self.beta_))

    def predict(self, early: Sequence[float] | float) -> np.ndarray:
        """Point forecast of the final count (the median under the model)."""
        e = np.log1p(np.asarray(early, dtype=float))
        return np.expm1(e + self.beta_)

    def predict_interval(
        self, early: Sequence[float] | float, level: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) bounds holding the final count with probability ``level``.

        The low bound is never below the early count (engagement cannot be taken back).
        """
        level = self.level if level is None else level
        lo_q, hi_q = np.quantile(self.residuals_, [(1 - level) / 2, (1 + level) / 2])
        e_raw = np.asarray(early, dtype=float)
        e = np.log1p(e_raw)
        low = np.maximum(np.expm1(e + self.beta_ + lo_q), e_raw)
        return low, np.expm1(e + self.beta_ + hi_q)


def _data_end(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> pd.Timestamp:
    if params.end:
        return pd.Timestamp(params.end)
    return pd.Timestamp(con.execute("SELECT max(created_at) FROM events").fetchone()[0])


def counts_at(
    con: duckdb.DuckDBPyConnection,
    params: AnalysisParams | None = None,
    hours: Sequence[float] = DEFAULT_CURVE_HOURS,
    *,
    post_kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Interactions each post had received h hours after publication, for every h in ``hours``.

    :math:`N_p(h) = |\\{i \\in I_p : t_i - t_p \\le h\\}|` over the timed interactions of post
    :math:`p` by other accounts (see :func:`liens.analysis.engagement.post_engagement`).

    Parameters
    ----------
    con : workspace connection.
    params : window and options (``options["forecast_post_kinds"]`` as ``post_kinds``).
    hours : the horizons, in hours.
    post_kinds : kinds of posts to follow (default :data:`DEFAULT_POST_KINDS`, original
        publications; ``[]`` for every kind).

    Returns
    -------
    DataFrame with ``platform, post_id, author, created_at, age_h`` (hours between publication
    and the end of the data or window) and one column ``n_<h>`` per horizon (``n_0.25``,
    ``n_2``, …). A post younger than h has a partial ``n_<h>``: filter on ``age_h``.

    Notes
    -----
    Interactions whose time is known only to the day are left out (their delay is unknown).
    """
    params = params or AnalysisParams()
    if post_kinds is None:
        post_kinds = params.options.get("forecast_post_kinds", DEFAULT_POST_KINDS)
    inter, args, _ = interactions_sql(con, params)
    kinds = ""
    kargs: list[Any] = []
    if post_kinds:
        kinds = f"WHERE kind IN ({', '.join('?' for _ in post_kinds)})"
        kargs = list(post_kinds)
    cols = ",\n  ".join(
        f'count(i.on_post) FILTER (WHERE i.delay_h <= {float(h)!r}) AS "n_{_h(h)}"' for h in hours
    )
    end = _data_end(con, params)
    sql = f"""
WITH p AS (SELECT platform, post_id, author, created_at FROM posts {kinds}),
i AS (
  SELECT i.platform, i.on_post, greatest(epoch(i.created_at - p.created_at) / 3600.0, 0)
    AS delay_h
  FROM ({inter}) i JOIN p ON p.platform = i.platform AND p.post_id = i.on_post
  WHERE i.actor IS DISTINCT FROM p.author AND NOT i.day_precision)
SELECT p.platform, p.post_id, p.author, p.created_at,
  epoch(CAST(? AS TIMESTAMP) - p.created_at) / 3600.0 AS age_h,
  {cols}
FROM p LEFT JOIN i ON i.platform = p.platform AND i.on_post = p.post_id
WHERE p.created_at <= CAST(? AS TIMESTAMP)
GROUP BY ALL ORDER BY p.created_at, p.post_id"""
    return con.execute(sql, kargs + args + [end, end]).df()


def _h(h: float) -> str:
    return f"{h:g}"


def velocity_curves(
    counts: pd.DataFrame,
    hours: Sequence[float] = DEFAULT_CURVE_HOURS,
    reference_hours: float = DEFAULT_REFERENCE_HOURS,
) -> pd.DataFrame:
    """Cumulative interactions against hours since publication, by percentile across posts.

    Only posts at least ``reference_hours`` old and with at least one interaction by then are
    used, so every curve is complete and describes posts that took off at all.

    Parameters
    ----------
    counts : the table of :func:`counts_at`, with columns for ``hours`` and ``reference_hours``.
    hours, reference_hours : horizons; the reference is the "final" count.

    Returns
    -------
    DataFrame, one row per horizon: ``hours, posts, p10, p25, p50, p75, p90, mean`` (of
    :math:`N(h)`), ``share_of_final`` (median over posts of :math:`N(h)/N(t_r)`: how much of
    its final engagement a typical post has at h) and ``share_started`` (share of posts with
    at least one interaction by h).
    """
    ref = f"n_{_h(reference_hours)}"
    done = counts[(counts["age_h"] >= reference_hours) & (counts[ref] > 0)]
    rows = []
    for h in hours:
        if h > reference_hours:
            continue
        n = done[f"n_{_h(h)}"].to_numpy(dtype=float)
        final = done[ref].to_numpy(dtype=float)
        q = np.percentile(n, [10, 25, 50, 75, 90]) if len(n) else [np.nan] * 5
        rows.append(
            {
                "hours": float(h),
                "posts": len(n),
                "p10": q[0],
                "p25": q[1],
                "p50": q[2],
                "p75": q[3],
                "p90": q[4],
                "mean": float(n.mean()) if len(n) else np.nan,
                "share_of_final": float(np.median(n / final)) if len(n) else np.nan,
                "share_started": float((n > 0).mean()) if len(n) else np.nan,
            }
        )
    cols = ["hours", "posts", "p10", "p25", "p50", "p75", "p90", "mean", "share_of_final"]
    return pd.DataFrame(rows, columns=[*cols, "share_started"])


def fit_forecasts(
    counts: pd.DataFrame,
    early_hours: Sequence[float] = DEFAULT_EARLY_HOURS,
    reference_hours: float = DEFAULT_REFERENCE_HOURS,
    level: float = DEFAULT_INTERVAL,
) -> tuple[pd.DataFrame, dict[float, LogLinearForecaster]]:
    """Fit one :class:`LogLinearForecaster` per early horizon on the posts old enough.

    Parameters
    ----------
    counts : the table of :func:`counts_at`.
    early_hours : horizons h at which a forecast is made.
    reference_hours : the "final" horizon :math:`t_r`.
    level : prediction-interval coverage.

    Returns
    -------
    (table, models). The table has one row per h: ``early_hours, reference_hours, posts``
    (fitted on), ``ratio`` (:math:`e^{\\beta_h}`), ``beta``, ``resid_low, resid_high`` (the
    residual quantiles of the interval), ``share_zero_early`` (posts with no interaction by
    h). A horizon with fewer than 10 posts old enough is absent (nothing to learn from).
    """
    ref = f"n_{_h(reference_hours)}"
    done = counts[counts["age_h"] >= reference_hours]
    rows, models = [], {}
    for h in early_hours:
        if h >= reference_hours or len(done) < 10:
            continue
        early = done[f"n_{_h(h)}"].to_numpy(dtype=float)
        m = LogLinearForecaster(level).fit(early, done[ref].to_numpy(dtype=float))
        lo, hi = np.quantile(m.residuals_, [(1 - level) / 2, (1 + level) / 2])
        models[float(h)] = m
        rows.append(
            {
                "early_hours": float(h),
                "reference_hours": float(reference_hours),
                "posts": m.n_,
                "ratio": m.ratio_,
                "beta": m.beta_,
                "resid_low": float(lo),
                "resid_high": float(hi),
                "level": level,
                "share_zero_early": float((early == 0).mean()),
            }
        )
    cols = ["early_hours", "reference_hours", "posts", "ratio", "beta", "resid_low"]
    cols += ["resid_high", "level", "share_zero_early"]
    return pd.DataFrame(rows, columns=cols), models


def post_status(
    con: duckdb.DuckDBPyConnection,
    post_id: str,
    params: AnalysisParams | None = None,
    *,
    now: str | pd.Timestamp | None = None,
    reference_hours: float | None = None,
) -> dict[str, Any]:
    """Is a post on track? Its interactions so far against past posts at the same age.

    The post's age :math:`a` is taken at ``now`` (default: the last event of the workspace).
    Past posts at least :math:`t_r` old give the distribution of :math:`N(a)`; the post's
    percentile in it says whether it is behind (below the 25th), on track, or ahead (above
    the 75th). A Szabo-Huberman model fitted at horizon :math:`a` forecasts its final count.

    Parameters
    ----------
    con : workspace connection.
    post_id : the post (``posts.post_id``).
    params : window and options (``forecast_reference_hours``).
    now : the time of the check (UTC).
    reference_hours : the "final" horizon (default one week).

    Returns
    -------
    dict with ``post_id, author, created_at, age_hours, observed`` (timed interactions so
    far), ``expected`` (median of past posts at that age), ``percentile`` (share of past posts
    with fewer interactions at that age, ties counted half), ``verdict`` (``behind``,
    ``on track``, ``ahead``, ``complete`` when the post is older than :math:`t_r`),
    ``forecast_final``, ``forecast_low``, ``forecast_high`` (at ``level`` 0.8),
    ``reference_hours`` and ``history`` (past posts compared with).

    Raises
    ------
    KeyError when the post is not in ``posts``.
    """
    params = params or AnalysisParams()
    t_r = float(
        reference_hours or params.options.get("forecast_reference_hours", DEFAULT_REFERENCE_HOURS)
    )
    row = con.execute(
        "SELECT platform, author, kind, created_at FROM posts WHERE post_id = ?", [post_id]
    ).fetchone()
    if row is None:
        raise KeyError(post_id)
    platform, author, kind, created = row
    when = pd.Timestamp(now) if now is not None else _data_end(con, params)
    age = max((when - pd.Timestamp(created)).total_seconds() / 3600.0, 0.0)
    horizon = min(age, t_r)
    hist_params = AnalysisParams(
        start=params.start, end=params.end, seed=params.seed, options=params.options
    )
    counts = counts_at(con, hist_params, sorted({horizon, t_r}), post_kinds=[kind])
    col = f"n_{_h(horizon)}"
    inter, args, _ = interactions_sql(con, AnalysisParams())
    observed = con.execute(
        f"""SELECT count(*) FROM ({inter}) i
WHERE i.platform = ? AND i.on_post = ? AND i.actor IS DISTINCT FROM ? AND NOT i.day_precision
  AND i.created_at <= CAST(? AS TIMESTAMP)""",
        [*args, platform, post_id, author, when],
    ).fetchone()[0]
    # History: posts whose whole reference period had elapsed at the time of the check.
    done_by = counts["created_at"] + pd.Timedelta(hours=t_r) <= when
    past = counts[(counts["age_h"] >= t_r) & done_by & (counts["post_id"] != post_id)]
    result: dict[str, Any] = {
        "post_id": post_id,
        "author": author,
        "created_at": pd.Timestamp(created),
        "age_hours": age,
        "observed": int(observed),
        "reference_hours": t_r,
        "history": len(past),
        "expected": np.nan,
        "percentile": np.nan,
        "verdict": "no history",
        "forecast_final": np.nan,
        "forecast_low": np.nan,
        "forecast_high": np.nan,
    }
    if len(past) == 0:
        return result
    at_age = past[col].to_numpy(dtype=float)
    pct = float(((at_age < observed).sum() + 0.5 * (at_age == observed).sum()) / len(at_age))
    result["expected"] = float(np.median(at_age))
    result["percentile"] = pct
    if age >= t_r:
        result["verdict"] = "complete"
        result["forecast_final"] = result["forecast_low"] = result["forecast_high"] = float(
            observed
        )
        return result
    result["verdict"] = "behind" if pct < 0.25 else "ahead" if pct > 0.75 else "on track"
    final = past[f"n_{_h(t_r)}"].to_numpy(dtype=float)
    model = LogLinearForecaster().fit(at_age, final)
    lo, hi = model.predict_interval(observed)
    result["forecast_final"] = float(model.predict(observed))
    result["forecast_low"] = float(lo)
    result["forecast_high"] = float(hi)
    return result


def run(con: duckdb.DuckDBPyConnection, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    t_r = float(params.options.get("forecast_reference_hours", DEFAULT_REFERENCE_HOURS))
    hours = sorted({*DEFAULT_CURVE_HOURS, *DEFAULT_EARLY_HOURS, t_r})
    hours = [h for h in hours if h <= t_r]
    counts = counts_at(con, params, hours)
    table, _ = fit_forecasts(counts, DEFAULT_EARLY_HOURS, t_r)
    return {
        "engagement_velocity": velocity_curves(counts, hours, t_r),
        "engagement_forecast": table,
    }
