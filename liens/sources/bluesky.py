"""Reader for Bluesky: ``app.bsky.feed.*`` API responses and repository exports (``.car``).

The schemas are the AT Protocol lexicons (https://docs.bsky.app/docs/api/ and
https://github.com/bluesky-social/atproto/tree/main/lexicons/app/bsky): a post view
(``app.bsky.feed.defs#postView``) holds ``uri``, ``cid``, ``author`` (a profile view with
``did`` and ``handle``), ``record`` (the ``app.bsky.feed.post`` record: ``text``,
``createdAt``, ``reply.parent/root``, ``facets``, ``embed``, ``langs``) and the counts. The
reader accepts

- ``app.bsky.feed.getAuthorFeed`` / ``getTimeline`` (``feed[]`` of ``post``, ``reply`` and
  ``reason``), ``getPostThread`` (``thread`` with nested ``parent`` and ``replies``),
  ``searchPosts`` / ``getPosts`` (``posts[]``) and ``getLikes`` (``uri`` and ``likes[]``);
- a repository export (``com.atproto.sync.getRepo``, "Export my data" in the app): a CAR file
  (https://ipld.io/specs/transport/car/carv1/) whose commit points to a Merkle search tree of
  records (https://atproto.com/specs/repository), decoded with ``libipld``.

The CAR export is decoded with ``libipld.decode_car`` directly rather than with the ``atproto``
package's ``atproto_core.car.CAR``: that class is the same ``libipld`` call followed by a pass
turning every block key into a ``CID`` object, and it does not walk the repository's Merkle
search tree, which liens must do anyway to name each record ``collection/rkey``. ``libipld``
is what ``atproto`` itself depends on, pinned with it. ``atproto`` is used for the live
collector (``liens.sources.collectors.bluesky``).

Accounts are DIDs (``did:plc:...``), stable across handle changes; the handle goes to
``accounts``. Publications and event ids are ``at://`` URIs (the store prefixes ``bluesky:``).

=============================  ================================================================
Source                         Canonical rows
=============================  ================================================================
post (view or record)          ``post``; ``reply`` when ``record.reply`` is set (parent and root
                               from it, target = the DID in the parent's URI); ``quote`` when
                               the post embeds another post (``app.bsky.embed.record`` or
                               ``recordWithMedia``) and is no reply (a reply that quotes gives a
                               second event, ``#quote``); mention facets give ``mention``
                               events, tag facets the hashtags; a ``posts`` row with the like,
                               repost, reply and quote counts in ``extra``.
feed ``reason`` repost         ``share`` by ``reason.by`` of the post (target: its author).
``getLikes`` like              ``reaction`` of ``actor`` on ``uri``.
author / ``by`` / ``actor``    an ``accounts`` row (DID, handle, display name, creation).
CAR ``app.bsky.feed.like``     ``reaction``; ``app.bsky.feed.repost``: ``share``;
                               ``app.bsky.graph.follow``: ``follow``; ``app.bsky.graph.block``:
                               ``block``; ``app.bsky.actor.profile``: the owner's ``accounts``
                               row. Other collections (lists, feed generators, threadgates) are
                               set aside with the reason.
=============================  ================================================================

A post that is not found or blocked in a thread (``notFoundPost``, ``blockedPost``) and a
post without URI, author or time are rejected with their record number and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from liens.errors import SourceError
from liens.sources._rows import Rows
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import check_readable, open_binary

__all__ = ["BlueskyReader", "did_of", "response_rows"]

_POST = "app.bsky.feed.post"
_QUOTE_EMBEDS = ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia")
_RECORD_KEYS = frozenset(("$type", "text", "createdAt", "reply", "facets", "embed", "langs"))


def did_of(uri: Any) -> str | None:
    """The repository DID of an ``at://`` URI.

    >>> did_of("at://did:plc:abc/app.bsky.feed.post/3k2")
    'did:plc:abc'
    """
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _seq(v: Any) -> list:
    return v if isinstance(v, list) else []


def _json(obj: Any) -> str | None:
    return json.dumps(obj, ensure_ascii=False, default=repr) if obj else None


def _quoted(embed: Any) -> str | None:
    """The URI of the post an embed quotes (lists and feed generators are not quotes)."""
    embed = _dict(embed)
    if embed.get("$type") not in _QUOTE_EMBEDS:
        return None
    ref = _dict(embed.get("record"))
    if embed.get("$type") == "app.bsky.embed.recordWithMedia":
        ref = _dict(ref.get("record"))
    uri = _str(ref.get("uri"))
    return uri if uri and f"/{_POST}/" in uri else None


class _Mapper:
    def __init__(self, out: Rows) -> None:
        self.out = out

    def account(self, profile: Any, record: int) -> str | None:
        p = _dict(profile)
        did = _str(p.get("did"))
        if did:
            mapped = ("did", "handle", "displayName", "createdAt", "avatar")
            extra = {k: v for k, v in p.items() if k not in mapped and v not in (None, [], {})}
            self.out.account(
                record, did, handle=_str(p.get("handle")),
                display_name=_str(p.get("displayName")), created_at=_str(p.get("createdAt")),
                extra=_json(extra),
            )  # fmt: skip
        return did

    def post(
        self, uri: Any, author: Any, rec: Any, record: int, raw: str, view: dict | None = None
    ) -> Rejected | None:
        """Events and a posts row for one ``app.bsky.feed.post`` record (from a view or a CAR)."""
        rec = _dict(rec)
        created = _str(rec.get("createdAt")) or _str((view or {}).get("indexedAt"))
        for name, ok in (("uri", _str(uri)), ("author", _str(author)), ("createdAt", created)):
            if not ok:
                return Rejected(record, f"post without {name}", raw, field=name)
        reply = _dict(rec.get("reply"))
        parent = _str(_dict(reply.get("parent")).get("uri"))
        root = _str(_dict(reply.get("root")).get("uri")) or parent
        quoted = _quoted(rec.get("embed"))
        kind = "reply" if parent else "quote" if quoted else "post"
        target = did_of(parent) if parent else did_of(quoted)
        tags, mentioned, links = [], [], []
        for facet in _seq(rec.get("facets")):
            for feature in _seq(_dict(facet).get("features")):
                f = _dict(feature)
                kind_ = str(f.get("$type", "")).rpartition("#")[2]
                if kind_ == "mention" and _str(f.get("did")):
                    mentioned.append(f["did"])
                elif kind_ == "tag" and _str(f.get("tag")):
                    tags.append(f["tag"])
                elif kind_ == "link" and _str(f.get("uri")):
                    links.append(f["uri"])
        langs = rec.get("langs")
        lang = langs[0] if isinstance(langs, list) and langs and _str(langs[0]) else None
        extra = {k: v for k, v in rec.items() if k not in _RECORD_KEYS}
        if links:
            extra["links"] = links
        if quoted and parent:
            extra["quotes"] = quoted
        view = view or {}
        handle = _str(_dict(view.get("author")).get("handle")) or author
        rkey = uri.rsplit("/", 1)[-1]
        url = f"https://bsky.app/profile/{handle}/post/{rkey}"
        text = _str(rec.get("text"))
        self.out.event(
            record, event_id=uri, kind=kind, actor=author, target=target, created_at=created,
            text=text, post_id=uri, parent_post_id=parent or quoted, root_post_id=root or uri,
            lang=lang, url=url, hashtags=tags or None, mentions=mentioned or None,
            extra=_json(extra),
        )  # fmt: skip
        counts = {k: view.get(k) for k in ("likeCount", "repostCount", "replyCount", "quoteCount")}
        post_extra = {"cid": view.get("cid"), "indexedAt": view.get("indexedAt"), **counts}
        self.out.post(
            record, post_id=uri, author=author, kind=kind, created_at=created,
            parent_post_id=parent or quoted, root_post_id=root or uri, text=text, url=url,
            extra=_json({k: v for k, v in post_extra.items() if v is not None}),
        )  # fmt: skip
        if quoted and parent:
            self.out.event(record, event_id=f"{uri}#quote", kind="quote", actor=author,
                           target=did_of(quoted), created_at=created, post_id=uri,
                           parent_post_id=quoted, root_post_id=root)  # fmt: skip
        for who in dict.fromkeys(mentioned):
            if who != author:
                self.out.event(
                    record,
                    event_id=f"{uri}#mention:{who}",
                    kind="mention",
                    actor=author,
                    target=who,
                    created_at=created,
                    post_id=uri,
                )
        return None

    @staticmethod
    def safe(record: int, fn: Any, *args: Any) -> Rejected | None:
        """``fn(*args)``; a field of an unexpected type makes the record rejected."""
        try:
            return fn(*args)
        except (TypeError, AttributeError, ValueError, KeyError) as e:
            raw = json.dumps(args, ensure_ascii=False, default=repr)
            return Rejected(record, f"malformed post: {e}", raw)

    def view(self, view: Any, record: int) -> Rejected | None:
        """A post view; a not-found or blocked post is rejected."""
        return self.safe(record, self._view, view, record)

    def _view(self, view: Any, record: int) -> Rejected | None:
        v = _dict(view)
        raw = json.dumps(view, ensure_ascii=False, default=repr)
        if (
            v.get("notFound")
            or v.get("blocked")
            or str(v.get("$type", "")).endswith(("#notFoundPost", "#blockedPost"))
        ):
            return Rejected(record, "the post is deleted or blocked (not found in the thread)", raw)
        author = self.account(v.get("author"), record)
        return self.post(v.get("uri"), author, v.get("record"), record, raw, v)


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def _feed(doc: dict, m: _Mapper) -> Iterator[Rejected | None]:
    for record, item in enumerate(doc["feed"], start=1):
        item = _dict(item)
        post = _dict(item.get("post"))
        yield m.view(post, record)
        for ctx in ("root", "parent"):
            ctx_view = _dict(_dict(item.get("reply")).get(ctx))
            if ctx_view.get("uri") and ctx_view.get("author"):  # a post view, not a stub
                yield m.view(ctx_view, record)
        reason = _dict(item.get("reason"))
        if str(reason.get("$type", "")).endswith("#reasonRepost"):
            by = m.account(reason.get("by"), record)
            uri = _str(post.get("uri"))
            when = _str(reason.get("indexedAt"))
            raw = json.dumps(reason, ensure_ascii=False)
            if not (by and uri and when):
                yield Rejected(record, "repost without by, post uri or indexedAt", raw,
                               field="reason")  # fmt: skip
                continue
            ev_id = _str(reason.get("uri")) or f"at://{by}/app.bsky.feed.repost/{uri}"
            root = _str(_dict(_dict(_dict(post.get("record")).get("reply")).get("root")).get("uri"))
            m.out.event(record, event_id=ev_id, kind="share", actor=by,
                        target=_str(_dict(post.get("author")).get("did")), created_at=when,
                        post_id=ev_id, parent_post_id=uri, root_post_id=root or uri)  # fmt: skip


def _thread(doc: dict, m: _Mapper) -> Iterator[Rejected | None]:
    count = _Counter()
    top = _dict(doc.get("thread"))
    # The ancestors first (outermost first), then the focal post and its replies, depth first.
    chain, node = [], _dict(top.get("parent"))
    while node and len(chain) < 10_000:
        chain.append(node)
        node = _dict(node.get("parent"))
    for node in reversed(chain):
        yield m.view(node.get("post", node), count())
    stack = [top]
    while stack:
        node = _dict(stack.pop())
        yield m.view(node.get("post", node), count())
        replies = node.get("replies")
        if isinstance(replies, list):
            stack.extend(reversed(replies))


def _posts(doc: dict, m: _Mapper) -> Iterator[Rejected | None]:
    for record, view in enumerate(doc["posts"], start=1):
        yield m.view(view, record)


def _likes(doc: dict, m: _Mapper) -> Iterator[Rejected | None]:
    uri = _str(doc.get("uri"))
    for record, like in enumerate(doc["likes"], start=1):
        like = _dict(like)
        actor = m.account(like.get("actor"), record)
        when = _str(like.get("createdAt")) or _str(like.get("indexedAt"))
        if not (uri and actor and when):
            yield Rejected(record, "like without the liked uri, actor or createdAt",
                           json.dumps(like, ensure_ascii=False), field="actor")  # fmt: skip
            continue
        m.out.event(
            record,
            event_id=f"at://{actor}/app.bsky.feed.like/{uri}",
            kind="reaction",
            actor=actor,
            target=did_of(uri),
            created_at=when,
            post_id=uri,
        )


# --------------------------------------------------------------------------- CAR


def _car_records(data: bytes, path: Path) -> tuple[str, list[tuple[str, Any]]]:
    """The repository's DID and its (collection/rkey, record) pairs, walking the MST."""
    import libipld  # only repository exports need it

    try:
        header, blocks = libipld.decode_car(data)
    except (ValueError, TypeError, OSError) as e:
        raise SourceError(f"not a readable CAR file: {e}", path=path) from None
    roots = _seq(_dict(header).get("roots"))
    root = roots[0] if roots and isinstance(roots[0], bytes) else None
    commit = _dict(blocks.get(root)) if root else {}
    did = _str(commit.get("did"))
    if not did or not isinstance(commit.get("data"), bytes) or commit["data"] not in blocks:
        raise SourceError("a CAR file without a repository commit (did, data)", path=path)
    found: list[tuple[str, Any]] = []
    seen = set()
    # Iterative walk of the Merkle search tree: left subtree, then each entry and its right
    # subtree; keys are prefix-compressed against the previous key of the node.
    order: list[Any] = [commit["data"]]
    while order:
        cid = order.pop()
        if not isinstance(cid, bytes) or cid in seen or cid not in blocks:
            continue
        seen.add(cid)
        node = _dict(blocks[cid])
        if node.get("l") is not None:
            order.append(node["l"])
        prev = b""
        for entry in _seq(node.get("e")):
            e = _dict(entry)
            p, k = e.get("p"), e.get("k")
            if not isinstance(p, int) or not isinstance(k, bytes):
                continue
            key = prev[:p] + k
            prev = key
            if isinstance(e.get("v"), bytes) and e["v"] in blocks:
                found.append((key.decode("utf-8", "replace"), blocks[e["v"]]))
            if e.get("t") is not None:
                order.append(e["t"])
    return did, sorted(found, key=lambda kv: kv[0])


