"""Functions detecting bursts in a stream of counts: Kleinberg's automaton and control charts.

Every detector reads a regular series of counts (one per bin, usually an hour) and says, bin by
bin, whether the stream is in a burst. The on-line detectors only look at the past (their
baseline is a trailing window that excludes the current bin), so the alarm they give for a bin
is the one a live system would have given at the end of that bin: running them on a prefix of
the series gives the same answer for that prefix. That is what makes the delays measured in
``bench/eval_crisis.py`` and the drills of ``liens drill`` honest.

Each on-line detector returns one row per bin with the columns ``count``, ``baseline``
(expected count from the trailing window, NaN during the warm-up), ``statistic``,
``threshold`` and ``alarm`` (bool). :func:`alarm_episodes` turns the ``alarm`` column into
episodes with an alarm time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = [
    "DETECTORS",
    "alarm_episodes",
    "cusum_chart",
    "ewma_chart",
    "kleinberg",
    "kleinberg_online",
    "ratio_rule",
]


def _counts(x: np.ndarray | pd.Series | list) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 1:
        raise ValueError("counts must be one-dimensional")
    if np.any(a < 0) or np.any(~np.isfinite(a)):
        raise ValueError("counts must be finite and non-negative")
    return a


def _trailing(x: np.ndarray, window: int, min_history: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the ``window`` bins before each bin (the bin excluded).

    NaN where fewer than ``min_history`` past bins exist. Cumulative sums make it O(n).
    """
    n = len(x)
    c1 = np.concatenate(([0.0], np.cumsum(x)))
    c2 = np.concatenate(([0.0], np.cumsum(x * x)))
    idx = np.arange(n)
    lo = np.maximum(idx - window, 0)
    m = (idx - lo).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (c1[idx] - c1[lo]) / m
        var = (c2[idx] - c2[lo]) / m - mean * mean
    std = np.sqrt(np.maximum(var, 0.0))
    short = m < max(min_history, 1)
    mean[short] = np.nan
    std[short] = np.nan
    return mean, std


def _noise(mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    # Counts are over-dispersed (empirical std) but a window of zeros has std 0: the Poisson
    # floor sqrt(mean), and 1 count, keep three mentions after a silent week from being
    # "infinitely" surprising.
    return np.maximum(np.maximum(std, np.sqrt(np.maximum(mean, 0.0))), 1.0)


def _frame(x, baseline, statistic, threshold, alarm) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "count": x,
            "baseline": baseline,
            "statistic": statistic,
            "threshold": threshold,
            "alarm": np.asarray(alarm, dtype=bool),
        }
    )


