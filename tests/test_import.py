"""Import: nothing twice, nothing lost, all or nothing per file, clear errors for bad input."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
import zstandard
from fuzzing import FUZZ_EXAMPLES, case_dir, check_file, mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liens.api import Workspace
from liens.errors import LiensError, SourceError, WorkspaceError

FIXTURES = Path(__file__).parent / "fixtures"
SE_CSV = FIXTURES / "canonical" / "stackexchange_comments.csv"
HIGGS = FIXTURES / "higgs_slice" / "higgs-activity-2000.txt.gz"
REDDIT = FIXTURES / "reddit_slice" / "RC_2005-12-300.ndjson.zst"
HIGGS_OPTIONS = dict(
    platform="twitter",
    delimiter=" ",
    header=False,
    names=["a", "b", "ts", "type"],
    columns={"actor": "a", "target": "b", "created_at": "ts", "kind": "type"},
)


def csv_rows(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def count(ws: Workspace, sql: str, params: list | None = None) -> int:
    return ws.con.execute(sql, params or []).fetchone()[0]


def assert_accounting(res) -> None:
    assert res.read == res.accepted + res.duplicate + res.quarantined


# -- the happy paths --------------------------------------------------------------------------


def test_canonical_columns_import_with_no_mapping(ws):
    rows = csv_rows(SE_CSV)
    res = ws.import_file(SE_CSV)
    assert (res.read, res.accepted, res.duplicate, res.quarantined) == (len(rows), len(rows), 0, 0)
    got = ws.sql("SELECT event_id, actor, target, text FROM events ORDER BY source_record")
    assert list(got.event_id) == ["stackexchange:" + r["event_id"] for r in rows]
    assert list(got.actor) == [r["actor"] for r in rows]
    # Text with commas, quotes and accents survives the round trip exactly.
    assert list(got.text) == [r["text"] for r in rows]


def test_reimporting_a_file_adds_nothing(ws):
    first = ws.import_file(SE_CSV)
    before = count(ws, "SELECT count(*) FROM events")
    again = ws.import_file(SE_CSV)
    assert count(ws, "SELECT count(*) FROM events") == before
    assert (again.accepted, again.duplicate) == (0, first.read)
    assert_accounting(again)
    assert count(ws, "SELECT count(*) FROM imports") == 2


def test_higgs_edge_list_with_a_mapping(ws):
    with gzip.open(HIGGS, "rt") as fh:
        lines = [line.split() for line in fh]
    res = ws.import_file(HIGGS, **HIGGS_OPTIONS)
    assert res.accepted == len(lines) and res.quarantined == 0
    by_kind = dict(ws.con.execute("SELECT kind, count(*) FROM events GROUP BY 1").fetchall())
    expected = {"share": 0, "mention": 0, "reply": 0}
    for parts in lines:
        expected[{"RT": "share", "MT": "mention", "RE": "reply"}[parts[3]]] += 1
    assert by_kind == {k: v for k, v in expected.items() if v}
    # unix seconds are UTC: epoch() of the stored UTC time gives the file's number back.
    first = lines[0]
    epochs = ws.con.execute(
        "SELECT epoch(created_at)::BIGINT FROM events WHERE actor = ? AND target = ?",
        [first[0], first[1]],
    ).fetchall()
    assert (int(first[2]),) in epochs
    # every actor and target became an account
    people = {p[0] for p in lines} | {p[1] for p in lines}
    assert count(ws, "SELECT count(*) FROM accounts") == len(people)


BITCOIN_OTC = FIXTURES / "bitcoin_otc" / "soc-sign-bitcoinotc-1000.csv"
COLLEGEMSG = FIXTURES / "collegemsg" / "CollegeMsg-1000.txt"


def test_bitcoin_otc_signed_ratings_with_a_mapping(ws):
    with BITCOIN_OTC.open() as fh:
        rows = [line.strip().split(",") for line in fh]
    res = ws.import_file(
        BITCOIN_OTC,
        platform="bitcoinotc",
        header=False,
        names=["src", "dst", "rating", "ts"],
        columns={"actor": "src", "target": "dst", "value": "rating", "created_at": "ts"},
        constants={"kind": "rating"},
    )
    assert (res.read, res.accepted, res.quarantined) == (len(rows), len(rows), 0)
    got = ws.sql(
        "SELECT actor, target, value, epoch(created_at)::BIGINT AS ts FROM events "
        "WHERE kind = 'rating' ORDER BY source_record"
    )
    assert [[a, b, int(v), str(t)] for a, b, v, t in got.itertuples(index=False)] == [
        [a, b, int(r), t] for a, b, r, t in rows
    ]
    # The signed ratings are kept as given: distrust is negative, never clipped.
    negative = sum(int(r[2]) < 0 for r in rows)
    assert negative > 0
    assert count(ws, "SELECT count(*) FROM events WHERE value < 0") == negative
    assert count(ws, "SELECT count(*) FROM events WHERE value NOT BETWEEN -10 AND 10") == 0


def test_collegemsg_messages_repeated_in_one_second_stay_distinct(ws):
    with COLLEGEMSG.open() as fh:
        rows = [tuple(line.split()) for line in fh]
    options = dict(
        platform="collegemsg",
        delimiter=" ",
        header=False,
        names=["src", "dst", "ts"],
        columns={"actor": "src", "target": "dst", "created_at": "ts"},
        constants={"kind": "message"},
    )
    res = ws.import_file(COLLEGEMSG, **options)
    assert (res.accepted, res.quarantined) == (len(rows), 0)
    assert len(set(rows)) < len(rows)  # the slice holds a line twice: two messages
    got = ws.sql(
        "SELECT actor, target, epoch(created_at)::BIGINT AS ts, count(*) AS n FROM events "
        "WHERE kind = 'message' GROUP BY ALL"
    )
    pairs = {(a, b, str(t)): n for a, b, t, n in got.itertuples(index=False)}
    expected: dict[tuple, int] = {}
    for r in rows:
        expected[r] = expected.get(r, 0) + 1
    assert pairs == expected
    people = {r[0] for r in rows} | {r[1] for r in rows}
    assert count(ws, "SELECT count(*) FROM accounts WHERE platform = 'collegemsg'") == len(people)
    assert ws.import_file(COLLEGEMSG, **options).duplicate == len(rows)


def test_identical_rows_of_one_file_stay_distinct_events(ws, tmp_path):
    with gzip.open(HIGGS, "rt") as fh:
        line = fh.readline()
    p = tmp_path / "twice.txt"
    p.write_text(line * 2 + line.replace(" RT", " MT").replace(" RE", " MT"))
    res = ws.import_file(p, **HIGGS_OPTIONS)
    assert res.accepted == 3
    res = ws.import_file(p, **HIGGS_OPTIONS)
    assert (res.accepted, res.duplicate) == (0, 3)


def test_zstd_json_lines_with_dotted_mapping_and_constants(ws):
    raw = zstandard.ZstdDecompressor().decompress(REDDIT.read_bytes()).decode()
    records = [json.loads(line) for line in raw.splitlines()]
    res = ws.import_file(
        REDDIT,
        platform="reddit",
        columns={
            "event_id": "id",
            "actor": "author",
            "created_at": "created_utc",
            "text": "body",
            "post_id": "id",
            "parent_post_id": "parent_id",
            "root_post_id": "link_id",
            "context": "subreddit",
        },
        constants={"kind": "comment"},
    )
    assert res.accepted == len(records)
    row = ws.sql("SELECT * FROM events WHERE event_id = ?", ["reddit:" + records[0]["id"]])
    assert row.text[0] == records[0]["body"]
    assert row.context[0] == records[0]["subreddit"]
    # Fields without a canonical column are kept in extra, not lost.
    extra = json.loads(row.extra[0])
    assert extra["score"] == records[0]["score"]
    assert extra["retrieved_on"] == records[0]["retrieved_on"]


def test_parquet_round_trip_of_an_export(ws, tmp_path):
    ws.import_file(SE_CSV)
    ws.analyze()
    paths = ws.export(tmp_path / "out", "parquet")
    names = {p.stem for p in paths}
    assert {"events", "accounts", "posts", "quarantine", "imports", "members"} <= names
    with Workspace(tmp_path / "again.duckdb") as other:
        res = other.import_file(tmp_path / "out" / "events.parquet")
        assert res.accepted == count(ws, "SELECT count(*) FROM events")
        assert count(other, "SELECT count(*) FROM events e JOIN events f USING (event_id)") > 0


def test_csv_export_has_every_table(ws, tmp_path):
    ws.import_file(SE_CSV)
    paths = ws.export(tmp_path / "csv", "csv")
    events = next(p for p in paths if p.name == "events.csv")
    assert len(csv_rows(events)) == count(ws, "SELECT count(*) FROM events")
    assert not list((tmp_path / "csv").glob("*.part"))


# -- timestamps -------------------------------------------------------------------------------


def _one(tmp_path: Path, created_at: str, **kw) -> Path:
    p = tmp_path / "one.csv"
    with p.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "kind", "actor", "target", "created_at"])
        w.writerow(["x", "reply", "a", "b", created_at])
    return p


@pytest.mark.parametrize(
    ("raw", "tz", "utc", "source_tz"),
    [
        ("2020-03-01 10:00:00", "Europe/Paris", "2020-03-01 09:00:00", "Europe/Paris"),
        ("2020-07-01T10:00:00", "Europe/Paris", "2020-07-01 08:00:00", "Europe/Paris"),
        ("2020-07-01T10:00:00+02:00", "UTC", "2020-07-01 08:00:00", "+02:00"),
        ("2020-07-01T10:00:00Z", "Europe/Paris", "2020-07-01 10:00:00", "UTC"),
        ("1593597600", "Europe/Paris", "2020-07-01 10:00:00", "UTC"),
        ("1593597600000", "UTC", "2020-07-01 10:00:00", "UTC"),
        ("Wed, 01 Jul 2020 12:00:00 +0200", "UTC", "2020-07-01 10:00:00", "+0200"),
        ("Wed Jul 01 10:00:00 +0000 2020", "UTC", "2020-07-01 10:00:00", "+0000"),
    ],
)
def test_timestamp_forms_become_utc_with_the_source_zone_kept(
    ws, tmp_path, raw, tz, utc, source_tz
):
    res = ws.import_file(_one(tmp_path, raw), tz=tz)
    assert res.accepted == 1, ws.quarantine()
    got = ws.con.execute("SELECT CAST(created_at AS VARCHAR), source_tz FROM events").fetchone()
    assert got == (utc, source_tz)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("yesterday at noon", "unknown timestamp format"),
        ("3000-01-01T00:00:00", "in the future"),
        ("0", "unknown timestamp format"),
        ("1970-01-01T00:00:00", "before 1971"),
        ("", "missing created_at"),
    ],
)
def test_bad_timestamps_are_quarantined_with_the_reason(ws, tmp_path, raw, reason):
    p = tmp_path / "mixed.csv"
    good = csv_rows(SE_CSV)[:5]
    with p.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(good[0]))
        w.writeheader()
        w.writerows(good)
        w.writerow({**good[0], "event_id": "bad", "created_at": raw})
    res = ws.import_file(p)
    assert (res.accepted, res.quarantined) == (5, 1)
    q = ws.quarantine()
    assert q.field[0] == "created_at" and reason in q.reason[0]
    assert json.loads(q.raw[0])["event_id"] == "bad"
    assert q.record[0] == 6


def test_unknown_time_zone_is_a_clear_error(ws):
    with pytest.raises(LiensError, match="time zone"):
        ws.import_file(SE_CSV, tz="Mars/Olympus")
    assert count(ws, "SELECT count(*) FROM events") == 0


# -- bad input --------------------------------------------------------------------------------


def test_broken_quote_on_line_3_of_1000_costs_one_record(ws, tmp_path):
    # 999 real records on one line each, then an opening quote that never closes on line 3.
    rows = [r for r in csv_rows(SE_CSV) if "\n" not in r["text"] and "\r" not in r["text"]]
    rows += [{**r, "event_id": r["event_id"] + "/copy"} for r in rows]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows[:999])
    lines = buf.getvalue().splitlines(keepends=True)
    assert len(lines) == 1000
    cells = lines[2].split(",", 6)
    lines[2] = ",".join(cells[:6]) + ',"' + cells[6].replace('"', "")
    p = tmp_path / "broken.csv"
    p.write_text("".join(lines))
    res = ws.import_file(p)
    assert_accounting(res)
    assert (res.read, res.accepted, res.quarantined) == (999, 998, 1)
    q = ws.quarantine()
    assert q.line[0] == 3 and "quot" in q.reason[0]


def test_a_line_with_missing_fields_is_quarantined_with_its_line(ws, tmp_path):
    lines = SE_CSV.read_text().splitlines(keepends=True)[:20]
    lines[4] = "only,three,fields\n"
    p = tmp_path / "short.csv"
    p.write_text("".join(lines))
    res = ws.import_file(p)
    assert_accounting(res)
    assert res.quarantined == 1
    q = ws.quarantine()
    assert q.line[0] == 5 and "expected 10 fields, found 3" in q.reason[0]
    assert q.raw[0] == "only,three,fields"


def test_json_lines_with_one_invalid_line(ws, tmp_path):
    raw = zstandard.ZstdDecompressor().decompress(REDDIT.read_bytes()).decode().splitlines()
    raw[9] = raw[9][: len(raw[9]) // 2]  # cut in the middle
    p = tmp_path / "cut.ndjson"
    p.write_text("\n".join(raw) + "\n")
    res = ws.import_file(
        p,
        platform="reddit",
        columns={"event_id": "id", "actor": "author", "created_at": "created_utc"},
        constants={"kind": "comment"},
    )
    assert (res.read, res.accepted, res.quarantined) == (300, 299, 1)
    q = ws.quarantine()
    assert q.line[0] == 10 and q.reason[0].startswith("invalid JSON")


def test_duplicate_ids_inside_one_file(ws, tmp_path):
    rows = csv_rows(SE_CSV)[:10]
    same = dict(rows[3])
    different = {**rows[4], "text": "edited afterwards"}
    p = tmp_path / "dups.csv"
    with p.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows([*rows, same, different])
    res = ws.import_file(p)
    assert (res.read, res.accepted, res.duplicate, res.quarantined) == (12, 10, 1, 1)
    q = ws.quarantine()
    assert q.field[0] == "event_id" and "different content" in q.reason[0]
    assert q.record[0] == 12 and "record 5" in q.reason[0]


def test_reimport_does_not_quarantine_twice(ws, tmp_path):
    lines = SE_CSV.read_text().splitlines(keepends=True)[:20]
    lines[4] = "only,three,fields\n"
    p = tmp_path / "short.csv"
    p.write_text("".join(lines))
    ws.import_file(p)
    again = ws.import_file(p)
    assert again.quarantined == 1 and again.duplicate == again.read - 1
    assert count(ws, "SELECT count(*) FROM quarantine") == 1


def test_empty_file(ws, tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        ws.import_file(p)


def test_header_only_file_yields_no_records(ws, tmp_path):
    p = tmp_path / "header.csv"
    p.write_text(SE_CSV.read_text().splitlines()[0] + "\n")
    with pytest.raises(SourceError, match="no records"):
        ws.import_file(p)


@pytest.mark.parametrize("compress", ["gzip", "zstd"])
def test_truncated_compressed_file_writes_nothing(ws, tmp_path, compress):
    data = SE_CSV.read_bytes()
    packed = (
        gzip.compress(data) if compress == "gzip" else zstandard.ZstdCompressor().compress(data)
    )
    p = tmp_path / f"cut.csv.{'gz' if compress == 'gzip' else 'zst'}"
    p.write_bytes(packed[: len(packed) * 2 // 3])
    with pytest.raises(SourceError) as info:
        ws.import_file(p)
    assert str(p) in str(info.value)
    assert count(ws, "SELECT count(*) FROM events") == 0
    assert count(ws, "SELECT count(*) FROM imports") == 0


def test_truncated_json_lines_gzip_writes_nothing(ws, tmp_path):
    raw = zstandard.ZstdDecompressor().decompress(REDDIT.read_bytes())
    packed = gzip.compress(raw)
    p = tmp_path / "cut.ndjson.gz"
    p.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(SourceError, match="ends early"):
        ws.import_file(
            p,
            columns={"actor": "author", "created_at": "created_utc"},
            constants={"kind": "comment"},
            platform="reddit",
        )
    assert count(ws, "SELECT count(*) FROM events") == 0


def test_missing_path(ws, tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        ws.import_file(tmp_path / "nope.csv")


def test_wrong_format_name(ws):
    with pytest.raises(SourceError, match="unknown --format 'excel'"):
        ws.import_file(SE_CSV, format="excel")


def test_wrong_format_for_the_content(ws):
    with pytest.raises(SourceError):
        ws.import_file(SE_CSV, format="parquet")


def test_mapping_to_a_missing_column_names_it(ws):
    with pytest.raises(SourceError, match="'userA'"):
        ws.import_file(HIGGS, **{**HIGGS_OPTIONS, "columns": {"actor": "userA"}})


def test_a_file_with_no_usable_record_fails_and_writes_nothing(ws, tmp_path):
    p = tmp_path / "all-bad.csv"
    p.write_text("platform,kind,actor,created_at\nx,reply,a,soon\nx,reply,b,later\n")
    with pytest.raises(SourceError, match="no record could be imported"):
        ws.import_file(p)
    assert count(ws, "SELECT count(*) FROM quarantine") == 0


def test_workspace_that_is_not_duckdb(tmp_path):
    p = tmp_path / "notes.duckdb"
    p.write_text("shopping list\n")
    with pytest.raises(WorkspaceError, match="not a DuckDB database"):
        Workspace(p)


def test_duckdb_file_that_is_not_a_workspace(tmp_path):
    p = tmp_path / "other.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE t (x INT)")
    con.close()
    with pytest.raises(WorkspaceError, match="not a liens workspace"):
        Workspace(p)


def test_workspace_from_a_newer_liens_is_refused(tmp_path):
    p = tmp_path / "w.duckdb"
    Workspace(p).close()
    con = duckdb.connect(str(p))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(WorkspaceError, match="newer liens"):
        Workspace(p)


def test_older_workspace_is_migrated(tmp_path, monkeypatch):
    from liens.store import schema, workspace

    p = tmp_path / "w.duckdb"
    Workspace(p).close()
    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(workspace, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(
        schema.MIGRATIONS, current, ["ALTER TABLE accounts ADD COLUMN verified BOOLEAN"]
    )
    monkeypatch.setattr(workspace, "MIGRATIONS", schema.MIGRATIONS)
    with Workspace(p) as w:
        assert "verified" in w.table("accounts").columns
        assert w.con.execute("SELECT value FROM meta").fetchone()[0] == str(current + 1)


def test_kill_9_during_an_import_leaves_the_file_in_or_out(tmp_path):
    # A file large enough that the import takes a few seconds.
    rows = csv_rows(SE_CSV)
    big = tmp_path / "big.csv"
    with big.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for i in range(400):
            for r in rows:
                w.writerow({**r, "event_id": f"{r['event_id']}/{i}"})
    ws_path = tmp_path / "w.duckdb"
    Workspace(ws_path).close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "liens.cli", "import", str(big), "-w", str(ws_path), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)
    still_running = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Workspace(ws_path) as w:
        n = count(w, "SELECT count(*) FROM events")
        imports = count(w, "SELECT count(*) FROM imports")
    assert still_running, "the import finished before it could be killed; make the file bigger"
    assert (n, imports) in [(0, 0), (len(rows) * 400, 1)]


def test_read_equals_accepted_plus_duplicate_plus_quarantined_on_a_mixed_file(ws, tmp_path):
    rows = csv_rows(SE_CSV)[:50]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    w.writerows(rows[:5])  # duplicates
    w.writerow({**rows[0], "event_id": "z1", "created_at": "never"})
    w.writerow({**rows[0], "event_id": "z2", "kind": "not a kind!"})
    w.writerow({**rows[0], "event_id": "z3", "kind": ""})
    p = tmp_path / "mixed.csv"
    p.write_text(buf.getvalue())
    res = ws.import_file(p)
    assert_accounting(res)
    assert (res.accepted, res.duplicate, res.quarantined) == (50, 5, 3)
    assert set(ws.quarantine().field) == {"created_at", "kind"}


# -- fuzzing the generic readers --------------------------------------------------------------

REDDIT_MAPPING = dict(
    platform="reddit",
    columns={"event_id": "id", "actor": "author", "created_at": "created_utc", "text": "body"},
    constants={"kind": "comment"},
)


def mutated_lines(data: st.DataObject, lines: list[str]) -> str:
    """Lines dropped, cut, doubled or replaced with garbage (quotes and delimiters included)."""
    lines = list(lines)
    garbage = st.text(alphabet=st.sampled_from(list(" ,\"'\\\t{}[]:01aé\x00")), max_size=30)
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["cut", "garbage", "drop", "double"]))
        if op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        elif op == "garbage":
            lines.insert(i, data.draw(garbage))
        elif op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "double":
            lines.insert(i, lines[i])
    return "\n".join(lines) + "\n"


FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(data=st.data())
def test_fuzz_csv_with_a_mapping(fuzz_ws, tmp_path_factory, data):
    with gzip.open(HIGGS, "rt") as fh:
        lines = [next(fh).rstrip("\n") for _ in range(40)]
    p = case_dir(tmp_path_factory) / "higgs.txt"
    p.write_text(mutated_lines(data, lines))
    check_file(fuzz_ws, p, "csv", **HIGGS_OPTIONS)


@FUZZ
@given(data=st.data())
def test_fuzz_canonical_csv(fuzz_ws, tmp_path_factory, data):
    lines = SE_CSV.read_text(encoding="utf-8").splitlines()[:40]
    p = case_dir(tmp_path_factory) / "comments.csv"
    p.write_text(lines[0] + "\n" + mutated_lines(data, lines[1:]))
    check_file(fuzz_ws, p, "csv")


@FUZZ
@given(data=st.data())
def test_fuzz_json_lines_with_a_mapping(fuzz_ws, tmp_path_factory, data):
    raw = zstandard.ZstdDecompressor().decompress(REDDIT.read_bytes()).decode()
    lines = raw.splitlines()[:40]
    for _ in range(data.draw(st.integers(0, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = json.dumps(mutate(data, json.loads(lines[i])))
    p = case_dir(tmp_path_factory) / "comments.jsonl"
    p.write_text(mutated_lines(data, lines))
    check_file(fuzz_ws, p, "jsonl", **REDDIT_MAPPING)


@pytest.mark.parametrize(
    ("folder", "fmt"),
    [
        (FIXTURES / "twitter" / "archive", "twitter-archive"),
        (FIXTURES / "linkedin" / "export", "linkedin"),
        (FIXTURES / "meta" / "facebook", "meta"),
    ],
)
def test_a_zip_of_a_version_zipfile_cannot_read_is_a_source_error(ws, tmp_path, folder, fmt):
    # Found by make fuzz: one flipped byte in the central directory's "version needed to
    # extract" made zipfile raise NotImplementedError ("zip file version 6.4").
    zipped = tmp_path / "export.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.writestr(str(f.relative_to(folder)), f.read_bytes())
    raw = bytearray(zipped.read_bytes())
    at = raw.index(b"PK\x01\x02")
    raw[at + 6 : at + 8] = (64).to_bytes(2, "little")
    zipped.write_bytes(bytes(raw))
    with pytest.raises(SourceError):
        ws.import_file(zipped, format=fmt)
    with pytest.raises(SourceError):
        ws.import_file(zipped)
    assert ws.sql("SELECT count(*) n FROM events").n[0] == 0


def test_memory_and_thread_limits_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LIENS_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("LIENS_THREADS", "1")
    w = Workspace(tmp_path / "w.duckdb")
    limit = w.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    threads = w.con.execute("SELECT current_setting('threads')").fetchone()[0]
    w.close()
    assert limit in {"953.6 MiB", "1000.0 MB", "1.0 GB"}
    assert threads == 1


def test_memory_lent_lowers_the_limit_for_a_block_then_restores_it(tmp_path, monkeypatch):
    from liens.store.workspace import memory_lent

    monkeypatch.setenv("LIENS_MEMORY_LIMIT", "3GB")
    w = Workspace(tmp_path / "w.duckdb")

    def limit():
        return w.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    before = limit()
    with memory_lent(w.con, keep="500MB"):
        assert limit() in {"476.8 MiB", "500.0 MB"}
        with memory_lent(w.con, keep="1GB"):  # already lower: left as it is
            assert limit() in {"476.8 MiB", "500.0 MB"}
    assert limit() == before
    monkeypatch.delenv("LIENS_MEMORY_LIMIT")
    default = (
        w.con.execute("RESET memory_limit")
        .execute("SELECT current_setting('memory_limit')")
        .fetchone()[0]
    )
    with pytest.raises(RuntimeError), memory_lent(w.con, keep="500MB"):
        raise RuntimeError
    assert limit() == default  # DuckDB's default without the variable, after an error too
    w.close()


@pytest.mark.parametrize(
    ("variable", "value"), [("LIENS_MEMORY_LIMIT", "lots"), ("LIENS_THREADS", "two")]
)
def test_a_bad_limit_in_the_environment_is_named(tmp_path, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(WorkspaceError, match=variable):
        Workspace(tmp_path / "w.duckdb")
