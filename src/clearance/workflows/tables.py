"""Streaming readers and writers for the tables a compliance team screens.

CSV, TSV, Excel (.xlsx), JSON Lines and Parquet, in and out, one row at a time so
a ten-million-row file never sits in memory. A reader never stops at a bad row: it
yields the row with an error naming its row (and, for text files, its line) so
that the batch goes on; only a file that cannot be read at all raises `TableError`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
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


# ------------------------------------------------------------------------ writers


@dataclass
class WriterState:
    """Where a writer can be resumed from: bytes of a text file, or finished part files."""

    position: int = 0
    parts: list[str] = field(default_factory=list)


class TableWriter:
    """Writes rows with a fixed column order; `commit()` makes everything so far durable."""

    columns: list[str]

    def write(self, row: dict[str, Any]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def commit(self) -> WriterState:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def abort(self) -> None:
        """Close without finishing (Ctrl-C, crash): what was committed stays resumable."""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(plain_value(value), ensure_ascii=False)
    return str(plain_value(value))


class DelimitedWriter(TableWriter):
    """CSV/TSV, appended in place on resume after cutting any uncommitted tail."""

    def __init__(
        self, path: Path | None, columns: list[str], delimiter: str, resume: WriterState | None
    ):
        self.columns = columns
        self.path = path
        if path is None:
            import sys

            self._file: IO[str] = sys.stdout
            self._own = False
        else:
            self._own = True
            if resume is not None and path.exists():
                with open(path, "r+b") as raw:
                    raw.truncate(resume.position)
                self._file = open(path, "a", encoding="utf-8", newline="")  # noqa: SIM115
            else:
                self._file = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._csv = csv.writer(self._file, delimiter=delimiter, lineterminator="\n")
        if resume is None or path is None or resume.position == 0:
            self._csv.writerow(columns)

    def write(self, row: dict[str, Any]) -> None:
        self._csv.writerow([_cell_text(row.get(c)) for c in self.columns])

    def commit(self) -> WriterState:
        self._file.flush()
        if self._own:
            os.fsync(self._file.fileno())
            return WriterState(position=self._file.tell())
        return WriterState()

    def finish(self) -> None:
        self._file.flush()
        if self._own:
            self._file.close()

    def abort(self) -> None:
        if self._own and not self._file.closed:
            self._file.close()


class JsonLinesWriter(TableWriter):
    """JSON Lines; values keep their JSON types (numbers stay numbers, lists stay lists)."""

    def __init__(self, path: Path | None, columns: list[str], resume: WriterState | None):
        self.columns = columns
        if path is None:
            import sys

            self._file: IO[str] = sys.stdout
            self._own = False
        else:
            self._own = True
            if resume is not None and path.exists():
                with open(path, "r+b") as raw:
                    raw.truncate(resume.position)
                self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115
            else:
                self._file = open(path, "w", encoding="utf-8")  # noqa: SIM115

    def write(self, row: dict[str, Any]) -> None:
        ordered = {c: plain_value(row.get(c)) for c in self.columns}
        for key, value in row.items():  # JSONL input: keys past the first object's survive
            if key not in ordered:
                ordered[key] = plain_value(value)
        self._file.write(json.dumps(ordered, ensure_ascii=False) + "\n")

    def commit(self) -> WriterState:
        self._file.flush()
        if self._own:
            os.fsync(self._file.fileno())
            return WriterState(position=self._file.tell())
        return WriterState()

    def finish(self) -> None:
        self._file.flush()
        if self._own:
            self._file.close()

    def abort(self) -> None:
        if self._own and not self._file.closed:
            self._file.close()


class SpooledWriter(TableWriter):
    """Excel and Parquet cannot be appended to after a crash, so rows go to Parquet part
    files (one per commit) beside the output, and `finish()` streams them into the
    final file. Parts keep the values' types (numbers, dates) for the final file."""

    def __init__(self, path: Path, columns: list[str], kind: str, resume: WriterState | None):
        self.path = path
        self.columns = columns
        self.kind = kind
        self.part_dir = path.with_name(path.name + ".parts")
        self.parts: list[str] = list(resume.parts) if resume else []
        self.part_dir.mkdir(parents=True, exist_ok=True)
        keep = set(self.parts)
        for stale in self.part_dir.glob("part-*.parquet"):
            if stale.name not in keep:
                stale.unlink()  # written after the last commit: redone on resume
        self._buffer: list[dict[str, Any]] = []

    def write(self, row: dict[str, Any]) -> None:
        self._buffer.append({c: row.get(c) for c in self.columns})

    def commit(self) -> WriterState:
        if self._buffer:
            name = f"part-{len(self.parts):06d}.parquet"
            write_parquet_rows(self.part_dir / name, self.columns, self._buffer)
            self.parts.append(name)
            self._buffer = []
        return WriterState(parts=list(self.parts))

    def finish(self) -> None:
        self.commit()
        tmp = self.path.with_name(self.path.name + ".tmp")
        if self.kind == "parquet":
            _merge_parts_to_parquet(self.part_dir, self.parts, self.columns, tmp)
        else:
            _merge_parts_to_xlsx(self.part_dir, self.parts, self.columns, tmp)
        os.replace(tmp, self.path)
        for name in self.parts:
            (self.part_dir / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.part_dir.rmdir()


def _arrow_table(columns: list[str], rows: list[dict[str, Any]]) -> Any:
    """An Arrow table from rows; a column of mixed types falls back to text."""
    import pyarrow as pa

    arrays = []
    for column in columns:
        values = [r.get(column) for r in rows]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays.append(pa.array([None if v is None else _cell_text(v) for v in values]))
    return pa.Table.from_arrays(arrays, names=columns)


def write_parquet_rows(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(_arrow_table(columns, rows), tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _unified_schema(part_dir: Path, parts: list[str], columns: list[str]) -> Any:
    """One schema for all parts: a column null in one part takes its type from another;
    a column typed differently in two parts becomes text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types: dict[str, Any] = {}
    for name in parts:
        for f in pq.read_schema(part_dir / name):
            known = types.get(f.name)
            if known is None or pa.types.is_null(known):
                types[f.name] = f.type
            elif not pa.types.is_null(f.type) and known != f.type:
                both_numeric = pa.types.is_integer(known) or pa.types.is_floating(known)
                if both_numeric and (pa.types.is_integer(f.type) or pa.types.is_floating(f.type)):
                    types[f.name] = pa.float64()
                else:
                    types[f.name] = pa.string()
    return pa.schema([(c, types.get(c) or pa.string()) for c in columns])


def _cast_part(table: Any, schema: Any) -> Any:
    import pyarrow as pa

    arrays = []
    for f in schema:
        column = table.column(f.name)
        if column.type != f.type:
            if pa.types.is_string(f.type) and not pa.types.is_null(column.type):
                column = pa.array(
                    [None if v is None else _cell_text(v) for v in column.to_pylist()]
                )
            else:
                column = column.cast(f.type)
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=schema)


def _merge_parts_to_parquet(
    part_dir: Path, parts: list[str], columns: list[str], out: Path
) -> None:
    import pyarrow.parquet as pq

    schema = _unified_schema(part_dir, parts, columns)
    with pq.ParquetWriter(out, schema) as writer:
        for name in parts:
            writer.write_table(_cast_part(pq.read_table(part_dir / name), schema))


def _merge_parts_to_xlsx(part_dir: Path, parts: list[str], columns: list[str], out: Path) -> None:
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("screening")
    sheet.append(columns)
    for name in parts:
        for batch in pq.ParquetFile(part_dir / name).iter_batches(batch_size=2048):
            for row in batch.to_pylist():
                sheet.append([_xlsx_cell(row.get(c)) for c in columns])
    book.save(out)


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | dt.date | dt.datetime):
        if isinstance(value, str) and len(value) > 32767:
            return value[:32760] + "…"  # Excel's cell limit
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _cell_text(value)


def open_writer(
    path: str | Path | None,
    fmt: str,
    columns: list[str],
    resume: WriterState | None = None,
) -> TableWriter:
    """A writer for `fmt`; `path=None` writes CSV/TSV/JSONL to standard output."""
    p = Path(path) if path is not None else None
    if p is not None and p.parent and not p.parent.exists():
        raise TableError(p, f"output folder {p.parent} does not exist")
    if fmt == "csv":
        return DelimitedWriter(p, columns, ",", resume)
    if fmt == "tsv":
        return DelimitedWriter(p, columns, "\t", resume)
    if fmt == "jsonl":
        return JsonLinesWriter(p, columns, resume)
    if p is None:
        raise TableError("-", f"{fmt} output needs a file: give -o OUTPUT")
    return SpooledWriter(p, columns, fmt, resume)
