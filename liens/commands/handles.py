"""``liens handle check``: one pseudonym everywhere."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from liens.commands.common import JsonOpt, app, out, print_json
from liens.errors import LiensError

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
        print_json(rows)
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
