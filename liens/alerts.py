"""Alerts: each new crisis alarm sent once, to the console, a webhook and/or by e-mail.

An outputs-layer module (like the CLI and the report): it reads the ``alarms`` and
``alarm_drivers`` tables the crisis analysis writes and remembers what it delivered in the
workspace table ``alerts_sent(alarm_id, channel, sent_at)``, so an alarm reaches each channel
once however often detection runs.

Channels
--------
- console: one block of text per alert on standard output;
- webhook: a JSON ``POST`` (``Content-Type: application/json``) to a URL given by option or
  ``$LIENS_WEBHOOK_URL``; 5xx answers and network errors are retried with exponential backoff,
  a bounded number of times; the URL is never printed whole (webhook URLs often carry a token);
- e-mail: SMTP with ``$LIENS_SMTP_HOST``, ``$LIENS_SMTP_PORT`` (25), ``$LIENS_SMTP_FROM``,
  ``$LIENS_SMTP_TO`` (comma list), ``$LIENS_SMTP_USER`` and ``$LIENS_SMTP_STARTTLS``; the
  password only from ``$LIENS_SMTP_PASSWORD`` or the operating system's keyring (service
  ``liens-smtp``, the user name), never from an argument, never logged.

Each alert links to the incident in the report: ``<report>#alarm-<alarm_id>``.
"""

from __future__ import annotations

import json
import os
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import duckdb

from liens.errors import LiensError

__all__ = [
    "Alert",
    "Channel",
    "ConsoleChannel",
    "DeliveryError",
    "EmailChannel",
    "WebhookChannel",
    "pending_alerts",
    "send_alerts",
    "watch",
]


class DeliveryError(Exception):
    """A channel could not deliver an alert (after its retries)."""


@dataclass
class Alert:
    """One alarm as sent: what, when, how loud, who carries it, where to read more."""

    alarm_id: str
    stream: str
    detector: str
    alarm_at: str  # ISO 8601, UTC
    count: int
    baseline: float | None
    peak: int
    link: str
    drivers: list[str] = field(default_factory=list)
    suspicious: int = 0
    complaint_share: float | None = None  # complaints among the window's events, [0, 1]

    @property
    def subject(self) -> str:
        return (
            f"[liens] crisis alarm {self.alarm_at} UTC: {self.count} {self.stream} "
            f"in the hour ({self.detector})"
        )

    def text(self) -> str:
        base = "n/a" if self.baseline is None else f"{self.baseline:.1f}"
        lines = [
            self.subject,
            f"expected about {base} an hour; peak {self.peak}.",
        ]
        if self.drivers:
            lines.append("carried by: " + "; ".join(self.drivers))
        if self.complaint_share:
            lines.append(
                f"{self.complaint_share:.0%} of the window's events are complaints (service, "
                "delay, refund, no answer): answer them as such."
            )
        if self.suspicious:
            lines.append(
                f"{self.suspicious} account(s) look like one-off attackers (no earlier "
                "interaction, synchronised): check before answering them."
            )
        lines.append(f"incident: {self.link}")
        return "\n".join(lines)

    def payload(self) -> dict[str, Any]:
        return {"type": "liens.alarm", "text": self.text(), **asdict(self)}


class Channel(Protocol):
    name: str

    def send(self, alert: Alert) -> None: ...


class ConsoleChannel:
    """Writes each alert to a text stream (standard output by default)."""

    name = "console"

    def __init__(self, write: Callable[[str], Any] | None = None) -> None:
        self._write = write or print

    def send(self, alert: Alert) -> None:
        self._write(alert.text())


def _redact(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}/…"


