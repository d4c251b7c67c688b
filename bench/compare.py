"""liens against the pandas + networkx baseline: the same outputs, timed part by part.

``liens_parts`` runs liens' own functions (ties, then each metric family on the igraph
graphs) one by one in the benchmark's stage process, timing each, and writes what the
baseline also computes to ``liens_<name>.parquet``. ``agreement`` reads both sides' files
and checks that they say the same thing:

- ties: the same number of directed ties and of undirected pairs, the same events per tie;
- degree and coreness: identical for every account;
- PageRank: Spearman rank correlation >= 0.99 (both solve the same equation; they differ by
  the iteration's tolerance);
- betweenness, closeness, harmonic: Spearman >= 0.99 when both are exact; when liens (and
  networkx's ``k``-sample) estimate from pivots, the Spearman is reported, not required;
- clustering: maximal absolute difference (liens has NaN where networkx has 0: degree < 2);
- constraint and effective size: maximal absolute difference where both are defined;
- communities: Leiden (liens) and Louvain (networkx) are different algorithms: the
  modularity of each partition on the same graph, and their normalised mutual information;
- suggestions: Adamic-Adar of the pairs both propose (equal to 1e-9), and the overlap of
  the top-k lists.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PARTS", "agreement", "liens_parts"]

# liens part -> the baseline stages doing the same work
PARTS: dict[str, list[str]] = {
    "ties": ["ties"],
    "graph": ["graph"],
    "degree": ["degree"],
    "pagerank": ["pagerank"],
    "paths": ["betweenness", "closeness", "harmonic"],
    "clustering": ["clustering"],
    "coreness": ["coreness"],
    "constraint": ["constraint"],
    "communities": ["louvain"],
    "suggestions": ["suggestions"],
    # liens' pivot estimates give betweenness, closeness and harmonic in one pass, while
    # networkx has sampled betweenness only (its closeness and harmonic stay exact and rarely
    # finish on 20k+ nodes): this line sets the three estimates against betweenness alone
    "paths (vs betweenness alone)": ["betweenness"],
}


def liens_parts(con, workdir: Path) -> dict[str, float]:
    """Time each liens network function on the workspace; write the compared outputs."""
    from liens.analysis import AnalysisParams
    from liens.analysis import centrality as C
    from liens.analysis.communities import leiden
    from liens.analysis.graph import directed_graph, undirected_graph
    from liens.analysis.groupability import suggestions
    from liens.analysis.structural_holes import burt_measures
    from liens.analysis.ties import ties

    times: dict[str, float] = {}

    def timed(name, fn, *a, **k):
        t = time.perf_counter()
        out = fn(*a, **k)
        times[name] = time.perf_counter() - t
        return out

    directed, pairs = timed("ties", ties, con, AnalysisParams())
    t = time.perf_counter()
    gd = directed_graph(directed)
    gu = undirected_graph(pairs, accounts=np.asarray(gd.vs["name"], dtype=object))
    times["graph"] = time.perf_counter() - t
    m = pd.DataFrame({"account": gd.vs["name"]})
    for k, v in timed("degree", C.degrees, gd).items():
        m[k] = v
    m["pagerank"] = timed("pagerank", C.pagerank, gd)
    pc = timed("paths", C.path_centralities, gu)
    for k in ("betweenness", "closeness", "harmonic"):
        m[k] = pc[k]
    m["clustering"] = timed("clustering", C.clustering, gu)
    m["coreness"] = timed("coreness", C.coreness, gu)
    for k, v in timed("constraint", burt_measures, gu).items():
        m[k] = v
    m["community"] = timed("communities", leiden, gu, seed=42)
    sugg = timed("suggestions", suggestions, gu)
    m["account"] = m["account"].astype(str)
    m.to_parquet(workdir / "liens_members.parquet")
    directed[["source", "target", "n_events"]].astype({"source": str, "target": str}).to_parquet(
        workdir / "liens_ties.parquet"
    )
    pairs[["a", "b", "n_events"]].astype({"a": str, "b": str}).to_parquet(
        workdir / "liens_pairs.parquet"
    )
    sugg[["account", "suggestion", "adamic_adar"]].to_parquet(workdir / "liens_suggestions.parquet")
    times["_method"] = pc["method"]
    if pc["method"] == "pivots":  # exact: the paths line already compares like with like
        times["paths (vs betweenness alone)"] = times["paths"]
    return times


def _read(workdir: Path, name: str) -> pd.DataFrame | None:
    p = workdir / f"{name}.parquet"
    return pd.read_parquet(p) if p.exists() else None


def _spearman(x: pd.Series, y: pd.Series) -> float:
    ok = x.notna() & y.notna()
    if ok.sum() < 3:
        return float("nan")
    return float(x[ok].rank().corr(y[ok].rank()))


def agreement(workdir: Path, method: str) -> list[tuple[str, str, str]]:
    """``(check, value, verdict)`` rows; verdict is ``ok``, ``FAIL`` or ``info``."""
    out: list[tuple[str, str, str]] = []

    def check(name, value, ok=None):
        out.append((name, value, "info" if ok is None else ("ok" if ok else "FAIL")))

    lt, bt = _read(workdir, "liens_ties"), _read(workdir, "base_ties")
    if lt is not None and bt is not None:
        j = lt.merge(bt[["source", "target", "n_events"]], on=["source", "target"], how="outer",
                     suffixes=("_l", "_b"), indicator=True)  # fmt: skip
        same = (j["_merge"] == "both").all() and (j["n_events_l"] == j["n_events_b"]).all()
        check("directed ties (liens / baseline)", f"{len(lt):,} / {len(bt):,}",
              len(lt) == len(bt) and same)  # fmt: skip
    lp, bp = _read(workdir, "liens_pairs"), _read(workdir, "base_pairs")
    if lp is not None and bp is not None:
        ev = lp["n_events"].sum() == bp["n_events"].sum()
        check("undirected pairs, events", f"{len(lp):,} / {len(bp):,}", len(lp) == len(bp) and ev)
    mem = _read(workdir, "liens_members")
    if mem is None:
        return out
    mem = mem.set_index("account")
    exact = method == "exact"

    def base(col):
        b = _read(workdir, f"base_{col}")
        return None if b is None else b.set_index("account")[col].reindex(mem.index)

    for col in ("degree_in", "degree_out", "coreness"):
        b = base(col)
        if b is not None:
            diff = int((mem[col] != b).sum())
            check(f"{col}: accounts that differ", f"{diff:,}", diff == 0)
    for col in ("pagerank", "betweenness", "closeness", "harmonic"):
        b = base(col)
        if b is not None:
            rho = _spearman(mem[col], b)
            need = col == "pagerank" or exact
            label = "" if need else f" ({method}: estimates)"
            check(f"{col}: Spearman{label}", f"{rho:.4f}", rho >= 0.99 if need else None)
    b = base("clustering")
    if b is not None:
        d = (mem["clustering"].fillna(0.0) - b).abs().max()
        check("clustering: max |difference|", f"{d:.2e}", d < 1e-9)
    for col in ("constraint", "effective_size"):
        b = base(col)
        if b is not None:
            d = (mem[col] - b).abs().max()
            check(f"{col}: max |difference|", f"{d:.2e}", d < 1e-6)
    b = base("community")
    if b is not None:
        check("communities: NMI Leiden vs Louvain", f"{_nmi(mem['community'], b):.3f}")
        q_l, q_b = _modularity(workdir, mem["community"]), _modularity(workdir, b)
        check("communities: modularity liens / baseline", f"{q_l:.3f} / {q_b:.3f}")
    ls, bs = _read(workdir, "liens_suggestions"), _read(workdir, "base_suggestions")
    if ls is not None and bs is not None:
        j = ls.merge(bs, on=["account", "suggestion"], suffixes=("_l", "_b"))
        d = (j["adamic_adar_l"] - j["adamic_adar_b"]).abs().max() if len(j) else 0.0
        check("suggestions: Adamic-Adar max |difference|", f"{d:.1e}", d < 1e-9)
        check("suggestions: shared top-10 pairs", f"{len(j) / max(len(bs), 1):.1%}")
    return out


def _nmi(a: pd.Series, b: pd.Series) -> float:
    ok = a.notna() & b.notna()
    x = pd.factorize(a[ok])[0]
    y = pd.factorize(b[ok])[0]
    n = len(x)
    if n == 0:
        return float("nan")
    joint = pd.crosstab(x, y).to_numpy(float) / n
    px, py = joint.sum(1), joint.sum(0)
    nz = joint > 0
    mi = (joint[nz] * np.log(joint[nz] / np.outer(px, py)[nz])).sum()
    hx = -(px[px > 0] * np.log(px[px > 0])).sum()
    hy = -(py[py > 0] * np.log(py[py > 0])).sum()
    return float(2 * mi / (hx + hy)) if hx + hy > 0 else 1.0


def _modularity(workdir: Path, community: pd.Series) -> float:
    import igraph as ig

    pairs = _read(workdir, "liens_pairs")
    idx = pd.Series(np.arange(len(community)), index=community.index)
    g = ig.Graph(n=len(community), edges=np.column_stack([idx[pairs["a"]], idx[pairs["b"]]]))
    memb = community.fillna(-1).astype(np.int64).to_numpy()
    _, memb = np.unique(memb, return_inverse=True)
    return g.modularity(memb.tolist(), weights=pairs["n_events"].to_numpy(float))
