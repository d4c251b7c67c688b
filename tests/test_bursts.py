"""Burst detectors: Kleinberg's automaton against brute force, the charts against plain loops,
causality, and the Higgs announcement of 4 July 2012 on real hourly counts."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liens.analysis.bursts import (
    DETECTORS,
    alarm_episodes,
    cusum_chart,
    ewma_chart,
    kleinberg,
    ratio_rule,
)

FIXTURES = Path(__file__).parent / "fixtures" / "crisis"
HIGGS = pd.read_csv(FIXTURES / "higgs_hourly.csv", parse_dates=["hour"])


def _brute_force(r, d=None, s=2.0, gamma=1.0):
    """Cheapest state sequence by enumerating all 2^n of them (the paper's cost, written anew)."""
    n = len(r)
    if d is None:
        lam = [np.mean(r), s * np.mean(r)]
        emit = [[lam[q] - x * math.log(lam[q]) for q in (0, 1)] for x in r]
    else:
        p0 = sum(r) / sum(d)
        p = [p0, min(s * p0, 1 - 1e-9)]
        emit = [
            [-(x * math.log(p[q]) + (y - x) * math.log(1 - p[q])) for q in (0, 1)]
            for x, y in zip(r, d, strict=True)
        ]
    best, best_q = math.inf, None
    for q in itertools.product((0, 1), repeat=n):
        cost, prev = 0.0, 0
        for t in range(n):
            cost += emit[t][q[t]] + (gamma * math.log(n) if q[t] > prev else 0.0)
            prev = q[t]
        if cost < best - 1e-12:
            best, best_q = cost, q
    return list(best_q)


@pytest.mark.parametrize("seed", range(6))
def test_kleinberg_viterbi_finds_the_cheapest_state_sequence(seed):
    rng = np.random.default_rng(seed)
    rate = np.where(np.arange(12) % 7 < 3, 2.0, 9.0)
    r = rng.poisson(rate)
    assert kleinberg(r).tolist() == _brute_force(r)
    d = r + rng.integers(5, 30, size=12)
    assert kleinberg(r, d).tolist() == _brute_force(r, d)


def test_kleinberg_higher_gamma_gives_fewer_burst_entries():
    x = HIGGS["events"].to_numpy()
    entries = [int(np.sum(np.diff(kleinberg(x, gamma=g)) == 1)) for g in (0.5, 1, 4, 16)]
    assert entries == sorted(entries, reverse=True) and entries[0] > entries[-1]


def test_kleinberg_offline_puts_the_higgs_peak_hour_in_a_burst():
    states = kleinberg(HIGGS["events"].to_numpy())
    peak = HIGGS["hour"] == pd.Timestamp("2012-07-04 06:00")
    assert states[peak.to_numpy()][0] == 1
    assert states[:24].sum() == 0  # 1 July, before the rumour grew


def test_cusum_equals_pages_recursion_written_as_a_loop():
    x = HIGGS["events"].to_numpy(float)
    out = cusum_chart(x, k=0.5, h=5, window=48, min_history=24)
    s, expected = 0.0, []
    for t in range(len(x)):
        past = x[max(0, t - 48) : t]
        if len(past) < 24:
            expected.append(np.nan)
            continue
        sigma = max(past.std(), math.sqrt(past.mean()), 1.0)
        s = max(0.0, s + (x[t] - past.mean()) / sigma - 0.5)
        expected.append(s)
    np.testing.assert_allclose(out["statistic"], expected, rtol=1e-9)


def test_ewma_equals_roberts_recursion_written_as_a_loop():
    x = HIGGS["events"].to_numpy(float)
    out = ewma_chart(x, lam=0.3, window=48, min_history=24)
    z, expected = None, []
    for t in range(len(x)):
        past = x[max(0, t - 48) : t]
        if len(past) < 24:
            expected.append(np.nan)
            continue
        z = past.mean() if z is None else z
        z = 0.3 * x[t] + 0.7 * z
        expected.append(z)
    np.testing.assert_allclose(out["statistic"], expected, rtol=1e-9)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_detectors_do_not_look_ahead(name):
    x = HIGGS["events"].to_numpy(float)
    full = DETECTORS[name](x)
    for cut in (30, 77, 100):
        prefix = DETECTORS[name](x[:cut])
        assert prefix["alarm"].tolist() == full["alarm"].iloc[:cut].tolist()


@pytest.mark.parametrize("name", ["ewma", "ratio", "kleinberg", "cusum"])
def test_every_detector_is_in_alarm_before_the_higgs_peak_hour_ends(name):
    out = DETECTORS[name](HIGGS["events"].to_numpy(float))
    in_alarm = HIGGS["hour"][out["alarm"]]
    assert (in_alarm == pd.Timestamp("2012-07-04 06:00")).any()


def test_ewma_and_ratio_raise_a_new_alarm_for_the_announcement_itself():
    for name in ("ewma", "ratio"):
        ep = alarm_episodes(DETECTORS[name](HIGGS["events"].to_numpy(float)), min_count=10)
        starts = set(HIGGS["hour"].iloc[ep["first"]])
        assert pd.Timestamp("2012-07-04 04:00") in starts, name


def test_ratio_rule_reads_the_last_hour_against_twelve():
    out = ratio_rule([10] * 12 + [31, 29])
    assert out["alarm"].tolist()[-2:] == [True, False]
    assert out["baseline"].iloc[12] == 10


def test_episodes_merge_flicker_and_wait_for_volume():
    bins = pd.DataFrame(
        {
            "count": [0, 9, 2, 9, 0, 0, 0, 0, 0, 7],
            "baseline": 1.0,
            "statistic": 0.0,
            "threshold": 0.0,
            "alarm": [False, True, False, True, False, False, False, False, False, True],
        }
    )
    ep = alarm_episodes(bins, min_count=5, cooldown=3)
    assert ep["first"].tolist() == [1, 9] and ep["last"].tolist() == [3, 9]
    assert ep["peak"].tolist() == [9, 7]
    assert alarm_episodes(bins, min_count=10).empty


def test_bad_counts_are_refused():
    with pytest.raises(ValueError):
        ewma_chart([1, -2, 3])
    with pytest.raises(ValueError):
        kleinberg([1, 2], s=1.0)
