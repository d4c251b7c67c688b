"""Mastodon live collector: a hashtag timeline, an account's statuses or a thread, with Mastodon.py.

Endpoints (https://docs.joinmastodon.org/methods/):

- ``--hashtag TAG``: ``GET /api/v1/timelines/tag/:hashtag`` (public on most servers);
- ``--account NAME``: ``GET /api/v1/accounts/lookup?acct=NAME`` then
  ``GET /api/v1/accounts/:id/statuses``;
- ``--thread URL``: ``GET /api/v1/statuses/:id`` and ``GET /api/v1/statuses/:id/context`` (the
  id is the last part of the URL when it is on the same server; otherwise the URL is resolved
  with ``GET /api/v2/search?resolve=true``, which needs a token).

Timelines are paged newest first, 40 statuses a page, by the ``Link: <...max_id=...>;
rel="next"`` header (https://docs.joinmastodon.org/api/guidelines/#pagination); the cursor
stored in the workspace is that ``max_id``. Each page is converted by
:func:`liens.sources.mastodon.status_rows`, the reader's own conversion.

How Mastodon.py is used and where it is wrapped:

- it builds the requests, sends the token, parses the ``Link`` header into the next
  ``max_id`` and classifies errors; it accepts any base URL, ``http://127.0.0.1:PORT``
  included, which is how the tests point it at a recorded server;
- its own rate-limit handling (``ratelimit_method="wait"``) sleeps until
  ``X-RateLimit-Reset`` with ``time.sleep`` and ignores ``Retry-After``: it is set to
  ``"throw"`` and :class:`~liens.sources.collectors.Backoff` does the waiting, reading
  ``Retry-After`` from the last response;
- it turns statuses into its own typed objects (dates become ``datetime``, ids integers):
  liens needs the documented JSON, so a ``requests.Session`` subclass keeps the last response
  and the page is converted from its body, exactly as the server sent it. The typed conversion
  itself, 60 % of the collector's CPU time on a page of 40 statuses (``python -m
  bench.collect``) and thrown away, is switched off by :class:`_RawMastodon`, which overrides
  the library's private ``__try_cast_to_type`` to hand back the parsed JSON (lists still get
  the ``Link`` paging). Should a later Mastodon.py rename that method, the override is
  simply unused: the collector stays correct, only slower.

The access token is read from ``$LIENS_MASTODON_TOKEN`` or the OS keyring (user
``mastodon:HOST``); without one, only public endpoints are read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlparse

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from liens import __version__
from liens.errors import LiensError
from liens.sources.collectors import (
    Backoff,
    CollectError,
    Page,
    Retryable,
    redact,
    retry_after_seconds,
    secret,
)
from liens.sources.mastodon import status_rows

__all__ = ["TOKEN_ENV", "MastodonCollector"]

TOKEN_ENV = "LIENS_MASTODON_TOKEN"
PAGE_SIZE = 40  # the documented maximum of timelines and account statuses
_STATUS_ID = re.compile(r"/(?:@[^/]+|users/[^/]+/statuses|statuses|notice)/([0-9A-Za-z]+)/?$")


class _Session(requests.Session):
    """Keeps the last response, whose body and headers Mastodon.py does not hand back."""

    last: requests.Response | None = None

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.last = None
        self.last = super().request(*args, **kwargs)
        return self.last


class _RawMastodon(Mastodon):
    """Mastodon.py without its conversion of responses to typed objects (see module doc)."""

    def _Mastodon__try_cast_to_type(self, value: Any, override_type: Any = None) -> tuple:
        return value, None


class MastodonCollector:
    """Collect one query from one Mastodon server.

    Parameters
    ----------
    instance : str
        The server's base URL (``https://mastodon.social``; ``http://`` is kept as given).
    hashtag, account, thread : str, optional
        Exactly one: a tag (with or without ``#``), an account (``name`` or ``name@host``) or a
        status URL.
    backoff : Backoff, optional
        Retry policy (tests inject one whose sleep does not wait).
    batch_rows : int
        Rows per chunk.
    """

    platform = "mastodon"

    def __init__(
        self,
        instance: str,
        *,
        hashtag: str | None = None,
        account: str | None = None,
        thread: str | None = None,
        backoff: Backoff | None = None,
        batch_rows: int = 50_000,
        timeout: float = 30.0,
    ) -> None:
        given = [(k, v) for k, v in (("hashtag", hashtag), ("account", account),
                                     ("thread", thread)) if v]  # fmt: skip
        if len(given) != 1:
            raise LiensError("give exactly one of --hashtag, --account, --thread")
        url = instance.strip().rstrip("/")
        if "://" not in url:
            url = "https://" + url
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise LiensError(f"not a server URL: {instance!r}", field="--instance")
        self.instance = url
        self.host = parsed.hostname.lower()
        self.kind, value = given[0]
        self.value = value.strip().lstrip("#") if self.kind == "hashtag" else value.strip()
        self.query = f"{self.instance} {self.kind}:{self.value}"
        self.backoff = backoff or Backoff()
        self.batch_rows = batch_rows
        self.notes: list[str] = []
        self._token = secret(TOKEN_ENV, f"mastodon:{self.host}", self.notes)
        if not self._token:
            self.notes.append(f"no token ({TOKEN_ENV} or keyring): reading public data only")
        self._session = _Session()
        self._api = _RawMastodon(
            api_base_url=self.instance,
            access_token=self._token,
            ratelimit_method="throw",
            request_timeout=timeout,
            session=self._session,
            version_check_mode="none",
            user_agent=f"liens/{__version__}",
        )

    # -- requests ---------------------------------------------------------------------------
    def _call(self, fn: Callable[[], Any], what: str) -> tuple[Any, Any, requests.Response]:
        """(library result, JSON body, response) of one request, retried per the backoff."""

        def attempt() -> tuple[Any, Any, requests.Response]:
            try:
                result = fn()
            except MastodonRatelimitError:
                last = self._session.last
                wait = (
                    retry_after_seconds(last.headers.get("Retry-After"))
                    if last is not None
                    else None
                )
                raise Retryable("rate limited (429)", wait) from None
            except MastodonServerError as e:
                raise Retryable(f"server error {_status(e)}") from None
            except MastodonNetworkError as e:
                raise Retryable(f"connection failed ({_first_line(e, self._token)})") from None
            except MastodonNotFoundError:
                raise CollectError(f"{what}: not found on {self.host} (404)") from None
            except MastodonUnauthorizedError:
                raise CollectError(
                    f"{what}: {self.host} requires a valid access token (401); set {TOKEN_ENV}"
                ) from None
            except MastodonAPIError as e:
                if "Could not parse response as JSON" in str(e.args[0] if e.args else ""):
                    raise Retryable("truncated or invalid JSON body") from None
                raise CollectError(
                    f"{what}: {self.host} refused ({_status(e)}: {_first_line(e, self._token)})"
                ) from None
            except MastodonError as e:
                raise CollectError(f"{what}: {_first_line(e, self._token)}") from None
            last = self._session.last
            if last is None:  # pragma: no cover - every call goes through the session
                raise CollectError(f"{what}: no response")
            try:
                body = json.loads(last.content)
            except ValueError:
                raise Retryable("truncated or invalid JSON body") from None
            return result, body, last

        return self.backoff.call(attempt, f"{self.host} {what}")

    # -- pages ------------------------------------------------------------------------------
    def pages(self, cursor: str | None) -> Iterator[Page]:
        """Pages from ``cursor`` (a ``max_id``; None: the newest status) to the oldest."""
        if self.kind == "thread":
            yield self._thread()
            return
        fetch = self._timeline()
        max_id = cursor
        while True:
            result, body, response = self._call(lambda m=max_id: fetch(m), f"{self.kind} page")
            if not isinstance(body, list):
                raise CollectError(f"{self.host}: a timeline page is not a JSON array")
            nxt = getattr(result, "_pagination_next", None)
            next_id = str(nxt["max_id"]) if isinstance(nxt, dict) and body else None
            yield self._page(body, response, next_id)
            if next_id is None:
                return
            max_id = next_id

    def _timeline(self) -> Callable[[str | None], Any]:
        if self.kind == "hashtag":
            tag = self.value
            return lambda m: self._api.timeline_hashtag(tag, max_id=m, limit=PAGE_SIZE)
        _, acct, _ = self._call(lambda: self._api.account_lookup(self.value), "account lookup")
        account_id = acct.get("id") if isinstance(acct, dict) else None
        if not account_id:
            raise CollectError(f"{self.host}: no account {self.value!r}", field="--account")
        return lambda m: self._api.account_statuses(account_id, max_id=m, limit=PAGE_SIZE)

    def _thread(self) -> Page:
        url = self.value
        parsed = urlparse(url)
        match = _STATUS_ID.search(parsed.path or "")
        if (parsed.hostname or "").lower() == self.host and match:
            status_id = match.group(1)
        elif url.isalnum():
            status_id = url
        else:
            _, found, _ = self._call(
                lambda: self._api.search_v2(url, resolve=True),
                "thread lookup",
            )
            statuses = found.get("statuses") if isinstance(found, dict) else None
            if not statuses:
                raise CollectError(f"{self.host} does not know the status {url}", field="--thread")
            status_id = str(statuses[0].get("id"))
        _, status, _ = self._call(lambda: self._api.status(status_id), "status")
        _, context, response = self._call(lambda: self._api.status_context(status_id), "context")
        if not isinstance(context, dict):
            raise CollectError(f"{self.host}: a context is not a JSON object")
        ancestors = context.get("ancestors") if isinstance(context.get("ancestors"), list) else []
        descendants = context.get("descendants")
        statuses = [*ancestors, status, *(descendants if isinstance(descendants, list) else [])]
        return self._page(statuses, response, None)

    def _page(self, statuses: list[Any], response: requests.Response, nxt: str | None) -> Page:
        u = urlparse(response.url)
        source = f"{u.hostname}{u.path}" + (f"?{u.query}" if u.query else "")
        items = list(status_rows(statuses, platform=self.platform, batch_rows=self.batch_rows))
        return Page(items, source, hashlib.sha256(response.content).hexdigest(), nxt,
                    len(statuses))  # fmt: skip


def _status(e: Exception) -> str:
    return str(e.args[1]) if len(e.args) > 1 else "error"


def _first_line(e: Exception, token: str | None) -> str:
    text = " ".join(str(a) for a in e.args) if e.args else type(e).__name__
    return redact(text.splitlines()[0] if text else type(e).__name__, [token])[:200]
