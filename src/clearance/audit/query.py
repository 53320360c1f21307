"""Pages of the audit trail, newest first, for people reading it (the web page)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from clearance.audit.tables import audit_log
from clearance.audit.trail import AuditRecord, _row_record


def recent_records(
    engine: Engine,
    limit: int = 50,
    before_seq: int | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> list[AuditRecord]:
    """Up to `limit` records older than `before_seq`, newest first, filtered by actor/action.

    `actor` matches a part of the actor ("ana" finds "user:ana"); `action` a prefix
    ("login" finds "login" and "login.failed").
    """
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if before_seq is not None:
        query = query.where(audit_log.c.seq < before_seq)
    if actor:
        query = query.where(audit_log.c.actor.contains(actor, autoescape=True))
    if action:
        query = query.where(audit_log.c.action.startswith(action, autoescape=True))
    with engine.connect() as conn:
        return [_row_record(row) for row in conn.execute(query)]


def record_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar() or 0)


def actions(engine: Engine) -> list[str]:
    """Every action written so far, for the filter menu."""
    with engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(select(audit_log.c.action).distinct()))
