"""Generic tables: CSV, TSV, JSON lines and Parquet, plain or gzip/zstd/bz2 compressed.

Columns reach the canonical model through a *mapping* (``--map actor=userA`` or a mapping
file, see ``liens.sources.mapping``); a file whose columns already carry the canonical names
(``event_id, platform, kind, actor, target, created_at, text, ...``) needs none. Columns that
map to nothing are kept as a JSON object in ``extra``: nothing the file says is lost.

CSV is read by Arrow's multi-threaded parser. When a broken quote makes a field swallow the
lines after it, the reader starts again line by line (Python's ``csv`` on each line), so the
broken line is quarantined alone and the lines after it are imported.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute  # loads pa.compute, used below
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import zstandard

from liens.errors import SourceError
from liens.model import EVENT_COLUMNS
from liens.sources.base import Chunk, ReadOptions, Rejected, Reset
from liens.sources.files import check_readable, compression_of, open_text

__all__ = ["CsvReader", "JsonLinesReader", "ParquetReader"]

_CANONICAL = [c for c in EVENT_COLUMNS if c not in ("source_file", "source_record", "import_id")]
_LISTS = ("hashtags", "mentions")


def _plan(names: list[str], options: ReadOptions, path: Path) -> dict[str, str]:
    """canonical column -> source column, checked against the file's columns."""
    mapping = dict(options.columns)
    for canonical in mapping:
        if canonical not in _CANONICAL:
            raise SourceError(
                f"--map {canonical}=...: {canonical!r} is not a canonical column "
                f"(one of {', '.join(_CANONICAL)})",
                path=path,
            )
    for canonical, source in mapping.items():
        if source not in names:
            raise SourceError(
                f"column {source!r} (mapped to {canonical}) is not in the file; its columns are: "
                f"{', '.join(names[:30])}",
                path=path,
                line=1,
                field=source,
            )
    for name in names:
        if name in _CANONICAL and name not in mapping and name not in mapping.values():
            mapping[name] = name
    missing = [c for c in ("kind", "created_at") if c not in mapping and c not in options.constants]
    if missing:
        raise SourceError(
            f"no column for {' and '.join(missing)}: name it with --map {missing[0]}=COLUMN "
            f"(or --set kind=VALUE); the file's columns are: {', '.join(names[:30])}",
            path=path,
            line=1,
        )
    return mapping


class _Projector:
    """Turns raw Arrow batches into canonical chunks (rename, constants, extra, record)."""

    def __init__(self, names: list[str], options: ReadOptions, path: Path) -> None:
        self.mapping = _plan(names, options, path)
        self.options = options
        used = set(self.mapping.values())
        self.rest = [n for n in names if n not in used]
        self.con = duckdb.connect() if self.rest else None
        self.record = 0

    def project(self, batch: pa.RecordBatch | pa.Table, records: pa.Array | None = None) -> Chunk:
        n = batch.num_rows
        cols: dict[str, pa.Array] = {}
        for canonical, source in self.mapping.items():
            arr = batch.column(source)
            if canonical in _LISTS:
                if not pa.types.is_list(arr.type):
                    arr = pa.compute.split_pattern_regex(
                        pa.compute.cast(arr, pa.string()), r"[,;\s]+"
                    )
            elif pa.types.is_timestamp(arr.type) and arr.type.tz == "UTC":
                # The same text as Arrow's cast of the UTC column, ten times faster: Arrow
                # formats a zoned time through the zone database, value by value.
                naive = pa.compute.cast(arr, pa.timestamp(arr.type.unit))
                arr = pa.compute.binary_join_element_wise(
                    pa.compute.cast(naive, pa.string()), "Z", ""
                )
            elif not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
                arr = pa.compute.cast(arr, pa.string())
            cols[canonical] = arr
        for canonical, value in self.options.constants.items():
            if canonical not in cols:
                cols[canonical] = pa.array([value] * n, pa.string())
        if self.options.platform and "platform" not in cols:
            cols["platform"] = pa.array([self.options.platform] * n, pa.string())
        if self.rest and "extra" not in cols:
            assert self.con is not None
            self.con.register("_b", pa.table({c: batch.column(c) for c in self.rest}))
            fields = ", ".join(f'"{c.replace(chr(34), "")}" := "{c}"' for c in self.rest)
            cols["extra"] = (
                self.con.execute(f"SELECT to_json(struct_pack({fields}))::VARCHAR AS x FROM _b")
                .arrow()
                .column("x")
                .combine_chunks()
            )
            self.con.unregister("_b")
        if records is None:
            records = pa.array(range(self.record + 1, self.record + n + 1), pa.int64())
        self.record += n
        cols["_record"] = records
        return Chunk("events", pa.table(cols))


def _delimiter(path: Path, options: ReadOptions, sample: str) -> str:
    if options.delimiter:
        return "\t" if options.delimiter in ("\\t", "tab") else options.delimiter
    name = path.name.lower()
    if ".tsv" in name or ".tab" in name:
        return "\t"
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


