"""Train the tone and attack models shipped in ``liens/models/`` from the shared data sets.

Usage::

    .venv/bin/python scripts/train_tone.py            # writes liens/models/{tone,attack}.npz
    .venv/bin/python scripts/train_tone.py --tune     # first prints 5-fold CV on train for C

Training-only requirements (not needed to score): scikit-learn 1.9.1, scipy, vaderSentiment
3.3.2 and textblob-fr 0.2.0 (``pip install --no-deps textblob-fr==0.2.0``), whose lexicon
files are read, not imported. Only train splits are used: ``{fr,en}_tweets_umsab_train`` for
tone; ``en_offensive_olid_train`` and the training part of ``fr_attack_mlma_all`` (see
:func:`mlma_is_validation`) for attacks. Everything is deterministic: rerunning rewrites the
same files.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import re
import sys
import zlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from liens.analysis.tone import (  # noqa: E402
    ATTACK_MODEL,
    N_DENSE,
    TONE_MODEL,
    LinearTextModel,
    grams,
    normalise,
)

DATA = ROOT.parent / "shared" / "data" / "sentiment"
TONE_C = 3.0
ATTACK_C = 3.0
ATTACK_MIN_DF = 2
SEED = 0


def mlma_is_validation(texts: pd.Series) -> np.ndarray:
    """Our validation part of ``fr_attack_mlma_all``: rows whose CRC-32 of the text is 0 mod 5.

    A hash of the text rather than a shuffled index: it does not depend on row order, and
    duplicate tweets fall on the same side, so no text is both trained on and validated on.
    It holds about 20 % of the rows.
    """
    return np.array([zlib.crc32(t.encode("utf-8")) % 5 == 0 for t in texts], dtype=bool)


def load_lexicon() -> dict[str, float]:
    """Word -> valence in [-1, 1]: VADER (MIT) for English, pattern/textblob-fr (PDDL) for French.

    VADER's mean ratings (-4..4) are divided by 4; the French lexicon's polarity is already in
    [-1, 1]. An English entry wins when a form is in both.
    """
    lexicon: dict[str, float] = {}
    vader = Path(importlib.util.find_spec("vaderSentiment").submodule_search_locations[0])
    for line in (vader / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            lexicon[parts[0].lower()] = round(float(parts[1]) / 4.0, 3)
    french = Path(importlib.util.find_spec("textblob_fr").submodule_search_locations[0])
    xml = (french / "fr-sentiment.xml").read_text(encoding="utf-8")
    for m in re.finditer(r'<word form="([^"]+)"[^>]*?polarity="([-0-9.]+)"', xml):
        value = float(m.group(2))
        if value != 0:
            lexicon.setdefault(m.group(1).lower(), value)
    return dict(sorted(lexicon.items()))


def empty_model(texts: list[str], lexicon: dict[str, float], min_df: int) -> LinearTextModel:
    """Vocabulary and smoothed idf from *texts*; coefficients left at zero."""
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(grams(normalise(text))))
    vocab = sorted(g for g, c in df.items() if c >= min_df)
    n = len(texts)
    # scikit-learn's smooth idf, rounded to float16 because that is what ships.
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in vocab], dtype=np.float16)
    return LinearTextModel(
        vocabulary={g: i for i, g in enumerate(vocab)},
        idf=idf.astype(np.float32),
        block=np.array([0 if g[0] == "w" else 1 for g in vocab], dtype=np.int64),
        coef=np.zeros((len(vocab) + N_DENSE, 1), dtype=np.float32),
        intercept=np.zeros(1, dtype=np.float32),
        classes=(),
        lexicon=lexicon,
        meta={},
    )


def matrix(model: LinearTextModel, texts: list[str]) -> sp.csr_matrix:
    """The exact feature matrix the shipped model scores (see ``LinearTextModel.design``)."""
    row, col, value, dense = model.design(texts)
    grams_part = sp.csr_matrix((value, (row, col)), shape=(len(texts), len(model.idf)))
    return sp.hstack([grams_part, sp.csr_matrix(dense)], format="csr")


def fit(
    texts: list[str],
    labels: np.ndarray,
    lexicon: dict[str, float],
    c: float,
    *,
    min_df: int = 1,
    groups: np.ndarray | None = None,
) -> LinearTextModel:
    """Fit a logistic regression; with *groups*, every group weighs the same in the loss."""
    base = empty_model(texts, lexicon, min_df)
    clf = LogisticRegression(C=c, max_iter=5000, random_state=SEED)
    weight = None
    if groups is not None:
        # Balanced per (language, class): the 12k English OLID tweets must not drown the 3k
        # French ones, nor the 22 % French "normal" tweets their hostile majority.
        names, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
        weight = len(groups) / (len(names) * counts[inverse])
    clf.fit(matrix(base, texts), labels, sample_weight=weight)
    return LinearTextModel(
        vocabulary=base.vocabulary,
        idf=base.idf,
        block=base.block,
        coef=clf.coef_.T.astype(np.float32),
        intercept=clf.intercept_.astype(np.float32),
        classes=tuple(str(c) for c in clf.classes_),
        lexicon=lexicon,
        meta={},
    )


def cross_validate(
    frame: pd.DataFrame,
    lexicon: dict[str, float],
    grid: list[float],
    *,
    balanced: bool = False,
    **kw,
) -> None:
    """Print 5-fold macro-F1 per language on *frame* (train only) for each C in *grid*."""
    folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
    strata = frame["lang"] + frame["label"]
    for c in grid:
        pred = np.empty(len(frame), dtype=object)
        for a, b in folds.split(frame, strata):
            groups = (frame.lang + frame.label).iloc[a].to_numpy() if balanced else None
            model = fit(
                frame.text.iloc[a].tolist(),
                frame.label.iloc[a].to_numpy(),
                lexicon,
                c,
                groups=groups,
                **kw,
            )
            proba = model.predict_proba(frame.text.iloc[b].tolist())
            pred[b] = np.asarray(model.classes)[proba.argmax(axis=1)]
        scores = {
            lang: f1_score(
                frame.label[frame.lang == lang], pred[frame.lang == lang], average="macro"
            )
            for lang in ("fr", "en")
        }
        print(f"C={c:<5} " + "  ".join(f"{k} {v:.3f}" for k, v in scores.items()), flush=True)


def tone_frame() -> pd.DataFrame:
    parts = [
        pd.read_csv(DATA / f"{lang}_tweets_umsab_train.csv").assign(lang=lang)
        for lang in ("fr", "en")
    ]
    return pd.concat(parts, ignore_index=True)


def attack_frame() -> pd.DataFrame:
    olid = pd.read_csv(DATA / "en_offensive_olid_train.csv").assign(lang="en")
    olid["label"] = np.where(olid.label == "offensive", "attack", "none")
    mlma = pd.read_csv(DATA / "fr_attack_mlma_all.csv").assign(lang="fr")
    mlma = mlma[~mlma_is_validation(mlma.text)]
    mlma["label"] = np.where(mlma.label == "hostile", "attack", "none")
    return pd.concat(
        [olid[["text", "label", "lang"]], mlma[["text", "label", "lang"]]], ignore_index=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="print 5-fold CV on train first")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"training data not found at {DATA}")
    lexicon = load_lexicon()
    tone, attack = tone_frame(), attack_frame()
    if args.tune:
        print("tone, 5-fold CV on the train splits")
        cross_validate(tone, lexicon, [1.0, 3.0, 10.0])
        print("attack, 5-fold CV on the train splits")
        cross_validate(attack, lexicon, [1.0, 3.0, 10.0], min_df=ATTACK_MIN_DF, balanced=True)

    model = fit(tone.text.tolist(), tone.label.to_numpy(), lexicon, TONE_C)
    model = replace(
        model,
        meta={
            "task": "tone",
            "C": TONE_C,
            "min_df": 1,
            "n_train": len(tone),
            "train": ["fr_tweets_umsab_train", "en_tweets_umsab_train"],
        },
    )
    model.save(TONE_MODEL)
    print(
        f"wrote {TONE_MODEL} ({TONE_MODEL.stat().st_size / 1e6:.2f} MB, {len(model.idf)} n-grams)"
    )

    model = fit(
        attack.text.tolist(),
        attack.label.to_numpy(),
        lexicon,
        ATTACK_C,
        min_df=ATTACK_MIN_DF,
        groups=(attack.lang + attack.label).to_numpy(),
    )
    model = replace(
        model,
        meta={
            "task": "attack",
            "C": ATTACK_C,
            "min_df": ATTACK_MIN_DF,
            "n_train": len(attack),
            "threshold": 0.5,
            "sample_weight": "balanced per (language, class)",
            "train": ["en_offensive_olid_train", "fr_attack_mlma_all (crc32(text) % 5 != 0)"],
        },
    )
    model.save(ATTACK_MODEL)
    print(
        f"wrote {ATTACK_MODEL} ({ATTACK_MODEL.stat().st_size / 1e6:.2f} MB, "
        f"{len(model.idf)} n-grams)"
    )


if __name__ == "__main__":
    main()
