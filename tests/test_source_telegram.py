"""The Telegram Desktop export reader, on hand-written exports that follow the export format.

Expected values are counted here from result.json with plain ``json`` parsing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fuzzing import FUZZ_EXAMPLES as EXAMPLES
from fuzzing import case_dir, check_file, mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rows import events

from liens.api import Workspace
from liens.errors import SourceError
from liens.sources import detect_reader

FIX = Path(__file__).parent / "fixtures" / "telegram"
CHANNEL = FIX / "channel_result.json"
FULL = FIX / "full_export"


def test_channel_posts_forwards_and_mentions(ws):
    chat = json.loads(CHANNEL.read_text())
    res = ws.import_file(CHANNEL)
    assert res.format == "telegram" and res.quarantined == 0
    got = events(ws)
    for m in chat["messages"]:
        e = got[f"telegram:{chat['id']}/{m['id']}"]
        assert e["context"] == chat["name"]
        if m["type"] == "service":
            assert json.loads(e["extra"])["action"] == m["action"]
            continue
        assert e["actor"] == m["from_id"]
        assert e["kind"] == ("share" if "forwarded_from" in m else "post")
        text = (
            m["text"]
            if isinstance(m["text"], str)
            else "".join(p if isinstance(p, str) else p["text"] for p in m["text"])
        )
        assert e["text"] == text
        for ent in m["text_entities"]:
            if ent["type"] == "mention":
                handle = "@" + ent["text"][1:].lower()
                assert got[f"telegram:{chat['id']}/{m['id']}/m/{handle}"]["kind"] == "mention"


def test_reaction_counts_are_kept_and_only_listed_reactors_become_events(ws):
    chat = json.loads(CHANNEL.read_text())
    ws.import_file(CHANNEL)
    posts = ws.sql("SELECT * FROM posts").set_index("post_id")
    reactors = []
    for m in chat["messages"]:
        if "reactions" not in m:
            continue
        extra = json.loads(posts.loc[f"{chat['id']}/{m['id']}", "extra"])
        assert extra["reaction_count"] == sum(r["count"] for r in m["reactions"])
        for r in m["reactions"]:
            reactors += [(x["from_id"], m["from_id"]) for x in r.get("recent", [])]
    got = ws.sql("SELECT actor, target FROM events WHERE kind = 'reaction'")
    assert sorted(zip(got.actor, got.target, strict=True)) == sorted(reactors)


def test_a_reaction_list_of_another_type_costs_its_reactors_only(ws, tmp_path):
    # Found by the fuzz test: "recent" as a number made the reader raise.
    chat = json.loads(CHANNEL.read_text())
    for m in chat["messages"]:
        for r in m.get("reactions", []):
            r["recent"] = 3
    p = tmp_path / "result.json"
    p.write_text(json.dumps(chat))
    res = ws.import_file(p)
    assert res.quarantined == 0
    assert ws.sql("SELECT count(*) n FROM events WHERE kind = 'reaction'").n[0] == 0
    with Workspace(tmp_path / "original.duckdb") as ref:
        ref.import_file(CHANNEL)
        expected = ref.sql("SELECT event_id FROM events WHERE kind <> 'reaction' ORDER BY 1")
    assert ws.sql("SELECT event_id FROM events ORDER BY 1").equals(expected)


def test_replies_address_the_author_of_the_message_replied_to(ws):
    export = json.loads((FULL / "result.json").read_text())
    ws.import_file(FULL)
    got = events(ws)
    for chat in export["chats"]["list"]:
        author = {m["id"]: m.get("from_id") for m in chat["messages"]}
        for m in chat["messages"]:
            if "reply_to_message_id" in m:
                e = got[f"telegram:{chat['id']}/{m['id']}"]
                assert e["kind"] == "reply"
                assert e["target"] == author.get(m["reply_to_message_id"])
                assert e["parent_post_id"] == f"{chat['id']}/{m['reply_to_message_id']}"


def test_personal_chat_messages_address_the_other_person(ws):
    export = json.loads((FULL / "result.json").read_text())
    ws.import_file(FULL)
    got = events(ws)
    chat = next(c for c in export["chats"]["list"] if c["type"] == "personal_chat")
    people = {m["from_id"] for m in chat["messages"]}
    for m in chat["messages"]:
        key = f"telegram:{chat['id']}/{m['id']}"
        if "date" in m:
            e = got[key]
            assert e["kind"] == "message"
            assert e["target"] == (people - {m["from_id"]}).pop()
            # No date_unixtime in this older export: the local time is read in --tz (UTC here).
            assert e["created_at"].isoformat() == m["date"]


def test_owner_account_and_bad_messages(ws):
    export = json.loads((FULL / "result.json").read_text())
    res = ws.import_file(FULL)
    assert res.read == res.accepted + res.duplicate + res.quarantined
    owner = ws.sql("SELECT * FROM accounts WHERE owned")
    me = export["personal_information"]
    assert list(owner.account_id) == [f"user{me['user_id']}"]
    assert owner.handle[0] == me["username"].lstrip("@")
    assert "phone" not in (owner.extra[0] or "")
    q = ws.quarantine().sort_values("field")
    assert list(q.field) == ["date", "type"]


def test_date_unixtime_wins_over_the_local_date(ws):
    ws.import_file(FULL, tz="Europe/Paris")
    export = json.loads((FULL / "result.json").read_text())
    m = export["chats"]["list"][0]["messages"][1]
    e = events(ws)[f"telegram:{export['chats']['list'][0]['id']}/{m['id']}"]
    assert int(e["created_at"].timestamp()) == int(m["date_unixtime"])


def test_sniffing_and_not_a_telegram_file(ws, tmp_path):
    assert detect_reader(CHANNEL).name == "telegram"
    assert detect_reader(FULL).name == "telegram"
    p = tmp_path / "result.json"
    p.write_text('{"messages": 3, "type": "public_channel"}')
    with pytest.raises(SourceError):
        ws.import_file(p, format="telegram")


# ----------------------------------------------------------------------------- fuzz


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), source=st.sampled_from([CHANNEL, FULL / "result.json"]))
def test_fuzz_exports(fuzz_ws, tmp_path_factory, data, source):
    value = json.loads(source.read_text())
    for _ in range(data.draw(st.integers(1, 4))):
        value = mutate(data, value)
    text = json.dumps(value, ensure_ascii=False, indent=1)
    if data.draw(st.integers(0, 4)) == 0:
        text = text[: data.draw(st.integers(0, len(text)))]
    folder = case_dir(tmp_path_factory)
    p = folder / "result.json"
    p.write_text(text)
    check_file(fuzz_ws, p, "telegram")


def test_the_export_folder_may_hold_media(ws, tmp_path):
    shutil.copytree(FULL, tmp_path / "export")
    (tmp_path / "export" / "photos").mkdir()
    res = ws.import_file(tmp_path / "export")
    assert res.accepted > 0
