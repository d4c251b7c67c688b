"""The LinkedIn export reader, on an export folder written from LinkedIn's documentation.

Expected values are counted here with ``csv`` from the fixture files (see
``tests/fixtures/linkedin/SOURCE.md``).
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from pathlib import Path

import pytest
from fuzzing import FUZZ_EXAMPLES, assert_nothing_lost, case_dir, check_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liens.api import Workspace
from liens.errors import SourceError

EXPORT = Path(__file__).parent / "fixtures" / "linkedin" / "export"
OWNER = "ericdelcroix"


def rows(name: str) -> list[dict[str, str]]:
    text = (EXPORT / name).read_text()
    if text.startswith("Notes:"):
        text = text[text.index("First Name,") :]
    return list(csv.DictReader(io.StringIO(text)))


def kinds(ws) -> dict[str, int]:
    return dict(ws.sql("SELECT kind, count(*) FROM events GROUP BY 1").values.tolist())


def test_the_export_folder_gives_every_file_its_kind(ws):
    res = ws.import_file(EXPORT)
    assert res.format == "linkedin" and res.quarantined == 0
    messages = rows("messages.csv")
    expected_messages = sum(len(m["RECIPIENT PROFILE URLS"].split(",")) for m in messages)
    assert kinds(ws) == {
        "follow": 2 * len(rows("Connections.csv")),  # a connection is mutual: both directions
        "post": len(rows("Shares.csv")),
        "comment": len(rows("Comments.csv")),
        "reaction": len(rows("Reactions.csv")),
        "message": expected_messages,
    }


def test_the_owner_is_found_and_connections_go_both_ways(ws):
    ws.import_file(EXPORT)
    assert ws.sql("SELECT account_id FROM accounts WHERE owned").account_id.tolist() == [OWNER]
    follows = ws.sql("SELECT actor, target FROM events WHERE kind = 'follow'").values.tolist()
    contacts = {r["URL"].rstrip("/").rsplit("/", 1)[1] for r in rows("Connections.csv") if r["URL"]}
    assert {t for a, t in follows if a == OWNER} >= contacts
    assert {a for a, t in follows if t == OWNER} >= contacts
    posts = set(ws.sql("SELECT actor FROM events WHERE kind IN ('post', 'reaction')").actor)
    assert posts == {OWNER}


def test_reaction_types_and_message_conversations_are_kept(ws):
    ws.import_file(EXPORT)
    types = ws.sql(
        "SELECT json_extract_string(extra, '$.type') t FROM events WHERE kind = 'reaction'"
    )
    assert sorted(types.t) == sorted(r["Type"] for r in rows("Reactions.csv"))
    convs = set(ws.sql("SELECT DISTINCT context FROM events WHERE kind = 'message'").context)
    assert convs == {m["CONVERSATION ID"] for m in rows("messages.csv")}


def test_a_single_file_is_accepted_and_the_owner_can_be_given(ws):
    res = ws.import_file(EXPORT / "Reactions.csv", format="linkedin", constants={"actor": "me"})
    assert res.accepted == len(rows("Reactions.csv"))
    assert set(ws.sql("SELECT actor FROM events").actor) == {"me"}


def test_connections_csv_with_its_notes_preamble_is_detected(ws):
    res = ws.import_file(EXPORT / "Connections.csv")
    assert res.format == "linkedin"


def test_connections_in_the_older_layout_without_url(ws, tmp_path):
    # Exports before LinkedIn added the URL column: First Name, Last Name, Email Address, ...
    # Contacts are then known by name only.
    older = tmp_path / "Connections.csv"
    out = io.StringIO()
    fields = ["First Name", "Last Name", "Email Address", "Company", "Position", "Connected On"]
    writer = csv.DictWriter(out, fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows("Connections.csv"))
    older.write_text(out.getvalue())
    res = ws.import_file(older)
    assert res.format == "linkedin"
    assert res.quarantined == 0
    assert kinds(ws) == {"follow": 2 * len(rows("Connections.csv"))}
    days = ws.sql("SELECT DISTINCT strftime(created_at, '%d %b %Y') d FROM events").d
    assert set(days) == {r["Connected On"] for r in rows("Connections.csv")}


def linkedin_zip(path: Path, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """The fixture export zipped as LinkedIn sends it: the CSV files at the root, beside
    folders of other data."""
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for f in sorted(EXPORT.glob("*.csv")):
            zf.writestr(f.name, f.read_bytes())
        zf.writestr("Jobs/Job Applications.csv", "Application Date,Contact Email\n")
        zf.writestr("Rich_Media.txt", "not read")
    return path


def test_the_zipped_export_gives_the_rows_of_its_folder(ws, tmp_path):
    zipped = linkedin_zip(tmp_path / "Basic_LinkedInDataExport_11-14-2022.zip")
    res = ws.import_file(zipped)
    assert res.format == "linkedin"
    with Workspace(tmp_path / "folder.duckdb") as ref:
        folder = ref.import_file(EXPORT)
        expected = ref.sql("SELECT * EXCLUDE (source_file, import_id) FROM events ORDER BY 1")
    assert (res.read, res.accepted, res.quarantined) == (
        folder.read,
        folder.accepted,
        folder.quarantined,
    )
    got = ws.sql("SELECT * EXCLUDE (source_file, import_id) FROM events ORDER BY 1")
    assert got.equals(expected)


def test_a_damaged_member_of_the_zipped_export_is_named(ws, tmp_path):
    zipped = linkedin_zip(tmp_path / "export.zip", method=zipfile.ZIP_STORED)
    raw = bytearray(zipped.read_bytes())
    at = raw.index(b"Trinquand")  # in Connections.csv, stored as it is
    raw[at] = ord("X")
    zipped.write_bytes(bytes(raw))
    with pytest.raises(SourceError, match="damaged or cut") as err:
        ws.import_file(zipped)
    assert err.value.path == f"{zipped}/Connections.csv"
    assert ws.sql("SELECT count(*) n FROM events").n[0] == 0


def test_a_row_without_date_is_rejected_with_line_and_field(ws, tmp_path):
    path = tmp_path / "Comments.csv"
    path.write_text(
        "Date,Link,Message\n,https://x/1,sans date\n2013-04-20 10:00:00,https://x/2,ok\n"
    )
    res = ws.import_file(path, format="linkedin")
    assert (res.accepted, res.quarantined) == (1, 1)
    q = ws.sql("SELECT line, field FROM quarantine").values.tolist()
    assert q == [[2, "Date"]]


def test_a_csv_that_is_not_linkedin_is_a_source_error(ws, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(SourceError):
        ws.import_file(path, format="linkedin")


# ----------------------------------------------------------------------------- fuzz


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(p.name for p in EXPORT.iterdir())))
    lines = (EXPORT / name).read_text().splitlines(keepends=True)
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 5))):
        i = rng.randrange(len(lines))
        op = draw(st.sampled_from(["drop_cell", "garbage", "quote", "delete", "truncate"]))
        if op == "drop_cell":
            cells = lines[i].split(",")
            del cells[rng.randrange(len(cells))]
            lines[i] = ",".join(cells)
        elif op == "garbage":
            lines.insert(i, draw(st.text(max_size=30)) + "\n")
        elif op == "quote":
            lines[i] = lines[i].replace(",", ',"', 1)
        elif op == "delete" and len(lines) > 1:
            del lines[i]
        else:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return name, "".join(lines).encode("utf-8", "surrogatepass")


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=mutated())
def test_fuzz_nothing_is_lost_and_only_source_errors_escape(fuzz_ws, tmp_path_factory, case):
    folder = case_dir(tmp_path_factory, empty=True)
    assert_nothing_lost(fuzz_ws, folder, case[0], case[1], "linkedin")


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=mutated(), data=st.data())
def test_fuzz_zipped_export(fuzz_ws, tmp_path_factory, case, data):
    name, body = case
    p = case_dir(tmp_path_factory, empty=True) / "export.zip"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(EXPORT.glob("*.csv")):
            zf.writestr(f.name, body if f.name == name else f.read_bytes())
    raw = bytearray(p.read_bytes())
    for _ in range(data.draw(st.integers(0, 2))):
        if data.draw(st.booleans()):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        else:
            del raw[data.draw(st.integers(1, len(raw))) :]
    p.write_bytes(bytes(raw))
    check_file(fuzz_ws, p, "linkedin")
