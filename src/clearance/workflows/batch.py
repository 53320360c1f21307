"""Batch screening of tables: one output row per input row (or per hit), streamed.

`screen_rows` screens rows already in memory; `screen_file` streams a file of any
supported format to another, chunk by chunk, both cores matching in one pool of
worker processes kept for the whole file (`parallel.CheckPool`). After each chunk
the output is flushed and a small `OUTPUT.progress` file records how far it got,
so `resume=True` continues after a crash or Ctrl-C without redoing finished rows.
Each row is screened with exactly the arguments `Screener.check` gets for one
name, so results equal `clearance check`; each distinct query is checked once
(`row_screener.OutcomeCache`), since files repeat their parties.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.matching import DEFAULT_THRESHOLD
from clearance.workflows.columns import ColumnMap, map_columns
from clearance.workflows.parallel import CheckPool
from clearance.workflows.party_effects import PartySource
from clearance.workflows.report import write_html_report
from clearance.workflows.row_screener import (
    ALL_HITS_COLUMNS,
    RESULT_COLUMNS,
    OutcomeCache,
    Query,
    RowScreener,
    ScreenOptions,
    query_of,
)
from clearance.workflows.summary import Summary
from clearance.workflows.table_writers import TableWriter, WriterState, open_writer
from clearance.workflows.tables import (
    InputRow,
    TableError,
    detect_format,
    open_table,
)

__all__ = [
    "ALL_HITS_COLUMNS",
    "CRASH_ENV",
    "RESULT_COLUMNS",
    "OutcomeCache",
    "Query",
    "RowScreener",
    "ScreenOptions",
    "ScreenResult",
    "progress_path",
    "query_of",
    "screen_file",
    "screen_rows",
]

CRASH_ENV = "CLEARANCE_TEST_CRASH_AFTER_ROWS"  # tests: die mid-run like a killed process
PROGRESS_VERSION = 2


@dataclass
class ScreenResult:
    summary: Summary
    output: str | None
    resumed_rows: int = 0
    report: str | None = None
    columns: ColumnMap | None = None


def screen_rows(
    screener: Any,
    rows: Iterable[Mapping[str, Any]],
    columns: ColumnMap | None = None,
    options: ScreenOptions | None = None,
    store: PartySource | None = None,
) -> Iterator[dict[str, Any]]:
    """Screen rows held in memory (dicts); yields output rows: input values + screen_*."""
    opts = options or ScreenOptions()
    batch: list[InputRow] = []
    worker: RowScreener | None = None
    for number, values in enumerate(rows, start=1):
        if worker is None:
            mapping = columns or map_columns(list(values), "<rows>")
            worker = RowScreener(screener, mapping, opts, store)
        batch.append(InputRow(number, dict(values), f"row {number}"))
        if len(batch) >= opts.chunk_size:
            for out in worker.screen(batch):
                yield from out
            batch = []
    if worker is not None and batch:
        for out in worker.screen(batch):
            yield from out


# ----------------------------------------------------------------- files, resume


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def progress_path(output: str | Path) -> Path:
    p = Path(output)
    return p.with_name(p.name + ".progress")


def _write_progress(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


ProgressCallback = Callable[[int, int | None], None]  # rows done, estimated rows in all


def _estimated_rows(reader: Any, rows_read: int) -> int | None:
    """Rows in the whole input, from how far the reader got (bytes or rows)."""
    done, total = reader.progress()
    if not total or done <= 0:
        return None
    return max(rows_read, round(rows_read * total / done))


def screen_file(
    screener: Any,
    input_path: str | Path,
    output_path: str | Path | None = None,
    *,
    input_format: str | None = None,
    output_format: str | None = None,
    name_col: str | None = None,
    type_col: str | None = None,
    country_col: str | None = None,
    dob_col: str | None = None,
    id_cols: list[str] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    options: ScreenOptions | None = None,
    resume: bool = False,
    report_path: str | Path | None = None,
    store: PartySource | None = None,
    screening_key: str | None = None,
    on_progress: ProgressCallback | None = None,
    on_notice: Callable[[str], None] | None = None,
    report_notes: Mapping[str, Any] | None = None,
) -> ScreenResult:
    """Screen a table file to an output table (None: CSV on standard output).

    Raises `TableError` when the input cannot be read at all or has no name column;
    a bad row is reported in its output row (`screen_error`) and in the summary.
    `KeyboardInterrupt` leaves a resumable state behind (when writing to a file).
    `report_notes` go into the HTML report's header (the lists used and their age).
    """
    opts = options or ScreenOptions()
    notice = on_notice or (lambda _message: None)
    in_fmt = detect_format(input_path, input_format)
    if output_path is not None:
        out_fmt = detect_format(output_path, output_format)
    else:
        out_fmt = output_format or "csv"
        if resume:
            raise TableError("-", "--resume needs an output file (-o OUTPUT)")
    reader = open_table(input_path, in_fmt, encoding=encoding, sheet=sheet)
    with reader:
        mapping = map_columns(
            reader.columns,
            str(input_path),
            name_col=name_col,
            type_col=type_col,
            country_col=country_col,
            dob_col=dob_col,
            id_cols=id_cols,
        )
        fingerprint = {
            "version": PROGRESS_VERSION,
            "input": str(Path(input_path).resolve()),
            "input_sha256": file_sha256(input_path),
            "input_format": in_fmt,
            "output_format": out_fmt,
            "columns": mapping.to_dict(),
            "options": opts.fingerprint(),
            "lists": screening_key,
            "sheet": sheet,
            "encoding": encoding,
        }
        state_file = progress_path(output_path) if output_path is not None else None
        previous = _resumable_state(state_file, output_path, fingerprint, resume, out_fmt, notice)
        summary = Summary.from_dict(previous["summary"]) if previous else Summary()
        done = int(previous["rows_done"]) if previous else 0
        writer_state = WriterState(**previous["writer"]) if previous else None
        pool = CheckPool(screener, opts.workers)
        worker = RowScreener(screener, mapping, opts, store, summary, pool)
        out_columns = worker.output_columns(reader.columns)
        writer = open_writer(
            output_path, out_fmt, out_columns, writer_state, keep_formulas=opts.keep_formulas
        )
        crash_after = int(os.environ.get(CRASH_ENV, "0") or 0)
        started = time.monotonic()
        base_seconds = summary.seconds
        finished = False
        try:
            pool.__enter__()
            chunk: list[InputRow] = []
            rows = iter(reader)
            for row in rows:
                if row.number <= done:
                    continue  # finished before the interruption
                chunk.append(row)
                if len(chunk) >= opts.chunk_size:
                    done = _run_chunk(worker, chunk, writer, done, reader, on_progress)
                    chunk = []
                    summary.seconds = base_seconds + time.monotonic() - started
                    _commit(writer, state_file, fingerprint, done, summary, crash_after)
            if chunk:
                done = _run_chunk(worker, chunk, writer, done, reader, on_progress)
                summary.seconds = base_seconds + time.monotonic() - started
                _commit(writer, state_file, fingerprint, done, summary, crash_after)
            writer.finish()
            finished = True
        finally:
            pool.__exit__(None if finished else RuntimeError, None, None)
            if not finished:
                writer.abort()
    if state_file is not None:
        state_file.unlink(missing_ok=True)
    report = None
    if report_path is not None:
        meta = {
            "input": str(input_path),
            "output": str(output_path) if output_path else "stdout",
            "activity": opts.activity.value,
            "as of": opts.as_of.isoformat() if opts.as_of else "current lists",
            "threshold": f"{DEFAULT_THRESHOLD if opts.threshold is None else opts.threshold:.2f}",
            "rows/s": f"{summary.rows_per_second:,.0f}",
            **(report_notes or {}),
        }
        hit_rows: list[dict[str, Any]] = []
        former_rows: list[dict[str, Any]] = []
        if output_path is not None:
            for found in _found_rows_of(output_path, out_fmt):
                (hit_rows if _is_true(found.get("screen_hit")) else former_rows).append(found)
        write_html_report(report_path, summary, hit_rows, meta, former_rows)
        report = str(report_path)
    return ScreenResult(
        summary=summary,
        output=str(output_path) if output_path is not None else None,
        resumed_rows=int(previous["rows_done"]) if previous else 0,
        report=report,
        columns=mapping,
    )


def _run_chunk(
    worker: RowScreener,
    chunk: list[InputRow],
    writer: TableWriter,
    done: int,
    reader: Any,
    on_progress: ProgressCallback | None,
) -> int:
    total = _estimated_rows(reader, chunk[-1].number) if on_progress else None

    def checked(count: int) -> None:
        if on_progress:
            on_progress(done + count, total)

    for out_rows in worker.screen(chunk, checked if on_progress else None):
        for out in out_rows:
            writer.write(out)
    return chunk[-1].number


def _commit(
    writer: TableWriter,
    state_file: Path | None,
    fingerprint: dict[str, Any],
    done: int,
    summary: Summary,
    crash_after: int,
) -> None:
    if crash_after and done >= crash_after:
        # Test hook: rows are written but not committed, as when a process is killed.
        flush = getattr(getattr(writer, "_file", None), "flush", None)
        if flush:
            flush()
        os._exit(70)
    state = writer.commit()
    if state_file is not None:
        _write_progress(
            state_file,
            {
                **fingerprint,
                "rows_done": done,
                "writer": {"position": state.position, "parts": state.parts},
                "summary": summary.to_dict(),
            },
        )


def _resumable_state(
    state_file: Path | None,
    output_path: str | Path | None,
    fingerprint: dict[str, Any],
    resume: bool,
    out_fmt: str,
    notice: Callable[[str], None],
) -> dict[str, Any] | None:
    if state_file is None or not state_file.exists():
        if resume:
            notice("nothing to resume: screening from the first row")
        return None
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        state = None
    if not resume:
        notice(
            f"{state_file.name} shows an interrupted run; starting over "
            "(use --resume to continue it)"
        )
        return None
    if state is None:
        notice(f"{state_file.name} is unreadable: screening from the first row")
        return None
    differs = [k for k in fingerprint if k != "version" and state.get(k) != fingerprint[k]]
    if state.get("version") != PROGRESS_VERSION or differs:
        raise TableError(
            str(output_path),
            "cannot resume: the input file or the options changed since the interrupted run ("
            + ", ".join(differs or ["version"])
            + "); run without --resume to start over",
        )
    if out_fmt in ("csv", "tsv", "jsonl"):
        if output_path is None or not Path(output_path).exists():
            notice("the output of the interrupted run is gone: screening from the first row")
            return None
        if Path(output_path).stat().st_size < int(state["writer"]["position"]):
            raise TableError(str(output_path), "cannot resume: the output file was shortened")
    notice(f"resuming after row {state['rows_done']:,}")
    return dict(state)


def _is_true(flag: Any) -> bool:
    return flag is True or str(flag).lower() in ("yes", "true")


def _found_rows_of(output_path: str | Path, out_fmt: str) -> Iterator[dict[str, Any]]:
    """Rows that found a party, read back from the finished output for the report's
    tables: hits, and parties formerly (or not yet) listed, which are not hits."""
    with open_table(output_path, out_fmt) as reader:
        for row in reader:
            if _is_true(row.values.get("screen_hit")) or row.values.get("screen_status"):
                yield row.values
