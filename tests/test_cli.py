"""The liens command: exit codes scripts can trust, JSON where output is data, no tracebacks."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SE_CSV = FIXTURES / "canonical" / "stackexchange_comments.csv"
HIGGS = FIXTURES / "higgs_slice" / "higgs-activity-2000.txt.gz"
HIGGS_TOML = Path(__file__).parent.parent / "docs" / "examples" / "higgs.toml"


def liens(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "liens.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture
def wsp(tmp_path):
    return tmp_path / "w.duckdb"


def test_import_then_status_json(wsp):
    r = liens("import", str(SE_CSV), "-w", str(wsp), "--json")
    assert r.returncode == 0, r.stderr
    [res] = json.loads(r.stdout)
    assert res["read"] == res["accepted"] + res["duplicate"] + res["quarantined"] == 1000
    s = json.loads(liens("status", "-w", str(wsp), "--json").stdout)
    assert s["events"] == 1000 and s["by_kind"] == {"comment": 1000}
    assert s["by_platform"] == {"stackexchange": 1000}
    assert set(s) >= {
        "events",
        "by_kind",
        "by_platform",
        "accounts",
        "posts",
        "quarantined",
        "first",
        "last",
    }
    assert s["first"].startswith("2014-01-21") and s["quarantined"] == 0


def test_workspace_from_the_environment(wsp, tmp_path):
    env_run = subprocess.run(
        [sys.executable, "-m", "liens.cli", "import", str(SE_CSV), "--json"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "LIENS_WORKSPACE": str(wsp)},
    )
    assert env_run.returncode == 0, env_run.stderr
    assert wsp.exists()


def test_mapping_file_for_higgs(wsp):
    r = liens("import", str(HIGGS), "-w", str(wsp), "--mapping", str(HIGGS_TOML), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["accepted"] == 2000
    s = json.loads(liens("status", "-w", str(wsp), "--json").stdout)
    assert set(s["by_kind"]) <= {"share", "mention", "reply"}


def test_a_missing_file_is_one_line_and_exit_2(wsp):
    r = liens("import", "/no/such/file.csv", "-w", str(wsp))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "/no/such/file.csv" in r.stderr and "no such file" in r.stderr


def test_one_bad_file_among_good_ones_still_imports_the_good(wsp, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    r = liens("import", str(empty), str(SE_CSV), "-w", str(wsp), "--json")
    assert r.returncode == 2
    results = json.loads(r.stdout)
    assert "error" in results[0] and results[1]["accepted"] == 1000


def test_not_a_workspace_is_exit_3_without_traceback(tmp_path):
    p = tmp_path / "x.duckdb"
    p.write_text("not a database")
    r = liens("status", "-w", str(p))
    assert r.returncode == 3
    assert "Traceback" not in r.stderr and "not a DuckDB database" in r.stderr


def test_bad_option_value_is_a_usage_error(wsp):
    r = liens("import", str(SE_CSV), "-w", str(wsp), "--map", "actor")
    assert r.returncode == 1 and "NAME=VALUE" in r.stderr and "Traceback" not in r.stderr


def test_unknown_option_is_a_usage_error(wsp):
    r = liens("status", "-w", str(wsp), "--colour")
    assert r.returncode == 2 and "No such option" in r.stderr


def test_quarantine_lists_reasons(wsp, tmp_path):
    with SE_CSV.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if "\n" not in r["text"]][:9]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    lines = buf.getvalue().splitlines(keepends=True)
    lines[3] = "a,b\n"
    p = tmp_path / "q.csv"
    p.write_text("".join(lines))
    assert liens("import", str(p), "-w", str(wsp)).returncode == 0
    rows = json.loads(liens("quarantine", "-w", str(wsp), "--json").stdout)
    assert len(rows) == 1 and rows[0]["line"] == 4 and "expected 10 fields" in rows[0]["reason"]


def test_analyze_export_and_tables(wsp, tmp_path):
    liens("import", str(SE_CSV), "-w", str(wsp))
    r = liens("analyze", "-w", str(wsp), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["tables"]["activity_daily"] > 0
    out = tmp_path / "export"
    assert liens("export", "-w", str(wsp), "--format", "csv", "--out", str(out)).returncode == 0
    assert (out / "events.csv").exists() and (out / "activity_daily.csv").exists()
    tables = json.loads(liens("tables", "-w", str(wsp), "--json").stdout)
    assert tables["events"] == 1000


def test_analyze_on_an_empty_workspace_says_what_to_do(wsp):
    liens("status", "-w", str(wsp))  # creates nothing: status is read-only
    r = liens("analyze", "-w", str(wsp))
    assert r.returncode == 1 and "import data first" in r.stderr


def test_help_has_examples():
    r = liens("import", "--help")
    assert r.returncode == 0 and "--map" in r.stdout and "Examples" in r.stdout


def test_path_walks_real_ties(demo_workspace):
    import duckdb

    con = duckdb.connect(str(demo_workspace), read_only=True)
    # Two accounts two steps apart: a common neighbour but no direct tie.
    a, b = con.execute(
        """SELECT x.a, y.b FROM ties_undirected x JOIN ties_undirected y ON x.b = y.a
           WHERE x.a < y.b AND NOT EXISTS (SELECT 1 FROM ties_undirected z
             WHERE z.a = x.a AND z.b = y.b) LIMIT 1"""
    ).fetchone()
    ties = {tuple(sorted(r)) for r in con.execute("SELECT a, b FROM ties_undirected").fetchall()}
    con.close()
    r = liens("path", a, b, "-w", str(demo_workspace), "--json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["hops"] == 2 and res["shortest"]
    for p in [*res["shortest"], res["strongest"]]:
        assert p[0] == a and p[-1] == b
        assert all(tuple(sorted(step)) in ties for step in itertools.pairwise(p))
    assert {m["account"] for m in res["mutual"]} >= {p[1] for p in res["shortest"]}


def test_path_to_an_unknown_account(demo_workspace):
    r = liens("path", "no-such-person", "nobody-either", "-w", str(demo_workspace))
    assert r.returncode == 1 and "no account 'no-such-person'" in r.stderr


def test_gexf_export_reads_back_in_networkx(demo_workspace, tmp_path):
    import duckdb
    import networkx as nx

    r = liens("export", "-w", str(demo_workspace), "--format", "gexf", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    g = nx.read_gexf(tmp_path / "network.gexf")
    con = duckdb.connect(str(demo_workspace), read_only=True)
    n_ties = con.execute("SELECT count(*) FROM ties").fetchone()[0]
    con.close()
    assert g.number_of_edges() == n_ties


def test_post_status_compares_with_the_history(demo_workspace):
    import duckdb

    con = duckdb.connect(str(demo_workspace), read_only=True)
    # A question with answers: check it one day after publication.
    post_id, created = con.execute(
        """SELECT p.post_id, p.created_at FROM posts p JOIN events e ON e.parent_post_id = p.post_id
           WHERE p.kind = 'post' AND e.kind = 'reply' GROUP BY ALL ORDER BY count(*) DESC
           LIMIT 1"""
    ).fetchone()
    con.close()
    when = (created + __import__("datetime").timedelta(days=1)).isoformat()
    r = liens("post", post_id, "-w", str(demo_workspace), "--now", when, "--json")
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["post_id"] == post_id and abs(st["age_hours"] - 24) < 1e-6
    assert st["history"] > 100 and 0 <= st["percentile"] <= 1


def test_post_that_does_not_exist(demo_workspace):
    r = liens("post", "no/such/post", "-w", str(demo_workspace))
    assert r.returncode == 1 and "no post 'no/such/post'" in r.stderr


def test_campaign_roi_follows_the_seed_example(demo_workspace):
    # Seed 004: 5,000 invested, 10,000 earned: ROI = (10000 - 5000) / 5000 = 1 (100 %).
    r = liens(
        "campaign",
        "-w",
        str(demo_workspace),
        "-t",
        "hops",
        "--investment",
        "5000",
        "--revenue",
        "10000",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    [row] = json.loads(r.stdout)
    assert row["roi"] == 1.0 and row["publications"] > 0
    assert row["roe"] == row["interactions"] / row["publications"]


def test_handle_check_names_the_rule_broken():
    r = liens("handle", "check", "@lucie_martin", "-p", "github", "-p", "twitter", "--json")
    assert r.returncode == 0, r.stderr
    by = {row["platform"]: row for row in json.loads(r.stdout)}
    # GitHub usernames take letters, digits and hyphens only; X allows the underscore.
    assert by["github"]["fits"] is False and "'_'" in by["github"]["reasons"][0]
    assert by["twitter"]["fits"] is True and by["twitter"]["handle"] == "lucie_martin"


def test_handle_check_unknown_platform():
    r = liens("handle", "check", "lucie", "-p", "myspace")
    assert r.returncode == 1 and "myspace" in r.stderr and "Traceback" not in r.stderr


def test_tone_scores_a_csv_file(tmp_path):
    src = FIXTURES / "tone" / "tone_val.csv"
    out = tmp_path / "scored.csv"
    r = liens("tone", str(src), "--text-column", "text", "--out", str(out))
    assert r.returncode == 0, r.stderr
    with src.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    with out.open(newline="") as fh:
        scored = list(csv.DictReader(fh))
    assert len(scored) == len(rows)
    assert {"tone_label", "tone_score"} <= set(scored[0])
    # Hand labels of real validation tweets: the shipped model agrees on most of them.
    agree = sum(s["tone_label"] == r["label"] for s, r in zip(scored, rows, strict=True))
    assert agree / len(rows) > 0.6
    assert all(-1 <= float(s["tone_score"]) <= 1 for s in scored if s["tone_score"])


def test_tone_names_a_missing_column(tmp_path):
    src = FIXTURES / "tone" / "tone_val.csv"
    r = liens("tone", str(src), "--text-column", "body", "--out", str(tmp_path / "x.csv"))
    assert r.returncode == 1 and "body" in r.stderr and not (tmp_path / "x.csv").exists()
