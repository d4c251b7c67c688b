"""Commands that fill and read the workspace: import, status, quarantine, tables, formats,
export, report and the bundled demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from liens.commands.common import (
    JsonOpt,
    WorkspaceOpt,
    app,
    err,
    open_workspace,
    out,
    print_json,
    progress_bar,
)
from liens.errors import LiensError
from liens.sources.mapping import parse_pairs


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Files or dump folders to import.")],
    workspace: WorkspaceOpt = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Reader to use (default: detected).")
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", "-p", help="Platform name for the events.")
    ] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="Time zone of naive timestamps (default UTC).")
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", "-m", help="CANONICAL=COLUMN, e.g. actor=userA (repeatable)."),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="VALUE=KIND for the kind column, e.g. RT=share."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="CANONICAL=VALUE for every row, e.g. kind=message."),
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", "-d", help="Field separator ('\\t' for tab).")
    ] = None,
    no_header: Annotated[
        bool, typer.Option("--no-header", help="The first line is data, not column names.")
    ] = False,
    names: Annotated[
        str | None, typer.Option("--names", help="Column names, comma-separated.")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="TOML mapping file (see docs).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import interaction records: nothing twice, nothing lost.

    Each file is one transaction. Records that cannot be imported go to quarantine with the
    reason (see [bold]liens quarantine[/bold]).

    Examples:

      liens import export.csv --platform twitter

      liens import higgs-activity_time.txt.gz -p twitter -d " " --no-header
        --names a,b,ts,type --map actor=a --map target=b --map created_at=ts --map kind=type
    """
    columns = parse_pairs(map_, "--map")
    kinds = parse_pairs(kind, "--kind")
    constants = parse_pairs(set_, "--set")
    name_list = [n.strip() for n in names.split(",")] if names else None
    results, failed = [], 0
    with open_workspace(workspace) as ws:
        for f in files:
            try:
                with progress_bar(as_json) as progress:
                    task = progress.add_task(f"{f.name}", total=None, rows=0)
                    res = ws.import_file(
                        f,
                        format=format,
                        platform=platform,
                        tz=tz,
                        columns=columns,
                        kinds=kinds,
                        constants=constants,
                        delimiter=delimiter,
                        header=False if no_header else None,
                        names=name_list,
                        mapping_file=mapping,
                        on_progress=lambda n, t=task: progress.update(t, rows=n),
                    )
                results.append(res.as_dict())
            except LiensError as exc:
                failed += 1
                err.print(f"[red]error[/red] {exc}", highlight=False)
                results.append({"path": str(f), "error": str(exc)})
    if as_json:
        print_json(results)
    else:
        _import_table(results)
    if failed:
        raise typer.Exit(2)


def _import_table(results: list[dict]) -> None:
    table = Table(title="Import", title_justify="left")
    for col in ("file", "format", "read", "accepted", "duplicate", "quarantined", "rate"):
        table.add_column(col, justify="left" if col in ("file", "format") else "right")
    for r in results:
        if "error" in r:
            table.add_row(Path(r["path"]).name, "[red]failed[/red]", "", "", "", "", "")
            continue
        rate = f"{r['read'] / r['seconds']:,.0f}/s" if r["seconds"] else ""
        table.add_row(
            Path(r["path"]).name,
            r["format"],
            f"{r['read']:,}",
            f"{r['accepted']:,}",
            f"{r['duplicate']:,}",
            f"[yellow]{r['quarantined']:,}[/yellow]" if r["quarantined"] else "0",
            rate,
        )
    out.print(table)
    if any(r.get("quarantined") for r in results):
        out.print("Quarantined records: [bold]liens quarantine[/bold] shows why.")


