"""Reader for flat tweet tables: CSV files with one tweet per row and its text.

Research collections and scrapers write tweets as CSV with an id column and the text (CrisisLex
``Tweet ID, Tweet Text, ...``, ``tweet id, tweet, label``; twint ``id, date, username, tweet,
...``; exports with ``tweet_id, created_at, screen_name, text``). Such files carry no structured
reply or retweet fields, so the interactions are read from the text, as Twitter users wrote
them:

- ``RT @name: ...`` at the start is a ``share`` of name's tweet (target = name): the rest of the
  text is name's, so it gives no mention of the sharer;
- ``own words RT @name: ...`` (a retweet with comment, before quote tweets existed) is a
  ``quote`` addressed to name;
- every other ``@name`` in the sharer's own words is a ``mention`` event ``<id>/m/@name``;
- a reply column (``in_reply_to_status_id``, ``in_reply_to_user_id`` or
  ``in_reply_to_screen_name``, ``reply_to``) makes the tweet a ``reply``.

Columns are recognised by name, case and spaces ignored: id (``tweet id``, ``tweet_id``,
``tweet-id``, ``id``, ``status_id``), text (``tweet text``, ``tweet``, ``text``, ``full_text``,
``content``), author (``user_id``, ``author_id``; ``username``, ``screen_name``, ``user``),
time (``created_at``, ``date``, ``timestamp``, ``datetime``; twint's separate ``date`` and
``time``), ``lang``/``language``. Other columns (labels such as CrisisLex's Informativeness) go to
``extra``. Ids may be quoted (``'325208201740029952'``). Without a time column the time is the
id's snowflake: ``((id >> 22) + 1288834974657)`` ms ("Twitter IDs",
https://developer.x.com/en/docs/twitter-ids). Authors known by handle only are ``@handle`` in
lower case (see :func:`liens.sources.twitter.handle_account`); when the table names no author
the actor stays NULL.

A row whose field count does not match the header, or with neither a usable id nor a time,
becomes a :class:`~liens.sources.base.Rejected` with its line.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zstandard

from liens.errors import SourceError
from liens.sources._rows import Rows
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import check_readable, open_text
from liens.sources.twitter import Tweet, handle_account, tweet_rows

__all__ = ["TwitterCsvReader"]

_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("tweet id", "tweet_id", "tweet-id", "tweetid", "id_str", "status_id", "id"),
    "text": ("tweet text", "tweet_text", "tweet", "full_text", "text", "content"),
    "author_id": ("user_id", "author_id", "user id", "from_user_id", "user_id_str"),
    "handle": ("username", "screen_name", "user_screen_name", "user", "from_user", "author"),
    "created_at": ("created_at", "timestamp", "datetime", "tweet_created_at", "date"),
    "time": ("time",),
    "lang": ("lang", "language"),
    "reply_post": ("in_reply_to_status_id", "in_reply_to_status_id_str"),
    "reply_user": ("in_reply_to_user_id", "in_reply_to_user_id_str"),
    "reply_handle": ("in_reply_to_screen_name",),
}
# A header is a tweet table when it names a tweet id, or an id and a tweet text.
_TWEET_IDS = {"tweet id", "tweet_id", "tweet-id", "tweetid", "status_id", "id_str"}
_TWEET_TEXTS = {"tweet", "tweet text", "tweet_text", "full_text"}

_RT_START = re.compile(r"^RT @(\w{1,15}):?\s*")
_RT_LATER = re.compile(r"(?:^|\s)RT @(\w{1,15}):?")
_MENTION = re.compile(r"(?<![\w@/.])@(\w{1,15})\b")
_ID = re.compile(r"^\d{1,20}$")


def _key(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower()


def _columns(header: list[str]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    found: dict[str, int] = {}
    for role, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in keys:
                found[role] = keys.index(alias)
                break
    # twint writes "date" and "time" apart: the date column then is not a full time.
    return found


def _clean_id(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip().strip("'\"").strip()
    return v if _ID.match(v) else None


def text_events(
    tid: str | None, text: str | None, author: str | None
) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """(kind from text or None, target, mentions in the author's own words) of a tweet text."""
    if not text:
        return None, None, []
    m = _RT_START.match(text)
    if m:
        return "share", handle_account(m.group(1)), []
    later = _RT_LATER.search(text)
    own = text[: later.start()] if later else text
    mentions = [(handle_account(h), h) for h in _MENTION.findall(own)]
    if later:
        return "quote", handle_account(later.group(1)), mentions
    return None, None, mentions


def _parse_line(line: str, delimiter: str) -> list[str] | None:
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True, strict=True))
    except (csv.Error, StopIteration):
        return None


