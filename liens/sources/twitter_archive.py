"""Reader for the X/Twitter account archive ("Download an archive of your data").

The archive is a folder (or its ``data/`` sub-folder) of JavaScript files, each assigning a JSON
array: ``window.YTD.tweets.part0 = [ ... ]``. Its layout is described by the ``README.txt`` that
comes with every archive ("How to read your archive") and by X's help page "How to download your
X archive" (https://help.x.com/en/managing-your-account/how-to-download-your-x-archive). The
reader accepts the zip X sends (``twitter-YYYY-MM-DD-<hash>.zip``: ``Your archive.html``,
``assets/``, ``data/*.js``; recognised by content, whatever its name), the unzipped folder or one
of its files; a file alone still reads ``account.js`` and ``manifest.js`` beside it, to know the
owner and the archive's date. Zip members are streamed with :mod:`zipfile`, never extracted;
errors and rejected entries name the member (``<zip>/data/tweets.js``, ``data/tweets.js: ...``).

Mapping (the owner is ``account.js`` ``accountId``, else ``manifest.js`` ``userInfo.accountId``;
account ids are numeric user ids):

====================================  ==========================================================
Archive file (``window.YTD.<name>``)   Canonical rows
====================================  ==========================================================
``account``                            ``accounts``: the owner (owned), handle, display name,
                                       creation date; e-mail and phone are not read.
``tweets`` / ``tweet`` (``tweets-      as API v1.1 tweets (see :mod:`liens.sources.twitter`),
part1.js`` ...)                        the author being the owner: post, reply, ``share`` for
                                       ``RT @name:`` texts, quote, one ``mention`` per mentioned
                                       account; retweet and favourite counts in ``posts``.
``like``                               ``reaction`` of the owner on ``tweetId``; the liked text in
                                       extra. Likes are not dated in the archive: the time is the
                                       liked tweet's own (from its snowflake id), a lower bound,
                                       noted in ``extra.time_from``.
``follower`` / ``following``           ``follow`` (follower -> owner, owner -> followed). Follows
                                       are not dated either: the time is the archive's
                                       generation date (``manifest.js``), else the file's
                                       modification time (a zip member's date, read in the
                                       ``--tz`` zone), noted in ``extra.time_from``.
``direct_messages``,                   ``message`` from ``senderId`` to ``recipientId`` (group
``direct_messages_group``              conversations: no single recipient), context ``dm:<id>``;
                                       each reaction in ``reactions`` is a ``reaction`` on the
                                       message; joins and leaves are ``join`` / ``leave``; a
                                       renamed conversation is ``edit``.
====================================  ==========================================================

Event ids: the tweet id for tweets, ``like/<owner>/<tweet>``, ``follow/<from>/<to>``,
``dm/<message id>`` and ``dm/<message id>/r/<reaction id>``. A file that does not parse as the
archive's JavaScript (damaged, cut; in a zip also a bad CRC or a cut deflate stream) raises
:class:`~liens.errors.SourceError` with its line; an entry without its id becomes a
:class:`~liens.sources.base.Rejected` with the file's name.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from liens.errors import SourceError
from liens.sources._rows import Rows, dumps, text_or_none
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import ZIP_OPEN_ERRORS, check_readable, head, is_zip, open_text
from liens.sources.twitter import (
    MissingField,
    post_row,
    snowflake_ms,
    tweet_rows,
    v1_tweet,
)

__all__ = ["TwitterArchiveReader", "iter_js_array"]

_YTD = re.compile(rb"^\s*window\.YTD\.([A-Za-z0-9_]+)\.part\d+\s*=\s*\[")
# Files whose entries are read, by their YTD name.
_KINDS = {
    "tweets": "tweets",
    "tweet": "tweets",
    "like": "likes",
    "follower": "followers",
    "following": "following",
    "direct_messages": "dms",
    "direct_message": "dms",
    "direct_messages_group": "dms",
    "direct_message_group": "dms",
    "account": "account",
}
_DM_KINDS = {
    "joinConversation": "join",
    "participantsJoin": "join",
    "participantsLeave": "leave",
    "conversationNameUpdate": "edit",
}
_ORDER = ("account", "tweets", "likes", "followers", "following", "dms")
_BLOCK = 1 << 20


class _Member:
    """One file of the archive: a file on disk or a member of the downloaded zip."""

    name: str  # as shown in reasons: "tweets.js", or "data/tweets.js" inside a zip
    where: str  # as shown in errors: the path, or "<zip>/data/tweets.js"

    @contextmanager
    def open_text(self) -> Iterator[IO[str]]:  # pragma: no cover - overridden
        raise NotImplementedError
        yield

    def head(self, size: int = 4096) -> bytes:  # pragma: no cover - overridden
        raise NotImplementedError

    def snapshot_time(self) -> tuple[str, str]:  # pragma: no cover - overridden
        raise NotImplementedError


class _FileMember(_Member):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.where = str(path)

    @contextmanager
    def open_text(self) -> Iterator[IO[str]]:
        with open_text(self.path) as fh:
            yield fh

    def head(self, size: int = 4096) -> bytes:
        return head(self.path, size)

    def snapshot_time(self) -> tuple[str, str]:
        mtime = dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)
        return mtime.isoformat(), "file modification time (follows are not dated)"


# What reading a damaged zip member raises: a bad CRC or header (BadZipFile), a cut deflate
# stream (zlib.error, EOFError); opening one also an encrypted member (RuntimeError) or an
# unsupported compression method (NotImplementedError).
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
_ZIP_ERRORS = (*_ZIP_READ_ERRORS, *ZIP_OPEN_ERRORS, RuntimeError)


class _ZipMember(_Member):
    """A member of the zip X sends (``twitter-YYYY-MM-DD-<hash>.zip``), read without extracting."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, zip_path: Path) -> None:
        self.zf = zf
        self.info = info
        self.name = info.filename
        self.where = f"{zip_path}/{info.filename}"

    @contextmanager
    def open_text(self) -> Iterator[IO[str]]:
        try:
            raw = self.zf.open(self.info)
        except _ZIP_ERRORS as exc:
            raise SourceError(
                f"cannot open this member of the zip ({exc})", path=self.where
            ) from None
        with io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="") as fh:
            try:
                yield fh
            except _ZIP_READ_ERRORS as exc:
                raise SourceError(
                    f"this member of the zip is damaged or cut ({exc}); nothing was imported",
                    path=self.where,
                ) from None

    def head(self, size: int = 4096) -> bytes:
        try:
            with self.zf.open(self.info) as fh:
                return fh.read(size)
        except _ZIP_ERRORS as exc:
            # Never skipped silently: a member that cannot be read stops the import.
            raise SourceError(
                f"this member of the zip is damaged or cut ({exc}); nothing was imported",
                path=self.where,
            ) from None

    def snapshot_time(self) -> tuple[str, str]:
        # Zip times carry no zone: the value stays naive and is read in the --tz zone.
        when = dt.datetime(*self.info.date_time).isoformat()
        return when, "the zip member's date (follows are not dated)"