class CsvReader:
    """Delimited text (CSV, TSV, space-separated edge lists), header optional."""

    name = "csv"
    description = "CSV/TSV or any delimited text, with a header or --names"

    def sniff(self, path: Path, head: bytes) -> bool:
        # Not JSON, XML, Parquet or a zip (whose members would be read as garbled lines).
        starts = (b"{", b"[", b"<", b"PAR1", b"PK\x03\x04", b"PK\x05\x06")
        return bool(head) and not head.lstrip().startswith(starts)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected | Reset]:
        check_readable(path)
        with open_text(path) as fh:
            sample = fh.read(65536)
        if not sample.strip():
            raise SourceError("the file is empty", path=path)
        delim = _delimiter(path, options, sample)
        swallowed: list[pacsv.InvalidRow] = []
        rejects: list[Rejected] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            if "\n" in row.text or "\r" in row.text:
                swallowed.append(row)
            else:
                rejects.append(
                    Rejected(
                        record=None,
                        line=row.number,
                        reason=f"expected {row.expected_columns} fields, found "
                        f"{row.actual_columns}",
                        raw=row.text,
                    )
                )
            return "skip"

        names = list(options.names) if options.names else None
        first = next(csv.reader([sample.splitlines()[0]], delimiter=delim), [])
        if names is None:
            names = first if options.header else [f"f{i}" for i in range(len(first))]
        if len(set(names)) != len(names):
            raise SourceError(f"the header repeats a column name: {names}", path=path, line=1)
        read_opts = pacsv.ReadOptions(
            # One thread keeps row numbers exact for rejected lines.
            use_threads=False,
            block_size=1 << 22,
            column_names=names,
            skip_rows=1 if options.header else 0,
        )
        parse_opts = pacsv.ParseOptions(
            delimiter=delim, newlines_in_values=True, invalid_row_handler=on_invalid
        )
        convert = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        projector = _Projector(names, options, path)
        kind = compression_of(path)
        try:
            raw = pa.OSFile(str(path))
            stream = pa.CompressedInputStream(raw, kind) if kind else raw
            reader = pacsv.open_csv(
                stream, read_options=read_opts, parse_options=parse_opts, convert_options=convert
            )
            for batch in reader:
                if swallowed:
                    break
                if batch.num_rows:
                    yield projector.project(batch)
                while rejects:
                    yield rejects.pop(0)
        except pa.ArrowInvalid as exc:
            if not swallowed and "out of sync" not in str(exc) and "quote" not in str(exc):
                raise SourceError(
                    f"cannot read as delimited text: {_short(exc)}", path=path
                ) from None
            swallowed.append(None)  # type: ignore[arg-type]
        except OSError as exc:
            raise SourceError(
                f"the file ends early or is damaged ({_short(exc)}); nothing was imported from it",
                path=path,
            ) from None
        while rejects and not swallowed:
            yield rejects.pop(0)
        if swallowed:
            yield Reset("a broken quote: reading again line by line")
            yield from self._line_mode(path, options, delim)

    def _line_mode(
        self, path: Path, options: ReadOptions, delim: str
    ) -> Iterator[Chunk | Rejected]:
        """One physical line = one record; a line that does not parse is quarantined alone."""
        rows: list[list[str]] = []
        records: list[int] = []
        projector: _Projector | None = None
        names = options.names
        expected = len(names) if names else None
        record = 0
        with open_text(path) as fh:
            for lineno, line in enumerate(fh, start=1):
                text = line.rstrip("\r\n")
                if not text.strip():
                    continue
                try:
                    fields = next(csv.reader([text], delimiter=delim, strict=True))
                except csv.Error as exc:
                    if projector is None:
                        raise SourceError(
                            f"header line does not parse: {exc}", path=path, line=lineno
                        ) from None
                    record += 1
                    yield Rejected(
                        record=record, line=lineno, reason=f"broken quoting: {exc}", raw=text
                    )
                    continue
                if projector is None:
                    if options.header and not names:
                        names = fields
                        expected = len(names)
                        projector = _Projector(names, options, path)
                        continue
                    if names is None:
                        names = [f"f{i}" for i in range(len(fields))]
                        expected = len(names)
                    projector = _Projector(names, options, path)
                    if options.header:
                        continue
                record += 1
                if len(fields) != expected:
                    yield Rejected(
                        record=record,
                        line=lineno,
                        reason=f"expected {expected} fields, found {len(fields)}",
                        raw=text,
                    )
                    continue
                rows.append(fields)
                records.append(record)
                if len(rows) >= options.batch_rows:
                    yield self._flush(projector, names, rows, records)
                    rows, records = [], []
        if rows and projector is not None:
            yield self._flush(projector, names, rows, records)

    @staticmethod
    def _flush(
        projector: _Projector, names: list[str], rows: list[list[str]], records: list[int]
    ) -> Chunk:
        columns = list(zip(*rows, strict=True))
        table = pa.table({n: pa.array(columns[i], pa.string()) for i, n in enumerate(names)})
        return projector.project(table, pa.array(records, pa.int64()))


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300]


