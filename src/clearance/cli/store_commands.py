"""CLI commands over the list store: lists, show, diff, load."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from clearance.cli.context import audit, console, err_console, one_line_error, state
from clearance.cli.entity_view import party_view
from clearance.loaders.errors import ListFormatError
from clearance.loaders.registry import LIST_SOURCES, identify_file, load_list_files
from clearance.loaders.source_files import read_source
from clearance.store import SourceFile, StoreError, VersionRejected

STALE_AFTER_DAYS = 30

AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Use the list versions in force on this date (YYYY-MM-DD)."),
]


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


def lists_command(
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Each list: its current version, date, source, entity count and age."""
    store = state.store()
    current = store.current_versions(as_of=_as_of(as_of))
    rows: list[dict[str, Any]] = []
    for list_id, version in sorted(current.items()):
        last = store.last_update(list_id)
        rows.append(
            {
                "list": list_id,
                "version": version.id,
                "date": version.effective_date.isoformat() if version.date_known else None,
                "date_source": version.date_source,
                "loaded": version.retrieved_at.date().isoformat(),
                "age_days": version.age_days(),
                "entities": version.entity_count,
                "source_rows": version.stats.get("source_rows", version.entity_count),
                "origin": version.origin,
                "source": version.source,
                "sha256": version.sha256,
                "warnings": version.warnings,
                "last_update": (f"{last['result']} {last['at']:%Y-%m-%d %H:%M}" if last else None),
                "last_update_message": last["message"] if last else None,
            }
        )
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table(title=f"Lists in {store.url}")
    for column in ("list", "version", "date", "age", "entities", "rows", "last update", "title"):
        table.add_column(
            column,
            justify="right" if column in ("entities", "rows", "version") else "left",
            no_wrap=column != "title",
        )
    for row in rows:
        age = f"{row['age_days']} days"
        if row["age_days"] is None:
            age = "[yellow]unknown[/yellow]"
        elif row["age_days"] > STALE_AFTER_DAYS:
            age = f"[yellow]{age}[/yellow]"
        table.add_row(
            row["list"],
            str(row["version"]),
            row["date"] or f"unknown (loaded {row['loaded']})",
            age,
            f"{row['entities']:,}",
            f"{row['source_rows']:,}",
            row["last_update"] or "",
            LIST_SOURCES[row["list"]].title if row["list"] in LIST_SOURCES else "",
        )
    console.print(table)
    stale = [r["list"] for r in rows if (r["age_days"] or 0) > STALE_AFTER_DAYS]
    if stale:
        err_console.print(
            f"[yellow]Warning: {', '.join(stale)} older than {STALE_AFTER_DAYS} days; "
            "run `clearance update`.[/yellow]"
        )
    undated = [r["list"] for r in rows if r["age_days"] is None]
    if undated:
        err_console.print(
            f"[yellow]Warning: {', '.join(undated)}: publication date unknown, so whether "
            "it is out of date cannot be told; run `clearance update`, or load the files "
            "with --published YYYY-MM-DD.[/yellow]"
        )


