"""Reader for Reddit dumps: Pushshift / Arctic Shift NDJSON comments and submissions.

Schema: the Pushshift Reddit dataset paper (Baumgartner et al., "The Pushshift Reddit Dataset",
ICWSM 2020, arXiv:2001.08435, section "Data format"), whose records are Reddit API ``Comment``
(``t1``) and ``Link`` (``t3``) objects (https://www.reddit.com/dev/api, "fullnames"); Arctic
Shift (github.com/ArthurHeitmann/arctic_shift) writes the same objects. Monthly dumps (``RC_``
comments, ``RS_`` submissions) and per-subreddit dumps are one JSON object per line, plain or
``.zst`` (zstd with a long window). The reader accepts one file or a folder of them: reading
submissions and comments together lets each comment know whom it answers.

Mapping (publication ids are Reddit fullnames: ``t1_<id>`` a comment, ``t3_<id>`` a submission;
accounts are user names, global on Reddit):

==============  ==============================================================================
Record          Canonical rows
==============  ==============================================================================
submission      event ``post`` ``t3_<id>``: text = title, a blank line, selftext; context =
                subreddit; a ``posts`` row with title, score, url and counters in extra.
comment         event ``comment`` ``t1_<id>``: parent = ``parent_id`` (``t1_`` a comment,
                ``t3_`` the submission), root = ``link_id``; target = the author of the parent
                when the parent is in the data read (else NULL); a ``posts`` row with score.
``u/name``      one ``mention`` event ``<fullname>/m/<name>`` per user named in the text.
==============  ==============================================================================

``[deleted]`` and missing authors stay NULL (never one shared account); the placeholder is kept
in ``extra.author``. A ``[deleted]`` or ``[removed]`` body is no text (kept in ``extra.body``).
Other fields (``ups``, ``gilded``, ``controversiality``, ``author_flair_text``, ...) go to
``extra``. A line that is not JSON or lacks ``id`` or ``created_utc`` is a
:class:`~liens.sources.base.Rejected` with its line. When the user gives ``--map``, the file is
read by the generic JSON lines reader instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import zstandard

from liens.errors import SourceError
from liens.sources._rows import EVENT_FIELDS, Rows, dumps, text_or_none
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import check_readable, head, open_text

__all__ = ["RedditReader"]

_PLACEHOLDERS = ("[deleted]", "[removed]")
_USER = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
_COMMENT_KEYS = ("body", "parent_id")
_SUBMISSION_KEYS = ("title", "selftext", "num_comments", "is_self")
# Fields mapped to canonical columns (the rest goes to extra).
_USED = frozenset(
    ("id", "name", "author", "created_utc", "body", "title", "selftext", "parent_id", "link_id",
     "subreddit", "permalink", "score")
)  # fmt: skip
_SNIFF = re.compile(rb'"(?:subreddit_id|link_id|parent_id|subreddit)"\s*:')


def _is_reddit(first_line: bytes) -> bool:
    return first_line.startswith(b"{") and len(_SNIFF.findall(first_line[:20000])) >= 2


def _fullname(prefix: str, value: Any) -> str | None:
    v = text_or_none(value)
    if v is None:
        return None
    return v if v.startswith(("t1_", "t3_")) else f"{prefix}{v}"


class RedditReader:
    """Pushshift / Arctic Shift NDJSON (comments and submissions), one file or a folder."""

    name = "reddit"
    description = (
        "Reddit dumps (Pushshift, Arctic Shift): NDJSON comments (RC_) and submissions (RS_), "
        "plain or .zst, one file or a folder"
    )

    def sniff(self, path: Path, head_bytes: bytes) -> bool:
        path = Path(path)
        if path.is_dir():
            return bool(self._files(path))
        return _is_reddit(head_bytes.lstrip().split(b"\n", 1)[0])

    def _files(self, folder: Path) -> list[Path]:
        return [
            p
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".") and _is_reddit(head(p).split(b"\n")[0])
        ]

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream comments and submissions (see the module docstring)."""
        path = Path(path)
        if options.columns and not path.is_dir():
            from liens.sources.tabular import JsonLinesReader

            yield from JsonLinesReader().read(path, options)
            return
        check_readable(path)
        files = self._files(path) if path.is_dir() else [path]
        if not files:
            raise SourceError(
                "no Reddit dump files (NDJSON comments or submissions) here", path=path
            )
        stage = _Stage(options)
        record = 0
        for file in files:
            record = yield from stage.load(file, record, prefix=path.is_dir())
        yield from stage.events()


