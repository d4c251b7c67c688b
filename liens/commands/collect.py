"""``liens collect mastodon|bluesky``: live collection from the open platforms' APIs.

Credentials are never options: they come from the environment or the OS keyring (see
``liens.sources.collectors``). Each page is written with its cursor in one transaction
(``liens.store.collect``), so an interrupted collection resumes where it stopped.
"""

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
from liens.sources.collectors import Collector

collect_app = typer.Typer(
    name="collect",
    help="Collect live from Mastodon or Bluesky: paged, rate-limit aware, resumable.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(collect_app, name="collect")

LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", min=1, help="Stop after this many statuses/posts (resume later)."),
]


def _run(collector: Collector, workspace: Path | None, limit: int | None, as_json: bool) -> None:
    from liens.store.collect import collect

    for note in collector.notes:
        err.print(f"[dim]note[/dim] {note}", highlight=False)
    with open_workspace(workspace) as ws, progress_bar(as_json) as progress:
        task = progress.add_task(f"{collector.platform} {collector.query}", total=None, rows=0)
        result = collect(
            ws.con,
            collector,
            limit=limit,
            on_progress=lambda n: progress.update(task, rows=n),
        )
    result.notes = [n for n in result.notes if n not in collector.notes or as_json]
    for note in result.notes:
        err.print(f"[yellow]note[/yellow] {note}", highlight=False)
    if as_json:
        print_json(result.as_dict())
        return
    table = Table(title=f"Collect {result.platform} {result.query}", title_justify="left")
    for col in ("pages", "records", "accepted", "duplicate", "quarantined", "state"):
        table.add_column(col, justify="right")
    state = "complete" if result.done else "more to collect (run again to continue)"
    table.add_row(
        f"{result.pages:,}",
        f"{result.records:,}",
        f"{result.accepted:,}",
        f"{result.duplicate:,}",
        f"[yellow]{result.quarantined:,}[/yellow]" if result.quarantined else "0",
        state,
    )
    out.print(table)
    if result.resumed_from:
        out.print("Resumed from the cursor of the last run.")


@collect_app.command("mastodon")
def mastodon(
    instance: Annotated[
        str, typer.Option("--instance", help="Server URL, e.g. https://mastodon.social.")
    ],
    hashtag: Annotated[str | None, typer.Option("--hashtag", help="A hashtag timeline.")] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="An account's statuses (name or name@host).")
    ] = None,
    thread: Annotated[
        str | None, typer.Option("--thread", help="A status URL: the status and its context.")
    ] = None,
    workspace: WorkspaceOpt = None,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Collect a hashtag, an account or a thread from a Mastodon server.

    The access token, if any, comes from [bold]$LIENS_MASTODON_TOKEN[/bold] or the OS keyring
    (service liens, user mastodon:HOST); public timelines need none.

    Example:

      liens collect mastodon --instance https://mastodon.social --hashtag fediverse --limit 400
    """
    from liens.sources.collectors.mastodon import MastodonCollector

    collector = MastodonCollector(instance, hashtag=hashtag, account=account, thread=thread)
    _run(collector, workspace, limit, as_json)


@collect_app.command("bluesky")
def bluesky(
    actor: Annotated[
        str | None, typer.Option("--actor", help="An account's feed (handle or DID).")
    ] = None,
    search: Annotated[str | None, typer.Option("--search", help="A post search query.")] = None,
    thread: Annotated[
        str | None, typer.Option("--thread", help="A post's at:// URI or bsky.app link.")
    ] = None,
    service: Annotated[
        str | None,
        typer.Option("--service", help="Server (default: the public AppView, or bsky.social)."),
    ] = None,
    workspace: WorkspaceOpt = None,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Collect an author feed, a search or a thread from Bluesky.

    Credentials, if any, come from [bold]$LIENS_BLUESKY_HANDLE[/bold] and
    [bold]$LIENS_BLUESKY_PASSWORD[/bold] (an app password) or the OS keyring; the public
    AppView needs none.

    Example:

      liens collect bluesky --actor bsky.app --limit 500
    """
    from liens.sources.collectors.bluesky import BlueskyCollector

    collector = BlueskyCollector(actor=actor, search=search, thread=thread, service=service)
    _run(collector, workspace, limit, as_json)
