"""The `--engine spark` branch of `clearance screen`: checks, the Spark job, a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from clearance.workflows.batch import ScreenOptions
from clearance.workflows.tables import TableError

ENGINES = ("local", "spark")


def screen_on_spark(
    input_path: Path,
    output: Path | None,
    *,
    store: Any,
    options: ScreenOptions,
    lists: list[str] | None,
    master: str | None,
    input_format: str | None,
    output_format: str | None,
    name_col: str | None,
    type_col: str | None,
    country_col: str | None,
    dob_col: str | None,
    id_cols: list[str] | None,
    unsupported: dict[str, Any],
    quiet: bool,
    fail_on_hit: bool,
) -> None:
    """Run `clearance screen` on Spark; exits 2 on bad input, 1 on a hit with --fail-on-hit."""
    from clearance.cli.context import err_console

    def fail(message: str) -> typer.Exit:
        err_console.print(f"[red]{message}[/red]")
        return typer.Exit(2)

    if output is None:
        raise fail("--engine spark writes a Spark output folder: give one with -o OUTPUT")
    used = [flag for flag, value in unsupported.items() if value]
    if used:
        raise fail(f"--engine spark does not support {', '.join(used)}")
    try:
        from clearance.spark.job import run_screen_job
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise fail(f"--engine spark needs pyspark: pip install 'clearance[spark]' ({exc})") from exc
    try:
        run = run_screen_job(
            input_path,
            output,
            store=store,
            options=options,
            lists=lists,
            master=master,
            input_format=input_format,
            output_format=output_format,
            name_col=name_col,
            type_col=type_col,
            country_col=country_col,
            dob_col=dob_col,
            id_cols=id_cols,
        )
    except TableError as exc:
        raise fail(str(exc)) from exc
    if not quiet:
        rate = run.rows / run.seconds if run.seconds else 0.0
        err_console.print(
            f"[bold]screened {input_path.name} on Spark[/bold]: {run.rows:,} rows, "
            f"{run.hit_rows:,} with a hit, {run.error_rows:,} with an error, "
            f"{rate:,.0f} rows/s -> {run.output}"
        )
    if fail_on_hit and run.hit_rows:
        raise typer.Exit(1)
