"""Per-publication engagement on the bundled demo, checked against the raw Stack Exchange files."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from liens.analysis import AnalysisParams
from liens.analysis.campaigns import Campaign, campaign_results, load_campaigns, roi
from liens.analysis.engagement import (
    NEGATIVE_TONE_BELOW,
    account_roe,
    engagement_weights,
    post_engagement,
)

DEMO = Path(__file__).resolve().parents[1] / "liens" / "demo" / "beer_stackexchange"
SITE = "beer.stackexchange.com"


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return {f: pd.read_parquet(DEMO / f"{f}.parquet") for f in ("posts", "comments", "votes")}


@pytest.fixture(scope="module")
def pe(demo_workspace: Path) -> pd.DataFrame:
    con = duckdb.connect(str(demo_workspace), read_only=True)
    try:
        return post_engagement(con).set_index("post_id")
    finally:
        con.close()


def _reference(raw: dict[str, pd.DataFrame], pid: str) -> dict[str, int]:
    """Counts from the dump files themselves, not from the workspace."""
    posts, comments, votes = raw["posts"], raw["comments"], raw["votes"]
    author = posts.loc[posts["Id"] == pid, "OwnerUserId"].iloc[0]
    answers = posts[(posts["ParentId"] == pid) & (posts["OwnerUserId"] != author)]
    comm = comments[(comments["PostId"] == pid) & (comments["UserId"] != author)]
    v = votes[votes["PostId"] == pid]
    return {
        "replies": len(answers),
        "comments": len(comm),
        "votes_up": int((v["VoteTypeId"] == "2").sum()),
        "votes_down": int((v["VoteTypeId"] == "3").sum()),
        "reactions": int((v["VoteTypeId"] == "5").sum()),
    }


@pytest.mark.parametrize("pid", ["22", "518", "976", "1"])
def test_counts_by_kind_match_the_dump_files(raw, pe, pid):
    row = pe.loc[f"{SITE}/p/{pid}"]
    for col, n in _reference(raw, pid).items():
        assert row[col] == n, col


def _hostile(demo_workspace: Path, raw: dict[str, pd.DataFrame], pid: str) -> int:
    """Answers and comments (not by the author) whose stored tone is below the threshold."""
    posts, comments = raw["posts"], raw["comments"]
    author = posts.loc[posts["Id"] == pid, "OwnerUserId"].iloc[0]
    ids = [
        f"stackexchange:{SITE}/p/{i}"
        for i in posts.loc[(posts["ParentId"] == pid) & (posts["OwnerUserId"] != author), "Id"]
    ]
    ids += [
        f"stackexchange:{SITE}/c/{i}"
        for i in comments.loc[(comments["PostId"] == pid) & (comments["UserId"] != author), "Id"]
    ]
    con = duckdb.connect(str(demo_workspace), read_only=True)
    try:
        return con.execute(
            "SELECT count(*) FROM event_tone WHERE event_id IN (SELECT unnest($ids)) "
            "AND tone_score < $neg",
            {"ids": ids, "neg": NEGATIVE_TONE_BELOW},
        ).fetchone()[0]
    finally:
        con.close()


def test_weighted_engagement_follows_the_documented_weights(raw, pe, demo_workspace):
    ref = _reference(raw, "22")
    accepts = pe.loc[f"{SITE}/p/22", "accepts"]
    # The demo is analysed with tone: a hostile answer or comment weighs -1 instead of 3.
    hostile = _hostile(demo_workspace, raw, "22")
    assert pe.loc[f"{SITE}/p/22", "hostile_replies"] == hostile
    expected = (
        3 * (ref["replies"] + ref["comments"] - hostile)
        - hostile
        + ref["votes_up"]
        - ref["votes_down"]
        + ref["reactions"]
        + 2 * accepts
    )
    assert pe.loc[f"{SITE}/p/22", "engagement"] == expected


def test_early_counts_use_timed_interactions_only(raw, pe):
    """n_1h counts answers and comments within one hour; votes (day precision) never count."""
    posts, comments = raw["posts"], raw["comments"]
    p = posts[posts["Id"] == "22"].iloc[0]
    t0 = pd.Timestamp(p["CreationDate"])
    author = p["OwnerUserId"]
    times = pd.concat(
        [
            posts.loc[
                (posts["ParentId"] == "22") & (posts["OwnerUserId"] != author), "CreationDate"
            ],
            comments.loc[
                (comments["PostId"] == "22") & (comments["UserId"] != author), "CreationDate"
            ],
        ]
    ).map(pd.Timestamp)
    delays = (times - t0).dt.total_seconds() / 3600
    row = pe.loc[f"{SITE}/p/22"]
    assert row["n_1h"] == int((delays <= 1).sum())
    assert row["n_24h"] == int((delays <= 24).sum())
    assert row["hours_to_first"] == pytest.approx(delays.min())


def test_engagement_rate_is_nan_with_a_reason_when_followers_are_unknown(pe):
    assert pe["engagement_rate"].isna().all()
    assert (pe["rate_note"] == "followers of the author unknown").all()


def test_hostile_replies_count_against_the_post(demo_workspace, tmp_path, pe):
    """With a tone table, a negative reply takes the hostile weight (-1) instead of +3."""
    path = tmp_path / "tone.duckdb"
    shutil.copy(demo_workspace, path)
    con = duckdb.connect(str(path))
    try:
        # Start from no tone at all (the demo's own scores live in event_tone).
        con.execute("DROP TABLE IF EXISTS event_tone")
        before = post_engagement(con).set_index("post_id").loc[f"{SITE}/p/22"]
        con.execute(
            f"""CREATE TABLE tone AS SELECT event_id, -0.9 AS score FROM events
            WHERE kind = 'comment' AND parent_post_id = '{SITE}/p/22'"""
        )
        hostile = con.execute("SELECT count(*) FROM tone").fetchone()[0]
        toned = post_engagement(con).set_index("post_id").loc[f"{SITE}/p/22"]
    finally:
        con.close()
    # The author's own comments are in the tone table but are not interactions.
    assert toned["hostile_replies"] == before["comments"]
    assert hostile >= toned["hostile_replies"] > 0
    assert toned["engagement"] == before["engagement"] - 4 * toned["hostile_replies"]


def test_weights_are_configurable_and_hostile_must_not_be_positive():
    w = engagement_weights(AnalysisParams(options={"engagement_weights": {"reaction": 0.5}}))
    assert w["reaction"] == 0.5 and w["reply"] == 3.0
    with pytest.raises(ValueError, match="hostile"):
        engagement_weights(AnalysisParams(options={"engagement_weights": {"hostile": 1}}))


def test_account_roe_is_interactions_per_publication():
    pe = pd.DataFrame(
        {
            "platform": ["x"] * 3,
            "post_id": ["a", "b", "c"],
            "author": ["u", "u", "v"],
            "interactions": [4, 0, 7],
            "engagement": [10.0, 0.0, 3.0],
        }
    )
    roe = account_roe(pe).set_index("account")
    assert roe.loc["u", "roe"] == 2.0 and roe.loc["v", "roe"] == 7.0
    assert roe.loc["u", "weighted_roe"] == 5.0


def test_roi_of_the_seed_example_is_one():
    """5,000 invested, 10,000 earned: ROI = (10,000 - 5,000) / 5,000 = 1 (100 %)."""
    assert roi(5000, 10000) == 1.0
    assert math.isnan(roi(0, 100))


def test_campaign_from_toml_selects_posts_by_hashtag_variant_and_dates(
    demo_workspace, tmp_path, raw
):
    f = tmp_path / "c.toml"
    f.write_text(
        '[[campaign]]\nname = "history"\nhashtags = ["#History"]\nstart = "2014-01-01"\n'
        'end = "2015-01-01"\ninvestment = 5000\nrevenue = 10000\ncurrency = "EUR"\n'
    )
    campaigns = load_campaigns(f)
    assert campaigns == [
        Campaign("history", ["#History"], [], "2014-01-01", "2015-01-01", 5000, 10000, "EUR")
    ]
    con = duckdb.connect(str(demo_workspace), read_only=True)
    try:
        res = campaign_results(con, campaigns).iloc[0]
    finally:
        con.close()
    posts = raw["posts"]
    when = posts["CreationDate"].map(pd.Timestamp)
    sel = posts[
        posts["Tags"].fillna("").str.contains("<history>", regex=False)
        & (when >= "2014-01-01")
        & (when < "2015-01-01")
    ]
    assert res["publications"] == len(sel)
    assert res["roi"] == 1.0
    assert res["roe"] == pytest.approx(res["interactions"] / len(sel))
