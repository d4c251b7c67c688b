"""The ``liens`` command: a thin layer over :class:`liens.api.Workspace`.

Every command takes ``-w/--workspace`` (or ``$LIENS_WORKSPACE``, default ``./liens.duckdb``);
commands whose output is data take ``--json``. User mistakes print one line on stderr and exit
non-zero (1 bad option or input, 2 unreadable file, 3 workspace problem); they never print a
traceback.
"""

from __future__ import annotations

import sys

from liens.commands import app
from liens.commands.common import err
from liens.errors import LiensError

__all__ = ["app", "main"]


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
        err.print("interrupted: the file or page being written was rolled back; the rest is kept")
        sys.exit(130)


if __name__ == "__main__":
    main()
