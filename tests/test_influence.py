"""Influence as caused engagement: checked against networkx on real Twitter16 cascades."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from liens.analysis import AnalysisParams
from liens.analysis.influence import (
    hidden_prescripteurs,
    influence_measures,
    influence_units,
    rank_correlations,
    rank_intervals,
)
from liens.store.schema import create_statements

TREES = Path(__file__).parent / "fixtures" / "cascades_slice" / "tree"
EDGE = re.compile(r"\['([^']*)', '([^']*)', '([^']*)'\]->\['([^']*)', '([^']*)', '([^']*)'\]")


def _edges() -> pd.DataFrame:
    rows = []
    for f in sorted(TREES.glob("*.txt")):
        for m in EDGE.finditer(f.read_text()):
            pu, pt, pd_, cu, ct, cd = m.groups()
            rows.append((f.stem, pu, f"{pu}|{pt}|{pd_}", cu, f"{cu}|{ct}|{cd}", float(cd)))
    df = pd.DataFrame(rows, columns=["src", "pu", "pkey", "cu", "ckey", "delay"])
    return df.drop_duplicates("ckey")


@pytest.fixture(scope="module")
def cascades() -> tuple[duckdb.DuckDBPyConnection, pd.DataFrame]:
    """A workspace holding the three trees: the source as a post, every child as a share."""
    e = _edges()
    con = duckdb.connect()
    for stmt in create_statements():
        con.execute(stmt)
    e["kind"] = np.where(e["pu"] == "ROOT", "post", "share")
    e["parent"] = e["pkey"].where(e["pu"] != "ROOT")
    e["target"] = e["pu"].where(e["pu"] != "ROOT")
    e["t"] = pd.Timestamp("2016-01-01") + pd.to_timedelta(e["delay"].clip(lower=0), unit="min")
    con.register("_e", e)
    con.execute(
        """INSERT INTO posts (platform, post_id, author, kind, created_at, parent_post_id,
             root_post_id)
           SELECT 'twitter', ckey, cu, kind, t, parent, src FROM _e"""
    )
    con.execute(
        """INSERT INTO events (event_id, platform, kind, actor, target, created_at, post_id,
             parent_post_id, root_post_id)
           SELECT 'twitter:' || ckey, 'twitter', kind, cu, target, t, ckey, parent, src
           FROM _e"""
    )
    con.execute(
        "INSERT INTO accounts (platform, account_id, owned) "
        "SELECT DISTINCT 'twitter', cu, false FROM _e"
    )
    return con, e


def _reference(e: pd.DataFrame) -> pd.Series:
    """Caused engagement per user from networkx: direct children and deeper descendants by
    others, summed over the user's nodes."""
    g = nx.DiGraph()
    g.add_nodes_from(e["ckey"])
    author = dict(zip(e["ckey"], e["cu"], strict=True))
    g.add_edges_from((p, c) for p, c in zip(e["pkey"], e["ckey"], strict=True) if p in author)
    total: dict[str, int] = {}
    for node in g.nodes:
        a = author[node]
        children = set(g.successors(node))
        direct = sum(author[c] != a for c in children)
        deep = sum(author[d] != a for d in nx.descendants(g, node) - children)
        total[a] = total.get(a, 0) + direct + deep
    return pd.Series(total)


def test_caused_engagement_matches_networkx_descendants(cascades):
    con, e = cascades
    m = influence_measures(con, AnalysisParams()).set_index("account")
    ref = _reference(e)
    ref = ref[ref > 0]
    got = m["influence"][m["influence"] > 0]
    assert got.sort_index().to_dict() == ref.sort_index().to_dict()


def test_a_share_of_a_share_is_credited_to_the_relayer(cascades):
    con, e = cascades
    m = influence_measures(con, AnalysisParams()).set_index("account")
    # direct shares per parent user, counted from the tree lines themselves
    direct = e[(e["pu"] != "ROOT") & (e["pu"] != e["cu"])].groupby("pu").size()
    relayers = set(e.loc[e["pu"] != "ROOT", "pu"]) - set(e.loc[e["pu"] == "ROOT", "cu"])
    assert relayers, "the fixture holds shares of shares"
    for r in relayers:
        assert m.loc[r, "amplification"] == direct[r]


