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
    the fitted model for each early horizon h: the growth ratio and the residual quantiles of
    all posts (:func:`fit_forecasts`).
``engagement_forecast_bins``
    for each h and bin of the early count: the median shift and the residual quantiles that
    give the prediction intervals of posts of that size (:func:`fit_forecasts`).
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
    "DEFAULT_BIN_EDGES",
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


# Lower edges of the bins of the early count N(h) in which the spread of the growth is
# estimated: 0, 1, then roughly half-decades. Adjacent bins with too few cascades are merged.
DEFAULT_BIN_EDGES: tuple[float, ...] = (0, 1, 2, 4, 10, 32, 100, 316, 1000, 3162, 10000)
# Cascades per bin below which it is merged with the one before: an 80% interval needs the
# 10th and 90th percentiles, each resting on at least 5 cascades.
DEFAULT_MIN_BIN = 50


@dataclass
class LogLinearForecaster:
    """Szabo-Huberman forecast of a final count from an early count, with size-aware intervals.

    The model is :math:`\\ln(1 + N(t_r)) = \\ln(1 + N(h)) + \\beta_h + \\varepsilon`: on a log
    scale the final count is the early count shifted by a constant. :math:`\\beta_h` is the
    mean log growth of the training cascades (Szabo & Huberman's estimate). The spread of
    :math:`\\varepsilon` is not the same for every size: a post with one interaction at h may
    stay at one or take off, a post with a thousand has most of its audience behind it. So
    the training cascades are grouped in bins :math:`b` of :math:`N(h)` (``bin_edges``,
    merged until each holds ``min_bin`` cascades) and, for a post in bin :math:`b`,

    .. math:: \\hat N(t_r) = e^{\\beta_h + m_b}(1 + N(h)) - 1, \\quad
              [\\,e^{\\beta_h + q_b(\\alpha/2)}(1 + N(h)) - 1,\\;
              e^{\\beta_h + q_b(1-\\alpha/2)}(1 + N(h)) - 1\\,]

    where :math:`m_b` and :math:`q_b` are the median and the quantiles of the training residuals
    of bin :math:`b` (empirical: no assumption of normality). The point forecast is the
    median under the model (so it lies inside its interval): it shifts the early count by the
    median log growth of the posts of its size, where Szabo & Huberman shift every post by
    the mean :math:`\\beta_h` (kept as ``beta_``; on the backtests the median per bin halves
    the median relative error on Higgs, where most cascades never grow).

    Parameters
    ----------
    level : float
        Coverage of the prediction interval, in (0, 1) (0.8: the 10th to the 90th residual
        percentile of the bin).
    bin_edges : sequence of float or None
        Lower edges of the bins of :math:`N(h)` (interactions, ascending, first 0); None for
        one bin.
    min_bin : int
        Training cascades a bin must hold; smaller bins are merged into the bin below (the
        first into the one above).

    Attributes
    ----------
    beta_ : float, the mean log growth :math:`\\beta_h` (:math:`e^{\\beta_h}` is the ratio).
    residuals_ : ndarray, sorted training residuals (all bins).
    edges_ : ndarray, lower edges of the bins kept after merging.
    bin_residuals_ : list of ndarray, sorted training residuals of each bin.
    n_ : int, cascades fitted.

    Notes
    -----
    Szabo & Huberman use :math:`\\ln N` and drop cascades with :math:`N(h) = 0`; ``1 +`` keeps
    them (in a small community most posts have no interaction in their first hour, and those
    are exactly the posts the two-hour rule is about). On the later 30% of the Higgs and
    Twitter15/16 cascades (``bench/eval_forecast.py``), one interval for every size covered
    0.54-0.69 of the cascades with 10 to 99 retweets at h = 1, 2, 6 h on Higgs, and more than
    0.95 of the largest Twitter ones; per-bin intervals bring each bin nearer its 0.8.

    References
    ----------
    G. Szabo, B. A. Huberman, "Predicting the popularity of online content", Communications of
    the ACM 53(8):80-88, 2010.

    Examples
    --------
    >>> m = LogLinearForecaster().fit([1, 3, 0, 10], [4, 9, 1, 40])
    >>> round(m.ratio_, 2)  # exp of the mean of ln(5/2), ln(10/4), ln(2/1), ln(41/11)
    2.61
    >>> round(float(m.predict(3)), 2)  # one bin (4 cascades < min_bin): 4 exp(median growth) - 1
    9.0
    """

    level: float = DEFAULT_INTERVAL
    bin_edges: Sequence[float] | None = DEFAULT_BIN_EDGES
    min_bin: int = DEFAULT_MIN_BIN

    def fit(self, early: Sequence[float], final: Sequence[float]) -> LogLinearForecaster:
        raw = np.asarray(early, dtype=float)
        e = np.log1p(raw)
        f = np.log1p(np.asarray(final, dtype=float))
        if len(e) == 0:
            raise ValueError("no cascade to fit the forecast on")
        if np.any(f < e):
            raise ValueError("a final count is below its early count: are the horizons swapped?")
        diff = f - e
        self.beta_ = float(diff.mean())
        resid = diff - self.beta_
        self.residuals_ = np.sort(resid)
        self.n_ = len(diff)
        self.edges_ = self._merged_edges(raw)
        b = self._bin(raw)
        self.bin_residuals_ = [np.sort(resid[b == k]) for k in range(len(self.edges_))]
        return self

    def _merged_edges(self, early: np.ndarray) -> np.ndarray:
        edges = np.asarray(self.bin_edges if self.bin_edges is not None else [0.0], dtype=float)
        counts = np.bincount(np.searchsorted(edges, early, side="right") - 1, minlength=len(edges))
        keep: list[float] = []
        held = 0
        for edge, c in zip(edges, counts, strict=True):
            if keep and held < self.min_bin:
                held += c  # the bin so far is too small: extend it
            else:
                keep.append(float(edge))
                held = c
        if held < self.min_bin and len(keep) > 1:
            keep.pop()  # the last bin is too small: merge it into the one below
        keep[0] = -np.inf  # the first bin takes every count below the second edge
        return np.asarray(keep)

    def _bin(self, early: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.edges_, early, side="right") - 1

    @property
    def ratio_(self) -> float:
        return float(np.exp(self.beta_))

    def _quantiles(self, early: np.ndarray, qs: Sequence[float]) -> np.ndarray:
        """Residual quantiles ``qs`` of each early count's bin, shape (len(early), len(qs))."""
        table = np.array([np.quantile(r, qs) for r in self.bin_residuals_])
        return table[self._bin(early)]

    def predict(self, early: Sequence[float] | float) -> np.ndarray:
        """Point forecast of the final count (the median under the model)."""
        raw = np.asarray(early, dtype=float)
        m = self._quantiles(np.atleast_1d(raw), [0.5])[:, 0].reshape(raw.shape)
        return np.expm1(np.log1p(raw) + self.beta_ + m)

    def predict_interval(
        self, early: Sequence[float] | float, level: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) bounds holding the final count with probability ``level``.

        The low bound is never below the early count (engagement cannot be taken back).
        """
        level = self.level if level is None else level
        raw = np.asarray(early, dtype=float)
        q = self._quantiles(np.atleast_1d(raw), [(1 - level) / 2, (1 + level) / 2])
        e = np.log1p(raw) + self.beta_
        low = np.maximum(np.expm1(e + q[:, 0].reshape(raw.shape)), raw)
        return low, np.expm1(e + q[:, 1].reshape(raw.shape))

    def bins(self, level: float | None = None) -> pd.DataFrame:
        """The bins: ``n_low, n_high`` (early counts, inclusive; ``inf`` when open), ``posts``,
        ``shift`` (:math:`\\beta_h + m_b`), ``resid_low, resid_high`` (the bin's quantiles)."""
        level = self.level if level is None else level
        q = [(1 - level) / 2, 0.5, (1 + level) / 2]
        rows = []
        for k, r in enumerate(self.bin_residuals_):
            lo, mid, hi = np.quantile(r, q) if len(r) else (np.nan,) * 3
            nxt = self.edges_[k + 1] if k + 1 < len(self.edges_) else np.inf
            rows.append(
                {
                    "n_low": max(float(self.edges_[k]), 0.0),
                    "n_high": float(np.ceil(nxt) - 1) if np.isfinite(nxt) else np.inf,
                    "posts": len(r),
                    "shift": self.beta_ + float(mid),
                    "resid_low": float(lo),
                    "resid_high": float(hi),
                }
            )
        return pd.DataFrame(rows)


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
) -> tuple[pd.DataFrame, pd.DataFrame, dict[float, LogLinearForecaster]]:
    """Fit one :class:`LogLinearForecaster` per early horizon on the posts old enough.

    Parameters
    ----------
    counts : the table of :func:`counts_at`.
    early_hours : horizons h at which a forecast is made.
    reference_hours : the "final" horizon :math:`t_r`.
    level : prediction-interval coverage.

    Returns
    -------
    (table, bin_table, models). The table has one row per h:
    ``early_hours, reference_hours, posts`` (fitted on), ``ratio`` (:math:`e^{\\beta_h}`),
    ``beta``, ``resid_low, resid_high`` (the residual quantiles of all posts pooled),
    ``share_zero_early`` (posts with no interaction by h). The bin table has one row per h
    and bin of :math:`N(h)`: ``early_hours, n_low, n_high, posts, shift, resid_low,
    resid_high, level`` (:meth:`LogLinearForecaster.bins`); a post with :math:`N(h) = n` in
    the bin is forecast :math:`e^{shift}(1+n)-1` within
    :math:`[e^{\\beta + resid\\_low}(1+n)-1, e^{\\beta + resid\\_high}(1+n)-1]`. A horizon with
    fewer than 10 posts old enough is absent (nothing to learn from).
    """
    ref = f"n_{_h(reference_hours)}"
    done = counts[counts["age_h"] >= reference_hours]
    rows, bin_rows, models = [], [], {}
    for h in early_hours:
        if h >= reference_hours or len(done) < 10:
            continue
        early = done[f"n_{_h(h)}"].to_numpy(dtype=float)
        m = LogLinearForecaster(level).fit(early, done[ref].to_numpy(dtype=float))
        lo, hi = np.quantile(m.residuals_, [(1 - level) / 2, (1 + level) / 2])
        models[float(h)] = m
        bin_rows.append(m.bins(level).assign(early_hours=float(h), level=level))
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
    table = pd.DataFrame(rows, columns=cols)
    bcols = ["early_hours", "n_low", "n_high", "posts", "shift", "resid_low", "resid_high"]
    bcols.append("level")
    bin_table = (
        pd.concat(bin_rows, ignore_index=True)[bcols] if bin_rows else pd.DataFrame(columns=bcols)
    )
    return table, bin_table, models


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
    the 75th). A Szabo-Huberman model fitted at horizon :math:`a` forecasts its final count,
    with the median growth and the interval of past posts of the same size at that age
    (:class:`LogLinearForecaster`, bins of :math:`N(a)`).

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
    table, bin_table, _ = fit_forecasts(counts, DEFAULT_EARLY_HOURS, t_r)
    return {
        "engagement_velocity": velocity_curves(counts, hours, t_r),
        "engagement_forecast": table,
        "engagement_forecast_bins": bin_table,
    }