def iter_js_array(file: Path | _Member) -> Iterator[tuple[int, int, Any]]:
    """The entries of ``window.YTD.x.part0 = [ ... ]`` as (index, line, value), one at a time.

    ``file`` is a path or a member of a zipped archive. The file is decoded a block at a time:
    an archive's tweets.js can be hundreds of megabytes.
    """
    member = file if isinstance(file, _Member) else _FileMember(Path(file))
    path = member.where
    decoder = json.JSONDecoder()
    with member.open_text() as fh:
        buf = fh.read(_BLOCK)
        eof = not buf
        start = buf.find("[")
        if not buf.lstrip().startswith("window.") or start < 0:
            raise SourceError("not a file of the X/Twitter archive (window.YTD...)", path=path)
        line = 1 + buf.count("\n", 0, start)
        pos, index = start + 1, 0
        while True:
            while True:  # skip blanks and commas, reading on when the block ends
                while pos < len(buf) and buf[pos] in " \t\r\n,":
                    if buf[pos] == "\n":
                        line += 1
                    pos += 1
                if pos < len(buf) or eof:
                    break
                buf, pos = fh.read(_BLOCK), 0
                eof = not buf
            if pos >= len(buf):
                raise SourceError("the file ends before its closing ']'", path=path, line=line)
            if buf[pos] == "]":
                return
            while True:
                try:
                    value, end = decoder.raw_decode(buf, pos)
                    break
                except ValueError as exc:
                    more = "" if eof else fh.read(_BLOCK)
                    if not more:
                        raise SourceError(
                            f"not valid archive JSON ({exc.args[0].split(':')[0]})",
                            path=path,
                            line=line,
                        ) from None
                    buf, pos = buf[pos:] + more, 0
            index += 1
            yield index, line, value
            line += buf.count("\n", pos, end)
            pos = end


