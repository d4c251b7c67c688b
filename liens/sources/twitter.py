"""Reader for X/Twitter API JSON lines: API v2 response pages (twarc2) and API v1.1 tweets.

Schemas: "Tweet object" and "User object" of the X API v2 data dictionary
(https://developer.x.com/en/docs/x-api/data-dictionary/object-model/tweet, ``.../user``) and the
v1.1 "Tweet object" (https://developer.x.com/en/docs/x-api/v1/data-dictionary/object-model/tweet).
Tweet ids are snowflakes: a tweet without ``created_at`` is dated from its id, ``((id >> 22) +
1288834974657)`` milliseconds since 1970 ("Twitter IDs", https://developer.x.com/en/docs/
twitter-ids, and the snowflake README, github.com/twitter-archive/snowflake).

Each line of the file is either

- an API v2 response page as twarc2 writes it: ``data`` (tweets), ``includes.users``,
  ``includes.tweets`` (the tweets referenced: replied to, quoted, retweeted), ``meta``; a
  flattened twarc2 line (one tweet with ``author_id``) is read as a page of one;
- an API v1.1 tweet (``id_str`` and ``user``), as written by twarc 1, tweepy or the streaming
  API; its embedded ``retweeted_status`` and ``quoted_status`` are tweets of their own.

Mapping (account ids are the platform's numeric user ids; a user known only by a handle is
``@handle`` in lower case, so that it cannot collide with a numeric id):

==========================  ====================================================================
Source                      Canonical rows
==========================  ====================================================================
tweet                       event ``post``; ``reply`` when it answers a tweet (v2
                            ``referenced_tweets`` replied_to, v1.1 ``in_reply_to_status_id_str``;
                            target = the author replied to); ``share`` for a retweet (v2
                            retweeted, v1.1 ``retweeted_status``, or a text starting ``RT @name:``;
                            target = the retweeted author); ``quote`` for a quote tweet (target =
                            the quoted author). A reply that also quotes gives a second ``quote``
                            event ``<id>/q`` without a post of its own. parent = the tweet
                            answered, shared or quoted; root = ``conversation_id`` (v2).
mentions                    one ``mention`` event ``<id>/m/<account>`` per account the tweet
                            names (v2 ``entities.mentions``, v1.1 ``entities.user_mentions``),
                            except the author, the account a reply answers (Twitter prefixes its
                            handle) and the mentions of a retweet (they are the original's).
``public_metrics``, counts  a ``posts`` row: views = ``impression_count``; retweet, reply, like,
                            quote and bookmark counts in extra.
users (v2 ``includes``,     ``accounts``: handle = username / screen_name, display name, creation
v1.1 ``user``)              date, followers, following; other profile fields in extra.
==========================  ====================================================================

Fields without a canonical column go to ``extra`` (``source``, ``entities.urls``, ``geo``,
``context_annotations``, ...); a newer API version with more fields is read the same way.
A line that is not JSON, a stream notice (``delete``, ``limit``) and a tweet without ``id`` are
:class:`~liens.sources.base.Rejected` with their line. When the user gives ``--map``, the file
is read by the generic JSON lines reader instead.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zstandard

from liens.errors import SourceError
from liens.sources._rows import Rows, dumps, text_or_none
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import check_readable, open_text

__all__ = [
    "SNOWFLAKE_EPOCH_MS",
    "Tweet",
    "TwitterApiReader",
    "handle_account",
    "snowflake_ms",
    "tweet_rows",
]

#: Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in unix milliseconds.
SNOWFLAKE_EPOCH_MS = 1288834974657
# Ids issued before snowflakes (sequential, below about 3e10) carry no time. Any snowflake made
# later than 24 s after the epoch is above 1e11, so the threshold separates the two.
_FIRST_SNOWFLAKE = 100_000_000_000

_RT = re.compile(r"^RT @(\w{1,15}):?")
_HANDLE = re.compile(r"^\w{1,15}$")


def snowflake_ms(tweet_id: Any) -> int | None:
    """Unix milliseconds encoded in a snowflake tweet id, None for other ids.

    >>> snowflake_ms("353417323123720193")
    1373096230666
    """
    try:
        n = int(str(tweet_id).strip().strip("'\""))
    except (TypeError, ValueError):
        return None
    if n < _FIRST_SNOWFLAKE or n >= 1 << 63:
        return None
    return (n >> 22) + SNOWFLAKE_EPOCH_MS


def handle_account(handle: str) -> str:
    """The account id of a user known only by a handle: ``@`` and the handle in lower case."""
    return "@" + handle.lstrip("@").lower()


def tweet_url(tweet_id: str, handle: str | None) -> str:
    if handle and _HANDLE.match(handle):
        return f"https://twitter.com/{handle}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"


@dataclass
class Tweet:
    """One tweet, whatever the format it came in, before it becomes canonical rows."""

    id: str
    created_at: str | None
    author: str | None = None
    author_handle: str | None = None
    text: str | None = None
    lang: str | None = None
    reply_to_post: str | None = None
    reply_to_user: str | None = None
    shared_post: str | None = None
    shared_author: str | None = None
    quoted_post: str | None = None
    quoted_author: str | None = None
    conversation: str | None = None
    mentions: list[tuple[str, str]] = field(default_factory=list)  # (account, handle)
    hashtags: list[str] | None = None
    views: Any = None
    metrics: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def dated(self) -> Tweet:
        """Give a tweet without ``created_at`` the time of its snowflake id (noted in extra)."""
        if not self.created_at:
            ms = snowflake_ms(self.id)
            if ms is not None:
                self.created_at = str(ms)
                self.extra["time_from"] = "snowflake id"
        return self

    def share_from_text(self) -> None:
        """A retweet known only by its text: ``RT @name: ...`` shares name's tweet."""
        if self.shared_post or self.shared_author or not self.text:
            return
        m = _RT.match(self.text)
        if m:
            name = m.group(1)
            known = {h.lower(): a for a, h in self.mentions}
            self.shared_author = known.get(name.lower()) or handle_account(name)


