"""Best time to publish and posting regularity."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from liens.analysis.timing import audience_activity, posting_regularity, slot_engagement

DEMO = Path(__file__).resolve().parents[1] / "liens" / "demo" / "beer_stackexchange"


def test_slot_lift_and_not_enough_history():
    t = pd.Timestamp("2024-01-01 10:00")  # a Monday
    posts = pd.DataFrame(
        {
            "local_time": [t] * 12
            + [t + pd.Timedelta(days=1)] * 12
            + [t + pd.Timedelta(days=2)] * 3,
            "engagement": [4.0] * 12 + [2.0] * 12 + [100.0] * 3,
        }
    )
    s = slot_engagement(posts, min_posts=10, n_boot=200).set_index("day")
    # Median of the slot means with enough history: (4 + 2) / 2 = 3.
    assert s.loc["Mon", "lift"] == pytest.approx(4 / 3 - 1)
    assert s.loc["Tue", "lift"] == pytest.approx(2 / 3 - 1)
    assert not s.loc["Wed", "enough_history"] and np.isnan(s.loc["Wed", "lift"])
    assert not s.loc["Wed", "recommended"]  # three lucky posts are not a recommendation
    assert s.loc["Mon", "recommended"]  # constant engagement: the interval is the point


def test_activity_counts_timed_events_by_local_hour(demo_workspace):
    """Answers and comments from the dump files, by weekday and hour in Paris time."""
    con = duckdb.connect(str(demo_workspace), read_only=True)
    try:
        act = audience_activity(con, tz="Europe/Paris")
    finally:
        con.close()
    posts = pd.read_parquet(DEMO / "posts.parquet")
    comments = pd.read_parquet(DEMO / "comments.parquet")
    # Post creation, answers and comments carry exact times; votes are dated to the day.
    t = pd.to_datetime(pd.concat([posts["CreationDate"], comments["CreationDate"]]))
    local = t.dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    ref = local.groupby([local.dt.day_of_week, local.dt.hour]).size()
    got = act.set_index(["weekday", "hour"])["events"]
    assert len(act) == 168
    # Every timed event of the workspace is in the table; the dump's own times give the
    # same weekday-hour profile (edits and post links add events of their own).
    assert (got.loc[ref.index] >= ref).all()
    assert np.corrcoef(got.loc[ref.index], ref)[0, 1] > 0.9


def test_regularity_of_one_account(demo_workspace):
    con = duckdb.connect(str(demo_workspace), read_only=True)
    try:
        top = posting_regularity(con, top=3)
        who = top.iloc[0]["account"]
        pubs = con.execute(
            """SELECT created_at FROM events WHERE actor = ?
            AND kind IN ('post', 'reply', 'comment', 'quote', 'share') ORDER BY 1""",
            [who],
        ).df()["created_at"]
    finally:
        con.close()
    row = top.iloc[0]
    days = (pubs.max().normalize() - pubs.min().normalize()).days + 1
    assert len(top) == 3 and row["publications"] == len(pubs)
    assert row["posts_per_day"] == pytest.approx(len(pubs) / days)
    assert row["active_day_share"] == pytest.approx(pubs.dt.normalize().nunique() / days)
    gaps = pubs.diff().dt.total_seconds().dropna() / 3600
    assert row["gap_median_hours"] == pytest.approx(gaps.median())
