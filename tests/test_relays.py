"""Relay chains origin -> relay -> target: a hand-checked case and the Higgs slice."""

from __future__ import annotations

import gzip
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_ties import workspace

from liens.analysis import AnalysisParams
from liens.analysis.relays import COLUMNS, relay_chains
from liens.api import Workspace

EVENTS = (
    "actor,target,ts,kind\n"
    "b,a,2024-01-01T00:00:00,share\n"  # b relays a
    "c,b,2024-01-01T05:00:00,share\n"  # c relays b 5 h later: chain a -> b -> c
    "d,b,2024-01-02T02:00:00,share\n"  # 26 h later: outside the 24 h window
    "a,b,2024-01-01T06:00:00,share\n"  # back to the origin: not a chain
    "c,b,2023-12-31T23:00:00,share\n"  # before b relayed a
    "e,c,2024-01-01T05:30:00,quote\n"  # e quotes c after both of c's relays of b
    "f,c,2024-01-01T06:00:00,mention\n"  # a mention is not a relay
)


def chains(df: pd.DataFrame) -> dict[tuple[str, str, str], tuple]:
    return {
        (r.origin, r.relay, r.target): (r.n_chains, r.lag_min_hours, r.lag_median_hours)
        for r in df.itertuples()
    }


def test_hand_checked_chains(tmp_path):
    con = workspace(tmp_path, EVENTS)
    table, totals = relay_chains(con, AnalysisParams())
    assert list(table.columns) == COLUMNS
    # (b, c, e): c relayed b at 23:00 and 05:00, e quoted c at 05:30: lags 6.5 h and 0.5 h
    assert chains(table) == {("a", "b", "c"): (1, 5.0, 5.0), ("b", "c", "e"): (2, 0.5, 3.5)}
    assert list(table["origin"]) == ["b", "a"]  # most chains first
    assert table["first_at"].tolist() == [pd.Timestamp("2024-01-01 05:30"),
                                          pd.Timestamp("2024-01-01 05:00")]  # fmt: skip
    assert totals == {"demo": 2}


def test_window_and_row_bound(tmp_path):
    con = workspace(tmp_path, EVENTS)
    wide, _ = relay_chains(con, AnalysisParams(), window_hours=27)
    assert chains(wide)[("a", "b", "d")] == (1, 26.0, 26.0)
    top, totals = relay_chains(con, AnalysisParams(), max_rows=1)
    assert chains(top) == {("b", "c", "e"): (2, 0.5, 3.5)}
    assert totals == {"demo": 2}  # the bound cuts rows, not the count


HIGGS = Path(__file__).parent / "fixtures" / "higgs_slice" / "higgs-activity-2000.txt.gz"


@pytest.mark.parametrize("hours", [3.0, 24.0])
def test_higgs_slice_equals_a_loop_over_the_file(tmp_path, hours):
    ws = Workspace(tmp_path / "w.duckdb")
    ws.import_file(HIGGS, platform="twitter", delimiter=" ", header=False,
                   names=["a", "b", "ts", "type"],
                   columns={"actor": "a", "target": "b", "created_at": "ts",
                            "kind": "type"})  # fmt: skip
    table, totals = relay_chains(ws.con, AnalysisParams(), window_hours=hours)
    # reference: every pair of retweets (r retweets o at t1, t retweets r at t2) read from
    # the raw file, in plain Python
    with gzip.open(HIGGS, "rt") as fh:
        rts = {(a, b, int(ts)) for a, b, ts, kind in map(str.split, fh) if kind == "RT"}
    by_author = defaultdict(list)
    for a, b, ts in rts:
        by_author[b].append((a, ts))
    lags = defaultdict(list)
    for r, o, t1 in rts:
        for t, t2 in by_author[r]:
            if t != o and 0 <= t2 - t1 <= hours * 3600 and r != o:
                lags[(o, r, t)].append((t2 - t1) / 3600)
    assert len(lags) >= 10  # the slice has chains to compare
    expected = {k: (len(v), min(v), float(np.median(v))) for k, v in lags.items()}
    got = chains(table)
    assert got.keys() == expected.keys()
    for k, (n, lo, med) in expected.items():
        assert got[k][0] == n and got[k][1] == pytest.approx(lo) and got[k][2] == pytest.approx(med)
    assert totals == {"twitter": len(expected)}


def test_liens_analyze_stores_the_chains_and_their_count(tmp_path):
    from liens.analysis import run_analyses

    con = workspace(tmp_path, EVENTS)
    written = run_analyses(con, AnalysisParams(), only=["network"])
    assert written["relay_chains"] == 2
    stored = con.execute("SELECT * FROM relay_chains").df()
    assert chains(stored) == {("a", "b", "c"): (1, 5.0, 5.0), ("b", "c", "e"): (2, 0.5, 3.5)}
    assert con.execute("SELECT relay_chains FROM network").fetchall() == [(2,)]
