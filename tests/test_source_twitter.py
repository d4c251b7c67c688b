"""The X/Twitter readers: account archive, API v2 / v1.1 JSON lines, flat tweet CSV.

Expected values are counted here from the fixtures with plain ``json`` and ``csv`` parsing
(and Twitter's documented snowflake layout), never taken from the readers.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import zipfile
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

FIX = Path(__file__).parent / "fixtures" / "twitter"
ARCHIVE = FIX / "archive"
V2 = FIX / "api_v2_twarc2.jsonl"
V1 = FIX / "api_v1.jsonl"
LABELED = FIX / "crisislex_lac_megantic_labeled.csv"
ONTOPIC = FIX / "crisislex_boston_ontopic.csv"
TWEETIDS = FIX / "crisislex_lac_megantic_tweetids.csv"


def js_entries(path: Path) -> list:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 :])


def snowflake_time(tweet_id: str) -> str:
    """Twitter's documented layout: milliseconds since 1288834974657 in the bits above 22."""
    import datetime as dt

    ms = (int(tweet_id) >> 22) + 1288834974657
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


# ----------------------------------------------------------------------------- API v2


def test_v2_pages_give_one_event_per_tweet_of_the_documented_kind(ws):
    pages = [json.loads(line) for line in V2.read_text().splitlines()]
    tweets = {}
    for page in pages:
        for t in page["data"] + page.get("includes", {}).get("tweets", []):
            tweets[t["id"]] = t
    res = ws.import_file(V2)
    assert res.format == "twitter"
    assert res.read == res.accepted + res.duplicate + res.quarantined
    got = events(ws)
    for tid, t in tweets.items():
        refs = {r["type"]: r["id"] for r in t.get("referenced_tweets", [])}
        kind = (
            "share"
            if "retweeted" in refs
            else "reply"
            if "replied_to" in refs
            else "quote"
            if "quoted" in refs
            else "post"
        )
        e = got[f"twitter:{tid}"]
        assert e["kind"] == kind
        assert e["actor"] == t.get("author_id")
        ref = refs.get("retweeted") or refs.get("replied_to") or refs.get("quoted")
        assert e["parent_post_id"] == ref
        if kind == "reply":
            assert e["target"] == t["in_reply_to_user_id"]
        elif kind in ("share", "quote"):
            assert e["target"] == tweets[ref]["author_id"]


def test_v2_mentions_become_mention_events_except_the_replied_to_author(ws):
    ws.import_file(V2)
    expected = set()
    for page in map(json.loads, V2.read_text().splitlines()):
        for t in page["data"] + page.get("includes", {}).get("tweets", []):
            refs = {r["type"] for r in t.get("referenced_tweets", [])}
            if "retweeted" in refs:
                continue
            for m in t.get("entities", {}).get("mentions", []):
                if m["id"] not in (t.get("in_reply_to_user_id"), t.get("author_id")):
                    expected.add((t["id"], m["id"]))
    got = ws.sql("SELECT post_id, target FROM events WHERE kind = 'mention'")
    assert set(zip(got.post_id, got.target, strict=True)) == expected


def test_v2_users_become_accounts_with_followers(ws):
    ws.import_file(V2)
    users = {}
    for page in map(json.loads, V2.read_text().splitlines()):
        for u in page["includes"]["users"]:
            users[u["id"]] = u
    acc = ws.sql("SELECT * FROM accounts").set_index("account_id")
    for uid, u in users.items():
        assert acc.loc[uid, "handle"] == u["username"]
        assert acc.loc[uid, "followers"] == u["public_metrics"]["followers_count"]
        assert acc.loc[uid, "following"] == u["public_metrics"]["following_count"]


def test_v2_metrics_reach_posts_and_a_missing_date_comes_from_the_snowflake(ws):
    ws.import_file(V2)
    page = json.loads(V2.read_text().splitlines()[0])
    root = page["includes"]["tweets"][0]
    post = ws.sql("SELECT * FROM posts WHERE post_id = ?", [root["id"]]).iloc[0]
    assert post.views == root["public_metrics"]["impression_count"]
    assert json.loads(post.extra)["like_count"] == root["public_metrics"]["like_count"]
    bare = json.loads(V2.read_text().splitlines()[1])["data"][1]
    assert "created_at" not in bare and "author_id" not in bare
    e = events(ws)[f"twitter:{bare['id']}"]
    assert str(e["created_at"])[:19] == snowflake_time(bare["id"])
    assert e["actor"] is None
    assert json.loads(e["extra"])["future_field"] == {"kept": True}


