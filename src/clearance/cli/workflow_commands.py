"""CLI commands for the screening workflows: screen (files), scan (free text), portfolio.

A thin layer over `clearance.workflows`: options in, library call, Rich output out.
Exit codes: 0 done, 1 something hit and --fail-on-hit asked to fail, 2 bad input,
130 interrupted (the batch can be resumed).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from clearance.cli.context import audit, console, err_console, report_lists_used, state
from clearance.effects import Activity

if TYPE_CHECKING:  # the workflows import the matcher: loaded only when a command runs
    from clearance.store.freshness import ListsInForce
    from clearance.workflows.scan import ScanResult
    from clearance.workflows.summary import Summary

AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Screen against the list versions in force on this date."),
]
Lists = Annotated[
    list[str] | None,
    typer.Option("--list", help="Only this list id (repeat for several; default: all)."),
]
Threshold = Annotated[
    float | None,
    typer.Option(help="Lowest score reported, 0-1 (default: the matcher's threshold)."),
]
ActivityOption = Annotated[
    Activity,
    typer.Option(help="What you intend to do with the party: the verdict depends on it."),
]


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


def lists_used(lists: list[str] | None, day: date | None) -> ListsInForce:
    """The versions a command will screen against, with their age (see `report_lists_used`)."""
    from clearance.ownership.storage import ownership_lists_in_force
    from clearance.store.freshness import lists_in_force

    store = state.store()
    owned = ownership_lists_in_force(store.engine, lists, day)
    return lists_in_force(store, lists, day, state.stale_days, ownership=owned)


def load_screener(lists: list[str] | None, as_of: date | None) -> Any:
    """The screener over the store's lists in force on `as_of` (its index is cached), with
    the derived listings of the ownership lists in force; `.matcher` and `.store` are what
    the workflows take."""
    from clearance.workflows.screening import Screener

    return Screener.load(lists, as_of, store=state.store())


def _fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[red]{message}[/red]")
    return typer.Exit(code)


def print_summary(summary: Summary, title: str, threshold: float | None = None) -> None:
    """Rows, hits and errors at the threshold, then hits by list, effect and verdict (on
    stderr). Rows that found only a party no longer listed are counted apart."""
    from clearance.matching import DEFAULT_THRESHOLD

    bar = DEFAULT_THRESHOLD if threshold is None else threshold
    err_console.print(
        f"[bold]{title}[/bold] at the threshold {bar:.2f}: {summary.rows:,} rows, "
        f"{summary.hit_rows:,} with a hit, {summary.errors:,} with an error"
        + (f", {summary.rows_per_second:,.0f} rows/s" if summary.seconds else "")
    )
    if summary.formerly_listed_rows:
        err_console.print(
            f"  formerly listed (listings ended; not counted as hits): "
            f"{summary.formerly_listed_rows:,} row"
            + ("s" if summary.formerly_listed_rows != 1 else "")
        )
    if summary.not_yet_listed_rows:
        err_console.print(
            f"  listed only after the screening date (not counted as hits): "
            f"{summary.not_yet_listed_rows:,} row"
            + ("s" if summary.not_yet_listed_rows != 1 else "")
        )
    for label, counts in (
        ("by list", summary.by_list),
        ("by effect", summary.by_effect),
        ("by verdict", summary.by_verdict),
    ):
        if counts:
            parts = ", ".join(
                f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            err_console.print(f"  {label}: {parts}")
    for sample in summary.error_samples[:10]:
        err_console.print(f"  [yellow]{sample}[/yellow]")
    if summary.errors > 10:
        err_console.print(f"  [yellow]… {summary.errors - 10:,} more rows with errors[/yellow]")


def screen_command(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV, TSV, xlsx, JSONL or Parquet")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (default: CSV on stdout).")
    ] = None,
    output_format: Annotated[
        str | None, typer.Option("--format", help="Output format when the extension does not say.")
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option("--input-format", help="Input format when the extension does not say."),
    ] = None,
    name_col: Annotated[str | None, typer.Option(help="Column with the name.")] = None,
    type_col: Annotated[str | None, typer.Option(help="Column with person/company/vessel.")] = None,
    country_col: Annotated[str | None, typer.Option(help="Column with a country.")] = None,
    dob_col: Annotated[str | None, typer.Option(help="Column with a birth date.")] = None,
    id_col: Annotated[
        list[str] | None, typer.Option(help="Column with identifiers (repeatable).")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Excel sheet (default: the first).")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding (default: UTF-8).")] = None,
    activity: ActivityOption = Activity.TRANSACT,
    as_of: AsOf = None,
    lists: Lists = None,
    threshold: Threshold = None,
    all_hits: Annotated[
        bool, typer.Option(help="One output row per hit, not per input row.")
    ] = False,
    resume: Annotated[
        bool, typer.Option(help="Continue an interrupted run without redoing finished rows.")
    ] = False,
    fail_on_hit: Annotated[bool, typer.Option(help="Exit 1 when any row hits.")] = False,
    report: Annotated[
        Path | None, typer.Option(help="Write a self-contained HTML report here.")
    ] = None,
    keep_formulas: Annotated[
        bool,
        typer.Option(
            help="Copy cells such as =HYPERLINK(…) raw into CSV/TSV/Excel output "
            "(default: written as text, so a spreadsheet does not run them)."
        ),
    ] = False,
    workers: Annotated[int, typer.Option(help="Processes matching in parallel.")] = 2,
    chunk_size: Annotated[int, typer.Option(help="Rows per commit.", hidden=True)] = 4096,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")] = False,
    engine: Annotated[
        str, typer.Option(help="local, or spark: screen on Apache Spark (clearance[spark]).")
    ] = "local",
    master: Annotated[
        str | None, typer.Option(help="Spark master URL for --engine spark (default local[*]).")
    ] = None,
) -> None:
    """Screen every row of a table file.

    One output row per input row (or per hit), with the screen_* columns; the summary
    goes to stderr.
    """
    from clearance.workflows.batch import ScreenOptions, progress_path, screen_file
    from clearance.workflows.tables import TableError

    day = _as_of(as_of)
    options = ScreenOptions(
        activity=activity,
        as_of=day,
        all_hits=all_hits,
        threshold=threshold,
        workers=max(1, workers),
        chunk_size=max(1, chunk_size),
        keep_formulas=keep_formulas,
    )
    if not input_path.exists():
        raise _fail(f"{input_path}: cannot open: no such file")
    if engine not in ("local", "spark"):
        raise _fail(f"--engine {engine!r}: choose local or spark")
    used = lists_used(lists, day)
    if used.empty:  # screening a file against nothing would write "no hit" on every row
        report_lists_used(used)
    if engine == "spark":
        from clearance.spark.command import screen_on_spark

        unsupported = {"--resume": resume, "--report": report, "--sheet": sheet}
        unsupported["--encoding"] = encoding
        return screen_on_spark(
            input_path,
            output,
            store=state.store(),
            options=options,
            lists=lists,
            master=master,
            input_format=input_format,
            output_format=output_format,
            name_col=name_col,
            type_col=type_col,
            country_col=country_col,
            dob_col=dob_col,
            id_cols=id_col,
            unsupported=unsupported,
            quiet=quiet,
            fail_on_hit=fail_on_hit,
        )
    screener = load_screener(lists, day)
    store = screener.store
    show_bar = err_console.is_terminal and not quiet
    progress = Progress(
        TextColumn("screening"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rows]} rows · {task.fields[rate]} rows/s"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not show_bar,
    )
    started = time.monotonic()
    task = progress.add_task("screen", total=None, rows="0", rate="-")

    first: list[int] = []  # rows done at the first report (a resumed run starts there)

    def on_progress(rows: int, total: int | None) -> None:
        if not first:
            first.append(rows)
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = f"{(rows - first[0]) / elapsed:,.0f}"
        progress.update(task, completed=rows, total=total, rows=f"{rows:,}", rate=rate)

    def on_notice(message: str) -> None:
        if not quiet:
            err_console.print(f"[dim]{message}[/dim]")

    try:
        with progress:
            result = screen_file(
                screener.matcher,
                input_path,
                output,
                input_format=input_format,
                output_format=output_format,
                name_col=name_col,
                type_col=type_col,
                country_col=country_col,
                dob_col=dob_col,
                id_cols=id_col,
                encoding=encoding,
                sheet=sheet,
                options=options,
                resume=resume,
                report_path=report,
                store=store,
                screening_key=store.screening_key(lists, day),
                on_progress=on_progress,
                on_notice=on_notice,
                report_notes={"lists used": used.summary(), "warnings": " ".join(used.warnings())},
            )
    except TableError as exc:
        raise _fail(str(exc)) from exc
    except KeyboardInterrupt:
        done = "?"
        if output is not None and progress_path(output).exists():
            done = f"{json.loads(progress_path(output).read_text())['rows_done']:,}"
        err_console.print(
            f"[yellow]Interrupted after {done} rows; run the same command with --resume "
            "to continue.[/yellow]"
        )
        raise typer.Exit(130) from None
    summary = result.summary
    audit(
        "screening.batch",
        {
            "input": str(input_path),
            "output": str(output) if output is not None else None,
            "activity": options.activity.value,
            "as_of": day.isoformat() if day else None,
            "threshold": threshold,
            "versions": _versions(lists, day),
            "rows": summary.rows,
            "hit_rows": summary.hit_rows,
            "errors": summary.errors,
            "by_verdict": dict(summary.by_verdict),
        },
    )
    if not quiet:
        print_summary(result.summary, f"screened {input_path.name}", threshold)
        report_lists_used(used)
        if result.resumed_rows:
            err_console.print(f"  resumed after row {result.resumed_rows:,}")
        if result.report:
            err_console.print(f"  report: {result.report}")
    if fail_on_hit and result.summary.hit_rows:
        raise typer.Exit(1)


def _print_scan(result: ScanResult, explain: bool) -> None:
    """The mentions as a table, why any was accepted under the threshold, and per party
    the verdict's reasons (list text as written: "[us-csl/EL]" is not Rich markup)."""
    bar = f"{result.threshold:.2f}"
    if not result.mentions:
        console.print(f"No listed party found ({result.words:,} words, threshold {bar}).")
    else:
        table = Table(title=f"Listed parties mentioned ({result.words:,} words, threshold {bar})")
        for column in ("span", "text", "party", "score", "decision", "lists", "effect", "verdict"):
            table.add_column(column)
        for m in result.mentions:
            table.add_row(
                f"{m.start}-{m.end}",
                Text(m.text),
                Text.assemble(m.name, "\n", (m.entity_id, "dim")),
                f"{m.score:.2f}",
                m.decision,
                Text("\n".join(m.lists)),
                "\n".join(m.effects),
                (m.verdict or "").replace("_", " "),
            )
        console.print(table)
        for m in result.mentions:
            if m.decision != "match":
                why = m.explanation if m.decision == "probable" else m.explanation[-1:]
                console.print(
                    Text.assemble(
                        (f"'{m.text}'", "bold"), f" at {m.start}-{m.end} ({m.decision}): "
                    )
                    + Text("; ".join(why))
                )
        shown: set[str] = set()
        for m in result.mentions:
            if (m.party_key or m.entity_id) in shown:
                continue
            shown.add(m.party_key or m.entity_id)
            console.print(Text.assemble("\n", (m.name, "bold"), f" ({m.verdict}):"))
            for reason in m.reasons:
                console.print(Text(f"  - {reason}"))
    if explain and result.considered:
        console.print("\n[bold]Considered and refused[/bold]")
        for c in result.considered:
            console.print(
                Text(f"  '{c.text}' at {c.start}-{c.end} ({c.entity_id}): " + "; ".join(c.reasons))
            )


