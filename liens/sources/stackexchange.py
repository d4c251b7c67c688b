"""Reader for the Stack Exchange data dump: a site's XML files, its ``.7z`` archive, or the demo.

The dump and its schema are documented by Stack Exchange in "Database schema documentation for
the public data dump and SEDE" (https://meta.stackexchange.com/questions/2677). Every attribute
is a string; dates are ISO 8601 without a zone and in UTC. The reader accepts

- a folder holding the dump files (``Posts.xml``, ``Comments.xml``, ``Users.xml``, ``Votes.xml``,
  ``PostHistory.xml``, ``PostLinks.xml``; ``Tags.xml`` and ``Badges.xml`` are not read);
- one of those files alone: only its table is imported, but a ``Posts.xml`` beside it is still
  read (not imported) so that votes and comments know whom they address;
- the archive as distributed (``beer.stackexchange.com.7z``), extracted to a temporary folder;
- the compact Parquet folder of the bundled demo (:data:`DEMO_DIR`), one file per table with the
  dump's attributes as strings (see ``scripts/build_demo_data.py``).

Identifiers are namespaced by the site, so that two sites can share a workspace (user 7 of one
site is not user 7 of another): account ``{site}/u/{Id}``, publication ``{site}/p/{Id}`` (a
question, an answer or a tag wiki) and ``{site}/c/{Id}`` (a comment). Event ids (the store
prefixes the platform) are ``{site}/p/{Id}``, ``/c/``, ``/v/`` (votes), ``/h/`` (history) and
``/l/`` (links). The site comes from ``options.constants["context"]``, else from the name of the
folder or archive (``beer.stackexchange.com``, ``stackoverflow.com-Posts.7z``) or the demo's
Parquet metadata, else it is ``"stackexchange"`` (then no URL is given).

Mapping (``target`` is the owner of the publication acted on, or linked to for links; NULL when
the publication or its owner is unknown: deleted posts and users stay unknown, never merged):

=================  ==========================================================================
Dump rows          Canonical rows
=================  ==========================================================================
Users              ``accounts``: account_id, handle = display_name = DisplayName, created_at,
                   extra (reputation, location, website, views, up/down votes, network account
                   id, last access). AboutMe and the profile image are not kept.
Posts              event ``post`` (questions, PostTypeId 1, and the other types such as tag
                   wikis, named in ``extra.post_type``) or ``reply`` (answers, PostTypeId 2,
                   addressed to the asker, parent = root = the question); actor = OwnerUserId
                   (OwnerDisplayName of a deleted user goes to extra); text = Title, a blank
                   line, then Body converted from HTML to plain text; hashtags = Tags. Each post
                   also gives a ``posts`` row with title, score, views and the counters in extra.
Comments           event ``comment`` on the post (parent), in the question's thread (root);
                   mentions = the ``@name`` tokens of the text; also a ``posts`` row.
Votes              UpMod (2) / DownMod (3): ``vote`` with value +1 / -1; AcceptedByOriginator
                   (1): ``accept`` whose actor is the asker and target the answerer; Favorite
                   (5): ``reaction``; other types: ``vote`` with NULL value and
                   ``extra.vote_type``. Voters are anonymised in public dumps (UserId only on
                   favourites and bounties): actor stays NULL, never invented. Vote dates have
                   day precision (``extra.time_precision = "day"``).
PostHistory        types 1-3 (initial title, body, tags) restate the post itself and are not
                   read; edits and rollbacks (4-9): ``edit`` with the edit summary as text; the
                   others (close, reopen, delete, lock, suggested edit applied, tweeted, ...):
                   ``moderate`` with ``extra.history_type`` and the raw Comment. The Text
                   attribute (revision contents, close voters) is not read.
PostLinks          ``link`` from PostId to RelatedPostId (parent), no actor, target = owner of
                   the related post, ``extra.link_type`` (linked or duplicate).
Tags, Badges       not read: tags reach the events as hashtags from Posts.
=================  ==========================================================================

``created_at`` stays the dump's string with ``source_tz = "UTC"``; the store parses it. A row
without a required attribute (Id and CreationDate always; PostTypeId, PostId, VoteTypeId,
PostHistoryTypeId, RelatedPostId where the table needs them) becomes a :class:`Rejected` with
the XML element, its line and the field. A file that is not XML or is truncated raises
:class:`~liens.errors.SourceError` naming the file and the line.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from liens.errors import SourceError
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import head, open_binary

__all__ = ["DEMO_DIR", "DUMP_TABLES", "SITE_METADATA_KEY", "StackExchangeReader", "html_to_text"]

#: The bundled demo: the complete beer.stackexchange.com dump of 2020-06-01 as Parquet.
DEMO_DIR: Path = Path(__file__).resolve().parent.parent / "demo" / "beer_stackexchange"

#: Parquet schema metadata key naming the site of a converted dump.
SITE_METADATA_KEY = b"liens.stackexchange.site"


@dataclass(frozen=True)
class _Table:
    key: str  # DuckDB table and Parquet file stem
    xml: str  # file name in the dump
    root: str  # root element of the XML file
    columns: tuple[str, ...]  # attributes the reader uses
    required: tuple[str, ...]


_TABLES: tuple[_Table, ...] = (
    _Table(
        "users",
        "Users.xml",
        "users",
        (
            "Id", "Reputation", "CreationDate", "DisplayName", "LastAccessDate", "WebsiteUrl",
            "Location", "Views", "UpVotes", "DownVotes", "AccountId",
        ),
        ("Id", "CreationDate"),
    ),
    _Table(
        "posts",
        "Posts.xml",
        "posts",
        (
            "Id", "PostTypeId", "ParentId", "AcceptedAnswerId", "CreationDate", "Score",
            "ViewCount", "Body", "OwnerUserId", "OwnerDisplayName", "LastEditDate",
            "LastActivityDate", "Title", "Tags", "AnswerCount", "CommentCount", "FavoriteCount",
            "ClosedDate", "CommunityOwnedDate", "ContentLicense",
        ),
        ("Id", "PostTypeId", "CreationDate"),
    ),
    _Table(
        "comments",
        "Comments.xml",
        "comments",
        ("Id", "PostId", "Score", "Text", "CreationDate", "UserId", "UserDisplayName",
         "ContentLicense"),
        ("Id", "PostId", "CreationDate"),
    ),
    _Table(
        "votes",
        "Votes.xml",
        "votes",
        ("Id", "PostId", "VoteTypeId", "CreationDate", "UserId", "BountyAmount"),
        ("Id", "PostId", "VoteTypeId", "CreationDate"),
    ),
    _Table(
        "post_history",
        "PostHistory.xml",
        "posthistory",
        ("Id", "PostHistoryTypeId", "PostId", "RevisionGUID", "CreationDate", "UserId",
         "UserDisplayName", "Comment", "ContentLicense"),
        ("Id", "PostHistoryTypeId", "PostId", "CreationDate"),
    ),
    _Table(
        "post_links",
        "PostLinks.xml",
        "postlinks",
        ("Id", "CreationDate", "PostId", "RelatedPostId", "LinkTypeId"),
        ("Id", "PostId", "RelatedPostId", "CreationDate"),
    ),
)  # fmt: skip
#: What the reader uses of each dump file: Parquet stem -> (XML file name, attributes).
DUMP_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {t.key: (t.xml, t.columns) for t in _TABLES}
_BY_XML = {t.xml.lower(): t for t in _TABLES}
_BY_ROOT = {t.root: t for t in _TABLES}
_BY_PARQUET = {f"{t.key}.parquet": t for t in _TABLES}
_NOT_READ = {"tags": "Tags.xml", "badges": "Badges.xml"}  # root element -> file name

# Names from the schema documentation (meta.stackexchange.com/questions/2677).
_POST_TYPES = {
    "1": "question", "2": "answer", "3": "orphaned_tag_wiki", "4": "tag_wiki_excerpt",
    "5": "tag_wiki", "6": "moderator_nomination", "7": "wiki_placeholder",
    "8": "privilege_wiki",
}  # fmt: skip
_VOTE_TYPES = {
    "1": "accepted_by_originator", "2": "up_mod", "3": "down_mod", "4": "offensive",
    "5": "favorite", "6": "close", "7": "reopen", "8": "bounty_start", "9": "bounty_close",
    "10": "deletion", "11": "undeletion", "12": "spam", "15": "moderator_review",
    "16": "approve_edit_suggestion",
}  # fmt: skip
_HISTORY_TYPES = {
    "1": "initial_title", "2": "initial_body", "3": "initial_tags", "4": "edit_title",
    "5": "edit_body", "6": "edit_tags", "7": "rollback_title", "8": "rollback_body",
    "9": "rollback_tags", "10": "post_closed", "11": "post_reopened", "12": "post_deleted",
    "13": "post_undeleted", "14": "post_locked", "15": "post_unlocked",
    "16": "community_owned", "17": "post_migrated", "18": "question_merged",
    "19": "question_protected", "20": "question_unprotected", "21": "post_disassociated",
    "22": "question_unmerged", "24": "suggested_edit_applied", "25": "post_tweeted",
    "31": "comment_discussion_moved_to_chat", "33": "post_notice_added",
    "34": "post_notice_removed", "35": "post_migrated_away", "36": "post_migrated_here",
    "37": "post_merge_source", "38": "post_merge_destination",
    "50": "bumped_by_community_user", "52": "question_became_hot_network_question",
    "53": "question_removed_from_hot_network_questions", "66": "created_from_ask_wizard",
}  # fmt: skip
_LINK_TYPES = {"1": "linked", "3": "duplicate"}

_SEVEN_ZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
_XML_HEAD = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?<([a-z]+)>\s*(?:<row\b|</)", re.IGNORECASE
)
# A site's host name, possibly followed by "-Posts" as in stackoverflow.com-Posts.7z.
_SITE_NAME = re.compile(r"^((?:[a-z0-9-]+\.)+[a-z]{2,})(?:-[a-z]+)?(?:\.7z)?$", re.IGNORECASE)
_BLOCK = 1 << 16


# --------------------------------------------------------------------------- HTML bodies


class _TextExtractor(HTMLParser):
    """Collect the text of an HTML fragment, with line breaks where blocks end."""

    _BLOCKS = frozenset(
        ("p", "div", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
         "hr", "table", "tr")
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # also unescapes &amp; and friends
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in self._BLOCKS:
            self.parts.append("\n- " if tag == "li" else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_SPACE_BEFORE_NL = re.compile(r"[ \t]+\n")
_MANY_NL = re.compile(r"\n{3,}")


def html_to_text(markup: str | None) -> str | None:
    """Plain text of a Stack Exchange post body (HTML): tags removed, entities unescaped.

    Paragraphs are separated by a blank line, list items start with ``- `` and code blocks keep
    their lines.

    >>> html_to_text("<p>Citra &amp; Cascade</p>\\n\\n<ul><li>one</li></ul>")
    'Citra & Cascade\\n\\n- one'
    """
    if markup is None:
        return None
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = _SPACE_BEFORE_NL.sub("\n", "".join(extractor.parts))
    return _MANY_NL.sub("\n\n", text).strip()


def _html_to_text_arrow(bodies: pa.Array) -> pa.Array:
    return pa.array([html_to_text(b) for b in bodies.to_pylist()], pa.string())


# --------------------------------------------------------------------------- locating files


def _site_from_name(name: str) -> str | None:
    m = _SITE_NAME.match(name)
    return m.group(1).lower() if m else None


def _find(folder: Path, names: dict[str, _Table]) -> dict[str, Path]:
    """Dump files of ``folder`` or of its sub-folders (some archives have one), by table key.

    Only two levels are searched, so that sniffing a large folder stays quick.
    """
    found: dict[str, Path] = {}
    for pattern in ("*", "*/*"):
        for file in sorted(folder.glob(pattern)):
            spec = names.get(file.name.lower())
            if spec is not None and spec.key not in found and file.is_file():
                found[spec.key] = file
    return found


def _xml_root(head: bytes) -> str | None:
    m = _XML_HEAD.match(head)
    return m.group(1).decode("ascii").lower() if m else None


# --------------------------------------------------------------------------- XML parsing


def _raw_element(attrs: dict[str, str]) -> str:
    return "<row " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + " />"


def _parse_xml(spec: _Table, file: Path, batch_rows: int) -> Iterator[pa.Table | Rejected]:
    """Stream the ``<row>`` elements of a dump file as Arrow batches of strings.

    Expat is used directly rather than through ``ElementTree.iterparse`` because it gives the
    line of each row (for Rejected) and builds no element tree at all.
    """
    columns: dict[str, list[str | None]] = {c: [] for c in spec.columns}
    records: list[int] = []
    lines: list[int] = []
    rejected: list[Rejected] = []
    depth = 0
    record = 0
    parser = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, record
        depth += 1
        if depth == 1 and tag.lower() != spec.root:
            raise SourceError(
                f"expected a <{spec.root}> file of the Stack Exchange dump, found <{tag}>",
                path=file,
                line=parser.CurrentLineNumber,
            )
        if depth != 2 or tag != "row":
            return
        record += 1
        missing = next((f for f in spec.required if not attrs.get(f)), None)
        if missing is not None:
            rejected.append(
                Rejected(
                    record,
                    f"{file.name}: row without {missing}",
                    _raw_element(attrs),
                    line=parser.CurrentLineNumber,
                    field=missing,
                )
            )
            return
        for c, values in columns.items():
            values.append(attrs.get(c))
        records.append(record)
        lines.append(parser.CurrentLineNumber)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1

    def batch() -> pa.Table:
        data = {c: pa.array(v, pa.string()) for c, v in columns.items()}
        data["_record"] = pa.array(records, pa.int64())
        data["_line"] = pa.array(lines, pa.int64())
        for values in (*columns.values(), records, lines):
            values.clear()
        return pa.table(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with open_binary(file) as f:  # a gzip or zstd copy of the file works as well
            while True:
                block = f.read(_BLOCK)
                try:
                    parser.Parse(block, not block)
                except expat.ExpatError as e:
                    raise SourceError(
                        f"not a well-formed Stack Exchange XML file "
                        f"({expat.ErrorString(e.code)} at column {e.offset + 1})",
                        path=file,
                        line=e.lineno,
                    ) from None
                yield from rejected
                rejected.clear()
                if len(records) >= batch_rows or (not block and records):
                    yield batch()
                if not block:
                    break
    except (OSError, EOFError, zstandard.ZstdError) as e:  # also a damaged gzip or zstd stream
        raise SourceError(f"cannot read the file: {e}", path=file) from None


# --------------------------------------------------------------------------- the reader


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_EVENT_SELECT = """
    event_id, {platform} AS platform, kind, actor, target, created_at, 'UTC' AS source_tz,
    text, post_id, parent_post_id, root_post_id, {context} AS context, url,
    hashtags::VARCHAR[] AS hashtags, mentions::VARCHAR[] AS mentions, value::DOUBLE AS value,
    json_merge_patch('{{}}', extra)::VARCHAR AS extra, _record
