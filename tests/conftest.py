"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "liens" / "demo" / "beer_stackexchange"


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB workspace file holding the bundled demo, imported and analysed once per session.

    The connection is closed before returning: open the file (read-only if you only read).
    """
    from liens.analysis import run_analyses
    from liens.sources import ReadOptions, detect_reader
    from liens.store import import_chunks, open_workspace

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = open_workspace(path)
    try:
        reader = detect_reader(DEMO)
        options = ReadOptions()
        import_chunks(con, DEMO, reader.read(DEMO, options), fmt=reader.name, options=options)
        run_analyses(con)
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def fuzz_ws(tmp_path_factory: pytest.TempPathFactory):
    """One workspace for every fuzz example of a module: opening a DuckDB file costs more than
    an import."""
    from liens.api import Workspace

    with Workspace(tmp_path_factory.mktemp("fuzz") / "w.duckdb") as w:
        yield w


@pytest.fixture(scope="session")
def demo_con(demo_workspace: Path):
    """A read-only connection to the analysed demo workspace."""
    import duckdb

    con = duckdb.connect(str(demo_workspace), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_pages(demo_con) -> dict[str, str]:
    """The demo's report rendered once in each language."""
    from liens.report import render_html

    return {lang: render_html(demo_con, lang=lang) for lang in ("en", "fr")}


@pytest.fixture
def ws(tmp_path: Path):
    """A new, empty workspace for one test."""
    from liens.api import Workspace

    with Workspace(tmp_path / "w.duckdb") as w:
        yield w
