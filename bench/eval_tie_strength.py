"""Does the tie-strength composite predict which ties stay active better than a message count?

Data: CollegeMsg (Panzarasa, Opsahl & Carley 2009; SNAP), private messages with timestamps.
Protocol (a time split, never a random one):

- *tuning split*: ties observed before t1 (the 50th percentile of message times), label = the
  pair exchanges at least one message in (t1, t2] (t2 = 70th percentile). The component
  weights and the recency half-life are chosen by grid search on this split only.
- *report split*: ties observed before t2, label = active in (t2, end]. The tuned weights, the
  shipped defaults and each component alone are scored here; nothing is tuned on it.

Score: ROC AUC (probability that a tie active again ranks above one that is not).
Run: ``.venv/bin/python bench/eval_tie_strength.py`` (skips when the data is absent).
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.ties import (
    COMPONENTS,
    DEFAULT_COMPONENT_WEIGHTS,
    DEFAULT_RECENCY_HALF_LIFE_DAYS,
    pair_ties,
)
from liens.sources import ReadOptions, detect_reader
from liens.store import import_chunks, open_workspace

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "temporal_messaging"
DATA = DATA if DATA.exists() else Path("/work/shared/data/temporal_messaging")
FILE = DATA / "CollegeMsg.txt"
TUNED = ("frequency", "duration", "recency", "mutuality", "structural")
GRID = (0.0, 0.5, 1.0, 2.0)
HALF_LIVES = (3.0, 7.0, 14.0, 30.0, 60.0)


def auc(score: np.ndarray, label: np.ndarray) -> float:
    """ROC AUC by the rank-sum (Mann-Whitney) formula, ties given their mean rank."""
    ranks = pd.Series(score).rank(method="average").to_numpy()
    pos = label.astype(bool)
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def split(con, t_obs: str, t_end: str | None, half_life: float) -> pd.DataFrame:
    params = AnalysisParams(end=t_obs, options={"recency_half_life_days": half_life})
    pairs = pair_ties(con, params)
    later = "created_at >= CAST(? AS TIMESTAMP)" + (
        " AND created_at <= CAST(? AS TIMESTAMP)" if t_end else ""
    )
    args = [t_obs] + ([t_end] if t_end else [])
    active = con.execute(
        f"""SELECT DISTINCT least(actor, target) AS a, greatest(actor, target) AS b
        FROM events WHERE {later}""",
        args,
    ).df()
    active["label"] = 1
    pairs = pairs.merge(active, on=["a", "b"], how="left")
    pairs["label"] = pairs["label"].fillna(0).astype(int)
    return pairs


def composite(pairs: pd.DataFrame, weights: dict[str, float]) -> np.ndarray:
    cols = [c for c in COMPONENTS if not pairs[f"c_{c}"].isna().all()]
    x = pairs[[f"c_{c}" for c in cols]].to_numpy(float)
    w = np.array([weights.get(c, 0.0) for c in cols])
    return x @ w / max(w.sum(), 1e-12)


def main() -> int:
    if not FILE.exists():
        print(f"skipped: {FILE} not found (the shared data folder is absent)")
        return 0
    tmp = Path(tempfile.mkdtemp()) / "college.duckdb"
    con = open_workspace(tmp)
    opts = ReadOptions(
        platform="collegemsg",
        delimiter=" ",
        header=False,
        names=["src", "dst", "ts"],
        columns={"actor": "src", "target": "dst", "created_at": "ts"},
        constants={"kind": "message"},
    )
    reader = detect_reader(FILE)
    import_chunks(con, FILE, reader.read(FILE, opts), fmt=reader.name, options=opts)
    q = con.execute(
        "SELECT quantile_disc(created_at, 0.5), quantile_disc(created_at, 0.7) FROM events"
    ).fetchone()
    t1, t2 = (str(t) for t in q)
    print(
        f"CollegeMsg: tuning split observe < {t1}, label ({t1}, {t2}]; "
        f"report split observe < {t2}, label > {t2}"
    )

    best = (-1.0, None, None)
    for h in HALF_LIVES:
        tune = split(con, t1, t2, h)
        for combo in itertools.product(GRID, repeat=len(TUNED)):
            if not any(combo):
                continue
            w = dict(zip(TUNED, combo, strict=True))
            a = auc(composite(tune, w), tune["label"].to_numpy())
            if a > best[0]:
                best = (a, h, w)
    tune_auc, h_best, w_best = best
    tune = split(con, t1, t2, h_best)
    print(f"tuning split: {len(tune)} ties, {tune['label'].mean():.1%} active again")
    print(f"  best half-life {h_best} days, weights {w_best}: AUC {tune_auc:.4f}")
    print(f"  message count alone: AUC {auc(tune['n_events'].to_numpy(), tune['label']):.4f}")

    report = split(con, t2, None, h_best)
    default = split(con, t2, None, DEFAULT_RECENCY_HALF_LIFE_DAYS)
    y = report["label"].to_numpy()
    print(f"\nreport split: {len(report)} ties, {y.mean():.1%} active again")
    rows = [
        ("message count (n_events)", auc(report["n_events"].to_numpy(), y)),
        ("composite, tuned weights", auc(composite(report, w_best), y)),
        ("composite, shipped defaults (strength)", auc(default["strength"].to_numpy(), y)),
    ]
    rows += [
        (f"component c_{c} alone", auc(report[f"c_{c}"].to_numpy(), y))
        for c in COMPONENTS
        if not report[f"c_{c}"].isna().all()
    ]
    for name, a in rows:
        print(f"  {name:<42} AUC {a:.4f}")
    print(f"\nshipped default weights: {DEFAULT_COMPONENT_WEIGHTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