def tweet_rows(t: Tweet, platform: str, context: str | None) -> list[dict[str, Any]]:
    """The canonical events of one tweet (see the module docstring)."""
    target = parent = None
    root = t.conversation
    if t.shared_post or t.shared_author:
        kind, target, parent = "share", t.shared_author, t.shared_post
    elif t.reply_to_post or t.reply_to_user:
        kind, target, parent = "reply", t.reply_to_user, t.reply_to_post
    elif t.quoted_post:
        kind, target, parent = "quote", t.quoted_author, t.quoted_post
        root = root or t.id
    else:
        kind, root = "post", root or t.id
    url = tweet_url(t.id, t.author_handle)
    handles = [h for _, h in t.mentions]
    base = {"platform": platform, "actor": t.author, "created_at": t.created_at, "context": context}
    rows = [
        {
            **base,
            "event_id": t.id,
            "kind": kind,
            "target": target,
            "text": t.text,
            "post_id": t.id,
            "parent_post_id": parent,
            "root_post_id": root,
            "lang": t.lang,
            "url": url,
            "hashtags": t.hashtags,
            "mentions": handles if t.mentions or t.hashtags is not None else None,
            "extra": dumps(t.extra),
        }
    ]
    if kind == "reply" and t.quoted_post:
        rows.append(
            {
                **base,
                "event_id": f"{t.id}/q",
                "kind": "quote",
                "target": t.quoted_author,
                "parent_post_id": t.quoted_post,
                "root_post_id": root,
                "url": url,
                "hashtags": [],
                "mentions": [],
                "extra": dumps({"tweet": t.id}),
            }
        )
    if kind != "share":
        seen = {t.author, target}
        for account, handle in t.mentions:
            if account in seen:
                continue
            seen.add(account)
            rows.append(
                {
                    **base,
                    "event_id": f"{t.id}/m/{account}",
                    "kind": "mention",
                    "target": account,
                    "post_id": t.id,
                    "root_post_id": root,
                    "url": url,
                    "hashtags": [],
                    "mentions": [handle],
                }
            )
    return rows


def post_row(t: Tweet, platform: str, context: str | None) -> dict[str, Any] | None:
    """A ``posts`` row carrying the tweet's counters, when the source gives any."""
    if not t.metrics and t.views is None:
        return None
    return {
        "platform": platform,
        "post_id": t.id,
        "author": t.author,
        "created_at": t.created_at,
        "context": context,
        "text": t.text,
        "url": tweet_url(t.id, t.author_handle),
        "views": t.views if isinstance(t.views, int) else None,
        "extra": dumps(t.metrics),
    }


