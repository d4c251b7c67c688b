"""Tone, attack and language models on real labelled tweets (tests/fixtures/tone)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liens.analysis.language import detect_language
from liens.analysis.tone import (
    ATTACK_MODEL,
    MAX_CHARS,
    TONE_MODEL,
    LinearTextModel,
    score_attack,
    score_table,
    score_tone,
    score_tone_and_attack,
)
from liens.errors import LiensError

FIXTURES = Path(__file__).parent / "fixtures" / "tone"

# Floors a little under the macro-F1 measured on the full validation splits
# (bench/eval_tone.py; figures in liens/models/tone.md).
TONE_FLOOR = {"fr": 0.64, "en": 0.65}  # measured: fr 0.678, en 0.691
ATTACK_FLOOR = {"fr": 0.58, "en": 0.68}  # measured: fr 0.635, en 0.721


def macro_f1(truth: list[str], pred: list[str | None]) -> float:
    """Unweighted mean over the true classes of 2TP / (2TP + FP + FN)."""
    t, p = np.asarray(truth, dtype=object), np.asarray(pred, dtype=object)
    scores = []
    for c in sorted(set(truth)):
        tp = np.sum((t == c) & (p == c))
        scores.append(2 * tp / (2 * tp + np.sum((t != c) & (p == c)) + np.sum((t == c) & (p != c))))
    return float(np.mean(scores))


@pytest.fixture(scope="module")
def tone_val() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "tone_val.csv")


@pytest.fixture(scope="module")
def attack_val() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "attack_val.csv")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tone_reaches_its_validation_floor(tone_val: pd.DataFrame, lang: str) -> None:
    part = tone_val[tone_val.lang == lang]
    scored = score_tone(part.text.tolist(), part.lang.tolist())
    assert macro_f1(part.label.tolist(), scored.tone_label.tolist()) >= TONE_FLOOR[lang]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_attack_reaches_its_validation_floor(attack_val: pd.DataFrame, lang: str) -> None:
    part = attack_val[attack_val.lang == lang]
    scored = score_attack(part.text.tolist(), part.lang.tolist())
    pred = np.where(scored.is_attack.astype(bool), "attack", "none").tolist()
    assert macro_f1(part.label.tolist(), pred) >= ATTACK_FLOOR[lang]


def test_tone_score_is_in_range_and_agrees_with_the_label(tone_val: pd.DataFrame) -> None:
    scored = score_tone(tone_val.text.tolist(), tone_val.lang.tolist())
    assert scored.tone_score.between(-1, 1).all()
    # P(pos) - P(neg) > 0 whenever positive wins the argmax, < 0 whenever negative wins.
    assert (scored.tone_score[scored.tone_label == "positive"] > 0).all()
    assert (scored.tone_score[scored.tone_label == "negative"] < 0).all()
    # The mean score orders the true classes.
    means = scored.groupby(tone_val.label.to_numpy()).tone_score.mean()
    assert means["negative"] < means["neutral"] < means["positive"]


def test_attack_score_is_a_probability(attack_val: pd.DataFrame) -> None:
    scored = score_attack(attack_val.text.tolist(), attack_val.lang.tolist())
    assert scored.attack_score.between(0, 1).all()
    assert (scored.is_attack == (scored.attack_score >= 0.5)).all()


def test_languages_of_real_tweets_are_detected(tone_val: pd.DataFrame) -> None:
    codes = detect_language(tone_val.text.tolist())
    decided = [(c, la) for c, la in zip(codes, tone_val.lang, strict=True) if c is not None]
    assert len(decided) >= 0.95 * len(tone_val)
    assert sum(c == la for c, la in decided) >= 0.98 * len(decided)


def test_empty_and_letterless_texts_have_no_language() -> None:
    assert detect_language(["", "   ", "@user http", "😂😂", "12 34"]) == [None] * 5


def test_tone_detects_languages_and_leaves_other_languages_unscored() -> None:
    texts = [
        "Je suis vraiment déçu par ce service, c'est une honte.",
        "What a wonderful day, thank you all so much!",
        "Das ist ein sehr schöner Tag in Berlin und wir freuen uns.",
        "",
    ]
    scored = score_tone(texts)
    assert scored.lang.tolist() == ["fr", "en", "de", None]
    assert scored.tone_label.tolist()[:2] == ["negative", "positive"]
    assert scored.tone_label.iloc[2:].isna().all()
    assert scored.tone_score.iloc[2:].isna().all()


def test_score_table_adds_the_columns(tone_val: pd.DataFrame) -> None:
    frame = tone_val[["text"]].head(20).rename(columns={"text": "body"})
    out = score_table(frame, "body")
    assert list(out.columns) == ["body", "lang", "tone_label", "tone_score"]
    assert list(frame.columns) == ["body"]  # the input is not modified
    assert out.tone_label.isin(["negative", "neutral", "positive"]).sum() >= 18


def test_score_table_names_the_missing_column() -> None:
    with pytest.raises(LiensError, match="'message'"):
        score_table(pd.DataFrame({"text": ["bonjour"]}), "message")


@pytest.mark.parametrize("path", [TONE_MODEL, ATTACK_MODEL])
def test_shipped_models_are_small_and_round_trip(path: Path, tmp_path: Path) -> None:
    assert path.stat().st_size < 8_000_000
    model = LinearTextModel.load(path)
    model.save(tmp_path / "copy.npz")
    copy = LinearTextModel.load(tmp_path / "copy.npz")
    texts = ["Merci beaucoup, c'est parfait", "this is the worst, shut up"]
    assert np.allclose(model.predict_proba(texts), copy.predict_proba(texts))


def test_the_one_pass_scorer_gives_the_values_of_the_two_scorers(
    tone_val: pd.DataFrame, attack_val: pd.DataFrame
) -> None:
    texts = tone_val.text.tolist() + attack_val.text.tolist()
    both = score_tone_and_attack(texts)  # languages detected, as the tone analysis does
    tone = score_tone(texts)
    attack = score_attack(texts, list(tone["lang"]))
    assert both["lang"].tolist() == tone["lang"].tolist()
    assert both["tone_label"].tolist() == tone["tone_label"].tolist()
    np.testing.assert_array_equal(both["tone_score"], tone["tone_score"])
    np.testing.assert_array_equal(both["attack_score"], attack["attack_score"])
    assert both["is_attack"].tolist() == attack["is_attack"].tolist()


def test_long_texts_are_scored_on_their_opening(tone_val: pd.DataFrame) -> None:
    # real tweets glued into one long text: only its first MAX_CHARS characters count
    glued = " ".join(tone_val[tone_val.lang == "en"].text.tolist())
    assert len(glued) > 2 * MAX_CHARS
    whole = score_tone([glued], ["en"]).iloc[0]
    opening = score_tone([glued[:MAX_CHARS]], ["en"]).iloc[0]
    assert whole["tone_score"] == opening["tone_score"]
    assert detect_language([glued]) == detect_language([glued[:MAX_CHARS]]) == ["en"]