class _Stage:
    """Rows are held in DuckDB until the end: a comment's target is its parent's author, and
    the parent may come later in the file or in another file of the folder."""

    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self.platform = options.platform or "reddit"
        self.context = options.constants.get("context")
        self.con = duckdb.connect()
        cols = ", ".join(
            f'"{c}" {"VARCHAR[]" if c in ("hashtags", "mentions") else "VARCHAR"}'
            for c in EVENT_FIELDS
        )
        self.con.execute(f"CREATE TABLE ev ({cols}, _record BIGINT)")
        self.rows = Rows(options.batch_rows)

    def load(self, file: Path, record: int, prefix: bool) -> Iterator[Chunk | Rejected]:
        lineno = 0
        name = f"{file.name}: " if prefix else ""
        try:
            with open_text(file) as fh:
                for lineno, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    record += 1
                    raw = line.rstrip("\r\n")
                    try:
                        obj = json.loads(line)
                    except ValueError as exc:
                        yield Rejected(record, f"{name}invalid JSON: {exc}", raw, line=lineno)
                        continue
                    result = self._record(obj)
                    if isinstance(result, tuple):
                        reason, field = result
                        yield Rejected(record, name + reason, raw, line=lineno, field=field)
                        continue
                    for table, row in result:
                        if table == "events":
                            chunk = self.rows.buffers["events"].add(record, row)
                            if chunk is not None:
                                self._insert(chunk)
                        else:
                            yield from self.rows.add("posts", record, row)
        except (EOFError, OSError, zstandard.ZstdError) as exc:
            raise SourceError(
                f"the file ends early or is damaged after line {lineno} ({exc}); "
                "nothing was imported from it",
                path=file,
            ) from None
        return record

    def _insert(self, chunk: Chunk) -> None:
        self.con.register("_chunk", chunk.data)
        names = ", ".join(f'"{c}"' for c in chunk.data.column_names)
        self.con.execute(f"INSERT INTO ev ({names}) SELECT {names} FROM _chunk")
        self.con.unregister("_chunk")

    def _record(self, obj: Any) -> list[tuple[str, dict]] | tuple[str, str | None]:
        if not isinstance(obj, dict):
            return "a line must be a JSON object", None
        if any(k in obj for k in _COMMENT_KEYS):
            kind, prefix = "comment", "t1_"
        elif any(k in obj for k in _SUBMISSION_KEYS):
            kind, prefix = "post", "t3_"
        else:
            return "neither a comment (body, parent_id) nor a submission (title)", None
        fid = _fullname(prefix, obj.get("name")) or _fullname(prefix, obj.get("id"))
        if fid is None:
            return f"{kind} without id", "id"
        created = text_or_none(obj.get("created_utc"))
        if created is None:
            return f"{kind} without created_utc", "created_utc"
        author = text_or_none(obj.get("author"))
        extra = {k: v for k, v in obj.items() if k not in _USED and v is not None}
        if author in _PLACEHOLDERS or author is None:
            extra["author"] = obj.get("author")
            author = None
        subreddit = text_or_none(obj.get("subreddit"))
        context = self.context or subreddit
        if kind == "comment":
            body = obj.get("body")
            title = None
            parent = _fullname("t1_", obj.get("parent_id"))
            root = _fullname("t3_", obj.get("link_id"))
        else:
            body = obj.get("selftext")
            title = text_or_none(obj.get("title"))
            parent, root = None, fid
        if body in _PLACEHOLDERS:
            extra["body"] = body
            body = None
        body = body if isinstance(body, str) and body.strip() else None
        text = f"{title}\n\n{body}" if title and body else (title or body)
        permalink = text_or_none(obj.get("permalink"))
        if permalink and permalink.startswith("/"):
            url = "https://www.reddit.com" + permalink
        elif kind == "comment" and root:
            url = f"https://www.reddit.com/comments/{root[3:]}/_/{fid[3:]}/"
        else:
            url = f"https://www.reddit.com/comments/{fid[3:]}/"
        names = list(dict.fromkeys(_USER.findall(body or "")))
        base = {"platform": self.platform, "created_at": created, "context": context, "url": url}
        rows: list[tuple[str, dict]] = [
            (
                "events",
                {
                    **base,
                    "event_id": fid,
                    "kind": kind,
                    "actor": author,
                    "text": text,
                    "post_id": fid,
                    "parent_post_id": parent,
                    "root_post_id": root,
                    "hashtags": [],
                    "mentions": names,
                    "extra": dumps(extra),
                },
            )
        ]
        for name in names:
            if name != author:
                rows.append(
                    (
                        "events",
                        {
                            **base,
                            "event_id": f"{fid}/m/{name}",
                            "kind": "mention",
                            "actor": author,
                            "target": name,
                            "post_id": fid,
                            "root_post_id": root,
                            "hashtags": [],
                            "mentions": [name],
                        },
                    )
                )
        post_extra = {
            k: obj[k]
            for k in (
                "ups",
                "downs",
                "num_comments",
                "gilded",
                "controversiality",
                "upvote_ratio",
                "over_18",
                "domain",
                "url",
                "distinguished",
                "stickied",
                "edited",
            )
            if obj.get(k) is not None
        }
        rows.append(
            (
                "posts",
                {
                    "platform": self.platform,
                    "post_id": fid,
                    "author": author,
                    "kind": kind,
                    "created_at": created,
                    "parent_post_id": parent,
                    "root_post_id": root,
                    "context": context,
                    "title": title,
                    "text": body,
                    "url": url,
                    "score": obj.get("score")
                    if isinstance(obj.get("score"), int | float)
                    else None,
                    "extra": dumps(post_extra),
                },
            )
        )
        return rows

    def events(self) -> Iterator[Chunk]:
        chunk = self.rows.buffers["events"].flush()
        if chunk is not None:
            self._insert(chunk)
        yield from self.rows.flush()
        cols = ", ".join(f'e."{c}"' for c in EVENT_FIELDS if c != "target")
        # A parent's author: any of its rows (a record read twice has the same author).
        result = self.con.execute(f"""
            WITH authors AS (
                SELECT post_id, any_value(actor) AS author FROM ev
                WHERE kind IN ('comment', 'post') GROUP BY post_id)
            SELECT {cols},
                CASE WHEN e.kind = 'comment' THEN a.author ELSE e.target END AS target,
                e._record
            FROM ev e LEFT JOIN authors a ON e.kind = 'comment' AND a.post_id = e.parent_post_id
            ORDER BY e._record, e.event_id
        """)
        for batch in result.fetch_record_batch(self.options.batch_rows):
            if batch.num_rows:
                yield Chunk("events", pa.Table.from_batches([batch]))