class MissingField(ValueError):
    """A tweet lacks a field the reader needs."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _str_id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


# --------------------------------------------------------------------------- API v1.1

_V1_USED = frozenset(
    (
        "id", "id_str", "text", "full_text", "extended_tweet", "created_at", "user", "lang",
        "retweeted_status", "quoted_status", "quoted_status_id_str", "quoted_status_id",
        "in_reply_to_status_id", "in_reply_to_status_id_str", "in_reply_to_user_id",
        "in_reply_to_user_id_str", "in_reply_to_screen_name", "entities", "retweet_count",
        "favorite_count", "reply_count", "quote_count", "display_text_range",
    )
)  # fmt: skip
_V1_METRICS = ("retweet_count", "favorite_count", "reply_count", "quote_count")
_V1_USER_USED = frozenset(
    ("id", "id_str", "screen_name", "name", "created_at", "followers_count", "friends_count")
)


def v1_tweet(obj: dict, author: str | None = None, handle: str | None = None) -> Tweet:
    """A v1.1 tweet (also the tweets of an account archive, whose author is given)."""
    tid = _str_id(obj.get("id_str")) or _str_id(obj.get("id"))
    if tid is None:
        raise MissingField("id_str")
    user = _dict(obj.get("user"))
    if user:
        author = _str_id(user.get("id_str")) or _str_id(user.get("id"))
        handle = text_or_none(user.get("screen_name"))
    ext = _dict(obj.get("extended_tweet"))
    text = ext.get("full_text") or obj.get("full_text") or obj.get("text")
    entities = _dict(ext.get("entities")) or _dict(obj.get("entities"))
    mentions = []
    for m in _list(entities.get("user_mentions")):
        m = _dict(m)
        name = text_or_none(m.get("screen_name"))
        account = _str_id(m.get("id_str")) or _str_id(m.get("id"))
        if account is None and name:
            account = handle_account(name)
        if account:
            mentions.append((account, name or account))
    hashtags = [
        h["text"] for h in _list(entities.get("hashtags")) if isinstance(h, dict) and h.get("text")
    ]
    t = Tweet(
        id=tid,
        created_at=text_or_none(obj.get("created_at")),
        author=author,
        author_handle=handle,
        text=_unescape(text),
        lang=text_or_none(obj.get("lang")),
        reply_to_post=_str_id(obj.get("in_reply_to_status_id_str"))
        or _str_id(obj.get("in_reply_to_status_id")),
        reply_to_user=_str_id(obj.get("in_reply_to_user_id_str"))
        or _str_id(obj.get("in_reply_to_user_id")),
        mentions=mentions,
        hashtags=hashtags,
    )
    reply_handle = obj.get("in_reply_to_screen_name")
    if t.reply_to_user is None and isinstance(reply_handle, str) and reply_handle.strip():
        t.reply_to_user = handle_account(reply_handle)
    rs = _dict(obj.get("retweeted_status"))
    if rs:
        t.shared_post = _str_id(rs.get("id_str")) or _str_id(rs.get("id"))
        rs_user = _dict(rs.get("user"))
        t.shared_author = _str_id(rs_user.get("id_str")) or _str_id(rs_user.get("id"))
    qs = _dict(obj.get("quoted_status"))
    t.quoted_post = (
        _str_id(qs.get("id_str"))
        or _str_id(obj.get("quoted_status_id_str"))
        or _str_id(obj.get("quoted_status_id"))
    )
    if qs:
        qs_user = _dict(qs.get("user"))
        t.quoted_author = _str_id(qs_user.get("id_str")) or _str_id(qs_user.get("id"))
    t.share_from_text()
    # Archives write the counters as strings ("41").
    t.metrics = {k: _int(obj[k]) for k in _V1_METRICS if obj.get(k) is not None}
    rest_entities = {k: v for k, v in entities.items() if k not in ("user_mentions", "hashtags")}
    t.extra = {k: v for k, v in obj.items() if k not in _V1_USED and v is not None}
    if rest_entities:
        t.extra["entities"] = rest_entities
    return t.dated()


def v1_account(user: dict, platform: str) -> dict[str, Any] | None:
    account = _str_id(user.get("id_str")) or _str_id(user.get("id"))
    if account is None:
        return None
    return {
        "platform": platform,
        "account_id": account,
        "handle": text_or_none(user.get("screen_name")),
        "display_name": text_or_none(user.get("name")),
        "created_at": text_or_none(user.get("created_at")),
        "followers": _count(user.get("followers_count")),
        "following": _count(user.get("friends_count")),
        "extra": dumps(
            {
                k: v
                for k, v in user.items()
                if k not in _V1_USER_USED and v is not None and not k.startswith("profile_")
            }
        ),
    }


def _unescape(text: Any) -> str | None:
    """Tweet texts escape &, < and > as HTML entities; the canonical text is plain."""
    if not isinstance(text, str):
        return None
    return html.unescape(text) if "&" in text else text


def _int(value: Any) -> Any:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --------------------------------------------------------------------------- API v2

_V2_USED = frozenset(
    (
        "id", "text", "note_tweet", "author_id", "created_at", "lang", "referenced_tweets",
        "in_reply_to_user_id", "conversation_id", "entities", "public_metrics", "author",
    )
)  # fmt: skip
_V2_USER_USED = frozenset(("id", "username", "name", "created_at", "public_metrics"))


def v2_tweet(
    obj: dict, users: dict[str, dict], tweets: dict[str, dict], authors: dict[str, str]
) -> Tweet:
    """A v2 tweet; ``tweets`` are the page's tweets, ``authors`` those of the whole file."""
    tid = _str_id(obj.get("id"))
    if tid is None:
        raise MissingField("id")
    author = _str_id(obj.get("author_id"))
    handle = text_or_none(_dict(users.get(author or "")).get("username"))
    if handle is None:  # twarc2 flattened lines embed the author
        handle = text_or_none(_dict(obj.get("author")).get("username"))
    note = _dict(obj.get("note_tweet")).get("text")
    text = note if isinstance(note, str) else obj.get("text")
    entities = _dict(_dict(obj.get("note_tweet")).get("entities")) or _dict(obj.get("entities"))
    mentions = []
    for m in _list(entities.get("mentions")):
        m = _dict(m)
        name = text_or_none(m.get("username"))
        account = _str_id(m.get("id")) or (handle_account(name) if name else None)
        if account:
            mentions.append((account, name or account))
    hashtags = [
        h["tag"] for h in _list(entities.get("hashtags")) if isinstance(h, dict) and h.get("tag")
    ]
    metrics = dict(_dict(obj.get("public_metrics")))
    t = Tweet(
        id=tid,
        created_at=text_or_none(obj.get("created_at")),
        author=author,
        author_handle=handle,
        text=_unescape(text),
        lang=text_or_none(obj.get("lang")),
        reply_to_user=_str_id(obj.get("in_reply_to_user_id")),
        conversation=_str_id(obj.get("conversation_id")),
        mentions=mentions,
        hashtags=hashtags,
        views=metrics.pop("impression_count", None),
        metrics=metrics,
    )
    for ref in _list(obj.get("referenced_tweets")):
        ref = _dict(ref)
        rid = _str_id(ref.get("id"))
        ref_author = _str_id(_dict(tweets.get(rid or "")).get("author_id")) or authors.get(
            rid or ""
        )
        kind = ref.get("type")
        if kind == "replied_to":
            t.reply_to_post = rid
            t.reply_to_user = t.reply_to_user or ref_author
        elif kind == "retweeted":
            t.shared_post, t.shared_author = rid, ref_author
        elif kind == "quoted":
            t.quoted_post, t.quoted_author = rid, ref_author
    t.share_from_text()
    rest_entities = {k: v for k, v in entities.items() if k not in ("mentions", "hashtags")}
    t.extra = {k: v for k, v in obj.items() if k not in _V2_USED and v is not None}
    if rest_entities:
        t.extra["entities"] = rest_entities
    return t.dated()


