"""``liens collect mastodon`` against a real HTTP server on loopback serving recorded responses.

The responses (tests/fixtures/collect/mastodon, see SOURCE.md) follow the Mastodon API's Status
and Account entities and its ``Link`` paging; the server injects 429s with ``Retry-After``, 503s,
truncated bodies, dropped connections and hangs (tests/recorded_server.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from recorded_server import FIXTURES, RecordedServer

from liens.api import Workspace
from liens.sources.collectors import Backoff, CollectError
from liens.sources.collectors.mastodon import MastodonCollector
from liens.store.collect import collect, cursor_state

MASTODON = FIXTURES / "mastodon"
PAGES = ["tag_page1.json", "tag_page2.json", "tag_page3.json"]
S1, S2 = "113000000000000001", "113000000000000002"
EVENT_COLS = "event_id, kind, actor, target, created_at, text, post_id, parent_post_id, " \
             "root_post_id, lang, context, url, hashtags, mentions, extra"  # fmt: skip
# A token-free environment with no OS keyring: the collectors must say so and read public data.
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIENS_MASTODON_TOKEN", raising=False)
    for k, v in NO_KEYRING.items():
        monkeypatch.setenv(k, v)


def backoff(retries: int = 6) -> Backoff:
    return Backoff(retries=retries, sleep=lambda s: None)


def events(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(f"SELECT {EVENT_COLS} FROM events ORDER BY event_id").fetchall()


def test_hashtag_pages_through_429_503_truncation_and_a_dropped_connection(tmp_path: Path):
    waits: list[float] = []
    with RecordedServer("mastodon") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        srv.fail("tag_page1.json", 429)
        srv.fail("tag_page2.json", 503, "truncate")
        srv.fail("tag_page3.json", "drop")
        c = MastodonCollector(srv.base, hashtag="#fediverse",
                              backoff=Backoff(sleep=waits.append))  # fmt: skip
        result = collect(ws.con, c)
        # Retry-After: 2 honoured; then backoff 1 s, 2 s (second failure of page 2), 1 s.
        assert waits == [2.0, 1.0, 2.0, 1.0]
        assert (result.pages, result.records, result.done) == (3, 7, True)
        for page in PAGES:  # each page served in full once: nothing fetched twice
            assert srv.served(page) == 1
        assert srv.served("tag_page4.json") == 1  # the empty page that ends the timeline
        got = events(ws.con)
        n_events = ws.con.execute(
            "SELECT count(*), count(DISTINCT event_id) FROM events"
        ).fetchone()
        assert n_events[0] == n_events[1] == len(got)
        state = cursor_state(ws.con, "mastodon", c.query)
        assert state[1] is True and state[0] is None and state[2] == 3
    # The same pages imported as files give the same events.
    with Workspace(tmp_path / "imported.duckdb") as ws2:
        for page in PAGES:
            ws2.import_file(MASTODON / page)
        assert events(ws2.con) == got
    kinds = {k for _, k, *_ in got}
    assert kinds == {"post", "reply", "mention", "share"}


def test_collected_replies_and_boosts_keep_their_links(tmp_path: Path):
    with RecordedServer("mastodon") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        collect(ws.con, MastodonCollector(srv.base, hashtag="fediverse", backoff=backoff()))
        share = ws.con.execute(
            "SELECT actor, target, parent_post_id FROM events WHERE kind = 'share'"
        ).fetchone()
        assert share == (
            "sophie@mastodon.social",
            "georges@piaille.fr",
            "https://piaille.fr/users/georges/statuses/113000000000000003",
        )
        # Anne's reply and its parent (Sophie's) are on the same page: the parent is linked.
        anne = "event_id = 'mastodon:https://framapiaf.org/users/anne/statuses/113000000000000004'"
        reply = ws.con.execute(f"SELECT target, parent_post_id FROM events WHERE {anne}").fetchone()
        assert reply == ("sophie@mastodon.social",
                         f"https://mastodon.social/users/sophie/statuses/{S2}")  # fmt: skip
        # Sophie's reply is on page 2, its parent on page 3: as when the pages are imported one
        # file at a time, the parent's uri is unknown and its id stays in extra.
        sophie = f"event_id LIKE '%sophie/statuses/{S2}'"
        target, parent, extra = ws.con.execute(
            f"SELECT target, parent_post_id, extra FROM events WHERE {sophie}"
        ).fetchone()
        assert (target, parent, json.loads(extra)["in_reply_to_id"]) == (
            "eric@piaille.fr",
            None,
            S1,
        )


def test_an_interrupted_collection_resumes_from_its_cursor_without_duplicates(tmp_path: Path):
    ws_path = tmp_path / "w.duckdb"
    with RecordedServer("mastodon") as srv:
        srv.fail("tag_page3.json", 503, 503, 503)  # more failures than the two retries allowed
        with Workspace(ws_path) as ws:
            c = MastodonCollector(srv.base, hashtag="fediverse", backoff=backoff(retries=2))
            with pytest.raises(CollectError, match=r"server error 503.*run the same command.*"
                               r"\(2 pages, 6 records written before\)"):  # fmt: skip
                collect(ws.con, c)
            # Pages 1 and 2 are written, with the cursor of page 3.
            assert cursor_state(ws.con, "mastodon", c.query)[:3] == (S2, False, 2)
            before = ws.con.execute("SELECT count(*) FROM events").fetchone()[0]
            assert before > 0
        with Workspace(ws_path) as ws:
            c = MastodonCollector(srv.base, hashtag="fediverse", backoff=backoff())
            result = collect(ws.con, c)
            assert result.resumed_from == S2
            assert result.done and result.pages == 1
            assert srv.served("tag_page1.json") == srv.served("tag_page2.json") == 1
            total, distinct = ws.con.execute(
                "SELECT count(*), count(DISTINCT event_id) FROM events"
            ).fetchone()
            assert total == distinct == before + 1  # Éric's first status, once
    with RecordedServer("mastodon") as srv, Workspace(tmp_path / "whole.duckdb") as ws:
        collect(ws.con, MastodonCollector(srv.base, hashtag="fediverse", backoff=backoff()))
        assert ws.con.execute("SELECT count(*) FROM events").fetchone()[0] == total


def test_limit_stops_after_a_page_and_the_next_run_continues(tmp_path: Path):
    with RecordedServer("mastodon") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        c = MastodonCollector(srv.base, hashtag="fediverse", backoff=backoff())
        first = collect(ws.con, c, limit=2)
        assert (first.pages, first.records, first.done) == (1, 3, False)
        second = collect(ws.con, c)
        assert second.resumed_from == "113000000000000005" and second.done
        assert second.records == 4
        # A finished collection run again reads the newest page, finds nothing new and stops.
        third = collect(ws.con, c)
        assert (third.pages, third.accepted, third.done) == (1, 0, True)
        assert srv.served("tag_page1.json") == 2 and srv.served("tag_page2.json") == 1


def test_account_statuses_and_a_thread(tmp_path: Path):
    with RecordedServer("mastodon") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        acct = collect(ws.con, MastodonCollector(srv.base, account="eric", backoff=backoff()))
        assert (acct.pages, acct.records, acct.done) == (2, 2, True)
        actors = ws.con.execute("SELECT DISTINCT actor FROM events").fetchall()
        assert actors == [("eric@piaille.fr",)]
        url = f"{srv.base}/@anne/113000000000000004"
        thread = collect(ws.con, MastodonCollector(srv.base, thread=url, backoff=backoff()))
        assert (thread.pages, thread.records, thread.done) == (1, 4, True)
        # Anne's reply: parent Sophie's status, root Éric's first status (from the context).
        row = ws.con.execute(
            "SELECT kind, target, parent_post_id, root_post_id FROM events "
            "WHERE event_id = 'mastodon:https://framapiaf.org/users/anne/statuses/"
            "113000000000000004'"
        ).fetchone()
        assert row == (
            "reply",
            "sophie@mastodon.social",
            f"https://mastodon.social/users/sophie/statuses/{S2}",
            f"https://piaille.fr/users/eric/statuses/{S1}",
        )


def test_collect_cursors_table_is_added_to_a_schema_1_workspace(tmp_path: Path):
    from liens.store.schema import create_statements

    p = tmp_path / "old.duckdb"
    con = duckdb.connect(str(p))
    for stmt in create_statements():
        if "collect_cursors" not in stmt:
            con.execute(stmt.replace("'2')", "'1')"))
    assert con.execute("SELECT value FROM meta").fetchone()[0] == "1"
    con.close()
    with Workspace(p) as ws:
        assert ws.con.execute("SELECT value FROM meta").fetchone()[0] == "2"
        assert "collect_cursors" in ws.tables()
        assert ws.con.execute("SELECT count(*) FROM collect_cursors").fetchone()[0] == 0


# --------------------------------------------------------------------------- the command


def liens(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "liens.cli", *args],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, **NO_KEYRING, **(env or {})},
    )  # fmt: skip


def test_the_token_is_sent_but_never_printed_nor_stored(tmp_path: Path):
    token = "tok-3f9a1c77e2b04d5d8e6b"
    ws = tmp_path / "w.duckdb"
    with RecordedServer("mastodon") as srv:
        run = liens("collect", "mastodon", "--instance", srv.base, "--account", "eric",
                    "-w", str(ws), "--json", env={"LIENS_MASTODON_TOKEN": token})  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["records"] == 2
        assert {e["headers"].get("Authorization") for e in srv.log} == {f"Bearer {token}"}
        srv.fail("account_page1.json", 401)
        ws2 = str(tmp_path / "w2.duckdb")
        refused = liens("collect", "mastodon", "--instance", srv.base, "--account", "eric",
                        "-w", ws2, env={"LIENS_MASTODON_TOKEN": token})  # fmt: skip
    assert refused.returncode == 4
    message = " ".join(refused.stderr.split())  # the console wraps long lines
    assert message.startswith("error account page: 127.0.0.1 requires a valid access token (401)")
    assert "Traceback" not in refused.stderr
    for text in (run.stdout, run.stderr, refused.stdout, refused.stderr):
        assert token not in text
    assert token.encode() not in ws.read_bytes()
    wal = ws.with_suffix(".duckdb.wal")
    assert not wal.exists() or token.encode() not in wal.read_bytes()


def test_without_token_or_keyring_the_command_says_so_and_reads_public_data(tmp_path: Path):
    with RecordedServer("mastodon") as srv:
        run = liens("collect", "mastodon", "--instance", srv.base, "--hashtag", "fediverse",
                    "-w", str(tmp_path / "w.duckdb"))  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert "no OS keyring available" in run.stderr
        assert "reading public data only" in run.stderr
        assert "complete" in run.stdout
        assert all("Authorization" not in e["headers"] for e in srv.log)


def test_wrong_options_give_one_line_and_exit_1(tmp_path: Path):
    both = liens("collect", "mastodon", "--instance", "https://example.org", "--hashtag", "a",
                 "--account", "b", "-w", str(tmp_path / "w.duckdb"))  # fmt: skip
    assert both.returncode == 1
    assert "exactly one of --hashtag, --account, --thread" in both.stderr
    assert "Traceback" not in both.stderr
    bad = liens("collect", "mastodon", "--instance", "ftp://x", "--hashtag", "a",
                "-w", str(tmp_path / "w.duckdb"))  # fmt: skip
    assert bad.returncode == 1 and "--instance" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_kill_9_or_ctrl_c_between_pages_resumes_from_the_last_written_page(tmp_path: Path, sig):
    ws = tmp_path / "w.duckdb"
    with RecordedServer("mastodon") as srv:
        srv.fail("tag_page3.json", "hang")
        args = [sys.executable, "-m", "liens.cli", "collect", "mastodon", "--instance", srv.base,
                "--hashtag", "fediverse", "-w", str(ws), "--json"]  # fmt: skip
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**os.environ, **NO_KEYRING})  # fmt: skip
        asked = threading.Event()
        # Wait until the collector asks for page 3 (pages 1 and 2 written), then kill it.
        while proc.poll() is None and not asked.is_set():
            if any(e["query"].get("max_id") == S2 for e in srv.log):
                asked.set()
            else:
                asked.wait(0.05)
        assert asked.is_set(), proc.communicate()
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
        if sig == signal.SIGINT:  # Ctrl-C: exit 130, no traceback
            assert proc.returncode == 130 and "Traceback" not in stderr.decode()
        run = liens("collect", "mastodon", "--instance", srv.base, "--hashtag", "fediverse",
                    "-w", str(ws), "--json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["resumed_from"] == S2 and result["done"] and result["pages"] == 1
    assert srv.served("tag_page1.json") == srv.served("tag_page2.json") == 1
    with Workspace(ws, read_only=True) as w:
        total, distinct = w.con.execute(
            "SELECT count(*), count(DISTINCT event_id) FROM events"
        ).fetchone()
    assert total == distinct == 9


def test_the_token_is_read_from_the_os_keyring_when_the_environment_has_none(tmp_path: Path):
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        """A keyring backend holding its passwords in memory."""

        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    memory.set_password("liens", "mastodon:127.0.0.1", "from-the-keyring")
    keyring.set_keyring(memory)
    try:
        with RecordedServer("mastodon") as srv, Workspace(tmp_path / "w.duckdb") as ws:
            c = MastodonCollector(srv.base, account="eric", backoff=backoff())
            assert not any("public data only" in n for n in c.notes)
            collect(ws.con, c)
            assert {e["headers"].get("Authorization") for e in srv.log} == {
                "Bearer from-the-keyring"
            }
    finally:
        keyring.set_keyring(previous)


def test_a_thread_on_another_server_is_resolved_through_search(tmp_path: Path):
    remote = "https://framapiaf.org/@anne/99887766"
    with RecordedServer("mastodon") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        status = json.loads((MASTODON / "status.json").read_text())
        srv.add("/api/v2/search", {"q": remote},
                {"accounts": [], "statuses": [status], "hashtags": []})  # fmt: skip
        result = collect(ws.con, MastodonCollector(srv.base, thread=remote, backoff=backoff()))
        assert result.records == 4
        search = next(e for e in srv.log if e["path"] == "/api/v2/search")
        assert search["query"]["resolve"] == "1"
        assert srv.served("context.json") == 1


def test_retry_after_as_a_date_and_a_wait_too_long_to_sit_through():
    from liens.sources.collectors import Retryable, retry_after_seconds

    assert retry_after_seconds("Sun, 06 Nov 1994 08:49:37 GMT", now=784111770.0) == 7.0
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("soon") is None
    waits: list[float] = []

    def limited() -> None:
        raise Retryable("rate limited (429)", 3600.0)

    with pytest.raises(CollectError, match=r"rate limited for 3600 s .*run the same command"):
        Backoff(sleep=waits.append).call(limited, "piaille.fr hashtag page")
    assert waits == []  # an hour is not waited for: the next run resumes from the cursor


def test_broken_statuses_of_a_page_are_quarantined_with_their_reason(tmp_path: Path):
    good, other = json.loads((MASTODON / "tag_page3.json").read_text())[0], None
    missing = {k: v for k, v in good.items() if k != "created_at"}
    missing["id"], missing["uri"] = "1", good["uri"] + "-no-date"
    with RecordedServer("mastodon") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        srv.add("/api/v1/timelines/tag/broken", {}, [good, missing, "not a status", other])
        result = collect(ws.con, MastodonCollector(srv.base, hashtag="broken", backoff=backoff()))
        assert (result.records, result.quarantined, result.done) == (4, 3, True)
        reasons = sorted(r[0] for r in ws.con.execute("SELECT reason FROM quarantine").fetchall())
        assert reasons == ["a status must be a JSON object"] * 2 + ["status without created_at"]
        assert ws.con.execute("SELECT count(*) FROM events").fetchone()[0] == 1
        srv.add("/api/v1/timelines/tag/odd", {}, {"error": "not a list"})
        with pytest.raises(CollectError, match="a timeline page is not a JSON array"):
            collect(ws.con, MastodonCollector(srv.base, hashtag="odd", backoff=backoff()))


def test_an_interrupted_refresh_resumes_and_still_stops_at_what_it_already_holds(tmp_path: Path):
    with RecordedServer("mastodon") as srv, Workspace(tmp_path / "w.duckdb") as ws:
        c = MastodonCollector(srv.base, hashtag="fediverse", backoff=backoff(retries=1))
        assert collect(ws.con, c).done
        # As if pages 1 and 2 held statuses published since: their events are not yet held.
        ws.con.execute("DELETE FROM events WHERE source_file NOT LIKE '%max_id=1130000000000000_2%'"
                       " AND source_file NOT LIKE '%max_id=113000000000000001%'")  # fmt: skip
        srv.fail("tag_page2.json", 503, 503)
        with pytest.raises(CollectError):
            collect(ws.con, c)  # the refresh writes page 1, then fails on page 2
        cursor, done, _, _, refreshing = cursor_state(ws.con, "mastodon", c.query)
        assert (cursor, done, refreshing) == ("113000000000000005", False, True)
        result = collect(ws.con, c)
        # Page 2 brings its statuses back, page 3 nothing new: the run stops there, done.
        assert result.resumed_from == "113000000000000005"
        assert (result.pages, result.done) == (2, True)
        assert srv.served("tag_page4.json") == 1  # the end of the timeline was not read again
        assert cursor_state(ws.con, "mastodon", c.query)[4] is False
