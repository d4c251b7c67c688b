"""Cut the small real-data fixtures used by tests/test_import.py from ../shared/data.

Run once: python scripts/make_test_fixtures.py [DATA_DIR]. The outputs are committed; their
SOURCE.md files say where each slice comes from and under which licence.
"""

from __future__ import annotations

import csv
import gzip
import html
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import zstandard

DATA = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def stackexchange_comments(n: int = 1000) -> None:
    """The first n comments of beer.stackexchange.com as a canonical-column CSV."""
    owners = {}
    for _, el in ET.iterparse(DATA / "stackexchange_beer" / "Posts.xml"):
        if el.tag == "row":
            owners[el.get("Id")] = el.get("OwnerUserId")
        el.clear()
    rows = []
    for _, el in ET.iterparse(DATA / "stackexchange_beer" / "Comments.xml"):
        if el.tag != "row":
            continue
        if el.get("UserId"):
            rows.append(
                {
                    "event_id": "beer.stackexchange.com/c/" + el.get("Id"),
                    "platform": "stackexchange",
                    "kind": "comment",
                    "actor": el.get("UserId"),
                    "target": owners.get(el.get("PostId")) or "",
                    "created_at": el.get("CreationDate"),
                    "text": html.unescape(el.get("Text") or ""),
                    "post_id": "beer.stackexchange.com/c/" + el.get("Id"),
                    "parent_post_id": "beer.stackexchange.com/p/" + el.get("PostId"),
                    "context": "beer.stackexchange.com",
                }
            )
        el.clear()
        if len(rows) == n:
            break
    with (OUT / "canonical" / "stackexchange_comments.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def higgs(n: int = 2000) -> None:
    """The first n lines of the Higgs activity file, gzip-compressed as distributed."""
    src = DATA / "higgs_twitter" / "higgs-activity_time.txt.gz"
    with gzip.open(src, "rt") as fh:
        lines = [next(fh) for _ in range(n)]
    with gzip.open(OUT / "higgs_slice" / "higgs-activity-2000.txt.gz", "wt") as fh:
        fh.writelines(lines)


def reddit(n: int = 300) -> None:
    """The first n comments of the Pushshift RC_2005-12 dump, zstd-compressed as distributed."""
    src = DATA / "reddit_pushshift_2005_2006" / "RC_2005-12.ndjson"
    with src.open("rb") as fh:
        lines = [next(fh) for _ in range(n)]
    data = zstandard.ZstdCompressor(level=19).compress(b"".join(lines))
    (OUT / "reddit_slice" / "RC_2005-12-300.ndjson.zst").write_bytes(data)


if __name__ == "__main__":
    stackexchange_comments()
    higgs()
    reddit()