"""
_POST_SELECT = """
    {platform} AS platform, post_id, actor AS author, kind, created_at, parent_post_id,
    root_post_id, {context} AS context, title, body AS text, url, score, views,
    json_merge_patch('{{}}', post_extra)::VARCHAR AS extra, _record
"""


class _Dump:
    """One read: an in-memory DuckDB holding the raw rows, and the SQL mapping them."""

    def __init__(self, site: str, options: ReadOptions) -> None:
        self.options = options
        self.con = duckdb.connect()
        self.con.create_function(
            "html_text", _html_to_text_arrow, ["VARCHAR"], "VARCHAR", type="arrow"
        )
        s = _lit(site)
        web = _lit(f"https://{site}/") if _site_from_name(site) else "NULL"
        self.con.execute(f"""
            CREATE MACRO acct(x) AS CASE WHEN x <> '' THEN {s} || '/u/' || x END;
            CREATE MACRO post(x) AS CASE WHEN x <> '' THEN {s} || '/p/' || x END;
            CREATE MACRO ev(t, x) AS {s} || '/' || t || '/' || x;
            CREATE MACRO web(x) AS {web} || x;
            CREATE MACRO root(t, i, p) AS CASE WHEN t = '2' THEN post(p) ELSE post(i) END;
            CREATE MACRO tag_list(x) AS CASE
                WHEN x IS NULL THEN []
                WHEN x LIKE '|%' THEN list_filter(string_split(x, '|'), t -> t <> '')
                ELSE regexp_extract_all(x, '<([^>]+)>', 1) END;
        """)
        for name, table in (
            ("post_types", _POST_TYPES),
            ("vote_types", _VOTE_TYPES),
            ("history_types", _HISTORY_TYPES),
            ("link_types", _LINK_TYPES),
        ):
            values = ", ".join(f"({_lit(k)}, {_lit(v)})" for k, v in table.items())
            self.con.execute(f"CREATE TABLE {name} (id VARCHAR, name VARCHAR)")
            self.con.execute(f"INSERT INTO {name} VALUES {values}")  # executemany is slow
        self.fmt = {
            "platform": _lit(options.platform or "stackexchange"),
            "context": _lit(options.constants.get("context") or site),
        }

    # loading ---------------------------------------------------------------------------

    def _create(self, spec: _Table) -> None:
        cols = ", ".join(f'"{c}" VARCHAR' for c in spec.columns)
        self.con.execute(
            f"CREATE OR REPLACE TABLE raw_{spec.key} ({cols}, _record BIGINT, _line BIGINT)"
        )

    def load_xml(self, spec: _Table, file: Path) -> Iterator[Rejected]:
        self._create(spec)
        for item in _parse_xml(spec, file, self.options.batch_rows):
            if isinstance(item, Rejected):
                yield item
            else:
                self.con.register("_batch", item)
                self.con.execute(f"INSERT INTO raw_{spec.key} SELECT * FROM _batch")
                self.con.unregister("_batch")

    def load_parquet(self, spec: _Table, file: Path) -> Iterator[Rejected]:
        try:
            names = set(pq.read_schema(file).names)
        except (OSError, pa.ArrowException) as e:
            raise SourceError(f"not a readable Parquet file: {e}", path=file) from None
        cols = ", ".join(
            f'"{c}"::VARCHAR AS "{c}"' if c in names else f'NULL::VARCHAR AS "{c}"'
            for c in spec.columns
        )
        record = '"_record"::BIGINT' if "_record" in names else "row_number() OVER ()"
        self._create(spec)
        self.con.execute(
            f"INSERT INTO raw_{spec.key} SELECT {cols}, {record}, NULL "
            f"FROM read_parquet({_lit(str(file))})"
        )
        # The same rule as for XML rows; the element is rebuilt from the columns.
        bad = " OR ".join(f"coalesce(\"{c}\", '') = ''" for c in spec.required)
        quoted = ", ".join(f'"{c}"' for c in spec.columns)
        rows = self.con.execute(
            f"SELECT _record, {quoted} FROM raw_{spec.key} WHERE {bad} ORDER BY _record"
        ).fetchall()
        for rec, *values in rows:
            attrs = {c: v for c, v in zip(spec.columns, values, strict=True) if v is not None}
            missing = next(f for f in spec.required if not attrs.get(f))
            yield Rejected(
                rec, f"{file.name}: row without {missing}", _raw_element(attrs), field=missing
            )
        if rows:
            self.con.execute(f"DELETE FROM raw_{spec.key} WHERE {bad}")

    def index_posts(self) -> None:
        """The lookup every other table joins: a post's type, question and owner."""
        if not self._has("raw_posts"):
            self._create(_BY_XML["posts.xml"])
        self.con.execute(
            "CREATE OR REPLACE TABLE lk AS SELECT Id AS id, PostTypeId AS type, "
            "ParentId AS parent, OwnerUserId AS owner FROM raw_posts"
        )

    def _has(self, table: str) -> bool:
        return bool(
            self.con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
            ).fetchone()[0]
        )

    # mapping ---------------------------------------------------------------------------

    def _chunks(self, table: str, sql: str) -> Iterator[Chunk]:
        result = self.con.execute(sql)
        for batch in result.fetch_record_batch(self.options.batch_rows):
            if batch.num_rows:
                yield Chunk(table, pa.Table.from_batches([batch]))  # type: ignore[arg-type]

    def events(self, key: str) -> Iterator[Chunk]:
        if key == "users":
            yield from self._chunks("accounts", self._users_sql())
            return
        source = {
            "posts": self._posts_sql,
            "comments": self._comments_sql,
            "votes": self._votes_sql,
            "post_history": self._history_sql,
            "post_links": self._links_sql,
        }[key]()
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE mapped AS {source}")
        sel = _EVENT_SELECT.format(**self.fmt)
        yield from self._chunks("events", f"SELECT {sel} FROM mapped ORDER BY _record")
        if key in ("posts", "comments"):
            sel = _POST_SELECT.format(**self.fmt)
            yield from self._chunks("posts", f"SELECT {sel} FROM mapped ORDER BY _record")

    def _users_sql(self) -> str:
        return f"""
            SELECT {self.fmt["platform"]} AS platform, acct(Id) AS account_id,
                DisplayName AS handle, DisplayName AS display_name, CreationDate AS created_at,
                json_merge_patch('{{}}', json_object(
                    'reputation', TRY_CAST(Reputation AS BIGINT), 'location', Location,
                    'website', NULLIF(WebsiteUrl, ''), 'views', TRY_CAST(Views AS BIGINT),
                    'up_votes', TRY_CAST(UpVotes AS BIGINT),
                    'down_votes', TRY_CAST(DownVotes AS BIGINT),
                    'network_account_id', AccountId, 'last_access', LastAccessDate
                ))::VARCHAR AS extra,
                _record
            FROM raw_users ORDER BY _record
        """

    def _posts_sql(self) -> str:
        return """
            SELECT ev('p', p.Id) AS event_id,
                CASE p.PostTypeId WHEN '2' THEN 'reply' ELSE 'post' END AS kind,
                acct(p.OwnerUserId) AS actor,
                CASE WHEN p.PostTypeId = '2' THEN acct(q.owner) END AS target,
                p.CreationDate AS created_at,
                p.body_text AS body,
                NULLIF(p.Title, '') AS title,
                CASE WHEN p.Title <> ''
                     THEN p.Title || chr(10) || chr(10) || coalesce(p.body_text, '')
                     ELSE p.body_text END AS text,
                post(p.Id) AS post_id,
                CASE WHEN p.PostTypeId = '2' THEN post(p.ParentId) END AS parent_post_id,
                root(p.PostTypeId, p.Id, p.ParentId) AS root_post_id,
                CASE p.PostTypeId WHEN '1' THEN web('q/' || p.Id)
                                  WHEN '2' THEN web('a/' || p.Id) END AS url,
                tag_list(p.Tags) AS hashtags, NULL AS mentions, NULL AS value,
                json_object('post_type', coalesce(t.name, p.PostTypeId),
                            'owner_display_name', p.OwnerDisplayName,
                            'license', p.ContentLicense) AS extra,
                TRY_CAST(p.Score AS DOUBLE) AS score, TRY_CAST(p.ViewCount AS BIGINT) AS views,
                json_object('post_type', coalesce(t.name, p.PostTypeId),
                    'answer_count', TRY_CAST(p.AnswerCount AS BIGINT),
                    'comment_count', TRY_CAST(p.CommentCount AS BIGINT),
                    'favorite_count', TRY_CAST(p.FavoriteCount AS BIGINT),
                    'accepted_answer', post(p.AcceptedAnswerId), 'tags', p.Tags,
                    'closed_date', p.ClosedDate, 'community_owned_date', p.CommunityOwnedDate,
                    'last_edit_date', p.LastEditDate, 'last_activity_date', p.LastActivityDate,
                    'owner_display_name', p.OwnerDisplayName, 'license', p.ContentLicense
                ) AS post_extra,
                p._record
            -- The body is converted once (a Python function), in a subquery.
            FROM (SELECT *, html_text(Body) AS body_text FROM raw_posts) p
            LEFT JOIN lk q ON p.PostTypeId = '2' AND q.id = p.ParentId
            LEFT JOIN post_types t ON t.id = p.PostTypeId
        """

    def _comments_sql(self) -> str:
        return """
            SELECT ev('c', c.Id) AS event_id, 'comment' AS kind, acct(c.UserId) AS actor,
                acct(l.owner) AS target, c.CreationDate AS created_at,
                c.Text AS text, c.Text AS body, NULL AS title,
                ev('c', c.Id) AS post_id, post(c.PostId) AS parent_post_id,
                CASE WHEN l.id IS NOT NULL THEN root(l.type, l.id, l.parent) END AS root_post_id,
                web('posts/comments/' || c.Id) AS url,
                NULL AS hashtags,
                -- "@name" pings: "@" not preceded by a word character (so not an address).
                regexp_extract_all(coalesce(c.Text, ''), '(?:^|[^\\w@])@(\\w[\\w.\\-]*\\w|\\w)', 1)
                    AS mentions,
                NULL AS value,
                json_object('user_display_name', c.UserDisplayName,
                            'license', c.ContentLicense) AS extra,
                TRY_CAST(c.Score AS DOUBLE) AS score, NULL::BIGINT AS views,
                json_object('user_display_name', c.UserDisplayName,
                            'license', c.ContentLicense) AS post_extra,
                c._record
            FROM raw_comments c LEFT JOIN lk l ON l.id = c.PostId
        """

    def _votes_sql(self) -> str:
        return """
            SELECT ev('v', v.Id) AS event_id,
                CASE v.VoteTypeId WHEN '1' THEN 'accept' WHEN '5' THEN 'reaction'
                                  ELSE 'vote' END AS kind,
                -- Accepting is the asker's act, known even though the voter is anonymised.
                CASE WHEN v.VoteTypeId = '1' THEN acct(q.owner) ELSE acct(v.UserId) END AS actor,
                acct(l.owner) AS target, v.CreationDate AS created_at, NULL AS text,
                post(v.PostId) AS post_id,
                CASE WHEN v.VoteTypeId = '1' THEN post(l.parent) END AS parent_post_id,
                CASE WHEN l.id IS NOT NULL THEN root(l.type, l.id, l.parent) END AS root_post_id,
                NULL AS url, NULL AS hashtags, NULL AS mentions,
                CASE v.VoteTypeId WHEN '2' THEN 1 WHEN '3' THEN -1 END AS value,
                json_object('vote_type', coalesce(t.name, v.VoteTypeId),
                            'bounty_amount', TRY_CAST(v.BountyAmount AS BIGINT),
                            'time_precision', 'day') AS extra,
                v._record
            FROM raw_votes v
            LEFT JOIN lk l ON l.id = v.PostId
            LEFT JOIN lk q ON v.VoteTypeId = '1' AND q.id = l.parent
            LEFT JOIN vote_types t ON t.id = v.VoteTypeId
        """

    def _history_sql(self) -> str:
        edit = "h.PostHistoryTypeId IN ('4', '5', '6', '7', '8', '9')"
        return f"""
            SELECT ev('h', h.Id) AS event_id,
                CASE WHEN {edit} THEN 'edit' ELSE 'moderate' END AS kind,
                acct(h.UserId) AS actor, acct(l.owner) AS target,
                h.CreationDate AS created_at,
                CASE WHEN {edit} THEN h.Comment END AS text,
                post(h.PostId) AS post_id, NULL AS parent_post_id,
                CASE WHEN l.id IS NOT NULL THEN root(l.type, l.id, l.parent) END AS root_post_id,
                NULL AS url, NULL AS hashtags, NULL AS mentions, NULL AS value,
                json_object('history_type', coalesce(t.name, h.PostHistoryTypeId),
                            'comment', CASE WHEN NOT {edit} THEN h.Comment END,
                            'revision', h.RevisionGUID,
                            'user_display_name', h.UserDisplayName,
                            'license', h.ContentLicense) AS extra,
                h._record
            FROM raw_post_history h
            LEFT JOIN lk l ON l.id = h.PostId
            LEFT JOIN history_types t ON t.id = h.PostHistoryTypeId
            -- Types 1-3 record the creation of the post, already read from Posts.
            WHERE h.PostHistoryTypeId NOT IN ('1', '2', '3')
        """

    def _links_sql(self) -> str:
        return """
            SELECT ev('l', k.Id) AS event_id, 'link' AS kind, NULL AS actor,
                acct(r.owner) AS target, k.CreationDate AS created_at, NULL AS text,
                post(k.PostId) AS post_id, post(k.RelatedPostId) AS parent_post_id,
                CASE WHEN l.id IS NOT NULL THEN root(l.type, l.id, l.parent) END AS root_post_id,
                NULL AS url, NULL AS hashtags, NULL AS mentions, NULL AS value,
                json_object('link_type', coalesce(t.name, k.LinkTypeId)) AS extra,
                k._record
            FROM raw_post_links k
            LEFT JOIN lk l ON l.id = k.PostId
            LEFT JOIN lk r ON r.id = k.RelatedPostId
            LEFT JOIN link_types t ON t.id = k.LinkTypeId
        """


