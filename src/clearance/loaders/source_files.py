"""Reading list files as bytes and CSV records, with the checks every loader needs.

Bundled snapshot files are gzip-compressed; downloads are not. Loaders call
`read_source` and never care which. CSV readers report the physical line of
each record so an error can point at it.

Compressed data is inflated 64 KiB at a time and counted as it comes: a file is
refused as soon as what it has inflated to passes MAX_UNZIPPED_BYTES, or passes
MAX_ZIP_RATIO times the compressed bytes read so far, whatever its headers claim. (A
600 KB zip whose header lied about its member once reached 1.1 GB before refusal, a
9 MB gzip bomb 600 MB: zipfile and gzip inflate a whole `read(n)` at once.)
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from clearance.loaders.errors import ListFormatError

# No list inflates beyond this (OFAC's SDN_ADVANCED.XML, the largest, is about 110 MB).
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
# Nor by more than this ratio to its compressed bytes, once past RATIO_FREE_BYTES (the
# official files compress 2.5-17 times; a bomb of zeros a thousand times).
MAX_ZIP_RATIO = 100
RATIO_FREE_BYTES = 8 * 1024 * 1024
# Small reads keep the compressed bytes read in step with the output (zipfile and gzip
# fetch compressed input only as a read needs it), so the ratio check bites early.
INFLATE_CHUNK = 64 * 1024
# What a corrupt or hostile archive makes zipfile, gzip and zlib raise.
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # a compression method zipfile does not know
    RuntimeError,  # an encrypted member
    ValueError,
)


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def inflate_bounded(
    stream: Readable,
    name: str,
    compressed_bytes: Callable[[], int],
    what: str = "file",
    *,
    keep: bool = True,
) -> bytes:
    """All of `stream` (a decompressing reader), refused past the size or ratio limits.

    `compressed_bytes()` says how many compressed bytes have been read so far (or an
    upper bound), for the ratio check. `keep=False` only checks (and returns b"").
    """
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(INFLATE_CHUNK):
        total += len(chunk)
        if total > MAX_UNZIPPED_BYTES:
            raise ListFormatError(
                name, f"{what} inflates to more than {MAX_UNZIPPED_BYTES:,} bytes; refused"
            )
        if total > RATIO_FREE_BYTES and total > MAX_ZIP_RATIO * max(1, compressed_bytes()):
            raise ListFormatError(
                name,
                f"{what} inflates more than {MAX_ZIP_RATIO} times its compressed size "
                f"({total:,} bytes from {compressed_bytes():,}); refused as a decompression bomb",
            )
        if keep:
            chunks.append(chunk)
    return b"".join(chunks)


def read_source(path: Path) -> bytes:
    """The file's bytes, gunzipped when the name ends in .gz."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_UNZIPPED_BYTES:
            raise ListFormatError(
                name, f"{size:,} bytes: larger than any list ({MAX_UNZIPPED_BYTES:,}); refused"
            )
        if not name.endswith(".gz"):
            return path.read_bytes()
        with path.open("rb") as raw, gzip.GzipFile(fileobj=raw) as gz:
            return inflate_bounded(gz, name, raw.tell, "gzip data")
    except ListFormatError:
        raise
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, OSError) and (exc.filename is not None or not name.endswith(".gz")):
            raise ListFormatError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
        raise ListFormatError(name, f"corrupt or truncated gzip data: {exc}") from exc


def read_zip_member(path: Path, suffix: str) -> tuple[str, bytes]:
    """The first member of a zip whose name ends with `suffix`, refusing zip bombs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(read_source(path)))
    except ARCHIVE_ERRORS as exc:
        raise ListFormatError(path.name, f"not a zip archive: {exc}") from exc
    with archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith(suffix.lower()):
                continue
            check_zip_member_claims(info, path.name)
            try:
                with archive.open(info) as member:
                    data = inflate_bounded(
                        member,
                        path.name,
                        functools.partial(_zip_consumed, member, info),
                        f"member {info.filename}",
                    )
            except ARCHIVE_ERRORS as exc:
                raise ListFormatError(
                    path.name, f"member {info.filename} is corrupt or truncated: {exc}"
                ) from exc
            return info.filename, data
    raise ListFormatError(path.name, f"no member ending in {suffix} in the archive")


def _zip_consumed(member: Any, info: zipfile.ZipInfo) -> int:
    """Compressed bytes zipfile has read of a member (an upper bound if it cannot tell)."""
    return int(info.compress_size - getattr(member, "_compress_left", 0))


def check_zip_member_claims(info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a member whose own header announces a bomb (the running check catches liars)."""
    if info.file_size > MAX_UNZIPPED_BYTES or (
        info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO
    ):
        raise ListFormatError(
            name,
            f"member {info.filename} would inflate from {info.compress_size} to "
            f"{info.file_size} bytes; refused as a zip bomb",
        )


