"""Brand posture and audience segments on small hand-made communities and on the demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from liens.analysis import AnalysisParams
from liens.analysis.posture import brand_posture
from liens.analysis.segments import audience_segments
from liens.analysis.share_of_voice import share_of_voice
from liens.api import Workspace
from liens.errors import LiensError

# A brand that answers one fan of two, a silent "Chanel" that follows and answers nobody.
ROWS = """event_id,platform,kind,actor,target,created_at,post_id,parent_post_id,text
e1,x,post,brand,,2024-01-01T10:00:00,p1,,
e2,x,reply,fan1,brand,2024-01-01T10:30:00,p2,p1,
e3,x,reply,brand,fan1,2024-01-01T12:30:00,p3,p2,
e4,x,reply,fan2,brand,2024-01-01T11:00:00,p4,p1,
e5,x,follow,fan1,brand,2024-01-01T09:00:00,,,
e6,x,follow,brand,fan1,2024-01-02T09:00:00,,,
e7,x,follow,fan2,brand,2024-01-01T09:00:00,,,
e8,x,post,chanel,,2024-01-01T10:00:00,c1,,
e9,x,reply,fan1,chanel,2024-01-01T10:10:00,c2,c1,
e10,x,follow,fan1,chanel,2024-01-01T09:00:00,,,
e11,x,post,fan2,,2024-01-03T09:00:00,p5,,great day thanks @brand
e12,x,reaction,brand,fan2,2024-01-03T10:00:00,p5,,
e13,x,reaction,lurker,brand,2024-01-03T10:00:00,p1,,
"""


@pytest.fixture()
def ws(tmp_path: Path):
    f = tmp_path / "events.csv"
    f.write_text(ROWS)
    w = Workspace(tmp_path / "ws.duckdb")
    w.import_file(f)
    yield w
    w.close()


def test_reply_rate_response_time_and_follow_back(ws):
    assert ws.set_owned(["brand", "chanel"]) == 2
    p = brand_posture(ws.con).set_index("account")
    b = p.loc["brand"]
    assert (b["incoming"], b["answered"], b["reply_rate"]) == (2, 1, 0.5)
    assert b["median_response_hours"] == pytest.approx(2.0)
    assert (b["fans_writing"], b["fans_answered"], b["top_fans_answered"]) == (2, 1, "fan1")
    assert (b["followers"], b["follows_back"], b["follow_back_rate"]) == (2, 1, 0.5)
    assert b["conversationality"] == pytest.approx((0.5 + 0.5) / 2)
    assert (b["ugc"], b["ugc_acknowledged"]) == (1, 1)


def test_a_brand_that_follows_and_answers_nobody_scores_zero(ws):
    ws.set_owned(["chanel"])
    c = brand_posture(ws.con).set_index("account").loc["chanel"]
    assert (c["reply_rate"], c["follow_back_rate"], c["conversationality"]) == (0, 0, 0)


def test_owned_marks_and_unmarks(ws):
    assert ws.set_owned(["brand"]) == 1
    assert ws.set_owned(["brand"], owned=False) == 1
    assert brand_posture(ws.con)["basis"].eq("activity").all()  # none owned: labelled
    with pytest.raises(LiensError, match="no account"):
        ws.set_owned(["nobody-here"])


def test_share_of_voice_sums_to_one_per_period(ws):
    ws.set_owned(["brand", "chanel"])
    s = share_of_voice(ws.con, period="month")
    assert s.groupby("period")["share_of_voice"].sum().tolist() == [pytest.approx(1.0)]
    v = s.set_index("account")["voice"]
    # brand: 2 replies + 1 reaction + 1 mention in a post; chanel: 1 reply
    assert (v["brand"], v["chanel"]) == (4, 1)


def test_segments_partition_the_known_accounts(ws):
    seg = audience_segments(ws.con, period="month").iloc[0]
    assert seg["known"] == 5
    assert seg[["participants", "spectators", "dormant", "unreached"]].sum() == 5
    assert (seg["participants"], seg["spectators"]) == (4, 1)  # the lurker only reacted


def test_segments_on_the_demo_match_direct_counts(tmp_path):
    from liens.sources.stackexchange import DEMO_DIR

    with Workspace(tmp_path / "demo.duckdb") as w:
        w.import_file(DEMO_DIR)
        seg = audience_segments(w.con, AnalysisParams(), period="year").set_index("period")
        part = w.con.execute(
            "SELECT count(DISTINCT actor) FROM events WHERE year(created_at) = 2016 "
            "AND kind NOT IN ('reaction', 'vote', 'follow', 'accept', 'rating')"
        ).fetchone()[0]
        known = w.con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    assert seg.filter(like="2016", axis=0)["participants"].item() == part
    last = seg.iloc[-1]
    assert last["known"] == known
    assert last[["participants", "spectators", "dormant", "unreached"]].sum() == known
