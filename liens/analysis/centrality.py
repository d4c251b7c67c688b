"""Functions computing the position of each member in the tie graph (centralities).

Every function takes igraph graphs built by :mod:`liens.analysis.graph` and returns one numpy
array per vertex, in vertex order. The heavy work is igraph's (C); nothing loops over vertices
in Python. Path-based measures (betweenness, closeness, harmonic) count hops on the
undirected graph; spectral ones (PageRank, eigenvector) use the interaction counts as weights.
"""

from __future__ import annotations

import warnings

import igraph as ig
import numpy as np

__all__ = [
    "EXACT_MAX_NODES",
    "PathCentralities",
    "clustering",
    "coreness",
    "degrees",
    "eigenvector",
    "pagerank",
    "path_centralities",
    "reciprocity",
]

EXACT_MAX_NODES = 20_000  # above this, path-based measures are estimated from pivots
DEFAULT_PIVOTS = 64


def degrees(gd: ig.Graph) -> dict[str, np.ndarray]:
    """In/out degree (distinct accounts) and in/out strength (events) on the directed graph.

    ``degree_in`` = number of accounts that addressed the member, ``degree_out`` = number it
    addressed; ``strength_in``/``strength_out`` = sums of the ``weight`` (events) of those
    ties (Barrat et al. 2004). Same as networkx ``in_degree``/``in_degree(weight=...)``.
    """
    return {
        "degree_in": np.asarray(gd.indegree(), dtype=np.int64),
        "degree_out": np.asarray(gd.outdegree(), dtype=np.int64),
        "strength_in": np.asarray(gd.strength(mode="in", weights="weight"), dtype=float),
        "strength_out": np.asarray(gd.strength(mode="out", weights="weight"), dtype=float),
    }


def reciprocity(gd: ig.Graph) -> np.ndarray:
    """Share of a member's directed ties that are returned.

    .. math:: r_i = \\frac{2 |N^+(i) \\cap N^-(i)|}{|N^+(i)| + |N^-(i)|}

    Same as ``networkx.reciprocity(G, nodes)``; NaN for an account without ties (networkx
    raises there).
    """
    mutual = np.asarray(gd.is_mutual(), dtype=float)
    src = np.asarray(gd.get_edgelist(), dtype=np.int64).reshape(-1, 2)[:, 0]
    overlap = np.bincount(src, weights=mutual, minlength=gd.vcount())
    total = np.asarray(gd.indegree(), float) + np.asarray(gd.outdegree(), float)
    return np.divide(2 * overlap, total, out=np.full(gd.vcount(), np.nan), where=total > 0)


def pagerank(gd: ig.Graph, damping: float = 0.85) -> np.ndarray:
    """PageRank on the directed graph weighted by events (Brin & Page 1998).

    .. math:: PR_i = \\frac{1-d}{n} + d \\sum_{j \\to i} PR_j \\frac{w_{ji}}{s^{out}_j}

    Dangling accounts (no out-tie) spread their rank uniformly, as networkx does; sums to 1.
    """
    return np.asarray(gd.pagerank(weights="weight", damping=damping, directed=True))


def eigenvector(gu: ig.Graph) -> np.ndarray:
    """Eigenvector centrality of the undirected graph weighted by events (Bonacich 1972).

    :math:`x = \\lambda^{-1} W x`, the leading eigenvector of the weighted adjacency,
    scaled to unit Euclidean norm as ``networkx.eigenvector_centrality`` (igraph scales the
    maximum to 1). On a disconnected graph the vector concentrates on the component with the
    largest eigenvalue; the others get (near) 0.
    """
    if gu.ecount() == 0:
        return np.full(gu.vcount(), np.nan)
    with warnings.catch_warnings():  # igraph warns on disconnected graphs: documented above
        warnings.simplefilter("ignore", RuntimeWarning)
        x = np.asarray(gu.eigenvector_centrality(weights="weight"))
    return x / np.linalg.norm(x)


def clustering(gu: ig.Graph) -> np.ndarray:
    """Local clustering coefficient (Watts & Strogatz 1998), unweighted.

    .. math:: C_i = \\frac{2 T_i}{k_i (k_i - 1)}

    with :math:`T_i` the triangles through i. NaN for degree < 2 (undefined; networkx returns
    0 there).
    """
    return np.asarray(gu.transitivity_local_undirected(mode="nan"), dtype=float)