def test_a_reply_that_quotes_gives_a_second_quote_event(ws):
    ws.import_file(V2)
    t = json.loads(V2.read_text().splitlines()[1])["data"][0]
    refs = {r["type"]: r["id"] for r in t["referenced_tweets"]}
    q = events(ws)[f"twitter:{t['id']}/q"]
    assert q["kind"] == "quote" and q["parent_post_id"] == refs["quoted"]


# ----------------------------------------------------------------------------- API v1.1


def test_v1_retweets_replies_quotes_and_extended_text(ws):
    lines = [json.loads(line) for line in V1.read_text().splitlines()]
    tweets = [t for t in lines if "id_str" in t]
    res = ws.import_file(V1)
    assert res.read == res.accepted + res.duplicate + res.quarantined
    got = events(ws)
    for t in tweets:
        e = got[f"twitter:{t['id_str']}"]
        assert e["actor"] == t["user"]["id_str"]
        if "retweeted_status" in t:
            assert e["kind"] == "share"
            assert e["target"] == t["retweeted_status"]["user"]["id_str"]
        elif t["in_reply_to_status_id_str"]:
            assert (e["kind"], e["target"]) == ("reply", t["in_reply_to_user_id_str"])
        elif "quoted_status" in t:
            assert (e["kind"], e["target"]) == ("quote", t["quoted_status"]["user"]["id_str"])
        if "extended_tweet" in t:
            assert e["text"] == t["extended_tweet"]["full_text"]
    q = ws.quarantine()
    assert list(q.line) == [len(lines)] and "delete" in q.reason[0]


def test_v1_users_are_accounts_once(ws):
    ws.import_file(V1)
    users = {}
    for t in map(json.loads, V1.read_text().splitlines()):
        if "user" in t:
            users[t["user"]["id_str"]] = t["user"]
    acc = ws.sql("SELECT * FROM accounts").set_index("account_id")
    assert set(acc.index) >= set(users)
    for uid, u in users.items():
        assert acc.loc[uid, "handle"] == u["screen_name"]
        assert acc.loc[uid, "followers"] == u["followers_count"]


# ----------------------------------------------------------------------------- archive


def test_archive_folder_reads_every_interaction_file(ws):
    data = ARCHIVE / "data"
    owner = js_entries(data / "account.js")[0]["account"]["accountId"]
    tweets = [e["tweet"] for e in js_entries(data / "tweets.js")]
    good = [t for t in tweets if "id_str" in t]
    likes = js_entries(data / "like.js")
    followers = [e["follower"] for e in js_entries(data / "follower.js")]
    following = js_entries(data / "following.js")
    res = ws.import_file(ARCHIVE)
    assert res.format == "twitter-archive"
    assert res.read == res.accepted + res.duplicate + res.quarantined
    got = events(ws)
    for t in good:
        e = got[f"twitter:{t['id_str']}"]
        assert e["actor"] == owner
        if t["full_text"].startswith("RT @"):
            assert e["kind"] == "share"
            name = t["full_text"][4:].split(":")[0]
            who = [m for m in t["entities"]["user_mentions"] if m["screen_name"] == name]
            assert e["target"] == who[0]["id_str"]
        elif t.get("in_reply_to_status_id_str"):
            assert (e["kind"], e["target"]) == ("reply", t["in_reply_to_user_id_str"])
    kinds = ws.sql("SELECT kind, count(*) n FROM events GROUP BY 1").set_index("kind").n
    assert kinds["reaction"] >= len(likes)
    assert kinds["follow"] == sum("accountId" in f for f in followers) + len(following)
    follow = ws.sql("SELECT actor, target FROM events WHERE kind = 'follow'")
    pairs = set(zip(follow.actor, follow.target, strict=True))
    for f in followers:
        if "accountId" in f:
            assert (f["accountId"], owner) in pairs
    for f in following:
        assert (owner, f["following"]["accountId"]) in pairs
    owned = ws.sql("SELECT account_id FROM accounts WHERE owned")
    assert list(owned.account_id) == [owner]


def test_archive_bad_entries_are_quarantined_with_file_and_line(ws):
    ws.import_file(ARCHIVE)
    q = ws.quarantine().sort_values("reason")
    lines = (ARCHIVE / "data" / "follower.js").read_text().splitlines()
    assert list(q.field) == ["accountId", "id_str"]
    assert q.reason.iloc[0].startswith("follower.js:")
    # The follower without accountId is the third entry: its "{" opens on this line.
    starts = [i + 1 for i, line in enumerate(lines) if line == "  {"]
    assert q.line.iloc[0] == starts[2]


