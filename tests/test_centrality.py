"""Member metrics agree with networkx on its classic graphs (reference: networkx 3.6)."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from liens.analysis.centrality import (
    _distinct,
    clustering,
    coreness,
    degrees,
    eigenvector,
    pagerank,
    path_centralities,
    reciprocity,
)

GRAPHS = {
    "florentine": nx.florentine_families_graph,
    "karate": nx.karate_club_graph,
    "les_miserables": nx.les_miserables_graph,
    "davis": nx.davis_southern_women_graph,
}


def to_igraph(G: nx.Graph, directed: bool = False) -> tuple[ig.Graph, list]:
    names = list(G)
    idx = {v: i for i, v in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(idx[u], idx[v]) for u, v in G.edges()], directed=directed)
    g.vs["name"] = names
    g.es["weight"] = [float(d.get("weight", 1.0)) for _, _, d in G.edges(data=True)]
    return g, names


@pytest.mark.parametrize("name", GRAPHS)
def test_path_centralities_equal_networkx(name):
    G = GRAPHS[name]()
    g, names = to_igraph(G)
    pc = path_centralities(g)
    n = len(names)
    ref_b = nx.betweenness_centrality(G)
    ref_c = nx.closeness_centrality(G)
    ref_h = nx.harmonic_centrality(G)  # networkx does not normalise: divide by n - 1
    assert np.allclose(pc["betweenness"], [ref_b[v] for v in names], atol=1e-9)
    assert np.allclose(pc["closeness"], [ref_c[v] for v in names], atol=1e-9)
    assert np.allclose(pc["harmonic"], [ref_h[v] / (n - 1) for v in names], atol=1e-9)


@pytest.mark.parametrize("name", GRAPHS)
def test_clustering_coreness_eigenvector_equal_networkx(name):
    G = GRAPHS[name]()
    g, names = to_igraph(G)
    ref = nx.clustering(G)
    got = clustering(g)
    deg = np.array([G.degree(v) for v in names])
    # networkx gives 0 for degree < 2, liens NaN (undefined)
    assert np.isnan(got[deg < 2]).all()
    assert np.allclose(
        got[deg >= 2], [ref[v] for v, d in zip(names, deg, strict=False) if d >= 2], atol=1e-9
    )
    core = nx.core_number(G)
    assert list(coreness(g)) == [core[v] for v in names]
    weight = "weight" if name == "les_miserables" else None
    ev = nx.eigenvector_centrality_numpy(G, weight=weight)
    if weight is None:
        g.es["weight"] = 1.0
    assert np.allclose(eigenvector(g), [ev[v] for v in names], atol=1e-9)


def test_directed_degree_reciprocity_pagerank_equal_networkx():
    G = nx.gnp_random_graph(80, 0.06, directed=True, seed=7)
    for u, v in G.edges():
        G[u][v]["weight"] = float((u * 7 + v * 3) % 5 + 1)
    g, names = to_igraph(G, directed=True)
    d = degrees(g)
    assert list(d["degree_in"]) == [G.in_degree(v) for v in names]
    assert np.allclose(d["strength_out"], [G.out_degree(v, weight="weight") for v in names])
    rec = nx.reciprocity(G, [v for v in names if G.degree(v) > 0])
    got = reciprocity(g)
    assert np.allclose([got[names.index(v)] for v in rec], list(rec.values()), atol=1e-12)
    pr = nx.pagerank(G, weight="weight", tol=1e-14, max_iter=10_000)
    assert np.allclose(pagerank(g), [pr[v] for v in names], atol=1e-9)


def test_pivot_estimates_are_close_to_exact_and_report_their_error():
    G = nx.les_miserables_graph()
    g, _ = to_igraph(G)
    exact = path_centralities(g)
    est = path_centralities(g, exact_max_nodes=10, pivots=60, seed=1)
    assert est["method"] == "pivots" and exact["method"] == "exact"
    assert 0 < est["betweenness_rel_error"] < 1
    assert np.corrcoef(est["betweenness"], exact["betweenness"])[0, 1] > 0.98
    assert np.abs(est["harmonic"] - exact["harmonic"]).max() < 0.05


@pytest.mark.parametrize("name", ["les_miserables", "davis", "florentine"])
def test_pivot_estimates_from_every_vertex_are_the_exact_values(name):
    # with every vertex as a pivot the estimator sums all dependencies and distances: the
    # layer-by-layer search must then give igraph's exact values
    g, _ = to_igraph(GRAPHS[name]())
    g.add_vertices(2)  # an isolated vertex and a disconnected pair test unreachable vertices
    g.add_edges([(g.vcount() - 2, g.vcount() - 1)])
    exact = path_centralities(g)
    est = path_centralities(g, exact_max_nodes=2, pivots=g.vcount())
    assert est["method"] == "pivots" and exact["method"] == "exact"
    for col in ("betweenness", "closeness", "harmonic"):
        assert np.allclose(est[col], exact[col], rtol=1e-12, atol=1e-15), col


@pytest.mark.parametrize("size", [3, 40, 5000])  # narrow layers sorted, wide ones scanned
def test_distinct_vertices_of_a_layer_equal_numpy_unique(size):
    rng = np.random.default_rng(size)
    v = rng.integers(0, 1000, size=size)
    seen = np.zeros(1000, dtype=bool)
    nxt, inv = _distinct(v, seen)
    ref, ref_inv = np.unique(v, return_inverse=True)
    assert np.array_equal(nxt, ref) and np.array_equal(inv, ref_inv)
    assert not seen.any()  # the scratch array is left clean for the next layer