def coreness(gu: ig.Graph) -> np.ndarray:
    """k-core number (Seidman 1983): the largest k such that i is in a k-core.

    Same as ``networkx.core_number`` on the undirected graph.
    """
    return np.asarray(gu.coreness(), dtype=np.int64)


class PathCentralities(dict):
    """``betweenness``, ``closeness``, ``harmonic`` arrays plus ``method``, ``pivots`` and
    ``betweenness_rel_error`` (median estimated relative standard error, 0 when exact)."""


def path_centralities(
    gu: ig.Graph,
    *,
    exact_max_nodes: int = EXACT_MAX_NODES,
    pivots: int = DEFAULT_PIVOTS,
    seed: int = 42,
) -> PathCentralities:
    """Betweenness, closeness and harmonic centrality on the undirected, unweighted graph.

    - betweenness (Freeman 1977; Brandes 2001), normalised as networkx for undirected graphs:
      :math:`b_i = \\frac{2}{(n-1)(n-2)} \\sum_{s<t} \\sigma_{st}(i) / \\sigma_{st}`;
    - closeness with the Wasserman-Faust correction (networkx's ``wf_improved``):
      :math:`c_i = \\frac{r_i - 1}{n - 1} \\cdot \\frac{r_i - 1}{\\sum_{j} d(i, j)}`, r_i the
      size of i's component; 0 for an isolated vertex;
    - harmonic (Marchiori & Latora 2000), normalised:
      :math:`h_i = \\frac{1}{n-1} \\sum_{j \\ne i} 1 / d(i, j)`.

    Up to ``exact_max_nodes`` vertices the values are exact. Beyond, they are estimated from
    ``pivots`` source vertices drawn uniformly with ``seed`` (Brandes & Pich 2007; Eppstein &
    Wang 2004): betweenness = (n / k) times the dependencies accumulated from the pivots;
    closeness and harmonic from the pivots' distances (harmonic: the sum of inverse distances
    scaled by n / k, unbiased; closeness: the mean distance over the pivots that reach the
    vertex). With every vertex as a pivot the three are the exact values (tested). The
    relative standard error of betweenness is estimated by splitting the pivots into 8
    batches and is returned as ``betweenness_rel_error`` (median over vertices
    with non-zero estimate); it shrinks as 1 / sqrt(pivots).
    """
    n = gu.vcount()
    out = PathCentralities()
    if n < 3:
        nan = np.full(n, np.nan)
        out.update(betweenness=nan, closeness=nan, harmonic=nan, method="undefined", pivots=0)
        out["betweenness_rel_error"] = np.nan
        return out
    comp = np.asarray(gu.connected_components().membership)
    r = np.bincount(comp)[comp].astype(float)
    if n <= exact_max_nodes:
        b = np.asarray(gu.betweenness(directed=False))
        dist_sum = np.asarray(gu.closeness(normalized=False), dtype=float)  # 1 / sum d
        with np.errstate(divide="ignore", invalid="ignore"):
            close = np.where(r > 1, (r - 1) ** 2 / (n - 1) * dist_sum, 0.0)
        harm = np.asarray(gu.harmonic_centrality(normalized=True))
        out.update(method="exact", pivots=n, betweenness_rel_error=0.0)
    else:
        b, close, harm, rel = _pivot_estimates(gu, r, pivots, seed)
        out.update(method="pivots", pivots=pivots, betweenness_rel_error=rel)
    out["betweenness"] = b * 2.0 / ((n - 1) * (n - 2))
    out["closeness"] = np.nan_to_num(close, nan=0.0)
    out["harmonic"] = harm
    return out


