"""The Stack Exchange dump reader, on a real slice of the beer.stackexchange.com dump.

Expected values are counted here with ``xml.etree`` from the fixture's XML, or taken from
``/work/shared/data/stackexchange_beer/SOURCE.txt`` for the bundled demo.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import py7zr
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from liens.errors import SourceError
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.stackexchange import DEMO_DIR, StackExchangeReader, html_to_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "stackexchange_mini" / "beer.stackexchange.com"
SHARED = ROOT.parent / "shared" / "data" / "stackexchange_beer"
SITE = "beer.stackexchange.com"
READER = StackExchangeReader()


def rows(name: str, folder: Path = FIXTURE) -> list[dict[str, str]]:
    return [r.attrib for r in ET.parse(folder / name).getroot()]


def read(path: Path, **options) -> tuple[dict[str, list[dict]], list[Rejected]]:
    """All chunks of a read as plain rows, one list per table, sorted by id."""
    tables: dict[str, list[dict]] = {}
    rejected: list[Rejected] = []
    for item in READER.read(path, ReadOptions(**options)):
        if isinstance(item, Chunk):
            tables.setdefault(item.table, []).extend(item.data.to_pylist())
        else:
            rejected.append(item)
    for table, found in tables.items():
        key = {"accounts": "account_id", "events": "event_id", "posts": "post_id"}[table]
        found.sort(key=lambda row: row[key])
    return tables, rejected


@pytest.fixture(scope="module")
def fixture_read() -> dict[str, list[dict]]:
    tables, rejected = read(FIXTURE)
    assert rejected == []
    return tables


@pytest.fixture(scope="module")
def events(fixture_read) -> dict[str, dict]:
    return {e["event_id"]: e for e in fixture_read["events"]}


def acct(user_id: str | None) -> str | None:
    return f"{SITE}/u/{user_id}" if user_id else None


# ----------------------------------------------------------------------------- counts


def test_every_dump_row_becomes_one_event_of_the_documented_kind(events):
    posts, votes = rows("Posts.xml"), rows("Votes.xml")
    history = [int(r["PostHistoryTypeId"]) for r in rows("PostHistory.xml")]
    expected = {
        "post": sum(p["PostTypeId"] != "2" for p in posts),
        "reply": sum(p["PostTypeId"] == "2" for p in posts),
        "comment": len(rows("Comments.xml")),
        "accept": sum(v["VoteTypeId"] == "1" for v in votes),
        "reaction": sum(v["VoteTypeId"] == "5" for v in votes),
        "vote": sum(v["VoteTypeId"] not in ("1", "5") for v in votes),
        "edit": sum(4 <= t <= 9 for t in history),
        "moderate": sum(t > 9 for t in history),
        "link": len(rows("PostLinks.xml")),
    }
    assert dict(Counter(e["kind"] for e in events.values())) == expected
    assert len(events) == sum(expected.values())  # event ids are unique


def test_users_become_accounts_and_posts_and_comments_become_posts(fixture_read):
    users = rows("Users.xml")
    accounts = {a["account_id"]: a for a in fixture_read["accounts"]}
    assert len(accounts) == len(users)
    for u in users:
        assert accounts[acct(u["Id"])]["handle"] == u["DisplayName"]
        assert json.loads(accounts[acct(u["Id"])]["extra"])["reputation"] == int(u["Reputation"])
    posts = fixture_read["posts"]
    assert len(posts) == len(rows("Posts.xml")) + len(rows("Comments.xml"))
    scores = {f"{SITE}/p/{p['Id']}": float(p["Score"]) for p in rows("Posts.xml")}
    got = {p["post_id"]: p["score"] for p in posts}
    assert all(got[k] == v for k, v in scores.items())


# ----------------------------------------------------------------------------- who addresses whom


def test_answers_reply_to_the_asker_in_the_question_thread(events):
    posts = {p["Id"]: p for p in rows("Posts.xml")}
    answers = [p for p in posts.values() if p["PostTypeId"] == "2"]
    assert answers
    for a in answers:
        e = events[f"{SITE}/p/{a['Id']}"]
        assert e["kind"] == "reply"
        assert e["actor"] == acct(a.get("OwnerUserId"))
        assert e["target"] == acct(posts[a["ParentId"]].get("OwnerUserId"))
        assert e["parent_post_id"] == e["root_post_id"] == f"{SITE}/p/{a['ParentId']}"
        assert e["url"] == f"https://{SITE}/a/{a['Id']}"


def test_comments_address_the_owner_of_the_commented_post(events):
    posts = {p["Id"]: p for p in rows("Posts.xml")}
    for c in rows("Comments.xml"):
        e = events[f"{SITE}/c/{c['Id']}"]
        post = posts[c["PostId"]]
        question = post["ParentId"] if post["PostTypeId"] == "2" else post["Id"]
        assert e["actor"] == acct(c.get("UserId"))
        assert e["target"] == acct(post.get("OwnerUserId"))
        assert e["parent_post_id"] == f"{SITE}/p/{c['PostId']}"
        assert e["root_post_id"] == f"{SITE}/p/{question}"
        assert e["text"] == c["Text"]


def test_comment_mentions_are_the_at_names_of_the_text(events):
    ping = next(c for c in rows("Comments.xml") if c["Text"].startswith("@MonicaCellio Well"))
    e = events[f"{SITE}/c/{ping['Id']}"]
    assert list(e["mentions"]) == ["MonicaCellio"]
    no_at = [c["Id"] for c in rows("Comments.xml") if "@" not in c["Text"]]
    assert all(len(events[f"{SITE}/c/{i}"]["mentions"]) == 0 for i in no_at)


def test_anonymised_voters_stay_unknown_and_votes_address_the_post_owner(events):
    posts = {p["Id"]: p for p in rows("Posts.xml")}
    votes = rows("Votes.xml")
    for v in votes:
        e = events[f"{SITE}/v/{v['Id']}"]
        if v["VoteTypeId"] != "1":
            assert e["actor"] == acct(v.get("UserId"))  # None when the dump hides the voter
        owner = posts[v["PostId"]].get("OwnerUserId") if v["PostId"] in posts else None
        assert e["target"] == acct(owner)
    anonymous = [v for v in votes if "UserId" not in v and v["VoteTypeId"] != "1"]
    assert anonymous and all(events[f"{SITE}/v/{v['Id']}"]["actor"] is None for v in anonymous)
    deleted = [v for v in votes if v["PostId"] not in posts]
    assert deleted, "the slice keeps votes on deleted posts"
    values = Counter(e["value"] for e in events.values() if e["value"] is not None)
    assert values == {1.0: sum(v["VoteTypeId"] == "2" for v in votes),
                      -1.0: sum(v["VoteTypeId"] == "3" for v in votes)}  # fmt: skip


def test_accepting_an_answer_is_the_askers_act_towards_the_answerer(events):
    posts = {p["Id"]: p for p in rows("Posts.xml")}
    accepts = [v for v in rows("Votes.xml") if v["VoteTypeId"] == "1"]
    assert accepts
    for v in accepts:
        answer = posts[v["PostId"]]
        e = events[f"{SITE}/v/{v['Id']}"]
        assert e["kind"] == "accept"
        # None when the asker's account was deleted (question 725 of the slice).
        assert e["actor"] == acct(posts[answer["ParentId"]].get("OwnerUserId"))
        assert e["target"] == acct(answer["OwnerUserId"])
        assert e["post_id"] == f"{SITE}/p/{v['PostId']}"


def test_deleted_authors_are_unknown_not_merged(events):
    orphans = [p for p in rows("Posts.xml") if "OwnerUserId" not in p]
    assert len(orphans) >= 3  # question 725, tag wiki 423 and its excerpt 424
    for p in orphans:
        e = events[f"{SITE}/p/{p['Id']}"]
        assert e["actor"] is None
        assert json.loads(e["extra"])["owner_display_name"] == p["OwnerDisplayName"]
    wiki = events[f"{SITE}/p/423"]
    assert (wiki["kind"], json.loads(wiki["extra"])["post_type"]) == ("post", "tag_wiki")


def test_questions_carry_title_plain_text_body_and_tags(events):
    for q in (p for p in rows("Posts.xml") if p["PostTypeId"] == "1"):
        e = events[f"{SITE}/p/{q['Id']}"]
        assert e["text"].startswith(q["Title"] + "\n\n")
        assert "<p>" not in e["text"] and "&amp;" not in e["text"]
        tags = q["Tags"].strip("<>").split("><")
        assert list(e["hashtags"]) == tags
    assert html_to_text("<p>Hops &amp; malt</p>\n\n<p>a<br/>b</p>") == "Hops & malt\n\na\nb"


def test_history_edits_and_moderation_name_their_type(events):
    history = rows("PostHistory.xml")
    for h in history:
        event_id = f"{SITE}/h/{h['Id']}"
        if h["PostHistoryTypeId"] in ("1", "2", "3"):
            assert event_id not in events
            continue
        e = events[event_id]
        assert e["actor"] == acct(h.get("UserId"))
        assert e["kind"] == ("edit" if int(h["PostHistoryTypeId"]) <= 9 else "moderate")
    closed = [h for h in history if h["PostHistoryTypeId"] == "10"]
    assert closed
    assert json.loads(events[f"{SITE}/h/{closed[0]['Id']}"]["extra"])["history_type"] == (
        "post_closed"
    )


def test_links_point_from_post_to_related_post(events):
    for k in rows("PostLinks.xml"):
        e = events[f"{SITE}/l/{k['Id']}"]
        assert e["actor"] is None
        assert (e["post_id"], e["parent_post_id"]) == (
            f"{SITE}/p/{k['PostId']}",
            f"{SITE}/p/{k['RelatedPostId']}",
        )
        assert (
            json.loads(e["extra"])["link_type"]
            == {"1": "linked", "3": "duplicate"}[k["LinkTypeId"]]
        )


def test_the_site_is_the_context_and_namespaces_every_id(events):
    assert {e["context"] for e in events.values()} == {SITE}
    assert {e["platform"] for e in events.values()} == {"stackexchange"}
    assert {e["source_tz"] for e in events.values()} == {"UTC"}
    assert all(i.startswith(SITE + "/") for i in events)


# ----------------------------------------------------------------------------- bad input


def copy_fixture(tmp_path: Path) -> Path:
    folder = tmp_path / SITE
    shutil.copytree(FIXTURE, folder)
    return folder


def test_a_row_without_post_id_is_rejected_with_its_line_and_field(tmp_path):
    folder = copy_fixture(tmp_path)
    lines = (folder / "Comments.xml").read_bytes().splitlines(keepends=True)
    # Line 5 of the file is the third comment row (after the declaration and <comments>).
    assert b' PostId="' in lines[4]
    lines[4] = lines[4].replace(b' PostId="', b' Post="', 1)
    (folder / "Comments.xml").write_bytes(b"".join(lines))
    tables, rejected = read(folder)
    assert len(rejected) == 1
    r = rejected[0]
    assert (r.record, r.line, r.field) == (3, 5, "PostId")
    assert "Comments.xml" in r.reason and r.raw.startswith("<row ") and 'Post="' in r.raw
    kinds = Counter(e["kind"] for e in tables["events"])
    assert kinds["comment"] == len(rows("Comments.xml")) - 1  # the others are still there


def load_build_script():
    spec = importlib.util.spec_from_file_location(
        "build_demo", ROOT / "scripts" / "build_demo_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_parquet_row_without_post_id_is_rejected_too(tmp_path):
    out = tmp_path / "demo"
    load_build_script().build(FIXTURE, out, SITE)
    table = pq.read_table(out / "votes.parquet")
    post_ids = table.column("PostId").to_pylist()
    post_ids[9] = None
    table = table.set_column(table.schema.get_field_index("PostId"), "PostId", pa.array(post_ids))
    pq.write_table(table, out / "votes.parquet")
    tables, rejected = read(out)
    assert [(r.record, r.field) for r in rejected] == [(10, "PostId")]
    assert "votes.parquet" in rejected[0].reason and 'VoteTypeId="' in rejected[0].raw
    votes = sum(e["event_id"].startswith(f"{SITE}/v/") for e in tables["events"])
    assert votes == len(rows("Votes.xml")) - 1


def test_a_truncated_file_raises_source_error_naming_file_and_line(tmp_path):
    folder = copy_fixture(tmp_path)
    data = (folder / "Votes.xml").read_bytes()
    (folder / "Votes.xml").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as err:
        read(folder)
    assert err.value.path.endswith("Votes.xml")
    assert err.value.line is not None and err.value.line > 100


def test_a_file_that_is_not_xml_raises_source_error(tmp_path):
    bad = tmp_path / "Posts.xml"
    bad.write_text("Id,PostTypeId\n1,1\n")
    with pytest.raises(SourceError) as err:
        read(bad)
    assert (err.value.path, err.value.line) == (str(bad), 1)


def test_tags_xml_alone_is_refused_with_a_hint(tmp_path):
    tags = tmp_path / "Tags.xml"
    tags.write_text('<?xml version="1.0"?>\n<tags>\n  <row Id="1" TagName="hops" />\n</tags>\n')
    assert READER.sniff(tags, tags.read_bytes())
    with pytest.raises(SourceError, match=r"Posts\.xml"):
        read(tags)


# ----------------------------------------------------------------------------- the forms


def test_sniff_recognises_the_dump_and_nothing_else(tmp_path):
    votes = FIXTURE / "Votes.xml"
    assert READER.sniff(FIXTURE, b"")
    assert READER.sniff(votes, votes.read_bytes()[:2048])
    assert READER.sniff(DEMO_DIR, b"")
    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n1,2\n")
    assert not READER.sniff(csv, csv.read_bytes())
    assert not READER.sniff(tmp_path, b"")
    # A workspace export also has a posts.parquet, with canonical columns: not a dump.
    export = tmp_path / "export"
    export.mkdir()
    pq.write_table(pa.table({"post_id": ["x/p/1"], "author": ["x/u/1"]}), export / "posts.parquet")
    assert not READER.sniff(export, b"")


def assert_same(a: dict[str, list[dict]], b: dict[str, list[dict]]) -> None:
    assert a.keys() == b.keys()
    for table in a:
        assert len(a[table]) == len(b[table])
        assert a[table] == b[table], table


def test_archive_folder_parquet_and_small_batches_give_identical_rows(tmp_path, fixture_read):
    archive = tmp_path / f"{SITE}.7z"
    with py7zr.SevenZipFile(archive, "w") as z:
        for f in sorted(FIXTURE.iterdir()):
            z.write(f, f.name)
    assert READER.sniff(archive, archive.read_bytes()[:64])
    assert_same(read(archive)[0], fixture_read)

    out = tmp_path / "demo"
    load_build_script().build(FIXTURE, out, SITE)
    assert READER.sniff(out, b"")
    assert_same(read(out)[0], fixture_read)  # the site comes from the Parquet metadata

    assert_same(read(FIXTURE, batch_rows=50)[0], fixture_read)


def test_a_single_file_gives_its_table_addressed_through_the_posts_beside_it(fixture_read):
    tables, rejected = read(FIXTURE / "Votes.xml")
    assert rejected == [] and set(tables) == {"events"}
    votes = [e for e in fixture_read["events"] if "/v/" in e["event_id"]]
    assert tables["events"] == votes


# ----------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo() -> dict[str, list[dict]]:
    tables, rejected = read(DEMO_DIR)
    assert rejected == []
    return tables


def test_the_demo_holds_the_whole_beer_dump_as_documented(demo):
    # Figures from /work/shared/data/stackexchange_beer/SOURCE.txt.
    ev = demo["events"]
    kinds = Counter(e["kind"] for e in ev)
    post_types = Counter(
        json.loads(e["extra"])["post_type"] for e in ev if e["kind"] in ("post", "reply")
    )
    assert (post_types["question"], post_types["answer"]) == (1029, 2277)
    assert post_types.total() == 3471
    assert kinds["comment"] == 3509
    assert kinds["accept"] == 625
    assert Counter(e["value"] for e in ev if e["value"] is not None) == {1.0: 15395, -1.0: 1084}
    assert kinds["vote"] + kinds["accept"] + kinds["reaction"] == 18564
    links = Counter(json.loads(e["extra"])["link_type"] for e in ev if e["kind"] == "link")
    assert links == {"linked": 122, "duplicate": 26}
    assert len(demo["accounts"]) == 6863
    licences = Counter(
        json.loads(p["extra"])["license"] for p in demo["posts"] if p["kind"] != "comment"
    )
    assert licences == {"CC BY-SA 3.0": 2706, "CC BY-SA 4.0": 765}
    assert {e["context"] for e in ev} == {SITE}
    assert (DEMO_DIR / "ATTRIBUTION.md").read_text().count("CC BY-SA") >= 2


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"the shared data set {SHARED} is absent")
def test_the_demo_gives_the_same_rows_as_the_original_xml(demo):
    original, rejected = read(SHARED, constants={"context": SITE})
    assert rejected == []
    assert_same(original, demo)
