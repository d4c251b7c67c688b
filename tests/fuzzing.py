"""What every importer's fuzz test checks, in one place.

A fuzz case writes a mutated file and checks it at two depths:

- :func:`check_read` calls the reader's ``read()`` directly (no workspace, a few milliseconds):
  only a :class:`~liens.errors.SourceError` may escape; every item is a :class:`Chunk` of
  canonical columns with a ``_record`` for each row, a :class:`Rejected` with a reason, or a
  :class:`Reset`;
- :func:`assert_nothing_lost` does that, then, for one case in :data:`STORE_EVERY`, imports
  the file into a workspace (about half a second): the store counts the same records as the
  reader, ``read = accepted + duplicate + quarantined``, every quarantined record has a reason.

``LIENS_FUZZ_EXAMPLES`` sets the number of cases per test (``make test`` runs a few, ``make
fuzz`` 10,000); ``LIENS_FUZZ_STORE_CASES`` (default 100) how many of them go through the store.
With the default 20 cases of ``make test``, every case goes through the store.
"""

from __future__ import annotations

import itertools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import strategies as st

from liens.api import Workspace
from liens.errors import SourceError
from liens.model import ACCOUNT_COLUMNS, EVENT_COLUMNS, POST_COLUMNS
from liens.sources import Chunk, ReadOptions, Rejected, Reset, get_reader

FUZZ_EXAMPLES = int(os.environ.get("LIENS_FUZZ_EXAMPLES", "50"))
STORE_CASES = int(os.environ.get("LIENS_FUZZ_STORE_CASES", "100"))
# Every STORE_EVERY-th case also goes through a full import.
STORE_EVERY = max(1, FUZZ_EXAMPLES // max(1, STORE_CASES))

# What the store stages (ingest._STAGE_SPECS): source_file and import_id are its own.
_COLUMNS = {
    "events": set(EVENT_COLUMNS) - {"source_file", "import_id", "source_record"},
    "accounts": set(ACCOUNT_COLUMNS),
    "posts": set(POST_COLUMNS),
}
_LISTS = {"hashtags", "mentions"}
_cases = itertools.count()


@dataclass
class ReadCounts:
    """What a reader yielded for one file, counted as the store counts it."""

    events: int = 0
    accounts: int = 0
    posts: int = 0
    rejected: int = 0

    @property
    def read(self) -> int:
        """Records read: event and account rows and rejected records (posts describe events)."""
        return self.events + self.accounts + self.rejected


def _check_scalar_type(table: str, name: str, typ: pa.DataType) -> None:
    if name in _LISTS:
        assert pa.types.is_null(typ) or (
            pa.types.is_list(typ)
            and (pa.types.is_string(typ.value_type) or pa.types.is_null(typ.value_type))
        ), f"{table}.{name} is {typ}, not a list of strings"
        return
    ok = (
        pa.types.is_null(typ)
        or pa.types.is_string(typ)
        or pa.types.is_large_string(typ)
        or pa.types.is_integer(typ)
        or pa.types.is_floating(typ)
        or pa.types.is_boolean(typ)
        or pa.types.is_timestamp(typ)
    )
    assert ok, f"{table}.{name} is {typ}: the store casts it to text"


def check_read(fmt: str, path: Path, options: ReadOptions | None = None) -> ReadCounts | None:
    """Read ``path`` with the reader called ``fmt`` and check what it yields.

    Returns the counts of the last attempt (a :class:`Reset` starts them again), or None when
    the reader refused the file with a :class:`SourceError` naming it. Anything else raised
    fails the test with its traceback.
    """
    reader = get_reader(fmt)
    counts = ReadCounts()
    try:
        for item in reader.read(path, options or ReadOptions()):
            if isinstance(item, Reset):
                assert item.reason, "a Reset without a reason"
                counts = ReadCounts()
            elif isinstance(item, Rejected):
                assert isinstance(item.reason, str) and item.reason.strip(), item
                assert isinstance(item.raw, str), item
                assert item.record is None or (isinstance(item.record, int) and item.record >= 1)
                assert item.line is None or (isinstance(item.line, int) and item.line >= 1)
                assert item.field is None or isinstance(item.field, str)
                counts.rejected += 1
            else:
                assert isinstance(item, Chunk), f"a reader yielded {type(item).__name__}"
                assert item.table in _COLUMNS, item.table
                data = item.data
                assert isinstance(data, pa.Table)
                assert "_record" in data.column_names, f"{item.table} chunk without _record"
                record = data.column("_record")
                assert pa.types.is_integer(record.type) and record.null_count == 0
                if data.num_rows:
                    assert pc.min(record).as_py() >= 1, "records are numbered from 1"
                extra = set(data.column_names) - _COLUMNS[item.table] - {"_record"}
                assert not extra, f"non-canonical {item.table} columns {sorted(extra)}"
                for name, typ in zip(data.column_names, data.schema.types, strict=True):
                    if name != "_record":
                        _check_scalar_type(item.table, name, typ)
                setattr(counts, item.table, getattr(counts, item.table) + data.num_rows)
    except SourceError as e:
        assert e.message.strip(), "a SourceError without a message"
        assert e.path, f"a SourceError that does not name the file: {e}"
        return None
    return counts


_case_root: Path | None = None


def case_dir(tmp_path_factory, *, empty: bool = False) -> Path:
    """The folder of the fuzz cases, the same each time: a case overwrites the file of the last
    one; ``empty=True`` empties it first (for cases that build a folder).

    ``tmp_path_factory.mktemp`` lists every folder it made before to number the next one, so
    10,000 cases cost quadratic time (a ``make fuzz`` spent most of its hour there).
    """
    global _case_root
    if _case_root is None:
        _case_root = tmp_path_factory.mktemp("fuzz-cases")
    folder = _case_root / "case"
    if empty:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(exist_ok=True)
    return folder


def assert_nothing_lost(ws: Workspace, folder: Path, name: str, data: bytes, fmt: str) -> None:
    """Write ``data`` as file ``name`` in ``folder`` and check it (see :func:`check_file`)."""
    path = folder / name
    path.write_bytes(data)
    check_file(ws, path, fmt)


def check_file(
    ws: Workspace, path: Path, fmt: str, *, store: bool | None = None, **options
) -> None:
    """Check ``path`` through its reader, and for a sample of cases through ``ws`` as well.

    ``options`` are those of :meth:`Workspace.import_file` (platform, delimiter, header, names,
    columns, kinds, constants). ``store`` forces (True) or skips (False) the full import; by
    default one case in :data:`STORE_EVERY` is imported.
    """
    counts = check_read(fmt, path, ReadOptions(**options))
    if store is None:
        store = next(_cases) % STORE_EVERY == 0
    if not store:
        return
    try:
        res = ws.import_file(path, format=fmt, **options)
    except SourceError as e:
        # Refused as a whole: the reader refused it too, or gave nothing the store could keep.
        refused = counts is None or counts.read == 0 or "no record could be imported" in e.message
        assert refused, f"the store refused what the reader read: {e}"
        return
    assert counts is not None, "the store imported a file the reader refused"
    assert res.read == counts.read, f"store read {res.read}, reader yielded {counts}"
    assert res.read == res.accepted + res.duplicate + res.quarantined
    sql = "SELECT count(*) FROM quarantine WHERE import_id = ? AND coalesce(reason, '') = ''"
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