def v2_account(user: dict, platform: str) -> dict[str, Any] | None:
    account = _str_id(user.get("id"))
    if account is None:
        return None
    metrics = _dict(user.get("public_metrics"))
    extra = {k: v for k, v in user.items() if k not in _V2_USER_USED and v is not None}
    extra.update({k: v for k, v in metrics.items() if k not in _FOLLOW_COUNTS})
    return {
        "platform": platform,
        "account_id": account,
        "handle": text_or_none(user.get("username")),
        "display_name": text_or_none(user.get("name")),
        "created_at": text_or_none(user.get("created_at")),
        "followers": _count(metrics.get("followers_count")),
        "following": _count(metrics.get("following_count")),
        "extra": dumps(extra),
    }


_FOLLOW_COUNTS = ("followers_count", "following_count")


# --------------------------------------------------------------------------- the reader

_NOTICES = ("delete", "limit", "scrub_geo", "status_withheld", "user_withheld", "disconnect")
_V2_HINTS = (b'"author_id"', b'"edit_history_tweet_ids"', b'"conversation_id"', b'"includes"')
_V2_PAGE = re.compile(rb'^\s*\{\s*"data"\s*:\s*[\[{]')
_V1_HINTS = (b'"user"', b'"in_reply_to_status_id_str"', b'"retweeted"')


