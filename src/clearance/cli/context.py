"""State shared by CLI commands: which store to open, and the consoles."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape

from clearance.store import ListStore
from clearance.store.freshness import ListsInForce
from clearance.store.writer_lock import WriterInfo

# In a pipe or a file Rich would wrap at 80 columns; tables of list facts need more.
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)


# Exit codes every command keeps: 0 done, 1 a hit when asked to fail on hits (or the
# command failed), 2 bad input, 3 screened against no list at all, 130 interrupted.
EXIT_NOTHING_SCREENED = 3


@dataclass
class CliState:
    db: str | None = None
    stale_days: int | None = None  # --stale-days; None: CLEARANCE_STALE_DAYS or 30
    _store: ListStore | None = None

    def store(self, autoload: bool = True) -> ListStore:
        """Open the store once per command; an empty store gets the bundled snapshot.

        Commands that bring their own data (load, update) pass autoload=False.
        """
        if self._store is None:
            store = ListStore.open(self.db)
            store.on_writer_wait = _say_waiting
            if autoload and store.is_empty():
                from clearance.snapshot import load_bundled_snapshot

                err_console.print("[dim]First use: loading the bundled offline snapshot…[/dim]")
                load_bundled_snapshot(store)
            self._store = store
        return self._store


def _say_waiting(holder: WriterInfo | None) -> None:
    """Told once when a load must wait for another process's load to finish."""
    who = holder.describe() if holder is not None else "another load is running"
    err_console.print(f"[yellow]{escape(who)}; waiting[/yellow]")


state = CliState()


def report_lists_used(
    used: ListsInForce, as_json: bool = False, summary_to: Console | None = None
) -> None:
    """Say which lists a screening used (on stderr, or `summary_to`); warn of old lists;
    stop with exit code 3 when it screened against none. With --json the warnings are
    in the document instead, and only the refusal goes to stderr."""
    import typer

    if not as_json and not used.empty:
        (summary_to or err_console).print(f"[dim]{escape(used.summary())}[/dim]")
        for warning in used.warnings():
            if not used.empty:
                err_console.print(f"[yellow]Warning: {escape(warning)}[/yellow]")
    if used.empty:
        for warning in used.warnings():
            err_console.print(f"[bold red]{escape(warning)}[/bold red]")
        raise typer.Exit(EXIT_NOTHING_SCREENED)


def one_line_error(exc: BaseException) -> str:
    """An error in one line an operator can act on: a database error without its SQL
    and bound parameters (which may hold names), anything else as its type and message."""
    original = getattr(exc, "orig", None)  # sqlalchemy's DBAPIError wraps the driver's
    if isinstance(original, BaseException):
        exc = original
    text = " ".join(str(exc).split()) or "no message"
    return text if type(exc).__module__.startswith("clearance") else f"{type(exc).__name__}: {text}"


def audit(action: str, payload: dict[str, Any]) -> None:
    """Write what a command did to the audit trail, as the user who ran it."""
    import getpass

    from clearance.audit import record

    record(state.store(autoload=False).engine, f"cli:{getpass.getuser()}", action, payload)
