"""Bluesky live collector: an author's feed, a post search or a thread, with the atproto SDK.

XRPC queries (https://docs.bsky.app/docs/api/):

- ``--actor HANDLE``: ``app.bsky.feed.getAuthorFeed`` (``actor``, ``limit``, ``cursor``);
- ``--search QUERY``: ``app.bsky.feed.searchPosts`` (``q``, ``limit``, ``cursor``);
- ``--thread URI``: ``app.bsky.feed.getPostThread`` (``uri``; a ``https://bsky.app/profile/
  NAME/post/RKEY`` link is turned into ``at://NAME/app.bsky.feed.post/RKEY``).

Feeds and searches are paged by the opaque ``cursor`` of each response, which is the cursor
stored in the workspace; the last page has none. Each page is converted by
:func:`liens.sources.bluesky.response_rows`, the reader's own conversion.

Without credentials the queries go to the public AppView (``https://public.api.bsky.app``).
With ``$LIENS_BLUESKY_HANDLE`` and ``$LIENS_BLUESKY_PASSWORD`` (an app password; or the keyring,
user ``bluesky:HANDLE``) the client logs in to ``--service`` (default ``https://bsky.social``)
and queries through it; the password is sent to that server only.

How the ``atproto`` SDK is used and where it is wrapped:

- ``Client(base_url=...)`` takes any server, ``http://127.0.0.1:PORT`` included (the tests);
  ``invoke_query`` sends the XRPC query with the session's token and returns the body as the
  server sent it (a dict), which is what the reader converts; the typed models of
  ``client.app.bsky.feed.*`` would rename fields;
- it retries nothing and raises on 429 (``RateLimitExceededError``, whose response keeps the
  headers) and 5xx; :class:`~liens.sources.collectors.Backoff` waits ``Retry-After`` or backs
  off. A dropped connection surfaces as an ``httpx`` transport error, which it does not wrap;
  a truncated body as a JSON decoding ``ValueError``: both are retried here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from atproto import Client, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request

from liens.errors import LiensError
from liens.sources.bluesky import response_rows
from liens.sources.collectors import (
    Backoff,
    CollectError,
    Page,
    Retryable,
    redact,
    retry_after_seconds,
    secret,
)

__all__ = ["HANDLE_ENV", "PASSWORD_ENV", "PUBLIC_APPVIEW", "BlueskyCollector"]

HANDLE_ENV = "LIENS_BLUESKY_HANDLE"
PASSWORD_ENV = "LIENS_BLUESKY_PASSWORD"
PUBLIC_APPVIEW = "https://public.api.bsky.app"
DEFAULT_PDS = "https://bsky.social"
PAGE_SIZE = 100  # the documented maximum of getAuthorFeed and searchPosts
# The SDK's typed parameters of each query (it validates them: limit 1-100, ...).
_PARAMS: dict[str, Any] = {
    "app.bsky.feed.getAuthorFeed": models.AppBskyFeedGetAuthorFeed.Params,
    "app.bsky.feed.searchPosts": models.AppBskyFeedSearchPosts.Params,
    "app.bsky.feed.getPostThread": models.AppBskyFeedGetPostThread.Params,
}
_WEB_POST = re.compile(r"^https://bsky\.app/profile/([^/]+)/post/([^/?#]+)")


class BlueskyCollector:
    """Collect one query from Bluesky.

    Parameters
    ----------
    actor, search, thread : str, optional
        Exactly one: a handle or DID, a search query, or a post's ``at://`` URI or web link.
    service : str, optional
        Server to query (default: the public AppView, or ``https://bsky.social`` when logged in).
    backoff : Backoff, optional
        Retry policy (tests inject one whose sleep does not wait).
    """

    platform = "bluesky"

    def __init__(
        self,
        *,
        actor: str | None = None,
        search: str | None = None,
        thread: str | None = None,
        service: str | None = None,
        backoff: Backoff | None = None,
        batch_rows: int = 50_000,
        timeout: float = 30.0,
    ) -> None:
        given = [(k, v) for k, v in (("actor", actor), ("search", search),
                                     ("thread", thread)) if v]  # fmt: skip
        if len(given) != 1:
            raise LiensError("give exactly one of --actor, --search, --thread")
        self.kind, value = given[0]
        value = value.strip()
        if self.kind == "actor":
            value = value.lstrip("@")
        if self.kind == "thread":
            m = _WEB_POST.match(value)
            if m:
                value = f"at://{m.group(1)}/app.bsky.feed.post/{m.group(2)}"
            elif not value.startswith("at://"):
                raise LiensError("a thread is an at:// URI or a bsky.app post link",
                                   field="--thread")  # fmt: skip
        self.value = value
        self.notes: list[str] = []
        handle = secret(HANDLE_ENV, "bluesky:handle", self.notes)
        self._password = secret(PASSWORD_ENV, f"bluesky:{handle}", self.notes) if handle else None
        self._handle = handle if self._password else None
        if not self._handle:
            self.notes.append(
                f"no credentials ({HANDLE_ENV}/{PASSWORD_ENV} or keyring): reading the public "
                "AppView"
            )
        base = service or (DEFAULT_PDS if self._handle else PUBLIC_APPVIEW)
        self.service = base.rstrip("/")
        self.query = f"{self.kind}:{self.value}"
        self.backoff = backoff or Backoff()
        self.batch_rows = batch_rows
        self._client = Client(base_url=self.service, request=Request(timeout=timeout))
        self._logged_in = False

    def _guard(self, fn: Callable[[], Any], what: str) -> Any:
        """``fn()`` with the SDK's and httpx's failures sorted into :class:`Retryable` (for the
        caller's backoff) or :class:`CollectError` (final)."""
        try:
            return fn()
        except RateLimitExceededError as e:
            headers = e.response.headers if e.response is not None else {}
            raise Retryable("rate limited (429)",
                            retry_after_seconds(headers.get("retry-after"))) from None  # fmt: skip
        except UnauthorizedError as e:
            raise CollectError(
                f"{what}: {self.service} refused the request ({_code(e)}: {self._why(e)}); "
                f"set {HANDLE_ENV} and {PASSWORD_ENV} (an app password)"
            ) from None
        except BadRequestError as e:
            raise CollectError(f"{what}: {self._why(e)} (400)") from None
        except NetworkError as e:
            raise Retryable(f"connection failed ({_code(e)})") from None
        except RequestErrorBase as e:
            code = _code(e)
            if code.isdigit() and int(code) >= 500:
                raise Retryable(f"server error {code}") from None
            raise CollectError(f"{what}: {self.service} refused ({code}: {self._why(e)})") from None
        except httpx.TransportError as e:
            raise Retryable(f"connection failed ({type(e).__name__})") from None
        except ValueError:  # the body is not the JSON it says it is: cut short
            raise Retryable("truncated or invalid JSON body") from None
        except AtProtocolError as e:
            raise CollectError(f"{what}: {redact(str(e), self._secrets)[:200]}") from None

    @property
    def _secrets(self) -> list[str | None]:
        return [self._password]

    def _why(self, e: RequestErrorBase) -> str:
        content = e.response.content if e.response is not None else None
        message = getattr(content, "message", None) or getattr(content, "error", None)
        return redact(str(message or "no reason given"), self._secrets)[:200]

    def _login(self) -> None:
        if self._handle and not self._logged_in:
            handle, password = self._handle, self._password
            self.backoff.call(
                lambda: self._guard(
                    lambda: self._client.login(handle, password, fetch_bsky_profile=False),
                    "login",
                ),
                f"{self.service} login",
            )
            self._logged_in = True

    def _query(self, nsid: str, params: dict[str, Any]) -> tuple[dict, str, str]:
        """(body, source, digest) of one XRPC query."""
        model = _PARAMS[nsid](**{k: v for k, v in params.items() if v is not None})
        response = self._guard(lambda: self._client.invoke_query(nsid, params=model), nsid)
        body = response.content
        if not isinstance(body, dict):
            raise Retryable("truncated or invalid JSON body")
        raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
        shown = {k: v for k, v in params.items() if v is not None}
        query = "&".join(f"{k}={v}" for k, v in shown.items())
        host = self.service.split("://", 1)[-1]
        return body, f"{host}/xrpc/{nsid}?{query}", hashlib.sha256(raw).hexdigest()

    def pages(self, cursor: str | None) -> Iterator[Page]:
        """Pages from ``cursor`` (None: the newest) to the last."""
        self._login()
        if self.kind == "thread":
            body, source, digest = self.backoff.call(
                lambda: self._query("app.bsky.feed.getPostThread", {"uri": self.value}),
                "getPostThread",
            )
            items = list(response_rows(body, batch_rows=self.batch_rows, source=source))
            yield Page(items, source, digest, None, _count_thread(body))
            return
        nsid, key, list_key = (
            ("app.bsky.feed.getAuthorFeed", "actor", "feed")
            if self.kind == "actor"
            else ("app.bsky.feed.searchPosts", "q", "posts")
        )
        while True:
            params = {key: self.value, "limit": PAGE_SIZE, "cursor": cursor}
            body, source, digest = self.backoff.call(lambda p=params: self._query(nsid, p), nsid)
            records = body.get(list_key)
            if not isinstance(records, list):
                raise CollectError(f"{source}: the response has no {list_key} list")
            nxt = body.get("cursor") if records else None
            nxt = nxt if isinstance(nxt, str) and nxt and nxt != cursor else None
            items = list(response_rows(body, batch_rows=self.batch_rows, source=source))
            yield Page(items, source, digest, nxt, len(records))
            if nxt is None:
                return
            cursor = nxt


def _code(e: RequestErrorBase) -> str:
    response = getattr(e, "response", None)
    return str(response.status_code) if response is not None else type(e).__name__


def _count_thread(body: dict) -> int:
    """Posts in a getPostThread response (the focal post, its parents and its replies)."""
    n, stack = 0, [body.get("thread")]
    top = body.get("thread")
    parent = top.get("parent") if isinstance(top, dict) else None
    while isinstance(parent, dict):
        n += 1
        parent = parent.get("parent")
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            n += 1
            replies = node.get("replies")
            if isinstance(replies, list):
                stack.extend(replies)
    return n