def test_units_sum_to_the_influence_column(cascades):
    con, _ = cascades
    u = influence_units(con, AnalysisParams())
    m = influence_measures(con, AnalysisParams(), units=u).set_index("account")
    per = u.groupby("account")["caused"].sum()
    assert (m.loc[per.index, "influence"] - m.loc[per.index, "mentions"] == per).all()


def test_spearman_equals_the_textbook_formula_without_ties():
    rng = np.random.default_rng(0)
    a, b = rng.permutation(50).astype(float), rng.permutation(50).astype(float)
    df = pd.DataFrame({"platform": "x", "audience": a, "influence": b})
    d = a - b  # values are their own ranks - 1
    expected = 1 - 6 * (d**2).sum() / (50 * (50**2 - 1))
    got = rank_correlations(df, columns=("audience", "influence"), tops=(1.0,))
    assert got["spearman"].iloc[0] == pytest.approx(expected)


def test_hidden_prescripteur_needs_high_influence_and_small_audience():
    df = pd.DataFrame(
        {
            "platform": "x",
            "account": list("abcdefghij"),
            "audience": [1, 2, 3, 4, 5, 6, 7, 8, 9, 100],
            "influence": [50, 1, 1, 1, 1, 1, 1, 1, 1, 60],
        }
    )
    out = hidden_prescripteurs(df, influence_top=0.2, audience_max=0.5, min_influence=3)
    assert out.loc[out.hidden_prescripteur, "account"].tolist() == ["a"]


def test_bootstrap_interval_brackets_a_dominant_account(cascades):
    con, _ = cascades
    u = influence_units(con, AnalysisParams())
    m = influence_measures(con, AnalysisParams(), units=u)
    r = rank_intervals(u, m, replicates=50, seed=1)
    top = r.iloc[0]
    assert top["rank_low"] <= top["influence_rank"] <= top["rank_high"]
    assert (r["rank_low"] <= r["rank_high"]).all()
    assert r["top10_probability"].between(0, 1).all()


def _chain_workspace(parents: dict[str, str | None], authors: dict[str, str | None]):
    con = duckdb.connect()
    for stmt in create_statements():
        con.execute(stmt)
    for post, parent in parents.items():
        con.execute(
            "INSERT INTO posts (platform, post_id, author, kind, created_at, parent_post_id) "
            "VALUES ('x', ?, ?, 'reply', TIMESTAMP '2020-01-01', ?)",
            [post, authors[post], parent],
        )
    return con


def _deep(con, **options) -> dict[str, int]:
    u = influence_units(con, AnalysisParams(options=options))
    return dict(zip(u["unit"], u["deep"], strict=True))


def test_deep_descendants_stop_at_the_depth_cap():
    # a <- b <- c <- d <- e, five authors: e is 4 levels below a, d 3, c 2.
    chain = {"a": None, "b": "a", "c": "b", "d": "c", "e": "d"}
    con = _chain_workspace(chain, {p: p.upper() for p in chain})
    assert _deep(con) == {"a": 3, "b": 2, "c": 1, "d": 0, "e": 0}
    assert _deep(con, max_cascade_depth=3) == {"a": 2, "b": 2, "c": 1, "d": 0, "e": 0}


def test_deep_descendants_skip_the_ancestors_own_and_count_missing_authors_once():
    chain = {"a": None, "b": "a", "c": "b", "d": "c", "e": "d"}
    # c by a's author: not counted for a; d and e without author count for every known
    # author above them (d and e, without author, are credited to nobody: not units).
    con = _chain_workspace(chain, {"a": "A", "b": "B", "c": "A", "d": None, "e": None})
    assert _deep(con) == {"a": 2, "b": 2, "c": 1}


def test_a_cycle_of_parents_ends_at_the_depth_cap():
    con = _chain_workspace({"a": "b", "b": "a"}, {"a": "A", "b": "B"})
    # a's ancestors: b (1), a (2), b (3), a (4), b (5): from depth 2, b counts a's post at
    # odd depths (another author), a never counts its own; the same from b's side.
    assert _deep(con, max_cascade_depth=2) == {"a": 0, "b": 0}
    assert _deep(con, max_cascade_depth=4) == {"a": 1, "b": 1}
    assert _deep(con, max_cascade_depth=5) == {"a": 2, "b": 2}