def _pivot_estimates(gu: ig.Graph, r: np.ndarray, k: int, seed: int):
    n = gu.vcount()
    rng = np.random.default_rng(seed)
    pivots = rng.choice(n, size=min(k, n), replace=False)
    k = len(pivots)
    batches = np.array_split(pivots, 8)
    e = np.asarray(gu.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    src = np.concatenate([e[:, 0], e[:, 1]])  # both arcs of every edge
    dst = np.concatenate([e[:, 1], e[:, 0]])
    order = np.argsort(src, kind="stable")  # adjacency lists (CSR): arcs of v at indptr[v]
    dst = dst[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))])
    parts = np.zeros((len(batches), n))
    inv_sum = np.zeros(n)
    d_sum = np.zeros(n)
    hits = np.zeros(n)
    for i, bt in enumerate(batches):
        for s in bt:
            d, delta = _brandes_from(int(s), indptr, dst)
            parts[i] += delta
            reached = d > 0
            inv_sum[reached] += 1.0 / d[reached]
            d_sum[reached] += d[reached]
            hits += reached
    parts /= 2.0  # undirected: each pair is met from both ends (igraph and networkx halve)
    sizes = np.array([len(bt) for bt in batches], dtype=float)
    b = parts.sum(axis=0) * n / k
    per_batch = parts * (n / sizes)[:, None]  # each batch is itself an estimate
    se = per_batch.std(axis=0, ddof=1) / np.sqrt(len(batches))
    nz = b > 0
    rel = float(np.median(se[nz] / b[nz])) if nz.any() else np.nan
    # a uniform pivot is one of the n vertices: sum_j 1/d(i, j) is estimated by (n / k) x the
    # pivots' sum (the pivot i itself adds 0), as betweenness
    harm = inv_sum * n / k / (n - 1)
    # mean distance to the reachable vertices, estimated on the pivots that reach i
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_d = d_sum / hits
        close = np.where(hits > 0, (r - 1) / (n - 1) / mean_d, 0.0)
    return b, close, harm, rel


def _brandes_from(s: int, indptr: np.ndarray, dst: np.ndarray):
    """Hop distances from ``s`` (-1 when unreachable) and Brandes' dependencies
    :math:`\\delta_s(v) = \\sum_{w: v \\in P_s(w)} \\frac{\\sigma_{sv}}{\\sigma_{sw}}
    (1 + \\delta_s(w))` (Brandes 2001), from the adjacency lists ``indptr``/``dst``.

    The breadth-first search goes one layer at a time with numpy (no loop over vertices):
    the arcs leaving layer l towards vertices not yet reached are exactly the shortest-path
    arcs into layer l + 1, so the path counts sigma are summed while searching and each arc
    is read once; the dependencies are then accumulated back over the same arcs.
    """
    n = len(indptr) - 1
    d = np.full(n, -1, dtype=np.int64)
    sigma = np.zeros(n)
    d[s], sigma[s] = 0, 1.0
    frontier = np.array([s], dtype=np.int64)
    seen = np.zeros(n, dtype=bool)  # scratch for _distinct, all False between calls
    layers = []  # per layer: its vertices, and its shortest-path arcs (source slot, target)
    level = 0
    while len(frontier):
        lo, hi = indptr[frontier], indptr[frontier + 1]
        lens = hi - lo
        total = int(lens.sum())
        slot = np.repeat(np.arange(len(frontier)), lens)  # position of the arc's source
        arcs = np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(total)
        v = dst[arcs]
        on = d[v] < 0  # not reached before this layer: a shortest-path arc
        slot, v = slot[on], v[on]
        nxt, inv = _distinct(v, seen)
        level += 1
        d[nxt] = level
        sigma[nxt] = np.bincount(inv, weights=sigma[frontier[slot]], minlength=len(nxt))
        layers.append((frontier, slot, nxt, inv))
        frontier = nxt
    delta = np.zeros(n)
    for frontier, slot, nxt, inv in reversed(layers):
        if len(slot) == 0:
            continue
        w = nxt[inv]
        coef = sigma[frontier[slot]] / sigma[w] * (1.0 + delta[w])
        delta[frontier] += np.bincount(slot, weights=coef, minlength=len(frontier))
    delta[s] = 0.0
    return d.astype(float), delta


def _distinct(v: np.ndarray, seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(v, return_inverse=True)`` for vertex ids, with ``seen`` a False scratch
    array over the vertices (left False). A wide layer is marked and scanned in O(n) instead
    of sorted in O(m log m): same sorted values and inverse, so the same sums downstream."""
    if len(v) * 16 < len(seen):  # narrow layer: sorting it is cheaper than a scan of n
        return np.unique(v, return_inverse=True)
    seen[v] = True
    nxt = np.flatnonzero(seen)
    seen[nxt] = False
    pos = np.empty(len(seen), dtype=np.int64)
    pos[nxt] = np.arange(len(nxt))
    return nxt, pos[v]