class WebhookChannel:
    """JSON POST of :meth:`Alert.payload` to ``url``, retried on 5xx and network errors.

    ``retries`` extra attempts, waiting ``backoff * 2**i`` seconds before the i-th; 4xx
    answers are not retried (the request itself is wrong).
    """

    name = "webhook"

    def __init__(
        self, url: str, *, retries: int = 3, backoff: float = 0.5, timeout: float = 10.0
    ) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise LiensError("the webhook URL must start with http:// or https://", field="url")
        self.url, self.retries, self.backoff, self.timeout = url, retries, backoff, timeout

    def send(self, alert: Alert) -> None:
        body = json.dumps(alert.payload(), ensure_ascii=False).encode()
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(
                self.url,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", "User-Agent": "liens"},
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                    resp.read()
                return
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                if exc.code < 500:
                    break
            except (urllib.error.URLError, OSError) as exc:
                last = type(exc).__name__
        raise DeliveryError(f"webhook {_redact(self.url)}: {last} after {attempt + 1} attempt(s)")


def _smtp_password(user: str | None) -> str | None:
    password = os.environ.get("LIENS_SMTP_PASSWORD")
    if password or not user:
        return password or None
    try:  # optional: the OS keyring, when the package is installed
        import keyring  # type: ignore[import-not-found]
    except ImportError:
        return None
    return keyring.get_password("liens-smtp", user)


class EmailChannel:
    """Sends each alert as a plain-text e-mail through an SMTP server.

    Build it with :meth:`from_env`; the password is looked up when sending, never stored in
    arguments.
    """

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        to: Sequence[str],
        *,
        user: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        if not to:
            raise LiensError("no e-mail recipient: set LIENS_SMTP_TO", field="LIENS_SMTP_TO")
        self.host, self.port, self.sender, self.to = host, port, sender, list(to)
        self.user, self.starttls, self.timeout = user, starttls, timeout
        self.retries, self.backoff = retries, backoff

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> EmailChannel:
        env = dict(os.environ if env is None else env)
        missing = [
            k for k in ("LIENS_SMTP_HOST", "LIENS_SMTP_FROM", "LIENS_SMTP_TO") if k not in env
        ]
        if missing:
            raise LiensError(f"e-mail alerts need {', '.join(missing)} in the environment")
        return cls(
            env["LIENS_SMTP_HOST"],
            int(env.get("LIENS_SMTP_PORT", "25")),
            env["LIENS_SMTP_FROM"],
            [x.strip() for x in env["LIENS_SMTP_TO"].split(",") if x.strip()],
            user=env.get("LIENS_SMTP_USER") or None,
            starttls=env.get("LIENS_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
        )

    def send(self, alert: Alert) -> None:
        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = alert.subject, self.sender, ", ".join(self.to)
        msg.set_content(alert.text())
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                    if self.starttls:
                        smtp.starttls()
                    password = _smtp_password(self.user)
                    if self.user and password:
                        smtp.login(self.user, password)
                    smtp.send_message(msg)
                return
            except smtplib.SMTPAuthenticationError as exc:
                raise DeliveryError(f"smtp {self.host}:{self.port}: login refused") from exc
            except smtplib.SMTPResponseException as exc:
                last = f"SMTP {exc.smtp_code}"
                if exc.smtp_code >= 500:  # permanent (5xx); 4xx are transient: retry
                    break
            except (smtplib.SMTPException, OSError) as exc:
                last = type(exc).__name__
        raise DeliveryError(f"smtp {self.host}:{self.port}: {last} after {attempt + 1} attempt(s)")


def _ensure_sent_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS alerts_sent
           (alarm_id VARCHAR, channel VARCHAR, sent_at TIMESTAMP)"""
    )


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
        ).fetchone()[0]
    )


def pending_alerts(
    con: duckdb.DuckDBPyConnection,
    channel: str,
    *,
    report: str = "report/index.html",
    detectors: Iterable[str] | None = None,
    since: str | None = None,
) -> list[Alert]:
    """Alarms not yet delivered to ``channel``, oldest first, with their main drivers.

    ``detectors`` restricts the detectors that alert (all by default); ``since`` (ISO time)
    leaves out older alarms, e.g. when a watch starts on a workspace full of history.
    """
    if not _has(con, "alarms"):
        return []
    _ensure_sent_table(con)
    where, args = (
        ["alarm_id NOT IN (SELECT alarm_id FROM alerts_sent WHERE channel = ?)"],
        [channel],
    )
    if detectors:
        dets = list(detectors)
        where.append(f"detector IN ({', '.join('?' for _ in dets)})")
        args.extend(dets)
    if since:
        where.append("alarm_at >= CAST(? AS TIMESTAMP)")
        args.append(since)
    # alarms stored by an older liens have no complaint columns
    cols = {r[0] for r in con.execute("DESCRIBE alarms").fetchall()}
    share = "complaint_share" if "complaint_share" in cols else "CAST(NULL AS DOUBLE)"
    rows = con.execute(
        f"""SELECT alarm_id, stream, detector, alarm_at, count, baseline, peak, {share}
            FROM alarms WHERE {" AND ".join(where)} ORDER BY alarm_at, alarm_id""",
        args,
    ).fetchall()
    drivers: dict[str, list[str]] = {}
    suspicious: dict[str, int] = {}
    if rows and _has(con, "alarm_drivers"):
        for alarm_id, driver, key, label, events, sus in con.execute(
            """SELECT alarm_id, driver, key, label, events, suspicious FROM alarm_drivers
               WHERE driver IN ('account', 'hashtag') AND (rank <= 3 OR suspicious)
               ORDER BY alarm_id, driver, rank"""
        ).fetchall():
            if sus:
                suspicious[alarm_id] = suspicious.get(alarm_id, 0) + 1
            shown = drivers.setdefault(alarm_id, [])
            name = f"#{key}" if driver == "hashtag" else f"@{label or key}"
            if len(shown) < 6 and name not in (s.split(" ")[0] for s in shown):
                shown.append(f"{name} ({events})")
    return [
        Alert(
            alarm_id=a,
            stream=s,
            detector=d,
            alarm_at=at.isoformat(timespec="minutes"),
            count=int(n),
            baseline=None if b is None or b != b else float(b),
            peak=int(p),
            link=f"{report}#alarm-{a}",
            drivers=drivers.get(a, []),
            suspicious=suspicious.get(a, 0),
            complaint_share=None if c is None or c != c else float(c),
        )
        for a, s, d, at, n, b, p, c in rows
    ]


def send_alerts(
    con: duckdb.DuckDBPyConnection,
    channels: Sequence[Channel],
    *,
    report: str = "report/index.html",
    detectors: Iterable[str] | None = None,
    since: str | None = None,
) -> list[dict[str, str]]:
    """Send every pending alert to every channel; remember each successful delivery.

    A failing channel does not stop the others: its alert stays pending (tried again next
    time) and the failure is in the returned list.

    Returns
    -------
    list of dict
        One per attempt: ``alarm_id``, ``channel``, ``status`` (``sent`` or ``failed``),
        ``error`` (empty when sent).
    """
    results = []
    detectors = list(detectors) if detectors else None
    for channel in channels:
        for alert in pending_alerts(
            con, channel.name, report=report, detectors=detectors, since=since
        ):
            try:
                channel.send(alert)
            except DeliveryError as exc:
                results.append(
                    {
                        "alarm_id": alert.alarm_id,
                        "channel": channel.name,
                        "status": "failed",
                        "error": str(exc),
                    }
                )
                continue
            con.execute(
                "INSERT INTO alerts_sent VALUES (?, ?, ?)",
                [alert.alarm_id, channel.name, datetime.now(UTC).replace(tzinfo=None)],
            )
            results.append(
                {"alarm_id": alert.alarm_id, "channel": channel.name, "status": "sent", "error": ""}
            )
    return results


def watch(
    workspace: str | Path | None,
    channels: Sequence[Channel],
    *,
    interval: float = 60.0,
    once: bool = False,
    max_polls: int | None = None,
    options: dict[str, Any] | None = None,
    report: str = "report/index.html",
    detectors: Iterable[str] | None = None,
    since: str | None = None,
    on_poll: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, str]]:
    """Poll the workspace's ``imports``; when new data arrived, detect again and alert.

    The workspace is opened for each poll and closed in between, so ``liens import`` can
    write to it meanwhile. The first poll always runs detection. ``once`` polls one time;
    ``max_polls`` bounds the loop (tests); otherwise it runs until interrupted.

    Returns the delivery results of every poll.
    """
    from liens.api import Workspace

    seen: tuple | None = None
    polls = 0
    results: list[dict[str, str]] = []
    while True:
        polls += 1
        with Workspace(workspace) as ws:
            state = ws.con.execute("SELECT count(*), max(import_id) FROM imports").fetchone()
            ran = False
            if state != seen and state[0]:
                ws.analyze(only=["reputation", "crisis"], options=options)
                ran = True
            seen = state
            sent = send_alerts(ws.con, channels, report=report, detectors=detectors, since=since)
            results.extend(sent)
        if on_poll:
            on_poll({"poll": polls, "imports": state[0], "detected": ran, "results": sent})
        if once or (max_polls is not None and polls >= max_polls):
            return results
        time.sleep(interval)