def kleinberg(
    counts: np.ndarray | pd.Series | list,
    totals: np.ndarray | pd.Series | list | None = None,
    *,
    s: float = 2.0,
    gamma: float = 1.0,
) -> np.ndarray:
    """State sequence (0 = base, 1 = burst) of Kleinberg's two-state automaton, off-line.

    The automaton has a base state emitting at the stream's average rate and a burst state
    emitting at ``s`` times that rate; entering the burst state costs ``gamma * ln n``, staying
    or leaving is free. The state sequence returned minimises, by the Viterbi algorithm,

    .. math:: c(q) = \\sum_{t} \\sigma(q_t, r_t) + \\sum_{t: q_t > q_{t-1}} \\gamma \\ln n

    where ``n`` is the number of bins. With ``totals`` (``d_t`` messages per bin of which
    ``r_t`` are relevant: the batched model of Kleinberg's section 4) the emission cost is the
    binomial ``-ln[p_i^{r_t} (1 - p_i)^{d_t - r_t}]`` with ``p_0 = R / D`` and
    ``p_1 = min(s p_0, 1 - 1e-9)``; without ``totals`` it is the Poisson
    ``lambda_i - r_t ln lambda_i`` with ``lambda_0`` the mean count and ``lambda_1 = s
    lambda_0`` (the counting form of the paper's exponential gaps). Terms equal in both states
    (the binomial coefficient, ``ln r_t!``) are left out: they do not change the optimum.

    Parameters
    ----------
    counts : array of non-negative numbers
        ``r_t``, the relevant messages per bin.
    totals : array, optional
        ``d_t``, all messages per bin (``d_t >= r_t``).
    s : float
        Ratio of the burst rate to the base rate (> 1). Kleinberg uses 2.
    gamma : float
        Cost of entering a burst, in units of ``ln n`` (> 0). Larger means fewer, longer bursts.

    Returns
    -------
    numpy.ndarray of int8
        The optimal state of each bin. The sequence starts in the base state.

    Notes
    -----
    Off-line: the state of a bin depends on the whole series (the base rate is its mean).
    For alarms use :func:`kleinberg_online`. An empty series returns an empty array; a series
    of zeros stays in the base state.

    References
    ----------
    J. Kleinberg, "Bursty and hierarchical structure in streams", KDD 2002, sections 2 and 4.

    Examples
    --------
    >>> kleinberg([1, 1, 1, 9, 10, 9, 1, 1, 1, 1]).tolist()
    [0, 0, 0, 1, 1, 1, 0, 0, 0, 0]
    """
    r = _counts(counts)
    n = len(r)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    if s <= 1 or gamma <= 0:
        raise ValueError("s must be > 1 and gamma > 0")
    if totals is None:
        lam0 = max(r.mean(), 1e-9)
        lams = np.array([lam0, s * lam0])
        cost = lams[None, :] - r[:, None] * np.log(lams)[None, :]
    else:
        d = _counts(totals)
        if len(d) != n or np.any(d < r):
            raise ValueError("totals must have the length of counts and be >= counts")
        p0 = min(max(r.sum() / max(d.sum(), 1e-12), 1e-9), 1 - 1e-9)
        p = np.array([p0, min(s * p0, 1 - 1e-9)])
        cost = -(r[:, None] * np.log(p)[None, :] + (d - r)[:, None] * np.log1p(-p)[None, :])
    tau = gamma * np.log(max(n, 2))
    return _viterbi(cost, tau)


def _viterbi(cost: np.ndarray, tau: float) -> np.ndarray:
    n = len(cost)
    back = np.zeros((n, 2), dtype=np.int8)
    # start in the base state: reaching the burst state at t = 0 also pays tau
    c0, c1 = cost[0, 0], cost[0, 1] + tau
    for t in range(1, n):  # the recursion is sequential; each step is two comparisons
        stay0, from1 = c0, c1
        back[t, 0] = 0 if stay0 <= from1 else 1
        n0 = min(stay0, from1) + cost[t, 0]
        up, stay1 = c0 + tau, c1
        back[t, 1] = 1 if stay1 <= up else 0
        n1 = min(up, stay1) + cost[t, 1]
        c0, c1 = n0, n1
    states = np.zeros(n, dtype=np.int8)
    states[-1] = 0 if c0 <= c1 else 1
    for t in range(n - 1, 0, -1):
        states[t - 1] = back[t, states[t]]
    return states


