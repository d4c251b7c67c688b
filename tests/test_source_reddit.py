"""The Reddit reader on real Pushshift threads (and hand-written submissions).

Expected values are counted here from the NDJSON records with ``json`` and ``zstandard``.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
import zstandard
from fuzzing import FUZZ_EXAMPLES as EXAMPLES
from fuzzing import JUNK, case_dir, check_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rows import events

from liens.sources import detect_reader

FIX = Path(__file__).parent / "fixtures" / "reddit"
RC = FIX / "RC_2006-01-12threads.ndjson.zst"
RS = FIX / "RS_2006-01-hand.ndjson"
SHARED = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "reddit_pushshift_2005_2006"
)


def records(path: Path) -> list[dict]:
    raw = path.read_bytes()
    if raw.startswith(b"\x28\xb5\x2f\xfd"):
        dctx = zstandard.ZstdDecompressor(max_window_size=2**31)
        raw = dctx.stream_reader(io.BytesIO(raw), read_across_frames=True).read()
    return [json.loads(line) for line in raw.decode().splitlines() if line.strip()]


def test_comments_and_submissions_become_comment_and_post_events(ws):
    comments, subs = records(RC), records(RS)
    res = ws.import_file(FIX)
    assert res.format == "reddit" and res.quarantined == 0
    assert res.read == res.accepted + res.duplicate + res.quarantined
    got = events(ws)
    for c in comments:
        e = got[f"reddit:t1_{c['id']}"]
        assert e["kind"] == "comment"
        assert e["parent_post_id"] == c["parent_id"]
        assert e["root_post_id"] == c["link_id"]
        assert e["context"] == c["subreddit"]
    for s in subs:
        e = got[f"reddit:t3_{s['id']}"]
        assert e["kind"] == "post" and e["text"].startswith(s["title"])


def test_a_comment_addresses_the_author_of_its_parent_when_the_parent_is_read(ws):
    comments, subs = records(RC), records(RS)
    author = {f"t1_{c['id']}": c["author"] for c in comments}
    author.update({f"t3_{s['id']}": s["author"] for s in subs})
    ws.import_file(FIX)
    got = events(ws)
    resolved = 0
    for c in comments:
        parent_author = author.get(c["parent_id"])
        expected = None if parent_author in (None, "[deleted]") else parent_author
        assert got[f"reddit:t1_{c['id']}"]["target"] == expected
        resolved += expected is not None
    assert resolved > len(comments) // 2


def test_comments_file_alone_leaves_submission_authors_unknown(ws):
    ws.import_file(RC)
    top = ws.sql(
        "SELECT count(*) n FROM events WHERE parent_post_id LIKE 't3_%' AND target IS NOT NULL"
    )
    assert top.n[0] == 0


def test_deleted_authors_stay_unknown_and_are_never_one_account(ws):
    comments = records(RC)
    ws.import_file(FIX)
    deleted = [c for c in comments if c["author"] == "[deleted]"]
    assert deleted
    got = events(ws)
    for c in deleted:
        e = got[f"reddit:t1_{c['id']}"]
        assert e["actor"] is None and json.loads(e["extra"])["author"] == "[deleted]"
    assert ws.sql("SELECT count(*) n FROM accounts WHERE account_id = '[deleted]'").n[0] == 0
    bodies = [c for c in comments if c["body"] == "[deleted]"]
    for c in bodies:
        assert got[f"reddit:t1_{c['id']}"]["text"] is None


def test_scores_titles_and_user_mentions(ws):
    subs = records(RS)
    ws.import_file(FIX)
    posts = ws.sql("SELECT * FROM posts").set_index("post_id")
    for s in subs:
        assert posts.loc[f"t3_{s['id']}", "score"] == s["score"]
        assert posts.loc[f"t3_{s['id']}", "title"] == s["title"]
    comment = records(RC)[0]
    assert posts.loc[f"t1_{comment['id']}", "score"] == comment["score"]
    m = ws.sql("SELECT actor, target FROM events WHERE kind = 'mention'")
    asked = next(s for s in subs if "u/" in s["selftext"])
    assert list(zip(m.actor, m.target, strict=True)) == [(asked["author"], "spez")]
    extra = json.loads(events(ws)[f"reddit:t3_{asked['id']}"]["extra"])
    assert extra["new_field_from_a_later_dump"] == {"kept": True}


def test_a_bad_line_is_quarantined_with_its_line(ws, tmp_path):
    lines = RS.read_text().splitlines()
    lines.insert(1, '{"title": "no id", "created_utc": 1137000000}')
    lines.insert(2, "not json")
    p = tmp_path / "RS_bad.ndjson"
    p.write_text("\n".join(lines) + "\n")
    res = ws.import_file(p)
    assert res.quarantined == 2
    assert ws.sql("SELECT count(*) n FROM events WHERE kind = 'post'").n[0] == 3
    q = ws.quarantine().sort_values("line")
    assert list(q.line) == [2, 3] and q.field.iloc[0] == "id"


def test_sniffing():
    assert detect_reader(RC).name == "reddit"
    assert detect_reader(RS).name == "reddit"
    assert detect_reader(FIX).name == "reddit"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/reddit_pushshift_2005_2006 absent")
def test_real_monthly_dumps_all_accepted_and_replies_resolved(ws, tmp_path):
    folder = tmp_path / "dumps"
    folder.mkdir()
    for name in ("RC_2005-12.zst", "RC_2006-01.zst"):
        shutil.copy(SHARED / name, folder / name)
    comments = records(folder / "RC_2005-12.zst") + records(folder / "RC_2006-01.zst")
    res = ws.import_file(folder)
    assert res.accepted == len(comments) == 4741  # SOURCE.txt: 1,075 + 3,666
    author = {f"t1_{c['id']}": c["author"] for c in comments}
    to_comments = [c for c in comments if c["parent_id"].startswith("t1_")]
    in_data = [c for c in to_comments if c["parent_id"] in author]
    assert (len(to_comments), len(in_data)) == (1691, 1648)  # SOURCE.txt
    known = sum(author[c["parent_id"]] != "[deleted]" for c in in_data)
    n = ws.sql(
        "SELECT count(*) n FROM events WHERE parent_post_id LIKE 't1_%' AND target IS NOT NULL"
    )
    assert n.n[0] == known


# ----------------------------------------------------------------------------- fuzz


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_pushshift_lines(fuzz_ws, tmp_path_factory, data):
    lines = [json.dumps(r) for r in records(RC)[:60]] + RS.read_text().splitlines()
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop_field", "retype", "truncate", "garbage"]))
        if op in ("drop_field", "retype"):
            with contextlib.suppress(ValueError):
                obj = json.loads(lines[i])
                if isinstance(obj, dict) and obj:
                    key = data.draw(st.sampled_from(sorted(obj)))
                    if op == "drop_field":
                        del obj[key]
                    else:
                        obj[key] = data.draw(JUNK)
                lines[i] = json.dumps(obj)
        elif op == "truncate":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        else:
            lines.insert(i, data.draw(st.text(max_size=40)).replace("\n", " "))
    folder = case_dir(tmp_path_factory)
    p = folder / "RC_fuzz.ndjson"
    p.write_text("\n".join(lines) + "\n")
    check_file(fuzz_ws, p, "reddit")
