"""The HTML report, read as text: the right numbers, in the right language, self-contained.

Expected values are computed here with SQL on the workspace (or from the Python standard
library's formatting), never by the report's own code.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from liens.errors import LiensError
from liens.report import write_report
from liens.report.glossary import GLOSSARY

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "liens" / "report" / "i18n"
SE_CSV = ROOT / "tests" / "fixtures" / "canonical" / "stackexchange_comments.csv"
NNBSP = "\u202f"
FR_MONTHS = [
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
]


def en_number(n: int) -> str:
    return f"{n:,}"


def fr_number(n: int) -> str:
    return f"{n:,}".replace(",", NNBSP)


def en_date(d: datetime) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def fr_date(d: datetime) -> str:
    return f"{'1er' if d.day == 1 else d.day} {FR_MONTHS[d.month - 1]} {d.year}"


@pytest.fixture(scope="module")
def con(demo_workspace: Path) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(str(demo_workspace), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def reports(con, tmp_path_factory) -> dict[str, tuple[str, float]]:
    """Both languages rendered once: HTML text and seconds taken."""
    out = {}
    for lang in ("en", "fr"):
        start = time.perf_counter()
        path = write_report(con, tmp_path_factory.mktemp(lang), lang=lang)
        out[lang] = (path.read_text(encoding="utf-8"), time.perf_counter() - start)
    return out


def visible(page: str) -> str:
    """The page's text as a reader sees it: no style, script or tags, entities decoded."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def chart_json(page: str, chart_id: str) -> dict:
    m = re.search(rf'<script type="application/json" data-chart="{chart_id}">(.*?)</script>', page)
    assert m, f"{chart_id} not embedded"
    return json.loads(m.group(1))


# -- numbers ----------------------------------------------------------------------------------


def test_english_report_states_event_count_and_period_from_the_workspace(con, reports):
    page, _ = reports["en"]
    n, first, last = con.execute(
        "SELECT count(*), min(created_at), max(created_at) FROM events"
    ).fetchone()
    assert n == 29186  # the demo's documented figure, so a silent import change shows here
    lede = f"{en_number(n)} interactions recorded from {en_date(first)} to {en_date(last)}"
    assert lede in page
    assert "<title>beer.stackexchange.com — community report</title>" in page


def test_french_report_formats_numbers_and_dates_the_french_way(con, reports):
    page, _ = reports["fr"]
    n, accounts, first, last = con.execute(
        "SELECT count(*), (SELECT count(*) FROM accounts), min(created_at), max(created_at) "
        "FROM events"
    ).fetchone()
    assert f"{fr_number(n)} interactions enregistrées du {fr_date(first)} au {fr_date(last)}" in (
        page
    )
    assert f">{fr_number(accounts)}<" in page
    assert en_number(n) not in page  # no English thousands separator slipped through


def test_events_by_kind_table_has_each_kind_count_and_share(con, reports):
    page, _ = reports["en"]
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    for kind, n in con.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall():
        assert f'<td class="num">{en_number(n)}</td>' in page, kind
        assert f'<td class="num">{100 * n / total:.1f}%</td>' in page, kind


def test_import_log_shows_read_accepted_duplicate_quarantined(con, reports):
    page, _ = reports["en"]
    read, accepted, duplicate, quarantined = con.execute(
        "SELECT read, accepted, duplicate, quarantined FROM imports"
    ).fetchone()
    row = "".join(f'<td class="num">{en_number(v)}</td>' for v in (read, accepted, duplicate))
    assert row + f'<td class="num">{en_number(quarantined)}</td>' in re.sub(r"\s+<", "<", page)