def _car(path: Path, m: _Mapper) -> Iterator[Rejected | None]:
    with open_binary(path) as fh:
        data = fh.read()
    did, records = _car_records(data, path)
    profile = next((_dict(r) for k, r in records if k.startswith("app.bsky.actor.profile/")), {})
    m.out.account(
        1,
        did,
        owned="true",
        display_name=_str(profile.get("displayName")),
        extra=_json({"description": profile.get("description")}),
    )
    for record, (key, rec) in enumerate(records, start=1):
        collection, _, rkey = key.partition("/")
        uri = f"at://{did}/{key}"
        r = _dict(rec)
        raw = json.dumps(r, ensure_ascii=False, default=repr)
        when = _str(r.get("createdAt"))
        subject = r.get("subject")
        if collection == _POST:
            yield m.safe(record, m.post, uri, did, r, record, raw)
            continue
        if collection == "app.bsky.actor.profile":
            continue  # the owner's accounts row, above
        kinds = {
            "app.bsky.feed.like": "reaction",
            "app.bsky.feed.repost": "share",
            "app.bsky.graph.follow": "follow",
            "app.bsky.graph.block": "block",
        }
        if collection not in kinds:
            yield Rejected(record, f"{collection} records are not interactions liens reads", raw,
                           field="$type")  # fmt: skip
            continue
        subject_uri = _str(_dict(subject).get("uri")) if isinstance(subject, dict) else None
        target = _str(subject) if collection.startswith("app.bsky.graph") else did_of(subject_uri)
        if not when or not target:
            missing = "createdAt" if not when else "subject"
            yield Rejected(record, f"{collection} record without {missing}", raw, field=missing)
            continue
        kind = kinds[collection]
        m.out.event(record, event_id=uri, kind=kind, actor=did, target=target, created_at=when,
                    post_id=uri if kind == "share" else subject_uri,
                    parent_post_id=subject_uri if kind == "share" else None,
                    extra=_json({"rkey": rkey}))  # fmt: skip


