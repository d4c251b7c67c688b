"""Glossary: the definition of every number the report shows, in the report's language."""

from __future__ import annotations

import unicodedata
from typing import Any

import duckdb

from liens.report.context import ReportContext
from liens.report.sections.base import Section

__all__ = ["SECTION", "gather"]


def _sort_key(label: str) -> str:
    """Dictionary order: "Événements" sorts with E, not after Z."""
    decomposed = unicodedata.normalize("NFD", label.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def gather(con: duckdb.DuckDBPyConnection, ctx: ReportContext) -> dict[str, Any] | None:
    """Terms sorted by their display name in the report's language."""
    terms = [
        {"column": column, "label": ctx.label(column), "text": ctx.define(column)}
        for column in ctx.glossary
        if ctx.define(column)
    ]
    terms.sort(key=lambda t: _sort_key(t["label"]))
    kinds = [
        {"kind": kind, "label": ctx.kind(kind), "text": ctx.locale.messages.get(f"kind_def.{kind}")}
        for (kind,) in con.execute("SELECT DISTINCT kind FROM events ORDER BY 1").fetchall()
    ]
    return {"terms": terms, "kinds": kinds}


SECTION = Section("glossary", "glossary.title", gather, "glossary.html.j2")
