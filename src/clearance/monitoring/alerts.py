"""Alerts as analysts see them, and their decisions.

A decision is an optimistic update: `UPDATE ... WHERE id = ? AND version = ?`. Two
analysts deciding the same alert at once both read version n; the first write makes
it n + 1, the second matches no row and is told who decided first. A false positive
puts a suppression on the (counterparty, party) pair, held by the fingerprints of both
sides: when either changes, the next run alerts again and shows what changed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from clearance.audit.trail import append
from clearance.monitoring.tables import (
    alerts,
    counterparties,
    decisions,
    monitor_hits,
    suppressions,
)
from clearance.store.database import utc


class Decision(StrEnum):
    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false_positive"
    ESCALATED = "escalated"

    @classmethod
    def parse(cls, text: str) -> Decision:
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        aliases = {"confirm": "confirmed", "match": "confirmed", "fp": "false_positive",
                   "escalate": "escalated"}  # fmt: skip
        key = aliases.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise DecisionError(
                f"unknown decision {text!r}; one of confirmed, false-positive, escalated"
            ) from None


class DecisionError(Exception):
    """A decision refused: unknown alert, no reason, unknown decision."""


class AlertNotFound(DecisionError):
    pass


class DecisionConflict(DecisionError):
    """Someone else decided the alert since it was read: nothing was overwritten."""


def _alert_dict(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    for key in ("created_at", "decided_at"):
        if data.get(key) is not None:
            value = data[key]
            data[key] = utc(value).isoformat()
    return data


def list_alerts(
    engine: Engine,
    *,
    status: str | None = None,
    counterparty_id: str | None = None,
    kind: str | None = None,
    after_id: int | None = None,
    created_before: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Alerts, oldest first (`after_id` pages on); `status="open"` for the work queue.

    `created_before` keeps the alerts older than that moment (how long they have waited).
    """
    query = select(alerts).order_by(alerts.c.id).limit(limit)
    if created_before is not None:
        query = query.where(alerts.c.created_at < created_before)
    if status is not None:
        query = query.where(alerts.c.status == status)
    if counterparty_id is not None:
        query = query.where(alerts.c.counterparty_id == counterparty_id)
    if kind is not None:
        query = query.where(alerts.c.kind == kind)
    if after_id is not None:
        query = query.where(alerts.c.id > after_id)
    with engine.connect() as conn:
        return [_alert_dict(r) for r in conn.execute(query)]


def get_alert(engine: Engine, alert_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise AlertNotFound(f"no alert {alert_id}")
    return _alert_dict(row)


def decide(
    engine: Engine,
    alert_id: int,
    decision: Decision | str,
    reason: str,
    analyst: str,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Record an analyst's decision; returns the updated alert.

    Without `expected_version` only an open alert can be decided (re-deciding needs the
    version the analyst saw). DecisionConflict when the alert changed meanwhile.
    """
    choice = decision if isinstance(decision, Decision) else Decision.parse(decision)
    if not reason or not reason.strip():
        raise DecisionError("a decision needs a reason")
    if not analyst or not analyst.strip():
        raise DecisionError("a decision needs the analyst's identity")
    current = get_alert(engine, alert_id)
    if expected_version is None:
        if current["status"] != "open":
            raise DecisionConflict(
                f"alert {alert_id} was already decided {current['status']} by "
                f"{current['decided_by']} at {current['decided_at']} (version "
                f"{current['version']}); pass that version to change the decision"
            )
        expected_version = int(current["version"])
    now = datetime.now(UTC)
    with engine.begin() as conn:
        result = conn.execute(
            update(alerts)
            .where((alerts.c.id == alert_id) & (alerts.c.version == expected_version))
            .values(
                status=choice.value,
                decided_by=analyst,
                decided_at=now,
                reason=reason,
                version=alerts.c.version + 1,
            )
        )
        if result.rowcount != 1:
            row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).one()
            latest = _alert_dict(row)
            raise DecisionConflict(
                f"alert {alert_id} was decided {latest['status']} by {latest['decided_by']} "
                f"at {latest['decided_at']} while you were deciding (it is now version "
                f"{latest['version']}, you had {expected_version}); nothing was overwritten"
            )
        conn.execute(
            insert(decisions).values(
                alert_id=alert_id, decision=choice.value, reason=reason, analyst=analyst, at=now
            )
        )
        pair = (suppressions.c.counterparty_id == current["counterparty_id"]) & (
            suppressions.c.party_key == current["party_key"]
        )
        conn.execute(delete(suppressions).where(pair))
        if choice is Decision.FALSE_POSITIVE:
            hit = conn.execute(
                select(monitor_hits.c.party_fingerprint).where(
                    (monitor_hits.c.counterparty_id == current["counterparty_id"])
                    & (monitor_hits.c.party_key == current["party_key"])
                )
            ).first()
            cp = conn.execute(
                select(counterparties.c.screened_fingerprint).where(
                    counterparties.c.id == current["counterparty_id"]
                )
            ).first()
            if hit is not None and cp is not None and cp.screened_fingerprint:
                conn.execute(
                    insert(suppressions).values(
                        counterparty_id=current["counterparty_id"],
                        party_key=current["party_key"],
                        counterparty_fingerprint=cp.screened_fingerprint,
                        party_fingerprint=hit.party_fingerprint,
                        alert_id=alert_id,
                    )
                )
        append(
            conn,
            analyst,
            "alert.decision",
            {
                "alert": alert_id,
                "decision": choice.value,
                "reason": reason,
                "counterparty": current["counterparty_id"],
                "party": current["party_key"],
                "previous_status": current["status"],
                "version": expected_version + 1,
            },
        )
    return get_alert(engine, alert_id)
