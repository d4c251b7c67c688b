"""Reader for Facebook and Instagram "Download your information" exports in JSON.

Meta documents the archive in its Help Centres ("Download a copy of your information on
Facebook", facebook.com/help/212802592074644; "Download a copy of your information on
Instagram", help.instagram.com/181231772500920); the JSON layout is the one the exporter writes
(keys with a version suffix such as ``comments_v2``). Files are recognised by their content, so
the ``.zip`` Meta sends (its JSON members parsed from their streams, never extracted; a damaged
member raises a :class:`~liens.errors.SourceError` naming it), the folder, a ``.json`` file or
a renamed copy all work.

All text is **mojibake-repaired**: Meta writes each UTF-8 byte of non-ASCII text as a separate
``\\u00XX`` escape (``"Ã©"`` for ``é``); such strings are encoded back to Latin-1 and decoded
as UTF-8 (strings that do not decode are kept as they are).

=======================================  ===============================================
Source (platform)                        Canonical rows
=======================================  ===============================================
your_posts_*.json (facebook)             ``post`` by the owner; ``tags`` -> mentions.
comments.json ``comments_v2`` (fb)       ``comment`` by ``author``; target = the name in
                                         the title ("... commented on NAME's post.").
reactions ``reactions_v2`` / list (fb)   ``reaction`` by ``actor``, ``extra.type``
                                         (LIKE, LOVE, ...), target from the title.
friends ``friends_v2`` (fb)              friendship is mutual: two ``follow`` events.
following / followers (fb)               ``follow`` owner -> name / name -> owner.
content/posts_*.json (instagram)         ``post`` by the owner with the caption.
post_comments_*.json (instagram)         ``comment`` by the owner, target = Media Owner.
liked_posts / liked_comments (ig)        ``reaction`` by the owner on the liked account.
following / followers_*.json (ig)        ``follow`` owner -> account / account -> owner.
profile_information / personal_info      the owner's ``accounts`` row (``owned``).
=======================================  ===============================================

Facebook accounts are the names the export shows (it gives no ids); Instagram accounts are
usernames. The owner is ``--set actor=NAME``, else the name in the profile file found in the
folder (or beside the file), else unknown (NULL). Exports have no ids: event ids are hashes of
the content (re-importing adds nothing). Entries without a timestamp are rejected with their
record number; unknown keys go to ``extra``.
"""

from __future__ import annotations

import fnmatch
import io
import json
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from liens.errors import SourceError
from liens.sources._rows import Rows
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import ZIP_OPEN_ERRORS, check_readable, is_zip, open_text

__all__ = ["MetaReader", "fix_mojibake"]

_MOJIBAKE = re.compile(r"[\u0080-\u00ff]")
# "Eric commented on Sophie Trinquand's post." / "Eric likes Sophie's photo."
_TITLE_TARGET = re.compile(
    r" (?:commented on|replied to|likes|liked|reacted to|wrote on) (.+?)'s? "
    r"(?:own )?(?:post|photo|video|comment|link|status|album|timeline|life event|reel)",
)
_PROFILE_FILES = ("profile_information.json", "personal_information.json")


