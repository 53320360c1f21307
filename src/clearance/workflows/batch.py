"""Batch screening of tables: one output row per input row (or per hit), streamed.

`screen_rows` screens rows already in memory; `screen_file` streams a file of any
supported format to another, chunk by chunk, both cores matching in one pool of
worker processes kept for the whole file (`parallel.CheckPool`). After each chunk
the output is flushed and a small `OUTPUT.progress` file records how far it got,
so `resume=True` continues after a crash or Ctrl-C without redoing finished rows.
Each row is screened with exactly the arguments `Screener.check` gets for one
name, so results equal `clearance check`.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clearance.effects import Activity
from clearance.workflows.columns import ColumnMap, map_columns, schema_from_text
from clearance.workflows.parallel import CheckPool
from clearance.workflows.party_effects import PartyEffects, PartySource, store_of
from clearance.workflows.report import write_html_report
from clearance.workflows.summary import Summary
from clearance.workflows.table_writers import TableWriter, WriterState, open_writer
from clearance.workflows.tables import (
    InputRow,
    TableError,
    detect_format,
    open_table,
)

RESULT_COLUMNS = (
    "screen_row",
    "screen_input_name",
    "screen_hit",
    "screen_score",
    "screen_party_id",
    "screen_party",
    "screen_matched_name",
    "screen_lists",
    "screen_effect",
    "screen_verdict",
    "screen_reasons",
    "screen_explanation",
    "screen_hits",
    "screen_error",
)
ALL_HITS_COLUMNS = ("screen_rank",)
CRASH_ENV = "CLEARANCE_TEST_CRASH_AFTER_ROWS"  # tests: die mid-run like a killed process
PROGRESS_VERSION = 1


@dataclass(frozen=True)
class ScreenOptions:
    """How to screen each row; all of it goes into the resume fingerprint."""

    activity: Activity = Activity.TRANSACT
    as_of: date | None = None
    all_hits: bool = False
    threshold: float | None = None
    limit: int = 10
    workers: int = 2
    chunk_size: int = 1000

    def fingerprint(self) -> dict[str, Any]:
        return {
            "activity": self.activity.value,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "all_hits": self.all_hits,
            "threshold": self.threshold,
            "limit": self.limit,
        }


@dataclass
class ScreenResult:
    summary: Summary
    output: str | None
    resumed_rows: int = 0
    report: str | None = None
    columns: ColumnMap | None = None


@dataclass
class _Query:
    """The arguments of one `Screener.check` call, as read from a row."""

    name: str
    schema: str | None = None
    country: str | None = None
    birth_date: str | None = None
    identifiers: list[str] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "schema": self.schema,
            "country": self.country,
            "birth_date": self.birth_date,
            "identifiers": self.identifiers or None,
        }


def query_of(columns: ColumnMap, values: Mapping[str, Any]) -> _Query:
    """What `check` is asked for one row (empty name: nothing to screen)."""
    return _Query(
        name=columns.name_of(dict(values)),
        schema=schema_from_text(columns.text_of(dict(values), columns.type)),
        country=columns.text_of(dict(values), columns.country),
        birth_date=columns.text_of(dict(values), columns.dob),
        identifiers=columns.identifiers_of(dict(values)),
    )


def _check_batch(
    screener: Any,
    queries: list[_Query],
    options: ScreenOptions,
    pool: CheckPool | None,
    on_checked: Callable[[int], None] | None = None,
) -> list[list[Any]]:
    """Hits for each query: on the file's worker pool, else `check_many`, else one by one."""
    extra = {"limit": options.limit, "threshold": options.threshold}
    kwargs = [dict(q.as_kwargs(), **extra) for q in queries]
    if not kwargs:
        return []
    if pool is not None:
        return pool.run(kwargs, on_checked)
    check_many = getattr(screener, "check_many", None)
    if check_many is not None and options.workers > 1 and len(kwargs) > 1:
        return [list(h) for h in check_many(kwargs, workers=options.workers)]
    return [list(screener.check(**k)) for k in kwargs]


