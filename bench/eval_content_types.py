"""How well does the content-type classifier agree with hand labels? Precision, recall, F1.

Data: ``tests/fixtures/content_types/labels.csv``: 440 French and English posts drawn with
fixed seeds from CrisisLexT26, RumourEval 2017, the Pushshift Reddit dumps of 2005-12 and
2006-01, the UMSAB tweets (DEFT 2017, SemEval 2017) and the beer.stackexchange.com dump, each
labelled by hand with zero, one or several types (see its SOURCE.md for the guide, the draw
and the licences). Texts whose licence does not allow redistribution are stored as ids only
and read back from ``../shared/data``; without it, only the rows with text are scored (and the
script says so).

Half the posts (``split`` = ``test``, chosen by a hash of the id, not by the labels) are held
out: word lists and rules are tuned on ``tune`` only; the figures to quote are ``test``.

Scores, per language and split: for each type, precision, recall and F1 of "the post carries
this type" (a post may carry several, so one post counts for each of its types); macro-F1 over
the seven types; exact-set accuracy; and the confusion of the main type (the first label, or
``other``) against the predicted main type.

Run: ``.venv/bin/python bench/eval_content_types.py [--split test|tune|all]``;
``--draw`` prints the second draw of posts (``source, item, lang, text``) as CSV.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from liens.analysis.content_types import OTHER, TYPES, classify_texts  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "content_types" / "labels.csv"
DATA = ROOT.parent / "shared" / "data"
DATA = DATA if DATA.exists() else Path("/work/shared/data")
RUMOUREVAL = "rumoureval2017_threads/traindev/posts.json"
REDDIT_MONTHS = ("2005-12", "2006-01")
DRAW_SEED = 2026
FIRST_DRAW = 174  # the first rows of labels.csv; the second draw follows them
# The first draw's filter for French tweets of the Lac-Mégantic crash (SOURCE.md).
FRENCH = re.compile(r"\b(?:le|la|les|des|du|est|une|à|pour|dans)\b", re.IGNORECASE)
CRISIS_EN_EVENTS = (
    "2013_LA_airport_shootings",
    "2013_Russia_meteor",
    "2013_NY_train_crash",
    "2013_Glasgow_helicopter_crash",
)


def split_of(source: str, item: str) -> str:
    """Held-out half: ``test`` when the last byte of SHA-1(``source/item``) is odd."""
    return "test" if hashlib.sha1(f"{source}/{item}".encode()).digest()[-1] % 2 else "tune"


def _crisis(event: str) -> pd.DataFrame:
    path = DATA / "crisislex_t26" / "CrisisLexT26" / event / f"{event}-tweets_labeled.csv"
    df = pd.read_csv(path, dtype=str, skipinitialspace=True)
    df.columns = [c.strip() for c in df.columns]
    df["item"] = event + "/" + df["Tweet ID"].str.strip('"')
    return df.rename(columns={"Tweet Text": "text"})[["item", "text"]]


def _reddit() -> pd.DataFrame:
    rows = []
    for month in REDDIT_MONTHS:
        with open(DATA / "reddit_pushshift_2005_2006" / f"RC_{month}.ndjson") as f:
            for line in f:
                c = json.loads(line)
                body = c.get("body") or ""
                if 30 <= len(body) <= 400 and body not in ("[deleted]", "[removed]"):
                    rows.append({"item": c["id"], "text": body})
    return pd.DataFrame(rows)


def _umsab(lang: str) -> pd.DataFrame:
    tw = pd.read_csv(DATA / "sentiment" / f"{lang}_tweets_umsab_train.csv")
    tw["item"] = f"{lang}_tweets_umsab_train/" + tw.index.astype(str)
    return tw[["item", "text"]]


def draw(existing: set[str]) -> pd.DataFrame:
    """The second draw of posts to label (seed 2026), after the first 174 (SOURCE.md).

    30 French tweets of the Lac-Mégantic crash and 5 English tweets of each event in
    :data:`CRISIS_EN_EVENTS` not in the first draw; 40 RumourEval source tweets (thread
    roots); 40 Reddit comments of 30 to 400 characters; 90 French and 50 English UMSAB train
    tweets. ``DataFrame.sample(n, random_state=2026)`` each time.
    """
    parts = []
    lac = _crisis("2013_Lac_Megantic_train_crash")
    lac = lac[lac["text"].str.contains(FRENCH) & ~lac["item"].isin(existing)]
    parts.append(lac.sample(30, random_state=DRAW_SEED).assign(source="crisislex_t26", lang="fr"))
    for event in CRISIS_EN_EVENTS:
        ev = _crisis(event)
        ev = ev[~ev["item"].isin(existing)]
        parts.append(ev.sample(5, random_state=DRAW_SEED).assign(source="crisislex_t26", lang="en"))
    posts = json.loads((DATA / RUMOUREVAL).read_text())
    roots = (DATA / RUMOUREVAL).with_name("thread_id.txt").read_text().split()
    rumours = pd.DataFrame({"item": roots, "text": [posts[r]["text"] for r in roots]})
    parts.append(
        rumours.sample(40, random_state=DRAW_SEED).assign(source="rumoureval2017", lang="en")
    )
    reddit = _reddit().sample(40, random_state=DRAW_SEED)
    parts.append(reddit.assign(source="reddit_pushshift", lang="en"))
    for lang, n in (("fr", 90), ("en", 50)):
        tweets = _umsab(lang).sample(n, random_state=DRAW_SEED)
        parts.append(tweets.assign(source="sentiment_umsab", lang=lang))
    return pd.concat(parts, ignore_index=True)[["source", "item", "lang", "text"]]


def load_labels() -> pd.DataFrame:
    """The labels with their texts; rows stored without text are read from ``DATA``."""
    df = pd.read_csv(LABELS, dtype=str, keep_default_na=False)
    missing = df["text"] == ""
    if missing.any() and DATA.exists():
        posts = json.loads((DATA / RUMOUREVAL).read_text())
        texts = {("rumoureval2017", k): v["text"] for k, v in posts.items()}
        texts |= {("reddit_pushshift", i): t for i, t in _reddit().itertuples(index=False)}
        for lang in ("fr", "en"):
            u = _umsab(lang)
            texts |= {("sentiment_umsab", i): t for i, t in u.itertuples(index=False)}
        df.loc[missing, "text"] = [
            texts.get((s, i), "")
            for s, i in zip(df.loc[missing, "source"], df.loc[missing, "item"], strict=True)
        ]
    absent = df["text"] == ""
    if absent.any():
        print(f"{absent.sum()} labelled posts without text ({DATA} absent): scored without them")
    return df[~absent].reset_index(drop=True)


def predicted_sets(texts: pd.Series) -> tuple[list[set[str]], list[str]]:
    out = classify_texts(texts)
    if "content_types" in out:
        sets = [set(t) for t in out["content_types"]]
    else:  # a single-type classifier
        sets = [set() if t == OTHER else {t} for t in out["content_type"]]
    return sets, out["content_type"].tolist()


def scores(gold: list[set[str]], pred: list[set[str]]) -> pd.DataFrame:
    """Per type: support, predicted, precision, recall, F1 (a post counts once per type)."""
    rows = []
    for k in TYPES:
        g = pd.Series([k in s for s in gold])
        p = pd.Series([k in s for s in pred])
        tp, fp, fn = int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())
        prec = tp / (tp + fp) if tp + fp else float("nan")
        rec = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
        rows.append(
            {
                "type": k,
                "support": tp + fn,
                "predicted": tp + fp,
                "precision": prec,
                "recall": rec,
                "f1": f1,
            }
        )
    return pd.DataFrame(rows)


def macro_f1(gold: list[set[str]], pred: list[set[str]]) -> float:
    table = scores(gold, pred)
    # Types with support; a type never predicted counts F1 = 0.
    return float(table["f1"].fillna(0).where(table["support"] > 0).mean())


def macro_f1_interval(
    gold: list[set[str]], pred: list[set[str]], n_boot: int = 1000, level: float = 0.9
) -> tuple[float, float]:
    """Percentile bootstrap interval of macro-F1, posts resampled (seed 42)."""
    rng = np.random.default_rng(42)
    n = len(gold)
    stats = []
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        stats.append(macro_f1([gold[i] for i in idx], [pred[i] for i in idx]))
    a = (1 - level) / 2
    return float(np.nanquantile(stats, a)), float(np.nanquantile(stats, 1 - a))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("test", "tune", "all"), default="test")
    ap.add_argument("--draw", action="store_true")
    args = ap.parse_args(argv)
    if args.draw:
        first = pd.read_csv(LABELS, dtype=str).iloc[:FIRST_DRAW]
        draw(set(first["item"])).to_csv(sys.stdout, index=False)
        return 0
    df = load_labels()
    if args.split != "all":
        df = df[df["split"] == args.split].reset_index(drop=True)
    df["gold"] = [set(t.split(";")) - {""} for t in df["types"]]
    df["main"] = [t.split(";")[0] or OTHER for t in df["types"]]
    df["pred"], df["pred_main"] = predicted_sets(df["text"])
    fmt = {"float_format": lambda x: f"{x:.2f}", "index": False}
    for name, part in [("all", df), ("en", df[df.lang == "en"]), ("fr", df[df.lang == "fr"])]:
        gold, pred = list(part["gold"]), list(part["pred"])
        table = scores(gold, pred)
        macro = macro_f1(gold, pred)
        lo, hi = macro_f1_interval(gold, pred)
        exact = float((part["gold"] == part["pred"]).mean())
        main_acc = float((part["main"] == part["pred_main"]).mean())
        print(
            f"\n{args.split} split, {name}: {len(part)} posts, macro-F1 {macro:.2f} "
            f"(90% bootstrap {lo:.2f}-{hi:.2f}; types with support), exact set {exact:.2f}, "
            f"main type {main_acc:.2f}"
        )
        print(table.to_string(**fmt))
        print("confusion of the main type (rows gold, columns predicted):")
        print(pd.crosstab(part["main"], part["pred_main"]).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
