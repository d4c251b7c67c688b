"""The relational-bases and what-works sections of the report, read as text on the demo.

Every expected number is computed here with SQL on the workspace, then formatted with the
standard library, never with the report's own code.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import duckdb
import pytest
from report_text import (
    NNBSP,
    en_number,
    fr_number,
    section,
)

from liens.report import render_html
from liens.report.glossary import collect_glossary
from liens.report.sections import network as network_section
from liens.report.sections.network import MAP_MAX_NODES, VENDOR_JS, display_names, map_data


@pytest.fixture(scope="module")
def con(demo_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return demo_con


@pytest.fixture(scope="module")
def pages(demo_pages: dict[str, str]) -> dict[str, str]:
    return demo_pages


I18N = Path(__file__).resolve().parents[1] / "liens" / "report" / "i18n"
MY_SECTIONS = ("network", "ties", "engagement", "timing", "hashtags")


def visible(part: str) -> str:
    part = re.sub(r"<(style|script)\b.*?</\1>", " ", part, flags=re.S)
    # collapse layout whitespace only: French numbers keep their narrow no-break spaces
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part)))


def map_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" data-network-data="[^"]+">(.*?)</script>',
                  page, flags=re.S)  # fmt: skip
    assert m, "network map data not embedded"
    return json.loads(m.group(1))


# -- the network map --------------------------------------------------------------------------


def test_network_javascript_is_built_before_the_tests():
    # `make test` runs scripts/build-js.sh through `make setup`: a missing bundle is a failure
    assert VENDOR_JS.exists(), "run `bash scripts/build-js.sh` (or `make setup`)"
    text = VENDOR_JS.read_text(encoding="utf-8")
    assert "WebGL" in text and len(text) > 50_000  # sigma.js and graphology are in the bundle


def test_every_section_is_rendered_in_both_languages(pages):
    for page in pages.values():
        for sid in MY_SECTIONS:
            section(page, sid)


def test_map_draws_every_member_with_a_tie_and_the_ties_between_them(con, pages):
    tied = con.execute(
        "SELECT count(*) FROM members WHERE coalesce(degree_in, 0) + coalesce(degree_out, 0) > 0"
    ).fetchone()[0]
    pairs = con.execute("SELECT count(*) FROM ties_undirected").fetchone()[0]
    data = map_json(pages["en"])
    assert tied == 1500 and tied <= MAP_MAX_NODES
    assert len(data["nodes"]) == tied
    assert len(data["edges"]) == pairs
    assert all(0 <= a < tied and 0 <= b < tied for a, b, _ in data["edges"])
    assert f'data-nodes="{tied}"' in pages["en"]
    assert f"every member with a tie ({en_number(tied)})" in visible(
        section(pages["en"], "network")
    )


def test_map_nodes_are_coloured_by_community_and_sized_by_pagerank(con, pages):
    data = map_json(pages["en"])
    nodes = {n[0]: n for n in data["nodes"]}
    rows = con.execute(
        "SELECT account, community, pagerank FROM members WHERE degree_in + degree_out > 0"
    ).fetchall()
    for account, community, _ in rows:
        assert nodes[account][6] == community
    biggest = max(rows, key=lambda r: r[2])[0]
    assert nodes[biggest][4] == max(n[4] for n in data["nodes"])
    # members of one community share a colour, two large communities differ
    colours = {n[6]: n[5] for n in data["nodes"] if n[6] in (0, 1)}
    assert colours[0] != colours[1]


def test_map_layout_is_repeatable(con):
    names = display_names(con)
    first = map_data(con, names, max_nodes=200)
    second = map_data(con, names, max_nodes=200)
    assert first["nodes"] == second["nodes"]


def test_big_networks_are_capped_to_the_top_members_by_pagerank(con):
    capped = map_data(con, display_names(con), max_nodes=50)
    top = [
        r[0]
        for r in con.execute(
            """SELECT account FROM members WHERE degree_in + degree_out > 0
               ORDER BY pagerank DESC, account LIMIT 50"""
        ).fetchall()
    ]
    assert [n[0] for n in capped["nodes"]] == top
    assert capped["total"] == 1500 and capped["shown"] == 50
    kept = set(top)
    expected = con.execute(
        "SELECT count(*) FROM ties_undirected WHERE list_contains(?, a) AND list_contains(?, b)",
        [list(kept), list(kept)],
    ).fetchone()[0]
    assert len(capped["edges"]) == expected


def test_without_the_built_javascript_the_map_says_how_to_build_it(con, monkeypatch):
    monkeypatch.setattr(network_section, "network_js", lambda: None)
    page = section(render_html(con, lang="en"), "network")
    assert "data-network-map" not in page
    text = visible(page)
    assert "its JavaScript was not built" in text
    assert "bash scripts/build-js.sh" in text and "make setup" in text
    # the rest of the section is still there
    assert "Communities" in text and "Bridges between communities" in text


# -- network figures --------------------------------------------------------------------------


def test_network_figures_match_the_network_table(con, pages):
    nodes, edges, density, reciprocity, ncom, q = con.execute(
        "SELECT nodes, edges, density, reciprocity, n_communities, modularity FROM network"
    ).fetchone()
    en = visible(section(pages["en"], "network"))
    assert f"{en_number(nodes)} members are tied to at least one other by {en_number(edges)}" in en
    assert f"{100 * density:.2f}%" in en
    assert f"{100 * reciprocity:.1f}%" in en
    assert f"into {ncom} communities" in en and f"modularity Q = {q:.2f}" in en
    fr = visible(section(pages["fr"], "network"))
    assert f"{fr_number(100 * density, 2)}{NNBSP}%" in fr
    assert f"{fr_number(nodes)} membres sont reliés" in fr


def test_communities_table_lists_largest_with_their_size(con, pages):
    size, leaders = con.execute(
        "SELECT size, leaders FROM communities ORDER BY size DESC LIMIT 1"
    ).fetchone()
    first_leader = leaders.split(",")[0].strip()
    handle = con.execute(
        "SELECT coalesce(handle, account_id) FROM accounts WHERE account_id = ?", [first_leader]
    ).fetchone()[0]
    en = visible(section(pages["en"], "network"))
    assert re.search(rf"Community 1 {size} [\d.]+% {re.escape(handle)}", en)


def test_brokers_are_ranked_by_betweenness(con, pages):
    handle, betweenness = con.execute(
        """SELECT coalesce(a.handle, m.account), m.betweenness FROM members m
           JOIN accounts a ON a.account_id = m.account ORDER BY betweenness DESC LIMIT 1"""
    ).fetchone()
    en = visible(section(pages["en"], "network"))
    assert re.search(rf"1 {re.escape(handle)} \d+ [\d,]+ {100 * betweenness:.1f}%", en)


# -- ties -------------------------------------------------------------------------------------


def test_ties_counts_match_sql(con, pages):
    pairs, strong, bilateral, threshold = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE strength_class = 'strong'),
             count(*) FILTER (WHERE orientation = 'bilateral'),
             min(strength) FILTER (WHERE strength_class = 'strong') FROM ties_undirected"""
    ).fetchone()
    en = visible(section(pages["en"], "ties"))
    assert f"{en_number(pairs)} pairs of members are tied" in en
    assert f"the {en_number(strong)} pairs at or above" in en and f"({threshold:.3f})" in en
    assert f"{100 * bilateral / pairs:.1f}%" in en
    fr = visible(section(pages["fr"], "ties"))
    assert f"{fr_number(pairs)} paires de membres sont reliées" in fr


