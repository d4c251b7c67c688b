"""Crisis alarms, drivers, suspicious attackers, incident log and reputation tables."""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from liens.analysis import AnalysisParams, crisis, reputation
from liens.api import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "crisis"
HIGGS_3998 = FIXTURES / "higgs-target-3998.txt.gz"
MAPPING = Path(__file__).parents[1] / "docs" / "examples" / "higgs.toml"
OWNED = AnalysisParams(options={"owned": ["3998"]})


@pytest.fixture(scope="module")
def higgs(tmp_path_factory):
    ws = Workspace(tmp_path_factory.mktemp("crisis") / "w.duckdb")
    ws.import_file(HIGGS_3998, mapping_file=MAPPING)
    yield ws, crisis.run(ws.con, OWNED)
    ws.close()


def _raw() -> pd.DataFrame:
    with gzip.open(HIGGS_3998, "rt") as f:
        df = pd.read_csv(f, sep=" ", names=["a", "b", "ts", "k"])
    df["at"] = pd.to_datetime(df["ts"], unit="s")
    return df


def test_the_brand_stream_counts_every_interaction_addressed_to_the_owned_account(higgs):
    ws, _ = higgs
    sql, args, stream = crisis.stream_query(ws.con, OWNED, "auto")
    assert stream == "mentions"  # no text, so no tone: every mention
    counts = crisis.stream_counts(ws.con, sql, args)
    raw = _raw()
    raw = raw[raw["a"] != 3998]  # the brand does not mention itself
    expected = raw.groupby(raw["at"].dt.floor("h")).size()
    got = counts.set_index("bin")["count"]
    assert got[got > 0].to_dict() == {k: v for k, v in expected.items()}
    assert len(got) == (expected.index.max() - expected.index.min()) / pd.Timedelta("1h") + 1


def test_the_announcement_raises_an_alarm_before_the_peak_hour(higgs):
    _, res = higgs
    alarms = res["alarms"]
    ewma = alarms[alarms["detector"] == "ewma"]
    covering = ewma[
        (ewma["alarm_at"] <= pd.Timestamp("2012-07-04 06:00"))
        & (ewma["episode_end"] > pd.Timestamp("2012-07-04 06:00"))
    ]
    assert len(covering) == 1
    assert covering["peak"].iloc[0] == 1387  # the 06:00 hour, as counted in the raw file


def test_drivers_name_the_accounts_counted_in_the_raw_file(higgs):
    _, res = higgs
    alarm = res["alarms"].query("detector == 'ewma'").iloc[0]
    start = alarm["bin_start"] - 2 * pd.Timedelta("1h")
    raw = _raw()
    raw = raw[(raw["a"] != 3998) & (raw["at"] >= start) & (raw["at"] < alarm["episode_end"])]
    top = raw["a"].value_counts()
    drivers = res["alarm_drivers"]
    acc = drivers[(drivers["alarm_id"] == alarm["alarm_id"]) & (drivers["driver"] == "account")]
    first = acc.iloc[0]
    assert first["key"] == str(top.index[0]) and first["events"] == top.iloc[0]
    assert first["share"] == pytest.approx(top.iloc[0] / len(raw))


def test_alarm_ids_do_not_change_when_more_data_arrive(higgs):
    ws, res = higgs
    early = crisis.run(ws.con, replace(OWNED, end="2012-07-04 12:00"))["alarms"]
    before = res["alarms"][res["alarms"]["episode_end"] <= pd.Timestamp("2012-07-04 12:00")]
    assert set(before["alarm_id"]) <= set(early["alarm_id"])
    assert len(early) > 0


def test_one_off_synchronised_newcomers_are_flagged_and_a_loyal_complainer_is_not():
    # The Ibis case, hand-written: six accounts never seen before post within 90 seconds; a
    # regular customer complains at the same time.
    t0 = pd.Timestamp("2024-05-02 20:00")
    window = pd.DataFrame(
        {
            "actor": [f"new{i}" for i in range(6)] + ["loyal", "loyal"],
            "created_at": [t0 + pd.Timedelta(seconds=15 * i) for i in range(6)]
            + [t0 + pd.Timedelta(seconds=30), t0 + pd.Timedelta(minutes=40)],
        }
    )
    history = pd.DataFrame(
        {
            "actor": [f"new{i}" for i in range(6)] + ["loyal"],
            "prior": [0] * 6 + [14],
            "total_events": [1] * 6 + [60],
            "account_created": [t0 - pd.Timedelta(days=2)] * 3 + [pd.NaT] * 3 + [pd.NaT],
        }
    )
    out = crisis.suspicious_accounts(window, history, window_start=t0 - pd.Timedelta("2h"))
    flagged = set(out.loc[out["suspicious"], "actor"])
    assert flagged == {f"new{i}" for i in range(6)}
    new0 = out.set_index("actor").loc["new0"]
    assert "no earlier interaction" in new0["evidence"] and "within 120 s" in new0["evidence"]
    assert "created less than 30 days" in new0["evidence"]
    # alone, a first-time one-off complainer is not called an attacker
    lone = crisis.suspicious_accounts(
        window.iloc[[0]], history.iloc[[0]], window_start=t0 - pd.Timedelta("2h")
    )
    assert not lone["synchronised"].iloc[0]


# --- reputation and incidents on a small hand-written brand workspace --------------------

