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


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 32nd, ..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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
        who = st["author"]
        author = ws.handles([who]).get(who, who) if who else "an unknown author"
    if as_json:
        _print_json(st)
        return
    out.print(
        f"[bold]{st['post_id']}[/bold] by {author}, {st['age_hours']:.1f} h old: "
        f"{st['observed']} interactions; past posts had {st['expected']:g} (median) at that "
        f"age, this one is at the {_ordinal(round(100 * st['percentile']))} percentile: "
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


@app.command()
def tone(
    file: Annotated[Path, typer.Argument(help="A CSV file with a text column.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
) -> None:
    """Add lang, tone_label and tone_score to every row of a CSV file (French and English).

    Example:

      liens tone reviews.csv --text-column comment --out reviews-tone.csv
    """
    import pandas as pd

    from liens.analysis.tone import score_table

    try:
        df = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise LiensError(f"cannot read the CSV file: {exc}", path=file) from exc
    scored = score_table(df, text_column)
    tmp = out_file.with_name(out_file.name + ".part")
    scored.to_csv(tmp, index=False)
    tmp.replace(out_file)  # never a half-written output
    counts = scored["tone_label"].value_counts(dropna=False).to_dict()
    out.print(
        f"{len(scored):,} rows scored → {out_file}: "
        + ", ".join(f"{k if isinstance(k, str) else 'unknown'} {v:,}" for k, v in counts.items())
    )


def _crisis_options(
    detectors: str | None, stream: str, min_count: int, owned: list[str] | None
) -> dict[str, Any]:
    opts: dict[str, Any] = {"crisis_stream": stream, "min_count": min_count}
    if detectors:
        opts["detectors"] = [d.strip() for d in detectors.split(",") if d.strip()]
    if owned:
        opts["owned"] = list(owned)
    return opts


DetectorsOpt = Annotated[
    str | None,
    typer.Option(help="Detectors, comma list: kleinberg, ewma, cusum, ratio. Default: all."),
]
StreamOpt = Annotated[
    str, typer.Option(help="What to watch: negative, mentions, all, or auto (the first possible).")
]
MinCountOpt = Annotated[int, typer.Option(help="Smallest count of the hour raising an alarm.")]
OwnedOpt = Annotated[
    list[str] | None,
    typer.Option("--owned", help="Brand account (repeatable), besides `liens owned`."),
]


@app.command()
def watch(
    workspace: WorkspaceOpt = None,
    interval: Annotated[float, typer.Option(help="Seconds between polls of the imports.")] = 60,
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit.")] = False,
    webhook: Annotated[
        str | None,
        typer.Option(
            envvar="LIENS_WEBHOOK_URL", help="Webhook URL (JSON POST).", show_default=False
        ),
    ] = None,
    email: Annotated[
        bool, typer.Option("--email", help="Also e-mail alerts (LIENS_SMTP_* variables).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No console alerts.")] = False,
    report_link: Annotated[
        str, typer.Option("--report", help="Report page the alerts link to.")
    ] = "report/index.html",
    detectors: DetectorsOpt = None,
    stream: StreamOpt = "auto",
    min_count: MinCountOpt = 5,
    owned: OwnedOpt = None,
    since: Annotated[str | None, typer.Option(help="Ignore alarms before this UTC time.")] = None,
) -> None:
    """Re-run crisis detection when new data is imported and send each new alert once.

    Alerts go to the console, a webhook (--webhook or $LIENS_WEBHOOK_URL) and/or e-mail
    (--email; SMTP settings from $LIENS_SMTP_HOST, _PORT, _FROM, _TO, _USER; the password only
    from $LIENS_SMTP_PASSWORD or the system keyring). Examples:

      liens watch --once

      liens watch --interval 300 --email --detectors ewma,kleinberg
    """
    from liens.alerts import ConsoleChannel, EmailChannel, WebhookChannel
    from liens.alerts import watch as run_watch

    channels: list[Any] = [] if quiet else [ConsoleChannel(out.print)]
    if webhook:
        channels.append(WebhookChannel(webhook))
    if email:
        channels.append(EmailChannel.from_env())
    if not channels:
        raise LiensError("no channel: drop --quiet, or give --webhook or --email")

    def report(poll: dict[str, Any]) -> None:
        for r in poll["results"]:
            if r["status"] == "failed":
                err.print(f"[yellow]not delivered[/yellow] {r['alarm_id']}: {r['error']}")

    try:
        run_watch(
            workspace,
            channels,
            interval=interval,
            once=once,
            options=_crisis_options(detectors, stream, min_count, owned),
            report=report_link,
            detectors=None,
            since=since,
            on_poll=report,
        )
    except KeyboardInterrupt:
        err.print("watch stopped")


@app.command()
def drill(
    replay_file: Annotated[
        Path | None, typer.Option("--replay", help="A file liens can import (a past crisis).")
    ] = None,
    workspace: WorkspaceOpt = None,
    start: Annotated[
        str | None, typer.Option(help="Without --replay: replay the workspace from this UTC time.")
    ] = None,
    end: Annotated[str | None, typer.Option(help="… to this one (exclusive).")] = None,
    speed: Annotated[
        float, typer.Option(help="Minutes of data per second of drill; 0 = as fast as possible.")
    ] = 60,
    mapping: Annotated[Path | None, typer.Option(help="Mapping file for --replay.")] = None,
    platform: Annotated[str | None, typer.Option(help="Platform of --replay.")] = None,
    detectors: DetectorsOpt = None,
    stream: StreamOpt = "auto",
    min_count: MinCountOpt = 5,
    owned: OwnedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rehearse a crisis like a fire drill: replay a past timeline through detection, as if live.

    The simulated clock advances one bin (an hour) at a time; --speed 60 plays one minute of
    data per second (an hour a minute). Each alert is printed when it would have fired.

      liens drill --replay crisis.csv --speed 600

      liens drill -w brand.duckdb --start 2024-05-01 --end 2024-05-08 --speed 0
    """
    import tempfile

    from liens.analysis import AnalysisParams
    from liens.analysis.crisis import replay
    from liens.api import Workspace

    opts = _crisis_options(detectors, stream, min_count, owned)
    fired: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="liens-drill-") as tmp:
        if replay_file is not None:
            ws = Workspace(Path(tmp) / "drill.duckdb")
            ws.import_file(replay_file, mapping_file=mapping, platform=platform)
            if owned:
                ws.set_owned(list(owned), owned=True)
        else:
            ws = Workspace(workspace, read_only=True)
        with ws:
            if replay_file is not None and stream in ("auto", "negative"):
                try:
                    ws.analyze(only=["reputation"], options=opts)
                except LiensError as exc:
                    err.print(f"no tone ({exc}): watching all mentions")
            params = AnalysisParams(start=start, end=end, options=opts)
            bin_minutes = 60  # the crisis analysis' default bin
            for clock, new in replay(ws.con, params):
                if speed > 0:  # one bin of data takes bin_minutes / speed seconds
                    time.sleep(bin_minutes / speed)
                for a in new.itertuples():
                    row = {
                        "clock": clock.isoformat(),
                        "alarm_id": a.alarm_id,
                        "detector": a.detector,
                        "count": int(a.count),
                        "peak_so_far": int(a.peak),
                    }
                    fired.append(row)
                    if not as_json:
                        out.print(
                            f"[bold red]{clock:%Y-%m-%d %H:%M}[/bold red] alarm "
                            f"{a.alarm_id}: {a.count} in the hour "
                            f"(baseline {a.baseline:.1f}, {a.detector})"
                        )
    if as_json:
        _print_json(fired)
    elif not fired:
        out.print("No alarm would have fired.")


incident_app = typer.Typer(
    help="The incident log: who answered what and when.", no_args_is_help=True
)
app.add_typer(incident_app, name="incident")


@incident_app.command("note")
def incident_note(
    alarm_id: Annotated[str, typer.Argument(help="The alarm (see `liens incident list`).")],
    by: Annotated[str, typer.Option("--by", help="Who acted.")],
    text: Annotated[str, typer.Option("--text", help="What was done or said.")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Add a manual entry to an alarm's incident log.

    liens incident note negative-ewma-20240502T2100 --by Camille --text "Called the manager"
    """
    from liens.analysis.crisis import add_incident_note

    with _workspace(workspace) as ws:
        known = (
            "alarms" in ws.tables()
            and ws.con.execute(
                "SELECT count(*) FROM alarms WHERE alarm_id = ?", [alarm_id]
            ).fetchone()[0]
        )
        if not known:
            raise LiensError(f"no alarm {alarm_id!r}: see `liens incident list`", field="ALARM_ID")
        add_incident_note(ws.con, alarm_id, by, text)
    out.print(
        f"Noted for {alarm_id}. Run [bold]liens analyze --only crisis[/bold] to update the log."
    )


@incident_app.command("list")
def incident_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the alarms and, for each, the answers and notes of its incident log."""
    with _workspace(workspace, read_only=True) as ws:
        if "alarms" not in ws.tables():
            raise LiensError("no alarms yet: run `liens analyze` first")
        alarms = ws.sql(
            "SELECT alarm_id, detector, alarm_at, count, peak FROM alarms ORDER BY alarm_at"
        )
        log = ws.sql("SELECT * FROM incidents") if "incidents" in ws.tables() else None
    if as_json:
        _print_json(
            {
                "alarms": alarms.to_dict(orient="records"),
                "incidents": [] if log is None else log.to_dict(orient="records"),
            }
        )
        return
    table = Table(title="Alarms", title_justify="left")
    for c in ("alarm", "detector", "at (UTC)", "count", "peak", "log entries"):
        table.add_column(c)
    for a in alarms.itertuples():
        n = 0 if log is None else int((log["alarm_id"] == a.alarm_id).sum())
        at = f"{a.alarm_at:%Y-%m-%d %H:%M}"
        table.add_row(a.alarm_id, a.detector, at, str(a.count), str(a.peak), str(n))
    out.print(table)


handle_app = typer.Typer(help="One pseudonym everywhere: check a handle against platforms' rules.")
app.add_typer(handle_app, name="handle")


@handle_app.command("check")
def handle_check(
    name: Annotated[str, typer.Argument(help="The handle to check (a leading @ is ignored).")],
    platform: Annotated[
        list[str] | None, typer.Option("--platform", "-p", help="Only these platforms.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Does NAME fit each platform's documented rules (length, characters, reserved forms)?

    Offline: whether the name is still free needs the network and is not checked.
    """
    from liens.handles import check_handle

    try:
        rows = check_handle(name, platform)
    except ValueError as exc:
        raise LiensError(str(exc), field="--platform") from None
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"Handle {name!r}", title_justify="left")
    for col in ("platform", "fits", "why"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["platform"],
            "[green]yes[/green]" if r["fits"] else "[red]no[/red]",
            "; ".join(r["reasons"]) or r["rule"],
        )
    out.print(table)


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
