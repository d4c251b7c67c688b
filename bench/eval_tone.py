"""Evaluate the shipped tone, attack and language models on the validation splits.

Usage: ``.venv/bin/python bench/eval_tone.py`` (trains nothing; about a minute).
Reads ``../shared/data/sentiment`` next to the repository and skips with a message when it is
absent. Prints macro-F1, per-class F1 and the confusion matrix per data set, language
detection accuracy and coverage, and scoring speed on one core.
"""

from __future__ import annotations

import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from liens.analysis.language import detect_language  # noqa: E402
from liens.analysis.tone import score_attack, score_tone, score_tone_and_attack  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "sentiment"


def mlma_validation(frame: pd.DataFrame) -> pd.DataFrame:
    """The MLMA rows held out by scripts/train_tone.py: CRC-32 of the text is 0 mod 5."""
    keep = [zlib.crc32(t.encode("utf-8")) % 5 == 0 for t in frame.text]
    return frame[keep]


def report(name: str, truth: list[str], pred: list[str | None], classes: list[str]) -> float:
    """Print macro-F1, per-class F1 and the confusion matrix (rows = truth); return macro-F1.

    F1 of a class = 2 TP / (2 TP + FP + FN); macro-F1 is their unweighted mean. A text without
    a prediction counts as wrong.
    """
    t = np.asarray(truth, dtype=object)
    p = np.asarray(pred, dtype=object)
    f1 = {}
    for c in classes:
        tp = np.sum((t == c) & (p == c))
        fp = np.sum((t != c) & (p == c))
        fn = np.sum((t == c) & (p != c))
        f1[c] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    macro = float(np.mean(list(f1.values())))
    print(f"\n{name}  (n={len(t)})  macro-F1 {macro:.3f}")
    print("  per-class F1: " + ", ".join(f"{c} {v:.3f}" for c, v in f1.items()))
    width = max(len(c) for c in classes) + 2
    print("  confusion (rows truth, columns predicted):")
    print("  " + " " * width + "".join(f"{c:>{width}}" for c in classes))
    for c in classes:
        row = "".join(f"{np.sum((t == c) & (p == d)):>{width}}" for d in classes)
        print(f"  {c:>{width}}{row}")
    return macro


