"""A newer export with fields the importers do not know gives the same rows.

Platforms add fields without notice (X's ``edit_info``, Telegram's ``reactions``). Each test
adds an unknown field to every object (JSON), an unknown column (CSV) or an unknown element
(XML) of a fixture and imports both versions: the events, accounts and quarantine must be the
same, apart from ``extra``, where a reader may keep what it does not map.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from liens.api import Workspace

FIX = Path(__file__).parent / "fixtures"
NEW = "x_field_from_2031"


def add_everywhere(value, depth: int = 0, start: int = 0):
    """``value`` with NEW in every object at ``start`` levels down or deeper."""
    if isinstance(value, dict):
        out = {k: add_everywhere(v, depth + 1, start) for k, v in value.items()}
        if depth >= start:
            out[NEW] = {"since": "2031", "items": [1, 2]}
        return out
    if isinstance(value, list):
        return [add_everywhere(v, depth + 1, start) for v in value]
    return value


def json_file(start: int = 0) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        path.write_text(json.dumps(add_everywhere(json.loads(path.read_text()), 0, start)))

    return edit


def json_lines(path: Path) -> None:
    lines = [json.dumps(add_everywhere(json.loads(x))) for x in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")


def archive_js(path: Path) -> None:
    prefix, body = path.read_text().split("=", 1)
    path.write_text(f"{prefix}= {json.dumps(add_everywhere(json.loads(body)), indent=2)}")


def csv_column(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # LinkedIn's Connections.csv opens with a notes preamble: the table starts at its header.
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.count(",") >= 2)
    rows = list(csv.reader(io.StringIO("".join(lines[start:]))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, row in enumerate(rows):
        # A new column in the middle of the table, as platforms add them.
        writer.writerow([*row[:1], NEW if i == 0 else "2031", *row[1:]])
    path.write_text("".join(lines[:start]) + out.getvalue(), encoding="utf-8")


def xml_element(path: Path) -> None:
    # An element of a namespace the reader does not know, in every item, comment and entry.
    text = path.read_text(encoding="utf-8")
    extra = f'<x:{NEW} xmlns:x="urn:liens:test">2031</x:{NEW}>'
    for tag in ("<wp:comment>", "<item>", "<entry>"):
        text = text.replace(tag, tag + extra)
    path.write_text(text, encoding="utf-8")


def zst_json_lines(path: Path) -> None:
    import zstandard

    raw = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(
        io.BytesIO(path.read_bytes()), read_across_frames=True
    )
    lines = [json.dumps(add_everywhere(json.loads(x))) for x in raw.read().decode().splitlines()]
    path.write_bytes(zstandard.ZstdCompressor().compress(("\n".join(lines) + "\n").encode()))


CASES = {
    "twitter-v2": ("twitter/api_v2_twarc2.jsonl", None, json_lines),
    "twitter-v1": ("twitter/api_v1.jsonl", None, json_lines),
    "twitter-archive": ("twitter/archive", "data/*.js", archive_js),
    "twitter-csv": ("twitter/crisislex_lac_megantic_labeled.csv", None, csv_column),
    "reddit": ("reddit", "*.ndjson", json_lines),
    "reddit-zst": ("reddit", "*.zst", zst_json_lines),
    "telegram": ("telegram/full_export", "result.json", json_file()),
    "telegram-channel": ("telegram/channel_result.json", None, json_file()),
    # posts.json maps tweet ids to tweets: the new field goes in each tweet, not among the ids.
    "rumoureval": ("rumoureval", "*/posts.json", json_file(start=1)),
    "blog-wxr": ("blogs/pouvoir-prescripteur.wxr.xml", None, xml_element),
    "blog-atom": ("blogs/blogger-export.atom.xml", None, xml_element),
    "linkedin": ("linkedin/export", "*.csv", csv_column),
    "meta-facebook": ("meta/facebook", "**/*.json", json_file()),
    "meta-instagram": ("meta/instagram", "**/*.json", json_file()),
}


def snapshot(ws: Workspace) -> dict:
    events = ws.sql(
        "SELECT * EXCLUDE (extra, source_file, import_id) FROM events ORDER BY event_id"
    )
    accounts = ws.sql("SELECT * EXCLUDE (extra) FROM accounts ORDER BY platform, account_id")
    # Lines move when a file is written again; the record and the field do not.
    quarantine = ws.sql("SELECT record, field FROM quarantine ORDER BY record, field")
    return {"events": events, "accounts": accounts, "quarantine": quarantine}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unknown_fields_change_no_row(tmp_path, case):
    source, pattern, edit = CASES[case]
    original = FIX / source
    newer = tmp_path / "newer" / original.name
    if original.is_dir():
        shutil.copytree(original, newer)
        files = sorted(p for p in newer.glob(pattern) if p.is_file())
    else:
        newer.parent.mkdir()
        shutil.copy(original, newer)
        files = [newer]
    assert files
    for f in files:
        edit(f)
    assert all(NEW.encode() in f.read_bytes() or f.suffix == ".zst" for f in files)
    with Workspace(tmp_path / "a.duckdb") as a, Workspace(tmp_path / "b.duckdb") as b:
        res_a = a.import_file(original)
        res_b = b.import_file(newer)
        assert res_b.format == res_a.format
        assert (res_b.read, res_b.accepted, res_b.quarantined) == (
            res_a.read,
            res_a.accepted,
            res_a.quarantined,
        )
        before, after = snapshot(a), snapshot(b)
    for table in before:
        assert after[table].equals(before[table]), table


def test_a_zipped_archive_with_unknown_members_and_fields(tmp_path):
    """X adds files to the archive every year: unknown members are passed over."""
    zipped = tmp_path / "twitter.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for js in sorted((FIX / "twitter" / "archive" / "data").glob("*.js")):
            zf.writestr(f"data/{js.name}", js.read_text())
        zf.writestr("data/grok-chat-item.js", "window.YTD.grok_chat_item.part0 = [ {} ]")
    with Workspace(tmp_path / "a.duckdb") as a, Workspace(tmp_path / "b.duckdb") as b:
        res_a = a.import_file(FIX / "twitter" / "archive")
        res_b = b.import_file(zipped)
        assert (res_b.read, res_b.accepted) == (res_a.read, res_a.accepted)
        assert snapshot(b)["events"].equals(snapshot(a)["events"])
