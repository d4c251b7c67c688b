"""The crisis playbook: the bundled one is complete in French and English; mistakes are located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liens.cli import app
from liens.errors import LiensError
from liens.playbook import DEFAULT_PLAYBOOK, load_playbook

FIXTURES = Path(__file__).parent / "fixtures" / "crisis"
MAPPING = Path(__file__).parents[1] / "docs" / "examples" / "higgs.toml"


def test_the_default_playbook_follows_the_protocol_in_both_languages():
    book = load_playbook(DEFAULT_PLAYBOOK)
    for lang in ("fr", "en"):
        loc = book.localised(lang)
        assert [s["id"] for s in loc["steps"]] == ["prepare", "surround", "top"]
        ids = [r["id"] for r in loc["responses"]]
        for step in ("acknowledge", "apologise", "private", "transparent", "follow_up"):
            assert step in ids
        assert all(r["text"] for r in loc["responses"])
        assert loc["escalation"][0]["after_minutes"] == 0
    assert book.localised("fr")["steps"][0]["title"] == "Être préparé"


def _write(tmp_path, text):
    p = tmp_path / "crisis.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_person_without_a_name_is_reported_with_file_line_and_field(tmp_path):
    p = _write(
        tmp_path,
        "name: Hotel\nroles:\n  - id: cm\n    title: CM\n    people:\n      - phone: '123'\n"
        "responses:\n  - {id: ack, text: Hello}\n",
    )
    with pytest.raises(LiensError) as exc:
        load_playbook(p)
    assert (exc.value.line, exc.value.field) == (6, "roles[0].people[0]")
    assert str(exc.value).startswith(f"{p}:6 [roles[0].people[0]]")


def test_calling_an_unknown_role_names_the_known_ones(tmp_path):
    p = _write(
        tmp_path,
        "name: Hotel\nroles:\n  - {id: cm, title: CM, people: [{name: Ana}]}\n"
        "escalation:\n  - {after_minutes: 10, call: [boss]}\nresponses:\n  - {id: a, text: b}\n",
    )
    with pytest.raises(LiensError, match="no role 'boss'; roles: cm") as exc:
        load_playbook(p)
    assert exc.value.line == 5


def test_a_missing_language_and_broken_yaml_are_located(tmp_path):
    p = _write(
        tmp_path,
        "name: H\nroles:\n  - {id: cm, title: CM, people: [{name: Ana}]}\nresponses:\n"
        "  - id: ack\n    text: {fr: Bonjour}\n",
    )
    with pytest.raises(LiensError, match="missing language") as exc:
        load_playbook(p)
    assert (exc.value.line, exc.value.field) == (6, "responses[0].text")
    bad = _write(tmp_path, "name: H\nroles: [\n")
    with pytest.raises(LiensError, match="not valid YAML") as exc:
        load_playbook(bad)
    assert exc.value.line == 3


def test_a_drill_prints_the_alarms_a_live_watch_would_have_raised(tmp_path):
    r = CliRunner().invoke(
        app,
        ["drill", "--replay", str(FIXTURES / "higgs-target-3998.txt.gz"), "--mapping",
         str(MAPPING), "--owned", "3998", "--speed", "0", "--detectors", "ewma", "--json"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    fired = json.loads(r.stdout[r.stdout.index("[") :])
    assert [f["alarm_id"] for f in fired] == ["mentions-ewma-20120703T1900"]
    assert fired[0]["clock"] == "2012-07-03T19:00:00"
