"""The report's words and number formats, in French and English.

Every piece of text the report shows comes from ``i18n/<lang>.json`` (flat keys, ``{name}``
placeholders); numbers and dates are formatted by hand rather than with the process locale,
which differs from machine to machine and is rarely French on a server.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from liens.errors import LiensError

__all__ = ["LANGS", "Locale", "get_locale"]

LANGS = ("en", "fr")

_I18N = Path(__file__).parent / "i18n"

# French typography: a narrow no-break space groups thousands and precedes "%".
_NNBSP = "\u202f"

_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}
_SHORT_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
}
_DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}
_SHORT_DAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "fr": ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
}


@cache
def _catalogue(lang: str) -> dict[str, str]:
    return json.loads((_I18N / f"{lang}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Locale:
    """Translations and formats of one language; its methods are the templates' filters."""

    lang: str
    messages: dict[str, str] = field(repr=False)

    def t(self, key: str, **values: Any) -> str:
        """The message ``key`` with its ``{placeholders}`` filled; a missing key is a bug."""
        try:
            text = self.messages[key]
        except KeyError:
            raise KeyError(f"message {key!r} missing from i18n/{self.lang}.json") from None
        return text.format(**values) if values else text

    def tn(self, key: str, n: int | float, **values: Any) -> str:
        """Plural-aware message: ``key.one`` or ``key.other``, with ``{n}`` formatted.

        French treats 0 and 1 as singular ("0 membre actif"), English only 1.
        """
        one = n in (0, 1) if self.lang == "fr" else n == 1
        return self.t(f"{key}.{'one' if one else 'other'}", n=self.number(n), **values)

    def number(self, x: int | float | None, digits: int = 0) -> str:
        """``1234.5`` -> ``1,234.5`` (en) or ``1 234,5`` (fr, narrow no-break space)."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "–"
        text = f"{x:,.{digits}f}"
        if self.lang == "fr":
            text = text.replace(",", _NNBSP).replace(".", ",")
        return text

    def percent(self, share: float | None, digits: int = 1) -> str:
        """A share in [0, 1] as a percentage: ``12.5%`` (en) or ``12,5 %`` (fr)."""
        if share is None or math.isnan(share):
            return "–"
        value = self.number(100 * share, digits)
        return f"{value}{_NNBSP}%" if self.lang == "fr" else f"{value}%"

    def date(self, d: date | datetime | None) -> str:
        """``21 janvier 2014`` (fr, 1er for the first) or ``January 21, 2014`` (en)."""
        if d is None:
            return "–"
        month = _MONTHS[self.lang][d.month - 1]
        if self.lang == "fr":
            day = "1er" if d.day == 1 else str(d.day)
            return f"{day} {month} {d.year}"
        return f"{month} {d.day}, {d.year}"

    def short_date(self, d: date | datetime | None) -> str:
        """Abbreviated month, for table cells: ``7 févr. 2016`` / ``Feb 7, 2016``."""
        if d is None:
            return "–"
        month = _SHORT_MONTHS[self.lang][d.month - 1]
        if self.lang == "fr":
            return f"{'1er' if d.day == 1 else d.day} {month} {d.year}"
        return f"{month} {d.day}, {d.year}"

    def datetime(self, d: datetime | None) -> str:
        """Date and UTC time to the minute: ``21 janvier 2014 à 20 h 27`` / ``..., 20:27``."""
        if d is None:
            return "–"
        if self.lang == "fr":
            return f"{self.date(d)} à {d.hour} h {d.minute:02d} UTC"
        return f"{self.date(d)}, {d.hour:02d}:{d.minute:02d} UTC"

    def weekday(self, i: int, short: bool = False) -> str:
        """Day name, 0 = Monday."""
        return (_SHORT_DAYS if short else _DAYS)[self.lang][i]

    def plotly_locale(self) -> dict[str, Any]:
        """A plotly.js locale module, so axes show French months and separators offline.

        plotly.js ships its locales as separate files that the PyPI bundle does not include;
        the names come from this module instead.
        """
        fr = self.lang == "fr"
        days = _DAYS[self.lang]
        short = _SHORT_DAYS[self.lang]
        return {
            "moduleType": "locale",
            # our own name: registering "en" would replace plotly's built-in English
            "name": f"liens-{self.lang}",
            "dictionary": {},
            "format": {
                # plotly.js (like d3) starts the week on Sunday
                "days": days[6:] + days[:6],
                "shortDays": short[6:] + short[:6],
                "months": _MONTHS[self.lang],
                "shortMonths": _SHORT_MONTHS[self.lang],
                "periods": ["AM", "PM"],
                "dateTime": "%A %e %B %Y, %X" if fr else "%a %b %e %X %Y",
                "date": "%d/%m/%Y" if fr else "%m/%d/%Y",
                "time": "%H:%M:%S",
                "decimal": "," if fr else ".",
                "thousands": _NNBSP if fr else ",",
                "grouping": [3],
                "currency": ["", "\u00a0€"] if fr else ["$", ""],
                "year": "%Y",
                "month": "%b %Y",
                "dayMonth": "%-d %b" if fr else "%b %-d",
                "dayMonthYear": "%-d %b %Y" if fr else "%b %-d, %Y",
            },
        }

    @property
    def plotly_separators(self) -> str:
        """plotly.js ``layout.separators``: decimal mark then thousands separator."""
        return f",{_NNBSP}" if self.lang == "fr" else ".,"


def get_locale(lang: str) -> Locale:
    """The locale for ``lang`` ("fr" or "en"); anything else is the user's mistake."""
    if lang not in LANGS:
        raise LiensError(
            f"unknown report language {lang!r} for --lang; choose one of: {', '.join(LANGS)}",
            field="--lang",
        )
    return Locale(lang, _catalogue(lang))
