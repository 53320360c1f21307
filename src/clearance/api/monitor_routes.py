"""Monitoring over HTTP: register counterparties, read the alert queue, decide alerts.

The logic lives in `clearance.monitoring`; these routes translate its errors to
HTTP (404 unknown alert, 409 decided meanwhile, 422 bad input).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from clearance.api.security import READ_KEY, SCREEN_KEY
from clearance.monitoring.alerts import (
    AlertNotFound,
    DecisionConflict,
    DecisionError,
    decide,
    get_alert,
    list_alerts,
)
from clearance.monitoring.counterparties import (
    Counterparty,
    CounterpartyError,
    add_counterparties,
)

router = APIRouter()


class CounterpartyIn(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=500)
    schema_: str | None = Field(None, alias="schema", max_length=50)
    country: str | None = Field(None, max_length=100)
    birth_date: str | None = Field(None, max_length=20)
    identifiers: list[str] = Field(default_factory=list, max_length=50)
    data: dict[str, Any] = Field(default_factory=dict)


class MonitorRequest(BaseModel):
    counterparties: list[CounterpartyIn] = Field(min_length=1, max_length=10_000)


class DecisionRequest(BaseModel):
    decision: str = Field(description="confirmed, false_positive or escalated")
    reason: str = Field(min_length=1, max_length=5_000)
    analyst: str = Field(min_length=1, max_length=200)
    expected_version: int | None = None


def _actor(request: Request) -> str:
    return f"api-key:{getattr(request.state, 'key_id', 'none')}"


@router.post("/monitor", summary="Register or update monitored counterparties")
def monitor(request: Request, body: MonitorRequest, _key: Any = SCREEN_KEY) -> dict[str, Any]:
    engine = request.app.state.services.store.engine
    try:
        items = [Counterparty.from_dict(c.model_dump(by_alias=True)) for c in body.counterparties]
        outcome = add_counterparties(engine, items, actor=_actor(request), source="POST /monitor")
    except CounterpartyError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"received": len(items), **asdict(outcome)}


@router.get("/alerts", summary="Monitoring alerts, oldest first")
def alerts(
    request: Request,
    status: str | None = Query(None, max_length=20),
    counterparty_id: str | None = Query(None, max_length=200),
    kind: str | None = Query(None, max_length=20),
    after_id: int | None = Query(None, ge=0),
    limit: int = Query(100, ge=1, le=1000),
    _key: Any = READ_KEY,
) -> dict[str, Any]:
    engine = request.app.state.services.store.engine
    found = list_alerts(
        engine,
        status=status,
        counterparty_id=counterparty_id,
        kind=kind,
        after_id=after_id,
        limit=limit,
    )
    return {"alerts": found, "total": len(found)}


@router.get("/alerts/{alert_id}", summary="One alert")
def alert(request: Request, alert_id: int, _key: Any = READ_KEY) -> dict[str, Any]:
    try:
        return get_alert(request.app.state.services.store.engine, alert_id)
    except AlertNotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.post(
    "/alerts/{alert_id}/decision",
    summary="Decide an alert, with a reason",
    responses={409: {"description": "decided by someone else meanwhile"}},
)
def decision(
    request: Request, alert_id: int, body: DecisionRequest, _key: Any = SCREEN_KEY
) -> dict[str, Any]:
    try:
        return decide(
            request.app.state.services.store.engine,
            alert_id,
            body.decision,
            body.reason,
            body.analyst,
            body.expected_version,
        )
    except AlertNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except DecisionConflict as exc:
        raise HTTPException(409, str(exc)) from None
    except (DecisionError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None
