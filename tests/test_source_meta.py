"""The Facebook/Instagram export reader, on exports written from Meta's documented layout.

Expected values are computed here with ``json`` from the fixtures (see
``tests/fixtures/meta/SOURCE.md``); the mojibake repair is checked against text written here.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from fuzzing import FUZZ_EXAMPLES, assert_nothing_lost, case_dir, check_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liens.api import Workspace
from liens.errors import SourceError
from liens.sources.meta import fix_mojibake

FIX = Path(__file__).parent / "fixtures" / "meta"
FB, IG = FIX / "facebook", FIX / "instagram"


def load(path: Path):
    return json.loads(path.read_text())


def repaired(s: str) -> str:
    return s.encode("latin-1").decode("utf-8")


def kinds(ws, platform: str) -> dict[str, int]:
    sql = f"SELECT kind, count(*) FROM events WHERE platform = '{platform}' GROUP BY 1"
    return dict(ws.sql(sql).values.tolist())


def test_mojibake_is_repaired_and_genuine_text_is_kept():
    assert fix_mojibake("r\u00c3\u00a9seaux \u00f0\u009f\u0098\u008a") == "réseaux 😊"
    assert fix_mojibake("déjà") == "déjà"  # real Latin-1 text does not decode: kept
    assert fix_mojibake({"k\u00c3\u00a9": ["\u00c3\u00a0"]}) == {"ké": ["à"]}


def test_facebook_folder_posts_comments_reactions_and_friends(ws):
    res = ws.import_file(FB)
    assert res.format == "meta" and res.quarantined == 0
    posts = load(FB / "posts" / "your_posts_1.json")
    comments = load(FB / "comments_and_reactions" / "comments.json")["comments_v2"]
    reactions = load(FB / "comments_and_reactions" / "posts_and_comments.json")["reactions_v2"]
    friends = load(FB / "friends_and_followers" / "friends.json")["friends_v2"]
    following = load(FB / "friends_and_followers" / "following.json")["following_v3"]
    assert kinds(ws, "facebook") == {
        "post": len(posts),
        "comment": len(comments),
        "reaction": len(reactions),
        "follow": 2 * len(friends) + len(following),  # friendship is mutual
    }
    owner = repaired(
        load(FB / "profile_information" / "profile_information.json")["profile_v2"]["name"][
            "full_name"
        ]
    )
    assert ws.sql("SELECT account_id FROM accounts WHERE owned").account_id.tolist() == [owner]
    text = ws.sql("SELECT text FROM events WHERE kind = 'post' ORDER BY created_at").text[0]
    assert text == repaired(posts[0]["data"][0]["post"])
    assert "é" in text and "Ã" not in text


def test_facebook_targets_come_from_the_titles(ws):
    ws.import_file(FB)
    got = ws.sql("SELECT target FROM events WHERE kind = 'comment' ORDER BY created_at").target
    assert list(got) == ["Sophie Trinquand", "Georges Blum"]
    types = ws.sql(
        "SELECT json_extract_string(extra, '$.type') t FROM events WHERE kind = 'reaction'"
    )
    reactions = load(FB / "comments_and_reactions" / "posts_and_comments.json")["reactions_v2"]
    assert sorted(types.t) == sorted(r["data"][0]["reaction"]["reaction"] for r in reactions)


def test_instagram_folder(ws):
    res = ws.import_file(IG)
    assert res.format == "meta" and res.quarantined == 0
    followers = load(IG / "followers_and_following" / "followers_1.json")
    following = load(IG / "followers_and_following" / "following.json")["relationships_following"]
    likes = load(IG / "likes" / "liked_posts.json")["likes_media_likes"]
    assert kinds(ws, "instagram") == {
        "post": len(load(IG / "content" / "posts_1.json")),
        "comment": len(load(IG / "comments" / "post_comments_1.json")),
        "reaction": len(likes),
        "follow": len(followers) + len(following),
    }
    inbound = ws.sql("SELECT actor FROM events WHERE kind = 'follow' AND target = 'eric.delcroix'")
    assert sorted(inbound.actor) == sorted(f["string_list_data"][0]["value"] for f in followers)


def test_one_file_alone_and_reimport_adds_nothing(ws):
    first = ws.import_file(FB / "comments_and_reactions" / "comments.json")
    again = ws.import_file(FB / "comments_and_reactions" / "comments.json")
    assert first.format == "meta" and again.accepted == 0 and again.duplicate == first.read


def meta_zip(path: Path, folder: Path, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """An export folder zipped as Meta sends it (``facebook-<name>-<date>.zip``), with a media
    file and a settings file that hold no interactions."""
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for f in sorted(folder.rglob("*.json")):
            zf.writestr(str(f.relative_to(folder)), f.read_bytes())
        zf.writestr("media/photos/1.jpg", b"\xff\xd8\xff\xe0")
        zf.writestr("preferences/settings.json", '{"settings_v2": []}')
    return path


@pytest.mark.parametrize("folder", [FB, IG], ids=["facebook", "instagram"])
def test_the_zipped_export_gives_the_rows_of_its_folder(ws, tmp_path, folder):
    zipped = meta_zip(tmp_path / f"{folder.name}-export-2024-03-07.zip", folder)
    res = ws.import_file(zipped)
    assert res.format == "meta"
    with Workspace(tmp_path / "folder.duckdb") as ref:
        expected_res = ref.import_file(folder)
        expected = ref.sql("SELECT * EXCLUDE (source_file, import_id) FROM events ORDER BY 1")
        owned = ref.sql("SELECT account_id FROM accounts WHERE owned").account_id.tolist()
    assert (res.read, res.accepted) == (expected_res.read, expected_res.accepted)
    assert ws.sql("SELECT * EXCLUDE (source_file, import_id) FROM events ORDER BY 1").equals(
        expected
    )
    assert ws.sql("SELECT account_id FROM accounts WHERE owned").account_id.tolist() == owned


def test_a_damaged_member_of_the_zipped_export_is_named(ws, tmp_path):
    zipped = meta_zip(tmp_path / "export.zip", FB, method=zipfile.ZIP_STORED)
    raw = bytearray(zipped.read_bytes())
    at = raw.index(b'"comments_v2"') + 2  # inside comments.json, stored as it is
    raw[at] = ord("X")
    zipped.write_bytes(bytes(raw))
    with pytest.raises(SourceError, match="damaged or cut") as err:
        ws.import_file(zipped)
    assert err.value.path == f"{zipped}/comments_and_reactions/comments.json"
    assert ws.sql("SELECT count(*) n FROM events").n[0] == 0


def test_an_entry_without_timestamp_is_rejected(ws, tmp_path):
    doc = load(FB / "friends_and_followers" / "following.json")
    doc["following_v3"].append({"name": "Sans date"})
    path = tmp_path / "following.json"
    path.write_text(json.dumps(doc))
    res = ws.import_file(path)
    assert res.quarantined == 1
    assert ws.sql("SELECT field FROM quarantine").field[0] == "timestamp"


def test_json_that_is_not_an_export_is_a_source_error(ws, tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"hello": "world"}')
    with pytest.raises(SourceError):
        ws.import_file(path, format="meta")


# ----------------------------------------------------------------------------- fuzz

FILES = sorted(p for p in FIX.rglob("*.json") if "information" not in p.name)
_JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.just([]))


def _mutate(draw, obj, depth=0):
    if isinstance(obj, dict):
        for key in list(obj):
            roll = draw(st.integers(0, 5))
            if roll == 0:
                del obj[key]
            elif roll == 1:
                obj[key] = draw(_JUNK)
            elif depth < 6:
                _mutate(draw, obj[key], depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            _mutate(draw, v, depth + 1)


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    path = draw(st.sampled_from(FILES))
    doc = load(path)
    _mutate(draw, doc)
    text = json.dumps(doc)
    if draw(st.integers(0, 4)) == 0:
        text = text[: draw(st.integers(1, len(text)))]
    return path.name, text.encode()


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=mutated())
def test_fuzz_nothing_is_lost_and_only_source_errors_escape(fuzz_ws, tmp_path_factory, case):
    folder = case_dir(tmp_path_factory)
    assert_nothing_lost(fuzz_ws, folder, case[0], case[1], "meta")


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=mutated(), data=st.data())
def test_fuzz_zipped_export(fuzz_ws, tmp_path_factory, case, data):
    name, body = case
    p = case_dir(tmp_path_factory) / "export.zip"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(FB.rglob("*.json")):
            zf.writestr(str(f.relative_to(FB)), body if f.name == name else f.read_bytes())
    raw = bytearray(p.read_bytes())
    for _ in range(data.draw(st.integers(0, 2))):
        if data.draw(st.booleans()):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        else:
            del raw[data.draw(st.integers(1, len(raw))) :]
    p.write_bytes(bytes(raw))
    check_file(fuzz_ws, p, "meta")
