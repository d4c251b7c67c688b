"""``liens collect bluesky`` against a real HTTP server on loopback serving recorded responses.

The responses (tests/fixtures/collect/bluesky, see SOURCE.md) follow the ``app.bsky.feed``
lexicons (getAuthorFeed, searchPosts, getPostThread) with their ``cursor`` paging; the server
injects 429s with ``Retry-After``, 503s, truncated bodies and dropped connections
(tests/recorded_server.py).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from recorded_server import FIXTURES, RecordedServer

from liens.api import Workspace
from liens.sources.collectors import Backoff, CollectError
from liens.sources.collectors.bluesky import BlueskyCollector
from liens.store.collect import collect, cursor_state

BLUESKY = FIXTURES / "bluesky"
ERIC = "ericdelcroix.bsky.social"
FEED = ["feed_page1.json", "feed_page2.json", "feed_page3.json"]
EVENT_COLS = "event_id, kind, actor, target, created_at, text, post_id, parent_post_id, " \
             "root_post_id, lang, context, url, hashtags, mentions, extra"  # fmt: skip
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
THREAD = "at://did:plc:sophie000000000000000000/app.bsky.feed.post/3kcoll02"


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("LIENS_BLUESKY_HANDLE", "LIENS_BLUESKY_PASSWORD"):
        monkeypatch.delenv(k, raising=False)
    for k, v in NO_KEYRING.items():
        monkeypatch.setenv(k, v)


def backoff(retries: int = 6) -> Backoff:
    return Backoff(retries=retries, sleep=lambda s: None)


def events(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(f"SELECT {EVENT_COLS} FROM events ORDER BY event_id").fetchall()


def test_author_feed_pages_through_429_503_truncation_and_a_dropped_connection(tmp_path: Path):
    waits: list[float] = []
    with RecordedServer("bluesky") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        srv.fail("feed_page1.json", 429)
        srv.fail("feed_page2.json", 503, "truncate")
        srv.fail("feed_page3.json", "drop")
        c = BlueskyCollector(actor=f"@{ERIC}", service=srv.base,
                             backoff=Backoff(sleep=waits.append))  # fmt: skip
        result = collect(ws.con, c)
        assert waits == [2.0, 1.0, 2.0, 1.0]  # Retry-After: 2, then 1 s, 2 s, 1 s of backoff
        assert (result.pages, result.records, result.done) == (3, 4, True)
        for page in FEED:
            assert srv.served(page) == 1
        # The cursor of each response was sent with the next request.
        cursors = [e["query"].get("cursor") for e in srv.log if e["served"]]
        assert cursors == [None, "2024-04-20T09:45:00.000Z", "2024-04-20T09:00:00.000Z"]
        got = events(ws.con)
        assert cursor_state(ws.con, "bluesky", c.query)[:3] == (None, True, 3)
    with Workspace(tmp_path / "imported.duckdb") as ws2:
        for page in FEED:
            ws2.import_file(BLUESKY / page)
        assert events(ws2.con) == got
    assert {k for _, k, *_ in got} == {"post", "reply", "share"}


def test_search_and_thread(tmp_path: Path):
    with RecordedServer("bluesky") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        found = collect(ws.con, BlueskyCollector(search="eReputation", service=srv.base,
                                                 backoff=backoff()))  # fmt: skip
        # Page 2 is empty: the search is complete after one written page.
        assert (found.pages, found.records, found.done) == (1, 2, True)
        tags = ws.con.execute("SELECT DISTINCT unnest(hashtags) FROM events").fetchall()
        assert tags == [("eReputation",)]
        web = "https://bsky.app/profile/did:plc:sophie000000000000000000/post/3kcoll02"
        thread = collect(ws.con, BlueskyCollector(thread=web, service=srv.base,
                                                  backoff=backoff()))  # fmt: skip
        assert (thread.pages, thread.records) == (1, 3)
        assert srv.log[-1]["query"] == {"uri": THREAD}
        eric_reply = ws.con.execute(
            "SELECT kind, target, parent_post_id, root_post_id FROM events "
            "WHERE event_id = 'bluesky:at://did:plc:ericdelcroix000000000000/app.bsky.feed.post/"
            "3kcoll03'"
        ).fetchone()
        assert eric_reply == (
            "reply",
            "did:plc:sophie000000000000000000",
            THREAD,
            "at://did:plc:ericdelcroix000000000000/app.bsky.feed.post/3kcoll01",
        )


def test_an_interrupted_feed_resumes_from_its_cursor_without_duplicates(tmp_path: Path):
    ws_path = tmp_path / "w.duckdb"
    with RecordedServer("bluesky") as srv:
        srv.fail("feed_page2.json", 503, 503, 503)
        with Workspace(ws_path) as ws:
            c = BlueskyCollector(actor=ERIC, service=srv.base, backoff=backoff(retries=2))
            with pytest.raises(CollectError, match="server error 503"):
                collect(ws.con, c)
            assert cursor_state(ws.con, "bluesky", c.query)[:3] == (
                "2024-04-20T09:45:00.000Z", False, 1)  # fmt: skip
        with Workspace(ws_path) as ws:
            c = BlueskyCollector(actor=ERIC, service=srv.base, backoff=backoff())
            result = collect(ws.con, c)
            assert result.resumed_from == "2024-04-20T09:45:00.000Z"
            assert (result.pages, result.done) == (2, True)
            assert srv.served("feed_page1.json") == 1
            total, distinct = ws.con.execute(
                "SELECT count(*), count(DISTINCT event_id) FROM events"
            ).fetchone()
    with RecordedServer("bluesky") as srv, Workspace(tmp_path / "whole.duckdb") as ws:
        collect(ws.con, BlueskyCollector(actor=ERIC, service=srv.base, backoff=backoff()))
        assert ws.con.execute("SELECT count(*) FROM events").fetchone()[0] == total == distinct


def _jwt(did: str) -> str:
    """An access token shaped as the PDS gives it (the SDK reads its expiry; not verified)."""

    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    now = int(time.time())
    claims = {"scope": "com.atproto.appPass", "sub": did, "iat": now, "exp": now + 7200,
              "aud": "did:web:bsky.social"}  # fmt: skip
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


def test_app_password_logs_in_and_is_never_printed_nor_stored(tmp_path: Path):
    password = "abcd-efgh-ijkl-mnop"
    did = "did:plc:ericdelcroix000000000000"
    access = _jwt(did)
    ws = tmp_path / "w.duckdb"
    with RecordedServer("bluesky") as srv:
        srv.add("/xrpc/com.atproto.server.createSession", {}, {
            "accessJwt": access, "refreshJwt": _jwt(did), "handle": ERIC, "did": did,
            "email": "eric@example.org", "emailConfirmed": True, "active": True,
        })  # fmt: skip
        env = {**os.environ, **NO_KEYRING, "LIENS_BLUESKY_HANDLE": ERIC,
               "LIENS_BLUESKY_PASSWORD": password}  # fmt: skip
        run = subprocess.run(
            [sys.executable, "-m", "liens.cli", "collect", "bluesky", "--actor", ERIC,
             "--service", srv.base, "-w", str(ws), "--json"],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        login = srv.log[0]
        assert login["path"] == "/xrpc/com.atproto.server.createSession"
        assert json.loads(login["posted"]) == {"identifier": ERIC, "password": password}
        feed = [e for e in srv.log if e["path"].endswith("getAuthorFeed")]
        assert feed and all(e["headers"].get("Authorization") == f"Bearer {access}" for e in feed)
        # The password went to createSession only.
        assert all(password.encode() not in e["posted"] for e in srv.log[1:])
    assert json.loads(run.stdout)["records"] == 4
    assert password not in run.stdout + run.stderr
    assert access not in run.stdout + run.stderr
    stored = ws.read_bytes()
    assert password.encode() not in stored and access.encode() not in stored


def test_without_credentials_the_public_appview_is_read_and_the_command_says_so(tmp_path: Path):
    with RecordedServer("bluesky") as srv:
        run = subprocess.run(
            [sys.executable, "-m", "liens.cli", "collect", "bluesky", "--search", "eReputation",
             "--service", srv.base, "-w", str(tmp_path / "w.duckdb")],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
            env={**os.environ, **NO_KEYRING},
        )  # fmt: skip
        assert all("Authorization" not in e["headers"] for e in srv.log)
    assert run.returncode == 0, run.stderr
    assert "no OS keyring available" in run.stderr
    assert "reading the public" in " ".join(run.stderr.split())
    assert "complete" in run.stdout


def test_a_thread_that_is_not_a_uri_is_one_line_exit_1(tmp_path: Path):
    run = subprocess.run(
        [sys.executable, "-m", "liens.cli", "collect", "bluesky", "--thread", "3kcoll02",
         "-w", str(tmp_path / "w.duckdb")],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, **NO_KEYRING},
    )  # fmt: skip
    assert run.returncode == 1
    assert "a thread is an at:// URI or a bsky.app post link" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_page_whose_posts_are_all_rejected_is_skipped_with_a_note(tmp_path: Path):
    gone = "at://did:plc:sophie000000000000000000/app.bsky.feed.post/3kgone"
    with RecordedServer("bluesky") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        not_found = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": gone, "notFound": True}
        srv.add("/xrpc/app.bsky.feed.getPostThread", {"uri": gone}, {"thread": not_found})
        c = BlueskyCollector(thread=gone, service=srv.base, backoff=backoff())
        result = collect(ws.con, c)
        assert result.pages == 1 and result.accepted == 0
        assert any("page skipped, no record could be imported" in n for n in result.notes)
        assert cursor_state(ws.con, "bluesky", c.query)[:2] == (None, True)
        assert ws.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