TONES = {
    "Merci pour l'accueil, parfait": "positive",
    "Service honteux, plus jamais": "negative",
    "Chambre sale et personnel odieux": "negative",
    "Quelle heure pour le petit déjeuner ?": "neutral",
    "Super séjour, je recommande": "positive",
    "Toujours aussi nul": "negative",
}


def fake_scorer(texts, langs=None):
    # a test double standing for the tone model: the labels are given above
    labels = [TONES.get(t) for t in texts]
    score = {"positive": 0.8, "neutral": 0.0, "negative": -0.8}
    return pd.DataFrame(
        {
            "lang": ["fr"] * len(texts),
            "tone_label": labels,
            "tone_score": [score.get(la, float("nan")) for la in labels],
            "attack_score": [
                0.9 if t == "Chambre sale et personnel odieux" else 0.1 for t in texts
            ],
            "is_attack": [t == "Chambre sale et personnel odieux" for t in texts],
        }
    )


@pytest.fixture()
def brand(tmp_path):
    rows = [
        # actor, target, time, text, kind, post_id, parent
        (
            "ana",
            "hotel",
            "2024-05-01 09:00",
            "Merci pour l'accueil, parfait",
            "mention",
            "p1",
            None,
        ),
        ("bob", "hotel", "2024-05-01 10:00", "Service honteux, plus jamais", "mention", "p2", None),
        ("bob", "hotel", "2024-05-01 11:00", "Toujours aussi nul", "mention", "p3", None),
        (
            "eve",
            "hotel",
            "2024-05-01 12:00",
            "Chambre sale et personnel odieux",
            "mention",
            "p4",
            None,
        ),
        ("ana", "hotel", "2024-05-02 09:00", "Super séjour, je recommande", "mention", "p5", None),
        (
            "ana",
            "hotel",
            "2024-05-02 09:30",
            "Quelle heure pour le petit déjeuner ?",
            "mention",
            "p6",
            None,
        ),
        ("hotel", "bob", "2024-05-01 10:45", "Désolés, écrivez-nous en privé", "reply", "p7", "p2"),
        ("zoe", "ana", "2024-05-01 10:00", "Toujours aussi nul", "mention", "p8", None),
    ]
    csv = tmp_path / "brand.csv"
    pd.DataFrame(
        rows, columns=["actor", "target", "created_at", "text", "kind", "post_id", "parent"]
    ).to_csv(csv, index=False)
    ws = Workspace(tmp_path / "b.duckdb")
    ws.import_file(
        csv,
        platform="web",
        columns={"parent_post_id": "parent"},
    )
    yield ws
    ws.close()


def test_reputation_weighs_negative_voices_and_names_detractors(brand):
    params = AnalysisParams(options={"owned": ["hotel"], "tone_scorer": fake_scorer})
    res = reputation.run(brand.con, params)
    daily = res["reputation_daily"].query("dimension == 'all'").set_index("day")
    may1 = daily.loc[pd.Timestamp("2024-05-01")]
    # 1 positive, 3 negative (zoe talks to ana, not to the hotel; the hotel's own reply is out)
    assert (may1["mentions"], may1["positive"], may1["negative"]) == (4, 1, 3)
    assert may1["negative_share"] == pytest.approx(3 / 4)
    assert may1["weighted_negative_share"] == pytest.approx(6 / 7)
    assert may1["net_tone"] == pytest.approx((1 - 2 * 3) / 4)
    assert may1["attacks"] == 1
    accounts = res["reputation_accounts"].set_index("account")
    assert accounts.loc["bob", "role"] == "detractor" and accounts.loc["ana", "role"] == "defender"
    assert accounts.loc["eve", "role"] == "neutral"  # one remark does not make a detractor
    assert accounts.loc["bob", "net_tone"] == pytest.approx(-2.0)
    # the tone cache is kept: a second run scores nothing new
    calls = []
    params.options["tone_scorer"] = lambda t, la=None: calls.append(len(t)) or fake_scorer(t, la)
    reputation.run(brand.con, params)
    assert calls == []


def test_incident_log_has_the_brand_reply_with_its_response_time_and_manual_notes(brand):
    params = AnalysisParams(
        options={"owned": ["hotel"], "crisis_stream": "mentions", "min_count": 1}
    )
    alarms = pd.DataFrame(
        {
            "alarm_id": ["mentions-ratio-20240501T1100"],
            "bin_start": [pd.Timestamp("2024-05-01 10:00")],
            "alarm_at": [pd.Timestamp("2024-05-01 11:00")],
            "episode_end": [pd.Timestamp("2024-05-01 13:00")],
        }
    )
    crisis.add_incident_note(
        brand.con, "mentions-ratio-20240501T1100", "Camille", "Called the manager",
        at=pd.Timestamp("2024-05-01 11:20").to_pydatetime(),
    )  # fmt: skip
    log = crisis.incident_log(brand.con, alarms, params)
    reply = log[log["source"] == "workspace"].iloc[0]
    assert reply["by"] == "hotel" and reply["action"] == "reply"
    assert reply["response_minutes"] == pytest.approx(45.0)  # bob wrote at 10:00
    assert reply["since_alarm_minutes"] == pytest.approx(-15.0)
    note = log[log["source"] == "manual"].iloc[0]
    assert (note["by"], note["since_alarm_minutes"]) == ("Camille", pytest.approx(20.0))
