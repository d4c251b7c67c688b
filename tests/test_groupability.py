"""Contact suggestions equal networkx's link-prediction indices; paths and closure."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from test_centrality import to_igraph
from test_ties import workspace

from liens.analysis import AnalysisParams
from liens.analysis.graph import undirected_graph, write_graph
from liens.analysis.groupability import closure_over_time, connection_paths, suggestions


@pytest.mark.parametrize("graph", [nx.karate_club_graph, nx.florentine_families_graph])
def test_suggestion_scores_equal_networkx(graph):
    G = graph()
    g, _ = to_igraph(G)
    got = suggestions(g, k=1000, min_degree=1).set_index(["account", "suggestion"])
    for fn, col in (
        (nx.adamic_adar_index, "adamic_adar"),
        (nx.resource_allocation_index, "resource_allocation"),
        (nx.jaccard_coefficient, "jaccard"),
    ):
        ref = {(u, v): p for u, v, p in fn(G) if p > 0}
        assert len(got) == 2 * len(ref)  # each candidate listed for both accounts
        for (u, v), p in ref.items():
            assert got.loc[(u, v), col] == pytest.approx(p, abs=1e-9)
            assert got.loc[(v, u), col] == pytest.approx(p, abs=1e-9)
    cn = {(u, v): len(list(nx.common_neighbors(G, u, v))) for u, v in got.index}
    assert all(got["common_neighbors"] == pd.Series(cn))


def test_accounts_with_one_contact_get_no_suggestion():
    G = nx.karate_club_graph()
    g, _ = to_igraph(G)
    leaves = {v for v, d in G.degree() if d == 1}
    assert leaves  # karate club member 11 has a single contact
    default = suggestions(g, k=1000)
    everyone = suggestions(g, k=1000, min_degree=1)
    assert set(default["account"]) == set(everyone["account"]) - leaves
    kept = everyone[~everyone["account"].isin(leaves)].reset_index(drop=True)
    pd.testing.assert_frame_equal(default.reset_index(drop=True), kept)


def test_top_k_keeps_the_best_adamic_adar_per_account():
    g, _ = to_igraph(nx.karate_club_graph())
    full = suggestions(g, k=1000)
    top = suggestions(g, k=3)
    assert top.groupby("account").size().max() == 3
    best = full.sort_values("adamic_adar", ascending=False).groupby("account").head(1)
    merged = best.merge(top[top["rank"] == 1], on="account")
    assert np.allclose(merged["adamic_adar_x"], merged["adamic_adar_y"])


def test_connection_paths_shortest_strongest_and_mutual(tmp_path):
    con = workspace(tmp_path)
    res = connection_paths(con, "ann", "dan")
    assert res["hops"] == 2
    assert res["shortest"] == [["ann", "cat", "dan"]]
    assert res["strongest"][0] == "ann" and res["strongest"][-1] == "dan"
    assert 0 < res["strongest_product"] <= 1
    mutual = connection_paths(con, "ann", "cat")["mutual"]
    assert list(mutual["account"]) == ["bob"]


def test_closure_over_time_counts_the_triad_closed(tmp_path):
    text = (
        "actor,target,ts,kind\n"
        "a,b,2024-01-01T00:00:00,message\nb,c,2024-01-02T00:00:00,message\n"
        "c,d,2024-01-02T00:00:00,message\nz,y,2024-01-02T00:00:00,message\n"
        "a,c,2024-01-10T00:00:00,message\n"
    )
    con = workspace(tmp_path, text)
    res = closure_over_time(con, AnalysisParams(), at="2024-01-05")
    # at t: path a-b-c-d has open triads a-b-c and b-c-d; a-c closes one of them
    assert res["open_triads"] == 2 and res["closed_triads"] == 1
    assert res["closure_rate"] == 0.5


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_is_read_back_by_networkx(tmp_path, fmt):
    from liens.analysis.ties import directed_ties

    con = workspace(tmp_path)
    path = write_graph(con, tmp_path / f"g.{fmt}", fmt, AnalysisParams())
    G = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    ties = directed_ties(con, AnalysisParams())
    expect = {
        ("demo:" + s, "demo:" + t) for s, t in zip(ties["source"], ties["target"], strict=False)
    }
    assert set(G.edges()) == expect
    assert set(G.nodes()) == {n for e in expect for n in e}
    e = G.edges["demo:ann", "demo:bob"]
    row = ties.set_index(["source", "target"]).loc[("ann", "bob")]
    assert float(e["strength"]) == pytest.approx(row["strength"])
    assert int(e["n_message"]) == 1 and e["orientation"] == "bilateral"


@pytest.fixture(scope="module")
def higgs(tmp_path_factory):
    """The first 2,000 Higgs events (tests/fixtures/higgs_slice) in a workspace."""
    from pathlib import Path

    from liens.api import Workspace

    path = Path(__file__).parent / "fixtures" / "higgs_slice" / "higgs-activity-2000.txt.gz"
    ws = Workspace(tmp_path_factory.mktemp("higgs") / "w.duckdb")
    columns = {"actor": "a", "target": "b", "created_at": "ts", "kind": "type"}
    ws.import_file(path, platform="twitter", delimiter=" ", header=False,
                   names=["a", "b", "ts", "type"], columns=columns)  # fmt: skip
    return ws.con


@pytest.mark.parametrize("at", [None, "2012-07-01 01:00:00", "2012-07-01 03:30:00"])
def test_closure_in_window_equals_the_two_pass_closure_on_higgs(higgs, at):
    from liens.analysis.groupability import closure_in_window
    from liens.analysis.ties import pair_ties

    pairs = pair_ties(higgs, AnalysisParams())
    fast = closure_in_window(pairs, at=at)
    slow = closure_over_time(higgs, AnalysisParams(), at=at)
    assert fast["open_triads"] > 0  # the slice has open triads at every tested time
    assert fast == slow
    # read as vertex ids from the graph of the pairs, vertices reversed: same result
    gu = undirected_graph(pairs, accounts=np.unique(pairs[["a", "b"]].to_numpy(object))[::-1])
    assert closure_in_window(pairs, at=at, graph=gu) == slow


def test_ranks_order_by_adamic_adar_then_common_neighbours_then_vertex():
    # a grid ties many candidates on every score: the order among them is the vertex order
    G = nx.convert_node_labels_to_integers(nx.grid_2d_graph(6, 6))
    g, _ = to_igraph(G)
    got = suggestions(g, k=1000)
    ref = got.assign(_aa=-got["adamic_adar"], _cn=-got["common_neighbors"])
    ref = ref.sort_values(["account", "_aa", "_cn", "suggestion"], kind="stable")
    assert got["suggestion"].tolist() == ref["suggestion"].tolist()
    assert (got.groupby("account")["rank"].diff().dropna() == 1).all()
    top = suggestions(g, k=2)
    assert top["suggestion"].tolist() == ref.groupby("account").head(2)["suggestion"].tolist()