def _name_of(member: _Member) -> str | None:
    m = _YTD.match(member.head(4096))
    return m.group(1).decode("ascii") if m else None


def _archive_files(members: list[_Member], *, strict: bool = True) -> dict[str, list[_Member]]:
    """The archive's readable files by kind. A member that cannot be read raises a SourceError
    naming it, or with ``strict=False`` (to recognise the archive) is passed over."""
    found: dict[str, list[_Member]] = {}
    for member in members:
        try:
            name = _name_of(member)
        except SourceError:
            if strict:
                raise
            continue
        kind = _KINDS.get(name or "")
        if kind:
            found.setdefault(kind, []).append(member)
    return found


def _folder_members(folder: Path) -> list[_Member]:
    """The ``*.js`` files of the archive root's data/ folder, or of the folder itself."""
    data = folder / "data" if (folder / "data").is_dir() else folder
    return [_FileMember(f) for f in sorted(data.glob("*.js"))]


def _zip_members(zf: zipfile.ZipFile, zip_path: Path) -> list[_Member]:
    """The ``*.js`` members of the zip's ``data/`` folder (at its root, or one level down when
    the archive was zipped again with its folder), or of its root."""
    infos = [i for i in zf.infolist() if not i.is_dir() and i.filename.endswith(".js")]
    folders = {posixpath.dirname(i.filename) for i in infos}
    data = [f for f in folders if f == "data" or f.endswith("/data")]
    chosen = min(data, key=len) if data else ""
    return [_ZipMember(zf, i, zip_path) for i in infos if posixpath.dirname(i.filename) == chosen]


