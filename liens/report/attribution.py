"""Credits owed to the sources of the data, shown in the report's overview and footer.

Openly licensed data (Stack Exchange dumps are CC BY-SA) must name its source, its authors and
its licence wherever it is shown. Each platform needing a credit registers a function in
:data:`ATTRIBUTIONS` that reads the workspace and returns :class:`Credit` objects; a new source
adds one function here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

__all__ = ["ATTRIBUTIONS", "Credit", "credits_for"]


@dataclass(frozen=True)
class Credit:
    """ "Data: <source>, <holder>, <licences>" with a link for each part.

    ``holder_key`` is a catalogue key so the holder reads naturally in each language.
    """

    source: str
    source_url: str
    holder_key: str
    licences: tuple[tuple[str, str], ...]  # (label, url)
    via: tuple[str, str] | None = None  # where the data was obtained: (label, url)


_CC = {
    "CC BY-SA 2.5": "https://creativecommons.org/licenses/by-sa/2.5/",
    "CC BY-SA 3.0": "https://creativecommons.org/licenses/by-sa/3.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
}
_SITE = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}$")


def stackexchange(con: duckdb.DuckDBPyConnection) -> list[Credit]:
    """One credit per Stack Exchange site in the workspace, with the licences its posts carry.

    Licences come from the posts' ``license`` field (dumps since 2020 state it per post);
    older dumps without it fall back to the licences Stack Exchange has used, 3.0 and 4.0.
    """
    sites = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT context FROM events WHERE platform = 'stackexchange' "
            "AND context IS NOT NULL ORDER BY 1"
        ).fetchall()
        if _SITE.match(r[0])
    ]
    credits = []
    for site in sites:
        found = con.execute(
            """SELECT DISTINCT json_extract_string(extra, '$.license') FROM posts
               WHERE platform = 'stackexchange' AND context = ? ORDER BY 1""",
            [site],
        ).fetchall()
        names = [r[0] for r in found if r[0] in _CC] or ["CC BY-SA 3.0", "CC BY-SA 4.0"]
        credits.append(
            Credit(
                source=site,
                source_url=f"https://{site}/",
                holder_key="attribution.stackexchange_holder",
                licences=tuple((n, _CC[n]) for n in names),
                via=(
                    "archive.org/details/stackexchange",
                    "https://archive.org/details/stackexchange",
                ),
            )
        )
    return credits


# platform -> function reading the workspace and returning the credits owed
ATTRIBUTIONS: dict[str, Callable[[duckdb.DuckDBPyConnection], list[Credit]]] = {
    "stackexchange": stackexchange,
}


def credits_for(con: duckdb.DuckDBPyConnection) -> list[Credit]:
    """Every credit owed by the data of the workspace's platforms."""
    platforms = {r[0] for r in con.execute("SELECT DISTINCT platform FROM events").fetchall()}
    return [c for p in sorted(platforms) if p in ATTRIBUTIONS for c in ATTRIBUTIONS[p](con)]
