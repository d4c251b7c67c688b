"""How well does the content-type classifier agree with hand labels? Precision, recall, F1.

Data: ``tests/fixtures/content_types/labels.csv`` (174 French and English posts from
CrisisLexT26 and the beer.stackexchange.com demo, labelled by hand; see its SOURCE.md). The
word lists were written before the labels and were not tuned on them.

Run: ``.venv/bin/python bench/eval_content_types.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from liens.analysis.content_types import OTHER, TYPES, classify_texts

LABELS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "content_types" / "labels.csv"


def scores(gold: pd.Series, pred: pd.Series) -> pd.DataFrame:
    rows = []
    for k in (*TYPES, OTHER):
        tp = int(((pred == k) & (gold == k)).sum())
        fp = int(((pred == k) & (gold != k)).sum())
        fn = int(((pred != k) & (gold == k)).sum())
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        f = 2 * p * r / (p + r) if p + r else float("nan")
        rows.append(
            {
                "type": k,
                "support": tp + fn,
                "predicted": tp + fp,
                "precision": p,
                "recall": r,
                "f1": f,
            }
        )
    return pd.DataFrame(rows)


def main() -> int:
    df = pd.read_csv(LABELS)
    df["pred"] = classify_texts(df["text"])["content_type"].to_numpy()
    fmt = {"float_format": lambda x: f"{x:.2f}", "index": False}
    for name, part in [("all", df), ("en", df[df.lang == "en"]), ("fr", df[df.lang == "fr"])]:
        table = scores(part["label"], part["pred"])
        macro = table.loc[table["support"] > 0, "f1"].fillna(0).mean()
        acc = float((part["label"] == part["pred"]).mean())
        print(
            f"\n{name}: {len(part)} texts, accuracy {acc:.2f}, macro-F1 {macro:.2f} "
            "(types with support)"
        )
        print(table.to_string(**fmt))
    print("\nconfusion (rows gold, columns predicted):")
    print(pd.crosstab(df["label"], df["pred"]).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