class _Accounts:
    """Accounts seen since the last chunk, each once (the same user comes with every tweet)."""

    def __init__(self, limit: int) -> None:
        self.rows: dict[str, tuple[int, dict]] = {}
        self.limit = limit

    def add(self, record: int, row: dict | None) -> bool:
        if row is not None:
            self.rows[row["account_id"]] = (record, row)
        return len(self.rows) >= self.limit

    def drain(self, rows: Rows) -> Iterator[Chunk]:
        for record, row in self.rows.values():
            yield from rows.add("accounts", record, row)
        self.rows.clear()


def _authors(path: Path) -> dict[str, str]:
    """tweet id -> author id for every v2 tweet of the file (data and includes)."""
    authors: dict[str, str] = {}
    try:
        with open_text(path) as fh:
            for line in fh:
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue  # reported by the second pass
                if not isinstance(obj, dict):
                    continue
                data = obj.get("data", obj)
                items = [data] if isinstance(data, dict) else _list(data)
                items += _list(_dict(obj.get("includes")).get("tweets"))
                for t in items:
                    if isinstance(t, dict):
                        tid, author = _str_id(t.get("id")), _str_id(t.get("author_id"))
                        if tid and author:
                            authors[tid] = author
    except (EOFError, OSError, zstandard.ZstdError):
        pass  # the second pass reports a damaged file
    return authors


