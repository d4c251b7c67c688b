"""Ties from events: counts, orientation, multiplexity and strength components."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from liens.analysis import AnalysisParams
from liens.analysis.ties import ties
from liens.sources import ReadOptions, detect_reader
from liens.store import import_chunks, open_workspace

EVENTS = """actor,target,ts,kind
ann,bob,2024-01-01T10:00:00,message
bob,ann,2024-01-02T10:00:00,message
ann,bob,2024-01-05T10:00:00,share
bob,ann,2024-01-06T10:00:00,quote
ann,cat,2024-01-03T10:00:00,reaction
cat,dan,2024-01-04T10:00:00,reply
dan,cat,2024-01-09T10:00:00,reply
bob,cat,2024-01-08T10:00:00,mention
ann,,2024-01-08T11:00:00,post
eve,eve,2024-01-08T12:00:00,reply
"""


def workspace(tmp_path: Path, text: str = EVENTS):
    src = tmp_path / "events.csv"
    src.write_text(text)
    con = open_workspace(tmp_path / "w.duckdb")
    opts = ReadOptions(
        platform="demo",
        columns={"actor": "actor", "target": "target", "created_at": "ts", "kind": "kind"},
    )
    r = detect_reader(src)
    import_chunks(con, src, r.read(src, opts), fmt=r.name, options=opts)
    return con


@pytest.fixture
def tables(tmp_path):
    return ties(workspace(tmp_path), AnalysisParams())


def test_only_events_between_two_distinct_accounts_are_ties(tables):
    directed, undirected = tables
    pairs = set(zip(directed["source"], directed["target"], strict=True))
    assert pairs == {("ann", "bob"), ("bob", "ann"), ("ann", "cat"), ("cat", "dan"),
                     ("dan", "cat"), ("bob", "cat")}  # fmt: skip
    assert len(undirected) == 4


def test_counts_orientation_and_multiplexity(tables):
    directed, undirected = tables
    ab = directed.set_index(["source", "target"]).loc[("ann", "bob")]
    assert (ab["n_message"], ab["n_share"], ab["n_events"]) == (1, 1, 2)
    assert ab["weighted_count"] == 3.0 + 1.5  # message 3, share 1.5
    assert ab["w_back"] == 3.0 + 2.0  # message 3, quote 2
    assert bool(ab["reciprocated"]) and ab["orientation"] == "bilateral"
    assert ab["balance"] == pytest.approx(4.5 / 5.0)
    assert ab["dominance"] == pytest.approx((4.5 - 5.0) / 9.5)
    ac = directed.set_index(["source", "target"]).loc[("ann", "cat")]
    assert ac["orientation"] == "unilateral" and ac["dominance"] == 1.0
    pair = undirected.set_index(["a", "b"]).loc[("ann", "bob")]
    assert pair["n_kinds"] == 3
    assert pair["kind_entropy"] == pytest.approx(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25)))
    assert pair["duration_days"] == pytest.approx(5.0)
    # window end = last event (2024-01-09 10:00); last exchange 2024-01-06 10:00
    assert pair["recency_days"] == pytest.approx(3.0)


def test_strength_components_are_in_unit_interval_and_documented(tables):
    _, undirected = tables
    comp = undirected[[c for c in undirected if c.startswith("c_") and c != "c_emotional"]]
    assert ((comp >= 0) & (comp <= 1)).all().all()
    assert undirected["c_emotional"].isna().all()  # no tone column: absent, not zero
    pair = undirected.set_index(["a", "b"]).loc[("ann", "bob")]
    assert pair["c_intimacy"] == pytest.approx(0.5)  # 2 messages of 4 events
    assert pair["c_services"] == 1.0  # a share one way, a quote the other
    assert set(undirected["strength_class"]) <= {"strong", "weak"}


def test_structural_component_is_networkx_jaccard(tables):
    _, undirected = tables
    G = nx.Graph(list(zip(undirected["a"], undirected["b"], strict=True)))
    ref = {(u, v): p for u, v, p in nx.jaccard_coefficient(G, list(G.edges()))}
    for r in undirected.itertuples():
        expect = ref.get((r.a, r.b), ref.get((r.b, r.a)))
        assert r.c_structural == pytest.approx(expect, abs=1e-12)


def test_layers_and_window_restrict_the_ties(tmp_path):
    con = workspace(tmp_path)
    d, _ = ties(con, AnalysisParams(layers=["reply"]))
    assert set(zip(d["source"], d["target"], strict=True)) == {("cat", "dan"), ("dan", "cat")}
    d, _ = ties(con, AnalysisParams(end="2024-01-03"))
    assert set(d["source"]) == {"ann", "bob"} and np.all(d["n_message"] == 1)


def test_column_types_are_the_stored_interface(tmp_path):
    # sums are floats and counts integers whatever the fetch path; the kind weights' sum is
    # the float sum (0.1 + 0.2 as SQL decimals, then one rounding)
    con = workspace(tmp_path)
    params = AnalysisParams(options={"kind_weights": {"message": 0.1, "share": 0.2}})
    directed, undirected = ties(con, params)
    texts = (["platform", "source", "target", "orientation"],
             ["platform", "a", "b", "orientation", "strength_class"])  # fmt: skip
    for df, text in zip((directed, undirected), texts, strict=True):
        for col in ("n_events", "weighted_count", "balance", "strength", "c_intimacy"):
            assert df[col].dtype == np.float64, col
        for col in ("n_message", "n_kinds", "active_days", "n_contexts"):
            assert df[col].dtype == np.int64, col
        assert all(pd.api.types.is_string_dtype(df[c]) for c in text)
        assert df["reciprocated"].dtype == bool
    ab = directed.set_index(["source", "target"]).loc[("ann", "bob")]
    assert ab["weighted_count"] == 0.3  # exact decimal sum, not 0.1 + 0.2 in floats
    assert undirected.set_index(["a", "b"]).loc[("ann", "bob"), "w_ab"] == ab["weighted_count"]
