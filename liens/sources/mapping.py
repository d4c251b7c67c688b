"""Column mappings: how a user tells liens which of a file's columns mean what.

Options on the command line::

    --map actor=userA --map target=userB --map created_at=ts --map kind=type
    --kind RT=share --set platform=twitter --delimiter " " --no-header --names a,b,ts,type

or the same in a TOML mapping file (``--mapping higgs.toml``)::

    format = "csv"
    platform = "twitter"
    delimiter = " "
    header = false
    names = ["userA", "userB", "ts", "type"]
    tz = "UTC"

    [columns]          # canonical name = the file's column (dotted path for nested JSON)
    actor = "userA"
    target = "userB"
    created_at = "ts"
    kind = "type"

    [kinds]            # the file's value = canonical kind
    RT = "share"

    [set]              # canonical column = a value for every row
    context = "higgs"

Command-line options override the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from liens.errors import LiensError
from liens.sources.base import ReadOptions

__all__ = ["parse_pairs", "read_mapping_file"]

_FILE_KEYS = {"format", "platform", "delimiter", "header", "names", "tz", "columns", "kinds", "set"}


def parse_pairs(pairs: list[str] | None, option: str) -> dict[str, str]:
    """``["a=b", "c=d"]`` -> ``{"a": "b", "c": "d"}``, with an error naming the option."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise LiensError(f"expected NAME=VALUE, got {pair!r}", field=option)
        out[key.strip()] = value
    return out


def read_mapping_file(path: Path) -> tuple[str | None, ReadOptions]:
    """The format named in a TOML mapping file (or None) and the read options it gives."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LiensError("no such mapping file", path=path, field="--mapping") from None
    except tomllib.TOMLDecodeError as exc:
        raise LiensError(f"not valid TOML: {exc}", path=path, field="--mapping") from None
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise LiensError(
            f"unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_FILE_KEYS))}",
            path=path,
        )
    for table in ("columns", "kinds", "set"):
        if not isinstance(data.get(table, {}), dict):
            raise LiensError(f"[{table}] must be a table of NAME = VALUE", path=path, field=table)
    names = data.get("names")
    if names is not None and not (
        isinstance(names, list) and all(isinstance(n, str) for n in names)
    ):
        raise LiensError("names must be a list of strings", path=path, field="names")
    options = ReadOptions(
        platform=data.get("platform"),
        tz=data.get("tz", "UTC"),
        columns={k: str(v) for k, v in data.get("columns", {}).items()},
        kinds={k: str(v) for k, v in data.get("kinds", {}).items()},
        constants={k: str(v) for k, v in data.get("set", {}).items()},
        delimiter=data.get("delimiter"),
        header=bool(data.get("header", True)),
        names=names,
    )
    return data.get("format"), options
