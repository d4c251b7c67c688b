"""Reader for Telegram Desktop's JSON export (``result.json``): channels, groups, chats.

Schema: the export written by Telegram Desktop ("Export chat history" / "Export Telegram data",
machine-readable JSON), whose fields are those serialised by
``Telegram/SourceFiles/export/output/export_output_json.cpp`` in github.com/telegramdesktop/
tdesktop. A chat export is ``{"name", "type", "id", "messages": [...]}``; a full export holds
``chats.list`` and ``left_chats.list`` of such chats and ``personal_information``. The reader
accepts ``result.json`` or the export folder holding it.

Mapping (accounts are the export's ``from_id``: ``user<id>``, ``channel<id>``, ``chat<id>``,
global on Telegram; a user known only by ``@username`` is ``@username`` in lower case; message
ids are per chat, so publications are ``<chat id>/<message id>``; context = the chat's name):

=========================  =====================================================================
Export                     Canonical rows
=========================  =====================================================================
message                    ``post`` in a channel or group; ``message`` in a personal chat
                           (target = the other person); ``reply`` when it has
                           ``reply_to_message_id`` (target = the author of that message when it
                           is in the export); ``share`` when ``forwarded_from`` is set (target =
                           ``forwarded_from_id`` when the export gives it, else NULL: the name is
                           kept in ``extra.forwarded_from``). Text = ``text`` (a string or a list
                           of entities) as plain text; hashtags and mentions from its entities.
``mention`` entities       one ``mention`` event ``<post>/m/<account>`` (``mention_name`` gives a
                           user id, ``mention`` an ``@username``).
``reactions``              counts per emoji in ``extra.reactions`` and in a ``posts`` row. The
                           export gives counts, not reactors, except the ``recent`` reactors it
                           lists: each of those (and only those) is a ``reaction`` event.
service message            ``join`` (join_group_by_link, join_group_by_request), ``leave``
                           (remove_members by oneself), ``moderate`` (pin_message,
                           remove_members, edit_group_title, ...), other actions as ``service``;
                           the action and its fields in extra.
``personal_information``   ``accounts``: the exporting user (owned); the phone number is not read.
=========================  =====================================================================

Times: ``date_unixtime`` (UTC) when present; older exports have only ``date``, the exporting
computer's local time without offset, read in ``--tz``. A message without ``id`` or date, or of
type ``unsupported``, is a :class:`~liens.sources.base.Rejected`. The whole ``result.json`` is
parsed at once (the export is one JSON document).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from liens.errors import SourceError
from liens.sources._rows import Rows, dumps, text_or_none
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.files import check_readable, open_text

__all__ = ["TelegramReader"]

_CHAT_TYPES = (
    b"personal_chat", b"bot_chat", b"private_group", b"private_supergroup", b"public_supergroup",
    b"private_channel", b"public_channel", b"saved_messages",
)  # fmt: skip
_JOIN = ("join_group_by_link", "join_group_by_request")
_SERVICE = {
    "pin_message": "moderate", "remove_members": "moderate", "edit_group_title": "moderate",
    "edit_group_photo": "moderate", "delete_group_photo": "moderate",
    "clear_history": "moderate", "migrate_to_supergroup": "moderate",
    "migrate_from_group": "moderate", "invite_members": "moderate",
    "create_group": "moderate", "create_channel": "moderate",
}  # fmt: skip
_MESSAGE_USED = frozenset(
    ("id", "type", "date", "date_unixtime", "from", "from_id", "text", "text_entities",
     "reply_to_message_id", "forwarded_from", "forwarded_from_id", "reactions", "actor",
     "actor_id", "action")
)  # fmt: skip


def _plain(text: Any) -> str | None:
    """The export's text: a string, or a list of strings and ``{"type", "text"}`` parts."""
    if isinstance(text, str):
        return text or None
    if isinstance(text, list):
        parts = [
            p if isinstance(p, str) else str(p.get("text", ""))
            for p in text
            if isinstance(p, str | dict)
        ]
        joined = "".join(parts)
        return joined or None
    return None


def _entities(message: dict) -> list[dict]:
    ents = message.get("text_entities")
    if not isinstance(ents, list):
        ents = message.get("text") if isinstance(message.get("text"), list) else []
    return [e for e in ents if isinstance(e, dict)]


