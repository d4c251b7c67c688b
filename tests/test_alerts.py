"""Alerts: sent once per channel, to a webhook and an SMTP server on 127.0.0.1, failures bounded."""

from __future__ import annotations

import email
import json
import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from liens.alerts import ConsoleChannel, EmailChannel, WebhookChannel, send_alerts, watch
from liens.analysis import crisis
from liens.analysis.reputation import AnalysisParams
from liens.api import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "crisis"
MAPPING = Path(__file__).parents[1] / "docs" / "examples" / "higgs.toml"
OPTIONS = {"owned": ["3998"], "detectors": ["ewma"]}


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("alerts") / "w.duckdb"
    with Workspace(path) as ws:
        ws.import_file(FIXTURES / "higgs-target-3998.txt.gz", mapping_file=MAPPING)
        for name, table in crisis.run(ws.con, AnalysisParams(options=OPTIONS)).items():
            ws.con.register("_t", table)
            ws.con.execute(f"CREATE TABLE {name} AS SELECT * FROM _t")
            ws.con.unregister("_t")
    return path


@pytest.fixture()
def ws(ws_path, tmp_path):
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(ws_path.read_bytes())
    w = Workspace(copy)
    yield w
    w.close()


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        srv = self.server
        srv.calls.append(json.loads(body))
        code = srv.codes.pop(0) if srv.codes else 200
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def hook():
    srv = HTTPServer(("127.0.0.1", 0), _Hook)
    srv.calls, srv.codes = [], []
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _url(srv, path="/hooks/T0KEN-secret"):
    return f"http://127.0.0.1:{srv.server_address[1]}{path}"


def test_each_alarm_is_posted_once_as_json_with_the_incident_link(ws, hook):
    n = ws.con.execute("SELECT count(*) FROM alarms").fetchone()[0]
    assert n >= 1
    first = send_alerts(ws.con, [WebhookChannel(_url(hook))], report="out/index.html")
    assert [r["status"] for r in first] == ["sent"] * n
    payload = hook.calls[0]
    assert payload["type"] == "liens.alarm" and payload["detector"] == "ewma"
    assert payload["link"] == f"out/index.html#alarm-{payload['alarm_id']}"
    assert send_alerts(ws.con, [WebhookChannel(_url(hook))]) == []  # nothing new
    assert len(hook.calls) == n


def test_a_5xx_endpoint_is_retried_with_backoff_then_succeeds(ws, hook):
    hook.codes = [503, 502]
    res = send_alerts(ws.con, [WebhookChannel(_url(hook), retries=3, backoff=0.01)])
    assert res[0]["status"] == "sent"
    assert len(hook.calls) == 2 + len(res)  # two refused attempts, then one per alarm


def test_a_failing_endpoint_is_reported_not_fatal_and_stays_pending(ws, hook):
    hook.codes = [500] * 100
    console = []
    res = send_alerts(
        ws.con,
        [WebhookChannel(_url(hook), retries=2, backoff=0.0), ConsoleChannel(console.append)],
    )
    failed = [r for r in res if r["channel"] == "webhook"]
    assert failed and all(r["status"] == "failed" for r in failed)
    assert "HTTP 500 after 3 attempt(s)" in failed[0]["error"]
    assert "T0KEN" not in failed[0]["error"]  # the URL's secret path is not reported
    assert len(hook.calls) == 3 * len(failed)  # bounded: retries + 1 per alert
    assert len(console) == len(failed)  # the console still got every alert
    hook.codes = []
    again = send_alerts(ws.con, [WebhookChannel(_url(hook))])
    assert len(again) == len(failed) and all(r["status"] == "sent" for r in again)


class _SMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    def say(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        srv = self.server
        self.say("220 fake ESMTP")
        while True:
            line = self.rfile.readline().decode().rstrip("\r\n")
            if not line:
                return
            verb = line.split(" ")[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-fake\r\n250 AUTH PLAIN\r\n")
            elif verb == "AUTH":
                srv.auth.append(line)
                self.say("235 ok")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.say("250 ok")
            elif verb == "DATA":
                self.say("354 go")
                data = []
                while (chunk := self.rfile.readline().decode()) not in (".\r\n", ""):
                    data.append(chunk)
                srv.messages.append("".join(data))
                self.say("250 queued")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("502 no")


@pytest.fixture()
def smtp():
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTP)
    srv.daemon_threads = True
    srv.messages, srv.auth = [], []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_email_goes_through_smtp_with_the_password_from_the_environment_only(ws, smtp, monkeypatch):
    monkeypatch.setenv("LIENS_SMTP_PASSWORD", "s3cret-pw")
    env = {
        "LIENS_SMTP_HOST": "127.0.0.1",
        "LIENS_SMTP_PORT": str(smtp.server_address[1]),
        "LIENS_SMTP_FROM": "liens@example.org",
        "LIENS_SMTP_TO": "oncall@example.org, boss@example.org",
        "LIENS_SMTP_USER": "liens",
    }
    channel = EmailChannel.from_env(env)
    assert "s3cret-pw" not in repr(vars(channel))
    res = send_alerts(ws.con, [channel], report="r/index.html")
    assert res and all(r["status"] == "sent" for r in res)
    assert len(smtp.messages) == len(res) and len(smtp.auth) == len(res)
    msg = email.message_from_string(smtp.messages[0])
    assert " ".join(msg["Subject"].split()).startswith("[liens] crisis alarm")
    assert "r/index.html#alarm-" in msg.get_payload(decode=True).decode()
    assert "s3cret-pw" not in json.dumps(res)


def test_email_to_a_closed_port_fails_after_bounded_retries(ws):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    channel = EmailChannel("127.0.0.1", port, "a@b", ["c@d"], retries=1, backoff=0.0)
    res = send_alerts(ws.con, [channel])
    assert res and all(r["status"] == "failed" for r in res)
    assert "after 2 attempt(s)" in res[0]["error"]


def test_watch_detects_on_new_imports_and_alerts_once(ws_path, tmp_path, hook):
    path = tmp_path / "live.duckdb"
    with Workspace(path) as w:
        w.import_file(FIXTURES / "higgs-target-3998.txt.gz", mapping_file=MAPPING)
    polls = []
    res = watch(
        path,
        [WebhookChannel(_url(hook))],
        interval=0.01,
        max_polls=2,
        options=OPTIONS,
        on_poll=polls.append,
    )
    assert [p["detected"] for p in polls] == [True, False]  # no new import on the 2nd poll
    assert res and all(r["status"] == "sent" for r in res)
    assert len(hook.calls) == len(res)