def _dig(obj: dict, path: str):
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


class JsonLinesReader:
    """JSON lines (NDJSON): one JSON object per line; dotted paths map nested fields."""

    name = "jsonl"
    description = "JSON lines (one object per line), dotted paths for nested fields"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = head.lstrip().split(b"\n", 1)[0]
        if not first.startswith(b"{"):
            return False
        try:
            return isinstance(json.loads(first), dict)
        except ValueError:
            return head.count(b"\n") > 1

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk | Rejected]:
        check_readable(path)
        mapping = {c: c for c in _CANONICAL if c != "extra"}
        explicit = dict(options.columns)
        for canonical in explicit:
            if canonical not in _CANONICAL:
                raise SourceError(f"--map {canonical}=...: not a canonical column", path=path)
        mapping.update(explicit)
        used_top = {p.split(".")[0] for p in mapping.values()}
        buf: dict[str, list] = {c: [] for c in mapping}
        buf["extra"] = []
        records: list[int] = []
        record = 0
        checked = False
        try:
            with open_text(path) as fh:
                for lineno, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    record += 1
                    try:
                        obj = json.loads(line)
                    except ValueError as exc:
                        yield Rejected(
                            record, f"invalid JSON: {exc}", line.rstrip("\n"), line=lineno
                        )
                        continue
                    if not isinstance(obj, dict):
                        yield Rejected(
                            record, "a JSON line must be an object", line.rstrip("\n"), line=lineno
                        )
                        continue
                    if not checked:
                        self._check(obj, explicit, options, path, lineno)
                        checked = True
                    for canonical, src in mapping.items():
                        v = _dig(obj, src) if "." in src else obj.get(src)
                        if canonical in _LISTS:
                            if isinstance(v, str):
                                v = [t for t in v.replace(",", " ").split() if t]
                            elif isinstance(v, list):
                                v = [x if isinstance(x, str) else json.dumps(x) for x in v]
                            else:
                                v = None
                        elif v is not None and not isinstance(v, str):
                            v = json.dumps(v) if isinstance(v, dict | list) else str(v)
                        buf[canonical].append(v)
                    rest = {k: v for k, v in obj.items() if k not in used_top}
                    buf["extra"].append(json.dumps(rest, ensure_ascii=False) if rest else None)
                    records.append(record)
                    if len(records) >= options.batch_rows:
                        yield self._flush(buf, records, options)
                        buf = {c: [] for c in buf}
                        records = []
        except (EOFError, OSError, zstandard.ZstdError) as exc:
            raise SourceError(
                f"the file ends early or is damaged after record {record} ({_short(exc)}); "
                "nothing was imported from it",
                path=path,
            ) from None
        if records:
            yield self._flush(buf, records, options)

    @staticmethod
    def _check(obj: dict, explicit: dict, options: ReadOptions, path: Path, line: int) -> None:
        for canonical, src in explicit.items():
            if (_dig(obj, src) if "." in src else obj.get(src, ...)) is ...:
                raise SourceError(
                    f"field {src!r} (mapped to {canonical}) is not in the first record; its "
                    f"fields are: {', '.join(list(obj)[:30])}",
                    path=path,
                    line=line,
                    field=src,
                )
        for c in ("kind", "created_at"):
            if c not in explicit and c not in obj and c not in options.constants:
                raise SourceError(
                    f"no field for {c}: name it with --map {c}=FIELD; the first record's fields "
                    f"are: {', '.join(list(obj)[:30])}",
                    path=path,
                    line=line,
                )

    @staticmethod
    def _flush(buf: dict[str, list], records: list[int], options: ReadOptions) -> Chunk:
        n = len(records)
        cols: dict[str, pa.Array] = {}
        for c, values in buf.items():
            if all(v is None for v in values):
                continue
            cols[c] = pa.array(values, pa.list_(pa.string()) if c in _LISTS else pa.string())
        for c, v in options.constants.items():
            cols.setdefault(c, pa.array([v] * n, pa.string()))
        if options.platform:
            cols.setdefault("platform", pa.array([options.platform] * n, pa.string()))
        cols["_record"] = pa.array(records, pa.int64())
        return Chunk("events", pa.table(cols))


class ParquetReader:
    """Apache Parquet, read batch by batch."""

    name = "parquet"
    description = "Apache Parquet table"

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.startswith(b"PAR1")

    def read(self, path: Path, options: ReadOptions) -> Iterator[Chunk]:
        check_readable(path)
        try:
            pf = pq.ParquetFile(str(path))
        except (pa.ArrowInvalid, OSError) as exc:
            raise SourceError(f"not a readable Parquet file: {_short(exc)}", path=path) from None
        projector = _Projector(pf.schema_arrow.names, options, path)
        try:
            for batch in pf.iter_batches(batch_size=options.batch_rows):
                yield projector.project(batch)
        except (pa.ArrowInvalid, OSError) as exc:
            raise SourceError(f"the Parquet file is damaged: {_short(exc)}", path=path) from None
