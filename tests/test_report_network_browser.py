"""The network map opened in headless Chromium, offline: sigma.js draws every node, no errors.

Uses Debian's Chromium at /usr/bin/chromium; a missing browser or an unbuilt map script fails
these tests rather than skipping them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from liens.report import write_report
from liens.report.sections.network import VENDOR_JS

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def tied(demo_workspace) -> int:
    con = duckdb.connect(str(demo_workspace), read_only=True)
    n = con.execute(
        "SELECT count(*) FROM members WHERE coalesce(degree_in, 0) + coalesce(degree_out, 0) > 0"
    ).fetchone()[0]
    con.close()
    return n


@pytest.fixture(scope="module")
def loaded(demo_workspace, tmp_path_factory):
    """The French demo report in Chromium: page, console errors, requests made."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run scripts/ensure-browser.sh to install Chromium")
    if not VENDOR_JS.exists():
        pytest.fail("the network map's JavaScript is not built: run bash scripts/build-js.sh")
    from playwright.sync_api import sync_playwright

    con = duckdb.connect(str(demo_workspace), read_only=True)
    path = write_report(con, tmp_path_factory.mktemp("network-browser"), lang="fr")
    con.close()
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_selector("[data-network-map][data-nodes-drawn]", timeout=20_000)
        yield page, errors, requests
        browser.close()


def test_map_draws_without_errors_or_network_requests(loaded):
    _, errors, requests = loaded
    assert errors == []
    assert [u for u in requests if not u.startswith(("file://", "data:", "blob:"))] == []


def test_sigma_graph_holds_every_member_with_a_tie(loaded, tied):
    page = loaded[0]
    el = page.locator("#network-map")
    assert el.get_attribute("data-renderer") == "sigma-webgl"
    assert int(el.get_attribute("data-nodes-drawn")) == tied
    assert el.evaluate("e => e.liensRenderer.getGraph().order") == tied
    # sigma stacks its canvases (edges, nodes, labels…) inside the container
    assert el.locator("canvas").count() >= 2
    box = el.bounding_box()
    assert box["width"] > 600 and box["height"] > 400


def test_hovering_a_member_names_it_in_the_tooltip(loaded):
    page = loaded[0]
    el = page.locator("#network-map")
    el.scroll_into_view_if_needed()
    # The largest member with no other dot within 12 px on screen (so the hover cannot land
    # on a neighbour drawn over it): its position comes from sigma itself.
    point = el.evaluate(
        """e => { const r = e.liensRenderer, g = r.getGraph();
                  const pts = [];
                  g.forEachNode((n, a) => {
                    const p = r.graphToViewport({x: a.x, y: a.y});
                    pts.push({x: p.x, y: p.y, size: a.size, label: a.label}); });
                  const w = e.clientWidth, h = e.clientHeight;
                  let best = null;
                  for (const p of pts) {
                    if (p.x < 20 || p.y < 20 || p.x > w - 20 || p.y > h - 20) continue;
                    const alone = pts.every(q => q === p || Math.hypot(q.x - p.x, q.y - p.y) > 12);
                    if (alone && (!best || p.size > best.size)) best = p;
                  }
                  return best; }"""
    )
    assert point is not None, "no member stands apart on the map"
    box = el.bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tip = page.locator(".network-tip")
    tip.wait_for(state="visible", timeout=5_000)
    assert point["label"] in tip.inner_text()
    assert "communauté" in tip.inner_text()
    page.mouse.move(box["x"] + 2, box["y"] + 2)