def scan_command(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="Text, HTML, PDF or DOCX; - reads stdin")
    ],
    input_format: Annotated[
        str | None, typer.Option("--format", help="text, html, pdf or docx (default: sniffed).")
    ] = None,
    activity: ActivityOption = Activity.TRANSACT,
    as_of: AsOf = None,
    lists: Lists = None,
    threshold: Threshold = None,
    explain: Annotated[
        bool, typer.Option(help="Also list spans considered and refused, and why.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    fail_on_hit: Annotated[bool, typer.Option(help="Exit 1 when a party is mentioned.")] = False,
) -> None:
    """The listed parties a document mentions.

    With their spans, scores and effects; text, HTML, PDF or DOCX.
    """
    from clearance.workflows.documents import DocumentError, document_text, read_document
    from clearance.workflows.scan import scan_text

    day = _as_of(as_of)
    try:
        if source == "-":
            text = document_text(sys.stdin.buffer.read(), "<stdin>", input_format)
        else:
            text = read_document(source, input_format)
    except DocumentError as exc:
        raise _fail(str(exc)) from exc
    used = lists_used(lists, day)
    if used.empty:
        report_lists_used(used, as_json)
    screener = load_screener(lists, day)
    result = scan_text(
        screener.matcher,
        text,
        activity=activity,
        as_of=day,
        threshold=threshold,
        store=screener.store,
    )
    audit(  # the text by its hash and length: the document stays with whoever holds it
        "screening.scan",
        {
            "source": source,
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "characters": len(text),
            "activity": activity.value,
            "as_of": day.isoformat() if day else None,
            "threshold": threshold,
            "versions": _versions(lists, day),
            "mentions": [
                {"entity_id": m.entity_id, "score": round(m.score, 4), "span": [m.start, m.end]}
                for m in result.mentions
            ],
        },
    )
    if as_json:
        document = {**result.to_dict(), "lists": used.to_dict(), "warnings": used.warnings()}
        console.print_json(json.dumps(document, ensure_ascii=False))
    else:
        _print_scan(result, explain)
        report_lists_used(used)
    if fail_on_hit and result.mentions:
        raise typer.Exit(1)


def portfolio_command(
    holdings: Annotated[
        Path, typer.Argument(help="Holdings table: CSV, TSV, xlsx, JSONL, Parquet")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write every holding with its result.")
    ] = None,
    output_format: Annotated[str | None, typer.Option("--format", help="Output format.")] = None,
    isin_col: Annotated[str | None, typer.Option(help="Column with the ISIN.")] = None,
    issuer_col: Annotated[str | None, typer.Option(help="Column with the issuer name.")] = None,
    sheet: Annotated[str | None, typer.Option(help="Excel sheet (default: the first).")] = None,
    as_of: AsOf = None,
    threshold: Threshold = None,
    as_json: Annotated[bool, typer.Option("--json", help="Flagged holdings as JSON.")] = False,
    fail_on_hit: Annotated[bool, typer.Option(help="Exit 1 when a holding is flagged.")] = False,
) -> None:
    """Flag restricted securities (NS-CMIC) among holdings.

    By ISIN, else by issuer name.
    """
    from clearance.workflows.portfolio import PortfolioOptions, screen_portfolio
    from clearance.workflows.tables import TableError

    day = _as_of(as_of)
    if not holdings.exists():
        raise _fail(f"{holdings}: cannot open: no such file")
    used = lists_used(None, day)
    if used.empty:
        report_lists_used(used, as_json)
    screener = load_screener(None, day)
    try:
        summary, flagged = screen_portfolio(
            screener.matcher,
            holdings,
            output,
            output_format=output_format,
            options=PortfolioOptions(
                as_of=day, threshold=threshold, isin_col=isin_col, issuer_col=issuer_col
            ),
            store=screener.store,
            sheet=sheet,
            write_rows=False,  # stdout holds the table or the JSON document, nothing else
        )
    except TableError as exc:
        raise _fail(str(exc)) from exc
    audit(
        "screening.portfolio",
        {
            "input": str(holdings),
            "output": str(output) if output is not None else None,
            "as_of": day.isoformat() if day else None,
            "threshold": threshold,
            "versions": _versions(None, day),
            "rows": summary.rows,
            "flagged": [
                {"row": row["portfolio_row"], "entity_id": row["portfolio_party_id"]}
                for row in flagged
            ],
        },
    )
    if as_json:
        document = {
            "holdings": summary.rows,
            "flagged": flagged,
            "output": str(output) if output is not None else None,
            "lists": used.to_dict(),
            "warnings": used.warnings(),
        }
        console.print_json(json.dumps(document, default=str, ensure_ascii=False))
    else:
        table = Table(title=f"Flagged holdings: {len(flagged)} of {summary.rows}")
        for column in (
            "row",
            "holding",
            "flag",
            "party",
            "lists",
            "listed",
            "divestment",
            "verdict",
        ):
            table.add_column(column)
        for row in flagged:
            table.add_row(
                str(row["portfolio_row"]),
                str(row.get("portfolio_input") or ""),
                f"{row['portfolio_flag']} ({row['portfolio_match']})",
                f"{row['portfolio_party']}\n[dim]{row['portfolio_party_id']}[/dim]",
                str(row["portfolio_lists"]),
                str(row["portfolio_listed_on"] or ""),
                str(row["portfolio_divestment_on"] or ""),
                str(row["portfolio_verdict"] or "").replace("_", " "),
            )
        console.print(table)
        print_summary(summary, f"screened {holdings.name}", threshold)
        report_lists_used(used)
    if fail_on_hit and flagged:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)
    app.command("scan")(scan_command)
    app.command("portfolio")(portfolio_command)


def _versions(lists: list[str] | None, day: date | None) -> dict[str, int]:
    """{list id: version id} screened against, for the audit record."""
    return {k: v.id for k, v in state.store().current_versions(lists, day).items()}
