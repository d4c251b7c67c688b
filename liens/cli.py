"""The ``liens`` command: a thin layer over :class:`liens.api.Workspace`.

Every command takes ``-w/--workspace`` (or ``$LIENS_WORKSPACE``, default ``./liens.duckdb``);
commands whose output is data take ``--json``. User mistakes print one line on stderr and exit
non-zero (1 bad option or input, 2 unreadable file, 3 workspace problem); they never print a
traceback.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from liens import __version__
from liens.errors import LiensError
from liens.sources.mapping import parse_pairs

app = typer.Typer(
    name="liens",
    help="From a community's interaction records to answers: ties, prescripteurs, stages, "
    "engagement, timing, reputation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console()
err = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="LIENS_WORKSPACE",
        help="Workspace file (a DuckDB database). Default: ./liens.duckdb.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _workspace(path: Path | None, *, read_only: bool = False):
    from liens.api import Workspace

    return Workspace(path, read_only=read_only)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _version(value: bool) -> None:
    if value:
        out.print(f"liens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """liens: who is tied to whom, who prescribes, what works, when to publish."""


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
    with _workspace(workspace) as ws:
        for f in files:
            try:
                with _progress(as_json) as progress:
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
        _print_json(results)
    else:
        _import_table(results)
    if failed:
        raise typer.Exit(2)


def _progress(quiet: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} records"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )


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
    with _workspace(workspace, read_only=True) as ws:
        s = ws.status()
    if as_json:
        _print_json(s)
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
    with _workspace(workspace, read_only=True) as ws:
        df = ws.quarantine(limit or None)
    if as_json:
        _print_json(df.to_dict(orient="records"))
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
def analyze(
    workspace: WorkspaceOpt = None,
    start: Annotated[str | None, typer.Option(help="Window start (UTC, ISO date).")] = None,
    end: Annotated[str | None, typer.Option(help="Window end, exclusive (UTC, ISO date).")] = None,
    layers: Annotated[
        str | None, typer.Option(help="Interaction kinds to build ties from, e.g. reply,mention.")
    ] = None,
    only: Annotated[str | None, typer.Option(help="Run only these analyses (comma list).")] = None,
    seed: Annotated[int, typer.Option(help="Seed for randomised steps.")] = 42,
    as_json: JsonOpt = False,
) -> None:
    """Run every analysis and store its result tables in the workspace."""
    started = time.time()
    with _workspace(workspace) as ws, _progress(as_json) as progress:
        task = progress.add_task("analysis", total=None, rows=0)
        written = ws.analyze(
            start=start,
            end=end,
            layers=[x.strip() for x in layers.split(",")] if layers else None,
            only=[x.strip() for x in only.split(",")] if only else None,
            seed=seed,
            on_step=lambda name, _d: progress.update(task, description=name),
        )
    if as_json:
        _print_json({"tables": written, "seconds": round(time.time() - started, 3)})
        return
    table = Table(title="Analysis tables", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in written.items():
        table.add_row(name, f"{n:,}")
    out.print(table)
    out.print(f"Done in {time.time() - started:.1f} s.")


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
    with _workspace(workspace, read_only=True) as ws:
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
    with _workspace(workspace, read_only=True) as ws:
        path = ws.report(out_dir, lang=lang, title=title)
    out.print(f"Report: [bold]{path}[/bold]")


@app.command()
def path(
    a: Annotated[str, typer.Argument(help="An account id or handle.")],
    b: Annotated[str, typer.Argument(help="The account to reach (the prospect).")],
    workspace: WorkspaceOpt = None,
    platform: Annotated[str | None, typer.Option("--platform", "-p")] = None,
    as_json: JsonOpt = False,
) -> None:
    """How am I connected to this prospect? Shortest and strongest paths, mutual contacts.

    The strongest path maximises the product of tie strengths along it (shortest path on
    -log strength); strength and distance are never mixed.
    """
    with _workspace(workspace, read_only=True) as ws:
        res = ws.connection(a, b, platform)
        ids = {x for p in res["shortest"] for x in p} | set(res["strongest"] or [])
        ids |= set(res["mutual"]["account"]) if len(res["mutual"]) else set()
        names = ws.handles(sorted(ids))
    mutual = res["mutual"]
    if as_json:
        _print_json({**res, "mutual": mutual.to_dict(orient="records")})
        return
    if res["hops"] is None:
        out.print(f"No path between {a} and {b} in the tie graph.")
        return
    out.print(f"[bold]{a}[/bold] → [bold]{b}[/bold]: {res['hops']} step(s)")
    for p in res["shortest"]:
        out.print("  shortest: " + " → ".join(names.get(x, x) for x in p))
    if res["strongest"]:
        out.print(
            "  strongest: "
            + " → ".join(names.get(x, x) for x in res["strongest"])
            + f"  (product of strengths {res['strongest_product']:.3f})"
        )
    if len(mutual):
        table = Table(title="Mutual contacts", title_justify="left")
        for col in mutual.columns:
            table.add_column(str(col))
        for row in mutual.head(20).itertuples(index=False):
            cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
            cells[0] = names.get(cells[0], cells[0])
            table.add_row(*cells)
        out.print(table)


@app.command()
def tables(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the workspace's tables with their row counts."""
    with _workspace(workspace, read_only=True) as ws:
        rows = {t: ws.con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ws.tables()}
    if as_json:
        _print_json(rows)
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
        _print_json(rows)
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
        with _progress(False) as progress:
            task = progress.add_task("importing the demo community", total=None, rows=0)
            res = ws.import_file(DEMO_DIR, on_progress=lambda n: progress.update(task, rows=n))
        _import_table([res.as_dict()])
        with _progress(False) as progress:
            task = progress.add_task("analysis", total=None, rows=0)
            written = ws.analyze(on_step=lambda name, _d: progress.update(task, description=name))
        out.print(f"Analysis: {len(written)} tables ({', '.join(written)}).")
        path = ws.report(out_dir / "report", lang=lang)
    out.print(f"Workspace: [bold]{ws_path}[/bold]")
    out.print(f"Report:    [bold]{path}[/bold]  (open it in a browser)")


