"""Hashtags: variants merged, labels, co-occurrence against an independent count."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd

from liens.analysis import AnalysisParams
from liens.analysis.hashtags import hashtag_key, hashtag_pairs, hashtag_table

DEMO = Path(__file__).resolve().parents[1] / "liens" / "demo" / "beer_stackexchange"


def test_the_seed_variants_are_one_hashtag():
    con = duckdb.connect()
    keys = con.execute(
        f"SELECT {hashtag_key('t')} FROM unnest(?::VARCHAR[]) x(t)",
        [["#allez_la_france", "#allezlafrance", "#AllezLaFrance", "#Allez-la-Frânce"]],
    ).fetchall()
    assert {k[0] for k in keys} == {"allezlafrance"}


def test_label_is_the_most_used_spelling(tmp_path):
    from liens.store import open_workspace

    con = open_workspace(tmp_path / "w.duckdb")
    con.execute(
        """INSERT INTO events (event_id, platform, kind, actor, created_at, post_id, hashtags)
        VALUES ('x:1', 'x', 'post', 'a', '2024-01-01', 'p1', ['AllezLaFrance']),
               ('x:2', 'x', 'post', 'b', '2024-01-01', 'p2', ['allez_la_france']),
               ('x:3', 'x', 'post', 'c', '2024-01-02', 'p3', ['allez_la_france', 'JO2024'])"""
    )
    t = hashtag_table(con, AnalysisParams()).set_index("key")
    con.close()
    assert t.loc["allezlafrance", "label"] == "allez_la_france"
    assert t.loc["allezlafrance", "uses"] == 3
    assert list(t.loc["allezlafrance", "variants"]) == ["allez_la_france", "AllezLaFrance"]


def test_pairs_match_tags_counted_from_the_dump(demo_workspace):
    posts = pd.read_parquet(DEMO / "posts.parquet")
    tags = posts["Tags"].dropna().str.findall(r"<([^>]+)>")
    ref = Counter(
        pair
        for ts in tags
        for pair in itertools.combinations(
            sorted({t.replace("-", "").replace(".", "") for t in ts}), 2
        )
    )
    con = duckdb.connect(str(demo_workspace), read_only=True)
    try:
        pairs = hashtag_pairs(con, AnalysisParams())
    finally:
        con.close()
    got = {(a, b): n for a, b, n in pairs[["key_a", "key_b", "together"]].itertuples(index=False)}
    assert got == dict(ref)
