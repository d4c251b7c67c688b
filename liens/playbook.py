"""The crisis playbook: roles, who to call and when, and the answers to adapt, from a YAML file.

The seed's protocol (004): be prepared, be surrounded, come out on top; acknowledge, apologise
where due, move to private messages, be transparent, follow up. ``liens/playbooks/default.yaml``
is a bilingual (French, English) starting point; a team copies it and fills in names.

A playbook is validated once, when it is loaded: every mistake names the file, the line and
the field (``crisis.yaml:12 [roles[1].people]: ...``), as :class:`liens.errors.LiensError`.

Schema
------
``name`` (str), ``version`` (int, optional), ``languages`` (list of codes, default
``[fr, en]``), and

- ``roles``: list of ``{id, title, people: [{name, phone?, email?}], duties?}``;
- ``escalation``: list of ``{after_minutes: int >= 0, call: [role id, ...]}``;
- ``steps``: list of ``{id, title, text}`` (the protocol);
- ``responses``: list of ``{id, when?, text}`` (templates; ``{name}``, ``{facts}`` are filled
  by the person answering).

``title``, ``duties``, ``when`` and ``text`` are either a string or a mapping language -> string
holding every language of ``languages``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liens.errors import LiensError

__all__ = ["DEFAULT_PLAYBOOK", "Playbook", "load_playbook"]

DEFAULT_PLAYBOOK = Path(__file__).resolve().parent / "playbooks" / "default.yaml"


@dataclass(frozen=True)
class Playbook:
    """A validated playbook; ``data`` keeps the file's structure (plain dicts and lists)."""

    path: Path
    data: dict[str, Any]

    @property
    def languages(self) -> list[str]:
        return list(self.data.get("languages", ["fr", "en"]))

    def text(self, value: str | dict[str, str] | None, lang: str) -> str:
        """A localised field in ``lang`` (English, then the first language, as fallbacks)."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        return value.get(lang) or value.get("en") or next(iter(value.values()), "")

    def localised(self, lang: str) -> dict[str, Any]:
        """The playbook with every localised field in ``lang``: what the report shows."""
        roles = {r["id"]: r for r in self.data.get("roles", [])}
        return {
            "name": self.data.get("name", ""),
            "roles": [
                {
                    "id": r["id"],
                    "title": self.text(r.get("title"), lang),
                    "people": r.get("people", []),
                    "duties": self.text(r.get("duties"), lang),
                }
                for r in roles.values()
            ],
            "escalation": [
                {
                    "after_minutes": e["after_minutes"],
                    "call": [self.text(roles[c].get("title"), lang) for c in e["call"]],
                }
                for e in self.data.get("escalation", [])
            ],
            "steps": [
                {
                    "id": s["id"],
                    "title": self.text(s.get("title"), lang),
                    "text": self.text(s.get("text"), lang),
                }
                for s in self.data.get("steps", [])
            ],
            "responses": [
                {
                    "id": r["id"],
                    "when": self.text(r.get("when"), lang),
                    "text": self.text(r.get("text"), lang),
                }
                for r in self.data.get("responses", [])
            ],
        }


def load_playbook(path: str | Path | None = None) -> Playbook:
    """Read and validate a playbook: ``path``, else ``$LIENS_PLAYBOOK``, else the default.

    Raises
    ------
    liens.errors.LiensError
        With the file, line and field of the first mistake.
    """
    import yaml

    p = Path(path or os.environ.get("LIENS_PLAYBOOK") or DEFAULT_PLAYBOOK)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise LiensError(f"cannot read the playbook: {exc.strerror or exc}", path=p) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LiensError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            path=p,
            line=mark.line + 1 if mark else None,
        ) from exc
    if node is None:
        raise LiensError("the playbook is empty", path=p)
    data = yaml.safe_load(text)
    _Validator(p, node).check(data)
    return Playbook(p, data)


class _Validator:
    """Walks the data and the YAML node tree together, so every error has a line."""

    def __init__(self, path: Path, root: Any) -> None:
        self.path, self.root = path, root

    def fail(self, node: Any, field: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        raise LiensError(message, path=self.path, line=line, field=field)

    @staticmethod
    def child(node: Any, key: str | int) -> Any:
        import yaml

        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    return v
        if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            return node.value[key]
        return None

    def check(self, data: Any) -> None:
        root = self.root
        if not isinstance(data, dict):
            self.fail(root, "", "a playbook is a mapping (name:, roles:, steps:, responses:)")
        if not isinstance(data.get("name"), str) or not data["name"].strip():
            self.fail(self.child(root, "name") or root, "name", "give the playbook a name")
        langs = data.get("languages", ["fr", "en"])
        if not isinstance(langs, list) or not all(isinstance(x, str) for x in langs) or not langs:
            self.fail(self.child(root, "languages"), "languages", "a list of codes like [fr, en]")
        known = {"name", "version", "languages", "roles", "escalation", "steps", "responses"}
        for k in data:
            if k not in known:
                self.fail(
                    self.child(root, k) or root,
                    str(k),
                    f"unknown field; known: {', '.join(sorted(known))}",
                )
        role_ids = self.items(data, "roles", ["id", "title", "people"], langs, ["title", "duties"])
        for i, role in enumerate(data.get("roles") or []):
            people = role.get("people")
            pnode = self.child(self.child(self.child(root, "roles"), i), "people")
            if not isinstance(people, list) or not people:
                self.fail(pnode, f"roles[{i}].people", "list at least one person (name:)")
            for j, person in enumerate(people):
                if not isinstance(person, dict) or not str(person.get("name") or "").strip():
                    self.fail(
                        self.child(pnode, j), f"roles[{i}].people[{j}]", "a person needs a name"
                    )
        esc_node = self.child(root, "escalation")
        for i, e in enumerate(data.get("escalation") or []):
            enode = self.child(esc_node, i)
            if not isinstance(e, dict):
                self.fail(enode, f"escalation[{i}]", "a mapping {after_minutes:, call:}")
            after = e.get("after_minutes")
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                self.fail(
                    self.child(enode, "after_minutes") or enode,
                    f"escalation[{i}].after_minutes",
                    "a whole number of minutes >= 0",
                )
            calls = e.get("call")
            if not isinstance(calls, list) or not calls:
                self.fail(
                    self.child(enode, "call") or enode,
                    f"escalation[{i}].call",
                    "list the role ids to call",
                )
            for c in calls:
                if c not in role_ids:
                    self.fail(
                        self.child(enode, "call"),
                        f"escalation[{i}].call",
                        f"no role {c!r}; roles: {', '.join(sorted(role_ids)) or 'none'}",
                    )
        self.items(data, "steps", ["id", "title", "text"], langs, ["title", "text"])
        self.items(data, "responses", ["id", "text"], langs, ["when", "text"])

    def items(self, data, section, required, langs, localised) -> set[str]:
        node = self.child(self.root, section)
        value = data.get(section)
        if value is None:
            if section in ("roles", "responses"):
                self.fail(self.root, section, f"the playbook needs {section}:")
            return set()
        if not isinstance(value, list):
            self.fail(node, section, "a list")
        ids: set[str] = set()
        for i, item in enumerate(value):
            inode = self.child(node, i)
            where = f"{section}[{i}]"
            if not isinstance(item, dict):
                self.fail(inode, where, "a mapping")
            for key in required:
                if item.get(key) in (None, "", []):
                    self.fail(inode, f"{where}.{key}", f"missing {key}")
            ident = str(item["id"])
            if ident in ids:
                self.fail(self.child(inode, "id"), f"{where}.id", f"duplicate id {ident!r}")
            ids.add(ident)
            for key in localised:
                v = item.get(key)
                vnode = self.child(inode, key)
                if v is None or isinstance(v, str):
                    continue
                if not isinstance(v, dict):
                    self.fail(vnode, f"{where}.{key}", "a text or a mapping language: text")
                missing = [la for la in langs if not str(v.get(la) or "").strip()]
                if missing:
                    self.fail(vnode, f"{where}.{key}", f"missing language(s) {', '.join(missing)}")
        return ids