@app.command()
def post(
    post_id: Annotated[str, typer.Argument(help="The post's id (posts.post_id).")],
    workspace: WorkspaceOpt = None,
    now: Annotated[
        str | None, typer.Option(help="Time of the check (UTC); default the last event.")
    ] = None,
    reference_hours: Annotated[
        float, typer.Option(help="Horizon taken as the final count, in hours.")
    ] = 168.0,
    as_json: JsonOpt = False,
) -> None:
    """Is this post on track? Interactions so far against past posts at the same age.

    Example: [bold]liens post beer.stackexchange.com/p/5034 --now 2016-05-26T15:39[/bold]
    """
    from liens.analysis.forecast import post_status

    with _workspace(workspace, read_only=True) as ws:
        try:
            st = post_status(ws.con, post_id, now=now, reference_hours=reference_hours)
        except KeyError:
            raise LiensError(f"no post {post_id!r} in this workspace (see table posts)") from None
    if as_json:
        _print_json(st)
        return
    out.print(
        f"[bold]{st['post_id']}[/bold] by {st['author']}, {st['age_hours']:.1f} h old: "
        f"{st['observed']} interactions; past posts had {st['expected']:g} (median) at that "
        f"age, this one is at the {100 * st['percentile']:.0f}th percentile: "
        f"[bold]{st['verdict']}[/bold]."
        if st["history"]
        else f"{st['post_id']}: {st['observed']} interactions; no past post to compare with."
    )
    if st["verdict"] not in ("complete", "no history"):
        out.print(
            f"Forecast at {st['reference_hours']:g} h: {st['forecast_final']:.0f} "
            f"(80% interval {st['forecast_low']:.0f}-{st['forecast_high']:.0f}; "
            f"{st['history']} past posts)."
        )


