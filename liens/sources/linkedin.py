"""Reader for the LinkedIn data export ("Get a copy of your data"): its CSV files or their folder.

LinkedIn documents the archive in "Accessing your LinkedIn data" (LinkedIn Help, answer 50191)
and "Download your account data" (answer 50191/a1339364); each file is a CSV with a header line
(``Connections.csv`` starts with a ``Notes:`` paragraph before it). Files read:

================  =======================================  ====================================
File              Columns used                             Canonical rows
================  =======================================  ====================================
Connections.csv   First Name, Last Name, URL, Email        a LinkedIn connection is mutual:
                  Address, Company, Position, Connected    **two** ``follow`` events, owner ->
                  On (``15 Mar 2021``)                     contact and contact -> owner
                                                           (``extra.connection = true``), at
                                                           the day of connection; the contact's
                                                           ``accounts`` row.
Shares.csv        Date, ShareLink, ShareCommentary,        ``post`` by the owner.
                  SharedUrl, MediaUrl, Visibility
Comments.csv      Date, Link, Message                      ``comment`` by the owner on Link.
Reactions.csv     Date, Type, Link                         ``reaction`` by the owner on Link,
                                                           ``extra.type`` (LIKE, PRAISE, ...).
messages.csv      CONVERSATION ID, CONVERSATION TITLE,     ``message`` from the sender to each
                  FROM, SENDER PROFILE URL, TO,            recipient, ``context`` = the
                  RECIPIENT PROFILE URLS, DATE, SUBJECT,   conversation id.
                  CONTENT, FOLDER
Profile.csv       First Name, Last Name, Headline, ...     the owner's ``accounts`` row.
================  =======================================  ====================================

Each file's kind is told by the columns its header names, in any order and with others beside
them (older exports have no URL column in ``Connections.csv``; newer ones add columns). The
``.zip`` LinkedIn sends is read as it is: its CSV members, in memory (they are small); a
damaged member raises a :class:`~liens.errors.SourceError` naming it (``<zip>/messages.csv``).

Accounts are the public profile's slug (``https://www.linkedin.com/in/jdupont`` ->
``jdupont``), else the name. The export's owner is ``--set actor=SLUG``, else the sender of
``messages.csv`` named as in ``Profile.csv``, else the profile (not a connection) taking part
in most conversations, else unknown: the owner's posts,
comments and reactions then have a NULL actor (the export never names its owner's URL
elsewhere). The authors of the posts commented or reacted to are not in the export (target
NULL). Columns not listed go to ``extra``; a row without a date or a link is rejected with its
line and field.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from liens.errors import SourceError
from liens.sources._rows import Rows
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import ZIP_OPEN_ERRORS, check_readable, is_zip, open_text

__all__ = ["LinkedInReader", "profile_slug"]

# Columns that tell each file's kind, by name (case varies across export versions, and
# LinkedIn adds and moves columns: Connections.csv gained URL between Last Name and Email
# Address, so the header is matched as a set, not a prefix). Checked in this order.
_HEADERS: list[tuple[frozenset[str], str]] = [
    (frozenset({"conversation id", "from", "date"}), "messages"),
    (frozenset({"date", "sharelink"}), "shares"),
    (frozenset({"date", "link", "message"}), "comments"),
    (frozenset({"date", "type", "link"}), "reactions"),
    (frozenset({"first name", "last name", "connected on"}), "connections"),
    (frozenset({"first name", "last name", "headline"}), "profile"),
    (frozenset({"first name", "last name", "maiden name"}), "profile"),
]
_SLUG = re.compile(r"linkedin\.com/(?:in|pub)/([^/?#\s]+)", re.IGNORECASE)


def profile_slug(url: str | None) -> str | None:
    """``jdupont`` from ``https://www.linkedin.com/in/jdupont/``; None for anything else."""
    m = _SLUG.search(url or "")
    return m.group(1).lower() if m else None


def _kind_of(line: str) -> str | None:
    if "," not in line:
        return None
    try:
        cells = {c.strip().lower() for c in next(csv.reader([line.strip()]), [])}
    except csv.Error:  # a binary file's first bytes (a stray carriage return): not a header
        return None
    return next((kind for needed, kind in _HEADERS if needed <= cells), None)


def _rows(path: Path) -> tuple[str | None, list[tuple[int, dict[str, str], str]]]:
    """The file's kind and its rows as (line, row, raw), the ``Notes:`` preamble skipped."""
    with open_text(path) as fh:
        return _parse(fh.read())


def _zip_rows(path: Path) -> dict[str, tuple[str, list[tuple[int, dict[str, str], str]]]]:
    """The kind, member name and rows of each CSV file of a zipped export (read in memory:
    the CSV files of an export are small; its other members are never read)."""
    try:
        zf = zipfile.ZipFile(path)
    except ZIP_OPEN_ERRORS as exc:
        raise SourceError(f"not a readable zip ({exc})", path=path) from None
    parsed: dict[str, tuple[str, list[tuple[int, dict[str, str], str]]]] = {}
    with zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.lower().endswith(".csv"):
                continue
            try:
                text = zf.read(info).decode("utf-8-sig", errors="replace")
            except (*ZIP_OPEN_ERRORS, zlib.error, RuntimeError) as exc:
                raise SourceError(
                    f"this member of the zip is damaged or cut ({exc}); nothing was imported",
                    path=f"{path}/{info.filename}",
                ) from None
            kind, rows = _parse(text)
            if kind and kind not in parsed:
                parsed[kind] = (info.filename, rows)
    return parsed