def test_dm_messages_and_their_reactions(ws):
    ws.import_file(ARCHIVE)
    conv = js_entries(ARCHIVE / "data" / "direct-messages.js")[0]["dmConversation"]
    got = events(ws)
    for m in conv["messages"]:
        mc = m["messageCreate"]
        e = got[f"twitter:dm/{mc['id']}"]
        assert (e["kind"], e["actor"], e["target"]) == (
            "message",
            mc["senderId"],
            mc["recipientId"],
        )
        for r in mc["reactions"]:
            re_ = got[f"twitter:dm/{mc['id']}/r/{r['eventId']}"]
            assert (re_["actor"], re_["target"]) == (r["senderId"], mc["senderId"])


def test_dm_reactions_of_another_type_are_passed_over(ws, tmp_path):
    # Found by the fuzz test: "reactions" as a number made the reader raise.
    prefix, body = (ARCHIVE / "data" / "direct-messages.js").read_text().split("=", 1)
    convs = json.loads(body)
    for c in convs:
        for m in c["dmConversation"]["messages"]:
            m["messageCreate"]["reactions"] = 1
    p = tmp_path / "direct-messages.js"
    p.write_text(f"{prefix}= {json.dumps(convs)}")
    res = ws.import_file(p)
    messages = sum(len(c["dmConversation"]["messages"]) for c in convs)
    assert (res.accepted, res.quarantined) == (messages, 0)
    assert set(ws.sql("SELECT kind FROM events").kind) == {"message"}


def test_a_single_archive_file_knows_its_owner_from_account_js(ws):
    ws.import_file(ARCHIVE / "data" / "tweets.js")
    owner = js_entries(ARCHIVE / "data" / "account.js")[0]["account"]["accountId"]
    actors = set(ws.sql("SELECT DISTINCT actor FROM events").actor)
    assert actors == {owner}


