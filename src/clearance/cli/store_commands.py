"""CLI commands over the list store: lists, show, diff, load."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from clearance.cli.context import (
    audit,
    console,
    err_console,
    one_line_error,
    report_lists_used,
    state,
)
from clearance.cli.entity_view import ownership_lines, party_view
from clearance.loaders.errors import ListFormatError
from clearance.loaders.registry import LIST_SOURCES, identify_file, is_user_list, load_list_files
from clearance.loaders.source_files import read_source
from clearance.store import SourceFile, StoreError, VersionRejected

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
    """The lists in the store: version, date, age and size.

    Each list's version in force, its date, source, entity count and age (old ones are
    flagged), and how many parties the linking rules tie across lists.
    """
    from clearance.store.freshness import lists_in_force
    from clearance.store.party_keys import RULES

    store = state.store()
    day = _as_of(as_of)
    current = store.current_versions(as_of=day)
    used = lists_in_force(store, None, day, state.stale_days)
    ages = {age.list_id: age for age in used.lists}
    rows: list[dict[str, Any]] = []
    for list_id, version in sorted(current.items()):
        rows.append(
            {
                "list": list_id,
                "version": version.number,
                "load_id": version.id,
                "date": version.effective_date.isoformat() if version.date_known else None,
                "date_source": version.date_source,
                "loaded": version.retrieved_at.date().isoformat(),
                "age_days": ages[list_id].age_days,
                "stale": ages[list_id].stale,
                "entities": version.entity_count,
                "source_rows": version.stats.get("source_rows", version.entity_count),
                **_provenance(version, store.last_update(list_id)),
            }
        )
    rows.extend(_ownership_rows(store, day))
    if as_json:
        console.print_json(json.dumps(rows))
        report_lists_used(used, as_json=True)
        return
    if used.empty:
        report_lists_used(used)
    table = Table(title=f"Lists in {store.url}" + (f" on {day.isoformat()}" if day else ""))
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
        elif row["stale"]:
            age = f"[yellow]{age}[/yellow]"
        table.add_row(
            row["list"],
            str(row["version"]),
            row["date"] or f"unknown (loaded {row['loaded']})",
            age,
            f"{row['entities']:,}",
            f"{row['source_rows']:,}",
            row["last_update"] or "",
            LIST_SOURCES[row["list"]].title
            if row["list"] in LIST_SOURCES
            else row.get("title", ""),
        )
    console.print(table)
    links = store.party_links(day)
    parties, records = links["all"]
    console.print(f"Records tied into parties: {records:,} records in {parties:,} parties, by")
    for rule, what in RULES.items():
        joined, tied = links[rule]
        console.print(f"  {what}: {joined:,} parties of {tied:,} records")
    for warning in used.warnings():
        err_console.print(f"[yellow]Warning: {escape(warning)}[/yellow]")


def _provenance(version: Any, last: dict[str, Any] | None) -> dict[str, Any]:
    """Where a version came from and how its list's last load or update went: the same
    fields for official lists and ownership data."""
    return {
        "origin": version.origin,
        "source": version.source,
        "sha256": version.sha256,
        "warnings": version.warnings,
        "last_update": (f"{last['result']} {last['at']:%Y-%m-%d %H:%M}" if last else None),
        "last_update_message": last["message"] if last else None,
    }


def _ownership_rows(store: Any, as_of: date | None) -> list[dict[str, Any]]:
    """The ownership lists in force, as rows of `clearance lists` (kind "ownership")."""
    from clearance.ownership.storage import ownership_lists_in_force

    rows = []
    for list_id, version in sorted(ownership_lists_in_force(store.engine, None, as_of).items()):
        rows.append(
            {
                "list": list_id,
                "kind": "ownership",
                "version": version.number,
                "load_id": version.id,
                "date": version.effective_date.isoformat(),
                "age_days": (date.today() - version.effective_date).days,
                "stale": False,  # data the user keeps, not an official list that ages
                "entities": version.party_count,
                "source_rows": version.edge_count,
                "edges": version.edge_count,
                "format": version.format,
                **_provenance(version, store.last_update(list_id)),
                "title": f"ownership data ({version.format}): parties and their holdings",
            }
        )
    return rows


def show_command(
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. ofac-nonsdn:30946")],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """One listed party in full, with all its listings.

    The record as the source gives it, and every listing the sources tie to it; with
    ownership data loaded, its owners, its holdings and what ownership makes of it.
    Takes either id form: un-sc:CDe.001 or the FollowTheMoney export's un-sc-CDe.001.
    """
    from clearance.ownership.screening import WithDerivedParties, view_on

    base = state.store()
    day = _as_of(as_of)
    view = view_on(base, day)  # ownership lists in force: derived listings, owners, holdings
    store = WithDerivedParties(base, view) if view is not None else base
    entity = store.get_entity(entity_id, day)
    if entity is None:
        err_console.print(f"[red]No entity {entity_id!r} in the lists in force.[/red]")
        raise typer.Exit(1)
    party = store.party(entity_id, day)
    history = []
    for version, record_hash in base.history(entity_id):
        status = "absent" if record_hash is None else "present"
        history.append(f"v{version.number} {version.effective_date} {status}")
    node = view.node_for(entity_id) if view is not None else None
    derived = next((m for m in party if m.id in view.entities), None) if view else None
    if as_json:
        data: dict[str, Any] = {"entity": entity.to_dict(), "party": [m.to_dict() for m in party]}
        if view is not None and node is not None:
            data["ownership"] = {
                "owners": [h.__dict__ for h in view.owners_of(node)],
                "holdings": [h.__dict__ for h in view.holdings_of(node)],
                "derived": derived.properties if derived is not None else None,
            }
        console.print_json(json.dumps(data))
        return
    console.print(
        party_view(entity, party, [] if entity.id in (view.entities if view else {}) else history)
    )
    if view is not None and node is not None:
        console.print(ownership_lines(view, node, derived))


def diff_command(
    list_id: Annotated[str, typer.Argument(help="List id, e.g. ofac-sdn")],
    from_ref: Annotated[
        str | None,
        typer.Option("--from", help="Version number or date (default: the previous one)"),
    ] = None,
    to_ref: Annotated[
        str | None,
        typer.Option("--to", help="Version number or date (default: the current one)"),
    ] = None,
    limit: Annotated[int, typer.Option(help="Parties to print per section.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """What changed between two versions of a list.

    Parties added, removed, and changed in their facts (names, identifiers, dates,
    programmes, listings), grouped by kind; records that only moved in the file are
    counted, not shown.
    """
    from clearance.store.changes import KINDS

    store = state.store()
    try:
        delta = store.diff(list_id, from_ref, to_ref, with_names=True)
    except StoreError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    if as_json:
        console.print_json(json.dumps(delta.to_dict(), ensure_ascii=False))
        return

    def version(v: Any) -> str:
        return f"v{v.number} ({v.effective_date})" if v is not None else "nothing"

    def party(eid: str) -> str:
        return f"{escape(delta.names.get(eid, eid))} [dim]\\[{escape(eid)}][/dim]"

    console.print(
        f"[bold]{list_id}[/bold]: {version(delta.from_version)} -> {version(delta.to_version)}: "
        f"{len(delta.added):,} added, {len(delta.removed):,} removed, "
        f"{len(delta.changed):,} changed"
    )
    if delta.moved:
        console.print(
            f"  ({delta.moved:,} more records moved or were re-spelt in the file with the "
            "same facts: not changes, not shown)"
        )
    for label, ids in (("Added", delta.added), ("Removed", delta.removed)):
        if not ids:
            continue
        console.print(f"[bold]{label}[/bold] ({len(ids):,})")
        for eid in ids[:limit]:
            console.print(f"  {party(eid)}")
        if len(ids) > limit:
            console.print(f"  … {len(ids) - limit:,} more")
    for kind, changes in delta.by_kind().items():
        console.print(f"[bold]Changed {KINDS[kind]}[/bold] ({len(changes):,})")
        for change in changes[:limit]:
            what = change.details[kind]
            parts = [f"- {v}" for v in what["removed"]] + [f"+ {v}" for v in what["added"]]
            text = "; ".join(parts)
            if len(text) > 160:
                text = text[:159] + "…"
            console.print(f"  {party(change.entity_id)}: {escape(text)}")
        if len(changes) > limit:
            console.print(f"  … {len(changes) - limit:,} more")


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
    """Load local official files as a new list version.

    The files are read in full and validated first; a bad file loads nothing.
    Ownership data (a BODS 0.4 package, FollowTheMoney Ownership entities, or a CSV/XLSX
    with owner,owned,percent,start_date,end_date,source) loads as a versioned user list
    of its own (`--list ID`); its owners are then linked to the listed parties.
    """
    published_on = _as_of(published)
    store = state.store(autoload=False)
    store.writer_timeout = None if wait else 0.0
    groups: dict[str, dict[str, Path]] = {}
    named = list_id is not None and not any(identify_file(p) for p in paths)
    if named and _load_ownership(paths, list_id or "", force, published_on):
        return
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
                "version": outcome.version.number,
                "load_id": outcome.version.id,
                "sha256": outcome.version.sha256,
                "added": outcome.added,
                "removed": outcome.removed,
                "changed": outcome.changed,
            },
        )
        for warning in outcome.warnings:
            err_console.print(f"[yellow]{target}: {escape(warning)}[/yellow]")
        console.print(
            f"{target}: {outcome.result} v{outcome.version.number} "
            f"({outcome.version.entity_count:,} entities; +{outcome.added} -{outcome.removed} "
            f"~{outcome.changed})"
        )
    if failed:
        raise typer.Exit(1)


def _load_ownership(paths: list[Path], list_id: str, force: bool, published: date | None) -> bool:
    """Load ownership files (True), or say they are not ownership data (False)."""
    from clearance.ownership.loading import load_ownership_file
    from clearance.ownership.reading import ownership_format
    from clearance.ownership.storage import ownership_versions_of

    formats = {path: ownership_format(path) for path in paths}
    if any(formats.values()) and not is_user_list(list_id):
        err_console.print(
            f"[red]{list_id}: not loaded: {list_id!r} is an official list; ownership data "
            "needs a list id of its own[/red]"
        )
        raise typer.Exit(1)
    if not any(formats.values()):
        if ownership_versions_of(state.store(autoload=False).engine, list_id):
            err_console.print(
                f"[red]{list_id}: not loaded: {list_id!r} is an ownership list and "
                f"{', '.join(str(p) for p in paths)} holds no ownership data[/red]"
            )
            raise typer.Exit(1)
        return False
    if len(paths) != 1:
        err_console.print("[red]load one ownership file at a time[/red]")
        raise typer.Exit(2)
    path = paths[0]
    store = state.store()  # owners are linked to the lists: they must be there
    try:
        report = load_ownership_file(store, path, list_id, force=force, published=published)
    except (ListFormatError, StoreError) as exc:
        store.log(list_id, str(path), "rejected", str(exc))
        audit(
            "ownership.load",
            {"list": list_id, "result": "rejected", "source": [str(path)], "message": str(exc)},
        )
        err_console.print(f"[red]{list_id}: not loaded: {escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    outcome = report.load
    audit(
        "ownership.load",
        {
            "list": list_id,
            "result": outcome.result,
            "source": [str(path)],
            "format": outcome.version.format,
            "version": outcome.version.number,
            "load_id": outcome.version.id,
            "sha256": outcome.version.sha256,
            "edges": outcome.version.edge_count,
            "parties": outcome.version.party_count,
            "added": outcome.added,
            "removed": outcome.removed,
            "changed": outcome.changed,
            "links": [
                {
                    "party": link.party_key,
                    "entity_id": link.entity_id,
                    "method": link.method,
                    "score": link.score,
                }
                for link in report.links
                if link.entity_id
            ],
        },
    )
    for warning in outcome.warnings:
        err_console.print(f"[yellow]{list_id}: {escape(warning)}[/yellow]")
    version = outcome.version
    console.print(
        f"{list_id}: {outcome.result} v{version.number} ownership, {version.format} "
        f"({version.edge_count:,} edges between {version.party_count:,} parties; "
        f"+{outcome.added} -{outcome.removed} ~{outcome.changed})"
    )
    console.print(f"  {report.summary()}")
    for link in report.links:
        if link.entity_id:
            score = f" {link.score:.2f}" if link.method == "name" else ""
            console.print(Text(f"  {link.party_key} -> {link.entity_id} by {link.method}{score}"))
    return True


def export_command(
    list_id: Annotated[str, typer.Argument(help="List id, e.g. un-sc")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout)")
    ] = None,
    as_of: AsOf = None,
) -> None:
    """Export a list as FollowTheMoney JSON lines.

    Its entities plus their Sanction records, one JSON object a line.
    """
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
