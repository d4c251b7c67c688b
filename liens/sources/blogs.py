"""Reader for blog comment threads: WordPress WXR exports and Blogger Atom exports.

- **WordPress eXtended RSS** (WXR 1.0-1.2, "Tools > Export" of WordPress; the format is the
  RSS 2.0 of https://www.rssboard.org/rss-specification with the ``wp:`` elements written by
  WordPress's ``export_wp()``, documented in the WordPress developer handbook): a ``channel``
  with the site (``wp:base_blog_url``), its authors (``wp:author``) and ``item`` publications,
  each with ``wp:comment`` elements (``wp:comment_id``, ``comment_author``,
  ``comment_author_email``, ``comment_date_gmt``, ``comment_content``, ``comment_approved``,
  ``comment_type``, ``comment_parent``).
- **Blogger export** (Atom, RFC 4287, with the Atom threading extension ``thr:in-reply-to`` of
  RFC 4685): ``entry`` elements whose ``category`` in the scheme
  ``http://schemas.google.com/g/2005#kind`` says ``post`` or ``comment``; a threaded reply names
  the comment it answers with ``link rel="related"``.

Platform ``blog``; ``context`` is the blog's site (host and path, ``--set context=`` overrides).
Authors have no platform-wide id: an account is ``site/e-mail`` when the export gives an e-mail
(Blogger's ``noreply@blogger.com`` is no e-mail), else ``site/profile URL`` (Blogger), else
``site/name``. A comment without author or signed with the placeholder ``Anonymous`` (or
``Anonyme``, ``Anónimo``...) stays NULL, the placeholder kept in ``extra.author_placeholder``.

===================================  ==========================================================
Source                               Canonical rows
===================================  ==========================================================
WXR ``item`` (post or page), Blogger ``post``; actor = the author (``dc:creator`` resolved
``post`` entry                       through ``wp:author``); a ``posts`` row with the title.
``wp:comment``, Blogger ``comment``  ``comment``; parent = the comment answered
                                     (``comment_parent``, ``link rel=related``) else the post;
                                     target = that publication's author; root = the post;
                                     ``extra.approved`` (``1``, ``0``, ``spam``, ``trash``).
pingback / trackback comment         ``link`` from the citing site to the post.
``wp:author``                        an ``accounts`` row (login, display name).
===================================  ==========================================================

Other WXR items (attachments, menu items, templates) and Blogger settings and template
entries are not publications and are not read. A comment or post without id or date is
rejected with its record number, line and field; a file that is not well-formed XML raises
:class:`~liens.errors.SourceError` with the line.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from liens.errors import SourceError
from liens.sources._rows import Rows
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import check_readable, open_binary
from liens.sources.mastodon import html_text

__all__ = ["BlogReader", "is_placeholder"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_THR = "{http://purl.org/syndication/thread/1.0}"
_KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
_PLACEHOLDERS = frozenset(
    ("anonymous", "anonyme", "anónimo", "anonimo", "anonym", "unknown", "inconnu", "guest")
)
_NO_EMAIL = ("noreply@blogger.com",)
_POST_TYPES = ("post", "page")


def is_placeholder(name: str | None) -> bool:
    """True for an empty author name or a platform's word for "anonymous"."""
    return not name or not name.strip() or name.strip().lower() in _PLACEHOLDERS


def _local(tag: str) -> str:
    """``wp:comment_id`` -> ``comment_id`` whatever the WXR version's namespace URI."""
    return tag.rsplit("}", 1)[-1]


def _site_of(url: str | None) -> str | None:
    if not url:
        return None
    u = urlparse(url.strip())
    return ((u.hostname or "") + u.path.rstrip("/")) or None


def _json(obj: dict) -> str | None:
    obj = {k: v for k, v in obj.items() if v not in (None, "")}
    return json.dumps(obj, ensure_ascii=False) if obj else None


