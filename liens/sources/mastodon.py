"""Reader for Mastodon: API Status entities and the account archive (ActivityPub).

Two documented forms are read:

- **API responses** (https://docs.joinmastodon.org/entities/Status/ and
  https://docs.joinmastodon.org/entities/Account/): a JSON array of statuses (a timeline), a
  ``/api/v1/statuses/:id/context`` object (``ancestors`` and ``descendants``), or JSON lines
  with one status per line;
- **the account archive** ("Export your data" in the settings): ``outbox.json`` (an
  ActivityStreams ``OrderedCollection`` of ``Create`` and ``Announce`` activities,
  https://www.w3.org/TR/activitystreams-vocabulary/), ``likes.json`` (the URIs of favourited
  posts), ``following_accounts.csv`` and ``actor.json``, as a folder or one file at a time.

Mastodon ids are unique only per server, so accounts are ``user@instance`` (the instance from
the account's URL when ``acct`` has no domain, i.e. a local account) and publications are
their ActivityPub ``uri``, the id the archive uses too. Event ids (the store prefixes
``mastodon:``) are the status ``uri``; derived events add a fragment (``#mention:who``).

==========================  ===================================================================
Source                      Canonical rows
==========================  ===================================================================
status                      ``post``, or ``reply`` when ``in_reply_to_id`` is set (target: the
                            account ``in_reply_to_account_id`` resolved to ``user@instance``;
                            parent: the replied status's uri when the file holds it, else NULL
                            with ``extra.in_reply_to_id``); text from the HTML ``content``;
                            hashtags from ``tags``; a ``posts`` row with favourites_count,
                            reblogs_count and replies_count in ``extra``.
status with ``reblog``      ``share`` by the booster of the reblogged status (target: its
                            author), plus the reblogged status itself as above.
``mentions``                one ``mention`` per account named, except the account replied to
                            (Mastodon writes its ``@`` into every reply: not a choice).
status ``account``          an ``accounts`` row (followers, following, profile in ``extra``).
outbox ``Create``           ``post`` or ``reply`` (``inReplyTo``) of the ``Note``; ``Mention``
                            tags give ``mention`` events, ``Hashtag`` tags the hashtags.
outbox ``Announce``         ``share`` of the object; target from the object's URI
                            (``https://host/users/NAME/statuses/ID`` -> ``NAME@host``).
``likes.json``              ``reaction`` by the archive's owner on each URI.
``following_accounts.csv``  ``follow`` from the owner to each ``Account address``.
``actor.json``              the owner's ``accounts`` row (``owned``).
==========================  ===================================================================

``likes.json`` and ``following_accounts.csv`` carry no dates: their events get the archive's
time (the file's modification time, kept by unzip) with ``extra.time = "export"``, meaning
"at or before". The owner is ``actor.json``'s account, else ``--set actor=user@instance``,
else unknown (NULL). A status without an id, a time or an account is rejected with its record
number and the missing field; fields liens has no column for go to ``extra``.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from liens.errors import SourceError
from liens.sources._rows import Rows
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import check_readable, open_text
from liens.sources.stackexchange import html_to_text

__all__ = ["MastodonReader", "account_from_uri", "html_text", "status_rows"]

_ARCHIVE_FILES = ("outbox.json", "likes.json", "following_accounts.csv", "actor.json")
# https://host/users/NAME/statuses/ID (Mastodon), https://host/@NAME/ID (its web URLs).
_USER_URI = re.compile(r"^https?://([^/]+)/(?:users/|@)([^/@?#]+)")
_STATUS_KEYS = (b'"in_reply_to_account_id"', b'"reblogs_count"', b'"favourites_count"')
# Status fields with a canonical column or rows of their own; the rest go to extra.
_MAPPED = frozenset(
    ("uri", "created_at", "account", "reblog", "content", "language", "tags", "mentions",
     "url", "in_reply_to_account_id", "favourites_count", "reblogs_count", "replies_count")
)  # fmt: skip


def _str(v: Any) -> str | None:
    """A JSON scalar as text (ids may be numbers in older servers); containers are not text."""
    if v is None or isinstance(v, dict | list):
        return None
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


def _host(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        return urlparse(url).hostname
    except ValueError:
        return None


def account_from_uri(uri: Any) -> str | None:
    """``NAME@host`` from an actor, status or profile URI of the Mastodon form, else None.

    >>> account_from_uri("https://mastodon.social/users/Gargron/statuses/1")
    'Gargron@mastodon.social'
    """
    m = _USER_URI.match(uri) if isinstance(uri, str) else None
    return f"{m.group(2)}@{m.group(1).lower()}" if m else None


def _acct(account: Any, fallback_url: Any = None) -> str | None:
    """``user@instance`` for an Account or Mention entity."""
    if not isinstance(account, dict):
        return None
    acct = _str(account.get("acct")) or _str(account.get("username"))
    if not acct:
        return account_from_uri(account.get("url"))
    acct = acct.lstrip("@")
    if "@" in acct:
        user, _, host = acct.partition("@")
        return f"{user}@{host.lower()}"
    host = _host(account.get("url")) or _host(fallback_url)
    return f"{acct}@{host.lower()}" if host else acct


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|div|blockquote|h[1-6]|li)>\s*", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def html_text(markup: str | None) -> str | None:
    """Plain text of the short HTML of a status or a comment (paragraphs, breaks, links).

    A regular-expression pass, many times faster than a parser on such markup; text holding
    ``<pre>`` or lists goes through :func:`liens.sources.stackexchange.html_to_text`.

    >>> html_text("<p>Merci &amp; <a href='x'>@<span>eric</span></a></p><p>Oui</p>")
    'Merci & @eric\\n\\nOui'
    """
    if markup is None:
        return None
    if "<" not in markup:
        return html.unescape(markup).strip()
    if "<pre" in markup or "<li" in markup:
        return html_to_text(markup)
    text = _BLOCK_END.sub("\n\n", _BREAK.sub("\n", markup))
    return html.unescape(_TAG.sub("", text)).strip()


def _json(obj: Any) -> str | None:
    return json.dumps(obj, ensure_ascii=False, default=str) if obj else None


# --------------------------------------------------------------------------- API statuses


class _Statuses:
    """Maps Status entities; ``index`` first learns ids -> uri and account ids -> acct."""

    def __init__(self, out: Rows) -> None:
        self.out = out
        self.uri_of: dict[str, str] = {}
        self.parent_of: dict[str, str] = {}
        self.acct_of: dict[str, str] = {}

    def index(self, status: Any) -> None:
        if not isinstance(status, dict):
            return
        sid, uri = _str(status.get("id")), _str(status.get("uri"))
        if sid and uri:
            self.uri_of[sid] = uri
        if sid and _str(status.get("in_reply_to_id")):
            self.parent_of[sid] = _str(status.get("in_reply_to_id"))  # type: ignore[assignment]
        account = status.get("account")
        for a in (account, *_list(status.get("mentions"))):
            if isinstance(a, dict) and _str(a.get("id")):
                name = _acct(a, status.get("url"))
                if name:
                    self.acct_of.setdefault(_str(a.get("id")), name)  # type: ignore[arg-type]
        self.index(status.get("reblog"))

    def _root(self, sid: str) -> str | None:
        seen = set()
        while sid in self.parent_of and sid not in seen:
            seen.add(sid)
            sid = self.parent_of[sid]
        return self.uri_of.get(sid)

    def map(self, status: Any, record: int, raw: str, line: int | None) -> Rejected | None:
        if not isinstance(status, dict):
            return Rejected(record, "a status must be a JSON object", raw, line=line)
        sid = _str(status.get("id"))
        uri = _str(status.get("uri")) or (f"{_host(status.get('url'))}/{sid}" if sid else None)
        actor = _acct(status.get("account"), status.get("url"))
        for name, ok in (("id", uri), ("created_at", _str(status.get("created_at"))),
                         ("account", actor)):  # fmt: skip
            if not ok:
                return Rejected(record, f"status without {name}", raw, line=line, field=name)
        reblog = status.get("reblog")
        if isinstance(reblog, dict):
            problem = self.map(reblog, record, raw, line)
            if problem is not None:
                problem.reason = "reblogged " + problem.reason
                return problem
            self._share(status, reblog, uri, actor, record)  # type: ignore[arg-type]
        else:
            self._status(status, sid, uri, actor, record)  # type: ignore[arg-type]
        self._account(status.get("account"), actor, record)  # type: ignore[arg-type]
        return None

    def _status(self, s: dict, sid: str | None, uri: str, actor: str, record: int) -> None:
        out = self.out
        host = (actor.partition("@")[2] or _host(s.get("url"))) if actor else None
        parent_id = _str(s.get("in_reply_to_id"))
        target = self.acct_of.get(_str(s.get("in_reply_to_account_id")) or "")
        mentions = [m for m in (_acct(x) for x in _list(s.get("mentions"))) if m]
        tags = [t.get("name") for t in _list(s.get("tags")) if isinstance(t, dict)]
        extra = {k: v for k, v in s.items() if k not in _MAPPED}
        created = _str(s.get("created_at"))
        kind = "reply" if parent_id else "post"
        root = (self._root(sid) if sid else None) if parent_id else uri
        common = dict(created_at=created, post_id=uri, context=host)
        text = html_text(_str(s.get("content")))
        out.event(
            record, event_id=uri, kind=kind, actor=actor, target=target,
            text=text, parent_post_id=self.uri_of.get(parent_id)
            if parent_id else None, root_post_id=root, lang=_str(s.get("language")),
            url=_str(s.get("url")), hashtags=[str(t) for t in tags if t is not None],
            mentions=mentions, extra=_json(extra), **common,
        )  # fmt: skip
        counts = {k: s.get(k) for k in ("favourites_count", "reblogs_count", "replies_count")}
        out.post(
            record, post_id=uri, author=actor, kind=kind, created_at=created,
            parent_post_id=self.uri_of.get(parent_id) if parent_id else None, root_post_id=root,
            context=host, text=text, url=_str(s.get("url")),
            extra=_json({"id": sid, **{k: v for k, v in counts.items() if v is not None}}),
        )  # fmt: skip
        for who in dict.fromkeys(mentions):
            if who != target and who != actor:
                out.event(record, event_id=f"{uri}#mention:{who}", kind="mention", actor=actor,
                          target=who, **common)  # fmt: skip

    def _share(self, s: dict, reblog: dict, uri: str, actor: str, record: int) -> None:
        original = _str(reblog.get("uri"))
        extra = {k: v for k, v in s.items() if k not in _MAPPED and v not in (None, [], "")}
        self.out.event(
            record, event_id=uri, kind="share", actor=actor,
            target=_acct(reblog.get("account"), reblog.get("url")),
            created_at=_str(s.get("created_at")), post_id=uri, parent_post_id=original,
            root_post_id=original, context=actor.partition("@")[2] or None,
            url=_str(s.get("url")), extra=_json(extra),
        )  # fmt: skip
        self._account(reblog.get("account"), _acct(reblog.get("account"), reblog.get("url")),
                      record)  # fmt: skip

    def _account(self, a: Any, account_id: str | None, record: int) -> None:
        if not isinstance(a, dict) or not account_id or account_id in self.out.accounts_seen:
            return  # each account once per read: its profile is converted only then
        mapped = (
            "acct",
            "display_name",
            "created_at",
            "followers_count",
            "following_count",
            "note",
            "avatar",
            "avatar_static",
            "header",
            "header_static",
            "emojis",
        )
        extra = {k: v for k, v in a.items() if k not in mapped}
        if a.get("note"):
            extra["note"] = html_text(_str(a.get("note")))
        self.out.account(
            record, account_id, handle=account_id, display_name=_str(a.get("display_name")),
            created_at=_str(a.get("created_at")), followers=_int(a.get("followers_count")),
            following=_int(a.get("following_count")), extra=_json(extra),
        )  # fmt: skip


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


def _int(v: Any) -> str | None:
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else None


# --------------------------------------------------------------------------- the archive


def _mtime(path: Path) -> str:
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _owner(folder: Path, options: ReadOptions) -> tuple[str | None, dict | None]:
    given = options.constants.get("actor")
    actor_file = folder / "actor.json"
    doc = None
    if actor_file.is_file():
        try:
            with open_text(actor_file) as fh:
                doc = json.load(fh)
        except ValueError as e:
            raise SourceError(f"actor.json is not JSON: {e}", path=actor_file) from None
    if given:
        return given, doc if isinstance(doc, dict) else None
    if isinstance(doc, dict):
        name, host = _str(doc.get("preferredUsername")), _host(doc.get("id"))
        if name and host:
            return f"{name}@{host.lower()}", doc
        return account_from_uri(doc.get("id")), doc
    return None, None


def _activity_rows(act: Any, record: int, out: Rows, raw: str) -> Rejected | None:
    if not isinstance(act, dict):
        return Rejected(record, "an activity must be a JSON object", raw)
    kind = act.get("type")
    obj = act.get("object")
    actor = account_from_uri(act.get("actor"))
    published = _str(act.get("published")) or (
        _str(obj.get("published")) if isinstance(obj, dict) else None
    )
    aid = _str(act.get("id"))
    for name, ok in (("id", aid), ("published", published), ("actor", actor)):
        if not ok:
            return Rejected(record, f"activity without {name}", raw, field=name)
    if kind == "Announce":
        target_uri = _str(obj.get("id")) if isinstance(obj, dict) else _str(obj)
        out.event(
            record, event_id=aid, kind="share", actor=actor, target=account_from_uri(target_uri),
            created_at=published, post_id=aid, parent_post_id=target_uri,
            root_post_id=target_uri, context=actor.partition("@")[2],  # type: ignore[union-attr]
            extra=_json({"to": act.get("to"), "cc": act.get("cc")}),
        )  # fmt: skip
        return None
    if kind != "Create" or not isinstance(obj, dict):
        return Rejected(record, f"activity type {kind!r} is not a Create or an Announce", raw,
                        field="type")  # fmt: skip
    uri = _str(obj.get("id"))
    if not uri:
        return Rejected(record, "Create without an object id", raw, field="object.id")
    parent = _str(obj.get("inReplyTo"))
    kind_ = "reply" if parent else "post"
    tags = _list(obj.get("tag"))
    hashtags = [
        str(t.get("name")).lstrip("#")
        for t in tags
        if isinstance(t, dict) and t.get("type") == "Hashtag" and t.get("name")
    ]
    mentions = []
    for t in tags:
        if isinstance(t, dict) and t.get("type") == "Mention":
            name = _str(t.get("name")) or ""
            name = name.lstrip("@")
            who = name if "@" in name else account_from_uri(t.get("href")) or name or None
            if who:
                mentions.append(who)
    target = account_from_uri(parent)
    text = html_text(_str(obj.get("content")))
    host = actor.partition("@")[2]  # type: ignore[union-attr]
    mapped = ("id", "content", "contentMap", "published", "inReplyTo", "url", "tag",
              "attributedTo")  # fmt: skip
    extra = {k: v for k, v in obj.items() if k not in mapped}
    out.event(
        record, event_id=uri, kind=kind_, actor=actor, target=target, created_at=published,
        text=text, post_id=uri, parent_post_id=parent, root_post_id=None if parent else uri,
        context=host, url=_str(obj.get("url")), hashtags=hashtags, mentions=mentions,
        extra=_json(extra),
    )  # fmt: skip
    out.post(
        record,
        post_id=uri,
        author=actor,
        kind=kind_,
        created_at=published,
        parent_post_id=parent,
        context=host,
        text=text,
        url=_str(obj.get("url")),
    )
    for who in dict.fromkeys(mentions):
        if who != target and who != actor:
            out.event(
                record,
                event_id=f"{uri}#mention:{who}",
                kind="mention",
                actor=actor,
                target=who,
                created_at=published,
                post_id=uri,
                context=host,
            )
    return None


# --------------------------------------------------------------------------- the reader


def _looks_like(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"Account address,"):
        return "following"
    if not text.startswith((b"{", b"[")):
        return None
    if b'"orderedItems"' in head and b"activitystreams" in head:
        return "collection"
    if b'"ancestors"' in head and b'"descendants"' in head:
        return "statuses"
    if b'"account"' in head and any(k in head for k in _STATUS_KEYS):
        return "statuses"
    if b'"preferredUsername"' in head and b"activitystreams" in head:
        return "actor"
    return None


class MastodonReader:
    """Mastodon API statuses (array, context, JSON lines) and the account archive."""

    name = "mastodon"
    description = (
        "Mastodon: API Status JSON (timeline array, statuses/:id/context, JSON lines) or the "
        "account archive (outbox.json, likes.json, following_accounts.csv, or its folder)"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        path = Path(path)
        if path.is_dir():
            return (path / "outbox.json").is_file() and (path / "actor.json").is_file()
        return _looks_like(head) is not None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the statuses or the archive as events, accounts and posts (see module doc)."""
        path = Path(path)
        check_readable(path)
        out = Rows(options.batch_rows, options.platform or "mastodon")
        if path.is_dir():
            files = [path / n for n in _ARCHIVE_FILES if (path / n).is_file()]
            if not files:
                raise SourceError("no Mastodon archive here (outbox.json, likes.json, ...)",
                                  path=path)  # fmt: skip
            folder = path
        else:
            files, folder = [path], path.parent
        owner, actor_doc = _owner(folder, options)
        for file in files:
            with open_text(file) as fh:
                head = fh.read(65536).encode()
            form = _looks_like(head)
            if file.name == "actor.json" or form == "actor":
                yield from self._actor(owner, actor_doc, out)
            elif form == "following":
                yield from self._following(file, owner, out)
            elif form == "collection":
                yield from self._collection(file, owner, out)
            elif form == "statuses":
                yield from self._statuses(file, out)
            else:
                raise SourceError("not a Mastodon status list, context or archive file",
                                  path=file)  # fmt: skip
        yield from out.flush(force=True)

    # API statuses ----------------------------------------------------------------------

    def _records(self, file: Path) -> Iterable[tuple[int, int | None, Any, str]]:
        """(record, line, value, raw) for each status of an array, a context or JSON lines."""
        with open_text(file) as fh:
            text = fh.read()
        try:
            doc = json.loads(text)
        except ValueError as e:
            first = text.lstrip().split("\n", 1)[0]
            try:
                json.loads(first)
            except ValueError:
                raise SourceError(f"not valid JSON: {e}", path=file) from None
            return self._lines(text)
        if isinstance(doc, dict) and ("ancestors" in doc or "descendants" in doc):
            items = [*_list(doc.get("ancestors")), *_list(doc.get("descendants"))]
        elif isinstance(doc, list):
            items = doc
        elif isinstance(doc, dict):
            items = [doc]
        else:
            raise SourceError("expected a status, a list of statuses or a context", path=file)
        return ((i, None, s, json.dumps(s, ensure_ascii=False)) for i, s in enumerate(items, 1))

    @staticmethod
    def _lines(text: str) -> Iterator[tuple[int, int | None, Any, str]]:
        record = 0
        for lineno, line in enumerate(io.StringIO(text), start=1):
            if not line.strip():
                continue
            record += 1
            try:
                value = json.loads(line)
            except ValueError as e:
                yield record, lineno, _Bad(f"invalid JSON: {e}"), line.rstrip("\n")
                continue
            yield record, lineno, value, line.rstrip("\n")

    def _statuses(self, file: Path, out: Rows) -> Iterator[Chunk | Rejected]:
        yield from _status_items(list(self._records(file)), out)

    # the archive -----------------------------------------------------------------------

    def _actor(self, owner: str | None, doc: dict | None, out: Rows) -> Iterator[Chunk]:
        if owner and doc:
            extra = {
                k: doc.get(k) for k in ("id", "url", "discoverable", "manuallyApprovesFollowers")
            }
            extra["summary"] = html_text(_str(doc.get("summary")))
            out.account(
                1,
                owner,
                handle=owner,
                display_name=_str(doc.get("name")),
                created_at=_str(doc.get("published")),
                owned="true",
                extra=_json(extra),
            )
        return iter(())

    def _collection(self, file: Path, owner: str | None, out: Rows) -> Iterator[Chunk | Rejected]:
        with open_text(file) as fh:
            try:
                doc = json.load(fh)
            except ValueError as e:
                raise SourceError(f"not valid JSON: {e}", path=file) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("orderedItems"), list):
            raise SourceError("an ActivityStreams collection without orderedItems", path=file)
        when = _mtime(file)
        for record, item in enumerate(doc["orderedItems"], start=1):
            raw = json.dumps(item, ensure_ascii=False)
            if isinstance(item, str) or (isinstance(item, dict) and item.get("type") is None):
                # likes.json: the URIs of the posts the owner favourited, without dates.
                uri = item if isinstance(item, str) else _str(item.get("id"))
                if not uri:
                    yield Rejected(record, "a liked item without its URI", raw, field="id")
                    continue
                out.event(
                    record,
                    event_id=f"{owner or ''}/like/{uri}",
                    kind="reaction",
                    actor=owner,
                    target=account_from_uri(uri),
                    created_at=when,
                    post_id=uri,
                    extra=_json({"time": "export", "file": file.name}),
                )
            else:
                try:
                    problem = _activity_rows(item, record, out, raw)
                except (TypeError, AttributeError, ValueError) as e:
                    problem = Rejected(record, f"malformed activity: {e}", raw)
                if problem is not None:
                    yield problem
            yield from out.flush(force=False)

    def _following(self, file: Path, owner: str | None, out: Rows) -> Iterator[Chunk | Rejected]:
        when = _mtime(file)
        with open_text(file) as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            for record, row in enumerate(reader, start=1):
                line = reader.line_num
                if not any(row):
                    continue
                raw = ",".join(row)
                address = row[0].strip().lstrip("@") if row else ""
                if "@" not in address:
                    yield Rejected(record, "Account address is not user@instance", raw,
                                   line=line, field="Account address")  # fmt: skip
                    continue
                user, _, host = address.partition("@")
                address = f"{user}@{host.lower()}"
                extra = {h: v for h, v in zip(header[1:], row[1:], strict=False)}
                extra.update(time="export", file=file.name)
                out.event(
                    record,
                    event_id=f"{owner or ''}/follow/{address}",
                    kind="follow",
                    actor=owner,
                    target=address,
                    created_at=when,
                    extra=_json(extra),
                )
                yield from out.flush(force=False)