class RowScreener:
    """Screens input rows to output rows; keeps the summary counts as it goes."""

    def __init__(
        self,
        screener: Any,
        columns: ColumnMap,
        options: ScreenOptions,
        store: PartySource | None = None,
        summary: Summary | None = None,
        pool: CheckPool | None = None,
    ):
        self.screener = screener
        self.pool = pool
        self.columns = columns
        self.options = options
        self.parties = PartyEffects(
            store if store is not None else store_of(screener), options.as_of
        )
        self.summary = summary or Summary()

    def output_columns(self, input_columns: list[str]) -> list[str]:
        ours = list(RESULT_COLUMNS)
        if self.options.all_hits:
            ours[3:3] = ALL_HITS_COLUMNS
        return [c for c in input_columns if c not in ours] + ours

    def screen(
        self, rows: list[InputRow], on_checked: Callable[[int], None] | None = None
    ) -> list[list[dict[str, Any]]]:
        """Output rows for each input row, in order."""
        queries: list[_Query] = []
        wanted: list[int] = []
        problems: list[str | None] = []
        for index, row in enumerate(rows):
            problem = row.error
            query = query_of(self.columns, row.values) if row.values else _Query("")
            if not query.name:
                problem = "; ".join(p for p in (problem, "empty name: not screened") if p)
            else:
                queries.append(query)
                wanted.append(index)
            problems.append(problem)
        results = _check_batch(self.screener, queries, self.options, self.pool, on_checked)
        hits_of: dict[int, list[Any]] = dict(zip(wanted, results, strict=True))
        names = {i: q.name for i, q in zip(wanted, queries, strict=True)}
        out: list[list[dict[str, Any]]] = []
        for index, row in enumerate(rows):
            out.append(
                self._rows_for(row, names.get(index, ""), hits_of.get(index), problems[index])
            )
        return out

    def _rows_for(
        self, row: InputRow, name: str, hits: list[Any] | None, problem: str | None
    ) -> list[dict[str, Any]]:
        self.summary.rows += 1
        base = dict(row.values)
        for column in RESULT_COLUMNS:
            base[column] = None
        base["screen_row"] = row.number
        base["screen_input_name"] = name
        if problem:
            self.summary.add_error(row.where, problem)
            base["screen_error"] = f"{row.where}: {problem}"
        if hits is None:  # not screened
            return [base]
        base["screen_hit"] = bool(hits)
        base["screen_hits"] = len(hits)
        if not hits:
            return [base]
        self.summary.hit_rows += 1
        chosen = hits if self.options.all_hits else hits[:1]
        out = []
        seen_lists: set[str] = set()
        seen_effects: set[str] = set()
        verdicts = []
        for rank, hit in enumerate(chosen, start=1):
            record = dict(base)
            facts = self.parties.of(hit.entity_id, getattr(hit, "entity", None))
            verdict = facts.verdict(self.options.activity, self.options.as_of)
            verdicts.append(verdict.verdict.value)
            record.update(
                {
                    "screen_score": round(float(hit.score), 4),
                    "screen_party_id": hit.entity_id,
                    "screen_party": hit.name,
                    "screen_matched_name": hit.matched_name,
                    "screen_lists": "; ".join(facts.lists or (str(hit.list),)),
                    "screen_effect": "; ".join(facts.effect_kinds),
                    "screen_verdict": verdict.verdict.value,
                    "screen_reasons": " | ".join(verdict.reasons),
                    "screen_explanation": " | ".join(str(e) for e in hit.explanation),
                }
            )
            if self.options.all_hits:
                record["screen_rank"] = rank
            self.summary.hits += 1
            self.summary.add_score(float(hit.score))
            seen_lists.update(facts.lists or (str(hit.list),))
            seen_effects.update(facts.effect_kinds)
            out.append(record)
        for label in seen_lists:
            self.summary.by_list[label] += 1
        for kind in seen_effects or {"none"}:
            self.summary.by_effect[kind] += 1
        self.summary.by_verdict[verdicts[0]] += 1
        return out


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
) -> ScreenResult:
    """Screen a table file to an output table (None: CSV on standard output).

    Raises `TableError` when the input cannot be read at all or has no name column;
    a bad row is reported in its output row (`screen_error`) and in the summary.
    `KeyboardInterrupt` leaves a resumable state behind (when writing to a file).
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
        writer = open_writer(output_path, out_fmt, out_columns, writer_state)
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
            "threshold": opts.threshold,
            "rows/s": f"{summary.rows_per_second:,.0f}",
        }
        hit_rows = _hit_rows_of(output_path, out_fmt) if output_path is not None else []
        write_html_report(report_path, summary, hit_rows, meta)
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


def _hit_rows_of(output_path: str | Path, out_fmt: str) -> Iterator[dict[str, Any]]:
    """Hit rows read back from the finished output, for the report's table."""
    with open_table(output_path, out_fmt) as reader:
        for row in reader:
            flag = row.values.get("screen_hit")
            if flag is True or str(flag).lower() in ("yes", "true"):
                yield row.values
