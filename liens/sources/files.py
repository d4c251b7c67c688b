"""Opening input files: compression detected from the first bytes, not the name."""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile
from pathlib import Path
from typing import IO

import zstandard

from liens.errors import SourceError

__all__ = ["ZIP_OPEN_ERRORS", "compression_of", "head", "is_zip", "open_binary", "open_text"]

# What opening a damaged zip can raise (zipfile.ZipFile reading its central directory): a bad
# header, a seek outside the file, a version or feature zipfile does not implement (a flipped
# byte in the version field gives "zip file version 6.4").
ZIP_OPEN_ERRORS = (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError)

_MAGIC = {b"\x1f\x8b": "gzip", b"\x28\xb5\x2f\xfd": "zstd", b"BZh": "bz2"}


def compression_of(path: Path) -> str | None:
    """'gzip', 'zstd', 'bz2' or None, from the file's magic number."""
    with path.open("rb") as fh:
        start = fh.read(4)
    for magic, name in _MAGIC.items():
        if start.startswith(magic):
            return name
    return None


def open_binary(path: Path) -> IO[bytes]:
    """The file's decompressed bytes as a stream."""
    check_readable(path)
    kind = compression_of(path)
    if kind == "gzip":
        return gzip.open(path, "rb")
    if kind == "bz2":
        return bz2.open(path, "rb")
    if kind == "zstd":
        # Pushshift dumps use a long window; allow it.
        dctx = zstandard.ZstdDecompressor(max_window_size=2**31)
        return io.BufferedReader(dctx.stream_reader(path.open("rb"), read_across_frames=True))
    return path.open("rb")


def open_text(path: Path, encoding: str = "utf-8") -> IO[str]:
    """The file's decompressed text, with a byte-order mark removed and invalid bytes marked."""
    return io.TextIOWrapper(
        open_binary(path),
        encoding="utf-8-sig" if encoding == "utf-8" else encoding,
        errors="replace",
        newline="",
    )


def head(path: Path, size: int = 65536) -> bytes:
    """Up to ``size`` decompressed bytes from the start (empty for a folder)."""
    if path.is_dir():
        return b""
    try:
        with open_binary(path) as fh:
            return fh.read(size)
    except (OSError, EOFError, zstandard.ZstdError):
        # A damaged stream is reported by the reader with its position.
        return b""


def check_readable(path: Path) -> None:
    """Raise a clear error for a missing, unreadable or empty path."""
    if not path.exists():
        raise SourceError("no such file", path=path)
    if path.is_dir():
        return
    try:
        with path.open("rb") as fh:
            first = fh.read(1)
    except PermissionError:
        raise SourceError("permission denied: cannot read this file", path=path) from None
    except OSError as exc:
        raise SourceError(f"cannot read this file ({exc.strerror})", path=path) from None
    if not first:
        raise SourceError("the file is empty", path=path)


def is_zip(path: Path) -> bool:
    """True for a zip file (its local-file or empty-archive signature), whatever its name."""
    if path.is_dir():
        return False
    try:
        with path.open("rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False
