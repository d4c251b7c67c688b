"""The blog reader, on a WXR export of the seed comment thread and a Blogger Atom export.

Expected values are counted here with ``xml.etree`` from the fixtures (see
``tests/fixtures/blogs/SOURCE.md``), never taken from the reader.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fuzzing import FUZZ_EXAMPLES, assert_nothing_lost, case_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liens.errors import SourceError

FIX = Path(__file__).parent / "fixtures" / "blogs"
WXR = FIX / "pouvoir-prescripteur.wxr.xml"
ATOM = FIX / "blogger-export.atom.xml"
WP = "{http://wordpress.org/export/1.2/}"
A = "{http://www.w3.org/2005/Atom}"
SITE = "reseaux-prescripteurs.example"


def wxr_comments() -> list[dict[str, str]]:
    item = ET.parse(WXR).getroot().find("channel/item")
    return [
        {c.tag.removeprefix(WP): (c.text or "") for c in com} for com in item.iter(f"{WP}comment")
    ]


def test_the_seed_thread_gives_one_post_and_its_19_comments(ws):
    res = ws.import_file(WXR)
    assert res.format == "blog"
    comments = wxr_comments()
    assert len(comments) == 19
    kinds = dict(ws.sql("SELECT kind, count(*) FROM events GROUP BY 1").values.tolist())
    assert kinds == {"post": 1, "comment": 19}  # the attachment item is no publication
    assert set(ws.sql("SELECT DISTINCT context FROM events").context) == {SITE}


def test_replies_address_the_parent_comment_author_and_others_the_post_author(ws):
    ws.import_file(WXR)
    comments = {c["comment_id"]: c for c in wxr_comments()}
    got = ws.con.execute("SELECT * FROM events WHERE kind = 'comment'").df()
    got = got.astype(object).where(got.notna(), None).to_dict("records")
    for e in got:
        c = comments[e["event_id"].rsplit("/", 1)[1]]
        if c["comment_parent"] != "0":
            parent = comments[c["comment_parent"]]
            assert e["parent_post_id"] == f"{SITE}/c/{parent['comment_id']}"
            expected = (
                f"{SITE}/{parent['comment_author_email']}"
                if parent["comment_author_email"]
                else None
            )
            assert e["target"] == expected
        else:
            assert e["parent_post_id"] == e["root_post_id"] == f"{SITE}/p/42"
            assert e["target"] == f"{SITE}/eric@reseaux-prescripteurs.example"
    assert sum(c["comment_parent"] != "0" for c in comments.values()) == 3


def test_unsigned_comments_stay_unknown_and_signers_are_one_account_per_email(ws):
    ws.import_file(WXR)
    comments = wxr_comments()
    unsigned = sum(c["comment_author"] == "Anonyme" for c in comments)
    assert ws.sql("SELECT count(*) n FROM events WHERE actor IS NULL").n[0] == unsigned
    extra = ws.sql("SELECT extra FROM events WHERE actor IS NULL LIMIT 1").extra[0]
    assert '"author_placeholder": "Anonyme"' in extra
    emails = {c["comment_author_email"] for c in comments if c["comment_author_email"]}
    sql = "SELECT DISTINCT actor FROM events WHERE kind = 'comment' AND actor IS NOT NULL"
    actors = set(ws.sql(sql).actor)
    assert actors == {f"{SITE}/{e}" for e in emails}


def test_comment_times_are_the_gmt_ones(ws):
    ws.import_file(WXR)
    first = min(c["comment_date_gmt"] for c in wxr_comments())
    got = ws.sql("SELECT min(created_at) t FROM events WHERE kind = 'comment'").t[0]
    assert str(got) == first


def test_blogger_export_posts_comments_and_threaded_replies(ws):
    res = ws.import_file(ATOM)
    assert res.format == "blog" and res.quarantined == 0
    entries = ET.parse(ATOM).getroot().findall(f"{A}entry")
    kinds = [
        next(
            c.get("term").rpartition("#")[2]
            for c in e.findall(f"{A}category")
            if c.get("scheme", "").endswith("#kind")
        )
        for e in entries
    ]
    got = dict(ws.sql("SELECT kind, count(*) FROM events GROUP BY 1").values.tolist())
    assert got == {"post": kinds.count("post"), "comment": kinds.count("comment")}
    related = [
        e for e in entries if any(lk.get("rel") == "related" for lk in e.findall(f"{A}link"))
    ]
    reply = ws.sql("SELECT parent_post_id FROM events WHERE event_id LIKE '%/c/9005'")
    href = next(
        lk.get("href") for lk in related[0].findall(f"{A}link") if lk.get("rel") == "related"
    )
    assert reply.parent_post_id[0].endswith("/c/" + href.rsplit("/", 1)[1])
    # "Anonyme" with Blogger's noreply address is an unknown author.
    assert ws.sql("SELECT count(*) n FROM events WHERE actor IS NULL").n[0] == 1


def test_a_comment_without_date_is_rejected_with_its_field(ws, tmp_path):
    text = (
        WXR.read_text()
        .replace("<wp:comment_date_gmt><![CDATA[", "<wp:comment_date_gmt><![CDATA[0000", 1)
        .replace("<wp:comment_date><![CDATA[", "<wp:comment_date><![CDATA[0000", 1)
    )
    path = tmp_path / "x.xml"
    path.write_text(text)
    res = ws.import_file(path)
    assert res.quarantined == 1
    assert ws.sql("SELECT field FROM quarantine").field[0] == "wp:comment_date_gmt"


def test_broken_xml_is_a_source_error_with_the_line(ws, tmp_path):
    path = tmp_path / "x.xml"
    path.write_text(WXR.read_text()[:5000] + "<<<")
    with pytest.raises(SourceError) as err:
        ws.import_file(path, format="blog")
    assert err.value.line is not None


# ----------------------------------------------------------------------------- fuzz


@st.composite
def mutated(draw) -> bytes:
    source = draw(st.sampled_from([WXR, ATOM]))
    root = ET.parse(source).getroot()
    elements = list(root.iter())
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 8))):
        el = rng.choice(elements)
        op = draw(st.sampled_from(["drop", "text", "attr"]))
        if op == "drop":
            for parent in root.iter():
                if el in list(parent):
                    parent.remove(el)
                    break
        elif op == "text":
            el.text = draw(st.text(max_size=10))
        else:
            if el.attrib:
                el.set(rng.choice(sorted(el.attrib)), draw(st.text(max_size=5)))
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(1, len(data)))]
    return data


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=mutated())
def test_fuzz_nothing_is_lost_and_only_source_errors_escape(fuzz_ws, tmp_path_factory, data):
    folder = case_dir(tmp_path_factory)
    assert_nothing_lost(fuzz_ws, folder, "export.xml", data, "blog")
