"""Reading list files as bytes and CSV records, with the checks every loader needs.

Bundled snapshot files are gzip-compressed; downloads are not. Loaders call
`read_source` and never care which. CSV readers report the physical line of
each record so an error can point at it.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from clearance.loaders.errors import ListFormatError

# A zip member may not inflate beyond this, nor by more than this ratio (zip bombs).
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200


def read_source(path: Path) -> bytes:
    """The file's bytes, gunzipped when the name ends in .gz."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if name.endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_UNZIPPED_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise ListFormatError(name, f"corrupt or truncated gzip data: {exc}") from exc
        if len(data) > MAX_UNZIPPED_BYTES:
            raise ListFormatError(name, f"decompresses to more than {MAX_UNZIPPED_BYTES} bytes")
    return data


def read_zip_member(path: Path, suffix: str) -> tuple[str, bytes]:
    """The first member of a zip whose name ends with `suffix`, refusing zip bombs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(read_source(path)))
    except zipfile.BadZipFile as exc:
        raise ListFormatError(path.name, f"not a zip archive: {exc}") from exc
    with archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith(suffix.lower()):
                continue
            if info.file_size > MAX_UNZIPPED_BYTES or (
                info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO
            ):
                raise ListFormatError(
                    path.name,
                    f"member {info.filename} would inflate from {info.compress_size} to "
                    f"{info.file_size} bytes; refused as a zip bomb",
                )
            with archive.open(info) as member:
                data = member.read(MAX_UNZIPPED_BYTES + 1)
            if len(data) > MAX_UNZIPPED_BYTES:
                raise ListFormatError(path.name, f"member {info.filename} inflates too far")
            return info.filename, data
    raise ListFormatError(path.name, f"no member ending in {suffix} in the archive")


def refuse_zip_bomb(data: bytes, name: str) -> None:
    """Refuse a truncated zip container (xlsx) or a zip bomb before a reader inflates it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ListFormatError(name, f"not a readable xlsx (zip) file, truncated? ({exc})") from exc
    with archive:
        for info in archive.infolist():
            if info.file_size > MAX_UNZIPPED_BYTES or (
                info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO
            ):
                raise ListFormatError(
                    name, f"workbook part {info.filename} inflates too far; refused as a zip bomb"
                )


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