def _parse(text: str) -> tuple[str | None, list[tuple[int, dict[str, str], str]]]:
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines[:20]) if _kind_of(line)), None)
    if start is None:
        return None, []
    kind = _kind_of(lines[start])
    reader = csv.reader(lines[start:])
    header = [h.strip() for h in next(reader)]
    out = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = start + reader.line_num
        raw = ",".join(row)
        out.append((line, dict(zip(header, row, strict=False)), raw))
    return kind, out


def _connected_on(value: str) -> str | None:
    for fmt in ("%d %b %Y", "%m/%d/%y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).strftime("%Y-%m-%d")
        except ValueError:
            continue
    return None


def _json(obj: dict) -> str | None:
    obj = {k: v for k, v in obj.items() if v not in (None, "")}
    return json.dumps(obj, ensure_ascii=False) if obj else None


def _get(row: dict[str, str], *names: str) -> str:
    """A column by any of its names, case-insensitively (exports differ in case)."""
    low = {k.lower(): v for k, v in row.items() if k is not None}
    for n in names:
        if low.get(n.lower()):
            return low[n.lower()].strip()
    return ""


def _owner_from_messages(
    rows: list[tuple[int, dict[str, str], str]], name: str | None, contacts: set[str]
) -> str | None:
    """The sender whose name is the profile's, else whoever is in most conversations and is
    not a contact (one is not one's own connection)."""
    for _, r, _ in rows:
        slug = profile_slug(_get(r, "SENDER PROFILE URL"))
        if name and slug and _get(r, "FROM").casefold() == name.casefold():
            return slug
    seen: Counter[tuple[str, str]] = Counter()
    for _, r, _ in rows:
        people = {profile_slug(_get(r, "SENDER PROFILE URL"))}
        people |= {profile_slug(u) for u in _get(r, "RECIPIENT PROFILE URLS").split(",")}
        seen.update({(p, _get(r, "CONVERSATION ID")) for p in people if p})
    per_person = Counter(p for p, _ in seen if p not in contacts)
    return per_person.most_common(1)[0][0] if per_person else None


class LinkedInReader:
    """LinkedIn data export: Connections, Shares, Comments, Reactions, messages CSV files."""

    name = "linkedin"
    description = (
        "LinkedIn data export: the downloaded .zip, the folder, or Connections.csv, Shares.csv, "
        "Comments.csv, Reactions.csv, messages.csv"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        path = Path(path)
        if path.is_dir():
            return (path / "Connections.csv").is_file() or (path / "messages.csv").is_file()
        if is_zip(path):
            try:
                with zipfile.ZipFile(path) as zf:
                    names = {posixpath.basename(n).lower() for n in zf.namelist()}
            except ZIP_OPEN_ERRORS:
                return False
            return bool(names & {"connections.csv", "messages.csv"})
        text = head.decode("utf-8", "replace")
        if text.lstrip("\ufeff").startswith("Notes:"):
            return any(_kind_of(line) for line in text.splitlines()[:20])
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        kind = _kind_of(first)
        # Date,Link,Message and Date,Type,Link are generic: only trust them with the file name.
        if kind in ("comments", "reactions", "profile"):
            return path.name.lower() in (f"{kind}.csv",)
        return kind is not None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the export's files as events and accounts (see the module doc)."""
        path = Path(path)
        check_readable(path)
        parsed: dict[str, tuple[str, list[tuple[int, dict[str, str], str]]]] = {}
        if is_zip(path):
            parsed = _zip_rows(path)
        else:
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv") if (
                path.is_dir()) else [path]  # fmt: skip
            for f in files:
                kind, rows = _rows(f)
                if kind:
                    parsed[kind] = (f.name, rows)
        if not parsed:
            raise SourceError("no LinkedIn export file here (Connections.csv, messages.csv...)",
                              path=path)  # fmt: skip
        messages = parsed.get("messages", (None, []))[1]
        if path.is_file() and path.parent.joinpath("messages.csv").is_file() and not messages:
            messages = _rows(path.parent / "messages.csv")[1]
        profile = parsed.get("profile", (None, []))[1]
        name = (f"{_get(profile[0][1], 'First Name')} {_get(profile[0][1], 'Last Name')}".strip()
                if profile else None)  # fmt: skip
        contacts = {
            profile_slug(_get(r, "URL")) for _, r, _ in parsed.get("connections", (None, []))[1]
        }
        owner = options.constants.get("actor") or _owner_from_messages(messages, name, contacts)
        out = Rows(options.batch_rows, options.platform or "linkedin")
        for kind in ("profile", "connections", "shares", "comments", "reactions", "messages"):
            if kind in parsed:
                name, rows = parsed[kind]
                yield from getattr(self, f"_{kind}")(rows, owner, name, out)
                yield from out.flush(force=True)

    # one method per file ---------------------------------------------------------------

    def _profile(self, rows, owner, name, out) -> Iterator[Rejected]:
        for _, r, _ in rows[:1]:
            full = f"{_get(r, 'First Name')} {_get(r, 'Last Name')}".strip()
            out.account(1, owner or full or None, display_name=full or None, owned="true",
                        extra=_json({"headline": _get(r, "Headline"),
                                     "industry": _get(r, "Industry")}))  # fmt: skip
        return iter(())

    def _connections(self, rows, owner, name, out) -> Iterator[Rejected]:
        for record, (line, r, raw) in enumerate(rows, start=1):
            full = f"{_get(r, 'First Name')} {_get(r, 'Last Name')}".strip()
            who = profile_slug(_get(r, "URL")) or full or None
            day = _connected_on(_get(r, "Connected On"))
            if not who or not day:
                field = "URL" if not who else "Connected On"
                yield Rejected(record, f"connection without {field}", raw, line=line, field=field)
                continue
            extra = {"connection": True, "time_precision": "day", "file": name}
            for direction, (a, b) in (("out", (owner, who)), ("in", (who, owner))):
                out.event(record, event_id=f"connection/{who}/{direction}", kind="follow",
                          actor=a, target=b, created_at=day, source_tz="UTC",
                          extra=_json(extra))  # fmt: skip
            out.account(record, who, display_name=full or None, extra=_json({
                "email": _get(r, "Email Address"), "company": _get(r, "Company"),
                "position": _get(r, "Position"), "url": _get(r, "URL")}))  # fmt: skip

    def _dated(self, rows, name, link_names, required_link):
        for record, (line, r, raw) in enumerate(rows, start=1):
            when = _get(r, "Date")
            link = _get(r, *link_names)
            if not when or (required_link and not link):
                field = "Date" if not when else link_names[0]
                yield record, None, None, Rejected(record, f"row without {field}", raw,
                                                   line=line, field=field)  # fmt: skip
                continue
            yield record, r, (when, link), None

    def _shares(self, rows, owner, name, out) -> Iterator[Rejected]:
        for record, r, got, rej in self._dated(rows, name, ("ShareLink",), False):
            if rej:
                yield rej
                continue
            when, link = got
            out.event(record, event_id=link or None, kind="post", actor=owner, created_at=when,
                      source_tz="UTC", text=_get(r, "ShareCommentary") or None,
                      post_id=link or None, url=link or None,
                      extra=_json({"shared_url": _get(r, "SharedUrl"), "file": name,
                                   "media_url": _get(r, "MediaUrl"),
                                   "visibility": _get(r, "Visibility")}))  # fmt: skip

    def _comments(self, rows, owner, name, out) -> Iterator[Rejected]:
        for record, r, got, rej in self._dated(rows, name, ("Link",), True):
            if rej:
                yield rej
                continue
            when, link = got
            out.event(record, kind="comment", actor=owner, created_at=when, source_tz="UTC",
                      text=_get(r, "Message") or None, parent_post_id=link, url=link,
                      extra=_json({"file": name}))  # fmt: skip

    def _reactions(self, rows, owner, name, out) -> Iterator[Rejected]:
        for record, r, got, rej in self._dated(rows, name, ("Link",), True):
            if rej:
                yield rej
                continue
            when, link = got
            out.event(record, kind="reaction", actor=owner, created_at=when, source_tz="UTC",
                      post_id=link, url=link,
                      extra=_json({"type": _get(r, "Type"), "file": name}))  # fmt: skip

    def _messages(self, rows, owner, name, out) -> Iterator[Rejected]:
        for record, (line, r, raw) in enumerate(rows, start=1):
            when = _get(r, "DATE")
            sender = profile_slug(_get(r, "SENDER PROFILE URL")) or _get(r, "FROM") or None
            if not when or not sender:
                field = "DATE" if not when else "FROM"
                yield Rejected(record, f"message without {field}", raw, line=line, field=field)
                continue
            urls = [u for u in _get(r, "RECIPIENT PROFILE URLS").split(",") if u.strip()]
            names = [n.strip() for n in _get(r, "TO").split(",") if n.strip()]
            recipients = [profile_slug(u) or u.strip() for u in urls] or names or [None]
            conv = _get(r, "CONVERSATION ID") or None
            extra = {"conversation_title": _get(r, "CONVERSATION TITLE"), "file": name,
                     "subject": _get(r, "SUBJECT"), "folder": _get(r, "FOLDER"),
                     "from": _get(r, "FROM"), "to": _get(r, "TO")}  # fmt: skip
            for to in recipients:
                out.event(
                    record,
                    kind="message",
                    actor=sender,
                    target=to,
                    created_at=when,
                    text=_get(r, "CONTENT") or None,
                    context=conv,
                    extra=_json(extra),
                )
