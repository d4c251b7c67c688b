"""Burt's measures agree with networkx; brokerage roles with a direct enumeration."""

from __future__ import annotations

import random

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from test_centrality import GRAPHS, to_igraph

from liens.analysis.structural_holes import ROLES, brokerage_roles, burt_measures


@pytest.mark.parametrize("name", GRAPHS)
def test_constraint_and_effective_size_equal_networkx(name):
    G = GRAPHS[name]()
    weight = "weight" if name == "les_miserables" else None
    g, names = to_igraph(G)
    if weight is None:
        g.es["weight"] = 1.0
    got = burt_measures(g)
    con = nx.constraint(G, weight=weight)
    # nodes= forces networkx's per-node definition: its all-nodes sparse shortcut for
    # weighted graphs (networkx 3.6) disagrees with that definition on Les Misérables
    eff = nx.effective_size(G, nodes=list(G), weight=weight)
    assert np.allclose(got["constraint"], [con[v] for v in names], atol=1e-9)
    assert np.allclose(got["effective_size"], [eff[v] for v in names], atol=1e-9)
    deg = np.array([G.degree(v) for v in names])
    assert np.allclose(got["efficiency"], got["effective_size"] / deg, atol=1e-12)


def test_hierarchy_matches_burt_formula_from_networkx_local_constraint():
    G = nx.les_miserables_graph()
    g, names = to_igraph(G)
    got = burt_measures(g)["hierarchy"]
    for i, v in enumerate(names):
        nbrs = list(G[v])
        N = len(nbrs)
        if N < 2:
            assert np.isnan(got[i])
            continue
        c = np.array([nx.local_constraint(G, v, u, weight="weight") for u in nbrs])
        r = c / (c.sum() / N)
        assert got[i] == pytest.approx((r * np.log(r)).sum() / (N * np.log(N)), abs=1e-9)


def test_isolated_vertex_is_nan():
    g = ig.Graph(n=3, edges=[(0, 1)])
    g.es["weight"] = 1.0
    assert np.isnan(burt_measures(g)["constraint"][2])


def test_brokerage_roles_equal_direct_enumeration():
    G = nx.gnp_random_graph(60, 0.08, directed=True, seed=3)
    grp = np.array([random.Random(v).randrange(3) for v in G])
    g = ig.Graph(n=60, edges=list(G.edges()), directed=True)
    got = brokerage_roles(g, grp)
    ref = np.zeros((60, 5))
    for b in G:
        for a in G.predecessors(b):
            for c in G.successors(b):
                if a == c or G.has_edge(a, c):
                    continue
                ga, gb, gc = grp[a], grp[b], grp[c]
                if ga == gb == gc:
                    role = "coordinator"
                elif ga == gc:
                    role = "itinerant"
                elif ga == gb:
                    role = "representative"
                elif gb == gc:
                    role = "gatekeeper"
                else:
                    role = "liaison"
                ref[b, ROLES.index(role)] += 1
    assert np.array_equal(got[[f"n_{r}" for r in ROLES]].to_numpy(), ref)
    busiest = ref.argmax(axis=1)
    for v in range(60):
        if ref[v].sum():
            assert got["brokerage_role"][v] == ROLES[busiest[v]]
