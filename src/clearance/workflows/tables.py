"""Streaming readers for the tables a compliance team screens.

CSV, TSV, Excel (.xlsx), JSON Lines and Parquet, in and out, one row at a time so
a ten-million-row file never sits in memory. A reader never stops at a bad row: it
yields the row with an error naming its row (and, for text files, its line) so
that the batch goes on; only a file that cannot be read at all raises `TableError`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

FORMATS = ("csv", "tsv", "xlsx", "jsonl", "parquet")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


class TableError(Exception):
    """A table that cannot be read or written at all: names the file and where."""

    def __init__(self, path: str | Path, message: str, row: int | None = None):
        self.path = str(path)
        self.row = row
        self.message = message
        where = f" row {row}" if row is not None else ""
        super().__init__(f"{self.path}{where}: {message}")


def detect_format(path: str | Path, explicit: str | None = None) -> str:
    """The table format: as given, else from the extension (a trailing .gz is not read)."""
    if explicit:
        fmt = explicit.lower().lstrip(".")
        fmt = {"xls": "xlsx", "excel": "xlsx", "ndjson": "jsonl", "json": "jsonl"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise TableError(path, f"unknown format {explicit!r}; one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(str(path)).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix == ".xls":
        raise TableError(path, "old Excel .xls is not supported; save the sheet as .xlsx or CSV")
    raise TableError(
        path, f"cannot tell the format from the extension {suffix or '(none)'!r}; use --format"
    )


@dataclass(slots=True)
class InputRow:
    """One data row: its 1-based number, where it sits in the file, its values, its problem."""

    number: int
    values: dict[str, Any]
    where: str  # "row 12 (line 13)", "sheet Holdings row 14", "line 9"
    error: str | None = None


def plain_value(value: Any) -> Any:
    """A value as JSON can carry it: dates become ISO text, decimals floats."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    return str(value)


def _unique_columns(path: str | Path, header: list[Any]) -> list[str]:
    """Header names made unique and non-empty, so every input column survives to the output."""
    seen: dict[str, int] = {}
    columns = []
    for index, raw in enumerate(header, start=1):
        name = str(raw).strip() if raw is not None else ""
        if not name:
            name = f"column_{index}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 1)
        columns.append(name)
    return columns


class TableReader:
    """Base of the readers: `columns`, iteration over `InputRow`, and how far it got."""

    path: Path
    columns: list[str]

    def __iter__(self) -> Iterator[InputRow]:  # pragma: no cover - abstract
        raise NotImplementedError

    def progress(self) -> tuple[float, float | None]:
        """(done, total) in the reader's own unit (bytes or rows), for a progress bar."""
        return (0.0, None)

    def close(self) -> None:
        pass

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _DecodedLines:
    """Binary lines decoded one by one, so a bad byte spoils one row, not the file."""

    def __init__(self, raw: IO[bytes], encoding: str):
        self.raw = raw
        self.encoding = encoding
        self.line_no = 0
        self.errors: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.raw.readline()
        if not line:
            raise StopIteration
        self.line_no += 1
        try:
            return line.decode(self.encoding)
        except UnicodeDecodeError as exc:
            self.errors.append(
                f"line {self.line_no}: not valid {self.encoding} at byte {exc.start} "
                f"({line[exc.start : exc.start + 4]!r}); read with replacement characters, "
                "give the right --encoding"
            )
            return line.decode(self.encoding, errors="replace")


def _sniff_encoding(path: Path, head: bytes, requested: str | None) -> tuple[str, int]:
    """Encoding and BOM length: UTF-8 by default; UTF-16 files say so by their BOM."""
    if head.startswith(codecs.BOM_UTF8):
        return (requested or "utf-8"), 3
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TableError(path, "file is UTF-16; save it as UTF-8 (CSV UTF-8 in Excel)")
    if b"\x00" in head[:4096] and requested is None:
        raise TableError(path, "file holds NUL bytes: not a text table (wrong format?)")
    return (requested or "utf-8"), 0


