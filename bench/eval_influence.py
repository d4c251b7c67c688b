"""Does caused engagement on earlier cascades predict who causes engagement later?

Data: Twitter15/16 propagation trees (Ma, Gao & Wong, ACL 2017; Liu et al. CIKM 2015; Ma et
al. IJCAI 2016): one tree per source tweet, edges ``parent -> child`` between (user, tweet,
delay) nodes; retweets and replies are not told apart, so every child is a ``share`` event of
its parent node (a child of a non-root node is a share of that relayer's share). Trees shared by
Twitter15 and Twitter16 are counted once.

Split: by **cascade**, in time order: the cascades whose source tweet is among the earliest 70%
(time from the snowflake id) are the past, the later 30% the future. Each half is loaded into
its own in-memory workspace (events and posts built directly from the trees; the importers are
tested elsewhere) and :func:`liens.analysis.influence.influence_measures` runs on each.

Accounts evaluated: those appearing (as any node) in both halves. Target: their ``influence``
in the future half (engagement their publications caused: direct shares plus deeper
descendants by others). Predictors from the past half:

- ``influence`` (liens) and ``amplification`` (direct shares by others, relayer credited);
- baseline ``audience``: the attention in-degree (distinct accounts that shared them), the
  audience proxy liens uses without follower counts (the data holds none);
- baseline ``activity``: number of appearances (publications) in the past half.

Scores: Spearman rank correlation with the future influence, and precision at k (k = 10, 100):
the share of the predictor's top k that are among the top k by future influence (ties broken by
account id). Also the same with the future *direct* amplification as target.

Run: ``.venv/bin/python bench/eval_influence.py`` (skips with a message when the data is absent).
"""

from __future__ import annotations

import sys
import tarfile
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.influence import influence_measures
from liens.store.schema import create_statements

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
DATA = DATA if DATA.exists() else Path("/work/shared/data")
TRAIN_SHARE = 0.7
# one node of a tree line, quotes doubled for a SQL string literal
NODE = r"\[''([^'']*)'', ''([^'']*)'', ''([^'']*)''\]"


def load_edges(tmp: Path) -> duckdb.DuckDBPyConnection:
    """Edges of every tree as (src, pu, pt, pd, cu, ct, cd), one table, deduplicated."""
    with tarfile.open(DATA / "twitter15_16" / "twitter15_16_trees.tar.gz") as tar:
        tar.extractall(tmp, filter="data")
    con = duckdb.connect()
    con.execute(
        f"""
CREATE TABLE edges AS
WITH e AS (
  SELECT regexp_extract(filename, '(\\d+)\\.txt$', 1) AS src, line
  FROM read_csv('{tmp}/*/tree/*.txt', sep = '\\x01', header = false, quote = '',
                escape = '', columns = {{'line': 'VARCHAR'}}, filename = true)),
p AS (
  SELECT src, regexp_extract(line, '^{NODE}->{NODE}', ['pu', 'pt', 'pd', 'cu', 'ct', 'cd']) AS m
  FROM e)
SELECT DISTINCT src, m.pu, m.pt, m.pd, m.cu, m.ct, m.cd FROM p"""
    )
    con.execute(
        """CREATE TABLE cascades AS
SELECT src, make_timestamp(((CAST(src AS BIGINT) >> 22) + 1288834974657) * 1000) AS start,
  row_number() OVER (ORDER BY CAST(src AS BIGINT)) AS k
FROM (SELECT DISTINCT src FROM edges)"""
    )
    return con