class StackExchangeReader:
    """Stack Exchange data dump: XML folder or file, ``.7z`` archive, or the demo Parquet."""

    name = "stackexchange"
    description = (
        "Stack Exchange data dump (meta.stackexchange.com/questions/2677): a site's folder of "
        "XML files, one of them, the .7z archive, or the Parquet demo folder"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for a dump folder, a dump archive, a dump XML file or the demo folder."""
        path = Path(path)
        if path.is_dir():
            return bool(_find(path, _BY_XML) or _dump_parquet(path))
        if head.startswith(_SEVEN_ZIP_MAGIC) or path.suffix.lower() == ".7z":
            return bool(self._archive_members(path))
        root = _xml_root(head)
        return root in _BY_ROOT or root in _NOT_READ

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Stream the dump as ``accounts``, ``events`` and ``posts`` chunks (see module doc)."""
        path = Path(path)
        if not path.exists():
            raise SourceError("no such file or folder", path=path)
        if path.is_dir():
            yield from self._read_folder(path, _site_from_name(path.name), options)
        elif path.suffix.lower() == ".7z" or head(path).startswith(_SEVEN_ZIP_MAGIC):
            yield from self._read_archive(path, options)
        else:
            yield from self._read_file(path, options)

    # the three forms -------------------------------------------------------------------

    def _archive_members(self, path: Path) -> list[str]:
        import py7zr  # only archives need it

        try:
            with py7zr.SevenZipFile(path) as archive:
                names = archive.getnames()
        except (OSError, py7zr.exceptions.ArchiveError, EOFError):
            return []
        return [n for n in names if Path(n).name.lower() in _BY_XML]

    def _read_archive(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        import py7zr

        members = self._archive_members(path)
        if not members:
            raise SourceError(
                "not a Stack Exchange dump archive (no Posts.xml, Comments.xml, ... inside)",
                path=path,
            )
        with tempfile.TemporaryDirectory(prefix="liens-stackexchange-") as tmp:
            try:
                with py7zr.SevenZipFile(path) as archive:
                    archive.extract(path=tmp, targets=members)
            except (OSError, py7zr.exceptions.ArchiveError, EOFError) as e:
                raise SourceError(f"cannot extract the archive: {e}", path=path) from None
            yield from self._read_folder(Path(tmp), _site_from_name(path.name), options)

    def _read_folder(
        self, folder: Path, site: str | None, options: ReadOptions
    ) -> Iterator[Chunk | Rejected]:
        files = _find(folder, _BY_XML)
        parquet = not files
        if parquet:
            files = _dump_parquet(folder)
            if not files:
                raise SourceError(
                    "no Stack Exchange dump here: expected Posts.xml, Comments.xml, ... "
                    "or the demo's posts.parquet, comments.parquet, ...",
                    path=folder,
                )
            site = site or _parquet_site(files)
        dump = _Dump(options.constants.get("context") or site or "stackexchange", options)
        # Posts first: every other table looks up the post it acts on.
        order = ["posts", *(t.key for t in _TABLES if t.key != "posts")]
        for key in order:
            if key not in files:
                continue
            spec = next(t for t in _TABLES if t.key == key)
            load = dump.load_parquet if parquet else dump.load_xml
            yield from load(spec, files[key])
            if key == "posts":
                dump.index_posts()
        if "posts" not in files:
            dump.index_posts()
        for key in order:
            if key in files:
                yield from dump.events(key)

    def _read_file(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        root = _xml_root(head(path))
        spec = _BY_XML.get(path.name.lower()) or _BY_ROOT.get(root or "")
        if spec is None:
            if root in _NOT_READ:
                raise SourceError(
                    f"{_NOT_READ[root]} holds no interactions (tags reach the events as "
                    "hashtags from Posts.xml): import Posts.xml or the dump folder",
                    path=path,
                )
            raise SourceError(
                "not a file of the Stack Exchange dump (Posts.xml, Comments.xml, Users.xml, "
                "Votes.xml, PostHistory.xml, PostLinks.xml)",
                path=path,
            )
        site = _site_from_name(path.parent.name)
        dump = _Dump(options.constants.get("context") or site or "stackexchange", options)
        if spec.key == "posts":
            yield from dump.load_xml(spec, path)
        else:
            # Read, not imported: whom a vote or a comment addresses is the post's owner.
            posts = _find_sibling(path, "posts.xml")
            if posts is not None:
                for _ in dump.load_xml(_BY_XML["posts.xml"], posts):
                    pass  # its rejected rows belong to an import of Posts.xml itself
            yield from dump.load_xml(spec, path)
        dump.index_posts()
        yield from dump.events(spec.key)


def _find_sibling(path: Path, name: str) -> Path | None:
    return next((p for p in path.parent.iterdir() if p.name.lower() == name), None)


def _dump_parquet(folder: Path) -> dict[str, Path]:
    """The folder's Parquet files that hold dump rows (a workspace export also has a
    posts.parquet, with canonical columns: it is not ours)."""
    found = {}
    for key, file in _find(folder, _BY_PARQUET).items():
        try:
            names = set(pq.read_schema(file).names)
        except (OSError, pa.ArrowException):
            continue
        if set(_BY_PARQUET[file.name.lower()].required) <= names:
            found[key] = file
    return found


def _parquet_site(files: dict[str, Path]) -> str | None:
    for file in files.values():
        try:
            meta = pq.read_schema(file).metadata or {}
        except (OSError, pa.ArrowException):
            continue
        if SITE_METADATA_KEY in meta:
            return meta[SITE_METADATA_KEY].decode("utf-8")
    return None