@app.command()
def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """What the workspace holds: events by kind and platform, accounts, posts, time range."""
    with open_workspace(workspace, read_only=True) as ws:
        s = ws.status()
    if as_json:
        print_json(s)
        return
    table = Table(title=f"Workspace {s['workspace']}", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for key in ("events", "accounts", "posts", "quarantined", "imports"):
        table.add_row(key, f"{s[key]:,}")
    table.add_row("first", s["first"] or "-")
    table.add_row("last", s["last"] or "-")
    for k, n in s["by_kind"].items():
        table.add_row(f"  kind {k}", f"{n:,}")
    for k, n in s["by_platform"].items():
        table.add_row(f"  platform {k}", f"{n:,}")
    out.print(table)


@app.command()
def quarantine(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Rows to show (0 = all).")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Records set aside at import: file, record, line, field, reason and raw content."""
    with open_workspace(workspace, read_only=True) as ws:
        df = ws.quarantine(limit or None)
    if as_json:
        print_json(df.to_dict(orient="records"))
        return
    if df.empty:
        out.print("Nothing in quarantine.")
        return
    table = Table(title=f"Quarantine ({len(df)} shown)", title_justify="left")
    for col in ("file", "record", "line", "field", "reason", "raw"):
        table.add_column(col, overflow="fold")
    for r in df.itertuples():
        table.add_row(
            Path(r.source_file).name,
            "" if r.record is None or r.record != r.record else str(int(r.record)),
            "" if r.line is None or r.line != r.line else str(int(r.line)),
            r.field or "",
            r.reason,
            (r.raw or "")[:120],
        )
    out.print(table)


@app.command()
def tables(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the workspace's tables with their row counts."""
    with open_workspace(workspace, read_only=True) as ws:
        rows = {t: ws.con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ws.tables()}
    if as_json:
        print_json(rows)
        return
    table = Table(title="Tables", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for t, n in rows.items():
        table.add_row(t, f"{n:,}")
    out.print(table)


@app.command()
def formats(as_json: JsonOpt = False) -> None:
    """List the file formats liens reads."""
    from liens.sources import READERS

    rows = [{"format": r.name, "description": r.description} for r in READERS]
    if as_json:
        print_json(rows)
        return
    table = Table(title="Formats (detected from content; --format overrides)", title_justify="left")
    table.add_column("format")
    table.add_column("description")
    for r in rows:
        table.add_row(r["format"], r["description"])
    out.print(table)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo.")] = Path(
        "liens-demo"
    ),
    lang: Annotated[str, typer.Option("--lang", "-l", help="fr or en.")] = "en",
) -> None:
    """Import the bundled beer.stackexchange.com community, analyse it and write the report.

    Works offline. The data is CC BY-SA (Stack Exchange Inc. and its contributors).
    """
    from liens.api import Workspace
    from liens.sources.stackexchange import DEMO_DIR

    out_dir.mkdir(parents=True, exist_ok=True)
    ws_path = out_dir / "demo.duckdb"
    with Workspace(ws_path) as ws:
        with progress_bar(False) as progress:
            task = progress.add_task("importing the demo community", total=None, rows=0)
            res = ws.import_file(DEMO_DIR, on_progress=lambda n: progress.update(task, rows=n))
        _import_table([res.as_dict()])
        with progress_bar(False) as progress:
            task = progress.add_task("analysis", total=None, rows=0)
            written = ws.analyze(on_step=lambda name, _d: progress.update(task, description=name))
        out.print(f"Analysis: {len(written)} tables ({', '.join(written)}).")
        path = ws.report(out_dir / "report", lang=lang)
    out.print(f"Workspace: [bold]{ws_path}[/bold]")
    out.print(f"Report:    [bold]{path}[/bold]  (open it in a browser)")


@app.command()
def export(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")],
    workspace: WorkspaceOpt = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="parquet, csv, gexf or graphml.")
    ] = "parquet",
    layers: Annotated[
        str | None, typer.Option(help="gexf/graphml: interaction kinds to draw ties from.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="gexf/graphml: window start (UTC).")] = None,
    end: Annotated[str | None, typer.Option(help="gexf/graphml: window end (UTC).")] = None,
) -> None:
    """Write the workspace: every table as Parquet or CSV, or the tie graph for Gephi.

    Examples:

      liens export --format parquet --out tables/

      liens export --format gexf --out gephi/ --layers reply,comment
    """
    from liens.analysis import AnalysisParams

    params = AnalysisParams(
        start=start, end=end, layers=[x.strip() for x in layers.split(",")] if layers else None
    )
    with open_workspace(workspace, read_only=True) as ws:
        paths = ws.export(out_dir, format, params)
    for p in paths:
        out.print(str(p))


@app.command()
def report(
    workspace: WorkspaceOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for index.html.")] = Path(
        "report"
    ),
    lang: Annotated[str, typer.Option("--lang", "-l", help="fr or en.")] = "en",
    title: Annotated[str | None, typer.Option(help="Title shown on the report.")] = None,
) -> None:
    """Write the self-contained HTML report (opens offline)."""
    with open_workspace(workspace, read_only=True) as ws:
        path = ws.report(out_dir, lang=lang, title=title)
    out.print(f"Report: [bold]{path}[/bold]")