def main() -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the shared data sets are not on this machine)")
        return 0
    tone_sets = [
        ("fr_tweets_umsab_val", "fr"),
        ("en_tweets_umsab_val", "en"),
        ("en_tweets_tweeteval_val", "en"),
    ]
    print("== Tone (languages given)")
    seen = set(pd.read_csv(DATA / "en_tweets_umsab_train.csv").text)
    for name, lang in tone_sets:
        frame = pd.read_csv(DATA / f"{name}.csv")
        if name == "en_tweets_tweeteval_val":
            # 1,430 of its 2,000 tweets are in en_tweets_umsab_train: score only the others.
            frame = frame[~frame.text.isin(seen)]
            name += " minus umsab_train"
        scored = score_tone(frame.text.tolist(), [lang] * len(frame))
        report(
            name,
            frame.label.tolist(),
            scored.tone_label.tolist(),
            ["negative", "neutral", "positive"],
        )

    print("\n== Tone (languages detected)")
    for name, _ in tone_sets[:2]:
        frame = pd.read_csv(DATA / f"{name}.csv")
        scored = score_tone(frame.text.tolist())
        report(
            name,
            frame.label.tolist(),
            scored.tone_label.tolist(),
            ["negative", "neutral", "positive"],
        )

    print("\n== Attacks (languages given)")
    olid = pd.read_csv(DATA / "en_offensive_olid_val.csv")
    olid["label"] = np.where(olid.label == "offensive", "attack", "none")
    mlma = mlma_validation(pd.read_csv(DATA / "fr_attack_mlma_all.csv"))
    mlma = mlma.assign(label=np.where(mlma.label == "hostile", "attack", "none"))
    for name, frame, lang in [
        ("en_offensive_olid_val", olid, "en"),
        ("fr_attack_mlma_all[crc32 % 5 == 0]", mlma, "fr"),
    ]:
        scored = score_attack(frame.text.tolist(), [lang] * len(frame))
        pred = np.where(scored.is_attack.astype(bool), "attack", "none").tolist()
        report(name, frame.label.tolist(), pred, ["none", "attack"])

    print("\n== Language detection (every text of the file is in that language)")
    for name, lang in [
        ("fr_tweets_umsab_val", "fr"),
        ("en_tweets_umsab_val", "en"),
        ("en_tweets_tweeteval_val", "en"),
        ("en_offensive_olid_val", "en"),
        ("fr_attack_mlma_all", "fr"),
    ]:
        codes = detect_language(pd.read_csv(DATA / f"{name}.csv").text.tolist())
        decided = [c for c in codes if c is not None]
        right = sum(c == lang for c in decided)
        print(
            f"  {name:26s} coverage {len(decided) / len(codes):.3f}  "
            f"accuracy when decided {right / max(len(decided), 1):.3f}"
        )

    print("\n== Speed (one process, texts per second)")
    texts = pd.read_csv(DATA / "en_tweets_tweeteval_val.csv").text.tolist()
    texts += pd.read_csv(DATA / "fr_attack_mlma_all.csv").text.tolist()
    langs = detect_language(texts)
    score_tone(texts[:10], langs[:10])  # load the model outside the timing
    score_attack(texts[:10], langs[:10])
    # CPU time of this process, so that other work on the machine does not count.
    for label, fn in [
        ("score_tone, languages given", lambda: score_tone(texts, langs)),
        ("score_attack, languages given", lambda: score_attack(texts, langs)),
        ("detect_language", lambda: detect_language(texts)),
        ("score_tone, languages detected", lambda: score_tone(texts)),
    ]:
        start = time.process_time()
        fn()
        elapsed = time.process_time() - start
        print(f"  {label:32s} {len(texts) / elapsed:8.0f} texts/s  ({len(texts)} texts)")
    long_texts()
    return 0


def long_texts() -> None:
    """Speed on long texts: the bundled demo's posts and comments, whole and cut.

    Scores them as ``liens analyze`` does (:func:`score_tone_and_attack`: language detected,
    tone, attack) reading every character, then reading the first ``tone.MAX_CHARS``
    (language: ``language._MAX_CHARS``) as liens does, and counts the tone labels that differ.
    """
    import re

    from liens.analysis import language, tone
    from liens.sources.stackexchange import DEMO_DIR

    bodies = pd.read_parquet(DEMO_DIR / "posts.parquet", columns=["Body"]).Body
    comments = pd.read_parquet(DEMO_DIR / "comments.parquet", columns=["Text"]).Text
    tags = re.compile(r"<[^>]+>")
    texts = [tags.sub(" ", t) for t in bodies.dropna()] + comments.dropna().tolist()
    lengths = np.array([len(t) for t in texts])
    print(
        f"\n== Speed on long texts (bundled demo posts and comments: {len(texts)} texts, median "
        f"{np.median(lengths):.0f} characters, 90th percentile {np.percentile(lengths, 90):.0f})"
    )
    cap, lang_cap = tone.MAX_CHARS, language._MAX_CHARS
    labels = {}
    for name, limits in [
        ("every character", (10**9, 10**9)),
        (f"first {cap} characters ({lang_cap} for language)", (cap, lang_cap)),
    ]:
        tone.MAX_CHARS, language._MAX_CHARS = limits
        start = time.process_time()
        labels[name] = score_tone_and_attack(texts).tone_label.tolist()
        elapsed = time.process_time() - start
        print(f"  {name:46s} {len(texts) / elapsed:6.0f} texts/s (language, tone and attack)")
    tone.MAX_CHARS, language._MAX_CHARS = cap, lang_cap
    a, b = labels.values()
    print(f"  tone labels that differ: {sum(x != y for x, y in zip(a, b, strict=True))}")


if __name__ == "__main__":
    sys.exit(main())