def _manifest(members: list[_Member]) -> dict:
    for member in members:
        if posixpath.basename(member.name) != "manifest.js":
            continue
        try:
            with member.open_text() as fh:
                text = fh.read()
        except SourceError:
            return {}
        brace = text.find("{")
        try:
            value = json.loads(text[brace:].rstrip().rstrip(";"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
    return {}


class _Archive:
    """One read: the owner and the date that undated entries take."""

    def __init__(self, members: list[_Member], options: ReadOptions) -> None:
        self.platform = options.platform or "twitter"
        self.context = options.constants.get("context")
        self.rows = Rows(options.batch_rows)
        manifest = _manifest(members)
        user = manifest.get("userInfo") if isinstance(manifest.get("userInfo"), dict) else {}
        self.owner: str | None = text_or_none(user.get("accountId"))
        self.handle: str | None = text_or_none(user.get("userName"))
        info = manifest.get("archiveInfo") if isinstance(manifest.get("archiveInfo"), dict) else {}
        self.generated = text_or_none(info.get("generationDate"))

    def read_account(self, file: _Member) -> Iterator[Chunk | Rejected]:
        for index, line, entry in iter_js_array(file):
            acc = entry.get("account") if isinstance(entry, dict) else None
            if not isinstance(acc, dict) or not text_or_none(acc.get("accountId")):
                yield _reject(file, index, line, entry, "account without accountId", "accountId")
                continue
            self.owner = text_or_none(acc["accountId"])
            self.handle = text_or_none(acc.get("username")) or self.handle
            row = {
                "platform": self.platform,
                "account_id": self.owner,
                "handle": self.handle,
                "display_name": text_or_none(acc.get("accountDisplayName")),
                "created_at": text_or_none(acc.get("createdAt")),
                "owned": True,
                "extra": dumps({"created_via": acc.get("createdVia")}),
            }
            yield from self.rows.add("accounts", index, row)

    def read_tweets(self, file: _Member) -> Iterator[Chunk | Rejected]:
        for index, line, entry in iter_js_array(file):
            # Archives since 2019 wrap each tweet in {"tweet": {...}}; older ones do not.
            tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
            if not isinstance(tweet, dict):
                yield _reject(file, index, line, entry, "a tweet must be an object", None)
                continue
            try:
                t = v1_tweet(tweet, self.owner, self.handle)
            except MissingField as e:
                yield _reject(file, index, line, entry, f"tweet without {e.field}", e.field)
                continue
            for row in tweet_rows(t, self.platform, self.context):
                yield from self.rows.add("events", index, row)
            post = post_row(t, self.platform, self.context)
            if post is not None:
                yield from self.rows.add("posts", index, post)

    def read_likes(self, file: _Member) -> Iterator[Chunk | Rejected]:
        for index, line, entry in iter_js_array(file):
            like = entry.get("like") if isinstance(entry, dict) else None
            tweet = text_or_none(like.get("tweetId")) if isinstance(like, dict) else None
            if tweet is None:
                yield _reject(file, index, line, entry, "like without tweetId", "tweetId")
                continue
            ms = snowflake_ms(tweet)
            row = {
                "event_id": f"like/{self.owner or 'unknown'}/{tweet}",
                "platform": self.platform,
                "kind": "reaction",
                "actor": self.owner,
                "created_at": str(ms) if ms is not None else None,
                "post_id": tweet,
                "context": self.context,
                "url": text_or_none(like.get("expandedUrl")),
                "hashtags": [],
                "mentions": [],
                "extra": dumps(
                    {
                        "liked_text": like.get("fullText"),
                        "time_from": "the liked tweet's id (likes are not dated)",
                    }
                ),
            }
            yield from self.rows.add("events", index, row)

    def read_follows(self, file: _Member, incoming: bool) -> Iterator[Chunk | Rejected]:
        key = "follower" if incoming else "following"
        when, basis = self._snapshot_time(file)
        for index, line, entry in iter_js_array(file):
            item = entry.get(key) if isinstance(entry, dict) else None
            other = text_or_none(item.get("accountId")) if isinstance(item, dict) else None
            if other is None:
                yield _reject(file, index, line, entry, f"{key} without accountId", "accountId")
                continue
            actor, target = (other, self.owner) if incoming else (self.owner, other)
            row = {
                "event_id": f"follow/{actor or 'unknown'}/{target or 'unknown'}",
                "platform": self.platform,
                "kind": "follow",
                "actor": actor,
                "target": target,
                "created_at": when,
                "context": self.context,
                "url": text_or_none(item.get("userLink")),
                "hashtags": [],
                "mentions": [],
                "extra": dumps({"time_from": basis}),
            }
            yield from self.rows.add("events", index, row)

    def _snapshot_time(self, file: _Member) -> tuple[str, str]:
        if self.generated:
            return self.generated, "archive generation date (follows are not dated)"
        return file.snapshot_time()

    def read_dms(self, file: _Member) -> Iterator[Chunk | Rejected]:
        for index, line, entry in iter_js_array(file):
            conv = entry.get("dmConversation") if isinstance(entry, dict) else None
            if not isinstance(conv, dict) or not isinstance(conv.get("messages"), list):
                yield _reject(file, index, line, entry, "conversation without messages", "messages")
                continue
            context = self.context or f"dm:{conv.get('conversationId')}"
            for message in conv["messages"]:
                yield from self._dm(file, index, line, message, context)

    def _dm(
        self, file: _Member, index: int, line: int, message: Any, context: str
    ) -> Iterator[Chunk | Rejected]:
        typed = _message_type(message)
        if typed is None:
            yield _reject(file, index, line, message, "a message must be one typed object", None)
            return
        mtype, body = typed
        if not isinstance(body, dict):
            yield _reject(file, index, line, message, f"{mtype} must be an object", mtype)
            return
        mid = text_or_none(body.get("id"))
        if mid is None:
            yield _reject(file, index, line, message, f"{mtype} without id", "id")
            return
        base = {
            "platform": self.platform,
            "created_at": text_or_none(body.get("createdAt")),
            "context": context,
            "hashtags": [],
        }
        if mtype == "messageCreate":
            sender = text_or_none(body.get("senderId"))
            rest = {
                k: v
                for k, v in body.items()
                if k not in ("id", "senderId", "recipientId", "text", "createdAt", "reactions")
                and v not in (None, [], "")
            }
            row = {
                **base,
                "event_id": f"dm/{mid}",
                "kind": "message",
                "actor": sender,
                "target": text_or_none(body.get("recipientId")),
                "text": text_or_none(body.get("text")),
                "post_id": f"dm/{mid}",
                "extra": dumps(rest),
            }
            yield from self.rows.add("events", index, row)
            reactions = body.get("reactions")
            for r in reactions if isinstance(reactions, list) else []:
                if not isinstance(r, dict):
                    continue
                rid = text_or_none(r.get("eventId")) or text_or_none(r.get("senderId"))
                yield from self.rows.add(
                    "events",
                    index,
                    {
                        **base,
                        "event_id": f"dm/{mid}/r/{rid}",
                        "kind": "reaction",
                        "actor": text_or_none(r.get("senderId")),
                        "target": sender,
                        "created_at": text_or_none(r.get("createdAt")),
                        "post_id": f"dm/{mid}",
                        "mentions": [],
                        "extra": dumps({"reaction": r.get("reactionKey")}),
                    },
                )
            return
        kind = _DM_KINDS.get(mtype, "moderate")
        actor = text_or_none(body.get("initiatingUserId")) or text_or_none(body.get("senderId"))
        rest = {k: v for k, v in body.items() if k not in ("id", "createdAt")}
        yield from self.rows.add(
            "events",
            index,
            {
                **base,
                "event_id": f"dm/{mid}",
                "kind": kind,
                "actor": actor,
                "text": text_or_none(body.get("name")),
                "mentions": [],
                "extra": dumps({"dm_event": mtype, **rest}),
            },
        )


def _message_type(message: Any) -> tuple[str, Any] | None:
    """``(type, body)`` of a DM entry such as ``{"messageCreate": {...}}``.

    A known type wins over keys a newer archive may add beside it; otherwise the entry must
    hold one key (an unknown type, read as ``moderate``).
    """
    if not isinstance(message, dict):
        return None
    known = [k for k in message if k == "messageCreate" or k in _DM_KINDS]
    if len(known) == 1:
        return known[0], message[known[0]]
    if not known and len(message) == 1:
        return next(iter(message.items()))
    return None


def _reject(
    file: _Member, index: int, line: int, entry: Any, reason: str, field: str | None
) -> Rejected:
    raw = json.dumps(entry, ensure_ascii=False)
    return Rejected(index, f"{file.name}: {reason}", raw, line=line, field=field)


class TwitterArchiveReader:
    """The X/Twitter account archive: its zip, its folder, or one of its ``data/*.js`` files."""

    name = "twitter-archive"
    description = (
        "X/Twitter account archive: the downloaded .zip, the folder, its data/ folder or one "
        "file (tweets.js, like.js, follower.js, following.js, direct-messages.js)"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        path = Path(path)
        if path.is_dir():
            return bool(_archive_files(_folder_members(path)))
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            try:
                with zipfile.ZipFile(path) as zf:
                    return bool(_archive_files(_zip_members(zf, path), strict=False))
            except _ZIP_ERRORS:
                return False
        m = _YTD.match(head)
        return bool(m) and m.group(1).decode("ascii") in _KINDS

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the archive's entries (see the module docstring)."""
        path = Path(path)
        check_readable(path)
        if is_zip(path):
            try:
                zf = zipfile.ZipFile(path)
            except _ZIP_ERRORS as exc:
                raise SourceError(
                    f"not a readable zip ({exc}); download the archive again", path=path
                ) from None
            with zf:
                members = _zip_members(zf, path)
                files = _archive_files(members)
                if not files:
                    raise SourceError(
                        "this zip holds no X/Twitter archive: expected data/tweets.js, "
                        "data/like.js, ...",
                        path=path,
                    )
                yield from _read_files(files, _Archive(members, options))
            return
        if path.is_dir():
            members = _folder_members(path)
            files = _archive_files(members)
            if not files:
                raise SourceError(
                    "no X/Twitter archive here: expected data/tweets.js, like.js, ...", path=path
                )
            yield from _read_files(files, _Archive(members, options))
            return
        member = _FileMember(path)
        kind = _KINDS.get(_name_of(member) or "")
        if kind is None:
            raise SourceError(
                "not an X/Twitter archive file with interactions (tweets.js, like.js, "
                "follower.js, following.js, direct-messages.js, account.js)",
                path=path,
            )
        beside = _folder_members(path.parent)
        archive = _Archive(beside, options)
        account = path.parent / "account.js"
        if kind != "account" and account.is_file():
            for _ in archive.read_account(_FileMember(account)):
                pass  # read for the owner only: imported with account.js itself
            archive.rows = Rows(options.batch_rows)
        yield from _read_files({kind: [member]}, archive)


def _read_files(files: dict[str, list[_Member]], archive: _Archive) -> Iterator[Chunk | Rejected]:
    for kind in _ORDER:
        for file in files.get(kind, []):
            if kind == "account":
                yield from archive.read_account(file)
            elif kind == "tweets":
                yield from archive.read_tweets(file)
            elif kind == "likes":
                yield from archive.read_likes(file)
            elif kind in ("followers", "following"):
                yield from archive.read_follows(file, incoming=kind == "followers")
            else:
                yield from archive.read_dms(file)
    yield from archive.rows.flush()
