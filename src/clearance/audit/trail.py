"""Append-only audit records, each carrying the hash of the one before it.

hash(n) = HMAC-SHA256(key, prev_hash + canonical JSON of {at, actor, action, payload,
key_id}) under a key kept outside the database (keys.py). Editing a record breaks its
own hash; deleting or reordering records breaks the chain; recomputing the chain needs
the key. Deleting the newest records and moving the head row back, or emptying the
trail, leaves a valid chain behind: external checkpoints catch that (checkpoints.py).
Records written before the trail was keyed (key_id NULL) verify as plain SHA-256 and
are reported as unkeyed. Appends queue on the head row (an UPDATE takes its lock on
PostgreSQL and the write lock on SQLite), so two writers never fork the chain.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from clearance.audit.keys import AuditKeyring, audit_keyring
from clearance.audit.tables import audit_head, audit_log
from clearance.store.database import utc

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _stamp(at: datetime) -> str:
    return utc(at).astimezone(UTC).isoformat(timespec="microseconds")


def record_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    payload: str,
    key_id: str | None = None,
    keyring: AuditKeyring | None = None,
) -> str:
    """The record's hash: keyed (HMAC) when it names a key, plain SHA-256 for old records."""
    fields = {"at": _stamp(at), "actor": actor, "action": action, "payload": payload}
    if key_id is None:
        return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()
    assert keyring is not None
    return keyring.mac(key_id, prev_hash + canonical_json({**fields, "key_id": key_id}))


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    action: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    key_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": _stamp(self.at),
            "actor": self.actor,
            "action": self.action,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "key_id": self.key_id,
        }


def append(conn: Connection, actor: str, action: str, payload: dict[str, Any]) -> int:
    """Add a record inside the caller's transaction (it commits or rolls back with it)."""
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + 1))
    seq, prev = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
    # The head's hash is still the previous record's: this append has not written it yet.
    at = datetime.now(UTC)
    text = canonical_json(payload)
    keyring = audit_keyring()
    key_id = keyring.current_id
    digest = record_hash(prev, at, actor, action, text, key_id, keyring)
    conn.execute(
        audit_log.insert().values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            payload=text,
            prev_hash=prev,
            hash=digest,
            key_id=key_id,
        )
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=digest))
    return int(seq)


def append_many(conn: Connection, entries: Sequence[tuple[str, str, dict[str, Any]]]) -> list[int]:
    """Add (actor, action, payload) records in order inside the caller's transaction.

    The chain is the same as that many `append` calls; the head row is taken once and
    the rows go in one statement, so a server can commit a group of screenings at once.
    """
    if not entries:
        return []
    count = len(entries)
    conn.execute(
        update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + count)
    )
    last, prev = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
    keyring = audit_keyring()
    key_id = keyring.current_id
    rows = []
    for seq, (actor, action, payload) in enumerate(entries, start=int(last) - count + 1):
        at = datetime.now(UTC)
        text = canonical_json(payload)
        digest = record_hash(prev, at, actor, action, text, key_id, keyring)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "payload": text,
                "prev_hash": prev,
                "hash": digest,
                "key_id": key_id,
            }
        )
        prev = digest
    conn.execute(audit_log.insert(), rows)
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=prev))
    return [row["seq"] for row in rows]


def record(engine: Engine, actor: str, action: str, payload: dict[str, Any]) -> int:
    """Add a record in its own transaction: a screening, a list update, a setting changed."""
    with engine.begin() as conn:
        return append(conn, actor, action, payload)


def record_screening(
    engine: Engine,
    actor: str,
    query: dict[str, Any],
    versions: dict[str, int],
    threshold: float,
    results: list[dict[str, Any]],
) -> int:
    """The audit record of one screening: who asked what, against which versions, what came back."""
    return record(
        engine,
        actor,
        "screening",
        {"query": query, "versions": versions, "threshold": threshold, "results": results},
    )


def _row_record(row: Any) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        at=utc(row.at),
        actor=row.actor,
        action=row.action,
        payload=json.loads(row.payload),
        prev_hash=row.prev_hash,
        hash=row.hash,
        key_id=row.key_id,
    )


