"""CLI of the audit trail: verify (against checkpoints), checkpoint, export, new-key."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from clearance.cli.context import audit, console, err_console, state

audit_app = typer.Typer(
    rich_markup_mode=None, help="The tamper-evident audit trail (see docs/audit.md)."
)


def audit_verify(
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="A checkpoint file (`audit checkpoint --to`): also catches deleted newest "
            "records, an emptied trail and a chain recomputed with the key.",
        ),
    ] = None,
) -> None:
    """Recompute the keyed hash chain of the audit trail.

    Names any edited, deleted or reordered record.
    """
    from clearance.audit import verify
    from clearance.audit.checkpoints import CheckpointError, verify_against

    engine = state.store(autoload=False).engine
    result = verify(engine)
    problems = list(result.problems)
    if against is not None:
        try:
            problems += verify_against(engine, against)
        except CheckpointError as exc:
            err_console.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from exc
    for warning in result.warnings:
        err_console.print(f"[yellow]warning: {escape(warning)}[/yellow]")
    if not problems:
        checked = f" and {against}" if against is not None else ""
        console.print(f"audit trail intact: {result.checked} records (checked the chain{checked})")
        return
    for problem in problems:
        err_console.print(f"[red]{escape(problem)}[/red]")
    raise typer.Exit(1)


def audit_checkpoint(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="A file to append the signed line to (keep it off this database's machine "
            "or write-once), or an http(s) URL to POST it to.",
        ),
    ],
) -> None:
    """Write a signed checkpoint of the trail elsewhere.

    The newest record's seq, hash and time, signed with the audit key.
    """
    from clearance.audit.checkpoints import CheckpointError, write_checkpoint

    try:
        checkpoint = write_checkpoint(state.store(autoload=False).engine, to)
    except CheckpointError as exc:
        err_console.print(f"[red]checkpoint not written: {escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    console.print(
        f"checkpoint: record {checkpoint.seq} ({checkpoint.hash[:16]}…) at {checkpoint.at}, "
        f"key {checkpoint.key_id}, written to {escape(to)}"
    )


def audit_new_key() -> None:
    """Rotate the audit key.

    New records are signed with a new key; old ones still verify.
    """
    from clearance.audit.keys import AuditKeyError, add_key, key_file

    try:
        old_id, new_id = add_key()
    except AuditKeyError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    audit("audit.key", {"old_key_id": old_id, "new_key_id": new_id})
    console.print(f"new audit key {new_id} in {key_file()} (was {old_id}); keep a copy elsewhere")


def audit_export(
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, included.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Audit records between two days, for an examiner."""
    from clearance.audit import export
    from clearance.cli.store_commands import _as_of

    if fmt not in ("csv", "jsonl"):
        raise typer.BadParameter(f"--format must be csv or jsonl, not {fmt!r}")
    chunks = export(state.store(autoload=False).engine, fmt, _as_of(start), _as_of(end))
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    tmp = output.with_name(output.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        for chunk in chunks:
            handle.write(chunk)
    os.replace(tmp, output)
    console.print(f"written {output}")


def register(app: typer.Typer) -> None:
    audit_app.command("verify")(audit_verify)
    audit_app.command("checkpoint")(audit_checkpoint)
    audit_app.command("export")(audit_export)
    audit_app.command("new-key")(audit_new_key)
    app.add_typer(audit_app, name="audit")
