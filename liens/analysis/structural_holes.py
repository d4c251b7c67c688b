"""Functions for computing measures of structural holes (Burt 1992) and brokerage roles.

Burt's measures use the undirected (symmetrised) graph whose edge ``weight`` is the number of
events both ways, i.e. networkx's *mutual weight* :math:`w_{ij} + w_{ji}`. They are computed
from igraph's triangle list with numpy: the indirect terms only involve triangles, so the
work is proportional to the number of triangles, never to degree squared.
"""

from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd

from liens.analysis.graph import edge_index

__all__ = ["ROLES", "brokerage_roles", "burt_measures"]

ROLES = ("coordinator", "gatekeeper", "representative", "itinerant", "liaison")


def _arcs(gu: ig.Graph):
    """Both orientations of every undirected edge with p_ij and m_ij (Burt's proportions)."""
    n = gu.vcount()
    e = np.asarray(gu.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = np.asarray(gu.es["weight"] if "weight" in gu.es.attributes() else np.ones(len(e)), float)
    src = np.concatenate([e[:, 0], e[:, 1]])
    dst = np.concatenate([e[:, 1], e[:, 0]])
    ww = np.concatenate([w, w])
    total = np.bincount(src, weights=ww, minlength=n)
    peak = np.zeros(n)
    np.maximum.at(peak, src, ww)
    p = ww / total[src]  # proportional tie strength p_ij
    m = ww / peak[src]  # marginal strength m_ij = w_ij / max_k w_ik
    return src, dst, p, m


def burt_measures(gu: ig.Graph) -> dict[str, np.ndarray]:
    """Constraint, effective size, efficiency and hierarchy of every vertex (Burt 1992).

    With :math:`p_{ij} = w_{ij} / \\sum_k w_{ik}` (proportional strength of i's tie to j) and
    :math:`m_{jq} = w_{jq} / \\max_k w_{jk}` (marginal strength):

    - dyadic constraint :math:`c_{ij} = (p_{ij} + \\sum_{q \\ne i,j} p_{iq} p_{qj})^2`;
      constraint :math:`C_i = \\sum_{j \\in N(i)} c_{ij}`;
    - effective size :math:`E_i = \\sum_{j \\in N(i)} (1 - \\sum_{q \\ne i,j} p_{iq} m_{jq})`
      (for unweighted graphs Borgatti's :math:`n - 2t/n`);
    - efficiency :math:`E_i / |N(i)|`;
    - hierarchy :math:`H_i = \\frac{\\sum_j r_{ij} \\ln r_{ij}}{N \\ln N}` with
      :math:`r_{ij} = c_{ij} / (C_i / N)`, N = |N(i)|: 0 when constraint is spread evenly,
      1 when one contact holds it all.

    Returns
    -------
    dict of arrays ``constraint``, ``effective_size``, ``efficiency``, ``hierarchy``.

    Notes
    -----
    Isolated vertices get NaN everywhere (no contacts: undefined), as in networkx. Hierarchy
    is NaN for one contact (N ln N = 0). Values equal networkx ``constraint``,
    ``effective_size`` and the efficiency of its documentation with ``weight="weight"``.

    References
    ----------
    Burt, R. S. (1992). Structural Holes: The Social Structure of Competition. Harvard UP.
    Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures.
    Connections, 20(1), 35-38.

    Examples
    --------
    >>> import igraph as ig
    >>> g = ig.Graph.Star(4); g.es["weight"] = 1.0
    >>> burt_measures(g)["constraint"][0]  # the hub of a star: 3 * (1/3)^2
    0.333...
    """
    n = gu.vcount()
    src, dst, p, m = _arcs(gu)
    find = edge_index(src, dst, n)
    indirect = np.zeros(len(src))
    redundancy = np.zeros(len(src))
    tri = np.asarray(gu.list_triangles(), dtype=np.int64).reshape(-1, 3)
    # the six arcs of each triangle, looked up once (arc[x, y] = row of the arc x -> y)
    arc = {(x, y): find(tri[:, x], tri[:, y]) for x in range(3) for y in range(3) if x != y}
    for i, j, q in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        # ego i, contact j, third q; each arc i -> j appears once per triangle: bincount
        ab, ac, cb, bc = arc[i, j], arc[i, q], arc[q, j], arc[j, q]
        indirect += np.bincount(ab, weights=p[ac] * p[cb], minlength=len(src))
        redundancy += np.bincount(ab, weights=p[ac] * m[bc], minlength=len(src))
    cij = (p + indirect) ** 2
    deg = np.bincount(src, minlength=n).astype(float)
    nan = np.full(n, np.nan)
    has = deg > 0
    constraint = np.where(has, np.bincount(src, weights=cij, minlength=n), np.nan)
    eff = np.where(has, np.bincount(src, weights=1.0 - redundancy, minlength=n), np.nan)
    efficiency = np.divide(eff, deg, out=nan.copy(), where=has)
    ratio = cij / (constraint[src] / deg[src])
    terms = np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
    hsum = np.bincount(src, weights=terms, minlength=n)
    denom = deg * np.log(np.where(deg > 0, deg, 1.0))
    hierarchy = np.divide(hsum, denom, out=nan.copy(), where=denom > 0)
    return {
        "constraint": constraint,
        "effective_size": eff,
        "efficiency": efficiency,
        "hierarchy": hierarchy,
    }


def brokerage_roles(gd: ig.Graph, groups: np.ndarray) -> pd.DataFrame:
    """Gould & Fernandez (1989) brokerage roles: counts per vertex and the most frequent role.

    A broker b mediates the 2-path a -> b -> c when a does not address c directly (a != c).
    With g(.) the group (community) of each account, the role of b on that path is:

    - ``coordinator``: g(a) = g(b) = g(c) (mediates inside its group);
    - ``itinerant`` (consultant): g(a) = g(c) != g(b) (an outsider mediating inside a group);
    - ``representative``: g(a) = g(b) != g(c) (speaks for its group to another);
    - ``gatekeeper``: g(b) = g(c) != g(a) (lets another group's message into its own);
    - ``liaison``: all three groups differ.

    Returns
    -------
    DataFrame with one row per vertex: the five counts ``n_<role>`` and ``brokerage_role``
    (the role with the most 2-paths; ties broken in the order of :data:`ROLES`; None when the
    vertex brokers no 2-path).

    Notes
    -----
    Exact and vectorised: counts come from products of in- and out-neighbour group counts
    (no 2-path is enumerated), minus the closed 2-paths (a -> c exists, found from the
    triangles) and the returns a -> b -> a. Groups are communities by default.

    References
    ----------
    Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
    brokerage in transaction networks. Sociological Methodology, 19, 89-126.
    """
    n = gd.vcount()
    grp = np.asarray(groups, dtype=np.int64)
    e = np.asarray(gd.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    a, c = e[:, 0], e[:, 1]
    # in-arcs (a -> b) and out-arcs (b -> c) counted per (b, far end's group), as sorted
    # integer keys b * ng + group (counts are integers: sums in any order are exact)
    ng = int(grp.max()) + 1 if n else 1
    k_in, n_in = np.unique(c * ng + grp[a], return_counts=True)
    k_out, n_out = np.unique(a * ng + grp[c], return_counts=True)
    same_in = _per_vertex(k_in, n_in, grp, ng, n)
    same_out = _per_vertex(k_out, n_out, grp, ng, n)
    tot_in = np.bincount(c, minlength=n).astype(float)
    tot_out = np.bincount(a, minlength=n).astype(float)
    oth_in, oth_out = tot_in - same_in, tot_out - same_out
    # itinerant: in- and out-arcs of b with the same far group, other than b's own
    key, i, j = np.intersect1d(k_in, k_out, assume_unique=True, return_indices=True)
    b = key // ng
    other = key % ng != grp[b]
    itin = np.bincount(b[other], weights=(n_in[i] * n_out[j])[other].astype(float), minlength=n)
    counts = {
        "coordinator": same_in * same_out,
        "gatekeeper": oth_in * same_out,
        "representative": same_in * oth_out,
        "itinerant": itin,
        "liaison": oth_in * oth_out - itin,
    }
    _subtract_excluded(gd, grp, counts)
    df = pd.DataFrame({f"n_{r}": counts[r] for r in ROLES})
    mat = df.to_numpy()
    best = np.asarray(ROLES, dtype=object)[mat.argmax(axis=1)]
    df["brokerage_role"] = np.where(mat.max(axis=1) > 0, best, None)
    return df


def _per_vertex(
    keys: np.ndarray, counts: np.ndarray, grp: np.ndarray, ng: int, n: int
) -> np.ndarray:
    """Arcs per vertex whose far end is in the vertex's own group (keys b * ng + group)."""
    b = keys // ng
    mask = keys % ng == grp[b]
    return np.bincount(b[mask], weights=counts[mask].astype(float), minlength=n)


def _role(ga: np.ndarray, gb: np.ndarray, gc: np.ndarray) -> np.ndarray:
    """Role index (in ROLES order) of 2-paths a -> b -> c from their groups."""
    role = np.full(len(ga), 4)  # liaison
    role[(ga == gb) & (gb == gc)] = 0
    role[(ga != gb) & (gb == gc)] = 1
    role[(ga == gb) & (gb != gc)] = 2
    role[(ga == gc) & (ga != gb)] = 3
    return role


def _subtract_excluded(gd: ig.Graph, grp: np.ndarray, counts: dict[str, np.ndarray]) -> None:
    """Remove the 2-paths that are not brokerage: returns a->b->a and closed a->b->c, a->c."""
    n = gd.vcount()
    e = np.asarray(gd.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    find = edge_index(e[:, 0], e[:, 1], n)
    paths = []
    mutual = np.asarray(gd.is_mutual(), dtype=bool)
    paths.append((e[mutual, 1], e[mutual, 0], e[mutual, 1]))  # a -> b -> a
    und = gd.as_undirected(mode="collapse")
    tri = np.asarray(und.list_triangles(), dtype=np.int64).reshape(-1, 3)
    # which of the six directed arcs of each triangle exist, looked up once
    has = {(a, b): find(tri[:, a], tri[:, b]) >= 0 for a in range(3) for b in range(3) if a != b}
    for i, j, k in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        x, y, z = tri[:, i], tri[:, j], tri[:, k]
        closed = has[i, j] & has[j, k] & has[i, k]
        paths.append((x[closed], y[closed], z[closed]))
    x, y, z = (np.concatenate(p) for p in zip(*paths, strict=True))
    role = _role(grp[x], grp[y], grp[z])
    for r, name in enumerate(ROLES):
        counts[name] = counts[name] - np.bincount(y[role == r], minlength=n)
