"""The pipeline a researcher would write instead of liens: pandas and networkx.

Each function below is one stage of ``python -m bench --compare``, run in a fresh process
like the liens stages, on the same data and the same graph definitions:

- ``load``: read the raw file with pandas (``read_csv`` / ``read_parquet``), map the columns
  and kinds, keep it as Parquet for the next stages (the load time is the stage's time);
- ``activity``: events per day and kind, per weekday and hour (``groupby``);
- ``ties``: directed ties (``groupby(actor, target)``: events, per kind, first and last time)
  and undirected pairs (the two directions together);
- ``graph``: a ``networkx.DiGraph`` (weight = events) and a ``networkx.Graph`` (weight =
  events both ways), pickled for the metric stages;
- ``degree``, ``pagerank``, ``betweenness`` (exact up to 20,000 nodes, else networkx's
  ``k``-sample with the same ``k`` = 64 pivots as liens), ``closeness``, ``harmonic``,
  ``clustering``, ``coreness``, ``constraint`` (with effective size), ``louvain`` and
  ``suggestions`` (Adamic-Adar of the 2-hop pairs, with the same limit on shared contacts'
  degree as liens).

Every stage writes its output to ``base_<stage>.parquet`` in the work folder; the comparison
(:mod:`bench.compare`) reads them against liens' tables. No stage is optimised beyond what a
careful researcher would write from the pandas and networkx documentation.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from bench.datasets import Dataset
from liens.analysis.centrality import DEFAULT_PIVOTS, EXACT_MAX_NODES
from liens.analysis.groupability import DEFAULT_MAX_MIDDLE_DEGREE, DEFAULT_MIN_DEGREE
from liens.model import KIND_ALIASES

__all__ = ["STAGES", "run"]

STAGES = [
    "load", "activity", "ties", "graph", "degree", "pagerank", "betweenness", "closeness",
    "harmonic", "clustering", "coreness", "constraint", "louvain", "suggestions",
]  # fmt: skip


def load(ds: Dataset, workdir: Path) -> int:
    """Read the raw file(s) into one DataFrame ``kind, actor, target, created_at``."""
    frames = []
    kw = ds.import_kwargs
    for path in ds.paths(workdir):
        if path.suffix == ".parquet":
            df = pd.read_parquet(path, columns=["kind", "actor", "target", "created_at"])
        else:
            df = pd.read_csv(
                path,
                sep=kw.get("delimiter", ","),
                header=0 if kw.get("header", True) else None,
                names=kw.get("names"),
                dtype=str,
            )
            df = df.rename(columns={v: k for k, v in kw.get("columns", {}).items()})
            for col, value in kw.get("constants", {}).items():
                df[col] = value
            df = df[["kind", "actor", "target", "created_at"]]
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    kind = df["kind"].str.strip().str.lower()
    df["kind"] = kind.map(KIND_ALIASES).fillna(kind)
    ts = df["created_at"]
    # pandas 3 reads text as the "str" dtype, not object: test for text, not for object
    if pd.api.types.is_string_dtype(ts) and ts.str.fullmatch(r"\d{9,10}").all():
        df["created_at"] = pd.to_datetime(ts.astype(np.int64), unit="s")
    else:
        df["created_at"] = pd.to_datetime(ts, utc=True).dt.tz_localize(None)
    df.to_parquet(workdir / "base_events.parquet")
    return len(df)


def _events(workdir: Path) -> pd.DataFrame:
    return pd.read_parquet(workdir / "base_events.parquet")


def activity(workdir: Path) -> int:
    df = _events(workdir)
    per_day = df.groupby([df["created_at"].dt.date, "kind"]).size()
    grid = df.groupby([df["created_at"].dt.weekday, df["created_at"].dt.hour]).size()
    per_day.rename("n").reset_index().astype(str).to_parquet(workdir / "base_activity.parquet")
    return len(per_day) + len(grid)


def ties(workdir: Path) -> int:
    df = _events(workdir)
    df = df[df["actor"].notna() & df["target"].notna() & (df["actor"] != df["target"])]
    g = df.groupby(["actor", "target"])
    directed = g.agg(
        n_events=("kind", "size"), first_at=("created_at", "min"), last_at=("created_at", "max")
    )
    per_kind = df.groupby(["actor", "target", "kind"]).size().unstack(fill_value=0)
    directed = directed.join(per_kind.add_prefix("n_")).reset_index()
    directed = directed.rename(columns={"actor": "source"})
    first = df["actor"] < df["target"]
    a = df["actor"].where(first, df["target"])
    b = df["target"].where(first, df["actor"])
    pairs = (
        pd.DataFrame({"a": a.to_numpy(), "b": b.to_numpy()})
        .groupby(["a", "b"])
        .size()
        .rename("n_events")
        .reset_index()
    )
    directed.to_parquet(workdir / "base_ties.parquet")
    pairs.to_parquet(workdir / "base_pairs.parquet")
    return len(directed) + len(pairs)


def graph(workdir: Path) -> int:
    directed = pd.read_parquet(workdir / "base_ties.parquet", columns=["source", "target",
                                                                      "n_events"])  # fmt: skip
    pairs = pd.read_parquet(workdir / "base_pairs.parquet")
    D = nx.from_pandas_edgelist(
        directed, "source", "target", edge_attr="n_events", create_using=nx.DiGraph
    )
    H = nx.from_pandas_edgelist(pairs, "a", "b", edge_attr="n_events")
    for G in (D, H):
        nx.set_edge_attributes(G, nx.get_edge_attributes(G, "n_events"), "weight")
    with open(workdir / "base_graphs.pickle", "wb") as fh:
        pickle.dump((D, H), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return H.number_of_nodes()


def _graphs(workdir: Path) -> tuple[nx.DiGraph, nx.Graph]:
    with open(workdir / "base_graphs.pickle", "rb") as fh:
        return pickle.load(fh)


def _save(workdir: Path, name: str, values: dict) -> int:
    pd.DataFrame({"account": list(values), name: list(values.values())}).to_parquet(
        workdir / f"base_{name}.parquet"
    )
    return len(values)


def metric(name: str, D: nx.DiGraph, H: nx.Graph) -> dict[str, dict]:
    """One networkx metric family: ``{column: {node: value}}``."""
    if name == "degree":
        return {"degree_in": dict(D.in_degree()), "degree_out": dict(D.out_degree())}
    if name == "pagerank":
        return {"pagerank": nx.pagerank(D, weight="weight")}
    if name == "betweenness":
        n = H.number_of_nodes()
        k = None if n <= EXACT_MAX_NODES else min(DEFAULT_PIVOTS, n)
        return {"betweenness": nx.betweenness_centrality(H, k=k, seed=42)}
    if name == "closeness":
        return {"closeness": nx.closeness_centrality(H)}
    if name == "harmonic":
        n = H.number_of_nodes()
        return {"harmonic": {v: x / (n - 1) for v, x in nx.harmonic_centrality(H).items()}}
    if name == "clustering":
        return {"clustering": nx.clustering(H)}
    if name == "coreness":
        return {"coreness": nx.core_number(H)}
    if name == "constraint":
        return {
            "constraint": nx.constraint(H, weight="weight"),
            "effective_size": nx.effective_size(H, weight="weight"),
        }
    if name == "louvain":
        parts = nx.community.louvain_communities(H, weight="weight", seed=42)
        return {"community": {v: i for i, c in enumerate(parts) for v in c}}
    raise ValueError(name)


def suggestions(H: nx.Graph, k: int = 10) -> pd.DataFrame:
    """Adamic-Adar of the pairs at distance 2 through contacts of degree <= the liens limit,
    top ``k`` per account of degree >= liens' ``min_degree`` (the loop a researcher writes
    around ``nx.adamic_adar_index``)."""
    rows = []
    for u in H:
        if H.degree(u) < DEFAULT_MIN_DEGREE:
            continue
        cand = set()
        for w in H[u]:
            if 2 <= H.degree(w) <= DEFAULT_MAX_MIDDLE_DEGREE:
                cand.update(H[w])
        cand.discard(u)
        cand.difference_update(H[u])
        if not cand:
            continue
        scores = []
        for v in cand:
            common = [w for w in nx.common_neighbors(H, u, v)
                      if H.degree(w) <= DEFAULT_MAX_MIDDLE_DEGREE]  # fmt: skip
            scores.append((v, sum(1 / np.log(H.degree(w)) for w in common), len(common)))
        scores.sort(key=lambda t: (-t[1], -t[2], str(t[0])))
        rows.extend((u, v, aa) for v, aa, _ in scores[:k])
    return pd.DataFrame(rows, columns=["account", "suggestion", "adamic_adar"])


# Address space allowed to one baseline stage: networkx's constraint held 8 GB on MUSAE
# Facebook (22k nodes); on a shared machine a stage past this fails with MemoryError, which
# the benchmark reports as the stage's error, instead of pushing others' work into swap.
MEMORY_LIMIT_GB = 12


def run(stage: str, ds: Dataset, workdir: Path) -> int:
    """Run one baseline stage (without the ``baseline:`` prefix); returns rows produced."""
    import resource

    limit = MEMORY_LIMIT_GB * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if stage == "load":
        return load(ds, workdir)
    if stage in ("activity", "ties", "graph"):
        return globals()[stage](workdir)
    D, H = _graphs(workdir)
    import time

    t = time.perf_counter()  # the metric alone, not reading the pickled graphs
    if stage == "suggestions":
        out = suggestions(H)
        out.astype({"account": str, "suggestion": str}).to_parquet(
            workdir / "base_suggestions.parquet"
        )
        rows = len(out)
    else:
        rows = 0
        for col, values in metric(stage, D, H).items():
            rows += _save(workdir, col, {str(k): v for k, v in values.items()})
    run.seconds = time.perf_counter() - t
    return rows
