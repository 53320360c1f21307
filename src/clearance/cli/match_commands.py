"""`clearance check` and `clearance compare`: one name against the lists, two names."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.text import Text

from clearance.cli.context import console, err_console, report_lists_used, state
from clearance.effects import Activity
from clearance.effects.kinds import Verdict

VERDICT_STYLE = {
    Verdict.PROHIBITED: "bold white on red",
    Verdict.LICENCE_REQUIRED: "bold black on yellow",
    Verdict.CAUTION: "bold black on bright_yellow",
    Verdict.NO_LISTING_FOUND: "bold white on green",
}

SCHEMAS = {
    "person": "Person",
    "organization": "Organization",
    "organisation": "Organization",
    "company": "Company",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}


def _require_name(name: str, hint: str) -> None:
    """An empty or invisible name is a usage error (exit 2), not "no listed party matches"."""
    from clearance.model.text import BlankNameError, require_name

    try:
        require_name(name)
    except BlankNameError as exc:
        raise typer.BadParameter(str(exc), param_hint=hint) from None


def check_command(
    name: Annotated[str, typer.Argument(help="The name to screen, as written")],
    kind: Annotated[
        str | None,
        typer.Option("--type", help="person, organization, vessel or aircraft"),
    ] = None,
    country: Annotated[str | None, typer.Option(help="Country (ISO code or name)")] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Birth date, YYYY[-MM[-DD]]")] = None,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Identifier (passport, ISIN, IMO …)")
    ] = None,
    lists: Annotated[list[str] | None, typer.Option("--list", help="Only these lists")] = None,
    limit: Annotated[int, typer.Option(help="Hits to show")] = 10,
    threshold: Annotated[
        float | None, typer.Option(help="Score from which a party matches (default: the matcher's)")
    ] = None,
    near: Annotated[
        int,
        typer.Option(help="Also show the N best parties under the threshold", min=0),
    ] = 0,
    activity: Annotated[
        Activity | None,
        typer.Option(help="What you want to do: the verdict is for this activity"),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Screen against the lists in force then")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Screen one name: who matches, why, what it forbids.

    Listed parties that match the name, with the reasons and, for an activity, the
    verdict; with --near, the best parties under the threshold too.
    """
    from clearance.cli.store_commands import _as_of
    from clearance.workflows.screening import Screener

    _require_name(name, "NAME")
    schema = None
    if kind is not None:
        if kind.lower() not in SCHEMAS:
            raise typer.BadParameter(f"--type must be one of {', '.join(sorted(SCHEMAS))}")
        schema = SCHEMAS[kind.lower()]
    screener = Screener.load(lists, _as_of(as_of), store=state.store())
    used = screener.lists_in_force(state.stale_days)
    result = screener.check_with_near_misses(
        name,
        near,
        schema=schema,
        country=country,
        birth_date=dob,
        identifiers=ids,
        limit=limit,
        threshold=threshold,
        activity=activity,
    )
    hits = result.hits
    verdict = screener.verdict(hits, activity) if activity is not None else None
    _audit(screener, name, schema, country, dob, ids, activity, result.threshold, hits)
    if as_json:
        payload = {
            "query": name,
            "threshold": result.threshold,
            "hits": [h.to_dict() for h in hits],
            "near_misses": [{**h.to_dict(), "below_threshold": True} for h in result.near_misses],
            "verdict": verdict.to_dict() if verdict else None,
            "lists": used.to_dict(),
            "warnings": used.warnings(),
        }
        console.print_json(json.dumps(payload, ensure_ascii=False))
        report_lists_used(used, as_json=True)
        return
    if used.empty:  # nothing was screened: no "no match" line that could be misread
        report_lists_used(used)
    if verdict is not None:
        banner = Text(f" {verdict.verdict.label} ", style=VERDICT_STYLE[verdict.verdict])
        console.print(
            Text.assemble(banner, f"  to {verdict.activity.value}, as of {verdict.as_of}")
        )
        for reason in verdict.reasons:
            console.print(Text(f"  • {reason}"))
        console.print()
    if not hits:
        console.print(
            Text(f"No listed party matches {name!r} at the threshold {result.threshold:.2f}.")
        )
    else:
        console.print(Text(f"Matches at the threshold {result.threshold:.2f}:"))
    for number, hit in enumerate(hits, start=1):
        _print_hit(number, hit)
    if result.near_misses:
        console.print(
            Text(f"Near misses, under the threshold {result.threshold:.2f} (not matches):")
        )
        for number, hit in enumerate(result.near_misses, start=1):
            _print_hit(number, hit, below=True)
    elif near:
        console.print(Text(f"No party scores under the threshold {result.threshold:.2f}."))
    report_lists_used(used, summary_to=console)


def _print_hit(number: int, hit: Any, below: bool = False) -> None:
    console.print(
        Text.assemble(
            (f"{number}. {hit.score:.2f}  ", "bold"),
            (hit.name, "cyan" if below else "bold cyan"),
            (f"  [{hit.entity_id}]", "dim"),
            ("  below the threshold", "yellow") if below else "",
        )
    )
    console.print(Text(f"   on: {', '.join(hit.lists)}"))
    if hit.matched_name != hit.name:
        console.print(Text(f"   matched name: {hit.matched_name}"))
    for reason in hit.explanation:
        console.print(Text(f"   - {reason}"))
    kinds = dict.fromkeys(e.kind.value.replace("_", " ") for e in hit.effects)
    if kinds:
        console.print(f"   effects: {', '.join(kinds)}")


def _audit(
    screener: Any,
    name: str,
    schema: str | None,
    country: str | None,
    dob: str | None,
    ids: list[str] | None,
    activity: Activity | None,
    threshold: float,
    hits: list[Any],
) -> None:
    """Every screening goes into the audit trail: who asked what, against which versions."""
    import getpass

    from clearance.audit import record_screening

    store = screener.store
    versions = store.current_versions(as_of=screener.as_of)
    record_screening(
        store.engine,
        f"cli:{getpass.getuser()}",
        {
            "name": name,
            "schema": schema,
            "country": country,
            "birth_date": dob,
            "identifiers": ids or [],
            "activity": activity.value if activity else None,
            "as_of": screener.as_of.isoformat() if screener.as_of else None,
        },
        {list_id: v.id for list_id, v in versions.items()},
        threshold,
        [{"entity_id": h.entity_id, "score": round(h.score, 4)} for h in hits],
    )


def compare_command(
    name_a: Annotated[str, typer.Argument(help="First name")],
    name_b: Annotated[str, typer.Argument(help="Second name")],
    kind: Annotated[str | None, typer.Option("--type", help="person, organization …")] = None,
) -> None:
    """How alike two names are, on the scale of `check` scores.

    A score from 0 to 1; the default threshold is where a name matches.
    """
    _require_name(name_a, "NAME_A")
    _require_name(name_b, "NAME_B")
    from clearance.matching import DEFAULT_THRESHOLD, compare

    score = compare(name_a, name_b, SCHEMAS.get((kind or "").lower()))
    verdict = "match" if score >= DEFAULT_THRESHOLD else "no match"
    console.print(f"{score:.3f} ({verdict} at the default threshold {DEFAULT_THRESHOLD})")
    _ = err_console


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
    app.command("compare")(compare_command)
