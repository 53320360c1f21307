"""Streaming writers for screening output: CSV, TSV, JSON Lines, Excel (.xlsx), Parquet.

Every writer can `commit()` (make all rows so far durable and say where it stands)
and be reopened from that state after a crash: text formats are cut back to the
committed length and appended to; Excel and Parquet, which cannot be appended to,
collect committed Parquet part files and build the final file in `finish()`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from clearance.workflows.formulas import FORMULA_STARTS, neutralise
from clearance.workflows.tables import TableError, plain_value

FORMULA_FIRST = frozenset(s[0] for s in FORMULA_STARTS)  # a cheap first look per cell


@dataclass
class WriterState:
    """Where a writer can be resumed from: bytes of a text file, or finished part files."""

    position: int = 0
    parts: list[str] = field(default_factory=list)


class TableWriter:
    """Writes rows with a fixed column order; `commit()` makes everything so far durable."""

    columns: list[str]

    def write(self, row: dict[str, Any]) -> None:  # pragma: no cover - abstract
        """Write one row; the writer may keep the dict until `commit`, so do not change it."""
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


class _AppendableTextWriter(TableWriter):
    """A text file written in place: on resume, any uncommitted tail is cut off first.

    Writing to standard output (`path` None) has nothing to commit or resume.
    """

    def __init__(self, path: Path | None, resume: WriterState | None, newline: str | None):
        self.path = path
        if path is None:
            import sys

            self._file: IO[str] = sys.stdout
            self._own = False
            return
        self._own = True
        if resume is not None and path.exists():
            with open(path, "r+b") as raw:
                raw.truncate(resume.position)
            self._file = open(path, "a", encoding="utf-8", newline=newline)  # noqa: SIM115
        else:
            self._file = open(path, "w", encoding="utf-8", newline=newline)  # noqa: SIM115

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


class DelimitedWriter(_AppendableTextWriter):
    """CSV/TSV, appended in place on resume after cutting any uncommitted tail."""

    def __init__(
        self,
        path: Path | None,
        columns: list[str],
        delimiter: str,
        resume: WriterState | None,
        keep_formulas: bool = False,
    ):
        super().__init__(path, resume, newline="")
        self.columns = columns
        self.keep_formulas = keep_formulas
        self._csv = csv.writer(self._file, delimiter=delimiter, lineterminator="\n")
        if resume is None or path is None or resume.position == 0:
            self._csv.writerow(self._cells(columns))

    def _cells(self, values: list[Any]) -> list[str]:
        # Most cells are already text; only the rest go through _cell_text.
        cells = [v if type(v) is str else _cell_text(v) for v in values]
        if self.keep_formulas:
            return cells
        return [neutralise(c) if c[:1] in FORMULA_FIRST else c for c in cells]

    def write(self, row: dict[str, Any]) -> None:
        self._csv.writerow(self._cells([row.get(c) for c in self.columns]))


class JsonLinesWriter(_AppendableTextWriter):
    """JSON Lines; values keep their JSON types (numbers stay numbers, lists stay lists)."""

    def __init__(self, path: Path | None, columns: list[str], resume: WriterState | None):
        super().__init__(path, resume, newline=None)
        self.columns = columns

    def write(self, row: dict[str, Any]) -> None:
        ordered = {c: plain_value(row.get(c)) for c in self.columns}
        for key, value in row.items():  # JSONL input: keys past the first object's survive
            if key not in ordered:
                ordered[key] = plain_value(value)
        self._file.write(json.dumps(ordered, ensure_ascii=False) + "\n")


class SpooledWriter(TableWriter):
    """Excel and Parquet cannot be appended to after a crash, so rows go to Parquet part
    files (one per commit) beside the output, and `finish()` streams them into the
    final file. Parts keep the values' types (numbers, dates) for the final file."""

    def __init__(
        self,
        path: Path,
        columns: list[str],
        kind: str,
        resume: WriterState | None,
        keep_formulas: bool = False,
    ):
        self.path = path
        self.columns = columns
        self.kind = kind
        self.keep_formulas = keep_formulas
        self.part_dir = path.with_name(path.name + ".parts")
        self.parts: list[str] = list(resume.parts) if resume else []
        self.part_dir.mkdir(parents=True, exist_ok=True)
        keep = set(self.parts)
        for stale in self.part_dir.glob("part-*.parquet"):
            if stale.name not in keep:
                stale.unlink()  # written after the last commit: redone on resume
        self._buffer: list[dict[str, Any]] = []

    def write(self, row: dict[str, Any]) -> None:
        self._buffer.append(row)  # columns are picked when the part is written

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
            _merge_parts_to_xlsx(self.part_dir, self.parts, self.columns, tmp, self.keep_formulas)
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


def _merge_parts_to_xlsx(
    part_dir: Path, parts: list[str], columns: list[str], out: Path, keep_formulas: bool
) -> None:
    import pyarrow.parquet as pq
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("screening")

    def cell(value: Any) -> Any:
        value = _xlsx_cell(value)
        if keep_formulas or not isinstance(value, str) or value[:1] not in FORMULA_FIRST:
            return value
        text = WriteOnlyCell(sheet, value)  # openpyxl would store "=…" as a formula
        text.data_type = "s"
        return text

    sheet.append([cell(c) for c in columns])
    for name in parts:
        for batch in pq.ParquetFile(part_dir / name).iter_batches(batch_size=2048):
            for row in batch.to_pylist():
                sheet.append([cell(row.get(c)) for c in columns])
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
    keep_formulas: bool = False,
) -> TableWriter:
    """A writer for `fmt`; `path=None` writes CSV/TSV/JSONL to standard output.

    CSV, TSV and Excel cells that a spreadsheet would run as formulas are written as
    text unless `keep_formulas` (see formulas.py); JSON Lines and Parquet are data.
    """
    p = Path(path) if path is not None else None
    if p is not None and p.parent and not p.parent.exists():
        raise TableError(p, f"output folder {p.parent} does not exist")
    if fmt == "csv":
        return DelimitedWriter(p, columns, ",", resume, keep_formulas)
    if fmt == "tsv":
        return DelimitedWriter(p, columns, "\t", resume, keep_formulas)
    if fmt == "jsonl":
        return JsonLinesWriter(p, columns, resume)
    if p is None:
        raise TableError("-", f"{fmt} output needs a file: give -o OUTPUT")
    return SpooledWriter(p, columns, fmt, resume, keep_formulas)
