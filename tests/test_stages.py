"""Stages of presence, 90-9-1 inequality and transitions on the bundled Stack Exchange community."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from liens.analysis import AnalysisParams
from liens.analysis.stages import (
    DEFAULT_STAGE_RULES,
    classify_stages,
    contribution_inequality,
    gini,
    member_plan,
    member_stages,
    stage_distribution,
    stage_transitions,
)
from liens.errors import LiensError


@pytest.fixture(scope="module")
def con(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The demo imported (no analysis run: the functions under test read canonical tables)."""
    from liens.api import Workspace
    from liens.sources.stackexchange import DEMO_DIR

    ws = Workspace(tmp_path_factory.mktemp("stages") / "demo.duckdb")
    ws.import_file(DEMO_DIR)
    yield ws.con
    ws.close()


@pytest.fixture(scope="module")
def stages(con) -> pd.DataFrame:
    return member_stages(con)


def test_silent_members_are_present_and_counted(con, stages):
    speakers = con.execute(
        "SELECT count(DISTINCT actor) FROM events "
        "WHERE kind IN ('post', 'reply', 'comment', 'mention', 'share', 'quote')"
    ).fetchone()[0]
    accounts = con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    assert len(stages) == accounts
    assert (stages["stage"] == "present").sum() == accounts - speakers


def test_gini_equals_the_mean_absolute_difference_form(stages):
    x = (stages["writes"] + stages["relays"]).to_numpy(dtype=float)
    # G = sum_i sum_j |x_i - x_j| / (2 n^2 mean), computed from sorted cumulative sums
    xs = np.sort(x)
    n = len(xs)
    i = np.arange(n)
    pair_sum = 2 * ((2 * i - n + 1) * xs).sum()  # sum over i, j of |x_i - x_j|
    expected = pair_sum / (2 * n * n * xs.mean())
    assert gini(x) == pytest.approx(expected)
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)
    assert np.isnan(gini([0, 0]))


def test_inequality_against_90_9_1(stages):
    ineq = contribution_inequality(stages).iloc[0]
    present_share = (stages["stage"] == "present").mean()
    assert ineq["lurker_share"] == pytest.approx(present_share)
    assert ineq["lurker_share"] + ineq["intermittent_share"] + ineq["heavy_share"] == (
        pytest.approx(1.0)
    )
    x = np.sort((stages["writes"] + stages["relays"]).to_numpy())[::-1]
    k = int(np.ceil(0.10 * len(x)))
    assert ineq["top10_share"] == pytest.approx(x[:k].sum() / x.sum())
    # the demo community is unequal: most contributions come from few members
    assert ineq["top1_share"] > 0.4 and ineq["gini"] > 0.8


def test_distribution_adds_up(stages):
    d = stage_distribution(stages)
    four = d[d["stage"] != "influencer"]
    assert four["members"].sum() == len(stages)
    assert four["share"].sum() == pytest.approx(1.0)
    assert d.loc[d["stage"] == "influencer", "members"].item() == stages["influencer"].sum()


def test_influencers_are_the_top_one_percent_by_engagement(stages):
    infl = stages[stages["influencer"]]
    cutoff = DEFAULT_STAGE_RULES["influencer_top"] * len(stages)
    ranks = stages["engagement_received"].rank(method="min", ascending=False)
    assert (ranks[infl.index] - 1 <= cutoff).all()
    assert infl["stage"].isin(["producteur", "power_networker"]).all()


def test_relay_share_boundary_and_power_networker_rules():
    f = pd.DataFrame(
        {
            "platform": "x",
            "account": ["relai", "prod", "silent", "pn"],
            "handle": None,
            "writes": [5, 6, 0, 60],
            "relays": [5, 4, 0, 0],
            "reacts": [0, 0, 9, 0],
            "engagement_received": [1, 2, 0, 500],
            "engagers": [1, 2, 0, 80],
            "contacts": [3, 3, 0, 40],
            "publishing_weeks": [2, 3, 0, 20],
            "span_weeks": [4, 4, 0, 30],
            "engaged_weeks": [1, 1, 0, 18],
        }
    )
    st = classify_stages(f).set_index("account")
    assert st.loc["relai", "stage"] == "relai"  # 5 / 10 = 0.5 >= relay_share_min
    assert st.loc["prod", "stage"] == "producteur"
    assert st.loc["silent", "stage"] == "present"
    assert st.loc["pn", "stage"] == "power_networker"
    strict = classify_stages(f, {"pn_min_contacts": 41}).set_index("account")
    assert strict.loc["pn", "stage"] == "producteur"


def test_transitions_follow_each_member_once_per_period(con):
    tr = stage_transitions(con, period="year")
    per = tr.groupby("period")["members"].sum()
    first = con.execute(
        """SELECT count(*) FROM accounts a WHERE least(a.created_at, (
             SELECT min(created_at) FROM events e WHERE e.actor = a.account_id
               OR e.target = a.account_id)) < TIMESTAMP '2015-01-01'"""
    ).fetchone()[0]
    assert per.iloc[0] == first  # everyone known in 2014 is classified in 2014
    assert (tr.loc[tr["period"] == tr["period"].min(), "from_stage"] == "new").all()
    assert per.is_monotonic_increasing  # members are never dropped


def test_member_plan_names_the_missing_thresholds(con, stages):
    prod = stages[(stages["stage"] == "producteur") & (stages["publishing_weeks"] < 8)]
    who = prod.sort_values("writes", ascending=False).iloc[0]
    plan = member_plan(con, who["account"], horizon_weeks=10)
    assert plan["stage"] == "producteur" and plan["next_stage"] == "power_networker"
    weeks = next(g for g in plan["gaps"] if g["criterion"] == "publishing weeks")
    assert weeks == {"criterion": "publishing weeks", "threshold": 8,
                     "value": int(who["publishing_weeks"]), "met": False}  # fmt: skip
    assert any("10 weeks" in step for step in plan["plan"])


def test_unknown_member_and_rule_are_refused(con):
    with pytest.raises(LiensError, match="no member"):
        member_plan(con, "no-such-account-anywhere")
    with pytest.raises(LiensError, match="unknown stage rule"):
        member_stages(con, AnalysisParams(options={"stage_rules": {"typo": 1}}))
