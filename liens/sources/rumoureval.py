"""Reader for RumourEval 2017 conversation threads (SemEval-2017 Task 8), as processed folders.

Schema: the SemEval-2017 Task 8 data description (Derczynski et al., "SemEval-2017 Task 8:
RumourEval", SemEval 2017, https://alt.qcri.org/semeval2017/task8/), in the processed layout
of github.com/CloneNOX/MSA-BiGCN (``datasets/semeval2017-task8``): a split folder holds

- ``posts.json``: ``{tweet_id: {"time": unix seconds, "text": str}}``;
- ``structures.json``: ``{thread_id: {thread_id: {reply_id: {...} | []}}}``, the reply tree;
- ``post_id.txt`` / ``post_label.txt``: one tweet id and its stance code per line;
- ``thread_id.txt`` / ``thread_label.txt``: one thread id and its veracity code per line.

The codes are decoded with ``stanceCategory.json`` and ``rumorCategory.json`` when they are
found in the folder or its parent (the dataset's own files: support 0, query 1, deny 2, comment
3; true 0, false 1, unverified 2), else with those values. The reader accepts a split folder or
the dataset root holding ``traindev/`` and ``test/``.

Mapping (platform ``twitter``; the data gives no user ids):

================  =============================================================================
Tweet             Canonical rows
================  =============================================================================
thread source     event ``post``: actor NULL (not in the data), root = itself, context
                  ``rumoureval:<thread>``, ``extra.veracity`` (true/false/unverified).
reply             event ``reply``: parent = the tweet it answers in ``structures.json``, root =
                  the thread's source; actor NULL; target = the leading ``@handle`` of the text
                  (the user replied to, as Twitter prefixed it) as ``@handle`` in lower case
                  (see :func:`liens.sources.twitter.handle_account`), NULL when the text does
                  not start with one.
every tweet       ``extra.stance`` (support, deny, query, comment), ``extra.split``.
================  =============================================================================

A tweet of ``structures.json`` missing from ``posts.json`` (deleted before collection) has no
time or text: it is a :class:`~liens.sources.base.Rejected` naming its thread, and its replies
keep it as their parent. Other ``@handles`` stay in the ``mentions`` column; they give no mention
events, their writer being unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from liens.errors import SourceError
from liens.sources._rows import Rows, dumps
from liens.sources.base import Chunk, ReadOptions, Rejected
from liens.sources.twitter import handle_account, tweet_url

__all__ = ["RumourEvalReader"]

STANCES = {"0": "support", "1": "query", "2": "deny", "3": "comment"}
VERACITY = {"0": "true", "1": "false", "2": "unverified"}
_SPLITS = ("traindev", "test")
_LEADING = re.compile(r"^\s*(?:\.\s*)?@(\w{1,15})")


def _is_split(folder: Path) -> bool:
    return (folder / "posts.json").is_file() and (folder / "structures.json").is_file()


def _splits(folder: Path) -> list[Path]:
    if _is_split(folder):
        return [folder]
    found = [folder / s for s in _SPLITS if _is_split(folder / s)]
    others = sorted(p for p in folder.iterdir() if p.is_dir() and p not in found and _is_split(p))
    return found + others


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read this JSON file: {exc}", path=path) from None


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]


def _codes(folder: Path, name: str, default: dict[str, str]) -> dict[str, str]:
    """code -> label from the dataset's category file (``{"support": 0, ...}``)."""
    for candidate in (folder / name, folder.parent / name):
        if candidate.is_file():
            value = _load_json(candidate)
            if isinstance(value, dict):
                return {str(code): str(label) for label, code in value.items()}
    return default


def _labels(folder: Path, ids: str, labels: str, codes: dict[str, str]) -> dict[str, str]:
    id_list, label_list = _lines(folder / ids), _lines(folder / labels)
    if len(id_list) != len(label_list):
        raise SourceError(
            f"{ids} has {len(id_list)} lines but {labels} has {len(label_list)}: "
            "they must pair line by line",
            path=folder / labels,
        )
    return {i: codes.get(c, c) for i, c in zip(id_list, label_list, strict=True) if i}


