"""The HTML report: one self-contained page a community manager can open, print or send.

``write_report(con, out_dir, lang="fr")`` writes ``out_dir/index.html`` with every section
whose data is in the workspace, each number formatted for the language and explained (a
"how to read this" line per chart and table, a tooltip per metric, a glossary). Sections are a
registry: see :mod:`liens.report.sections` for how to add one.
"""

from liens.report.locale import LANGS
from liens.report.render import render_html, write_report

__all__ = ["LANGS", "render_html", "write_report"]