class DelimitedReader(TableReader):
    """CSV or TSV through the csv module, reading the binary file line by line."""

    def __init__(self, path: Path, delimiter: str, encoding: str | None = None):
        self.path = path
        try:
            self._raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise TableError(path, f"cannot open: {exc.strerror or exc}") from exc
        self._size = os.fstat(self._raw.fileno()).st_size
        head = self._raw.read(8192)
        enc, bom = _sniff_encoding(path, head, encoding)
        try:
            codecs.lookup(enc)
        except LookupError as exc:
            raise TableError(path, f"unknown encoding {enc!r}") from exc
        self._raw.seek(bom)
        self._lines = _DecodedLines(self._raw, enc)
        self._reader = csv.reader(self._lines, delimiter=delimiter, strict=False)
        try:
            header = next(self._reader)
        except StopIteration as exc:
            raise TableError(path, "empty file: no header row") from exc
        except csv.Error as exc:
            raise TableError(path, f"header line is not readable CSV: {exc}", row=None) from exc
        if self._lines.errors:
            raise TableError(path, f"header {self._lines.errors[0]}")
        self.header_lines = self._lines.line_no
        self.columns = _unique_columns(path, header)

    def __iter__(self) -> Iterator[InputRow]:
        number = 0
        width = len(self.columns)
        while True:
            start_line = self._lines.line_no + 1
            self._lines.errors.clear()
            try:
                fields = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield InputRow(
                    number, {}, f"row {number} (line {start_line})", f"unreadable CSV: {exc}"
                )
                continue
            if not fields or all(not f.strip() for f in fields):
                continue  # blank line: not a row
            number += 1
            where = f"row {number} (line {start_line})"
            values: dict[str, Any] = dict(zip(self.columns, fields, strict=False))
            problems = list(self._lines.errors)
            if len(fields) != width:
                problems.append(
                    f"{len(fields)} fields where the header has {width}"
                    + ("; extra fields dropped" if len(fields) > width else "")
                )
                for column in self.columns[len(fields) :]:
                    values[column] = ""
            yield InputRow(number, values, where, "; ".join(problems) or None)

    def progress(self) -> tuple[float, float | None]:
        try:
            return float(self._raw.tell()), float(self._size)
        except (OSError, ValueError):
            return 0.0, float(self._size)

    def close(self) -> None:
        self._raw.close()


class JsonLinesReader(TableReader):
    """One JSON object a line; columns are the keys of the first object."""

    def __init__(self, path: Path, encoding: str | None = None):
        self.path = path
        try:
            self._raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise TableError(path, f"cannot open: {exc.strerror or exc}") from exc
        self._size = os.fstat(self._raw.fileno()).st_size
        head = self._raw.read(8192)
        enc, bom = _sniff_encoding(path, head, encoding)
        self._raw.seek(bom)
        self._lines = _DecodedLines(self._raw, enc)
        self._pending: list[tuple[int, str]] = []
        self.columns = []
        for line in self._lines:
            self._pending.append((self._lines.line_no, line))
            if not line.strip():
                continue
            try:
                first = json.loads(line)
            except json.JSONDecodeError:
                break
            if isinstance(first, dict):
                self.columns = [str(k) for k in first]
            break
        if not self._pending:
            raise TableError(path, "empty file: no JSON object")

    def _numbered(self) -> Iterator[tuple[int, str, list[str]]]:
        for line_no, line in self._pending:
            yield line_no, line, []
        self._pending = []
        for line in self._lines:
            errors = list(self._lines.errors)
            self._lines.errors.clear()
            yield self._lines.line_no, line, errors

    def __iter__(self) -> Iterator[InputRow]:
        number = 0
        for line_no, line, decode_errors in self._numbered():
            if not line.strip():
                continue
            number += 1
            where = f"line {line_no}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputRow(
                    number, {}, where, f"not valid JSON at column {exc.colno}: {exc.msg}"
                )
                continue
            if not isinstance(obj, dict):
                yield InputRow(
                    number, {}, where, f"a JSON {type(obj).__name__}, not an object of columns"
                )
                continue
            error = "; ".join(decode_errors) or None
            yield InputRow(number, {str(k): v for k, v in obj.items()}, where, error)

    def progress(self) -> tuple[float, float | None]:
        try:
            return float(self._raw.tell()), float(self._size)
        except (OSError, ValueError):
            return 0.0, float(self._size)

    def close(self) -> None:
        self._raw.close()