def kleinberg_online(
    counts: np.ndarray | pd.Series | list,
    *,
    s: float = 2.0,
    gamma: float = 1.0,
    window: int = 168,
    min_history: int = 24,
) -> pd.DataFrame:
    """Kleinberg's two-state automaton run live: the burst state of the latest bin.

    At every bin the Viterbi recursion of :func:`kleinberg` is carried one step; the bin is in
    alarm when the cheapest state sequence *ending at that bin* ends in the burst state, i.e.
    when the forward cost of state 1 is below that of state 0. This is exactly the last state
    of the off-line optimum computed on the prefix, so no future bin is used. The base rate is
    the mean of the ``window`` previous bins (Poisson emission ``lambda - r ln lambda``,
    ``lambda_1 = s lambda_0``), and the transition cost is ``gamma ln(window)``.

    Parameters
    ----------
    counts : array of non-negative numbers
    s, gamma : float
        As in :func:`kleinberg`.
    window : int
        Bins of history in the base rate (168 hourly bins = one week).
    min_history : int
        No alarm before this many bins of history (warm-up).

    Returns
    -------
    pandas.DataFrame
        ``count``, ``baseline`` (base rate), ``statistic`` (forward cost of the base state
        minus that of the burst state: positive in a burst), ``threshold`` (0), ``alarm``.

    Notes
    -----
    During the warm-up the automaton stays in the base state. A base rate of 0 is floored at
    ``1 / window`` so that a first mention after silence can be weighed.

    References
    ----------
    J. Kleinberg, "Bursty and hierarchical structure in streams", KDD 2002.

    Examples
    --------
    >>> kleinberg_online([2] * 24 + [20, 25] + [2] * 4, min_history=12).alarm.tolist()[23:27]
    [False, True, True, False]
    """
    x = _counts(counts)
    if s <= 1 or gamma <= 0:
        raise ValueError("s must be > 1 and gamma > 0")
    mean, std = _trailing(x, window, min_history)
    lam0 = np.maximum(np.nan_to_num(mean, nan=0.0), 1.0 / window)
    # Quasi-Poisson scaling: counts of social streams vary far more than a Poisson law says
    # (daily cycles, cascades). Dividing counts and rate by the window's dispersion
    # phi = var / mean >= 1 gives each bin the weight of phi-fold fewer independent messages.
    phi = np.maximum(np.nan_to_num(std * std / lam0, nan=1.0), 1.0)
    xs, ls = x / phi, lam0 / phi
    e0 = ls - xs * np.log(ls)
    e1 = s * ls - xs * np.log(s * ls)
    warm = np.isnan(mean)
    tau = gamma * np.log(max(window, 2))
    stat = np.full(len(x), np.nan)
    c0, c1 = 0.0, np.inf
    for t in range(len(x)):
        if warm[t]:
            c0, c1 = 0.0, np.inf  # the automaton starts in the base state after the warm-up
            continue
        c0, c1 = min(c0, c1) + e0[t], min(c0 + tau, c1) + e1[t]
        stat[t] = c0 - c1
        low = min(c0, c1)  # only differences matter: keep the costs small
        c0, c1 = c0 - low, c1 - low
    alarm = np.nan_to_num(stat, nan=-1.0) > 0
    return _frame(x, np.where(warm, np.nan, lam0), stat, 0.0, alarm)