class _Authors:
    """Account ids of one site."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.login: dict[str, tuple[str | None, str | None]] = {}  # login -> (email, name)

    def of(self, name: str | None, email: str | None = None, uri: str | None = None) -> str | None:
        email = (email or "").strip().lower()
        if email and email not in _NO_EMAIL and "@" in email:
            return f"{self.site}/{email}"
        if is_placeholder(name):
            return None
        if uri and uri.strip():
            return f"{self.site}/{re.sub(r'^https?://', '', uri.strip())}"
        return f"{self.site}/{name.strip()}"  # type: ignore[union-attr]

    def of_login(self, login: str | None) -> str | None:
        if login in self.login:
            email, name = self.login[login]
            return self.of(name or login, email)
        return self.of(login)


# --------------------------------------------------------------------------- WXR


def _fields(elem: ET.Element) -> dict[str, str]:
    """Text of the element's children by local name (``wp:``/``dc:``/``content:`` stripped);
    ``content:encoded`` becomes ``encoded``, its ``excerpt:`` sibling ``excerpt_encoded``."""
    out: dict[str, str] = {}
    for child in elem:
        name = _local(child.tag)
        if name == "encoded" and "excerpt" in child.tag:
            name = "excerpt_encoded"
        if len(child) == 0 and name not in out:
            out[name] = (child.text or "").strip()
    return out


def _time(gmt: str | None, local: str | None) -> tuple[str | None, str | None]:
    """UTC from ``*_date_gmt`` (drafts write zeros), else the local time (read in --tz)."""
    if gmt and not gmt.startswith("0000"):
        return gmt, "UTC"
    if local and not local.startswith("0000"):
        return local, None
    return None, None


def _wxr(path: Path, options: ReadOptions, out: Rows) -> Iterator[Chunk | Rejected]:
    site = options.constants.get("context")
    authors: _Authors | None = None
    record = 0
    context = ET.iterparse(open_binary(path), events=("start", "end"))
    depth_item = False
    try:
        for event, elem in context:
            name = _local(elem.tag)
            if event == "start":
                depth_item = depth_item or name == "item"
                continue
            if depth_item and name != "item":
                continue
            if name in ("base_blog_url", "link") and site is None and not depth_item:
                site = _site_of(elem.text)
            elif name == "author" and len(elem):
                f = _fields(elem)
                authors = authors or _Authors(site or "blog")
                login = f.get("author_login")
                if login:
                    authors.login[login] = (f.get("author_email"), f.get("author_display_name"))
                    record += 1
                    out.account(record, authors.of_login(login), handle=login,
                                display_name=f.get("author_display_name") or None,
                                extra=_json({"first_name": f.get("author_first_name"),
                                             "last_name": f.get("author_last_name")}))  # fmt: skip
            elif name == "item":
                depth_item = False
                authors = authors or _Authors(site or "blog")
                if authors.site == "blog" and site:
                    authors.site = site
                record = yield from _item(elem, authors.site, authors, record, out)
                elem.clear()
                yield from out.flush(force=False)
    except ET.ParseError as e:
        raise SourceError(f"not well-formed XML ({e})", path=path, line=e.position[0]) from None


def _item(
    elem: ET.Element, site: str, authors: _Authors, record: int, out: Rows
) -> Iterator[Chunk | Rejected]:
    f = _fields(elem)
    post_type = f.get("post_type", "post")
    if post_type not in _POST_TYPES:
        return record
    record += 1
    raw = ET.tostring(elem, encoding="unicode")[:20_000]
    post_id = f.get("post_id")
    when, tz = _time(f.get("post_date_gmt"), f.get("post_date"))
    when, tz = (when, tz) if when else (f.get("pubDate") or None, None)
    if not post_id or not when:
        field = "wp:post_id" if not post_id else "wp:post_date_gmt"
        yield Rejected(record, f"item without {field}", raw, field=field)
        return record + len(elem.findall("{*}comment"))
    pid = f"{site}/p/{post_id}"
    author = authors.of_login(f.get("creator"))
    title = f.get("title") or None
    body = html_text(f.get("encoded")) or None
    text = f"{title}\n\n{body}" if title and body else title or body
    cats = [c.text for c in elem.findall("category") if c.get("domain") == "post_tag" and c.text]
    out.event(record, event_id=pid, kind="post", actor=author, created_at=when, source_tz=tz,
              text=text, post_id=pid, root_post_id=pid, context=site, url=f.get("link"),
              hashtags=cats or None,
              extra=_json({"post_type": post_type, "status": f.get("status"),
                           "creator": f.get("creator")}))  # fmt: skip
    out.post(
        record,
        post_id=pid,
        author=author,
        kind="post",
        created_at=when,
        root_post_id=pid,
        context=site,
        title=title,
        text=body,
        url=f.get("link"),
    )
    comments = [_fields(c) for c in elem.findall("{*}comment")]
    by_id = {c.get("comment_id"): c for c in comments}
    for c in comments:
        record += 1
        raw = json.dumps(c, ensure_ascii=False)
        cid = c.get("comment_id")
        cwhen, ctz = _time(c.get("comment_date_gmt"), c.get("comment_date"))
        if not cid or not cwhen:
            field = "wp:comment_id" if not cid else "wp:comment_date_gmt"
            yield Rejected(record, f"comment without {field}", raw, field=field)
            continue
        name = c.get("comment_author")
        actor = authors.of(name, c.get("comment_author_email"))
        parent = c.get("comment_parent") or "0"
        if parent != "0" and parent in by_id:
            p = by_id[parent]
            target = authors.of(p.get("comment_author"), p.get("comment_author_email"))
            parent_id = f"{site}/c/{parent}"
        else:
            target, parent_id = author, pid
        ctype = c.get("comment_type") or "comment"
        kind = "link" if ctype in ("pingback", "trackback") else "comment"
        eid = f"{site}/c/{cid}"
        extra = {"approved": c.get("comment_approved"), "type": ctype,
                 "author_url": c.get("comment_author_url"), "user_id": c.get("comment_user_id"),
                 "author_placeholder": name if actor is None else None}  # fmt: skip
        if parent != "0" and parent not in by_id:
            extra["comment_parent"] = parent  # a parent missing from the export
        out.event(record, event_id=eid, kind=kind, actor=actor, target=target, created_at=cwhen,
                  source_tz=ctz, text=html_text(c.get("comment_content")) or None,
                  post_id=eid, parent_post_id=parent_id, root_post_id=pid, context=site,
                  url=f"{f.get('link')}#comment-{cid}" if f.get("link") else None,
                  extra=_json(extra))  # fmt: skip
        if kind == "comment" and actor and name and not authors.login.get(name):
            out.account(record, actor, handle=name, display_name=name)
    return record


# --------------------------------------------------------------------------- Blogger


def _blogger(path: Path, options: ReadOptions, out: Rows) -> Iterator[Chunk | Rejected]:
    try:
        root = ET.parse(open_binary(path)).getroot()
    except ET.ParseError as e:
        raise SourceError(f"not well-formed XML ({e})", path=path, line=e.position[0]) from None
    alt = next((lk.get("href") for lk in root.findall(f"{_ATOM}link")
                if lk.get("rel") == "alternate"), None)  # fmt: skip
    site = options.constants.get("context") or _site_of(alt) or "blog"
    authors = _Authors(site)
    entries = []
    for record, entry in enumerate(root.findall(f"{_ATOM}entry"), start=1):
        kind = next((c.get("term", "").rpartition("#")[2] for c in entry.findall(f"{_ATOM}category")
                     if c.get("scheme") == _KIND_SCHEME), None)  # fmt: skip
        entries.append((record, kind, entry))

    def who(entry: ET.Element) -> tuple[str | None, str | None]:
        a = entry.find(f"{_ATOM}author")
        if a is None:
            return None, None
        name = a.findtext(f"{_ATOM}name")
        return authors.of(name, a.findtext(f"{_ATOM}email"), a.findtext(f"{_ATOM}uri")), name

    def short(eid: str | None) -> str | None:
        m = re.search(r"post-(\d+)$", eid or "")
        return m.group(1) if m else None

    post_author: dict[str, str | None] = {}
    comment_author: dict[str, str | None] = {}
    for _, kind, entry in entries:
        n = short(entry.findtext(f"{_ATOM}id"))
        if n:
            (post_author if kind == "post" else comment_author)[n] = who(entry)[0]
    for record, kind, entry in entries:
        if kind not in ("post", "comment"):
            continue
        raw = ET.tostring(entry, encoding="unicode")[:20_000]
        n = short(entry.findtext(f"{_ATOM}id"))
        when = entry.findtext(f"{_ATOM}published")
        if not n or not when:
            field = "id" if not n else "published"
            yield Rejected(record, f"{kind} entry without {field}", raw, field=field)
            continue
        actor, name = who(entry)
        title = entry.findtext(f"{_ATOM}title") or None
        body = html_text(entry.findtext(f"{_ATOM}content")) or None
        url = next((lk.get("href") for lk in entry.findall(f"{_ATOM}link")
                    if lk.get("rel") == "alternate"), None)  # fmt: skip
        extra = {"author_placeholder": name if actor is None else None}
        if kind == "post":
            pid = f"{site}/p/{n}"
            tags = [c.get("term") for c in entry.findall(f"{_ATOM}category")
                    if c.get("scheme") != _KIND_SCHEME and c.get("term")]  # fmt: skip
            text = f"{title}\n\n{body}" if title and body else title or body
            out.event(record, event_id=pid, kind="post", actor=actor, created_at=when, text=text,
                      post_id=pid, root_post_id=pid, context=site, url=url,
                      hashtags=tags or None, extra=_json(extra))  # fmt: skip
            out.post(
                record,
                post_id=pid,
                author=actor,
                kind="post",
                created_at=when,
                root_post_id=pid,
                context=site,
                title=title,
                text=body,
                url=url,
            )
        else:
            reply_to = entry.find(f"{_THR}in-reply-to")
            post_n = short(reply_to.get("ref") if reply_to is not None else None)
            if post_n is None:
                yield Rejected(record, "comment without thr:in-reply-to", raw,
                               field="thr:in-reply-to")  # fmt: skip
                continue
            related = next((lk.get("href") for lk in entry.findall(f"{_ATOM}link")
                            if lk.get("rel") == "related"), None)  # fmt: skip
            parent_n = related.rstrip("/").rsplit("/", 1)[-1] if related else None
            if parent_n and parent_n in comment_author:
                parent, target = f"{site}/c/{parent_n}", comment_author[parent_n]
            else:
                parent, target = f"{site}/p/{post_n}", post_author.get(post_n)
            cid = f"{site}/c/{n}"
            out.event(record, event_id=cid, kind="comment", actor=actor, target=target,
                      created_at=when, text=body, post_id=cid, parent_post_id=parent,
                      root_post_id=f"{site}/p/{post_n}", context=site, url=url,
                      extra=_json(extra))  # fmt: skip
        if actor:
            out.account(record, actor, handle=name, display_name=name)
        yield from out.flush(force=False)


# --------------------------------------------------------------------------- the reader


class BlogReader:
    """Blog comment threads: WordPress WXR export or Blogger Atom export."""

    name = "blog"
    description = "Blog comment threads: WordPress export (WXR) or Blogger export (Atom)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return self._form(head) is not None

    @staticmethod
    def _form(head: bytes) -> str | None:
        if b"<rss" in head and b"wordpress.org/export/" in head:
            return "wxr"
        if b"<feed" in head and (b"schemas.google.com/blogger" in head or _KIND_SCHEME.encode()
                                 in head):  # fmt: skip
            return "blogger"
        return None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the export's posts and comments as events, posts and accounts."""
        path = Path(path)
        check_readable(path)
        with open_binary(path) as fh:
            head = fh.read(65536)
        form = self._form(head)
        if form is None:
            raise SourceError("not a WordPress (WXR) or Blogger (Atom) export", path=path)
        out = Rows(options.batch_rows, options.platform or "blog")
        reader = _wxr if form == "wxr" else _blogger
        yield from reader(path, options, out)
        yield from out.flush(force=True)
