"""Crisis commands: watch for alarms, rehearse with drills, keep the incident log."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

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
)
from liens.errors import LiensError


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
    str,
    typer.Option(
        help="What to watch: negative or mentions (of the brand: owned accounts, tracked terms), "
        "community (everyone's negative replies and mentions), all (every event), or auto: "
        "the brand's negative mentions, else the community's, else nothing."
    ),
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
        print_json(fired)
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

    with open_workspace(workspace) as ws:
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
    with open_workspace(workspace, read_only=True) as ws:
        if "alarms" not in ws.tables():
            raise LiensError("no alarms yet: run `liens analyze` first")
        alarms = ws.sql(
            "SELECT alarm_id, detector, alarm_at, count, peak FROM alarms ORDER BY alarm_at"
        )
        log = ws.sql("SELECT * FROM incidents") if "incidents" in ws.tables() else None
    if as_json:
        print_json(
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