def _walk(tree: Any, thread: str, parent: str | None, out: dict[str, tuple[str, str | None]]):
    """post id -> (thread, parent) for every node of a reply tree."""
    if not isinstance(tree, dict):
        return
    for node, children in tree.items():
        node = str(node)
        if node not in out:
            out[node] = (thread, parent)
        _walk(children, thread, node, out)


class RumourEvalReader:
    """RumourEval 2017 threads: posts.json + structures.json (+ stance and veracity labels)."""

    name = "rumoureval"
    description = (
        "RumourEval 2017 (SemEval-2017 Task 8) threads: a folder with posts.json and "
        "structures.json (+ post_label.txt stances), or the dataset root with traindev/ and test/"
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        path = Path(path)
        return path.is_dir() and bool(_splits(path))

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        """The tweets of every thread (see the module docstring)."""
        path = Path(path)
        if not path.is_dir():
            raise SourceError(
                "give the RumourEval folder (posts.json and structures.json), not one file",
                path=path,
            )
        splits = _splits(path)
        if not splits:
            raise SourceError("no posts.json and structures.json here", path=path)
        platform = options.platform or "twitter"
        rows = Rows(options.batch_rows)
        record = 0
        for split in splits:
            record = yield from self._split(split, platform, record, rows, prefix=split != path)
        yield from rows.flush()

    def _split(
        self, folder: Path, platform: str, record: int, rows: Rows, prefix: bool
    ) -> Iterator[Chunk | Rejected]:
        name = f"{folder.name}/" if prefix else ""
        posts = _load_json(folder / "posts.json")
        structures = _load_json(folder / "structures.json")
        if not isinstance(posts, dict) or not isinstance(structures, dict):
            raise SourceError(
                "posts.json and structures.json must each hold one JSON object", path=folder
            )
        stance = _labels(
            folder, "post_id.txt", "post_label.txt", _codes(folder, "stanceCategory.json", STANCES)
        )
        veracity = _labels(
            folder,
            "thread_id.txt",
            "thread_label.txt",
            _codes(folder, "rumorCategory.json", VERACITY),
        )
        where: dict[str, tuple[str, str | None]] = {}
        for thread, tree in structures.items():
            # The tree's first level repeats the thread id: {thread: {thread: {...}}}.
            _walk(tree, str(thread), None, where)
        for tid, post in posts.items():
            record += 1
            tid = str(tid)
            raw = json.dumps({tid: post}, ensure_ascii=False)
            if not isinstance(post, dict):
                yield Rejected(
                    record, f"{name}posts.json: tweet {tid} is not an object", raw, field=tid
                )
                continue
            if tid not in where:
                yield Rejected(
                    record,
                    f"{name}posts.json: tweet {tid} is in no thread of structures.json",
                    raw,
                    field="structures.json",
                )
                continue
            when = post.get("time")
            if isinstance(when, bool) or not isinstance(when, int | float | str) or when == "":
                yield Rejected(
                    record, f"{name}posts.json: tweet {tid} without time", raw, field="time"
                )
                continue
            thread, parent = where[tid]
            text = post.get("text") if isinstance(post.get("text"), str) else None
            m = _LEADING.match(text or "")
            is_root = parent is None
            extra = {k: v for k, v in post.items() if k not in ("time", "text")}
            extra.update({"stance": stance.get(tid), "split": folder.name})
            if is_root:
                extra["veracity"] = veracity.get(tid)
            if m and not is_root:
                extra["reply_to_handle"] = m.group(1)
            row = {
                "event_id": tid,
                "platform": platform,
                "kind": "post" if is_root else "reply",
                "target": handle_account(m.group(1)) if m and not is_root else None,
                "created_at": repr(float(when)) if isinstance(when, int | float) else when,
                "text": text,
                "post_id": tid,
                "parent_post_id": parent,
                "root_post_id": thread,
                "context": f"rumoureval:{thread}",
                "url": tweet_url(tid, None),
                "lang": "en",
                "extra": dumps({k: v for k, v in extra.items() if v is not None}),
            }
            yield from rows.add("events", record, row)
        for tid, (thread, parent) in where.items():
            if tid not in posts:
                record += 1
                yield Rejected(
                    record,
                    f"{name}structures.json: tweet {tid} of thread {thread} is not in posts.json "
                    "(deleted or not collected): no time or text",
                    json.dumps({"thread": thread, "tweet": tid, "parent": parent}),
                    field="posts.json",
                )
        return record