class _Bad:
    """A JSON line that does not parse."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _status_items(
    records: list[tuple[int, int | None, Any, str]], out: Rows
) -> Iterator[Chunk | Rejected]:
    """Rows of (record, line, status, raw) tuples; ids are indexed first so that replies find
    their parent's uri and account wherever they are in the list."""
    mapper = _Statuses(out)
    for _, _, value, _ in records:
        mapper.index(value)
    for record, line, value, raw in records:
        if isinstance(value, _Bad):
            yield Rejected(record, value.reason, raw, line=line)
            continue
        try:
            problem = mapper.map(value, record, raw, line)
        except (TypeError, AttributeError, ValueError) as e:  # a field of an odd type
            problem = Rejected(record, f"malformed status: {e}", raw, line=line)
        if problem is not None:
            yield problem
        yield from out.flush(force=False)


def status_rows(
    statuses: list[Any], *, platform: str = "mastodon", batch_rows: int = 50_000, first: int = 1
) -> Iterator[Chunk | Rejected]:
    """Canonical chunks of API Status entities as parsed from JSON (a page of a timeline, or a
    context's ancestors, status and descendants): the same rows as importing them from a file.

    ``first`` numbers the records (1-based position in what was collected so far).
    """
    out = Rows(batch_rows, platform)
    records = [
        (first + i, None, s, json.dumps(s, ensure_ascii=False)) for i, s in enumerate(statuses)
    ]
    yield from _status_items(records, out)
    yield from out.flush(force=True)
