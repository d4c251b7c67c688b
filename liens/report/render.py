"""Assemble the report: gather each section, render its template, inline CSS and JavaScript.

The page is one HTML file that opens from disk without a network: the stylesheet, plotly.js
(from the plotly package on PyPI) and the report's own script are written into it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2
from plotly.offline import get_plotlyjs

from liens.report.attribution import credits_for
from liens.report.context import ReportContext, table_names
from liens.report.glossary import collect_glossary
from liens.report.locale import get_locale
from liens.report.sections import SECTIONS

__all__ = ["community_name", "render_html", "write_report"]

_HERE = Path(__file__).parent


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the test, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _static(name: str) -> str:
    return (_HERE / "static" / name).read_text(encoding="utf-8")


@cache
def _plotly_js() -> str:
    # Inline scripts end at the first "</script"; plotly.js has none today, keep it so.
    return get_plotlyjs().replace("</script", "<\\/script")


def community_name(con: duckdb.DuckDBPyConnection) -> str | None:
    """The context (site, group, page) holding most events: the community's usual name."""
    row = con.execute(
        """SELECT context FROM events WHERE context IS NOT NULL
           GROUP BY context ORDER BY count(*) DESC, context LIMIT 1"""
    ).fetchone()
    return row[0] if row else None


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("liens")
    except Exception:  # running from a source tree that was never installed
        return "dev"


def render_html(con: duckdb.DuckDBPyConnection, lang: str = "en", title: str | None = None) -> str:
    """The report as one HTML string (see :func:`write_report`)."""
    locale = get_locale(lang)
    ctx = ReportContext(locale=locale, tables=table_names(con), glossary=collect_glossary())
    env = _environment()
    common: dict[str, Any] = {
        "ctx": ctx,
        "t": locale.t,
        "tn": locale.tn,
        "num": locale.number,
        "pct": locale.percent,
        "date": locale.date,
        "short_date": locale.short_date,
    }
    rendered, not_computed = [], []
    for section in SECTIONS:
        title_text = locale.t(section.title_key)
        data = section.gather(con, ctx)
        if data is None:
            not_computed.append({"title": title_text, "analysis": section.analysis})
            continue
        html = env.get_template(section.template).render(data=data, **common)
        rendered.append({"id": section.id, "title": title_text, "html": html})
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM events").fetchone()
    community = title or community_name(con) or locale.t("page.untitled")
    return env.get_template("page.html.j2").render(
        **common,
        page_title=locale.t("page.title", community=community),
        community=community,
        first=first,
        last=last,
        generated=datetime.now(UTC),
        sections=rendered,
        not_computed=not_computed,
        credits=credits_for(con),
        version=_version(),
        css=_static("report.css"),
        report_js=_static("report.js"),
        plotly_js=_plotly_js(),
        plotly_locale=json.dumps(locale.plotly_locale(), ensure_ascii=False).replace("</", "<\\/"),
    )


def write_report(
    con: duckdb.DuckDBPyConnection, out_dir: Path, lang: str = "en", title: str | None = None
) -> Path:
    """Write the self-contained HTML report of the workspace to ``out_dir/index.html``.

    Parameters
    ----------
    con : an open workspace (canonical tables, plus whatever analyses have run).
    out_dir : folder to write into, created if needed.
    lang : "fr" or "en"; anything else raises :class:`liens.errors.LiensError` (``--lang``).
    title : heading of the report; by default the community's name (its main context).

    Returns
    -------
    The path of ``index.html``. Sections whose analysis tables are absent are left out and
    listed in a note.
    """
    html = render_html(con, lang=lang, title=title)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
