"""Time the network analysis stages on Higgs (liens) and the same stages with networkx.

liens runs on the whole Higgs activity log (563k events, SNAP; De Domenico et al. 2013);
networkx runs on a stated subset (the events before 2012-07-02 00:00 UTC) because its exact
betweenness and constraint take hours on 300k nodes; liens is timed on that subset too, so
the ratio compares like with like. Peak RSS is reported for the liens process.
Run: ``.venv/bin/python bench/network_vs_networkx.py`` (skips when the data is absent).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

from liens.analysis import AnalysisParams
from liens.analysis import centrality as C
from liens.analysis import communities as M
from liens.analysis import groupability as G
from liens.analysis import structural_holes as S
from liens.analysis.graph import directed_graph, undirected_graph
from liens.analysis.ties import ties
from liens.sources import ReadOptions, detect_reader
from liens.store import import_chunks, open_workspace

FILE = Path("/work/shared/data/higgs_twitter/higgs-activity_time.txt.gz")
SUBSET_END = "2012-07-02 00:00:00"


def timed(label: str, fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t


def liens_stages(con, params) -> tuple[dict, object]:
    times = {}
    (d, u), times["ties"] = timed("ties", ties, con, params)
    gd, t1 = timed("g", directed_graph, d)
    gu, t2 = timed("g", undirected_graph, u, accounts=np.asarray(gd.vs["name"], dtype=object))
    times["graphs"] = t1 + t2
    _, times["pagerank"] = timed("pr", C.pagerank, gd)
    _, times["betweenness+closeness+harmonic"] = timed("paths", C.path_centralities, gu)
    _, times["clustering"] = timed("cl", C.clustering, gu)
    _, times["coreness"] = timed("core", C.coreness, gu)
    _, times["constraint+effective size"] = timed("burt", S.burt_measures, gu)
    com, times["communities"] = timed("leiden", M.leiden, gu)
    _, times["brokerage"] = timed("brk", S.brokerage_roles, gd, com)
    _, times["suggestions"] = timed("sugg", G.suggestions, gu)
    return times, u


def networkx_stages(pairs, directed) -> dict:
    times = {}
    t = time.perf_counter()
    H = nx.Graph()
    H.add_weighted_edges_from(zip(pairs["a"], pairs["b"], pairs["n_events"], strict=True))
    D = nx.DiGraph()
    D.add_weighted_edges_from(
        zip(directed["source"], directed["target"], directed["n_events"], strict=True)
    )
    times["graphs"] = time.perf_counter() - t
    _, times["pagerank"] = timed("pr", nx.pagerank, D)

    def paths():
        nx.betweenness_centrality(H)
        nx.closeness_centrality(H)
        nx.harmonic_centrality(H)

    _, times["betweenness+closeness+harmonic"] = timed("paths", paths)
    _, times["clustering"] = timed("cl", nx.clustering, H)
    _, times["coreness"] = timed("core", nx.core_number, H)

    def burt():
        nx.constraint(H, weight="weight")
        nx.effective_size(H, weight="weight")

    _, times["constraint+effective size"] = timed("burt", burt)
    _, times["communities"] = timed("louvain", nx.community.louvain_communities, H, seed=42)
    _, times["suggestions"] = timed("aa", lambda: list(nx.adamic_adar_index(H)))
    return times


def main() -> int:
    if not FILE.exists():
        print(f"skipped: {FILE} not found (the shared data folder is absent)")
        return 0
    con = open_workspace(Path(tempfile.mkdtemp()) / "higgs.duckdb")
    con.execute("SET enable_progress_bar=false")
    opts = ReadOptions(
        platform="twitter", delimiter=" ", header=False, names=["a", "b", "ts", "type"],
        columns={"actor": "a", "target": "b", "created_at": "ts", "kind": "type"},
    )  # fmt: skip
    r = detect_reader(FILE)
    import_chunks(con, FILE, r.read(FILE, opts), fmt=r.name, options=opts)
    full, _ = liens_stages(con, AnalysisParams())
    print("liens on the whole Higgs activity log")
    for k, v in full.items():
        print(f"  {k:<32}{v:8.2f} s")
    print(f"  {'total':<32}{sum(full.values()):8.2f} s")
    sub_params = AnalysisParams(end=SUBSET_END)
    sub, pairs = liens_stages(con, sub_params)
    directed = ties(con, sub_params)[0]
    print(f"\nsubset: events before {SUBSET_END}: {len(pairs)} undirected ties")
    ref = networkx_stages(pairs, directed)
    print(f"  {'stage':<32}{'liens s':>9}{'networkx s':>12}{'ratio':>8}")
    for k, v in ref.items():
        lv = sub.get(k, np.nan)
        print(f"  {k:<32}{lv:9.2f}{v:12.2f}{v / lv:8.1f}")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