def ewma_chart(
    counts: np.ndarray | pd.Series | list,
    *,
    lam: float = 0.3,
    L: float = 3.0,
    window: int = 168,
    min_history: int = 24,
) -> pd.DataFrame:
    """Roberts' exponentially weighted moving average control chart on counts.

    .. math:: z_t = \\lambda x_t + (1 - \\lambda) z_{t-1}, \\quad
              \\text{alarm when } z_t > \\mu_t + L \\sigma_t \\sqrt{\\lambda / (2 - \\lambda)}

    with :math:`\\mu_t` and :math:`\\sigma_t` the mean and standard deviation of the
    ``window`` previous bins (σ floored at ``sqrt(μ)`` and at 1, see Notes) and ``z`` started
    at the first baseline. The asymptotic limit is used (the chart runs for long).

    Parameters
    ----------
    counts : array of non-negative numbers
    lam : float
        Smoothing weight in (0, 1]; small values detect small sustained shifts, 1 is a
        Shewhart chart. 0.3 reacts within a few bins to a crisis.
    L : float
        Width of the control limit in standard deviations.
    window, min_history : int
        Trailing baseline length and warm-up, in bins.

    Returns
    -------
    pandas.DataFrame
        ``count``, ``baseline`` (μ), ``statistic`` (z), ``threshold`` (upper limit), ``alarm``.

    Notes
    -----
    The baseline window excludes the current bin, so the chart is causal. σ is the larger of
    the window's standard deviation, the Poisson value ``sqrt(μ)`` and 1: a silent stream
    otherwise has σ = 0 and any single mention would alarm.

    References
    ----------
    S. W. Roberts, "Control chart tests based on geometric moving averages",
    Technometrics 1(3), 1959.

    Examples
    --------
    >>> ewma_chart([5] * 24 + [30, 40], min_history=12).alarm.tolist()[-3:]
    [False, True, True]
    """
    x = _counts(counts)
    if not 0 < lam <= 1:
        raise ValueError("lam must be in (0, 1]")
    mean, std = _trailing(x, window, min_history)
    sigma = _noise(mean, std)
    z = np.full(len(x), np.nan)
    start = np.flatnonzero(~np.isnan(mean))
    if len(start):
        i = start[0]
        # z_{i-1} = μ_i, then the recursion; pandas' ewm is the same recursion, compiled
        seq = np.concatenate(([mean[i]], x[i:]))
        z[i:] = pd.Series(seq).ewm(alpha=lam, adjust=False).mean().to_numpy()[1:]
    limit = mean + L * sigma * np.sqrt(lam / (2 - lam))
    alarm = np.nan_to_num(z - limit, nan=-1.0) > 0
    return _frame(x, mean, z, limit, alarm)


def cusum_chart(
    counts: np.ndarray | pd.Series | list,
    *,
    k: float = 0.5,
    h: float = 5.0,
    window: int = 168,
    min_history: int = 24,
) -> pd.DataFrame:
    """Page's one-sided cumulative sum chart on standardised counts.

    .. math:: S_t = \\max(0, S_{t-1} + (x_t - \\mu_t) / \\sigma_t - k), \\quad
              \\text{alarm when } S_t > h

    with :math:`\\mu_t`, :math:`\\sigma_t` from the ``window`` previous bins as in
    :func:`ewma_chart`. Computed without a loop: with :math:`C_t` the cumulative sum of the
    increments, :math:`S_t = C_t - \\min(0, \\min_{u \\le t} C_u)` (Lindley's recursion).

    Parameters
    ----------
    counts : array of non-negative numbers
    k : float
        Allowance, in standard deviations: half the shift one wants to detect.
    h : float
        Decision interval, in standard deviations.
    window, min_history : int
        Trailing baseline length and warm-up, in bins.

    Returns
    -------
    pandas.DataFrame
        ``count``, ``baseline`` (μ), ``statistic`` (S), ``threshold`` (h), ``alarm``.

    Notes
    -----
    S is not reset after an alarm: consecutive alarmed bins form one episode
    (:func:`alarm_episodes`), and S falls back to 0 by itself once counts return to normal.

    References
    ----------
    E. S. Page, "Continuous inspection schemes", Biometrika 41(1/2), 1954.

    Examples
    --------
    >>> cusum_chart([5] * 24 + [30, 40], min_history=12).alarm.tolist()[-3:]
    [False, True, True]
    """
    x = _counts(counts)
    mean, std = _trailing(x, window, min_history)
    sigma = _noise(mean, std)
    y = np.where(np.isnan(mean), 0.0, (x - np.nan_to_num(mean)) / sigma - k)
    c = np.cumsum(y)
    stat = c - np.minimum(np.minimum.accumulate(c), 0.0)
    stat[np.isnan(mean)] = np.nan
    alarm = np.nan_to_num(stat, nan=-1.0) > h
    return _frame(x, mean, stat, h, alarm)


