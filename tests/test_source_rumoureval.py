"""The RumourEval reader on a real slice of the SemEval-2017 Task 8 threads.

Expected values are counted here from posts.json, structures.json and the label files with
plain ``json`` parsing.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fuzzing import FUZZ_EXAMPLES as EXAMPLES
from fuzzing import JUNK, case_dir, check_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rows import events

from liens.errors import SourceError
from liens.sources import detect_reader

FIX = Path(__file__).parent / "fixtures" / "rumoureval"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "rumoureval2017_threads"


def load(split: str, name: str):
    return json.loads((FIX / split / name).read_text())


def tree_parents(structures: dict) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}

    def walk(node: dict, thread: str, parent: str | None) -> None:
        for k, v in node.items():
            out.setdefault(k, (thread, parent))
            if isinstance(v, dict):
                walk(v, thread, k)

    for thread, tree in structures.items():
        walk(tree, thread, None)
    return out


def test_threads_become_posts_and_replies_with_their_tree(ws):
    res = ws.import_file(FIX)
    assert res.format == "rumoureval"
    assert res.read == res.accepted + res.duplicate + res.quarantined
    got = events(ws)
    for split in ("traindev", "test"):
        posts, where = load(split, "posts.json"), tree_parents(load(split, "structures.json"))
        for tid, post in posts.items():
            thread, parent = where[tid]
            e = got[f"twitter:{tid}"]
            assert e["kind"] == ("post" if parent is None else "reply")
            assert (e["parent_post_id"], e["root_post_id"]) == (parent, thread)
            assert e["context"] == f"rumoureval:{thread}"
            assert e["text"] == post["text"] and e["actor"] is None


def test_the_replied_to_handle_is_the_target(ws):
    ws.import_file(FIX)
    got = events(ws)
    posts, where = load("traindev", "posts.json"), tree_parents(load("traindev", "structures.json"))
    for tid, post in posts.items():
        m = re.match(r"\s*(?:\.\s*)?@(\w+)", post["text"])  # ".@name" is a public reply
        expected = "@" + m.group(1).lower() if m and where[tid][1] is not None else None
        assert got[f"twitter:{tid}"]["target"] == expected


def test_stance_and_veracity_labels_are_kept(ws):
    ws.import_file(FIX)
    got = events(ws)
    stances = {v: k for k, v in json.loads((FIX / "stanceCategory.json").read_text()).items()}
    rumours = {v: k for k, v in json.loads((FIX / "rumorCategory.json").read_text()).items()}
    for split in ("traindev", "test"):
        ids = (FIX / split / "post_id.txt").read_text().split()
        labels = (FIX / split / "post_label.txt").read_text().split()
        for tid, code in zip(ids, labels, strict=True):
            assert json.loads(got[f"twitter:{tid}"]["extra"])["stance"] == stances[int(code)]
        threads = (FIX / split / "thread_id.txt").read_text().split()
        verdicts = (FIX / split / "thread_label.txt").read_text().split()
        for tid, code in zip(threads, verdicts, strict=True):
            if f"twitter:{tid}" in got:
                extra = json.loads(got[f"twitter:{tid}"]["extra"])
                assert extra["veracity"] == rumours[int(code)]


def test_tweets_missing_from_posts_json_are_quarantined_with_their_thread(ws):
    ws.import_file(FIX)
    posts, where = load("traindev", "posts.json"), tree_parents(load("traindev", "structures.json"))
    missing = {t for t in where if t not in posts}
    assert missing
    q = ws.quarantine()
    assert len(q) == len(missing)
    for tid in missing:
        assert q.reason.str.contains(f"tweet {tid} of thread {where[tid][0]}").any()
    assert set(q.field) == {"posts.json"}


def test_a_split_folder_alone_and_sniffing(ws):
    assert detect_reader(FIX).name == "rumoureval"
    assert detect_reader(FIX / "test").name == "rumoureval"
    res = ws.import_file(FIX / "test")
    assert res.accepted == len(load("test", "posts.json"))


def test_label_files_that_do_not_pair_are_a_source_error(ws, tmp_path):
    shutil.copytree(FIX / "test", tmp_path / "test")
    labels = tmp_path / "test" / "post_label.txt"
    labels.write_text("\n".join(labels.read_text().split()[:-3]) + "\n")
    with pytest.raises(SourceError, match="pair line by line"):
        ws.import_file(tmp_path / "test")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/rumoureval2017_threads absent")
def test_the_whole_dataset(ws):
    res = ws.import_file(SHARED)
    assert res.accepted == 4519 + 1049  # SOURCE.txt: traindev and test posts
    stances = ws.sql("SELECT json_extract_string(extra, '$.stance') s, count(*) n FROM events "
                     "GROUP BY 1").set_index("s").n  # fmt: skip
    # RumourEval 2017 stance counts (traindev + test) as published with the task.
    assert (stances["support"], stances["deny"], stances["query"], stances["comment"]) == (
        910 + 94,
        344 + 71,
        358 + 106,
        2907 + 778,
    )


# ----------------------------------------------------------------------------- fuzz


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_posts_and_structures(fuzz_ws, tmp_path_factory, data):
    folder = case_dir(tmp_path_factory, empty=True) / "test"
    shutil.copytree(FIX / "test", folder)
    posts = load("test", "posts.json")
    structures = load("test", "structures.json")
    for _ in range(data.draw(st.integers(1, 5))):
        op = data.draw(st.sampled_from(["drop_post", "drop_field", "retype", "retype_tree"]))
        tid = data.draw(st.sampled_from(sorted(posts)))
        if op == "drop_post":
            del posts[tid]
        elif op == "drop_field" and isinstance(posts[tid], dict) and posts[tid]:
            del posts[tid][data.draw(st.sampled_from(sorted(posts[tid])))]
        elif op == "retype":
            posts[tid] = data.draw(JUNK) if data.draw(st.booleans()) else {"time": data.draw(JUNK)}
        else:
            thread = data.draw(st.sampled_from(sorted(structures)))
            structures[thread] = data.draw(JUNK)
    text = json.dumps(posts)
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]
    (folder / "posts.json").write_text(text)
    (folder / "structures.json").write_text(json.dumps(structures))
    check_file(fuzz_ws, folder, "rumoureval")