def test_most_active_member_heads_the_member_table(con, reports):
    page, _ = reports["en"]
    actor, made = con.execute(
        """SELECT actor, count(*) AS n FROM events WHERE actor IS NOT NULL
           GROUP BY actor ORDER BY n DESC LIMIT 1"""
    ).fetchone()
    handle = con.execute("SELECT handle FROM accounts WHERE account_id = ?", [actor]).fetchone()[0]
    table = page[page.index('<table class="data members">') :]
    first_row = table[table.index("<tbody>") : table.index("</tr>", table.index("<tbody>"))]
    assert f'title="{actor}">{html.escape(handle)}</td>' in first_row
    assert f'<td class="num">{en_number(made)}</td>' in first_row


def test_volume_chart_stacks_one_trace_per_kind_and_sums_to_all_events(con, reports):
    page, _ = reports["en"]
    fig = chart_json(page, "chart-1")
    kinds = con.execute("SELECT count(DISTINCT kind), count(*) FROM events").fetchone()
    assert len(fig["data"]) == kinds[0]
    assert fig["layout"]["barmode"] == "stack"
    assert sum(sum(t["y"]) for t in fig["data"]) == kinds[1]


def test_heatmap_counts_only_events_with_a_time_of_day(con, reports):
    page, _ = reports["en"]
    fig = chart_json(page, "chart-2")
    z = fig["data"][0]["z"]
    assert (len(z), len(z[0])) == (7, 24)
    timed = con.execute(
        "SELECT count(*) FROM events "
        "WHERE coalesce(json_extract_string(extra, '$.time_precision'), '') <> 'day'"
    ).fetchone()[0]
    assert sum(map(sum, z)) == timed
    # Tuesday 21:00 UTC, counted directly
    tue21 = con.execute(
        "SELECT count(*) FROM events WHERE isodow(created_at) = 2 AND hour(created_at) = 21"
    ).fetchone()[0]
    assert z[1][21] == tue21
    assert "18,564 events dated only to the day" in page


# -- words, explanations, credits ------------------------------------------------------------


def test_each_language_uses_its_own_words(reports):
    assert '<html lang="en">' in reports["en"][0] and '<html lang="fr">' in reports["fr"][0]
    en, fr = visible(reports["en"][0]), visible(reports["fr"][0])
    for word in ("Overview", "How to read this", "Most active members", "Glossary"):
        assert word in en and word not in fr
    for word in ("Vue d’ensemble", "Comment lire", "Membres les plus actifs", "Glossaire"):
        assert word in fr and word not in en


def test_metric_columns_carry_their_glossary_definition_as_tooltip(reports):
    for lang in ("en", "fr"):
        page = reports[lang][0]
        for column in ("events_out", "events_in", "active_days", "read", "quarantined"):
            assert f'title="{html.escape(GLOSSARY[column][lang])}"' in page, (lang, column)


def test_every_chart_and_table_has_a_how_to_read_line(reports):
    page = reports["en"][0]
    explained = page.count('<p class="how">')
    assert explained >= page.count('<figure class="chart"') + page.count('<table class="data')


def test_stack_exchange_data_is_credited_with_its_licences(reports):
    page = reports["en"][0]
    assert 'Data: <a href="https://beer.stackexchange.com/">beer.stackexchange.com</a>' in page
    assert "Stack Exchange Inc. and contributors" in page
    for url in (
        "https://creativecommons.org/licenses/by-sa/3.0/",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ):
        assert f'href="{url}"' in page
    assert "Stack Exchange Inc. et contributeurs" in reports["fr"][0]


# -- the file itself --------------------------------------------------------------------------


def test_report_is_self_contained(reports):
    for page, _ in reports.values():
        assert not re.search(r"<script[^>]*\ssrc=", page)
        assert not re.search(r"<link[^>]*\shref=", page)
        assert not re.search(r"@import|url\(\s*['\"]?https?:", page)
        assert "plotly.js v" in page  # the library itself is inlined


def test_demo_report_renders_in_a_few_seconds(reports):
    for lang, (_, seconds) in reports.items():
        assert seconds < 10, f"{lang} report took {seconds:.1f} s"


