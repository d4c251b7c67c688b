"""The Szabo-Huberman forecast and the velocity curves."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from liens.analysis.forecast import (
    LogLinearForecaster,
    counts_at,
    fit_forecasts,
    post_status,
    velocity_curves,
)

SITE = "beer.stackexchange.com"


def test_beta_is_the_mean_log_growth_and_the_point_its_median():
    early, final = [1, 3, 0, 10], [4, 9, 1, 40]
    m = LogLinearForecaster().fit(early, final)
    growth = [math.log((1 + f) / (1 + e)) for e, f in zip(early, final, strict=True)]
    assert m.beta_ == pytest.approx(sum(growth) / 4)
    # Four cascades make one bin: the point is the median log growth, (ln 2.5 + ln 2.5) / 2.
    median = sorted(growth)[1:3]
    assert m.predict(3)[()] == pytest.approx(4 * math.exp(sum(median) / 2) - 1)


def _two_sizes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Small cascades (N(h) 1-3) grow with log-sd 1.0, large ones (200-400) with log-sd 0.1.

    Finals are left continuous: rounding would tie many small finals to an interval bound.
    """
    rng = np.random.default_rng(seed)
    small = rng.integers(1, 4, n)
    large = rng.integers(200, 401, n)
    early = np.concatenate([small, large])
    sd = np.concatenate([np.full(n, 1.0), np.full(n, 0.1)])
    growth = np.abs(rng.normal(0.5, sd))
    return early, (1 + early) * np.exp(growth) - 1


def test_interval_width_follows_the_size_of_the_early_count():
    """A pooled interval over-covers the steady large cascades and under-covers the small."""
    early, final = _two_sizes(3000, 1)
    test_e, test_f = _two_sizes(3000, 2)
    small = test_e < 10
    binned = LogLinearForecaster(0.8).fit(early, final)
    pooled = LogLinearForecaster(0.8, bin_edges=None).fit(early, final)
    for m, ok in ((binned, True), (pooled, False)):
        lo, hi = m.predict_interval(test_e)
        inside = (test_f >= lo) & (test_f <= hi)
        near = [abs(inside[small].mean() - 0.8) < 0.03, abs(inside[~small].mean() - 0.8) < 0.03]
        assert all(near) is ok
    table = binned.bins()
    # Bins 0-1, 2-3, 4-315 (the empty 4-99 merged with 100-315) and 316 and more.
    assert table["n_low"].tolist() == [0, 2, 4, 316]
    assert table["posts"].sum() == 6000
    width = table["resid_high"] - table["resid_low"]
    assert width[0] > 5 * width[3]


def test_small_bins_are_merged_until_each_holds_min_bin():
    early = np.array([0] * 60 + [1] * 10 + [2] * 50 + [500] * 20)
    m = LogLinearForecaster(min_bin=50).fit(early, early + 1)
    # 0: 60 alone; 1 (10) joins 2-3 (50); 500 (20) is too few and joins the bin below.
    assert m.bins()["posts"].tolist() == [60, 80]
    assert m.bins()["n_low"].tolist() == [0.0, 1.0]


def test_interval_covers_held_out_lognormal_growth_at_its_level():
    """Growth ln-normal with sd 0.5: an 80% interval fitted on 4,000 cascades holds ~80%."""
    rng = np.random.default_rng(0)
    early = rng.integers(1, 50, 8000)
    final = np.round((1 + early) * np.exp(rng.normal(1.0, 0.5, 8000)) - 1)
    final = np.maximum(final, early)
    m = LogLinearForecaster(0.8).fit(early[:4000], final[:4000])
    lo, hi = m.predict_interval(early[4000:])
    cover = np.mean((final[4000:] >= lo) & (final[4000:] <= hi))
    assert 0.77 < cover < 0.83


def test_fit_refuses_finals_below_early_counts():
    with pytest.raises(ValueError, match="swapped"):
        LogLinearForecaster().fit([5], [2])


@pytest.fixture(scope="module")
def counts(demo_workspace: Path) -> pd.DataFrame:
    con = duckdb.connect(str(demo_workspace), read_only=True)
    try:
        return counts_at(con, hours=[1, 24, 168])
    finally:
        con.close()


def test_counts_at_are_cumulative_and_cover_questions_only(counts):
    assert (counts["n_1"] <= counts["n_24"]).all() and (counts["n_24"] <= counts["n_168"]).all()
    # Non-answers of the demo (questions, tag wikis): 1,194 rows of kind post.
    assert len(counts) == 1194


def test_velocity_curve_reaches_the_whole_final_at_the_reference(counts):
    curve = velocity_curves(counts, [1, 24, 168], 168).set_index("hours")
    assert curve.loc[168.0, "share_of_final"] == 1.0
    assert curve.loc[168.0, "share_started"] == 1.0
    done = counts[(counts["age_h"] >= 168) & (counts["n_168"] > 0)]
    assert curve.loc[1.0, "share_started"] == pytest.approx((done["n_1"] > 0).mean())


def test_post_status_against_history(demo_workspace):
    """Two hours after p/5034: compared with every question whose first week was over."""
    con = duckdb.connect(str(demo_workspace), read_only=True)
    try:
        first_day = post_status(con, f"{SITE}/p/22", now="2014-01-21 22:00")
        st = post_status(con, f"{SITE}/p/5034", now="2016-05-26 15:39:10")
        with pytest.raises(KeyError):
            post_status(con, "nope")
    finally:
        con.close()
    assert first_day["verdict"] == "no history"  # the site's first day: nothing to compare
    posts = pd.read_parquet(
        Path(__file__).resolve().parents[1] / "liens/demo/beer_stackexchange/posts.parquet"
    )
    # Every non-answer is a "post" in the canonical model (questions, tag wikis, excerpts).
    q = posts[posts["PostTypeId"] != "2"]
    done = q["CreationDate"].map(pd.Timestamp) + pd.Timedelta(days=7) <= "2016-05-26 15:39:10"
    assert st["history"] == int(done.sum())
    assert st["age_hours"] == pytest.approx(2.0, abs=0.01)
    expected = (
        "behind" if st["percentile"] < 0.25 else "ahead" if st["percentile"] > 0.75 else "on track"
    )
    assert st["verdict"] == expected
    assert st["forecast_low"] <= st["forecast_final"] <= st["forecast_high"]
    assert st["forecast_low"] >= st["observed"]


def test_bin_table_partitions_the_posts_fitted_at_each_horizon(counts):
    table, bins, models = fit_forecasts(counts, [1, 24], 168)
    for h, g in bins.groupby("early_hours"):
        assert g["posts"].sum() == table.set_index("early_hours").loc[h, "posts"]
        assert (g["n_low"].to_numpy()[1:] == g["n_high"].to_numpy()[:-1] + 1).all()
        # The forecast of a post at a bin's lower edge uses that bin's median shift.
        row = g.iloc[-1]
        expected = math.exp(row["shift"]) * (1 + row["n_low"]) - 1
        assert models[h].predict(row["n_low"])[()] == pytest.approx(expected)
