"""Importers: one reader per file format, chosen by the file's content (``--format`` overrides).

To add a format, write a class following :class:`liens.sources.base.Reader` in a module of
this package and list it in :data:`READERS` before the generic readers (order matters: the
first reader whose ``sniff`` says yes reads the file).
"""

from __future__ import annotations

from pathlib import Path

from liens.errors import SourceError
from liens.sources.base import Chunk, Reader, ReadOptions, Rejected, Reset
from liens.sources.blogs import BlogReader
from liens.sources.bluesky import BlueskyReader
from liens.sources.files import check_readable, head, is_zip
from liens.sources.linkedin import LinkedInReader
from liens.sources.mastodon import MastodonReader
from liens.sources.meta import MetaReader
from liens.sources.reddit import RedditReader
from liens.sources.rumoureval import RumourEvalReader
from liens.sources.tabular import CsvReader, JsonLinesReader, ParquetReader
from liens.sources.telegram import TelegramReader
from liens.sources.twitter import TwitterApiReader
from liens.sources.twitter_archive import TwitterArchiveReader
from liens.sources.twitter_csv import TwitterCsvReader

__all__ = [
    "READERS",
    "Chunk",
    "ReadOptions",
    "Reader",
    "Rejected",
    "Reset",
    "detect_reader",
    "get_reader",
]


def _platform_readers() -> list[Reader]:
    readers: list[Reader] = []
    try:
        from liens.sources.stackexchange import StackExchangeReader
    except ImportError:  # pragma: no cover - the module ships with the package
        pass
    else:
        readers.append(StackExchangeReader())
    return readers


# Specific formats first, generic tables last.
READERS: list[Reader] = [
    *_platform_readers(),
    MastodonReader(),
    BlogReader(),
    BlueskyReader(),
    LinkedInReader(),
    MetaReader(),
    TwitterApiReader(),
    RedditReader(),
    RumourEvalReader(),
    TelegramReader(),
    TwitterArchiveReader(),
    TwitterCsvReader(),
    ParquetReader(),
    JsonLinesReader(),
    CsvReader(),
]


def get_reader(name: str) -> Reader:
    """The reader called ``name`` (as given to ``--format``)."""
    aliases = {"tsv": "csv", "ndjson": "jsonl", "txt": "csv"}
    name = aliases.get(name.lower(), name.lower())
    for reader in READERS:
        if reader.name == name:
            return reader
    known = ", ".join(r.name for r in READERS)
    raise SourceError(f"unknown --format {name!r}; known formats: {known}", field="--format")


def detect_reader(path: Path) -> Reader:
    """The first reader that recognises the file's content."""
    check_readable(path)
    start = head(path)
    for reader in READERS:
        if reader.sniff(path, start):
            return reader
    if is_zip(path):
        raise SourceError(
            "a zip that liens does not read as it is (it reads the zipped X/Twitter archive, "
            "LinkedIn export and Facebook/Instagram JSON export); unzip it and import the folder "
            "or file inside",
            path=path,
        )
    raise SourceError(
        "cannot tell this file's format; give --format (one of "
        f"{', '.join(r.name for r in READERS)})",
        path=path,
    )