def test_unknown_language_is_refused_naming_the_option(con, tmp_path):
    with pytest.raises(LiensError, match="--lang") as err:
        write_report(con, tmp_path, lang="de")
    assert err.value.field == "--lang"
    assert not (tmp_path / "index.html").exists()


def test_title_overrides_the_community_name(con, tmp_path):
    page = write_report(con, tmp_path, lang="en", title="Brasseurs & co").read_text()
    assert "<h1>Brasseurs &amp; co</h1>" in page


# -- workspaces with less in them -------------------------------------------------------------


@pytest.fixture(scope="module")
def small_workspace(tmp_path_factory) -> Path:
    """Twenty real comments and two with broken dates, imported but never analysed."""
    from liens.sources import ReadOptions, detect_reader
    from liens.store import import_chunks, open_workspace

    folder = tmp_path_factory.mktemp("small")
    with SE_CSV.open(newline="") as fh:
        rows = list(csv.DictReader(fh))[:20]
    rows.insert(5, {**rows[0], "event_id": "bad-1", "created_at": "yesterday at noon"})
    rows.insert(9, {**rows[1], "event_id": "bad-2", "created_at": "sometime"})
    src = folder / "comments.csv"
    with src.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    path = folder / "small.duckdb"
    c = open_workspace(path)
    reader, options = detect_reader(src), ReadOptions()
    import_chunks(c, src, reader.read(src, options), fmt=reader.name, options=options)
    c.close()
    return path


def test_sections_whose_analysis_did_not_run_are_listed_as_not_computed(small_workspace, tmp_path):
    c = duckdb.connect(str(small_workspace), read_only=True)
    page = write_report(c, tmp_path, lang="en").read_text()
    c.close()
    assert 'id="not-computed"' in page
    assert "Activity (analysis “activity”)" in page
    assert 'id="activity"' not in page and "data-chart=" not in page
    assert 'id="overview"' in page and 'id="glossary"' in page


def test_quarantined_records_are_shown_by_reason_with_their_line(small_workspace, tmp_path):
    c = duckdb.connect(str(small_workspace), read_only=True)
    reasons = c.execute("SELECT reason, count(*) FROM quarantine GROUP BY ALL").fetchall()
    records = c.execute("SELECT record FROM quarantine ORDER BY record").fetchall()
    page = write_report(c, tmp_path, lang="fr").read_text()
    c.close()
    assert sum(n for _, n in reasons) == 2
    assert "2 enregistrements n’ont pas pu être lus" in page
    text = visible(page)
    for reason, _ in reasons:
        assert reason in text
    for (record,) in records:  # the CSV reader knows the record, not the physical line
        assert f"enregistrement n°\u00a0{record}" in text
    assert "bad-1" in text and "bad-2" in text  # the raw records are shown


def test_demo_workspace_without_activity_tables_leaves_out_only_activity(demo_workspace, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_workspace, copy)
    c = duckdb.connect(str(copy))
    c.execute("DROP TABLE activity_hourly")
    page = write_report(c, tmp_path / "out", lang="fr").read_text()
    c.close()
    assert "Activité (analyse «\u00a0activity\u00a0»)" in page
    assert 'id="quality"' in page


# -- catalogues -------------------------------------------------------------------------------


def test_catalogues_have_the_same_keys_and_placeholders():
    en = json.loads((I18N / "en.json").read_text(encoding="utf-8"))
    fr = json.loads((I18N / "fr.json").read_text(encoding="utf-8"))
    assert en.keys() == fr.keys()
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", fr[key])), key


def test_french_catalogue_follows_french_typography():
    fr = json.loads((I18N / "fr.json").read_text(encoding="utf-8"))
    for key, text in fr.items():
        assert not re.search(r" [:;!?»]", text), key  # ordinary space before high punctuation
        assert "« " not in text and "'" not in text, key  # no-break space, typographic apostrophe