class TwitterCsvReader:
    """Flat tweet tables (CSV) with the tweet text: CrisisLex, twint and similar exports."""

    name = "twitter-csv"
    description = (
        "tweets as CSV rows with an id and the text (CrisisLex, twint, ...): shares, quotes "
        "and mentions read from 'RT @name:' and '@name'"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        first = text.split("\n", 1)[0].strip()
        if not first or first.startswith(("{", "[", "<")):
            return False
        try:
            header = next(csv.reader([first], skipinitialspace=True))
        except csv.Error:
            return False
        keys = {_key(h) for h in header}
        return bool(keys & _TWEET_IDS) or ("id" in keys and bool(keys & _TWEET_TEXTS))

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the rows as tweets (see the module docstring)."""
        check_readable(path)
        platform = options.platform or "twitter"
        context = options.constants.get("context")
        rows = Rows(options.batch_rows)
        delimiter = options.delimiter or ","
        if delimiter in ("\\t", "tab"):
            delimiter = "\t"
        record = 0
        lineno = 0
        try:
            with open_text(path) as fh:
                header_line = fh.readline()
                lineno = 1
                header = next(
                    csv.reader([header_line], delimiter=delimiter, skipinitialspace=True), []
                )
                cols = _columns(header)
                if "id" not in cols and "created_at" not in cols:
                    raise SourceError(
                        "no tweet id or time column in the header "
                        f"({', '.join(h.strip() for h in header[:20])})",
                        path=path,
                        line=1,
                    )
                used = set(cols.values())
                rest = [(i, h.strip()) for i, h in enumerate(header) if i not in used]
                pending: list[str] = []
                seen = [1]  # lines read so far

                def feed() -> Iterator[str]:
                    for text_line in fh:
                        seen[0] += 1
                        pending.append(text_line)
                        yield text_line

                # csv.reader pulls lines until a record is complete, never further: the lines
                # pending after each record are exactly that record's raw text.
                for fields in csv.reader(feed(), delimiter=delimiter, skipinitialspace=True):
                    lineno = seen[0] - len(pending) + 1
                    raw = "".join(pending).rstrip("\r\n")
                    pending.clear()
                    if not fields or (len(fields) == 1 and not fields[0].strip()):
                        continue
                    parts = [(lineno, raw, fields)]
                    if len(fields) != len(header) and "\n" in raw:
                        # A broken quote swallowed the lines after it: read them one by one,
                        # so that it costs one record, not the rest of the file.
                        parts = [
                            (lineno + k, part, _parse_line(part, delimiter))
                            for k, part in enumerate(raw.split("\n"))
                            if part.strip()
                        ]
                    for at, text_raw, values in parts:
                        record += 1
                        if values is None or len(values) != len(header):
                            found = "unparsable quoting" if values is None else len(values)
                            yield Rejected(
                                record,
                                f"expected {len(header)} fields, found {found}",
                                text_raw,
                                line=at,
                            )
                            continue
                        item = self._row(values, cols, rest, platform, context)
                        if isinstance(item, str):
                            yield Rejected(record, item, text_raw, line=at, field="id")
                            continue
                        for row in item:
                            yield from rows.add("events", record, row)
        except csv.Error as exc:
            raise SourceError(f"cannot read as CSV: {exc}", path=path, line=lineno) from None
        except (EOFError, OSError, zstandard.ZstdError) as exc:
            raise SourceError(
                f"the file ends early or is damaged after line {lineno} ({exc}); "
                "nothing was imported from it",
                path=path,
            ) from None
        yield from rows.flush()

    @staticmethod
    def _row(
        fields: list[str],
        cols: dict[str, int],
        rest: list[tuple[int, str]],
        platform: str,
        context: str | None,
    ) -> list[dict[str, Any]] | str:
        def get(role: str) -> str | None:
            i = cols.get(role)
            if i is None:
                return None
            v = fields[i].strip()
            return v or None

        raw_id = get("id")
        tid = _clean_id(raw_id)
        created = get("created_at")
        if created and get("time") and len(created) <= 10:
            created = f"{created} {get('time')}"
        if tid is None and not created:
            return f"tweet id {raw_id!r} is not a number and the row has no time"
        if tid is None:
            return f"tweet id {raw_id!r} is not a number"
        text = get("text")
        if text and "&" in text:
            text = html.unescape(text)
        handle = get("handle")
        author = _clean_id(get("author_id")) or (handle_account(handle) if handle else None)
        t = Tweet(
            id=tid,
            created_at=created,
            author=author,
            author_handle=handle,
            text=text,
            lang=get("lang"),
        )
        kind, target, mentions = text_events(tid, text, author)
        t.mentions = mentions
        if kind == "share":
            t.shared_author = target
        elif kind == "quote":
            t.quoted_author = target
            t.extra["quote_from_text"] = True
        reply_post = _clean_id(get("reply_post"))
        reply_user = _clean_id(get("reply_user"))
        reply_handle = get("reply_handle")
        if reply_post or reply_user or reply_handle:
            t.reply_to_post = reply_post
            t.reply_to_user = reply_user or (handle_account(reply_handle) if reply_handle else None)
        t.extra.update({name: fields[i] for i, name in rest if fields[i] != ""})
        t.dated()
        if not t.created_at:
            return f"tweet id {tid} carries no time (not a snowflake) and the row has no time"
        out = tweet_rows(t, platform, context)
        # The text's own mentions and hashtags are extracted by the store; a share's quoted
        # text still names its accounts, which the mentions column keeps.
        out[0]["mentions"] = None
        out[0]["hashtags"] = None
        return out