class TelegramReader:
    """Telegram Desktop JSON export: ``result.json`` of a chat or of the whole account."""

    name = "telegram"
    description = "Telegram Desktop JSON export (result.json of a channel, group or the account)"

    def sniff(self, path: Path, head: bytes) -> bool:
        path = Path(path)
        if path.is_dir():
            return (path / "result.json").is_file()
        start = head.lstrip()
        if not start.startswith(b"{"):
            return False
        if b'"personal_information"' in head and b'"chats"' in head:
            return True
        return b'"messages"' in head and any(b'"' + t + b'"' in head for t in _CHAT_TYPES)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """Every message of every chat of the export (see the module docstring)."""
        path = Path(path)
        if path.is_dir():
            path = path / "result.json"
        check_readable(path)
        try:
            with open_text(path) as fh:
                export = json.load(fh)
        except ValueError as exc:
            raise SourceError(f"not a readable Telegram export: {exc}", path=path) from None
        except (EOFError, OSError) as exc:
            raise SourceError(f"cannot read the file ({exc})", path=path) from None
        if not isinstance(export, dict):
            raise SourceError("a Telegram export is one JSON object", path=path)
        chats = self._chats(export)
        if chats is None:
            raise SourceError(
                "no chats in this JSON: expected a Telegram Desktop export (messages or "
                "chats.list)",
                path=path,
            )
        reader = _Export(options, export)
        for chat in chats:
            yield from reader.chat(chat)
        # Last: the owner's row (handle, owned) is the one kept for that account.
        yield from reader.owner()
        yield from reader.rows.flush()

    @staticmethod
    def _chats(export: dict) -> list[dict] | None:
        if isinstance(export.get("messages"), list):
            return [export]
        found = []
        for key in ("chats", "left_chats"):
            section = export.get(key)
            if isinstance(section, dict) and isinstance(section.get("list"), list):
                found += [c for c in section["list"] if isinstance(c, dict)]
        return found if found or "chats" in export else None