@app.command()
def campaign(
    file: Annotated[
        Path | None, typer.Argument(help="Campaign file (TOML [[campaign]] or JSON list).")
    ] = None,
    workspace: WorkspaceOpt = None,
    name: Annotated[str, typer.Option(help="Campaign name (without a file).")] = "campaign",
    hashtag: Annotated[
        list[str] | None, typer.Option("--hashtag", "-t", help="Hashtag or tag (repeatable).")
    ] = None,
    account: Annotated[
        list[str] | None, typer.Option("--account", "-a", help="Author (repeatable).")
    ] = None,
    start: Annotated[str | None, typer.Option(help="From (UTC, inclusive).")] = None,
    end: Annotated[str | None, typer.Option(help="To (UTC, exclusive).")] = None,
    investment: Annotated[float | None, typer.Option(help="Money invested.")] = None,
    revenue: Annotated[float | None, typer.Option(help="Money earned (the return).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """ROI = (return - investment) / investment and ROE (interactions per post) of campaigns.

    Example: [bold]liens campaign -t "#soldes" --start 2024-06-01 --investment 5000
    --revenue 10000[/bold] (ROI 1.0 = 100 %).
    """
    from liens.analysis.campaigns import campaign_results, load_campaigns

    try:
        if file is not None:
            campaigns = load_campaigns(file)
        else:
            campaigns = load_campaigns(
                [
                    {
                        "name": name,
                        "hashtags": hashtag or [],
                        "accounts": account or [],
                        "start": start,
                        "end": end,
                        "investment": investment,
                        "revenue": revenue,
                    }
                ]
            )
    except (OSError, ValueError) as exc:
        raise LiensError(f"campaign: {exc}") from None
    with _workspace(workspace, read_only=True) as ws:
        res = campaign_results(ws.con, campaigns)
    rows = res.to_dict(orient="records")
    if as_json:
        _print_json(rows)
        return
    table = Table(title="Campaigns", title_justify="left")
    for col in ("campaign", "publications", "interactions", "roe", "investment", "revenue", "roi"):
        table.add_column(col, justify="left" if col == "campaign" else "right")
    for r in rows:
        table.add_row(
            str(r["campaign"]),
            f"{r['publications']:,}",
            f"{r['interactions']:,.0f}",
            f"{r['roe']:.2f}",
            f"{r['investment']:,.2f}",
            f"{r['revenue']:,.2f}",
            f"{r['roi']:.0%}" if r["roi"] == r["roi"] else "n/a",
        )
    out.print(table)


@app.command()
def member(
    name: Annotated[str, typer.Argument(help="Account id or handle.")],
    workspace: WorkspaceOpt = None,
    weeks: Annotated[int, typer.Option("--weeks", help="Horizon of the plan, in weeks.")] = 12,
    start: Annotated[str | None, typer.Option(help="Window start (UTC, ISO date).")] = None,
    end: Annotated[str | None, typer.Option(help="Window end, exclusive (UTC, ISO date).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A member's stage of presence, the evidence, what is missing for the next stage, a plan.

    Examples:

      liens member "Ken Graham"

      liens member beer.stackexchange.com/u/6111 --weeks 8 --json
    """
    from liens.analysis import AnalysisParams
    from liens.analysis.stages import member_plan

    with _workspace(workspace, read_only=True) as ws:
        res = member_plan(ws.con, name, AnalysisParams(start=start, end=end), horizon_weeks=weeks)
    if as_json:
        _print_json(res)
        return
    flag = " (influencer)" if res["influencer"] else ""
    out.print(f"[bold]{res['handle'] or res['account']}[/bold] ({res['account']})")
    out.print(f"Stage: [bold]{res['stage']}[/bold]{flag}")
    out.print(f"Evidence: {res['evidence']}", highlight=False)
    if res["gaps"]:
        table = Table(title=f"To reach {res['next_stage']}", title_justify="left", show_lines=False)
        for col in ("criterion", "needed", "now", ""):
            table.add_column(col, justify="left" if col == "criterion" else "right")
        for g in res["gaps"]:
            fmt = (lambda v: f"{v:.2f}") if isinstance(g["threshold"], float) else str
            table.add_row(
                g["criterion"], fmt(g["threshold"]), fmt(g["value"]),
                "[green]met[/green]" if g["met"] else "[yellow]missing[/yellow]",
            )  # fmt: skip
        out.print(table)
    out.print(f"Plan over {res['horizon_weeks']} weeks:")
    for step in res["plan"]:
        out.print(f"  - {step}", highlight=False)


@app.command()
def owned(
    accounts: Annotated[list[str], typer.Argument(help="Account ids or handles.")],
    workspace: WorkspaceOpt = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Unmark them instead (no longer the brand's).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Mark accounts as the brand's own: posture, advocates and share of voice follow them.

    Examples:

      liens owned @mybrand @mybrand_help

      liens owned @mybrand --remove
    """
    with _workspace(workspace) as ws:
        changed = ws.set_owned(list(accounts), owned=not remove)
        now = ws.sql("SELECT account_id, handle FROM accounts WHERE owned ORDER BY 1")
    if as_json:
        _print_json({"changed": changed, "owned": now.to_dict(orient="records")})
        return
    out.print(f"{changed} account(s) {'unmarked' if remove else 'marked'} as owned.")
    names = ", ".join((h or a) for a, h in zip(now["account_id"], now["handle"], strict=True))
    out.print(f"Owned now: {names or 'none'}. Run [bold]liens analyze[/bold] to update.")


def main() -> None:
    """Entry point: user mistakes become one line on stderr and a non-zero exit code.

    Usage errors (unknown option, missing argument) are Click's: exit code 2 with the usage.
    """
    try:
        app()
    except LiensError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted: the file being imported was not written")
        sys.exit(130)


if __name__ == "__main__":
    main()