def records(
    engine: Engine, start: date | datetime | None = None, end: date | datetime | None = None
) -> Iterator[AuditRecord]:
    """Records in order, optionally from `start` (inclusive) to `end` (a date: that whole day)."""
    query = select(audit_log).order_by(audit_log.c.seq)
    if start is not None:
        if not isinstance(start, datetime):
            start = datetime(start.year, start.month, start.day, tzinfo=UTC)
        query = query.where(audit_log.c.at >= start)
    if end is not None:
        if not isinstance(end, datetime):
            end = datetime(end.year, end.month, end.day, 23, 59, 59, 999999, tzinfo=UTC)
        query = query.where(audit_log.c.at <= end)
    with engine.connect() as conn:
        for row in conn.execute(query):
            yield _row_record(row)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]
    warnings: list[str] = field(default_factory=list)  # e.g. records from before keying
    last_seq: int = 0
    last_hash: str = GENESIS


def verify(engine: Engine, keyring: AuditKeyring | None = None) -> VerifyResult:
    """Recompute the chain; name each edited, deleted or reordered record.

    It cannot see the newest records deleted with the head row moved back, nor a trail
    emptied: `checkpoints.verify_against` compares with checkpoints kept elsewhere.
    """
    keyring = keyring or audit_keyring()
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        head_seq, head_hash = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
    problems: list[str] = []
    unkeyed: list[int] = []
    keyed_seen = False
    owners = {row.hash: row.seq for row in rows}
    prev_hash, prev_seq = GENESIS, 0
    for row in rows:
        if row.seq != prev_seq + 1:
            gap = row.seq - prev_seq - 1
            missing = f"{prev_seq + 1}" if gap == 1 else f"{prev_seq + 1}-{row.seq - 1}"
            problems.append(f"record {missing} deleted: record {row.seq} follows record {prev_seq}")
        elif row.prev_hash != prev_hash:
            if row.prev_hash in owners:
                problems.append(
                    f"record {row.seq} out of order: it was written after record "
                    f"{owners[row.prev_hash]}, but follows record {prev_seq}"
                )
            else:
                problems.append(
                    f"record {row.seq}: the record before it was deleted or replaced "
                    f"(its previous-hash matches no record)"
                )
        if row.key_id is None:
            unkeyed.append(row.seq)
            if keyed_seen:
                problems.append(
                    f"record {row.seq} is unkeyed but follows keyed records: "
                    "rewritten without the key"
                )
        else:
            keyed_seen = True
        if row.key_id is not None and row.key_id not in keyring.keys:
            problems.append(
                f"record {row.seq} is signed with key {row.key_id}, which is not among the "
                f"keys in {keyring.source}: it cannot be verified here"
            )
        else:
            expected = record_hash(
                row.prev_hash, row.at, row.actor, row.action, row.payload, row.key_id, keyring
            )
            if not hmac.compare_digest(expected, row.hash):
                problems.append(f"record {row.seq} edited: its content no longer matches its hash")
        prev_hash, prev_seq = row.hash, row.seq
    if head_seq != prev_seq:
        problems.append(
            f"records {prev_seq + 1}-{head_seq} deleted: the log ends at {prev_seq} "
            f"but {head_seq} were written"
        )
    elif head_hash != prev_hash:
        problems.append(f"record {prev_seq} replaced: the chain head does not match it")
    warnings = []
    if unkeyed:
        warnings.append(
            f"{len(unkeyed)} records ({unkeyed[0]}-{unkeyed[-1]}) were written before the "
            "trail was keyed: anyone able to write to the database could rewrite them unseen"
        )
    return VerifyResult(not problems, len(rows), problems, warnings, prev_seq, prev_hash)


EXPORT_COLUMNS = ["seq", "at", "actor", "action", "payload", "prev_hash", "hash", "key_id"]


def export(
    engine: Engine,
    fmt: str,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
) -> Iterator[str]:
    """Records as CSV or JSON lines text, chunk by chunk, for an examiner."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown export format {fmt!r}; one of csv, jsonl")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        yield buffer.getvalue()
    for rec in records(engine, start, end):
        data = rec.to_dict()
        if fmt == "jsonl":
            yield canonical_json(data) + "\n"
        else:
            buffer = io.StringIO()
            data["payload"] = canonical_json(data["payload"])
            csv.writer(buffer).writerow([data[c] for c in EXPORT_COLUMNS])
            yield buffer.getvalue()