def show_command(
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. ofac-nonsdn:30946")],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """One listed party in full, with every listing the sources tie to it."""
    store = state.store()
    day = _as_of(as_of)
    entity = store.get_entity(entity_id, day)
    if entity is None:
        err_console.print(f"[red]No entity {entity_id!r} in the lists in force.[/red]")
        raise typer.Exit(1)
    party = store.party(entity_id, day)
    history = []
    for version, record_hash in store.history(entity_id):
        status = "absent" if record_hash is None else "present"
        history.append(f"v{version.id} {version.effective_date} {status}")
    if as_json:
        console.print_json(
            json.dumps({"entity": entity.to_dict(), "party": [m.to_dict() for m in party]})
        )
        return
    console.print(party_view(entity, party, history))


def diff_command(
    list_id: Annotated[str, typer.Argument(help="List id, e.g. ofac-sdn")],
    from_ref: Annotated[
        str | None, typer.Option("--from", help="Version id or date (default: the previous one)")
    ] = None,
    to_ref: Annotated[
        str | None, typer.Option("--to", help="Version id or date (default: the current one)")
    ] = None,
    limit: Annotated[int, typer.Option(help="Entities to print per section.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """What changed between two versions of a list: added, removed, changed (which fields)."""
    store = state.store()
    try:
        delta = store.diff(list_id, from_ref, to_ref)
    except StoreError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "list": list_id,
                    "from": delta.from_version.id if delta.from_version else None,
                    "to": delta.to_version.id,
                    "added": delta.added,
                    "removed": delta.removed,
                    "changed": [{"id": c.entity_id, "fields": c.fields} for c in delta.changed],
                }
            )
        )
        return
    before = (
        f"v{delta.from_version.id} ({delta.from_version.effective_date})"
        if delta.from_version
        else "nothing"
    )
    console.print(
        f"[bold]{list_id}[/bold]: {before} -> v{delta.to_version.id} "
        f"({delta.to_version.effective_date}): {len(delta.added):,} added, "
        f"{len(delta.removed):,} removed, {len(delta.changed):,} changed"
    )
    for label, ids in (("added", delta.added), ("removed", delta.removed)):
        for eid in ids[:limit]:
            console.print(f"  {label:8} {eid}")
        if len(ids) > limit:
            console.print(f"  … {len(ids) - limit:,} more {label}")
    for change in delta.changed[:limit]:
        console.print(f"  changed  {change.entity_id}: {', '.join(change.fields)}")
    if len(delta.changed) > limit:
        console.print(f"  … {len(delta.changed) - limit:,} more changed")


def load_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Official list files, by their published names")
    ],
    list_id: Annotated[
        str | None, typer.Option("--list", help="List id, when the file names do not tell")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Accept a version that drops >20 % of entities")
    ] = False,
    published: Annotated[
        str | None,
        typer.Option(help="Publication date for files that carry none (OFAC CSVs), YYYY-MM-DD"),
    ] = None,
    wait: Annotated[
        bool,
        typer.Option(help="Wait while another load writes to the store (--no-wait: give up)."),
    ] = True,
) -> None:
    """Load local official files into the store as a new version of their list."""
    published_on = _as_of(published)
    store = state.store(autoload=False)
    store.writer_timeout = None if wait else 0.0
    groups: dict[str, dict[str, Path]] = {}
    for path in paths:
        known = identify_file(path)
        if known is None and list_id is None:
            err_console.print(f"[red]{path}: unknown file name; say which list with --list[/red]")
            raise typer.Exit(2)
        target, role = known if known else (list_id or "", path.stem.lower())
        groups.setdefault(list_id or target, {})[role] = path
    failed = False
    for target, files in groups.items():
        try:
            result = load_list_files(target, files)
            if published_on is not None and result.published is None:
                result.published = published_on.isoformat()
                result.date_source = "operator"
            source_files = [
                SourceFile.from_bytes(role, p.name.removesuffix(".gz"), read_source(p))
                for role, p in files.items()
            ]
            outcome = store.record_load(
                result,
                source_files,
                ", ".join(str(p) for p in files.values()),
                "file",
                force=force,
            )
        except Exception as exc:  # refused files, or a fault: one line, and the next list goes on
            refused = isinstance(exc, ListFormatError | VersionRejected)
            outcome_text, message = ("rejected" if refused else "failed"), one_line_error(exc)
            store.log(target, ", ".join(str(p) for p in files.values()), outcome_text, message)
            audit(
                "list.update",
                {
                    "list": target,
                    "result": outcome_text,
                    "source": [str(p) for p in files.values()],
                    "message": message,
                },
            )
            err_console.print(f"[red]{target}: not loaded: {escape(message)}[/red]")
            failed = True
            continue
        audit(
            "list.update",
            {
                "list": target,
                "result": outcome.result,
                "source": [str(p) for p in files.values()],
                "version": outcome.version.id,
                "sha256": outcome.version.sha256,
                "added": outcome.added,
                "removed": outcome.removed,
                "changed": outcome.changed,
            },
        )
        for warning in outcome.warnings:
            err_console.print(f"[yellow]{target}: {escape(warning)}[/yellow]")
        console.print(
            f"{target}: {outcome.result} v{outcome.version.id} "
            f"({outcome.version.entity_count:,} entities; +{outcome.added} -{outcome.removed} "
            f"~{outcome.changed})"
        )
    if failed:
        raise typer.Exit(1)


def export_command(
    list_id: Annotated[str, typer.Argument(help="List id, e.g. un-sc")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout)")
    ] = None,
    as_of: AsOf = None,
) -> None:
    """Export a list as FollowTheMoney JSON lines (entities plus their Sanction records)."""
    from clearance.loaders.ftm_json import export_ftm

    store = state.store()
    if list_id not in store.current_versions(as_of=_as_of(as_of)):
        err_console.print(f"[red]No version of {list_id!r} in the store for that date.[/red]")
        raise typer.Exit(1)
    lines = (
        json.dumps(item, ensure_ascii=False, sort_keys=True)
        for item in export_ftm(store.entities([list_id], _as_of(as_of)))
    )
    if output is None:
        for line in lines:
            typer.echo(line)
        return
    count = 0
    with output.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")
            count += 1
    err_console.print(f"wrote {count:,} FollowTheMoney entities to {output}")


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
    app.command("lists")(lists_command)
    app.command("show")(show_command)
    app.command("diff")(diff_command)
    app.command("load")(load_command)