def ratio_rule(
    counts: np.ndarray | pd.Series | list,
    *,
    ratio: float = 3.0,
    window: int = 12,
    min_history: int = 12,
) -> pd.DataFrame:
    """The spike rule of social-listening tools: this bin against the previous ``window`` bins.

    .. math:: \\text{alarm when } x_t > \\text{ratio} \\times \\max(\\bar x_{t-w..t-1}, 1)

    With hourly bins and ``window = 12``: the last hour has more than three times the hourly
    average of the twelve hours before it.

    Parameters
    ----------
    counts : array of non-negative numbers
    ratio : float
        Multiple of the baseline that triggers (> 1).
    window, min_history : int
        Baseline length and warm-up, in bins.

    Returns
    -------
    pandas.DataFrame
        ``count``, ``baseline`` (mean of the window), ``statistic`` (count / baseline),
        ``threshold`` (ratio), ``alarm``.

    Notes
    -----
    The baseline is floored at 1 count per bin so that two mentions after a silent night are
    not a 200-fold rise; pair it with a minimum count (``min_count`` of
    :func:`alarm_episodes`).

    Examples
    --------
    >>> ratio_rule([4] * 12 + [20]).alarm.tolist()[-1]
    True
    """
    x = _counts(counts)
    mean, _ = _trailing(x, window, min_history)
    base = np.maximum(mean, 1.0)
    stat = x / base
    alarm = np.nan_to_num(stat, nan=-1.0) > ratio
    return _frame(x, mean, stat, ratio, alarm)


#: name -> on-line detector; each takes the counts and keyword options, returns the bin table.
DETECTORS: dict[str, Callable[..., pd.DataFrame]] = {
    "kleinberg": kleinberg_online,
    "ewma": ewma_chart,
    "cusum": cusum_chart,
    "ratio": ratio_rule,
}


def alarm_episodes(
    bins: pd.DataFrame, *, min_count: float = 0.0, cooldown: int = 3
) -> pd.DataFrame:
    """Group alarmed bins into episodes; one alarm per episode, at its first loud bin.

    Bins the detector flags, separated by at most ``cooldown`` unflagged bins, form one
    episode, so a crisis that flickers is one alarm. The alarm is raised at the first bin of
    the episode whose count is at least ``min_count`` (a crisis needs some volume); an episode
    without such a bin raises nothing. The episode goes on, quiet hours included, as long as
    the detector keeps flagging.

    Parameters
    ----------
    bins : pandas.DataFrame
        A detector's output (``count``, ``baseline``, ``statistic``, ``threshold``, ``alarm``).
    min_count : float
        Smallest count of the bin that raises the alarm.
    cooldown : int
        Largest gap, in bins, inside one episode.

    Returns
    -------
    pandas.DataFrame
        One row per alarm: ``first`` (positional index of the alarm bin) and ``last`` (last
        flagged bin of the episode), ``count``, ``baseline``, ``statistic``, ``threshold`` (of
        the alarm bin), ``peak`` (largest count from the alarm to the end), ``bins`` (flagged
        bins from the alarm to the end).
    """
    flag = bins["alarm"].to_numpy(bool)
    counts = bins["count"].to_numpy(float)
    idx = np.flatnonzero(flag)
    rows = []
    if len(idx):
        new = np.concatenate(([True], np.diff(idx) > cooldown + 1))
        for run in np.split(idx, np.flatnonzero(new)[1:]):
            loud = run[counts[run] >= min_count]
            if len(loud) == 0:
                continue
            first, last = int(loud[0]), int(run[-1])
            kept = run[run >= first]
            r = bins.iloc[first]
            rows.append(
                {
                    "first": first,
                    "last": last,
                    "count": r["count"],
                    "baseline": r["baseline"],
                    "statistic": r["statistic"],
                    "threshold": r["threshold"],
                    "peak": counts[first : last + 1].max(),
                    "bins": len(kept),
                }
            )
    cols = ["first", "last", "count", "baseline", "statistic", "threshold", "peak", "bins"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols}).astype(
            {"first": int, "last": int, "bins": int}
        )
    return pd.DataFrame(rows, columns=cols)