def test_a_cut_archive_file_is_a_source_error(ws, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    text = (ARCHIVE / "data" / "tweets.js").read_text()
    (data / "tweets.js").write_text(text[: len(text) // 2])
    with pytest.raises(SourceError):
        ws.import_file(data / "tweets.js")
    assert ws.sql("SELECT count(*) n FROM events").n[0] == 0


# ----------------------------------------------------------------------------- zipped archive


def archive_zip(
    path: Path, *, top: str = "", method: int = zipfile.ZIP_DEFLATED, edit=None
) -> Path:
    """The fixture archive zipped as X sends it: data/*.js beside the archive's HTML viewer and
    its assets (``top`` puts it all in a folder, as when a user zips the unzipped folder)."""
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        zf.writestr(f"{top}Your archive.html", "<!DOCTYPE html><title>Your archive</title>")
        zf.writestr(f"{top}assets/js/ondemand.s.js", "window.__THAR_CONFIG = {};")
        zf.writestr(f"{top}data/tweets_media/", "")
        for js in sorted((ARCHIVE / "data").glob("*.js")):
            text = js.read_text(encoding="utf-8")
            if edit is not None:
                text = edit(js.name, text)
            zf.writestr(f"{top}data/{js.name}", text)
    return path


def without_file(df):
    return df.drop(columns=["source_file", "import_id"]).sort_values("event_id")


@pytest.mark.parametrize("top", ["", "twitter-2022-11-14-1a2b3c/"])
def test_a_zipped_archive_gives_the_rows_of_its_folder(ws, tmp_path, top):
    zipped = archive_zip(tmp_path / "twitter-2022-11-14-1a2b3c.zip", top=top)
    res = ws.import_file(zipped)
    assert res.format == "twitter-archive"
    with Workspace(tmp_path / "folder.duckdb") as ref:
        folder = ref.import_file(ARCHIVE)
        expected = without_file(ref.sql("SELECT * FROM events"))
        accounts = ref.sql("SELECT account_id, handle, owned FROM accounts ORDER BY 1")
    assert (res.read, res.accepted, res.quarantined) == (
        folder.read,
        folder.accepted,
        folder.quarantined,
    )
    got = without_file(ws.sql("SELECT * FROM events"))
    assert got.reset_index(drop=True).equals(expected.reset_index(drop=True))
    assert ws.sql("SELECT account_id, handle, owned FROM accounts ORDER BY 1").equals(accounts)
    # Quarantined entries name their member inside the zip.
    reasons = sorted(ws.quarantine().reason)
    assert reasons[0].startswith(f"{top}data/follower.js:")
    assert reasons[1].startswith(f"{top}data/tweets.js:")


def test_a_zip_is_recognised_by_its_content_not_its_name(tmp_path):
    zipped = archive_zip(tmp_path / "download")
    assert detect_reader(zipped).name == "twitter-archive"
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("data/notes.js", "var notes = [];")
    with pytest.raises(SourceError, match="a zip that liens does not read"):
        detect_reader(other)


def test_a_zip_without_an_archive_is_a_source_error(ws, tmp_path):
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("data/notes.js", "var notes = [];")
    with pytest.raises(SourceError, match="holds no X/Twitter archive"):
        ws.import_file(other, format="twitter-archive")


def test_a_cut_zip_is_a_source_error(ws, tmp_path):
    data = archive_zip(tmp_path / "a.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="not a readable zip"):
        ws.import_file(cut, format="twitter-archive")
    assert ws.sql("SELECT count(*) n FROM events").n[0] == 0


def test_a_member_cut_inside_the_zip_is_named_with_its_line(ws, tmp_path):
    def cut(name: str, text: str) -> str:
        return text[: len(text) // 2] if name == "tweets.js" else text

    zipped = archive_zip(tmp_path / "a.zip", edit=cut)
    with pytest.raises(SourceError) as err:
        ws.import_file(zipped)
    assert err.value.path == f"{zipped}/data/tweets.js"
    assert err.value.line is not None
    assert ws.sql("SELECT count(*) n FROM events").n[0] == 0


@pytest.mark.parametrize("pad", [0, 20_000])
def test_a_damaged_member_is_named_and_nothing_is_written(ws, tmp_path, pad):
    # Padded, the member is longer than the head read to recognise it: the bad CRC is then
    # found while its entries are read, after rows were yielded.
    def grow(name: str, text: str) -> str:
        return text.rstrip().rstrip("]") + " " * pad + "]" if name == "tweets.js" else text

    zipped = archive_zip(tmp_path / "a.zip", method=zipfile.ZIP_STORED, edit=grow)
    raw = bytearray(zipped.read_bytes())
    # One letter changed inside the stored tweets.js: the JSON still parses, the CRC does not.
    at = raw.index(b"Le menu d'hiver")
    raw[at] = ord("X")
    zipped.write_bytes(bytes(raw))
    with pytest.raises(SourceError, match="damaged or cut") as err:
        ws.import_file(zipped)
    assert err.value.path == f"{zipped}/data/tweets.js"
    assert ws.sql("SELECT count(*) n FROM events").n[0] == 0


# ----------------------------------------------------------------------------- CSV

RT = re.compile(r"^RT @(\w{1,15})")


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, skipinitialspace=True))


def test_crisislex_rows_share_from_rt_and_take_the_snowflake_time(ws):
    rows = csv_rows(LABELED)
    res = ws.import_file(LABELED)
    assert res.format == "twitter-csv"
    assert res.quarantined == 0
    got = events(ws)
    for r in rows:
        e = got[f"twitter:{r['Tweet ID']}"]
        m = RT.match(r["Tweet Text"])
        if m:
            assert (e["kind"], e["target"]) == ("share", "@" + m.group(1).lower())
        else:
            assert e["kind"] in ("post", "quote")
        assert str(e["created_at"])[:19] == snowflake_time(r["Tweet ID"])
        assert e["actor"] is None  # the table names no author
        assert json.loads(e["extra"])["Informativeness"] == r["Informativeness"]


def test_crisislex_mentions_outside_retweets_become_mention_events(ws):
    rows = csv_rows(LABELED)
    ws.import_file(LABELED)
    expected = set()
    for r in rows:
        text = r["Tweet Text"]
        if RT.match(text):
            continue
        own = re.split(r"(?:^|\s)RT @", text)[0]
        for name in re.findall(r"(?<![\w@/.])@(\w{1,15})\b", own):
            expected.add((r["Tweet ID"], "@" + name.lower()))
    got = ws.sql("SELECT post_id, target FROM events WHERE kind = 'mention'")
    assert set(zip(got.post_id, got.target, strict=True)) == expected


def test_quoted_ids_and_a_time_column(ws):
    rows = csv_rows(ONTOPIC)
    ws.import_file(ONTOPIC)
    ids = {r["tweet id"].strip("'") for r in rows}
    posts = set(ws.sql("SELECT post_id FROM posts").post_id)
    assert posts == ids
    rows = csv_rows(TWEETIDS)
    ws.import_file(TWEETIDS)
    got = events(ws)
    for r in rows:
        e = got[f"twitter:{r['Tweet-ID']}"]
        # The file's own time column wins over the snowflake (they agree to the second).
        assert e["created_at"].strftime("%a %b %d %H:%M:%S +0000 %Y") == r["Timestamp"]


def test_a_broken_quote_costs_one_record(ws, tmp_path):
    lines = LABELED.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace('","', '",', 1)  # an unbalanced quote in row 5
    p = tmp_path / "broken.csv"
    p.write_text("".join(lines), encoding="utf-8")
    res = ws.import_file(p)
    assert res.read == res.accepted + res.duplicate + res.quarantined
    posts = ws.sql("SELECT count(*) n FROM posts").n[0]
    assert posts >= len(lines) - 1 - 3


# ----------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (V2, "twitter"),
        (V1, "twitter"),
        (ARCHIVE, "twitter-archive"),
        (ARCHIVE / "data" / "like.js", "twitter-archive"),
        (LABELED, "twitter-csv"),
        (ONTOPIC, "twitter-csv"),
        (TWEETIDS, "twitter-csv"),
    ],
)
def test_each_file_is_recognised_by_its_content(path, fmt):
    assert detect_reader(path).name == fmt


def test_generic_tables_are_not_claimed():
    root = Path(__file__).parent / "fixtures"
    assert detect_reader(root / "canonical" / "stackexchange_comments.csv").name == "csv"
    assert detect_reader(root / "higgs_slice" / "higgs-activity-2000.txt.gz").name == "csv"


# ----------------------------------------------------------------------------- fuzz


def mutate_lines(data: st.DataObject, lines: list[str], json_lines: bool) -> list[str]:
    lines = list(lines)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["mutate", "truncate", "garbage", "drop"]))
        if op == "mutate" and json_lines:
            with contextlib.suppress(ValueError):
                lines[i] = json.dumps(mutate(data, json.loads(lines[i])))
        elif op == "truncate":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        elif op == "garbage":
            lines.insert(i, data.draw(st.text(max_size=40)).replace("\n", " "))
        elif op == "drop" and len(lines) > 2:
            del lines[i]
    return lines


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize(("path", "fmt"), [(V2, "twitter"), (V1, "twitter")])
@FUZZ
@given(data=st.data())
def test_fuzz_api_json_lines(fuzz_ws, tmp_path_factory, path, fmt, data):
    lines = mutate_lines(data, path.read_text().splitlines(), json_lines=True)
    p = case_dir(tmp_path_factory) / path.name
    p.write_text("\n".join(lines) + "\n")
    check_file(fuzz_ws, p, fmt)


