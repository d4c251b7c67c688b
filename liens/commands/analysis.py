"""Commands that analyse: analyze, and the questions asked of one member, post or pair."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from liens.commands.common import (
    JsonOpt,
    WorkspaceOpt,
    app,
    open_workspace,
    ordinal,
    out,
    print_json,
    progress_bar,
)
from liens.errors import LiensError


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
    with open_workspace(workspace) as ws, progress_bar(as_json) as progress:
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
        print_json({"tables": written, "seconds": round(time.time() - started, 3)})
        return
    table = Table(title="Analysis tables", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in written.items():
        table.add_row(name, f"{n:,}")
    out.print(table)
    out.print(f"Done in {time.time() - started:.1f} s.")


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
    with open_workspace(workspace, read_only=True) as ws:
        res = ws.connection(a, b, platform)
        ids = {x for p in res["shortest"] for x in p} | set(res["strongest"] or [])
        ids |= set(res["mutual"]["account"]) if len(res["mutual"]) else set()
        names = ws.handles(sorted(ids))
    mutual = res["mutual"]
    if as_json:
        print_json({**res, "mutual": mutual.to_dict(orient="records")})
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

    with open_workspace(workspace, read_only=True) as ws:
        try:
            st = post_status(ws.con, post_id, now=now, reference_hours=reference_hours)
        except KeyError:
            raise LiensError(f"no post {post_id!r} in this workspace (see table posts)") from None
        who = st["author"]
        author = ws.handles([who]).get(who, who) if who else "an unknown author"
    if as_json:
        print_json(st)
        return
    out.print(
        f"[bold]{st['post_id']}[/bold] by {author}, {st['age_hours']:.1f} h old: "
        f"{st['observed']} interactions; past posts had {st['expected']:g} (median) at that "
        f"age, this one is at the {ordinal(round(100 * st['percentile']))} percentile: "
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
    with open_workspace(workspace, read_only=True) as ws:
        res = campaign_results(ws.con, campaigns)
    rows = res.to_dict(orient="records")
    if as_json:
        print_json(rows)
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

    with open_workspace(workspace, read_only=True) as ws:
        res = member_plan(ws.con, name, AnalysisParams(start=start, end=end), horizon_weeks=weeks)
    if as_json:
        print_json(res)
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
    with open_workspace(workspace) as ws:
        changed = ws.set_owned(list(accounts), owned=not remove)
        now = ws.sql("SELECT account_id, handle FROM accounts WHERE owned ORDER BY 1")
    if as_json:
        print_json({"changed": changed, "owned": now.to_dict(orient="records")})
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