class _Export:
    def __init__(self, options: ReadOptions, export: dict) -> None:
        self.platform = options.platform or "telegram"
        self.tz = options.tz
        self.context = options.constants.get("context")
        self.rows = Rows(options.batch_rows)
        self.export = export
        self.record = 0

    def owner(self) -> Iterator[Chunk]:
        info = self.export.get("personal_information")
        if not isinstance(info, dict) or text_or_none(info.get("user_id")) is None:
            return
        name = " ".join(
            filter(
                None, (text_or_none(info.get("first_name")), text_or_none(info.get("last_name")))
            )
        )
        self.record += 1
        yield from self.rows.add(
            "accounts",
            self.record,
            {
                "platform": self.platform,
                "account_id": f"user{info['user_id']}",
                "handle": (text_or_none(info.get("username")) or "").lstrip("@") or None,
                "display_name": name or None,
                "owned": True,
                "extra": dumps({"bio": info.get("bio")} if info.get("bio") else None),
            },
        )

    def chat(self, chat: dict) -> Iterator[Chunk | Rejected]:
        messages = chat.get("messages") if isinstance(chat.get("messages"), list) else []
        chat_id = text_or_none(chat.get("id")) or text_or_none(chat.get("name")) or "chat"
        ctype = text_or_none(chat.get("type")) or ""
        context = self.context or text_or_none(chat.get("name")) or chat_id
        authors = {
            str(m.get("id")): text_or_none(m.get("from_id"))
            for m in messages
            if isinstance(m, dict) and m.get("id") is not None
        }
        peer = f"user{chat_id}" if ctype in ("personal_chat", "bot_chat") else None
        names: dict[str, str] = {}
        for message in messages:
            self.record += 1
            yield from self._message(message, chat_id, ctype, context, authors, peer, names)
        for account, name in names.items():
            yield from self.rows.add(
                "accounts",
                self.record,
                {
                    "platform": self.platform,
                    "account_id": account,
                    "display_name": name,
                },
            )

    def _message(
        self,
        m: Any,
        chat_id: str,
        ctype: str,
        context: str,
        authors: dict[str, str | None],
        peer: str | None,
        names: dict[str, str],
    ) -> Iterator[Chunk | Rejected]:
        raw = json.dumps(m, ensure_ascii=False)
        if not isinstance(m, dict):
            yield Rejected(self.record, f"chat {chat_id}: a message must be an object", raw)
            return
        mid = text_or_none(m.get("id"))
        if mid is None:
            yield Rejected(self.record, f"chat {chat_id}: message without id", raw, field="id")
            return
        if m.get("type") == "unsupported":
            yield Rejected(
                self.record,
                f"chat {chat_id}: message {mid} of a type Telegram Desktop does not export",
                raw,
                field="type",
            )
            return
        when, tz = text_or_none(m.get("date_unixtime")), "UTC"
        if when is None:
            when, tz = text_or_none(m.get("date")), self.tz
        if when is None:
            yield Rejected(
                self.record, f"chat {chat_id}: message {mid} without date", raw, field="date"
            )
            return
        post = f"{chat_id}/{mid}"
        extra = {k: v for k, v in m.items() if k not in _MESSAGE_USED and v is not None}
        extra.update({"chat_id": chat_id, "chat_type": ctype})
        base = {"platform": self.platform, "created_at": when, "source_tz": tz, "context": context}
        if m.get("type") == "service":
            action = text_or_none(m.get("action")) or "service"
            actor = text_or_none(m.get("actor_id"))
            if actor and text_or_none(m.get("actor")):
                names[actor] = m["actor"]
            kind = "join" if action in _JOIN else _SERVICE.get(action, "service")
            target = None
            if action == "pin_message" and m.get("message_id") is not None:
                target = authors.get(str(m["message_id"]))
            yield from self.rows.add(
                "events",
                self.record,
                {
                    **base,
                    "event_id": post,
                    "kind": kind,
                    "actor": actor,
                    "target": target,
                    "text": _plain(m.get("text")),
                    "post_id": None,
                    "hashtags": [],
                    "mentions": [],
                    "extra": dumps({"action": action, **extra}),
                },
            )
            return
        actor = text_or_none(m.get("from_id"))
        if actor and text_or_none(m.get("from")):
            names[actor] = m["from"]
        reply_to = text_or_none(m.get("reply_to_message_id"))
        forwarded = text_or_none(m.get("forwarded_from"))
        if forwarded is not None or text_or_none(m.get("forwarded_from_id")):
            kind, target, parent = "share", text_or_none(m.get("forwarded_from_id")), None
            extra["forwarded_from"] = forwarded
            if reply_to:
                extra["reply_to_message_id"] = reply_to
        elif reply_to is not None:
            kind, target = "reply", authors.get(reply_to)
            parent = f"{text_or_none(m.get('reply_to_peer_id')) or chat_id}/{reply_to}"
        elif peer is not None:
            kind, parent = "message", None
            target = peer if actor != peer else self._other(authors, peer)
        else:
            kind, target, parent = "post", None, None
        ents = _entities(m)
        hashtags = [
            e["text"].lstrip("#")
            for e in ents
            if e.get("type") == "hashtag" and isinstance(e.get("text"), str)
        ]
        mentioned: dict[str, str] = {}
        for e in ents:
            if e.get("type") == "mention_name" and text_or_none(e.get("user_id")):
                mentioned.setdefault(f"user{e['user_id']}", str(e.get("text", "")))
            elif e.get("type") == "mention" and isinstance(e.get("text"), str):
                handle = e["text"].lstrip("@")
                if handle:
                    mentioned.setdefault("@" + handle.lower(), handle)
        counts, reactors = self._reactions(m.get("reactions"))
        if counts:
            extra["reactions"] = counts
        row = {
            **base,
            "event_id": post,
            "kind": kind,
            "actor": actor,
            "target": target,
            "text": _plain(m.get("text")),
            "post_id": post,
            "parent_post_id": parent,
            "hashtags": hashtags,
            "mentions": list(mentioned.values()),
            "extra": dumps(extra),
        }
        yield from self.rows.add("events", self.record, row)
        for account in mentioned:
            if account in (actor, target):
                continue
            yield from self.rows.add(
                "events",
                self.record,
                {
                    **base,
                    "event_id": f"{post}/m/{account}",
                    "kind": "mention",
                    "actor": actor,
                    "target": account,
                    "post_id": post,
                    "hashtags": [],
                    "mentions": [],
                },
            )
        for who, name, emoji, date in reactors:
            if name:
                names[who] = name
            yield from self.rows.add(
                "events",
                self.record,
                {
                    **base,
                    "event_id": f"{post}/r/{who}/{emoji}",
                    "kind": "reaction",
                    "actor": who,
                    "target": actor,
                    "created_at": date,
                    "source_tz": self.tz,
                    "post_id": post,
                    "hashtags": [],
                    "mentions": [],
                    "extra": dumps({"reaction": emoji}),
                },
            )
        if counts:
            yield from self.rows.add(
                "posts",
                self.record,
                {
                    "platform": self.platform,
                    "post_id": post,
                    "author": actor,
                    "kind": kind,
                    "created_at": when,
                    "context": context,
                    "extra": dumps(
                        {"reactions": counts, "reaction_count": sum(c["count"] for c in counts)}
                    ),
                },
            )

    @staticmethod
    def _other(authors: dict[str, str | None], peer: str) -> str | None:
        others = {a for a in authors.values() if a and a != peer}
        return others.pop() if len(others) == 1 else None

    @staticmethod
    def _reactions(value: Any) -> tuple[list[dict], list[tuple[str, Any, str, str]]]:
        counts: list[dict] = []
        reactors: list[tuple[str, Any, str, str]] = []
        for r in value if isinstance(value, list) else []:
            if not isinstance(r, dict):
                continue
            emoji = text_or_none(r.get("emoji")) or text_or_none(r.get("document_id")) or "?"
            count = r.get("count")
            counts.append(
                {
                    "reaction": emoji,
                    "type": r.get("type"),
                    "count": count if isinstance(count, int) else 0,
                }
            )
            recents = r.get("recent")
            for recent in recents if isinstance(recents, list) else []:
                if (
                    isinstance(recent, dict)
                    and text_or_none(recent.get("from_id"))
                    and text_or_none(recent.get("date"))
                ):
                    reactors.append((recent["from_id"], recent.get("from"), emoji, recent["date"]))
        return counts, reactors