def check_zip_members(data: bytes, name: str) -> None:
    """Inflate every member of a zip a chunk at a time (discarding it), checking its CRC.

    zipfile stops a member at the size its header claims (checked here against the
    limits) and a member that inflates to anything else fails its CRC: after this, a
    reader that trusts the headers (openpyxl) reads no more than they claim.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                check_zip_member_claims(info, name)
                with archive.open(info) as member:
                    consumed = functools.partial(_zip_consumed, member, info)
                    inflate_bounded(member, name, consumed, f"part {info.filename}", keep=False)
    except ListFormatError:
        raise
    except ARCHIVE_ERRORS as exc:
        raise ListFormatError(name, f"not a readable zip file, truncated? ({exc})") from exc


def decode_text(
    data: bytes, name: str, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")
) -> str:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ListFormatError(name, f"cannot decode as any of {', '.join(encodings)}")


def refuse_html(text: str, name: str) -> None:
    """An error page served instead of a list is the commonest bad download."""
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head:
        raise ListFormatError(
            name, "this is an HTML page, not a list file (an error page?)", line=1
        )


def iter_csv_records(
    text: str,
    name: str,
    *,
    columns: int | None = None,
    delimiter: str = ",",
    eof_marker: str | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each record, checking shape as it goes.

    `columns` demands an exact field count per record; `eof_marker` (OFAC's
    Ctrl-Z) must end the file, otherwise the file is taken to be truncated.
    """
    if not text.strip():
        raise ListFormatError(name, "empty file")
    refuse_html(text, name)
    body = text
    if eof_marker is not None:
        stripped = text.rstrip("\r\n ")
        if not stripped.endswith(eof_marker):
            if columns is not None:  # another file altogether, rather than a cut one?
                _check_first_record(text, name, columns, delimiter)
            raise ListFormatError(
                name,
                f"file does not end with the end-of-file marker {eof_marker!r}: "
                "truncated download?",
                line=text.count("\n") + 1,
            )
        body = stripped[: -len(eof_marker)]
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        start = line
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ListFormatError(name, f"malformed CSV: {exc}", line=reader.line_num) from exc
        line = reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if columns is not None and len(row) != columns:
            raise ListFormatError(name, f"expected {columns} columns, found {len(row)}", line=start)
        yield start, row


def _check_first_record(text: str, name: str, columns: int, delimiter: str) -> None:
    """The first record's shape, so a file of another format is not called truncated."""
    first = text[: 64 * 1024].split("\n", 1)[0]
    try:
        fields = next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return
    if len(fields) != columns:
        raise ListFormatError(
            name,
            f"expected {columns} columns, found {len(fields)}: not this list's file format",
            line=1,
        )


def check_csv_header(fields: list[str], expected: tuple[str, ...], what: str, name: str) -> None:
    """The header row must be exactly `expected` (the `what` columns, e.g. "CSL"); a byte
    order mark is tolerated. The error names the first column that differs."""
    header = tuple(f.strip().lstrip("\ufeff") for f in fields)
    if header == expected:
        return
    for index, (found, wanted) in enumerate(zip(header, expected, strict=False)):
        if found != wanted:
            raise ListFormatError(
                name,
                f"header column {index + 1} is {found!r}, expected {wanted!r} "
                f"(expected the {len(expected)} {what} columns {', '.join(expected)})",
                line=1,
            )
    raise ListFormatError(
        name,
        f"header has {len(header)} columns, expected the {len(expected)} {what} columns",
        line=1,
    )
