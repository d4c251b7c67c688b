"""Content types: decisions explained by cues, measured against hand labels."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liens.analysis.content_types import TYPES, classify_texts, content_type_engagement

LABELS = Path(__file__).parent / "fixtures" / "content_types" / "labels.csv"


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return pd.read_csv(LABELS, dtype=str, keep_default_na=False)


def test_french_complaint_and_english_news_with_their_cues():
    out = classify_texts(
        ["J'en ai marre, encore deux heures de retard", "BREAKING: 3 killed, police say", None]
    )
    assert out["content_type"].tolist() == ["complaint", "news", "other"]
    assert "complaint:retard" in out.loc[0, "cues"]
    assert "news:police" in out.loc[1, "cues"]
    assert "news:casualty count" in out.loc[1, "cues"]
    assert out.loc[2, "cues"] == []
    assert out.loc[2, "content_types"] == []


def test_accents_do_not_matter():
    a, b = classify_texts(["Élection présidentielle", "Election presidentielle"])["content_type"]
    assert a == b == "politics"


def test_a_post_carries_every_type_it_has_a_cue_for_main_first():
    text = "Le ministre annonce un bilan de 13 morts http://t.co/x"
    out = classify_texts([text]).iloc[0]
    assert set(out["content_types"]) == {k for k in TYPES if out[f"score_{k}"] > 0}
    assert set(out["content_types"]) == {"news", "politics"}
    assert out["content_types"][0] == out["content_type"] == "news"  # 4 news cues, 1 politics


def test_a_link_in_a_personal_text_is_not_a_headline():
    shared, chat = classify_texts(
        [
            "Un train déraille au centre-ville http://t.co/x",
            "je vous conseille ce site http://t.co/x",
        ]
    )["cues"]
    assert "news:headline with link" in shared
    assert "news:headline with link" not in chat


def test_one_capitalised_word_is_not_shouting_three_are():
    out = classify_texts(["Vigil tonight in LAC-MEGANTIC", "WHAT IS WRONG WITH YOU people"])
    assert "sensational:shouting" not in out.loc[0, "cues"]
    assert "sensational:shouting" in out.loc[1, "cues"]


def test_held_out_split_is_chosen_by_the_id_not_the_label(labels):
    odd = [
        hashlib.sha1(f"{s}/{i}".encode()).digest()[-1] % 2
        for s, i in zip(labels["source"], labels["item"], strict=True)
    ]
    assert labels["split"].tolist() == ["test" if o else "tune" for o in odd]
    assert len(labels) >= 400 and set(labels["lang"]) == {"en", "fr"}
    known = set(TYPES)
    assert all(set(t.split(";")) - {""} <= known for t in labels["types"])


def test_agreement_with_hand_labels_stays_above_the_measured_floor(labels):
    """Rows with text (221 of 440); measured macro-F1 0.64 on them (0.52 on their test half).

    The floor guards against a regression; it is not a claim of quality: the figures to quote
    are those of bench/eval_content_types.py on the held-out half.
    """
    df = labels[labels["text"] != ""]
    pred = classify_texts(df["text"])["content_types"]
    f1 = []
    for k in TYPES:
        g = np.array([k in t.split(";") for t in df["types"]])
        p = np.array([k in t for t in pred])
        denom = 2 * (g & p).sum() + (g ^ p).sum()
        if g.any():
            f1.append(2 * (g & p).sum() / denom)
    assert np.mean(f1) >= 0.55
    news_g = np.array(["news" in t.split(";") for t in df["types"]])
    news_p = np.array(["news" in t for t in pred])
    assert (news_g & news_p).sum() / news_p.sum() >= 0.7  # precision of news


def test_engagement_counts_a_post_in_each_of_its_types():
    types = pd.DataFrame(
        {
            "platform": "x",
            "post_id": ["a", "b", "c", "d"],
            "content_type": ["news", "news", "humour", "other"],
            "content_types": [["news", "politics"], ["news"], ["humour"], []],
        }
    )
    eng = pd.DataFrame(
        {"platform": "x", "post_id": ["a", "b", "c", "d"], "engagement": [4, 2, 9, 1]}
    )
    out = content_type_engagement(types, eng, min_posts=1).set_index("content_type")
    assert out.loc["news", "posts"] == 2 and out.loc["news", "mean"] == 3.0
    assert out.loc["politics", "posts"] == 1 and out.loc["politics", "share"] == 0.25
    assert out.loc["other", "mean"] == 1.0
    assert out.loc["humour", "lift"] == pytest.approx(9 / 4 - 1)  # overall mean 16 / 4
