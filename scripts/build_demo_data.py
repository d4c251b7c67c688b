"""Build the bundled demo: the beer.stackexchange.com dump as compact Parquet files.

Usage::

    python scripts/build_demo_data.py [SOURCE] [--out DIR] [--site HOST]

SOURCE is the dump's ``.7z`` archive or its folder of XML files (default: the archive in
``../shared/data/stackexchange_beer``). For each table the reader uses, the script writes
``DIR/<table>.parquet`` (zstd) holding the dump's attributes as strings, only those the reader
reads (:data:`liens.sources.stackexchange.DUMP_TABLES`), plus ``_record``, the row's 1-based
number in its XML file, so that the demo gives exactly the events of the XML. PostHistory rows
of types 1-3 (the initial title, body and tags, which the reader skips) are left out. The site
is stored in the Parquet metadata and ``ATTRIBUTION.md`` is written beside the files.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from liens.sources.stackexchange import DEMO_DIR, DUMP_TABLES, SITE_METADATA_KEY

DEFAULT_SOURCE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "stackexchange_beer"
    / "beer.stackexchange.com.7z"
)
DUMP_DATE = "2020-06-01"
SKIPPED_HISTORY_TYPES = {"1", "2", "3"}


def read_rows(file: Path, columns: tuple[str, ...], key: str) -> pa.Table:
    """The ``<row>`` attributes of one dump file as a table of strings."""
    data: dict[str, list[str | None]] = {c: [] for c in columns}
    records: list[int] = []
    record = 0
    for _, elem in ET.iterparse(file, events=("end",)):
        if elem.tag != "row":
            continue
        record += 1
        attrs = elem.attrib
        elem.clear()  # keep memory flat on big dumps
        if key == "post_history" and attrs.get("PostHistoryTypeId") in SKIPPED_HISTORY_TYPES:
            continue
        for c, values in data.items():
            values.append(attrs.get(c))
        records.append(record)
    table = {c: pa.array(v, pa.string()) for c, v in data.items()}
    table["_record"] = pa.array(records, pa.int64())
    return pa.table(table)


def locate(folder: Path) -> dict[str, Path]:
    names = {xml.lower(): key for key, (xml, _) in DUMP_TABLES.items()}
    return {names[p.name.lower()]: p for p in folder.rglob("*") if p.name.lower() in names}


def build(source: Path, out: Path, site: str) -> dict[str, tuple[int, int]]:
    """Write the Parquet files; return table -> (rows, bytes)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = source
        if source.suffix.lower() == ".7z":
            import py7zr

            with py7zr.SevenZipFile(source) as archive:
                archive.extractall(path=tmp)
            folder = Path(tmp)
        files = locate(folder)
        stats: dict[str, tuple[int, int]] = {}
        for key, (_, columns) in DUMP_TABLES.items():
            if key not in files:
                raise SystemExit(f"{source}: {DUMP_TABLES[key][0]} is missing")
            table = read_rows(files[key], columns, key)
            table = table.replace_schema_metadata(
                {SITE_METADATA_KEY: site.encode(), b"liens.stackexchange.dump_date": DUMP_DATE}
            )
            target = out / f"{key}.parquet"
            pq.write_table(table, target, compression="zstd", compression_level=19)
            stats[key] = (table.num_rows, target.stat().st_size)
        licences = Counter(
            r.get("ContentLicense") for _, r in ET.iterparse(files["posts"]) if r.tag == "row"
        )
    return stats | {"_licences": tuple(licences.items())}  # type: ignore[dict-item]


ATTRIBUTION = """\
# Attribution: beer.stackexchange.com data dump

The files in this folder are derived from the Stack Exchange data dump of
**{site}** ("Beer, Wine & Spirits"), dated **{date}**.

- **Content:** questions, answers, comments, user names and profiles, written by the users of
  https://{site}/ and published by **Stack Exchange Inc.** under
  Creative Commons Attribution-ShareAlike licences, per post:
  {licences}.
  The licence of each post and comment is in its `ContentLicense` column.
  Licences: https://creativecommons.org/licenses/by-sa/3.0/ and
  https://creativecommons.org/licenses/by-sa/4.0/
- **Authors:** each post's author is its `OwnerUserId` / `OwnerDisplayName`
  (https://{site}/users/ID), each comment's its `UserId` / `UserDisplayName`;
  every question is at https://{site}/q/ID and every answer at https://{site}/a/ID.
- **Source:** the Stack Exchange data dump (https://archive.org/details/stackexchange), June 2020
  release, file `beer.stackexchange.com.7z` (3,337,659 bytes, md5
  7217f47151b754ba15d42338f7abc4d2) as carried by github.com/WafflesonFire/stackdump (commit
  d795e9b38682473c85ebedcb21479b749f1a408c). Schema:
  https://meta.stackexchange.com/questions/2677
- **Changes:** converted by `scripts/build_demo_data.py` of liens: each XML file became a Parquet
  file (zstd) keeping only the attributes liens reads, as strings, plus `_record` (the row's
  number in its XML file). Left out: Badges.xml, Tags.xml, the users' AboutMe and profile image,
  the text of PostHistory revisions, and PostHistory rows of types 1-3 (a post's initial title,
  body and tags, which Posts.xml already holds). No row of the other files was removed or
  altered.
- **Share-alike:** this derived data is distributed under the same licences (CC BY-SA 3.0 for
  posts so licensed, CC BY-SA 4.0 for the others); keep this notice with it.

| file | rows | bytes |
|---|---:|---:|
{table}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DEMO_DIR)
    ap.add_argument("--site", default=None, help="host name (default: from SOURCE's name)")
    args = ap.parse_args()
    m = re.match(r"^((?:[a-z0-9-]+\.)+[a-z]{2,})", args.source.name)
    site = args.site or (m.group(1).removesuffix(".7z") if m else None)
    if not site:
        raise SystemExit("give --site, e.g. --site beer.stackexchange.com")
    stats = build(args.source, args.out, site)
    licences = stats.pop("_licences")
    rows = "\n".join(f"| {k}.parquet | {n:,} | {b:,} |" for k, (n, b) in stats.items())
    text = ATTRIBUTION.format(
        site=site,
        date=DUMP_DATE,
        table=rows,
        licences=", ".join(f"{name} ({n:,} posts)" for name, n in sorted(licences)),
    )
    (args.out / "ATTRIBUTION.md").write_text(text, encoding="utf-8")
    total = sum(b for _, b in stats.values())
    print(f"wrote {args.out}: {total:,} bytes")
    for k, (n, b) in stats.items():
        print(f"  {k}.parquet  {n:>7,} rows  {b:>9,} bytes")


if __name__ == "__main__":
    main()
