"""Functions building igraph graphs from tie tables, and writing them for Gephi.

Conventions (the same everywhere in liens):

- the *directed* graph has one edge per row of ``ties`` (source -> target), attribute
  ``weight`` = the number of events of the tie (an amount of interaction, never a distance);
- the *undirected* (symmetrised) graph has one edge per row of ``ties_undirected``, attribute
  ``weight`` = events both ways (w_ij + w_ji, the "mutual weight" of networkx's structural
  holes functions) and ``strength`` = the tie strength in [0, 1];
- path lengths count hops; where a weighted path is wanted the distance is derived explicitly
  from strength (``-ln strength``, see :func:`liens.analysis.groupability.connection_paths`).
  Strength and distance are never mixed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import igraph as ig
import numpy as np
import pandas as pd

__all__ = [
    "directed_graph",
    "edge_index",
    "graph_from_ids",
    "undirected_graph",
    "write_graph",
]


def _graph(names: np.ndarray, src: np.ndarray, dst: np.ndarray, directed: bool) -> ig.Graph:
    codes, uniques = pd.factorize(np.concatenate([names, src, dst]))
    n = len(names)
    edges = np.column_stack([codes[n : n + len(src)], codes[n + len(src) :]])
    g = ig.Graph(n=len(uniques), edges=edges, directed=directed)
    g.vs["name"] = list(uniques)
    # igraph lists an undirected edge as (low id, high id): the rows' own orientation is
    # kept here, as ids, for lookups that must not go back through the names
    g["ends"] = edges
    return g


def graph_from_ids(
    src: np.ndarray,
    dst: np.ndarray,
    names: np.ndarray,
    *,
    directed: bool,
    first: np.ndarray | None = None,
) -> ig.Graph:
    """The graph of :func:`directed_graph` / :func:`undirected_graph` (without edge
    attributes) from integer account ids: row i is ``src[i] -> dst[i]`` and ``names[id]`` is
    the account of an id. Ids and accounts being one to one, the vertex order is the one the
    accounts give (first seen first, ``first`` ids before the rows'); no Python string is
    made per row, only one per vertex. Graph attribute ``ids``: the id of each vertex."""
    first = np.asarray(first if first is not None else [], dtype=np.int64)
    codes, ids = pd.factorize(np.concatenate([first, src, dst]).astype(np.int64, copy=False))
    n = len(first)
    edges = np.column_stack([codes[n : n + len(src)], codes[n + len(src) :]])
    del codes
    g = ig.Graph(n=len(ids), edges=edges, directed=directed)
    g.vs["name"] = names[ids].tolist()
    g["ends"] = edges
    g["ids"] = ids
    return g


def directed_graph(ties: pd.DataFrame, accounts: np.ndarray | None = None) -> ig.Graph:
    """Directed igraph graph of one platform's ``ties`` (columns ``source``, ``target``).

    Edge attribute ``weight`` = ``n_events``. ``accounts`` adds vertices (in this order,
    first) even when they have no tie; vertex attribute ``name`` holds the account.
    """
    names = np.asarray(accounts if accounts is not None else [], dtype=object)
    g = _graph(names, ties["source"].to_numpy(object), ties["target"].to_numpy(object), True)
    g.es["weight"] = ties["n_events"].to_numpy(float)
    return g


def undirected_graph(pairs: pd.DataFrame, accounts: np.ndarray | None = None) -> ig.Graph:
    """Undirected igraph graph of one platform's ``ties_undirected`` (columns ``a``, ``b``).

    Edge attributes: ``weight`` = ``n_events`` (both ways), ``strength`` when present.
    Graph attribute ``ends``: (edges, 2) array of the vertex ids of each row's ``a`` and
    ``b``, in the rows' order.
    """
    names = np.asarray(accounts if accounts is not None else [], dtype=object)
    g = _graph(names, pairs["a"].to_numpy(object), pairs["b"].to_numpy(object), False)
    g.es["weight"] = pairs["n_events"].to_numpy(float)
    if "strength" in pairs:
        g.es["strength"] = pairs["strength"].to_numpy(float)
    return g


def edge_index(src: np.ndarray, dst: np.ndarray, n: int):
    """Vectorised lookup of ordered vertex pairs: returns ``find(i, j) -> edge row or -1``.

    Keys ``i * n + j`` are sorted once; lookups are a binary search (no Python loop).
    """
    keys = src.astype(np.int64) * n + dst.astype(np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]

    def find(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        q = i.astype(np.int64) * n + j.astype(np.int64)
        pos = np.searchsorted(sorted_keys, q)
        pos = np.minimum(pos, len(sorted_keys) - 1)
        hit = sorted_keys[pos] == q if len(sorted_keys) else np.zeros(len(q), bool)
        return np.where(hit, order[pos], -1)

    return find


# ---------------------------------------------------------------- export (GEXF, GraphML)


def write_graph(con: duckdb.DuckDBPyConnection, path: str | Path, fmt: str, params) -> Path:
    """Write the directed tie graph with member and tie attributes as GEXF 1.3 or GraphML.

    Nodes are the accounts having a tie in the window and layers (id ``platform:account``,
    label = account) with every column of the stored ``members`` table when it exists
    (``liens analyze`` writes it); edges are the directed ties with their numeric and text
    columns (counts, orientation, strength and its components). In GEXF, ``first_at`` and
    ``last_at`` become the edge's ``start``/``end`` (ISO 8601 date-time) so Gephi's timeline
    can play the network.

    Parameters
    ----------
    con : workspace connection.
    path : output file.
    fmt : ``"gexf"`` or ``"graphml"``.
    params : :class:`liens.analysis.AnalysisParams` (window, layers, options).

    Returns
    -------
    The path written. Both formats are read back by ``networkx.read_gexf`` /
    ``networkx.read_graphml`` with the same nodes, edges and attributes (tested).
    """
    from liens.analysis.ties import directed_ties

    fmt = fmt.lower()
    if fmt not in ("gexf", "graphml"):
        raise ValueError(f"unknown graph format {fmt!r}: use gexf or graphml")
    ties = directed_ties(con, params)
    nodes = pd.DataFrame(
        {
            "platform": np.concatenate([ties["platform"], ties["platform"]]),
            "account": np.concatenate([ties["source"], ties["target"]]),
        }
    ).drop_duplicates(ignore_index=True)
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    if "members" in tables:
        members = con.execute("SELECT * FROM members").df()
        nodes = nodes.merge(members, on=["platform", "account"], how="left")
    nodes.insert(0, "id", nodes["platform"] + ":" + nodes["account"])
    edges = ties.assign(
        source=ties["platform"] + ":" + ties["source"],
        target=ties["platform"] + ":" + ties["target"],
    )
    path = Path(path)
    if fmt == "graphml":
        _write_graphml(nodes, edges, path)
    else:
        _write_gexf(nodes, edges, path)
    return path


def _exportable(df: pd.DataFrame, skip: set[str]) -> list[str]:
    """Columns with a scalar type GEXF/GraphML can hold (lists and blobs are left out)."""
    keep = []
    for c in df.columns:
        if c in skip:
            continue
        kind = df[c].dtype.kind
        if kind in "iufbM" or pd.api.types.is_string_dtype(df[c]):
            keep.append(c)
    return keep


def _value(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return str(v)


def _attr_type(s: pd.Series) -> str:
    kind = s.dtype.kind
    if kind in "iu":
        return "long"
    if kind == "f":
        return "double"
    if kind == "b":
        return "boolean"
    return "string"


def _write_graphml(nodes: pd.DataFrame, edges: pd.DataFrame, path: Path) -> None:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    ncols = _exportable(nodes, {"id"})
    ecols = _exportable(edges, {"source", "target"})
    for where, df, cols in (("node", nodes, ncols), ("edge", edges, ecols)):
        for c in cols:
            ET.SubElement(
                root,
                "key",
                id=f"{where[0]}_{c}",
                attrib={"for": where, "attr.name": c, "attr.type": _attr_type(df[c])},
            )
    graph = ET.SubElement(root, "graph", id="liens", edgedefault="directed")
    _rows(graph, "node", nodes, ncols, lambda r: {"id": r["id"]}, "n_", data_tag="data")
    _rows(
        graph,
        "edge",
        edges,
        ecols,
        lambda r: {"source": r["source"], "target": r["target"]},
        "e_",
        data_tag="data",
    )
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _rows(parent, tag, df, cols, ident, prefix, data_tag) -> None:
    for r in df.to_dict("records"):
        el = ET.SubElement(parent, tag, ident(r))
        for c in cols:
            v = _value(r[c])
            if v is not None:
                ET.SubElement(el, data_tag, key=f"{prefix}{c}").text = v


def _write_gexf(nodes: pd.DataFrame, edges: pd.DataFrame, path: Path) -> None:
    ns = "http://gexf.net/1.3"
    root = ET.Element("gexf", xmlns=ns, version="1.3")
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "liens"
    timed = "first_at" in edges and edges["first_at"].notna().any()
    graph_attrs = {"defaultedgetype": "directed", "mode": "dynamic" if timed else "static"}
    if timed:
        graph_attrs["timeformat"] = "date"  # ISO 8601 values; "date" is what networkx reads
    graph = ET.SubElement(root, "graph", graph_attrs)
    ncols = _exportable(nodes, {"id", "account"})
    ecols = _exportable(edges, {"source", "target"})
    for cls, df, cols in (("node", nodes, ncols), ("edge", edges, ecols)):
        attrs = ET.SubElement(graph, "attributes", {"class": cls, "mode": "static"})
        for i, c in enumerate(cols):
            ET.SubElement(attrs, "attribute", id=str(i), title=c, type=_attr_type(df[c]))
    nodes_el = ET.SubElement(graph, "nodes")
    for r in nodes.to_dict("records"):
        el = ET.SubElement(nodes_el, "node", id=r["id"], label=str(r["account"]))
        _attvalues(el, r, ncols)
    edges_el = ET.SubElement(graph, "edges")
    for k, r in enumerate(edges.to_dict("records")):
        attrs = {"id": str(k), "source": r["source"], "target": r["target"]}
        if timed and _value(r.get("first_at")) is not None:
            attrs["start"] = _value(r["first_at"])
            attrs["end"] = _value(r["last_at"])
        if "n_events" in r:
            attrs["weight"] = str(float(r["n_events"]))
        el = ET.SubElement(edges_el, "edge", attrs)
        _attvalues(el, r, ecols)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _attvalues(el, record: dict, cols: list[str]) -> None:
    vals = ET.SubElement(el, "attvalues")
    for i, c in enumerate(cols):
        v = _value(record[c])
        if v is not None:
            ET.SubElement(vals, "attvalue", attrib={"for": str(i), "value": v})
