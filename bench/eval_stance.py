"""Do tone-based critics and defenders match the stance labels of RumourEval 2017?

Data: RumourEval 2017 threads (Derczynski et al., SemEval 2017 Task 8; PHEME, Zubiaga et al.
2016), imported with liens' RumourEval reader. Each thread's source tweet plays the brand
(``options["brand_roots"] = True``); every reply is classified by
:func:`liens.analysis.advocates.brand_replies` **without** the stance labels
(``use_stance=False``: tone only, from :func:`liens.analysis.tone.score_tone`), then compared
with the labels:

- *critic* (position ``against``: tone < -t) against the gold ``deny``;
- *favourable* (tone > +t) against the gold ``support``;
- *defence* (favourable reply whose parent is a predicted critic) against the gold defence
  (``support`` reply whose parent is a ``deny``).

The threshold t is chosen on ``traindev`` (best F1 for critic) among a small grid and reported
on ``test``; the base rate (precision of labelling every reply) is the reference a classifier
must beat. The data has no user ids, so the comparison is per reply, not per account.

Run: ``.venv/bin/python bench/eval_stance.py`` (skips with a message when the data is absent).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.advocates import brand_replies
from liens.api import Workspace

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
DATA = DATA if DATA.exists() else Path("/work/shared/data")
GRID = (0.05, 0.2, 0.4, 0.6, 0.8)


def replies(split: Path, tmp: Path) -> pd.DataFrame:
    """Replies of one split with tone (no stance used) and the gold stance beside it."""
    with Workspace(tmp / f"{split.name}.duckdb") as ws:
        ws.import_file(split)
        params = AnalysisParams(options={"brand_roots": True})
        df = brand_replies(ws.con, params, use_stance=False)
        gold = ws.sql(
            "SELECT event_id, post_id, json_extract_string(extra, '$.stance') AS gold "
            "FROM events WHERE kind = 'reply'"
        )
    df = df.merge(gold[["event_id", "gold"]], on="event_id", how="left")
    parent_gold = dict(zip(gold["post_id"], gold["gold"], strict=True))
    df["parent_gold"] = df["parent_post_id"].map(parent_gold)
    return df


def scores(pred: pd.Series, truth: pd.Series) -> dict[str, float]:
    tp = int((pred & truth).sum())
    p = tp / pred.sum() if pred.sum() else np.nan
    r = tp / truth.sum() if truth.sum() else np.nan
    f1 = 2 * p * r / (p + r) if p and r and p + r else np.nan
    return {"n_pred": int(pred.sum()), "n_gold": int(truth.sum()), "precision": p,
            "recall": r, "f1": f1, "base_rate": truth.mean()}  # fmt: skip


def classify(df: pd.DataFrame, t: float) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    out["critic"] = df["tone"] < -t
    out["favour"] = df["tone"] > t
    critic_posts = set(df.loc[out["critic"], "post_id"])
    out["defence"] = out["favour"] & df["parent_post_id"].isin(critic_posts)
    return out


def table(df: pd.DataFrame, t: float, split: str) -> list[dict]:
    c = classify(df, t)
    gold_def = (df["gold"] == "support") & (df["parent_gold"] == "deny")
    rows = []
    for name, pred, truth in (
        ("critic vs deny", c["critic"], df["gold"] == "deny"),
        ("favourable vs support", c["favour"], df["gold"] == "support"),
        ("defence vs support-to-deny", c["defence"], gold_def),
    ):
        rows.append({"split": split, "threshold": t, "task": name, **scores(pred, truth)})
    return rows


def main() -> int:
    root = DATA / "rumoureval2017_threads"
    if not (root / "traindev" / "posts.json").exists():
        print(f"skipped: {root} is absent")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        train = replies(root / "traindev", Path(tmp))
        test = replies(root / "test", Path(tmp))
    for name, df in (("traindev", train), ("test", test)):
        print(f"{name}: {len(df):,} replies, tone known for {df['tone'].notna().mean():.1%}; "
              f"gold {df['gold'].value_counts().to_dict()}")  # fmt: skip
    tuning = pd.DataFrame([r for t in GRID for r in table(train, t, "traindev")])
    crit = tuning[tuning["task"] == "critic vs deny"]
    best = float(crit.loc[crit["f1"].idxmax(), "threshold"])
    print("\nthreshold choice on traindev (critic vs deny):")
    print(crit[["threshold", "precision", "recall", "f1"]].to_string(index=False,
          float_format=lambda x: f"{x:.3f}"))  # fmt: skip
    out = pd.DataFrame(table(train, best, "traindev") + table(test, best, "test"))
    print(f"\nchosen threshold t = {best} (tone < -t: against; > +t: in favour)")
    print(out.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
