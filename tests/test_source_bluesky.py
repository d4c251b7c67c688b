"""The Bluesky reader, on app.bsky.feed responses and a repository CAR written from the lexicons.

Expected values are computed here from the fixtures with ``json`` and, for the CAR, with
``libipld``'s own decoder (see ``tests/fixtures/bluesky/SOURCE.md``).
"""

from __future__ import annotations

import json
from pathlib import Path

import libipld
import pytest
from fuzzing import FUZZ_EXAMPLES, assert_nothing_lost
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liens.errors import SourceError

FIX = Path(__file__).parent / "fixtures" / "bluesky"
FEED, THREAD = FIX / "getAuthorFeed.json", FIX / "getPostThread.json"
SEARCH, LIKES, CAR = FIX / "searchPosts.json", FIX / "getLikes.json", FIX / "repo.car"


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def events(ws) -> dict[str, dict]:
    df = ws.sql("SELECT * FROM events")
    return {r["event_id"].removeprefix("bluesky:"): r for r in df.to_dict("records")}


def test_author_feed_posts_replies_quotes_and_the_repost_reason(ws):
    res = ws.import_file(FEED)
    assert res.format == "bluesky" and res.quarantined == 0
    got = events(ws)
    for item in load(FEED)["feed"]:
        post = item["post"]
        e = got[post["uri"]]
        assert e["actor"] == post["author"]["did"]
        reply = post["record"].get("reply")
        if reply:
            assert e["kind"] == "reply"
            assert e["parent_post_id"] == reply["parent"]["uri"]
            assert e["root_post_id"] == reply["root"]["uri"]
            assert e["target"] == reply["parent"]["uri"].split("/")[2]
        elif post["record"].get("embed", {}).get("$type") == "app.bsky.embed.record":
            assert e["kind"] == "quote"
            assert e["parent_post_id"] == post["record"]["embed"]["record"]["uri"]
        if item.get("reason"):
            share = got[item["reason"]["uri"]]
            assert share["kind"] == "share"
            assert share["actor"] == item["reason"]["by"]["did"]
            assert share["target"] == post["author"]["did"]
    handles = dict(ws.sql("SELECT account_id, handle FROM accounts").values.tolist())
    for item in load(FEED)["feed"]:
        assert handles[item["post"]["author"]["did"]] == item["post"]["author"]["handle"]


def test_mention_facets_become_mention_events_and_tags_hashtags(ws):
    ws.import_file(FEED)
    got = events(ws)
    views = [i["post"] for i in load(FEED)["feed"]]
    for view in views:
        for facet in view["record"].get("facets", []):
            for f in facet["features"]:
                if f["$type"].endswith("#mention"):
                    assert got[f"{view['uri']}#mention:{f['did']}"]["target"] == f["did"]
                if f["$type"].endswith("#tag"):
                    assert f["tag"] in got[view["uri"]]["hashtags"]


def test_counts_of_a_post_view_are_kept_in_posts(ws):
    ws.import_file(SEARCH)
    for view in load(SEARCH)["posts"]:
        extra = ws.sql(f"SELECT extra FROM posts WHERE post_id = '{view['uri']}'").extra[0]
        assert json.loads(extra)["likeCount"] == view["likeCount"]


def test_a_reply_that_quotes_gives_a_reply_and_a_quote(ws):
    ws.import_file(SEARCH)
    view = next(
        v for v in load(SEARCH)["posts"] if "reply" in v["record"] and "embed" in v["record"]
    )
    got = events(ws)
    assert got[view["uri"]]["kind"] == "reply"
    quote = got[view["uri"] + "#quote"]
    assert quote["parent_post_id"] == view["record"]["embed"]["record"]["record"]["uri"]
    # A field newer than the lexicon is kept.
    assert "futureField" in json.loads(got[view["uri"]]["extra"])


