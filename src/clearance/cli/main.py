"""Entry point of the `clearance` command line."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from clearance.cli.audit_commands import register as register_audit_commands
from clearance.cli.context import err_console, one_line_error, state
from clearance.cli.match_commands import register as register_match_commands
from clearance.cli.monitor_commands import register as register_monitor_commands
from clearance.cli.serve_commands import register as register_serve_commands
from clearance.cli.store_commands import register as register_store_commands
from clearance.cli.update_command import register as register_update_command
from clearance.cli.users_commands import register as register_users_commands
from clearance.cli.workflow_commands import register as register_workflow_commands


class ClearanceApp(typer.Typer):
    """The command line; an error no command handles is one line on stderr and exit 1,
    never a traceback (CLEARANCE_DEBUG=1 shows it, for a bug report)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            if os.environ.get("CLEARANCE_DEBUG"):
                raise
            err_console.print(f"[red]error: {escape(one_line_error(exc))}[/red]")
            err_console.print("[dim](CLEARANCE_DEBUG=1 shows where it happened)[/dim]")
            sys.exit(1)


app = ClearanceApp(
    name="clearance",
    # Click's plain help wraps to the terminal (80 columns at most) and never cuts a word;
    # Rich's tables cut option names and help text in an 80-column terminal.
    rich_markup_mode=None,
    help=(
        "Sanctions and export-control screening from the governments' own lists.\n\n"
        "Exit codes: 0 done; 1 a hit with --fail-on-hit, or a command failed; 2 bad "
        "input; 3 nothing screened (no list version in force); 130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="CLEARANCE_DB",
            help="Store: a SQLite file path or a database URL (default: user data directory).",
        ),
    ] = None,
    stale_days: Annotated[
        int | None,
        typer.Option(
            "--stale-days",
            envvar="CLEARANCE_STALE_DAYS",
            min=0,
            help="Warn when a list screened against is older than this (default: 30).",
        ),
    ] = None,
) -> None:
    state.db = db
    state.stale_days = stale_days
    state._store = None


register_store_commands(app)
register_update_command(app)

register_match_commands(app)

register_workflow_commands(app)

register_serve_commands(app)

register_monitor_commands(app)

register_audit_commands(app)

register_users_commands(app)
