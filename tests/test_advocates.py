"""Critics and defenders in brand threads, checked against RumourEval's own stance labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liens.analysis import AnalysisParams
from liens.analysis.advocates import advocates, brand_replies
from liens.api import Workspace

SLICE = Path(__file__).parent / "fixtures" / "stance_slice" / "traindev"
ROOTS = AnalysisParams(options={"brand_roots": True})


def _gold() -> tuple[dict[str, str], dict[str, str | None]]:
    """Stance of every tweet and the parent of every reply, read from the files directly."""
    ids = (SLICE / "post_id.txt").read_text().split()
    codes = (SLICE / "post_label.txt").read_text().split()
    names = {str(v): k for k, v in json.loads((SLICE.parent / "stanceCategory.json").read_text())
             .items()}  # fmt: skip
    stance = {i: names[c] for i, c in zip(ids, codes, strict=True)}
    parent: dict[str, str | None] = {}

    def walk(tree: dict, up: str | None) -> None:
        for k, v in tree.items():
            parent[k] = up
            if isinstance(v, dict):
                walk(v, k)

    for tree in json.loads((SLICE / "structures.json").read_text()).values():
        walk(tree, None)
    return stance, parent


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = Workspace(tmp_path_factory.mktemp("stance") / "ws.duckdb")
    w.import_file(SLICE)
    yield w
    w.close()


def test_critics_are_the_deny_replies(ws):
    stance, parent = _gold()
    r = brand_replies(ws.con, ROOTS)
    assert (r["basis"] == "stance").all()
    critic_ids = {e.split(":")[-1] for e in r.loc[r["critic"], "event_id"]}
    deny = {k for k, p in parent.items() if p is not None and stance.get(k) == "deny"}
    assert critic_ids == deny


def test_defences_are_support_replies_to_deny(ws):
    stance, parent = _gold()
    r = brand_replies(ws.con, ROOTS)
    got = {e.split(":")[-1] for e in r.loc[r["defence"], "event_id"]}
    # a defence answers a critic reply; answering the source (the "brand") itself is not one
    expected = {
        k for k, p in parent.items()
        if p is not None and parent.get(p) is not None
        and stance.get(k) == "support" and stance.get(p) == "deny"
    }  # fmt: skip
    assert expected and got == expected


def test_tone_path_gives_positions_without_labels(ws):
    r = brand_replies(ws.con, ROOTS, use_stance=False)
    assert r["stance"].isna().all()
    assert set(r["basis"]) <= {"tone", "none"}
    assert (r["basis"] == "tone").mean() > 0.9  # English tweets: the tone model covers them


def test_anonymous_repliers_make_no_advocate(ws):
    # the data gives no user ids: acts are classified, nobody is named
    a = advocates(ws.con, ROOTS)
    assert a.empty
