"""CLI `clearance update`: a thin front to `clearance.update.update_lists`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from clearance.cli.context import audit, console, err_console, state

if TYPE_CHECKING:
    from clearance.update import UpdateOutcome

# The defaults of clearance.update.download, repeated so that `clearance --help` and
# every other command need not import the HTTP client (tests/update checks they agree).
DEFAULT_TIMEOUT = 30.0
DEFAULT_TRIES = 3

_STYLE = {
    "loaded": "green",
    "unchanged": "dim",
    "skipped": "dim",
    "rejected": "red",
    "failed": "red",
}


def _print(outcome: UpdateOutcome) -> None:
    text = escape(outcome.describe())
    target = console if outcome.ok else err_console
    target.print(f"[{_STYLE[outcome.result]}]{text}[/]", soft_wrap=True)
    for warning in outcome.warnings:
        err_console.print(
            f"[yellow]{escape(outcome.list_id)}: {escape(warning)}[/]", soft_wrap=True
        )


def update_command(
    lists: Annotated[
        list[str] | None,
        typer.Argument(
            help="List ids to update, e.g. ofac-sdn un-sc (default: all).", show_default=False
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A local folder holding the official files (plain or .gz), or a base URL "
            "under which the official file names are fetched (a mirror).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Accept a version that drops more than 20 % of the entities.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds without progress before a try is given up.")
    ] = DEFAULT_TIMEOUT,
    tries: Annotated[
        int,
        typer.Option(min=1, max=10, help="Attempts per file on timeouts, cut connections, 5xx."),
    ] = DEFAULT_TRIES,
    wait: Annotated[
        bool,
        typer.Option(help="Wait while another load writes to the store (--no-wait: give up)."),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Download the lists from the official sources.

    A bad file never replaces a good version.

    Every file is validated in full before the list's version is switched in one
    transaction. Exit code 1 if any list failed or was rejected.
    """
    from clearance.update import UpdateUsageError, update_lists

    store = state.store(autoload=False)
    store.writer_timeout = None if wait else 0.0
    try:
        outcomes = update_lists(
            store,
            lists or None,
            source,
            force=force,
            progress=err_console.is_terminal and not as_json,
            timeout=timeout,
            tries=tries,
        )
    except UpdateUsageError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from exc
    for o in outcomes:
        audit(
            "list.update",
            {
                "list": o.list_id,
                "result": o.result,
                "source": o.source,
                "message": o.message,
                "version": o.version.number if o.version else None,
                "load_id": o.version.id if o.version else None,
                "added": o.added,
                "removed": o.removed,
                "changed": o.changed,
            },
        )
    if as_json:
        rows = [
            {
                "list": o.list_id,
                "result": o.result,
                "message": o.message,
                "source": o.source,
                "version": o.version.number if o.version else None,
                "load_id": o.version.id if o.version else None,
                "entities": o.version.entity_count if o.version else None,
                "added": o.added,
                "removed": o.removed,
                "changed": o.changed,
                "warnings": o.warnings,
            }
            for o in outcomes
        ]
        console.print_json(json.dumps(rows))
    else:
        for outcome in outcomes:
            _print(outcome)
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("update")(update_command)