@FUZZ
@given(data=st.data())
def test_fuzz_tweet_csv(fuzz_ws, tmp_path_factory, data):
    lines = mutate_lines(data, LABELED.read_text().splitlines()[:40], json_lines=False)
    p = case_dir(tmp_path_factory) / "tweets.csv"
    p.write_text("\n".join(lines) + "\n")
    check_file(fuzz_ws, p, "twitter-csv")


@FUZZ
@given(data=st.data(), name=st.sampled_from(["tweets.js", "direct-messages.js", "follower.js"]))
def test_fuzz_archive_files(fuzz_ws, tmp_path_factory, data, name):
    text = (ARCHIVE / "data" / name).read_text()
    prefix, body = text.split("=", 1)
    value = json.loads(body)
    for _ in range(data.draw(st.integers(1, 3))):
        value = mutate(data, value)
    out = f"{prefix}= {json.dumps(value, indent=2)}"
    if data.draw(st.booleans()):
        out = out[: data.draw(st.integers(0, len(out)))]
    folder = case_dir(tmp_path_factory)
    p = folder / name
    p.write_text(out)
    check_file(fuzz_ws, p, "twitter-archive")


@FUZZ
@given(
    data=st.data(),
    name=st.sampled_from(["tweets.js", "like.js", "follower.js", "direct-messages.js"]),
    method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
)
def test_fuzz_zipped_archive(fuzz_ws, tmp_path_factory, data, name, method):
    def edit(member: str, text: str) -> str:
        if member != name:
            return text
        prefix, body = text.split("=", 1)
        return f"{prefix}= {json.dumps(mutate(data, json.loads(body)), indent=2)}"

    p = archive_zip(case_dir(tmp_path_factory) / "archive.zip", method=method, edit=edit)
    raw = bytearray(p.read_bytes())
    for _ in range(data.draw(st.integers(0, 3))):
        op = data.draw(st.sampled_from(["flip", "cut"]))
        if op == "flip":
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        else:
            del raw[data.draw(st.integers(1, len(raw))) :]
    p.write_bytes(bytes(raw))
    check_file(fuzz_ws, p, "twitter-archive")