class TwitterApiReader:
    """X/Twitter API JSON lines: v2 response pages (twarc2) or v1.1 tweets."""

    name = "twitter"
    description = (
        "X/Twitter API JSON lines: v2 response pages as written by twarc2 (data + includes) "
        "or v1.1 tweets (id_str + user)"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        first = head.lstrip().split(b"\n", 1)[0]
        if not first.startswith(b"{"):
            return False
        if _V2_PAGE.match(first):
            return any(h in first for h in _V2_HINTS)
        if b'"id_str"' in first and any(h in first for h in _V1_HINTS):
            return True
        # A flattened twarc2 line: one tweet with its author expanded.
        return b'"edit_history_tweet_ids"' in first and b'"author_id"' in first

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the tweets, users and counters of each line (see the module docstring)."""
        if options.columns:
            from liens.sources.tabular import JsonLinesReader

            yield from JsonLinesReader().read(path, options)
            return
        check_readable(path)
        platform = options.platform or "twitter"
        context = options.constants.get("context")
        rows = Rows(options.batch_rows)
        accounts = _Accounts(options.batch_rows)
        # v2 pages reference tweets of other pages: a first pass learns every tweet's author,
        # so that a tweet reads the same (same target) wherever it appears in the file.
        self.authors = _authors(path) if self._is_v2(path) else {}
        lineno = 0
        try:
            with open_text(path) as fh:
                for lineno, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    for item in self._line(line, lineno, platform, context, accounts):
                        if isinstance(item, Rejected):
                            yield item
                        else:
                            yield from rows.add(*item)
                    if len(accounts.rows) >= options.batch_rows:
                        yield from accounts.drain(rows)
        except (EOFError, OSError, zstandard.ZstdError) as exc:
            raise SourceError(
                f"the file ends early or is damaged after line {lineno} ({exc}); "
                "nothing was imported from it",
                path=path,
            ) from None
        yield from accounts.drain(rows)
        yield from rows.flush()

    def _is_v2(self, path: Path) -> bool:
        from liens.sources.files import head

        first = head(path).lstrip().split(b"\n", 1)[0]
        return bool(_V2_PAGE.match(first)) or b'"edit_history_tweet_ids"' in first

    def _line(
        self, line: str, lineno: int, platform: str, context: str | None, accounts: _Accounts
    ) -> Iterator[Rejected | tuple[str, int, dict]]:
        raw = line.rstrip("\r\n")
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield Rejected(lineno, f"invalid JSON: {exc}", raw, line=lineno)
            return
        if not isinstance(obj, dict):
            yield Rejected(lineno, "a line must be a JSON object", raw, line=lineno)
            return
        if "data" in obj:
            yield from self._page(obj, raw, lineno, platform, context, accounts)
        elif "id_str" in obj or ("user" in obj and "id" in obj):
            yield from self._v1(obj, raw, lineno, platform, context, accounts)
        elif "id" in obj and ("author_id" in obj or "edit_history_tweet_ids" in obj):
            author = _dict(obj.get("author"))
            page = {"data": [obj], "includes": {"users": [author] if author else []}}
            yield from self._page(page, raw, lineno, platform, context, accounts)
        else:
            notice = next((k for k in _NOTICES if k in obj), None)
            reason = (
                f"stream notice ({notice}), not a tweet"
                if notice
                else "not a tweet: neither an API v2 page (data) nor a v1.1 tweet (id_str, user)"
            )
            yield Rejected(lineno, reason, raw, line=lineno)

    def _page(
        self,
        obj: dict,
        raw: str,
        lineno: int,
        platform: str,
        context: str | None,
        accounts: _Accounts,
    ) -> Iterator[Rejected | tuple[str, int, dict]]:
        data = obj.get("data")
        data = [data] if isinstance(data, dict) else _list(data)
        includes = _dict(obj.get("includes"))
        users: dict[str, dict] = {}
        for u in _list(includes.get("users")):
            if isinstance(u, dict) and _str_id(u.get("id")):
                users[_str_id(u.get("id"))] = u
                accounts.add(lineno, v2_account(u, platform))
        included = [t for t in _list(includes.get("tweets")) if isinstance(t, dict)]
        tweets = {_str_id(t.get("id")): t for t in [*included, *data] if isinstance(t, dict)}
        if not data and not included:
            yield Rejected(
                lineno,
                "an API v2 page without tweets (data is empty)",
                raw,
                line=lineno,
                field="data",
            )
            return
        for source, items in (("data", data), ("includes.tweets", included)):
            for item in items:
                if not isinstance(item, dict):
                    yield Rejected(
                        lineno,
                        f"{source}: a tweet must be an object",
                        raw[:2000],
                        line=lineno,
                        field=source,
                    )
                    continue
                try:
                    t = v2_tweet(item, users, tweets, self.authors)
                except MissingField as e:
                    yield Rejected(
                        lineno,
                        f"{source}: tweet without {e.field}",
                        json.dumps(item, ensure_ascii=False),
                        line=lineno,
                        field=e.field,
                    )
                    continue
                if source != "data":
                    t.extra["included"] = True
                yield from self._emit(t, lineno, platform, context)

    def _v1(
        self,
        obj: dict,
        raw: str,
        lineno: int,
        platform: str,
        context: str | None,
        accounts: _Accounts,
    ) -> Iterator[Rejected | tuple[str, int, dict]]:
        embedded = [
            (key, obj[key])
            for key in ("retweeted_status", "quoted_status")
            if isinstance(obj.get(key), dict)
        ]
        for key, tweet in [("tweet", obj), *embedded]:
            try:
                t = v1_tweet(tweet)
            except MissingField as e:
                yield Rejected(
                    lineno, f"{key}: tweet without {e.field}", raw, line=lineno, field=e.field
                )
                continue
            user = _dict(tweet.get("user"))
            if user:
                accounts.add(lineno, v1_account(user, platform))
            if key != "tweet":
                t.extra["embedded_in"] = _str_id(obj.get("id_str")) or _str_id(obj.get("id"))
            t.extra.pop("retweeted_status", None)
            t.extra.pop("quoted_status", None)
            yield from self._emit(t, lineno, platform, context)

    @staticmethod
    def _emit(
        t: Tweet, lineno: int, platform: str, context: str | None
    ) -> Iterator[tuple[str, int, dict]]:
        for row in tweet_rows(t, platform, context):
            yield ("events", lineno, row)
        post = post_row(t, platform, context)
        if post is not None:
            yield ("posts", lineno, post)
