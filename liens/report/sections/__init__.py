"""The report's sections, in the order they appear.

A section is a :class:`Section`: an ``id`` (the HTML anchor), a ``title_key`` (catalogue key of
its heading), a ``gather(con, ctx) -> dict | None`` function reading the workspace, and the
Jinja2 ``template`` that turns that dict into HTML. ``gather`` returns None when the tables it
needs are absent (their analysis has not run): the section is left out and the report's note
"not computed" names it.

To add a section (ties and network map, stages of presence, prescripteurs, engagement, best
time to publish, tone and crises…):

1. write ``liens/report/sections/<name>.py`` defining ``SECTION = Section(...)`` (the class
   is in :mod:`liens.report.sections.base`); its ``gather`` starts with
   ``if not ctx.has("<table>", ...): return None``, reads the tables with SQL and returns
   plain values, rows and :class:`~liens.report.context.Chart` objects (made with
   ``ctx.chart(plotly_figure)``);
2. write ``liens/report/templates/<name>.html.j2``: it receives ``data`` (the dict), ``ctx``,
   ``t``/``tn`` (messages), ``num``/``pct``/``date``/``short_date`` (formats) and the macros of
   ``macros.html.j2`` (``chart``, ``how_to_read``, ``th`` for a column header with its glossary
   tooltip); give each chart and table a one-sentence "how to read this";
3. add the module name to :data:`_MODULES` below, the ``<name>.*`` keys to ``i18n/en.json``
   and ``i18n/fr.json``, and the definitions of new columns to the analysis module's
   ``GLOSSARY`` (or :data:`liens.report.glossary.GLOSSARY`);
4. extend ``tests/test_report.py`` with the numbers the section must show.
"""

from __future__ import annotations

import importlib

from liens.report.sections.base import Section

__all__ = ["SECTIONS", "Section"]

# Order of appearance. Glossary stays last: it defines the terms of every section above.
_MODULES = (
    "overview",
    "activity",
    "quality",
    "network",
    "ties",
    "engagement",
    "timing",
    "hashtags",
    "roles",
    "reputation",
    "glossary",
)

SECTIONS: list[Section] = [
    importlib.import_module(f"liens.report.sections.{name}").SECTION for name in _MODULES
]
