"""`clearance check` and `clearance compare`: one name against the lists, two names."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.text import Text

from clearance.cli.context import console, err_console, state
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
    threshold: Annotated[float | None, typer.Option(help="Score from which to report")] = None,
    activity: Annotated[
        Activity | None,
        typer.Option(help="What you want to do: the verdict is for this activity"),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Screen against the lists in force then")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Screen one name: listed parties that match, why, and what the listing forbids."""
    from clearance.cli.store_commands import _as_of
    from clearance.workflows.screening import Screener

    _require_name(name, "NAME")
    schema = None
    if kind is not None:
        if kind.lower() not in SCHEMAS:
            raise typer.BadParameter(f"--type must be one of {', '.join(sorted(SCHEMAS))}")
        schema = SCHEMAS[kind.lower()]
    screener = Screener.load(lists, _as_of(as_of), store=state.store())
    hits = screener.check(
        name,
        schema=schema,
        country=country,
        birth_date=dob,
        identifiers=ids,
        limit=limit,
        threshold=threshold,
        activity=activity,
    )
    verdict = screener.verdict(hits, activity) if activity is not None else None
    _audit(screener, name, schema, country, dob, ids, activity, threshold, hits)
    if as_json:
        payload = {
            "query": name,
            "hits": [h.to_dict() for h in hits],
            "verdict": verdict.to_dict() if verdict else None,
        }
        console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    if verdict is not None:
        banner = Text(f" {verdict.verdict.label} ", style=VERDICT_STYLE[verdict.verdict])
        console.print(
            Text.assemble(banner, f"  to {verdict.activity.value}, as of {verdict.as_of}")
        )
        for reason in verdict.reasons:
            console.print(Text(f"  • {reason}"))
        console.print()
    if not hits:
        console.print(f"No listed party matches {name!r} at the threshold.")
        return
    for number, hit in enumerate(hits, start=1):
        console.print(
            Text.assemble(
                (f"{number}. {hit.score:.2f}  ", "bold"),
                (hit.name, "bold cyan"),
                (f"  [{hit.entity_id}]", "dim"),
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
    threshold: float | None,
    hits: list[Any],
) -> None:
    """Every screening goes into the audit trail: who asked what, against which versions."""
    import getpass

    from clearance.audit import record_screening
    from clearance.matching import DEFAULT_THRESHOLD

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
        threshold if threshold is not None else DEFAULT_THRESHOLD,
        [{"entity_id": h.entity_id, "score": round(h.score, 4)} for h in hits],
    )


def compare_command(
    name_a: Annotated[str, typer.Argument(help="First name")],
    name_b: Annotated[str, typer.Argument(help="Second name")],
    kind: Annotated[str | None, typer.Option("--type", help="person, organization …")] = None,
) -> None:
    """How alike two names are, 0..1, on the scale of `check` scores."""
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
