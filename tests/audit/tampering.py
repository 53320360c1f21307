"""What someone with write access to the database can do to the audit trail; used by
tests/audit and bench/reliability.py."""

from __future__ import annotations

from sqlalchemy import select, update

from clearance.audit.keys import AuditKeyring
from clearance.audit.tables import audit_head, audit_log
from clearance.audit.trail import GENESIS, record_hash
from clearance.store import ListStore


def move_head(store: ListStore, seq: int) -> None:
    """Point the head row at record `seq` (0: an empty trail), as after deleting the rest."""
    with store.engine.begin() as conn:
        digest = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == seq)).scalar()
        conn.execute(update(audit_head).values(seq=seq, hash=digest or GENESIS))


def recompute_chain(
    store: ListStore,
    edit: dict[int, str],
    key_id: str | None,
    keyring: AuditKeyring | None = None,
) -> None:
    """Rewrite payloads (`edit`: seq -> canonical JSON) and recompute every hash after
    them with the product's own function, under `key_id` (None: as unkeyed records)."""
    with store.engine.begin() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        prev = GENESIS
        for row in rows:
            payload = edit.get(row.seq, row.payload)
            digest = record_hash(prev, row.at, row.actor, row.action, payload, key_id, keyring)
            conn.execute(
                update(audit_log)
                .where(audit_log.c.seq == row.seq)
                .values(payload=payload, prev_hash=prev, hash=digest, key_id=key_id)
            )
            prev = digest
        conn.execute(update(audit_head).values(hash=prev))
