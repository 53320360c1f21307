"""The alert queue with its decision form, and the audit trail with its verification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from clearance.audit import verify
from clearance.audit.query import actions, recent_records, record_count
from clearance.effects.kinds import EffectKind
from clearance.monitoring.alerts import (
    AlertNotFound,
    Decision,
    DecisionConflict,
    DecisionError,
    decide,
    get_alert,
    list_alerts,
)
from clearance.web.auth import check_csrf, signed_in
from clearance.web.sessions import Session
from clearance.web.templating import error_page, render

router = APIRouter()

STATUSES = ["open", "confirmed", "false_positive", "escalated", "all"]
AGES = [("", "any age"), ("1", "waiting ≥ 1 day"), ("7", "waiting ≥ 7 days")]
AGES += [("30", "waiting ≥ 30 days")]
QUEUE_SCAN = 5_000  # alerts read per page view before the list/effect filters
QUEUE_SHOWN = 200


def _effect_kinds(alert: dict[str, Any]) -> set[str]:
    """Kinds of the alert's effects, stored as "entity|kind|rule"."""
    kinds = set()
    for effect in alert.get("details", {}).get("effects", []) or []:
        parts = str(effect).split("|")
        kinds.add(parts[1] if len(parts) > 1 else parts[0])
    return kinds


def _lists(alert: dict[str, Any]) -> list[str]:
    return [str(x) for x in alert.get("details", {}).get("lists", []) or []]


@router.get("/ui/alerts", include_in_schema=False)
def alert_queue(
    request: Request,
    status: str = "open",
    list_id: str = Query("", alias="list", max_length=100),
    effect: str = Query("", max_length=64),
    age: str = "",
    session: Session = signed_in,
) -> Response:
    engine = request.app.state.services.store.engine
    status = status if status in STATUSES else "open"
    before = None
    if age.isdigit():
        before = datetime.now(UTC) - timedelta(days=int(age))
    found = list_alerts(
        engine,
        status=None if status == "all" else status,
        created_before=before,
        limit=QUEUE_SCAN,
    )
    if list_id:
        found = [
            a for a in found if any(x == list_id or x.startswith(list_id + "/") for x in _lists(a))
        ]
    if effect:
        found = [a for a in found if effect in _effect_kinds(a)]
    now = datetime.now(UTC)
    rows = [
        {
            **a,
            "lists": _lists(a),
            "effect_kinds": sorted(_effect_kinds(a)),
            "waiting_days": (now - datetime.fromisoformat(a["created_at"])).days,
        }
        for a in found[:QUEUE_SHOWN]
    ]
    list_ids = sorted(request.app.state.services.store.current_versions())
    return render(
        request,
        "alerts.html",
        session,
        alerts=rows,
        total=len(found),
        shown=len(rows),
        filters={"status": status, "list": list_id, "effect": effect, "age": age},
        statuses=STATUSES,
        list_ids=list_ids,
        effects=[k.value for k in EffectKind],
        ages=AGES,
    )


def _alert_page(
    request: Request, session: Session, alert_id: int, error: str = "", status: int = 200
) -> Response:
    engine = request.app.state.services.store.engine
    try:
        alert = get_alert(engine, alert_id)
    except AlertNotFound:
        return error_page(request, session, 404, "No such alert", f"There is no alert {alert_id}.")
    return render(
        request,
        "alert.html",
        session,
        alert=alert,
        lists=_lists(alert),
        effect_kinds=sorted(_effect_kinds(alert)),
        decisions=[d.value for d in Decision],
        error=error,
        status_code=status,
    )


@router.get("/ui/alerts/{alert_id}", include_in_schema=False)
def alert_page(request: Request, alert_id: int, session: Session = signed_in) -> Response:
    return _alert_page(request, session, alert_id)


@router.post("/ui/alerts/{alert_id}/decision", include_in_schema=False)
async def alert_decision(request: Request, alert_id: int, session: Session = signed_in) -> Response:
    form = await check_csrf(request, session)
    engine = request.app.state.services.store.engine
    version = str(form.get("expected_version") or "")
    try:
        decide(
            engine,
            alert_id,
            str(form.get("decision") or ""),
            str(form.get("reason") or "")[:5_000],
            session.user.actor,
            expected_version=int(version) if version.isdigit() else None,
        )
    except AlertNotFound:
        return _alert_page(request, session, alert_id)
    except DecisionConflict as exc:
        return _alert_page(request, session, alert_id, str(exc), 409)
    except (DecisionError, ValueError) as exc:
        return _alert_page(request, session, alert_id, str(exc), 422)
    return RedirectResponse(f"/ui/alerts/{alert_id}?decided=1", status_code=303)


@router.get("/ui/audit", include_in_schema=False)
def audit_page(
    request: Request,
    actor: str = "",
    action: str = "",
    before: int | None = None,
    session: Session = signed_in,
) -> Response:
    engine = request.app.state.services.store.engine
    page = recent_records(
        engine, limit=50, before_seq=before, actor=actor[:200] or None, action=action[:64] or None
    )
    return render(
        request,
        "audit.html",
        session,
        records=page,
        check=verify(engine),
        total=record_count(engine),
        filters={"actor": actor, "action": action},
        actions=actions(engine),
        next_before=page[-1].seq if len(page) == 50 else None,
    )


@router.get("/ui/alerts/", include_in_schema=False)
def alert_queue_slash() -> Response:
    return RedirectResponse("/ui/alerts", status_code=307)
