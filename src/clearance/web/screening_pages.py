"""Check a name, a listed party's page, and the status of each list.

Every answer comes from the library (`clearance.workflows.screening.Screener`, the
store, the effects table); these routes only collect input and render.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clearance.audit import record_screening
from clearance.effects import Activity, effects_for_party, verdict_for
from clearance.model import Entity
from clearance.model.text import is_blank_name
from clearance.store.freshness import ListsInForce, lists_in_force
from clearance.web.auth import check_csrf, signed_in
from clearance.web.ownership_graph import chain_svg
from clearance.web.sessions import Session
from clearance.web.templating import error_page, render
from clearance.workflows.party_effects import list_label

router = APIRouter()

TYPES = [("", "any"), ("person", "person"), ("organization", "organization")]
TYPES += [("vessel", "vessel"), ("aircraft", "aircraft")]
ACTIVITIES = [a.value for a in Activity]
MAX_NAME = 500
NEAR_MISSES = 5  # the best parties under the threshold shown after the hits


def _check_form(values: dict[str, Any]) -> dict[str, str]:
    fields = ("name", "schema", "country", "birth_date", "activity")
    form = {k: str(values.get(k) or "").strip()[:MAX_NAME] for k in fields}
    if form["activity"] not in ACTIVITIES:
        form["activity"] = Activity.TRANSACT.value
    return form


def _lists_used(request: Request, screener: Any) -> ListsInForce:
    services = request.app.state.services
    used: ListsInForce = services.screeners.lists_in_force(
        screener, services.settings.stale_after_days
    )
    return used


@router.get("/", include_in_schema=False)
@router.get("/ui", include_in_schema=False)
@router.get("/ui/check", include_in_schema=False)
def check_page(request: Request, session: Session = signed_in) -> Response:
    screener = request.app.state.services.screeners.get()
    return render(
        request,
        "check.html",
        session,
        form=_check_form({}),
        types=TYPES,
        activities=ACTIVITIES,
        lists_used=_lists_used(request, screener),
    )


@router.post("/ui/check", include_in_schema=False)
async def check(request: Request, session: Session = signed_in) -> Response:
    form = _check_form(await check_csrf(request, session))
    context: dict[str, Any] = {"form": form, "types": TYPES, "activities": ACTIVITIES}
    screener = request.app.state.services.screeners.get()
    context["lists_used"] = used = _lists_used(request, screener)
    if is_blank_name(form["name"]):
        context["error"] = "Type a name to check."
        return render(request, "check.html", session, status_code=422, **context)
    if used.empty:  # no "no match" for a screening against nothing
        context["error"] = " ".join(used.warnings())
        return render(request, "check.html", session, status_code=409, **context)
    try:
        found = screener.check_with_near_misses(
            form["name"],
            NEAR_MISSES,
            schema=form["schema"] or None,
            country=form["country"] or None,
            birth_date=form["birth_date"] or None,
            activity=form["activity"],
        )
    except ValueError as exc:  # an unknown country, an unreadable date: the matcher says which
        context["error"] = str(exc)
        return render(request, "check.html", session, status_code=422, **context)
    hits = found.hits
    verdict = screener.verdict(hits, form["activity"])
    store = screener.store
    versions = store.current_versions(as_of=screener.as_of)
    record_screening(
        store.engine,
        session.user.actor,
        {"endpoint": "/ui/check", **{k: v for k, v in form.items() if v}},
        {list_id: v.id for list_id, v in versions.items()},
        found.threshold,
        [{"entity_id": h.entity_id, "score": round(h.score, 4)} for h in hits],
    )
    context.update(
        hits=hits,
        near_misses=found.near_misses,
        threshold=found.threshold,
        verdict=verdict,
        checked=True,
    )
    return render(request, "check.html", session, **context)


def _record_history(store: Any, entity_id: str) -> list[dict[str, Any]]:
    """What happened to one record version by version: added, changed, delisted, relisted."""
    events: list[dict[str, Any]] = []
    previous: str | None = None
    seen = False
    for version, digest in store.history(entity_id):
        if digest is not None and not seen:
            what = "added"
        elif digest is not None and previous is None:
            what = "relisted"
        elif digest is not None and digest != previous:
            what = "changed"
        elif digest is None and previous is not None:
            what = "delisted"
        else:
            what = ""
        if what:
            events.append(
                {
                    "what": what,
                    "version": version.number,
                    "date": version.effective_date.isoformat(),
                }
            )
        seen = seen or digest is not None
        previous = digest
    return events


def _last_known(store: Any, entity_id: str) -> Entity | None:
    """A record that is no longer listed, as its last version had it."""
    present = [v for v, digest in store.history(entity_id) if digest is not None]
    if not present:
        return None
    entity: Entity | None = store.get_entity(entity_id, as_of=present[-1].effective_date)
    return entity


@router.get("/ui/parties/{entity_id:path}", include_in_schema=False)
def party_page(request: Request, entity_id: str, session: Session = signed_in) -> Response:
    # The screener's store also knows the derived listings of the ownership lists.
    store = request.app.state.services.screeners.get().store
    entity = store.get_entity(entity_id) if len(entity_id) <= 300 else None
    delisted = False
    if entity is None and len(entity_id) <= 300:
        entity = _last_known(store, entity_id)
        delisted = entity is not None
    if entity is None:
        message = f"No listed record has the id {entity_id[:300]!r}."
        return error_page(request, session, 404, "No such party", message)
    records = [entity] if delisted else (store.party(entity_id) or [entity])
    effects = effects_for_party(records)
    today = date.today()
    verdicts = [verdict_for(effects, activity, today) for activity in Activity]
    view: Any = getattr(store, "view", None)
    node = view.node_for(entity_id) if view is not None else None
    ownership = None
    if view is not None and node is not None:
        ownership = {
            "graph": chain_svg(view, node),
            "owners": view.owners_of(node),
            "holdings": view.holdings_of(node),
        }
    return render(
        request,
        "party.html",
        session,
        entity=entity,
        delisted=delisted,
        ownership=ownership,
        records=[
            {"entity": r, "list": list_label(r), "history": _record_history(store, r.id)}
            for r in records
        ],
        verdicts=verdicts,
        effects=effects,
        today=today,
    )


@router.get("/ui/lists", include_in_schema=False)
def lists_page(request: Request, session: Session = signed_in) -> Response:
    services = request.app.state.services
    store = services.store
    today = date.today()
    used = lists_in_force(store, stale_after=services.settings.stale_after_days, today=today)
    ages = {age.list_id: age for age in used.lists}
    rows = []
    for list_id, version in sorted(store.current_versions().items()):
        rows.append(
            {
                "list_id": list_id,
                "version": version,
                "age": ages[list_id].age_days,  # None: publication date unknown
                "stale": ages[list_id].stale,
                "last_update": store.last_update(list_id),
            }
        )
    return render(request, "lists.html", session, rows=rows, today=today)
