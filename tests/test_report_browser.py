"""The report opened in headless Chromium, offline from disk: it draws, without errors.

Uses Debian's Chromium at /usr/bin/chromium (``scripts/ensure-browser.sh`` installs it); a
missing browser fails these tests rather than skipping them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from liens.report import write_report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def loaded(demo_workspace, tmp_path_factory):
    """The English demo report loaded in Chromium: page, console errors, requests made."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run scripts/ensure-browser.sh to install Chromium")
    from playwright.sync_api import sync_playwright

    con = duckdb.connect(str(demo_workspace), read_only=True)
    path = write_report(con, tmp_path_factory.mktemp("browser"), lang="en")
    con.close()
    errors: list[str] = []
    requests: list[str] = []
    failed: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_selector("#chart-2 .main-svg", timeout=15_000)
        yield page, errors, requests, failed
        browser.close()


def test_page_loads_without_console_errors_or_failed_requests(loaded):
    _, errors, requests, failed = loaded
    assert errors == []
    assert failed == []
    # everything comes from the file itself: no network request at all
    assert [u for u in requests if not u.startswith(("file://", "data:", "blob:"))] == []


def test_page_title_names_the_community(loaded):
    page = loaded[0]
    assert page.title() == "beer.stackexchange.com — community report"


def test_volume_chart_draws_one_bar_trace_per_kind(loaded, demo_workspace):
    page = loaded[0]
    con = duckdb.connect(str(demo_workspace), read_only=True)
    kinds = con.execute("SELECT count(DISTINCT kind) FROM activity_daily").fetchone()[0]
    con.close()
    assert page.locator("#chart-1 svg.main-svg").count() >= 1
    assert page.locator("#chart-1 g.trace.bars").count() == kinds
    assert page.locator("#chart-1 g.legend g.traces").count() == kinds
    assert page.locator("#chart-1 g.point path").count() > 0


def test_heatmap_is_drawn_with_seven_days(loaded):
    page = loaded[0]
    assert page.locator("#chart-2 g.hm image").count() == 1
    # read the day labels from top to bottom as drawn: Monday must be the top row
    days = page.locator("#chart-2 g.ytick text").evaluate_all(
        """els => els.map(e => [e.getBoundingClientRect().top, e.textContent])
                     .sort((a, b) => a[0] - b[0]).map(p => p[1])"""
    )
    assert days == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def test_table_of_contents_links_to_every_section(loaded):
    page = loaded[0]
    targets = page.locator("nav.toc a").evaluate_all("els => els.map(a => a.hash)")
    assert targets == [
        "#overview",
        "#activity",
        "#quality",
        "#network",
        "#ties",
        "#engagement",
        "#timing",
        "#hashtags",
        "#roles",
        "#reputation",
        "#glossary",
    ]
    for target in targets:
        assert page.locator(f"section{target}").count() == 1
