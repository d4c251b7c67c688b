"""What every importer's fuzz test checks, in one place.

``LIENS_FUZZ_EXAMPLES`` sets the number of cases per test (``make test`` runs a few, ``make
fuzz`` 10,000).
"""

from __future__ import annotations

import os
from pathlib import Path

from liens.api import Workspace
from liens.errors import SourceError

FUZZ_EXAMPLES = int(os.environ.get("LIENS_FUZZ_EXAMPLES", "50"))


def assert_nothing_lost(ws: Workspace, folder: Path, name: str, data: bytes, fmt: str) -> None:
    """Import ``data`` as file ``name``: only a SourceError may escape; otherwise every record
    is accepted, a duplicate or quarantined, and every quarantined record has a reason."""
    path = folder / name
    path.write_bytes(data)
    try:
        res = ws.import_file(path, format=fmt)
    except SourceError:
        return
    assert res.read == res.accepted + res.duplicate + res.quarantined
    sql = "SELECT count(*) n FROM quarantine WHERE import_id = ? AND reason IS NULL"
    assert ws.con.execute(sql, [res.import_id]).fetchone()[0] == 0
