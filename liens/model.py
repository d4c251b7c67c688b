"""The canonical data model: column names, types and the vocabulary of interaction kinds.

Every importer produces rows in these columns and every analysis reads them; the names are a
public interface (documented in ``docs/data-model.md``) and change only with a migration.
"""

from __future__ import annotations

import re

__all__ = [
    "ACCOUNT_COLUMNS",
    "ANONYMOUS_KINDS",
    "CONTENT_KINDS",
    "EVENT_COLUMNS",
    "KINDS",
    "KIND_ALIASES",
    "POST_COLUMNS",
    "normalise_kind",
]

# name -> DuckDB type. Order is the order of the workspace table and of exports.
EVENT_COLUMNS: dict[str, str] = {
    "event_id": "VARCHAR",  # stable and namespaced by platform: "<platform>:<native id>"
    "platform": "VARCHAR",  # twitter, mastodon, reddit, stackexchange, ...
    "kind": "VARCHAR",  # see KINDS
    "actor": "VARCHAR",  # account that acted; NULL when the platform hides it
    "target": "VARCHAR",  # account addressed (author of the post acted on, recipient)
    "created_at": "TIMESTAMP",  # UTC
    "source_tz": "VARCHAR",  # zone or offset the source gave ("+02:00", "Europe/Paris", "UTC")
    "text": "VARCHAR",
    "post_id": "VARCHAR",  # publication created or acted on
    "parent_post_id": "VARCHAR",  # publication replied to / commented / shared
    "root_post_id": "VARCHAR",  # thread root
    "lang": "VARCHAR",  # BCP 47 code when known
    "context": "VARCHAR",  # group, page, subreddit, site, channel
    "url": "VARCHAR",
    "hashtags": "VARCHAR[]",
    "mentions": "VARCHAR[]",
    "value": "DOUBLE",  # vote +1/-1, rating, reaction weight; NULL when not applicable
    "extra": "VARCHAR",  # JSON object of platform fields without a canonical column
    "source_file": "VARCHAR",
    "source_record": "BIGINT",  # 1-based record number in the source file
    "import_id": "INTEGER",
}

ACCOUNT_COLUMNS: dict[str, str] = {
    "platform": "VARCHAR",
    "account_id": "VARCHAR",
    "handle": "VARCHAR",
    "display_name": "VARCHAR",
    "created_at": "TIMESTAMP",
    "followers": "BIGINT",
    "following": "BIGINT",
    "owned": "BOOLEAN",  # the brand's own accounts
    "extra": "VARCHAR",
}

POST_COLUMNS: dict[str, str] = {
    "platform": "VARCHAR",
    "post_id": "VARCHAR",
    "author": "VARCHAR",
    "kind": "VARCHAR",
    "created_at": "TIMESTAMP",
    "parent_post_id": "VARCHAR",
    "root_post_id": "VARCHAR",
    "context": "VARCHAR",
    "title": "VARCHAR",
    "text": "VARCHAR",
    "url": "VARCHAR",
    "score": "DOUBLE",  # platform score when the source gives one (Stack Exchange, Reddit)
    "views": "BIGINT",
    "extra": "VARCHAR",
}

# The vocabulary. Importers map platform words onto these; other lower-case identifiers are
# accepted as they are (the vocabulary is extensible), so nothing a platform says is lost.
KINDS: dict[str, str] = {
    "post": "a new publication",
    "reply": "a publication answering another (thread reply, Stack Exchange answer)",
    "comment": "a comment attached to a publication",
    "mention": "a publication naming another account",
    "share": "re-publication of someone else's post (retweet, repost, boost, forward)",
    "quote": "share with own words added",
    "reaction": "like, favourite or emoji reaction on a publication",
    "vote": "up or down vote (value +1/-1)",
    "rating": "explicit rating of an account (value on the platform's scale)",
    "accept": "an asker accepting an answer",
    "follow": "actor follows target",
    "message": "private message",
    "edit": "revision of a publication",
    "moderate": "moderation action (close, lock, delete)",
    "link": "a publication linking another one",
}

# Kinds that create a publication: each becomes a row of ``posts``.
CONTENT_KINDS = ("post", "reply", "comment", "quote", "share")

# Kinds whose actor some platforms do not reveal (public dumps anonymise voters).
ANONYMOUS_KINDS = ("vote", "reaction", "link", "moderate")

KIND_ALIASES: dict[str, str] = {
    "like": "reaction",
    "favorite": "reaction",
    "favourite": "reaction",
    "retweet": "share",
    "repost": "share",
    "reblog": "share",
    "boost": "share",
    "forward": "share",
    "rt": "share",
    "mt": "mention",
    "re": "reply",
    "answer": "reply",
    "dm": "message",
    "rate": "rating",
}

_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def normalise_kind(raw: str) -> str | None:
    """Return the canonical kind for ``raw`` or None when it cannot be one.

    Known aliases map to the vocabulary (``RT`` -> ``share``); any other lower-case identifier
    is kept as a new kind.
    """
    k = raw.strip().lower()
    k = KIND_ALIASES.get(k, k)
    return k if _IDENT.match(k) else None
