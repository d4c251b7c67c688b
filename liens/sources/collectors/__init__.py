"""Live collectors: read a platform's public API page by page into canonical chunks.

A collector is the network twin of a reader: where a reader turns a file into
:class:`~liens.sources.base.Chunk` and :class:`~liens.sources.base.Rejected` items, a collector
turns one API response (a *page*) into them, with the same conversion as the platform's reader
(``liens.sources.mastodon.status_rows``, ``liens.sources.bluesky.response_rows``), so a status
collected live and the same status imported from a file give the same events.

Collectors know nothing of the workspace (the sources layer sits below the store): they take
the cursor to start from and yield :class:`Page` objects, each saying where the next page
starts. ``liens.store.collect`` writes each page in one transaction together with that cursor,
which is what makes an interrupted collection resume at the first page not yet written.

What every collector does with the network (:class:`Backoff`):

- a **429** waits the ``Retry-After`` the server gave (seconds or an HTTP date, RFC 9110
  §10.2.3), or, without one, an exponential backoff;
- a **5xx**, a **dropped connection**, a **timeout** or a **truncated body** (JSON that does not
  parse) is retried after ``base · 2^attempt`` seconds (capped at ``cap``) up to ``retries``
  times, then the collection stops with a :class:`CollectError` and the pages written so far
  stay written;
- any other refusal (401, 403, 404, 400) stops at once with the server's reason.

Credentials come from the environment or the OS keyring (:func:`secret`), never from command
arguments, and are never printed, logged or stored: error messages pass through
:func:`redact`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from liens.errors import LiensError
from liens.sources.base import Chunk, Rejected

__all__ = [
    "KEYRING_SERVICE",
    "Backoff",
    "CollectError",
    "Collector",
    "Page",
    "Retryable",
    "redact",
    "retry_after_seconds",
    "secret",
]

KEYRING_SERVICE = "liens"
T = TypeVar("T")


class CollectError(LiensError):
    """The platform refused or kept failing; what was collected before stays in the workspace."""

    exit_code = 4


class Retryable(Exception):
    """A failure worth trying again: 429, 5xx, a dropped connection, a truncated body."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class Page:
    """One API response converted: its items, where it came from, where the next page starts.

    ``source`` names the request (host, path and query: never a credential) and becomes the
    ``source_file`` of its events; ``digest`` is the SHA-256 of the response body;
    ``next_cursor`` is None on the last page; ``records`` counts the statuses or posts in it.
    """

    items: list[Chunk | Rejected]
    source: str
    digest: str
    next_cursor: str | None
    records: int


class Collector(Protocol):
    """What ``liens.store.collect`` needs from a collector."""

    platform: str  # the events' platform and the first half of the cursor key
    query: str  # what is collected, e.g. "https://mastodon.social hashtag:rust"
    notes: list[str]  # what the user should know (public data only, no keyring, ...)

    def pages(self, cursor: str | None) -> Iterator[Page]:
        """Pages from ``cursor`` (None: the newest) to the end."""
        ...


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date.

    >>> retry_after_seconds("7")
    7.0
    >>> retry_after_seconds("Sun, 06 Nov 1994 08:49:37 GMT", now=784111770.0)
    7.0
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


@dataclass
class Backoff:
    """Retries with exponential backoff, honouring ``Retry-After``.

    The wait before retry ``n`` (0-based) is ``Retry-After`` when the server gave one, else
    ``min(cap, base · 2^n)`` seconds. ``sleep`` is injectable so tests do not wait.

    Parameters
    ----------
    retries : int
        Attempts after the first before giving up (default 6: about a minute of 5xx in all).
    base, cap : float
        Seconds of the first wait and of the longest one.
    max_retry_after : float
        A ``Retry-After`` longer than this (seconds) is not waited for: the collection stops
        with the time to come back, and resumes from its cursor when run again.
    """

    retries: int = 6
    base: float = 1.0
    cap: float = 60.0
    max_retry_after: float = 900.0
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)  # what was waited, for the summary

    def call(self, fn: Callable[[], T], what: str) -> T:
        """``fn()``, retried on :class:`Retryable`; :class:`CollectError` when it keeps failing."""
        for attempt in range(self.retries + 1):
            try:
                return fn()
            except Retryable as e:
                if attempt == self.retries:
                    raise CollectError(
                        f"{what}: {e.reason}, still failing after {self.retries} retries; run "
                        "the same command again later to resume"
                    ) from None
                delay = e.retry_after
                if delay is not None and delay > self.max_retry_after:
                    raise CollectError(
                        f"{what}: rate limited for {delay:.0f} s (Retry-After); run the same "
                        "command again later to resume"
                    ) from None
                if delay is None:
                    delay = min(self.cap, self.base * 2**attempt)
                self.waits.append(delay)
                self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


def secret(env: str, name: str, notes: list[str]) -> str | None:
    """A credential from ``$env``, else from the OS keyring (service ``liens``, user ``name``).

    Returns None when neither has it. When no keyring backend is available a note says so
    (and how to give the credential instead); the collector then reads public data only.
    """
    value = os.environ.get(env)
    if value:
        return value
    try:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        notes.append(f"no keyring package: set {env} to authenticate")
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, name) or None
    except NoKeyringError:
        notes.append(
            f"no OS keyring available to read {name!r} from; set {env} to authenticate "
            f"(or store it with: keyring set {KEYRING_SERVICE} {name})"
        )
    except (KeyringError, RuntimeError, OSError) as e:
        notes.append(f"the OS keyring could not be read ({type(e).__name__}); set {env} instead")
    return None


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret replaced by ``***`` (for messages built from library errors)."""
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text