def test_strongest_tie_is_listed_first_with_its_strength(con, pages):
    a, b, strength = con.execute(
        """SELECT coalesce(x.handle, a), coalesce(y.handle, b), strength FROM ties_undirected
           LEFT JOIN accounts x ON x.account_id = a LEFT JOIN accounts y ON y.account_id = b
           ORDER BY strength DESC, n_events DESC, a, b LIMIT 1"""
    ).fetchone()
    en = visible(section(pages["en"], "ties"))
    assert f"1 {a} — {b} {strength:.3f}" in en


# -- what works -------------------------------------------------------------------------------


def test_top_publication_and_its_weighted_engagement(con, pages):
    title, engagement, interactions = con.execute(
        """SELECT p.title, e.engagement, e.interactions FROM post_engagement e
           JOIN posts p USING (platform, post_id) ORDER BY e.engagement DESC LIMIT 1"""
    ).fetchone()
    en = visible(section(pages["en"], "engagement"))
    assert f"1 {title}" in en
    assert f"{en_number(interactions)} {en_number(engagement)}" in en


def test_roe_is_interactions_received_per_publication(con, pages):
    handle, pubs, received = con.execute(
        """SELECT coalesce(a.handle, m.account), m.publications, m.interactions_received
           FROM members m JOIN accounts a ON a.account_id = m.account
           WHERE m.publications >= 3 ORDER BY m.interactions_received DESC LIMIT 1"""
    ).fetchone()
    en = visible(section(pages["en"], "engagement"))
    roe = received / pubs
    assert f"1 {handle} {en_number(pubs)} {en_number(received)} {roe:.1f}" in en