def test_thread_walks_parents_and_replies_and_quarantines_deleted_posts(ws):
    res = ws.import_file(THREAD)
    nodes = []

    def walk(node):
        if isinstance(node, dict):
            nodes.append(node)
            walk(node.get("parent"))
            for reply in node.get("replies") or []:
                walk(reply)

    walk(load(THREAD)["thread"])
    n_views = sum("post" in n for n in nodes)
    n_missing = sum(bool(n.get("notFound")) for n in nodes)
    sql = "SELECT count(*) n FROM events WHERE kind IN ('post', 'reply', 'quote')"
    assert ws.sql(sql).n[0] == n_views
    assert res.quarantined == n_missing == 1
    assert res.read == res.accepted + res.duplicate + res.quarantined


def test_likes_are_reactions_on_the_liked_post(ws):
    doc = load(LIKES)
    ws.import_file(LIKES)
    got = ws.sql("SELECT actor, post_id FROM events WHERE kind = 'reaction' ORDER BY actor")
    assert sorted(got.actor) == sorted(like["actor"]["did"] for like in doc["likes"])
    assert set(got.post_id) == {doc["uri"]}


def test_repository_car_gives_every_interaction_record(ws):
    header, blocks = libipld.decode_car(CAR.read_bytes())
    types = [b.get("$type") for b in blocks.values() if isinstance(b, dict)]
    res = ws.import_file(CAR)
    assert res.format == "bluesky"
    kinds = dict(ws.sql("SELECT kind, count(*) FROM events GROUP BY 1").values.tolist())
    assert kinds["reaction"] == types.count("app.bsky.feed.like")
    assert kinds["share"] == types.count("app.bsky.feed.repost")
    assert kinds["follow"] == types.count("app.bsky.graph.follow")
    assert kinds["post"] + kinds["reply"] == types.count("app.bsky.feed.post")
    # A list is no interaction: set aside with the reason, not dropped.
    assert res.quarantined == types.count("app.bsky.graph.list") == 1
    assert ws.sql("SELECT account_id FROM accounts WHERE owned").account_id.tolist() == [
        blocks[header["roots"][0]]["did"]
    ]


def test_the_car_and_the_api_name_a_repost_the_same_way(ws):
    ws.import_file(FEED)
    res = ws.import_file(CAR)
    assert res.duplicate >= 1  # the repost, the first post and the reply


def test_a_truncated_car_or_json_is_a_source_error(ws, tmp_path):
    for name, data in (("r.car", CAR.read_bytes()[:200]), ("f.json", FEED.read_bytes()[:500])):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(SourceError):
            ws.import_file(tmp_path / name, format="bluesky")


# ----------------------------------------------------------------------------- fuzz

_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=6), st.lists(st.none(), max_size=2)
)


def _mutate(draw, obj, depth=0):
    if isinstance(obj, dict) and obj:
        for _ in range(draw(st.integers(0, 2))):
            key = draw(st.sampled_from(sorted(obj)))
            if draw(st.booleans()):
                del obj[key]
            else:
                obj[key] = draw(_JUNK)
            if not obj:
                break
        for v in list(obj.values()):
            if depth < 6 and draw(st.integers(0, 3)) == 0:
                _mutate(draw, v, depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            _mutate(draw, v, depth + 1)


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    path = draw(st.sampled_from([FEED, THREAD, SEARCH, LIKES, CAR]))
    if path == CAR:
        data = bytearray(CAR.read_bytes())
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return "r.car", bytes(data)
    doc = load(path)
    _mutate(draw, doc)
    text = json.dumps(doc)
    if draw(st.integers(0, 4)) == 0:
        text = text[: draw(st.integers(1, len(text)))]
    return "r.json", text.encode()


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=mutated())
def test_fuzz_nothing_is_lost_and_only_source_errors_escape(fuzz_ws, tmp_path_factory, case):
    folder = tmp_path_factory.mktemp("fuzz")
    assert_nothing_lost(fuzz_ws, folder, case[0], case[1], "bluesky")