# --------------------------------------------------------------------------- the reader


def _is_car(head: bytes) -> bool:
    # CARv1: a varint length, then a DAG-CBOR map with "roots" and "version".
    return b"eroots" in head[:80] and b"gversion" in head[:80]


class BlueskyReader:
    """Bluesky: ``app.bsky.feed.*`` JSON responses and repository ``.car`` exports."""

    name = "bluesky"
    description = (
        "Bluesky: app.bsky.feed getAuthorFeed/getTimeline, getPostThread, searchPosts/getPosts, "
        "getLikes JSON, or a repository export (.car)"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        if _is_car(head):
            return True
        start = head.lstrip()[:1]
        return (
            start == b"{"
            and b'"at://did:' in head
            and (any(k in head for k in (b'"feed"', b'"thread"', b'"posts"', b'"likes"')))
        )

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the response or the repository as events, accounts and posts."""
        path = Path(path)
        check_readable(path)
        out = Rows(options.batch_rows, options.platform or "bluesky")
        m = _Mapper(out)
        with open_binary(path) as fh:
            head = fh.read(80)
        if _is_car(head):
            items = _car(path, m)
        else:
            try:
                with open_binary(path) as fh:
                    doc = json.load(fh)
            except (ValueError, UnicodeDecodeError) as e:
                raise SourceError(f"not valid JSON: {e}", path=path) from None
            if not isinstance(doc, dict):
                raise SourceError("expected an app.bsky.feed response object", path=path)
            items = _response(doc, m, path)
        for item in items:
            if item is not None:
                yield item
            yield from out.flush(force=False)
        yield from out.flush(force=True)


def _response(doc: dict, m: _Mapper, path: Path | str) -> Iterator[Rejected | None]:
    if isinstance(doc.get("feed"), list):
        return _feed(doc, m)
    if isinstance(doc.get("thread"), dict):
        return _thread(doc, m)
    if isinstance(doc.get("posts"), list):
        return _posts(doc, m)
    if isinstance(doc.get("likes"), list):
        return _likes(doc, m)
    raise SourceError("not an app.bsky.feed response (no feed, thread, posts or likes)", path=path)


def response_rows(
    doc: dict, *, platform: str = "bluesky", batch_rows: int = 50_000, source: str = "response"
) -> Iterator[Chunk | Rejected]:
    """Canonical chunks of one ``app.bsky.feed`` response as parsed from JSON (a page of
    getAuthorFeed or searchPosts, a getPostThread): the same rows as importing it from a file.

    Raises :class:`~liens.errors.SourceError` naming ``source`` when ``doc`` is no such response.
    """
    out = Rows(batch_rows, platform)
    for item in _response(doc, _Mapper(out), source):
        if item is not None:
            yield item
        yield from out.flush(force=False)
    yield from out.flush(force=True)
