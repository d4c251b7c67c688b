"""The Mastodon reader, on Status entities and an account archive written from the documentation.

Expected values are counted here with ``json`` and ``csv`` from the fixtures (see
``tests/fixtures/mastodon/SOURCE.md``), never taken from the reader.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from fuzzing import FUZZ_EXAMPLES, assert_nothing_lost
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liens.errors import SourceError
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.mastodon import MastodonReader

FIX = Path(__file__).parent / "fixtures" / "mastodon"
TIMELINE = FIX / "home_timeline.json"
ARCHIVE = FIX / "archive"
READER = MastodonReader()


def statuses(path: Path = TIMELINE) -> list[dict]:
    return json.loads(path.read_text())


def acct(account: dict) -> str:
    """user@instance, computed independently: the host of the profile URL for local accounts."""
    if "@" in account["acct"]:
        return account["acct"]
    return f"{account['acct']}@{re.match(r'https://([^/]+)/', account['url']).group(1)}"


def read(path: Path, **options) -> tuple[dict[str, list[dict]], list[Rejected]]:
    tables: dict[str, list[dict]] = {}
    rejected = []
    for item in READER.read(path, ReadOptions(**options)):
        if isinstance(item, Chunk):
            tables.setdefault(item.table, []).extend(item.data.to_pylist())
        else:
            rejected.append(item)
    return tables, rejected


def test_every_status_becomes_a_post_reply_or_share_with_namespaced_accounts():
    tables, rejected = read(TIMELINE)
    assert rejected == []
    events = {e["event_id"]: e for e in tables["events"]}
    for s in statuses():
        e = events[s["uri"]]
        assert e["actor"] == acct(s["account"])
        if s["reblog"]:
            assert e["kind"] == "share"
            assert e["target"] == acct(s["reblog"]["account"])
            assert e["parent_post_id"] == s["reblog"]["uri"]
        else:
            assert e["kind"] == ("reply" if s["in_reply_to_id"] else "post")
            assert e["hashtags"] == [t["name"] for t in s["tags"]]
            assert "<" not in (e["text"] or "")


def test_a_reply_addresses_the_author_of_the_status_it_answers():
    by_id = {s["id"]: s for s in statuses()}
    ids = {a["id"]: acct(a) for s in statuses() for a in [s["account"]]}
    tables, _ = read(TIMELINE)
    events = {e["event_id"]: e for e in tables["events"]}
    replies = [s for s in statuses() if s["in_reply_to_id"]]
    assert replies
    for s in replies:
        e = events[s["uri"]]
        assert e["target"] == ids[s["in_reply_to_account_id"]]
        assert e["parent_post_id"] == by_id[s["in_reply_to_id"]]["uri"]


def test_mentions_become_events_except_the_implicit_mention_of_the_account_replied_to():
    ids = {s["account"]["id"]: acct(s["account"]) for s in statuses()}
    expected = sum(
        1
        for s in statuses()
        if not s["reblog"]
        for m in s["mentions"]
        if m["id"] != s["in_reply_to_account_id"]
    )
    tables, _ = read(TIMELINE)
    mentions = [e for e in tables["events"] if e["kind"] == "mention"]
    assert len(mentions) == expected == 1
    assert mentions[0]["target"] == "patrick@framapiaf.org"
    assert ids  # the reply target is an account of the file


def test_counts_go_to_posts_and_profiles_to_accounts(ws):
    res = ws.import_file(TIMELINE)  # detected by content
    assert res.format == "mastodon"
    assert res.read == res.accepted + res.duplicate + res.quarantined
    s = next(s for s in statuses() if s["favourites_count"] == 12)
    extra = json.loads(ws.sql(f"SELECT extra FROM posts WHERE post_id = '{s['uri']}'").extra[0])
    assert (extra["favourites_count"], extra["reblogs_count"]) == (12, 4)
    accounts = ws.sql("SELECT account_id, followers FROM accounts ORDER BY 1")
    expected = {acct(x["account"]): x["account"]["followers_count"] for x in statuses()}
    assert dict(zip(accounts.account_id, accounts.followers, strict=True)) == expected


def test_context_json_lines_and_array_give_the_same_events(ws):
    a = ws.import_file(TIMELINE, format="mastodon")
    b = ws.import_file(FIX / "statuses.jsonl", format="mastodon")
    c = ws.import_file(FIX / "context.json", format="mastodon")
    assert b.accepted == 0 and b.duplicate == a.read
    assert c.accepted == 0 and c.quarantined == 0


def test_archive_folder_outbox_likes_and_follows(ws):
    outbox = json.loads((ARCHIVE / "outbox.json").read_text())["orderedItems"]
    likes = json.loads((ARCHIVE / "likes.json").read_text())["orderedItems"]
    with (ARCHIVE / "following_accounts.csv").open() as fh:
        follows = list(csv.DictReader(fh))
    res = ws.import_file(ARCHIVE)
    assert res.format == "mastodon" and res.quarantined == 0
    kinds = dict(ws.sql("SELECT kind, count(*) n FROM events GROUP BY 1").values.tolist())
    creates = [a for a in outbox if a["type"] == "Create"]
    assert kinds["share"] == sum(a["type"] == "Announce" for a in outbox)
    assert kinds["post"] + kinds["reply"] == len(creates)
    assert kinds["reply"] == sum(bool(a["object"]["inReplyTo"]) for a in creates)
    assert kinds["reaction"] == len(likes)
    assert kinds["follow"] == len(follows)
    actors = set(ws.sql("SELECT DISTINCT actor FROM events").actor)
    assert actors == {"eric@piaille.fr"}
    followed = set(ws.sql("SELECT target FROM events WHERE kind = 'follow'").target)
    assert followed == {r["Account address"] for r in follows}
    owned = ws.sql("SELECT account_id FROM accounts WHERE owned").account_id.tolist()
    assert owned == ["eric@piaille.fr"]
    # Undated archive files say so.
    extra = json.loads(ws.sql("SELECT extra FROM events WHERE kind = 'reaction' LIMIT 1").extra[0])
    assert extra["time"] == "export"


def test_the_api_and_the_archive_name_a_post_the_same_way(ws):
    ws.import_file(TIMELINE)
    res = ws.import_file(ARCHIVE / "outbox.json", format="mastodon")
    # The first post, the reply and its mention are in both: same uri, same event.
    assert res.duplicate == 3
    assert res.accepted == 2  # the boost and the poll are only in the archive


def test_a_status_without_account_or_time_is_rejected_with_its_field(ws, tmp_path):
    items = statuses()
    del items[1]["account"]
    items[2]["created_at"] = None
    path = tmp_path / "t.json"
    path.write_text(json.dumps(items))
    res = ws.import_file(path, format="mastodon")
    q = ws.sql("SELECT record, field FROM quarantine ORDER BY record")
    assert q.values.tolist() == [[2, "account"], [3, "created_at"]]
    assert res.read == res.accepted + res.duplicate + res.quarantined


def test_not_json_is_a_source_error(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('[{"account": {"acct": "x"}, "reblogs_count": 1')
    with pytest.raises(SourceError):
        list(READER.read(path, ReadOptions()))


# ----------------------------------------------------------------------------- fuzz

_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def mutated_file(draw) -> bytes:
    base = statuses() if draw(st.booleans()) else json.loads((ARCHIVE / "outbox.json").read_text())
    items = base if isinstance(base, list) else base["orderedItems"]
    for item in items:
        for _ in range(draw(st.integers(0, 3))):
            if not item:
                break
            keys = sorted(item)
            key = draw(st.sampled_from(keys))
            if draw(st.booleans()):
                del item[key]
            else:
                item[key] = draw(_JUNK)
        for nested in ("account", "object", "reblog"):
            if isinstance(item.get(nested), dict) and item[nested] and draw(st.booleans()):
                item[nested][draw(st.sampled_from(sorted(item[nested])))] = draw(_JUNK)
    if draw(st.booleans()):
        items.append(draw(_JUNK))
    if isinstance(base, list) and draw(st.booleans()):
        data = "\n".join(json.dumps(s) for s in items) + "\n" + draw(st.text(max_size=20))
    else:
        data = json.dumps(base)
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]
    return data.encode()


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=mutated_file())
def test_fuzz_nothing_is_lost_and_only_source_errors_escape(fuzz_ws, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    assert_nothing_lost(fuzz_ws, folder, "statuses.json", data, "mastodon")
