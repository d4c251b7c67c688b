"""The "Who matters" and "Reputation and crises" sections of the report, read on the demo.

Every expected number is computed here with SQL on the workspace (from the most detailed
table available, not the summary the section reads when there is one), then formatted with
the standard library, never with the report's own code.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import duckdb
import pytest
from report_text import (
    en_number,
    en_pct,
    fr_number,
    fr_pct,
    section,
)

from liens.playbook import load_playbook
from liens.report.context import ReportContext
from liens.report.glossary import collect_glossary
from liens.report.locale import get_locale
from liens.report.sections import reputation as reputation_section
from liens.report.sections import roles as roles_section


@pytest.fixture(scope="module")
def con(demo_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return demo_con


@pytest.fixture(scope="module")
def pages(demo_pages: dict[str, str]) -> dict[str, str]:
    return demo_pages


STAGE_ORDER = {"present": 0, "relai": 1, "producteur": 2, "power_networker": 3}


def element(part: str, tag: str, eid: str) -> str:
    m = re.search(rf'<{tag}[^>]*id="{re.escape(eid)}".*?</{tag}>', part, flags=re.S)
    assert m, f"{tag}#{eid} missing"
    return m.group(0)


def visible(part: str) -> str:
    part = re.sub(r"<(style|script)\b.*?</\1>", " ", part, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part)))


def rows(table_html: str) -> list[list[str]]:
    body = table_html.split("<tbody>", 1)[1]
    return [
        [visible(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    ]


def names(con) -> dict[str, str]:
    return dict(
        con.execute(
            "SELECT account_id, coalesce(handle, display_name, account_id) FROM accounts"
        ).fetchall()
    )


# -- who matters ------------------------------------------------------------------------------


def test_both_sections_render_in_both_languages(pages):
    for lang, page in pages.items():
        for sid in ("roles", "reputation"):
            assert len(visible(section(page, sid))) > 2000, (lang, sid)
    assert "Who matters" in section(pages["en"], "roles")
    assert "Qui compte" in section(pages["fr"], "roles")
    assert "E-réputation et crises" in section(pages["fr"], "reputation")


def test_stage_pyramid_counts_every_member_at_its_stage(con, pages):
    counts = dict(con.execute("SELECT stage, count(*) FROM member_stages GROUP BY 1").fetchall())
    total = sum(counts.values())
    for lang, fmt, pct in (("en", en_number, en_pct), ("fr", fr_number, fr_pct)):
        table = rows(element(section(pages[lang], "roles"), "table", "stage-table"))
        assert [r[0] for r in table] == (
            ["Power networker", "Producer", "Relay", "Present"]
            if lang == "en"
            else ["Power networker", "Producteur", "Relai", "Présent"]
        )
        stages = ["power_networker", "producteur", "relai", "present"]
        for stage, row in zip(stages, table, strict=True):
            n = counts.get(stage, 0)
            assert row[1] == fmt(n)
            assert row[2] == pct(n / total)
    # the demo has every stage but relays (Stack Exchange has no shares)
    assert counts["present"] > counts["producteur"] > counts["power_networker"] > 0


def test_inequality_against_the_90_9_1_rule(con, pages):
    contributions = con.execute(
        "SELECT writes + relays AS c FROM member_stages ORDER BY c DESC"
    ).df()["c"]
    n, total = len(contributions), contributions.sum()
    top1 = contributions.head(max(1, round(0.01 * n))).sum() / total
    lurkers = (contributions == 0).mean()
    gini = con.execute("SELECT gini FROM contribution_inequality").fetchone()[0]
    part = section(pages["en"], "roles")
    text = visible(part)
    assert f"{gini:.2f} Gini of contributions" in text
    assert f"{en_pct(top1)} Top 1% share" in text
    nielsen = rows(element(part, "table", "nielsen-table"))
    assert nielsen[0][1:] == [en_pct(lurkers), "90%"]
    assert nielsen[2][2] == "1%"
    fr = rows(element(section(pages["fr"], "roles"), "table", "nielsen-table"))
    assert fr[0][1] == fr_pct(lurkers)


def test_transitions_count_arrivals_and_moves_per_period(con, pages):
    df = con.execute("SELECT * FROM stage_transitions").df()
    last = df["period"].max()
    p = df[df["period"] == last]
    arrived = p.loc[p["from_stage"] == "new", "members"].sum()
    known = p[p["from_stage"] != "new"]
    up = known[known["to_stage"].map(STAGE_ORDER) > known["from_stage"].map(STAGE_ORDER)]
    down = known[known["to_stage"].map(STAGE_ORDER) < known["from_stage"].map(STAGE_ORDER)]
    table = rows(element(section(pages["en"], "roles"), "table", "transitions-table"))
    assert len(table) == min(8, df["period"].nunique())
    row = table[-1]
    assert row[0] == f"{last:%b} {last.day}, {last.year}"
    assert row[1:4] == [en_number(arrived), en_number(up["members"].sum()),
                        en_number(down["members"].sum())]  # fmt: skip


def test_prescripteurs_ranked_by_influence_with_rank_intervals(con, pages):
    top = con.execute(
        """SELECT account, influence, rank_low, rank_high, influence_rank, audience
           FROM influence ORDER BY influence DESC, account LIMIT 15"""
    ).fetchall()
    who = names(con)
    table = rows(element(section(pages["en"], "roles"), "table", "influence-table"))
    assert len(table) == 15
    for (account, influence, low, high, rank, audience), row in zip(top, table, strict=True):
        assert row[0] == str(rank)
        assert row[1].startswith(who[account])
        assert row[2] == en_number(influence)
        assert row[3] == f"{en_number(low)}–{en_number(high)}"
        assert row[5] == en_number(audience)
        assert low <= rank <= high


def test_hidden_prescripteurs_are_listed_or_their_absence_explained(con, pages):
    hidden = con.execute(
        """SELECT account FROM influence WHERE influence_percentile >= 0.9
           AND audience_percentile <= 0.5 AND influence >= 3"""
    ).fetchall()
    part = section(pages["en"], "roles")
    if hidden:
        who = names(con)
        assert all(who[a] in visible(part) for (a,) in hidden)
    else:
        assert 'id="no-hidden"' in part
        assert "No hidden prescripteur" in visible(part)


def test_advocates_defenders_and_detractors_with_their_definitions(con, pages):
    part = section(pages["en"], "roles")
    text = visible(part)
    for role, title in (("advocate", "Advocates"), ("defender", "Defenders"),
                        ("detractor", "Detractors")):  # fmt: skip
        n = con.execute(f"SELECT count(DISTINCT account) FROM advocates WHERE {role}").fetchone()
        assert f"{title} ({en_number(n[0])})" in text
    assert "at least half of them within 2 hours" in text
    worst = con.execute(
        """SELECT account, critic_acts FROM advocates WHERE detractor
           ORDER BY critic_acts DESC, posts_engaged DESC, account LIMIT 1"""
    ).fetchone()
    first = rows(element(part, "table", "detractor-table"))[0]
    assert first[0] == names(con)[worst[0]] and first[6] == en_number(worst[1])


def test_audience_segments_add_up_to_the_known_accounts(con, pages):
    last = con.execute(
        """SELECT period, sum(known), sum(participants), sum(spectators), sum(dormant),
             sum(unreached) FROM audience_segments GROUP BY period ORDER BY period DESC LIMIT 1"""
    ).fetchone()
    assert last[1] == sum(last[2:])
    note = visible(element(section(pages["en"], "roles"), "p", "segments-last"))
    assert f"{en_number(last[1])} accounts known" in note
    assert f"participants: {en_number(last[2])};" in note
    assert f"unreached: {en_number(last[5])}." in note


def test_posture_says_when_it_falls_back_to_the_most_addressed_accounts(con, pages):
    owned = con.execute("SELECT count(*) FROM accounts WHERE owned").fetchone()[0]
    part = section(pages["en"], "roles")
    assert owned == 0 and 'id="posture-fallback"' in part and 'id="sov-fallback"' in part
    top = con.execute(
        """SELECT account, reply_rate, median_response_hours, conversationality
           FROM brand_posture ORDER BY incoming DESC, account LIMIT 1"""
    ).fetchone()
    row = rows(element(part, "table", "posture-table"))[0]
    assert row[0] == names(con)[top[0]]
    assert row[1] == en_number(top[3], 2)
    assert row[2] == en_pct(top[1])
    assert row[4] == en_number(top[2], 1)


def test_share_of_voice_sums_the_months(con, pages):
    df = con.execute("SELECT account, voice FROM share_of_voice").df()
    voice = df.groupby("account")["voice"].sum().sort_values(ascending=False)
    table = rows(element(section(pages["fr"], "roles"), "table", "sov-table"))
    assert len(table) == len(voice)
    who = names(con)
    assert table[0][:3] == [who[voice.index[0]], fr_number(voice.iloc[0]),
                            fr_pct(voice.iloc[0] / voice.sum())]  # fmt: skip


# -- reputation and crises --------------------------------------------------------------------


def test_negative_share_is_stated_plain_and_tone_weighted(con, pages):
    mentions, negative = con.execute(
        """SELECT sum(mentions), sum(negative) FROM reputation_daily WHERE dimension = 'all'"""
    ).fetchone()
    w = 2.0  # the demo runs with the default weight of a negative voice
    weighted = w * negative / (w * negative + mentions - negative)
    en = visible(section(pages["en"], "reputation"))
    assert f"{en_number(mentions)} Texts scored" in en
    assert f"{en_pct(negative / mentions)} Negative share" in en
    assert f"{en_pct(weighted)} Tone-weighted negative share" in en
    assert "a negative text weighs 2 times" in en
    fr = visible(section(pages["fr"], "reputation"))
    assert f"{fr_pct(weighted)} Part négative pondérée" in fr
    assert "un texte négatif pèse 2 fois" in fr


def test_detractors_and_defenders_come_from_the_tone_of_their_texts(con, pages):
    part = section(pages["en"], "reputation")
    for role in ("detractor", "defender"):
        n = con.execute(
            """SELECT count(*) FROM reputation_accounts WHERE mentions >= 2 AND CASE ?
                 WHEN 'detractor' THEN net_tone < 0 ELSE net_tone > 0 END""",
            [role],
        ).fetchone()[0]
        assert f"{role.capitalize()}s ({en_number(n)})" in visible(part)
        table = rows(element(part, "table", f"rep-{role}s"))
        assert len(table) == min(10, n)
        tones = [float(r[6].replace("−", "-")) for r in table]
        assert all(t < 0 for t in tones) if role == "detractor" else all(t > 0 for t in tones)


def test_every_alarm_has_its_anchor_and_its_drivers(con, pages):
    ids = [r[0] for r in con.execute("SELECT alarm_id FROM alarms").fetchall()]
    assert len(ids) > 0
    for page in pages.values():
        part = section(page, "reputation")
        for alarm_id in ids:
            assert part.count(f'id="alarm-{alarm_id}"') == 1
    alarm_id, count, peak = con.execute(
        """SELECT a.alarm_id, a.count, a.peak FROM alarms a
           WHERE EXISTS (SELECT 1 FROM alarm_drivers d WHERE d.alarm_id = a.alarm_id
                         AND d.suspicious) ORDER BY a.alarm_id LIMIT 1"""
    ).fetchone()
    block = element(section(pages["en"], "reputation"), "details", f"alarm-{alarm_id}")
    text = visible(block)
    assert f"{en_number(count)} events in the hour" in text and f"peak {en_number(peak)}" in text
    suspects = con.execute(
        "SELECT label, evidence FROM alarm_drivers WHERE alarm_id = ? AND suspicious",
        [alarm_id],
    ).fetchall()
    for label, evidence in suspects:
        assert " ".join(label.split())[:40] in text
        assert evidence in text
    top_account = con.execute(
        """SELECT label, events FROM alarm_drivers WHERE alarm_id = ? AND driver = 'account'
           ORDER BY rank LIMIT 1""",
        [alarm_id],
    ).fetchone()
    assert f"{' '.join(top_account[0].split())[:40]}" in text
    assert "Accounts" in text
    fr = visible(element(section(pages["fr"], "reputation"), "details", f"alarm-{alarm_id}"))
    assert "aucune interaction antérieure avec la marque" in fr
    assert "no earlier interaction" not in fr


def test_incident_log_and_playbook(con, pages):
    logged = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    for lang in ("en", "fr"):
        part = section(pages[lang], "reputation")
        if logged:
            assert len(rows(element(part, "table", "incidents-table"))) == logged
        else:
            assert 'id="no-incident"' in part and "liens incident note" in visible(part)
        steps = load_playbook().localised(lang)["steps"]
        playbook = visible(element(part, "div", "playbook"))
        assert steps and all(s["title"] in playbook for s in steps)
    assert "Être préparé" in visible(section(pages["fr"], "reputation"))
    assert "Be prepared" in visible(section(pages["en"], "reputation"))


def test_sections_are_left_out_without_their_tables(con):
    ctx = ReportContext(get_locale("en"), frozenset({"events", "accounts"}), collect_glossary())
    assert roles_section.gather(con, ctx) is None
    assert reputation_section.gather(con, ctx) is None


def test_every_column_shown_has_a_definition_in_both_languages():
    glossary = collect_glossary()
    for template in ("roles.html.j2", "reputation.html.j2"):
        path = Path(roles_section.__file__).parents[1] / "templates" / template
        text = path.read_text(encoding="utf-8")
        for column in re.findall(r'm\.(?:th|figure)\([^"]*"([a-z0-9_]+)"', text):
            assert set(glossary.get(column, {})) >= {"en", "fr"}, column


# -- in the browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_an_alert_link_opens_its_alarm_and_the_charts_draw(con, tmp_path):
    from playwright.sync_api import sync_playwright

    from liens.report import write_report

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail(f"{chromium} not found: run scripts/ensure-browser.sh to install Chromium")
    alarm_id = con.execute("SELECT alarm_id FROM alarms ORDER BY alarm_at LIMIT 1").fetchone()[0]
    path = write_report(con, tmp_path, lang="fr")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{path.as_uri()}#alarm-{alarm_id}", wait_until="load")
        alarm = page.locator(f'details[id="alarm-{alarm_id}"]')
        assert alarm.evaluate("e => e.open")
        box = alarm.bounding_box()
        assert box is not None and 0 <= box["y"] < 900  # scrolled into view
        # pyramid, audience segments, share of voice; share of negative over time
        page.wait_for_selector("#roles .js-plotly-plot", timeout=15_000)
        assert page.locator("#roles .js-plotly-plot").count() == 3
        assert page.locator("#reputation .js-plotly-plot").count() == 1
        assert errors == []
        browser.close()