def workspace(edges: duckdb.DuckDBPyConnection, srcs: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory workspace holding the given cascades as post and share events."""
    con = duckdb.connect()
    for stmt in create_statements():
        con.execute(stmt)
    edges.register("_srcs", srcs[["src"]])
    df = edges.execute(
        """
SELECT e.src, e.pu, e.pu || '|' || e.pt || '|' || e.pd AS pkey,
  e.cu, e.cu || '|' || e.ct || '|' || e.cd AS ckey,
  c.start + to_microseconds(CAST(greatest(CAST(e.cd AS DOUBLE), 0) * 60e6 AS BIGINT)) AS t
FROM edges e JOIN _srcs s USING (src) JOIN cascades c USING (src)"""
    ).df()
    edges.unregister("_srcs")
    con.register("_e", df)
    # the root node: parent ROOT; its child is the source tweet (a post)
    con.execute(
        """
INSERT INTO posts (platform, post_id, author, kind, created_at, parent_post_id, root_post_id)
SELECT DISTINCT ON (ckey) 'twitter', ckey, cu,
  CASE WHEN pu = 'ROOT' THEN 'post' ELSE 'share' END, t,
  CASE WHEN pu = 'ROOT' THEN NULL ELSE pkey END, src
FROM _e ORDER BY ckey, t"""
    )
    con.execute(
        """
INSERT INTO events (event_id, platform, kind, actor, target, created_at, post_id,
  parent_post_id, root_post_id)
SELECT 'twitter:' || post_id, 'twitter', kind, author,
  CASE WHEN kind = 'share' THEN split_part(parent_post_id, '|', 1) END,
  created_at, post_id, parent_post_id, root_post_id FROM posts"""
    )
    con.execute(
        """INSERT INTO accounts (platform, account_id, owned)
SELECT DISTINCT 'twitter', author, false FROM posts"""
    )
    con.unregister("_e")
    return con


def precision_at_k(pred: pd.Series, truth: pd.Series, k: int) -> float:
    top_p = set(pred.sort_values(ascending=False, kind="stable").index[:k])
    top_t = set(truth.sort_values(ascending=False, kind="stable").index[:k])
    return len(top_p & top_t) / k


def main() -> int:
    if not (DATA / "twitter15_16" / "twitter15_16_trees.tar.gz").exists():
        print(f"skipped: {DATA}/twitter15_16 is absent")
        return 0
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        edges = load_edges(Path(tmp))
    casc = edges.execute("SELECT * FROM cascades ORDER BY k").df()
    cut = int(len(casc) * TRAIN_SHARE)
    past, future = casc.iloc[:cut], casc.iloc[cut:]
    print(
        f"{len(casc)} cascades; past {len(past)} (to {past.start.max():%Y-%m-%d}), "
        f"future {len(future)} (from {future.start.min():%Y-%m-%d})"
    )
    res = {}
    for name, part in (("past", past), ("future", future)):
        ws = workspace(edges, part)
        m = influence_measures(ws, AnalysisParams())
        posts = ws.execute("SELECT author AS account, count(*) AS n FROM posts GROUP BY 1").df()
        m = m.merge(posts, on="account", how="outer").fillna({"n": 0})
        res[name] = m.set_index("account")
        print(f"  {name}: {ws.execute('SELECT count(*) FROM events').fetchone()[0]:,} events")
        ws.close()
    p, f = res["past"], res["future"]
    common = p.index.intersection(f.index)
    p, f = p.loc[common].fillna(0), f.loc[common].fillna(0)
    preds = {
        "influence (liens)": p["influence"],
        "amplification (liens)": p["amplification"],
        "audience: attention in-degree (baseline)": p["audience"],
        "activity: publications (baseline)": p["n"],
    }
    rows = []
    for target_name, target in (
        ("future influence", f["influence"]),
        ("future amplification", f["amplification"]),
    ):
        for name, pred in preds.items():
            rows.append(
                {
                    "target": target_name,
                    "predictor (past cascades)": name,
                    "spearman": pred.rank().corr(target.rank()),
                    "p@10": precision_at_k(pred, target, 10),
                    "p@100": precision_at_k(pred, target, 100),
                }
            )
    out = pd.DataFrame(rows)
    print(f"accounts in both halves: {len(common):,}; with future influence > 0: "
          f"{int((f['influence'] > 0).sum()):,}")  # fmt: skip
    print(out.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