class XlsxReader(TableReader):
    """An Excel sheet in openpyxl's read-only mode: rows stream from the zip, not into memory."""

    def __init__(self, path: Path, sheet: str | None = None):
        import zipfile

        from openpyxl import load_workbook

        self.path = path
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except FileNotFoundError as exc:
            raise TableError(path, "cannot open: no such file") from exc
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise TableError(path, f"not a readable .xlsx workbook: {exc}") from exc
        if sheet is not None and sheet not in self._book.sheetnames:
            raise TableError(
                path, f"no sheet {sheet!r}; sheets: {', '.join(self._book.sheetnames)}"
            )
        self._sheet = self._book[sheet] if sheet else self._book.worksheets[0]
        self.sheet_name = self._sheet.title
        self._rows = self._sheet.iter_rows(values_only=True)
        self._row_no = 0
        self.columns = []
        for row in self._rows:
            self._row_no += 1
            if row and any(v not in (None, "") for v in row):
                self.columns = _unique_columns(path, list(row))
                break
        if not self.columns:
            raise TableError(path, f"sheet {self.sheet_name!r} is empty: no header row")
        while self.columns and self.columns[-1].startswith("column_"):
            self.columns.pop()  # trailing formatted-but-empty header cells
        self._total = self._sheet.max_row

    def __iter__(self) -> Iterator[InputRow]:
        number = 0
        width = len(self.columns)
        for row in self._rows:
            self._row_no += 1
            if not row or all(v in (None, "") for v in row):
                continue
            number += 1
            values = {c: plain_value(v) for c, v in zip(self.columns, row, strict=False)}
            for column in self.columns[len(row) :]:
                values[column] = None
            extra = [v for v in row[width:] if v not in (None, "")]
            error = (
                f"{len(extra)} value(s) right of the last header column dropped" if extra else None
            )
            yield InputRow(number, values, f"sheet {self.sheet_name!r} row {self._row_no}", error)

    def progress(self) -> tuple[float, float | None]:
        return float(self._row_no), float(self._total) if self._total else None

    def close(self) -> None:
        self._book.close()


class ParquetReader(TableReader):
    """A Parquet file batch by batch with pyarrow."""

    def __init__(self, path: Path, batch_size: int = 4096):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path = path
        try:
            self._file = pq.ParquetFile(path)
        except FileNotFoundError as exc:
            raise TableError(path, "cannot open: no such file") from exc
        except (pa.ArrowException, OSError) as exc:
            raise TableError(path, f"not a readable Parquet file: {exc}") from exc
        self.columns = list(self._file.schema_arrow.names)
        self.arrow_schema = self._file.schema_arrow
        self._batch_size = batch_size
        self._done = 0

    def __iter__(self) -> Iterator[InputRow]:
        import pyarrow as pa

        number = 0
        try:
            for batch in self._file.iter_batches(batch_size=self._batch_size):
                for values in batch.to_pylist():
                    number += 1
                    self._done = number
                    yield InputRow(number, values, f"row {number}")
        except (pa.ArrowException, OSError) as exc:
            raise TableError(self.path, f"unreadable after row {number}: {exc}") from exc

    def progress(self) -> tuple[float, float | None]:
        return float(self._done), float(self._file.metadata.num_rows)

    def close(self) -> None:
        self._file.close()


def open_table(
    path: str | Path,
    fmt: str | None = None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> TableReader:
    """A streaming reader for a table file; `TableError` if it cannot be read at all."""
    p = Path(path)
    kind = detect_format(p, fmt)
    if not p.exists():
        raise TableError(p, "cannot open: no such file")
    if p.is_dir():
        raise TableError(p, "is a directory, not a table file")
    if kind == "csv":
        return DelimitedReader(p, ",", encoding)
    if kind == "tsv":
        return DelimitedReader(p, "\t", encoding)
    if kind == "jsonl":
        return JsonLinesReader(p, encoding)
    if kind == "xlsx":
        return XlsxReader(p, sheet)
    return ParquetReader(p)
