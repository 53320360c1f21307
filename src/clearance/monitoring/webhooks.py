"""Webhook delivery of alerts: signed, retried with backoff, dead-lettered, never blocking.

A run writes one delivery row per (webhook, alert) in its own transaction (an outbox),
so an alert is never lost and never sent for a run that rolled back. `deliver_pending`
sends what is due with a short per-request timeout and an overall time budget, records
every failure, and raises nothing: a receiver that is down, slow or answers 500 costs
at most the budget, and the alert waits for its next attempt.

Receivers check `X-Clearance-Signature: sha256=<hex HMAC-SHA256 of the raw body with
the webhook's secret>` (see `verify_signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, insert, select, update

from clearance.audit.trail import append
from clearance.monitoring.tables import webhook_deliveries, webhooks
from clearance.store.database import utc

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 30.0  # first retry after 30 s, then 60, 120, 240 ...
REQUEST_TIMEOUT = 5.0
SIGNATURE_HEADER = "X-Clearance-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(sign(secret, body), header or "")


def add_webhook(engine: Engine, url: str, secret: str, actor: str = "cli") -> int:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"webhook URL must start with http:// or https://, got {url!r}")
    if len(secret) < 16:
        raise ValueError("webhook secret must have at least 16 characters")
    with engine.begin() as conn:
        hook_id = conn.execute(
            insert(webhooks).values(url=url, secret=secret, active=1, created_at=datetime.now(UTC))
        ).inserted_primary_key[0]  # type: ignore[index]
        append(conn, actor, "config.webhook.add", {"webhook": hook_id, "url": url})
    return int(hook_id)


def remove_webhook(engine: Engine, hook_id: int, actor: str = "cli") -> bool:
    with engine.begin() as conn:
        done = conn.execute(
            update(webhooks).where(webhooks.c.id == hook_id).values(active=0)
        ).rowcount
        if done:
            append(conn, actor, "config.webhook.remove", {"webhook": hook_id})
    return bool(done)


def list_webhooks(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(webhooks).order_by(webhooks.c.id)).all()
    return [{k: v for k, v in r._mapping.items() if k != "secret"} for r in rows]


def list_deliveries(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    query = select(webhook_deliveries).order_by(webhook_deliveries.c.id)
    if status is not None:
        query = query.where(webhook_deliveries.c.status == status)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # will be retried
    dead: int = 0  # gave up after MAX_ATTEMPTS
    errors: list[str] = field(default_factory=list)


_aware = utc


def deliver_pending(
    engine: Engine,
    *,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    backoff_seconds: float = BACKOFF_SECONDS,
    timeout: float = REQUEST_TIMEOUT,
    budget_seconds: float = 30.0,
) -> DeliveryReport:
    """Send every due delivery once; never raises, never runs much past the budget."""
    report = DeliveryReport()
    try:
        _deliver(engine, report, now, max_attempts, backoff_seconds, timeout, budget_seconds)
    except Exception as exc:  # noqa: BLE001 - delivery must never take the caller down
        report.errors.append(f"delivery stopped: {type(exc).__name__}: {exc}")
    return report


def _deliver(
    engine: Engine,
    report: DeliveryReport,
    now: datetime | None,
    max_attempts: int,
    backoff_seconds: float,
    timeout: float,
    budget_seconds: float,
) -> None:
    started = time.monotonic()
    when = now or datetime.now(UTC)
    with engine.connect() as conn:
        due = conn.execute(
            select(webhook_deliveries, webhooks.c.url, webhooks.c.secret)
            .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
            .where(
                (webhook_deliveries.c.status == "pending")
                & (webhook_deliveries.c.next_attempt_at <= when)
                & (webhooks.c.active == 1)
            )
            .order_by(webhook_deliveries.c.id)
        ).all()
    down: set[int] = set()  # a webhook that failed this round is not retried this round
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for row in due:
            if time.monotonic() - started > budget_seconds:
                break
            if row.webhook_id in down:
                continue
            body = row.body.encode("utf-8")
            error: str | None = None
            try:
                response = client.post(
                    row.url,
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        SIGNATURE_HEADER: sign(row.secret, body),
                        "X-Clearance-Delivery": str(row.id),
                    },
                )
                if not 200 <= response.status_code < 300:
                    error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            attempts = row.attempts + 1
            values: dict[str, Any] = {"attempts": attempts, "last_error": error}
            if error is None:
                values.update(status="delivered", delivered_at=datetime.now(UTC))
                report.delivered += 1
            else:
                down.add(row.webhook_id)
                if attempts >= max_attempts:
                    values["status"] = "dead"
                    report.dead += 1
                else:
                    delay = backoff_seconds * 2 ** (attempts - 1)
                    values["next_attempt_at"] = _aware(when) + timedelta(seconds=delay)
                    report.failed += 1
                report.errors.append(f"delivery {row.id} to {row.url}: {error}")
            with engine.begin() as conn:
                conn.execute(
                    update(webhook_deliveries)
                    .where(webhook_deliveries.c.id == row.id)
                    .values(**values)
                )


def deliver_in_background(engine: Engine, **options: Any) -> threading.Thread:
    """`deliver_pending` on a daemon thread: for servers that must answer at once."""
    thread = threading.Thread(
        target=deliver_pending, args=(engine,), kwargs=options, daemon=True, name="webhooks"
    )
    thread.start()
    return thread


def retry_dead(engine: Engine, actor: str = "cli") -> int:
    """Put dead-lettered deliveries back in the queue (after the receiver is fixed)."""
    with engine.begin() as conn:
        count = conn.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.status == "dead")
            .values(status="pending", attempts=0, next_attempt_at=datetime.now(UTC))
        ).rowcount
        if count:
            append(conn, actor, "config.webhook.retry_dead", {"deliveries": count})
    return int(count)
