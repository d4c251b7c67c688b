"""What every importer's fuzz test checks, in one place.

``LIENS_FUZZ_EXAMPLES`` sets the number of cases per test (``make test`` runs a few, ``make
fuzz`` 10,000).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import strategies as st

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


# Values a newer, older or broken export might hold where a field was expected.
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def mutate(data: st.DataObject, value):
    """Drop a field, change its type or recurse, somewhere in a JSON value."""
    if isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(sorted(value)))
        op = data.draw(st.sampled_from(["drop", "retype", "deeper"]))
        if op == "drop":
            del value[key]
        elif op == "retype":
            value[key] = data.draw(JUNK)
        else:
            value[key] = mutate(data, value[key])
        return value
    if isinstance(value, list) and value:
        i = data.draw(st.integers(0, len(value) - 1))
        value[i] = mutate(data, value[i])
        return value
    return data.draw(JUNK)