def test_two_hour_rule_share_and_forecast(con, pages):
    started, posts = con.execute(
        "SELECT share_started, posts FROM engagement_velocity WHERE hours = 2"
    ).fetchone()
    beta = con.execute("SELECT beta FROM engagement_forecast WHERE early_hours = 2").fetchone()[0]
    shift, low, high = con.execute(
        "SELECT shift, resid_low, resid_high FROM engagement_forecast_bins "
        "WHERE early_hours = 2 AND n_low <= 1 AND n_high >= 1"
    ).fetchone()
    import math

    en = visible(section(pages["en"], "engagement"))
    assert f"{100 * started:.1f}% of the {en_number(posts)} publications" in en
    # a post with 1 interaction after 2 h, in the bin of posts with 1 early interaction:
    # e^shift * 2 - 1, interval from that bin's residual quantiles, never below the 1 it has
    final = max(1.0, math.exp(shift) * 2 - 1)
    lo, hi = max(1.0, math.exp(beta + low) * 2 - 1), math.exp(beta + high) * 2 - 1
    assert f"{final:.1f} [{lo:.1f} – {hi:.1f}]" in en


def test_content_types_show_lift_or_too_few(con, pages):
    en = visible(section(pages["en"], "engagement"))
    for ctype, lift, enough in con.execute(
        "SELECT content_type, lift, enough_history FROM content_type_engagement"
    ).fetchall():
        label = {"complaint": "Complaint", "humour": "Humour", "people": "People"}.get(ctype)
        if label and enough:
            assert re.search(rf"{label} .*?\+{round(100 * lift)}%", en)
        elif label:
            assert re.search(rf"{label} \d+ [\d.]+% [\d.]+ \[[\d.]+ – [\d.]+\] too few", en)


def test_best_time_recommendations_match_sql(con, pages):
    rated, recommended = con.execute(
        "SELECT count(*) FILTER (WHERE enough_history), count(*) FILTER (WHERE recommended) "
        "FROM best_time_slots"
    ).fetchone()
    day, start, end, lift = con.execute(
        "SELECT weekday, hour_start, hour_end, lift FROM best_time_slots WHERE rank = 1"
    ).fetchone()
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    en = visible(section(pages["en"], "timing"))
    assert f"{recommended} of the {rated} time slots with enough history are recommended" in en
    assert f"1 {days[day]}, {start:02d}:00–{end:02d}:00" in en
    assert f"+{100 * lift:.0f}%" in en
    fr = visible(section(pages["fr"], "timing"))
    assert f"{recommended} des {rated} créneaux" in fr


def test_top_hashtag_and_pair(con, pages):
    label, uses = con.execute(
        "SELECT label, uses FROM hashtags ORDER BY uses DESC, key LIMIT 1"
    ).fetchone()
    a, b, together = con.execute(
        """SELECT label_a, label_b, together FROM hashtag_pairs
           ORDER BY together DESC, jaccard DESC, key_a, key_b LIMIT 1"""
    ).fetchone()
    en = visible(section(pages["en"], "hashtags"))
    assert f"1 #{label} {uses}" in en
    assert f"#{a} + #{b} {together}" in en


# -- words ------------------------------------------------------------------------------------


def test_every_column_header_of_these_sections_has_a_definition_in_both_languages(pages):
    glossary = collect_glossary()
    for page in pages.values():
        for sid in MY_SECTIONS:
            for title in re.findall(r'<span class="term" title="([^"]*)"', section(page, sid)):
                assert title.strip(), f"empty tooltip in {sid}"
    for key in ("constraint", "effective_size", "strength", "c_recency", "roe", "engagement",
                "ratio", "lift", "tag_jaccard", "adamic_adar"):  # fmt: skip
        assert glossary[key]["en"] and glossary[key]["fr"]


def test_french_catalogue_has_every_english_key():
    en = json.loads((I18N / "en.json").read_text(encoding="utf-8"))
    fr = json.loads((I18N / "fr.json").read_text(encoding="utf-8"))
    mine = [k for k in en if k.split(".")[0] in (*MY_SECTIONS, "role", "role_def")]
    assert mine and all(k in fr for k in mine)
