"""CLI of monitoring and decisions: thin calls into clearance.monitoring."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from clearance.cli.context import console, err_console, state

monitor_app = typer.Typer(
    rich_markup_mode=None, help="Monitored counterparties, re-screened after every list update."
)

Actor = Annotated[
    str | None,
    typer.Option("--actor", envvar="CLEARANCE_ACTOR", help="Who acts (default: the OS user)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _actor(value: str | None) -> str:
    return value or f"user:{getpass.getuser()}"


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[red]{escape(message)}[/red]")
    return typer.Exit(1)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")


def monitor_add(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSONL or Parquet file.")],
    id_col: Annotated[str | None, typer.Option("--id-col", help="Column of your own ids.")] = None,
    name_col: Annotated[str | None, typer.Option("--name-col")] = None,
    fmt: Annotated[str | None, typer.Option("--format")] = None,
    actor: Actor = None,
) -> None:
    """Monitor the counterparties of a file.

    A row already monitored is updated.
    """
    from clearance.monitoring import CounterpartyError, add_counterparties, read_counterparty_file
    from clearance.workflows.tables import TableError

    try:
        items = read_counterparty_file(file, id_col=id_col, name_col=name_col, fmt=fmt)
        outcome = add_counterparties(state.store().engine, items, _actor(actor), str(file))
    except (TableError, CounterpartyError) as exc:
        raise _fail(str(exc)) from exc
    console.print(
        f"{outcome.added} added, {outcome.updated} changed (re-screened at the next run), "
        f"{outcome.unchanged} unchanged"
    )


def monitor_remove(
    ids: Annotated[list[str], typer.Argument(help="Counterparty ids to stop monitoring.")],
    actor: Actor = None,
) -> None:
    """Stop monitoring counterparties.

    Their past alerts and decisions are kept.
    """
    from clearance.monitoring import remove_counterparties

    unknown = remove_counterparties(state.store().engine, ids, _actor(actor))
    removed = len(set(ids)) - len(unknown)
    console.print(f"{removed} removed")
    if unknown:
        raise _fail("not monitored: " + ", ".join(unknown))


def monitor_run(
    threshold: Annotated[float | None, typer.Option("--threshold")] = None,
    deliver: Annotated[bool, typer.Option("--deliver/--no-deliver", help="Send webhooks.")] = True,
    actor: Actor = None,
    as_json: AsJson = False,
) -> None:
    """Re-screen what changed since the last run; raise alerts.

    What changed: list versions, or counterparties.
    """
    from clearance.monitoring import MonitorError, deliver_pending, run_monitor

    store = state.store()
    try:
        outcome = run_monitor(store, actor=_actor(actor), threshold=threshold)
    except MonitorError as exc:
        raise _fail(str(exc)) from exc
    report = deliver_pending(store.engine) if deliver else None
    if as_json:
        _print_json(
            {
                "run": outcome.run_id,
                "versions_before": outcome.versions_before,
                "versions_after": outcome.versions_after,
                "alerts": outcome.alerts,
                "seconds": outcome.seconds,
                "stats": outcome.stats,
                "webhooks": report.__dict__ if report else None,
            }
        )
        return
    for change in outcome.stats.get("list_updates", []):
        before, after = change["from_version"], change["to_version"]  # load ids
        before_text = f"v{store.version(before).number}" if before is not None else "none"
        console.print(
            f"{change['list']}: {before_text} -> v{store.version(after).number} "
            f"(+{change['added']} -{change['removed']} ~{change['changed']})"
        )
    console.print(
        f"run {outcome.run_id}: {outcome.screened} of {outcome.counterparties} counterparties "
        f"re-screened, {len(outcome.alerts)} alerts, {outcome.suppressed} suppressed "
        f"(false positives), {outcome.seconds:.2f} s"
    )
    if report and (report.failed or report.dead):
        err_console.print(
            f"[yellow]webhooks: {report.delivered} delivered, {report.failed} to retry, "
            f"{report.dead} dead[/yellow]"
        )


def monitor_list(
    limit: Annotated[int | None, typer.Option("--limit")] = None, as_json: AsJson = False
) -> None:
    """The monitored counterparties."""
    from clearance.monitoring import list_counterparties

    rows = list_counterparties(state.store().engine, limit)
    if as_json:
        _print_json(rows)
        return
    table = Table("id", "name", "type", "country", "birth date", "screened")
    for row in rows:
        screened = "yes" if row["screened_fingerprint"] == row["fingerprint"] else "pending"
        table.add_row(
            escape(row["id"]),
            escape(row["name"]),
            row["schema"] or "",
            row["country"] or "",
            row["birth_date"] or "",
            screened,
        )
    console.print(table)


def monitor_webhook(
    url: Annotated[str, typer.Argument()],
    secret: Annotated[str, typer.Option("--secret", envvar="CLEARANCE_WEBHOOK_SECRET")],
    actor: Actor = None,
) -> None:
    """Send every new alert to URL, signed.

    Signed with HMAC-SHA256 of the body using SECRET.
    """
    from clearance.monitoring import add_webhook

    try:
        hook = add_webhook(state.store().engine, url, secret, _actor(actor))
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"webhook {hook} added")


def monitor_deliveries(
    retry: Annotated[bool, typer.Option("--retry-dead", help="Re-queue dead letters.")] = False,
    send: Annotated[bool, typer.Option("--send", help="Send what is due now.")] = False,
    as_json: AsJson = False,
    actor: Actor = None,
) -> None:
    """Webhooks and their deliveries (pending, delivered, dead)."""
    from clearance.monitoring import deliver_pending, list_deliveries, list_webhooks, retry_dead

    engine = state.store().engine
    said = err_console if as_json else console  # with --json, stdout holds the document only
    if retry:
        said.print(f"{retry_dead(engine, _actor(actor))} dead deliveries re-queued")
    if send:
        report = deliver_pending(engine)
        said.print(f"{report.delivered} delivered, {report.failed} to retry, {report.dead} dead")
    hooks, deliveries = list_webhooks(engine), list_deliveries(engine)
    if as_json:
        _print_json({"webhooks": hooks, "deliveries": deliveries})
        return
    for hook in hooks:
        mine = [d for d in deliveries if d["webhook_id"] == hook["id"]]
        counts = {s: sum(d["status"] == s for d in mine) for s in ("pending", "delivered", "dead")}
        state_text = "active" if hook["active"] else "removed"
        console.print(f"webhook {hook['id']} {escape(hook['url'])} ({state_text}): {counts}")


def alerts_command(
    status: Annotated[
        str | None, typer.Option("--status", help="open, confirmed, false_positive, escalated.")
    ] = None,
    counterparty: Annotated[str | None, typer.Option("--counterparty")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    after: Annotated[int | None, typer.Option("--after", help="Only alerts after this id.")] = None,
    as_json: AsJson = False,
) -> None:
    """Alerts of the monitor runs: new, changed, gone hits.

    Each alert names the counterparty, the party and the list versions before and after.
    """
    from clearance.monitoring import list_alerts

    rows = list_alerts(
        state.store().engine,
        status=status,
        counterparty_id=counterparty,
        after_id=after,
        limit=limit,
    )
    if as_json:
        _print_json(rows)
        return
    store = state.store()
    numbers: dict[int, str] = {}

    def number(load_id: int | None) -> str:
        """A list version as users name it (v3), from the load id an alert records."""
        if load_id is None:
            return "none"
        if load_id not in numbers:
            numbers[load_id] = f"v{store.version(load_id).number}"
        return numbers[load_id]

    table = Table("id", "kind", "counterparty", "party", "score", "versions", "status")
    for row in rows:
        versions = ", ".join(
            f"{lid} {number(row['versions_before'].get(lid))}->{number(vid)}"
            for lid, vid in sorted(row["versions_after"].items())
            if row["versions_before"].get(lid) != vid
        )
        status_text = row["status"]
        if row["decided_by"]:
            status_text += f" by {row['decided_by']}"
        table.add_row(
            str(row["id"]),
            row["kind"],
            escape(row["counterparty_id"]),
            escape(f"{row['name']} ({row['party_key']})"),
            f"{row['score']:.2f}",
            escape(versions or "initial"),
            escape(status_text),
        )
    console.print(table)


def decide_command(
    alert_id: Annotated[int, typer.Argument()],
    decision: Annotated[str, typer.Argument(help="confirmed, false-positive or escalated.")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    analyst: Annotated[
        str | None, typer.Option("--analyst", envvar="CLEARANCE_ACTOR", help="Who decides.")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The alert version you saw (to re-decide).")
    ] = None,
) -> None:
    """Decide an alert: confirmed or false positive.

    A false positive stays silent until either side changes.
    """
    from clearance.monitoring import DecisionError, decide

    try:
        alert = decide(
            state.store().engine, alert_id, decision, reason or "", _actor(analyst), version
        )
    except DecisionError as exc:
        raise _fail(str(exc)) from exc
    console.print(
        f"alert {alert['id']}: {alert['status']} by {escape(alert['decided_by'])} "
        f"(version {alert['version']})"
    )


def register(app: typer.Typer) -> None:
    monitor_app.command("add")(monitor_add)
    monitor_app.command("remove")(monitor_remove)
    monitor_app.command("run")(monitor_run)
    monitor_app.command("list")(monitor_list)
    monitor_app.command("webhook")(monitor_webhook)
    monitor_app.command("deliveries")(monitor_deliveries)
    app.add_typer(monitor_app, name="monitor")
    app.command("alerts")(alerts_command)
    app.command("decide")(decide_command)
