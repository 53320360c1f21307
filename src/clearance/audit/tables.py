"""Tables of the audit trail (SQLAlchemy Core), created by Alembic revision 0002."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

# Append-only, hash-chained. `audit_head` is one row: the lock appenders queue on, and
# the last seq/hash, so a deleted tail is noticed too.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("key_id", String(16)),  # the HMAC key's id; NULL: unkeyed (before migration 0007)
)
Index("ix_audit_log_at", audit_log.c.at)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