def fix_mojibake(value: Any) -> Any:
    """Undo Meta's escaping of UTF-8 bytes as Latin-1 characters, recursively.

    >>> fix_mojibake("Caf\\u00c3\\u00a9")
    'Café'
    """
    if isinstance(value, str):
        if not _MOJIBAKE.search(value):
            return value
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value  # genuine Latin-1 text, or already repaired
    if isinstance(value, list):
        return [fix_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {fix_mojibake(k): fix_mojibake(v) for k, v in value.items()}
    return value


def _load(path: Path) -> Any:
    with open_text(path) as fh:
        try:
            return fix_mojibake(json.load(fh))
        except ValueError as e:
            raise SourceError(f"not valid JSON: {e}", path=path) from None


# What reading a zip member can raise: a bad CRC or header, a cut deflate stream, an encrypted
# member, an unsupported compression method.
_ZIP_ERRORS = (*ZIP_OPEN_ERRORS, zlib.error, RuntimeError)


def _load_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> Any:
    """A JSON member of the zipped export, parsed from its stream (never extracted)."""
    try:
        with zf.open(info) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig") as fh:
            return fix_mojibake(json.load(fh))
    except ValueError as e:  # also a member that is not UTF-8
        raise SourceError(f"not valid JSON: {e}", path=where) from None
    except _ZIP_ERRORS as e:
        raise SourceError(
            f"this member of the zip is damaged or cut ({e}); nothing was imported", path=where
        ) from None


def _sources(path: Path, zf: zipfile.ZipFile | None) -> list[tuple[str, str, Callable[[], Any]]]:
    """(where, file name, loader) of each JSON file of the export, a zip's members included."""
    if zf is not None:
        return [
            (
                f"{path}/{i.filename}",
                posixpath.basename(i.filename),
                lambda i=i: _load_member(zf, i, f"{path}/{i.filename}"),
            )
            for i in zf.infolist()
            if not i.is_dir() and i.filename.lower().endswith(".json")
        ]
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    return [(str(f), f.name, lambda f=f: _load(f)) for f in files]


def _key(doc: Any, prefix: str) -> list | None:
    """The list under ``prefix`` or ``prefix_vN`` (Meta versions its keys)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            if re.fullmatch(rf"{prefix}(_v\d+)?", k) and isinstance(v, list):
                return v
    return None


def _d(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _items(v: Any) -> list:
    return v if isinstance(v, list) else []


def _target(title: Any) -> str | None:
    m = _TITLE_TARGET.search(title) if isinstance(title, str) else None
    return m.group(1) if m else None


def _json(obj: dict) -> str | None:
    obj = {k: v for k, v in obj.items() if v not in (None, "", [], {})}
    return json.dumps(obj, ensure_ascii=False) if obj else None


def _data(entry: dict, key: str) -> Any:
    """The first ``data[i][key]`` of a Facebook entry."""
    for item in _items(entry.get("data")):
        if isinstance(item, dict) and key in item:
            return item[key]
    return None


def _owner_from(doc: Any) -> tuple[str | None, str | None]:
    """(owner, platform) from a profile file."""
    d = _d(doc)
    fb = _d(_d(d.get("profile_v2") or d.get("profile")).get("name"))
    if fb.get("full_name"):
        return fb["full_name"], "facebook"
    for user in _items(d.get("profile_user")):
        name = _d(_d(_d(user).get("string_map_data")).get("Username")).get("value")
        if name:
            return name, "instagram"
    return None, None


# A kind of file: (test on the document, platform, handler name).
def _classify(doc: Any, name: str) -> tuple[str, str, list] | None:
    for prefix, handler in (("comments", "fb_comments"), ("reactions", "fb_reactions"),
                            ("friends", "fb_friends"), ("following", "fb_following"),
                            ("followers", "fb_followers")):  # fmt: skip
        items = _key(doc, prefix)
        if items is not None:
            return "facebook", handler, items
    d = _d(doc)
    for key, handler in (("relationships_following", "ig_following"),
                         ("relationships_followers", "ig_followers"),
                         ("likes_media_likes", "ig_likes"), ("likes_comment_likes", "ig_likes"),
                         ("comments_media_comments", "ig_comments"),
                         ("comments_reels_comments", "ig_comments")):  # fmt: skip
        if isinstance(d.get(key), list):
            return "instagram", handler, d[key]
    if not isinstance(doc, list) or not doc:
        return None
    first = _d(doc[0])
    if "string_list_data" in first:
        return "instagram", "ig_following" if "following" in name else "ig_followers", doc
    if "string_map_data" in first:
        return "instagram", "ig_comments", doc
    if "media" in first:
        return "instagram", "ig_posts", doc
    if _data(first, "reaction") is not None:
        return "facebook", "fb_reactions", doc
    if "timestamp" in first or "data" in first:
        return "facebook", "fb_posts", doc
    return None


class _Mapper:
    def __init__(self, out: Rows, owner: str | None, file: str) -> None:
        self.out, self.owner, self.file = out, owner, file

    def _ev(self, record: int, when: Any, **row: Any) -> Rejected | None:
        if not isinstance(when, int | float) or isinstance(when, bool) or when <= 0:
            raw = json.dumps(row.get("_raw"), ensure_ascii=False)
            return Rejected(record, "entry without a timestamp", raw, field="timestamp")
        row.pop("_raw", None)
        extra = row.pop("extra", {}) or {}
        extra["file"] = self.file
        self.out.event(record, created_at=str(int(when)), extra=_json(extra), **row)
        return None

    # facebook --------------------------------------------------------------------------

    def fb_posts(self, r: int, e: dict) -> Rejected | None:
        text = _data(e, "post")
        tags = [_d(t).get("name") for t in _items(e.get("tags")) if _d(t).get("name")]
        return self._ev(r, e.get("timestamp"), _raw=e, kind="post", actor=self.owner,
                        target=_target(e.get("title")), text=text, mentions=tags or None,
                        extra={"title": e.get("title"), "attachments": e.get("attachments"),
                               "update_timestamp": _data(e, "update_timestamp")})  # fmt: skip

    def fb_comments(self, r: int, e: dict) -> Rejected | None:
        c = _d(_data(e, "comment"))
        return self._ev(
            r,
            c.get("timestamp") or e.get("timestamp"),
            _raw=e,
            kind="comment",
            actor=c.get("author") or self.owner,
            target=_target(e.get("title")),
            text=c.get("comment"),
            context=c.get("group"),
            extra={"title": e.get("title"), "attachments": e.get("attachments")},
        )

    def fb_reactions(self, r: int, e: dict) -> Rejected | None:
        x = _d(_data(e, "reaction"))
        return self._ev(
            r,
            e.get("timestamp"),
            _raw=e,
            kind="reaction",
            actor=x.get("actor") or self.owner,
            target=_target(e.get("title")),
            extra={"type": x.get("reaction"), "title": e.get("title")},
        )

    def _follow(self, r: int, e: dict, actor: Any, target: Any, **extra: Any) -> Rejected | None:
        return self._ev(r, e.get("timestamp"), _raw=e, kind="follow", actor=actor, target=target,
                        extra=extra)  # fmt: skip

    def fb_friends(self, r: int, e: dict) -> Rejected | None:
        problem = self._follow(r, e, self.owner, e.get("name"), friendship=True)
        return problem or self._follow(r, e, e.get("name"), self.owner, friendship=True)

    def fb_following(self, r: int, e: dict) -> Rejected | None:
        return self._follow(r, e, self.owner, e.get("name"))

    def fb_followers(self, r: int, e: dict) -> Rejected | None:
        return self._follow(r, e, e.get("name"), self.owner)

    # instagram -------------------------------------------------------------------------

    def ig_posts(self, r: int, e: dict) -> Rejected | None:
        media = [_d(m) for m in _items(e.get("media"))]
        first = media[0] if media else {}
        return self._ev(r, e.get("creation_timestamp") or first.get("creation_timestamp"),
                        _raw=e, kind="post", actor=self.owner,
                        text=e.get("title") or first.get("title") or None,
                        extra={"media": [m.get("uri") for m in media]})  # fmt: skip

    def ig_comments(self, r: int, e: dict) -> Rejected | None:
        m = _d(e.get("string_map_data"))
        return self._ev(r, _d(m.get("Time")).get("timestamp"), _raw=e, kind="comment",
                        actor=self.owner, target=_d(m.get("Media Owner")).get("value"),
                        text=_d(m.get("Comment")).get("value"))  # fmt: skip

    def _ig_list(self, r: int, e: dict, kind: str, inbound: bool) -> Rejected | None:
        problem = None
        entries = [_d(s) for s in _items(e.get("string_list_data"))] or [{}]
        for s in entries:
            who = s.get("value") if kind == "follow" else e.get("title")
            actor, target = (who, self.owner) if inbound else (self.owner, who)
            problem = self._ev(
                r,
                s.get("timestamp"),
                _raw=e,
                kind=kind,
                actor=actor,
                target=target or None,
                url=s.get("href"),
                extra={"value": s.get("value") if kind == "reaction" else None},
            )
        return problem

    def ig_following(self, r: int, e: dict) -> Rejected | None:
        return self._ig_list(r, e, "follow", inbound=False)

    def ig_followers(self, r: int, e: dict) -> Rejected | None:
        return self._ig_list(r, e, "follow", inbound=True)

    def ig_likes(self, r: int, e: dict) -> Rejected | None:
        return self._ig_list(r, e, "reaction", inbound=False)


class MetaReader:
    """Facebook and Instagram "Download your information" JSON files or folder."""

    name = "meta"
    description = "Facebook / Instagram 'Download your information' JSON (zip, folder or files)"

    def sniff(self, path: Path, head: bytes) -> bool:
        path = Path(path)
        if path.is_dir():
            return any(path.rglob("your_posts_*.json")) or any(path.rglob("followers_1.json"))
        if is_zip(path):
            try:
                with zipfile.ZipFile(path) as zf:
                    names = [posixpath.basename(n) for n in zf.namelist()]
            except ZIP_OPEN_ERRORS:
                return False
            return any(
                fnmatch.fnmatch(n, "your_posts_*.json") or n == "followers_1.json" for n in names
            )
        text = head.lstrip()
        keys = (b'"comments_v2"', b'"reactions_v2"', b'"friends_v2"', b'"following_v',
                b'"relationships_following"', b'"likes_media_likes"', b'"string_list_data"',
                b'"string_map_data"', b'"profile_v2"', b'"comments_media_comments"')  # fmt: skip
        if text.startswith((b"{", b"[")) and any(k in head for k in keys):
            return True
        return text.startswith(b"[") and b'"timestamp"' in head and b'"data"' in head and (
            b'"post"' in head or b'"reaction"' in head)  # fmt: skip

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the export's files as events and the owner's account."""
        path = Path(path)
        check_readable(path)
        if is_zip(path):
            try:
                zf = zipfile.ZipFile(path)
            except _ZIP_ERRORS as e:
                raise SourceError(f"not a readable zip ({e})", path=path) from None
            with zf:
                yield from self._read(path, options, _sources(path, zf), single=False)
            return
        sources = _sources(path, None)
        if path.is_file():  # the profile beside the file tells the owner
            sources += [s for s in _sources(path.parent, None) if s[1] in _PROFILE_FILES]
        yield from self._read(path, options, sources, single=path.is_file())

    def _read(
        self,
        path: Path,
        options: ReadOptions,
        sources: list[tuple[str, str, Callable[[], Any]]],
        single: bool,
    ) -> Iterator[Chunk | Rejected]:
        owner, owner_platform = options.constants.get("actor"), None
        for n in _PROFILE_FILES:
            profile = next((s for s in sources if s[1] == n), None)
            if profile is not None:
                found, owner_platform = _owner_from(profile[2]())
                owner = owner or found
                break
        outs: dict[str, Rows] = {}
        understood = False
        for where, name, load in sources[:1] if single else sources:
            doc = load()
            if name in _PROFILE_FILES:
                understood = True
                continue
            kind = _classify(doc, name.lower())
            if kind is None:
                if single:
                    raise SourceError("not a Facebook or Instagram export file", path=where)
                continue  # other files of the archive (ads, settings, ...) hold no interactions
            understood = True
            platform, handler, items = kind
            platform = options.platform or platform
            out = outs.setdefault(platform, Rows(options.batch_rows, platform))
            if owner and platform == (options.platform or owner_platform or platform):
                out.account(1, owner, display_name=owner, owned="true")
            m = _Mapper(out, owner, name)
            fn: Callable[[int, dict], Rejected | None] = getattr(m, handler)
            for record, entry in enumerate(items, start=1):
                if not isinstance(entry, dict):
                    problem: Rejected | None = Rejected(
                        record, "an entry must be a JSON object", json.dumps(entry)
                    )
                else:
                    try:
                        problem = fn(record, entry)
                    except (TypeError, AttributeError, ValueError) as e:
                        problem = Rejected(
                            record,
                            f"malformed entry: {e}",
                            json.dumps(entry, ensure_ascii=False, default=repr),
                        )
                if problem is not None:
                    yield problem
                yield from out.flush(force=False)
        if not understood:
            raise SourceError("no Facebook or Instagram export file here", path=path)
        for out in outs.values():
            yield from out.flush(force=True)
