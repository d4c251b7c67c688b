"""What every section receives: the language, the workspace's tables, the glossary, charts.

A section's ``gather(con, ctx)`` reads the workspace and returns plain data for its template;
charts are Plotly figures turned into :class:`Chart` objects with :meth:`ReportContext.chart`,
drawn in the browser by the page's script from the JSON embedded next to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import plotly.graph_objects as go
import plotly.io as pio

from liens.report.locale import Locale

__all__ = ["KIND_COLORS", "Chart", "ReportContext", "kind_color"]

# One colour per interaction kind, shared by every chart so "reply" looks the same everywhere.
KIND_COLORS: dict[str, str] = {
    "post": "#1f5f8b",
    "reply": "#3a9bd9",
    "comment": "#7cc4a4",
    "quote": "#2a9d8f",
    "share": "#e9c46a",
    "mention": "#8e7dbe",
    "reaction": "#f4a261",
    "vote": "#c9cdd4",
    "accept": "#e76f51",
    "edit": "#9aa5b1",
    "moderate": "#6b7280",
    "link": "#b08968",
    "follow": "#43aa8b",
    "message": "#d62828",
    "rating": "#ffb703",
}
_FALLBACK = ["#577590", "#90be6d", "#f94144", "#f8961e", "#4d908e", "#f9c74f"]


def kind_color(kind: str) -> str:
    """The colour of ``kind``; kinds outside the vocabulary get a stable colour from a list."""
    return KIND_COLORS.get(kind) or _FALLBACK[sum(map(ord, kind)) % len(_FALLBACK)]


@dataclass(frozen=True)
class Chart:
    """A figure ready for the page: a unique element id and the figure as JSON text."""

    id: str
    json: str
    height: int


@dataclass
class ReportContext:
    """Shared state of one report: locale, table names present, glossary, chart ids."""

    locale: Locale
    tables: frozenset[str]
    glossary: dict[str, dict[str, str]]
    _charts: int = field(default=0, repr=False)

    @property
    def lang(self) -> str:
        return self.locale.lang

    def has(self, *tables: str) -> bool:
        """True when every table named exists in the workspace (analyses have run)."""
        return all(t in self.tables for t in tables)

    def define(self, column: str) -> str:
        """The glossary definition of ``column`` in the report's language ("" when none)."""
        entry = self.glossary.get(column)
        return entry.get(self.lang, entry.get("en", "")) if entry else ""

    def label(self, column: str) -> str:
        """The column's display name from the catalogue (``col.<name>``), else its own name."""
        return self.locale.messages.get(f"col.{column}", column)

    def kind(self, kind: str) -> str:
        """The name of an interaction kind in the report's language."""
        return self.locale.messages.get(f"kind.{kind}", kind)

    def chart(self, fig: go.Figure, height: int = 380) -> Chart:
        """Freeze ``fig`` with the report's look and separators into a :class:`Chart`."""
        self._charts += 1
        fig.update_layout(
            height=height,
            separators=self.locale.plotly_separators,
            margin={"l": 56, "r": 16, "t": 16, "b": 48},
            font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
            paper_bgcolor="rgba(0,0,0,0)",
            plot_bgcolor="rgba(0,0,0,0)",
            hoverlabel={"font": {"size": 13}},
        )
        text = pio.to_json(fig, validate=False, pretty=False)
        # The JSON sits inside a <script> element: "</" would end it early.
        return Chart(f"chart-{self._charts}", text.replace("</", "<\\/"), height)


def table_names(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Names of the tables of the workspace's main schema."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return frozenset(r[0] for r in rows)
