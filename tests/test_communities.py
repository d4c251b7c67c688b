"""Leiden communities: repeatable with a seed, modularity as networkx computes it."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from test_centrality import to_igraph

from liens.analysis.communities import bridges, leiden
from liens.analysis.graph import undirected_graph


def test_leiden_is_repeatable_and_its_modularity_equals_networkx():
    G = nx.karate_club_graph()
    g, names = to_igraph(G)
    a = leiden(g, seed=3)
    assert np.array_equal(a, leiden(g, seed=3))
    parts = [{names[i] for i in np.flatnonzero(a == c)} for c in np.unique(a)]
    q_nx = nx.community.modularity(G, parts, weight="weight")
    assert (
        g.modularity(a, weights="weight") == np.float64(q_nx)
        or abs(g.modularity(a, weights="weight") - q_nx) < 1e-9
    )
    assert q_nx > 0.4  # karate club: Leiden finds the known ~0.44 optimum region
    sizes = np.bincount(a)
    assert list(sizes) == sorted(sizes, reverse=True)  # numbered by decreasing size


def test_higher_resolution_gives_more_communities():
    g, _ = to_igraph(nx.les_miserables_graph())
    assert leiden(g, resolution=3.0).max() > leiden(g, resolution=0.5).max()


def test_bridges_are_exactly_the_ties_across_communities():
    pairs = pd.DataFrame(
        {"platform": "p", "a": ["a", "a", "b", "c"], "b": ["b", "c", "c", "d"],
         "strength": [0.9, 0.5, 0.4, 0.1], "n_events": [3, 2, 1, 1]}
    )  # fmt: skip
    members = pd.DataFrame({"account": ["a", "b", "c", "d"], "community": [0, 0, 1, 1]})
    br = bridges(pairs, members)
    assert set(zip(br["a"], br["b"], strict=True)) == {("a", "c"), ("b", "c")}
    assert br.set_index("a").loc["a", "broker_score_a"] == 1


def test_bridges_from_graph_ends_equal_bridges_found_by_account():
    # "d" comes before "a" in the vertex order: igraph lists the edge (a, d) as (d, a), the
    # ``ends`` attribute keeps the rows' own orientation
    pairs = pd.DataFrame(
        {"platform": "p", "a": ["a", "a", "b", "c", "a"], "b": ["b", "c", "c", "d", "d"],
         "strength": [0.9, 0.5, 0.4, 0.1, 0.3], "n_events": [3, 2, 1, 1, 1]}
    )  # fmt: skip
    members = pd.DataFrame({"account": ["d", "c", "b", "a"], "community": [1, 1, 0, 0]})
    gu = undirected_graph(pairs, accounts=members["account"].to_numpy(object))
    assert gu.vs["name"] == ["d", "c", "b", "a"]
    ends = (gu["ends"][:, 0], gu["ends"][:, 1])
    by_ids = bridges(pairs, members, ends=ends)
    pd.testing.assert_frame_equal(by_ids, bridges(pairs, members))
    assert by_ids.set_index("a").loc["a", "community_b"].tolist() == [1, 1]
    assert by_ids.set_index("b").loc["d", "broker_score_b"] == 1
    assert by_ids.set_index("a").loc["a", "broker_score_a"].tolist() == [1, 1]
