"""Tables of monitoring, decisions and webhooks (SQLAlchemy Core).

Created by the Alembic revision 0002 (`store/migrations/versions/0002_monitoring_audit.py`);
these definitions are what the code queries. They live in their own `MetaData` so the
list store's schema module stays the list store's; the audit tables are in
`clearance.audit.tables`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# The user's counterparties, by the user's own id. `fingerprint` is over the screening
# fields; `screened_fingerprint` is the one last screened: they differ -> re-screen.
counterparties = Table(
    "counterparties",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("schema", String(32)),
    Column("country", String(64)),
    Column("birth_date", String(32)),
    Column("identifiers", JSON, nullable=False),
    Column("data", JSON, nullable=False),  # the whole input row, for the analyst
    Column("fingerprint", String(64), nullable=False),
    Column("screened_fingerprint", String(64)),
    Column("screened_data", JSON),  # the screening fields as last screened (what changed)
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# What a counterparty matches now: one row per (counterparty, listed party).
monitor_hits = Table(
    "monitor_hits",
    metadata,
    Column("counterparty_id", String(200), primary_key=True),
    Column("party_key", String(200), primary_key=True),
    Column("entity_id", String(200), nullable=False),
    Column("name", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("lists", JSON, nullable=False),
    Column("effects", JSON, nullable=False),  # ["entity|kind|rule"]
    Column("records", JSON, nullable=False),  # party record id -> content hash
    Column("party_fingerprint", String(64), nullable=False),
    Column("versions", JSON, nullable=False),  # list id -> version id when found
)
Index("ix_monitor_hits_entity", monitor_hits.c.entity_id)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False, index=True),
    Column("counterparty_id", String(200), nullable=False, index=True),
    Column("party_key", String(200), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # new | changed | gone
    Column("name", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("details", JSON, nullable=False),  # what changed, lists, effects
    Column("versions_before", JSON, nullable=False),
    Column("versions_after", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),  # open | confirmed | false_positive | escalated
    Column("decided_by", String(200)),
    Column("decided_at", DateTime(timezone=True)),
    Column("reason", Text),
    Column("version", Integer, nullable=False),  # optimistic lock
)
Index("ix_alerts_status", alerts.c.status)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, nullable=False, index=True),
    Column("decision", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("analyst", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# A false positive silences one (counterparty, party) pair while both sides stay as decided.
suppressions = Table(
    "suppressions",
    metadata,
    Column("counterparty_id", String(200), primary_key=True),
    Column("party_key", String(200), primary_key=True),
    Column("counterparty_fingerprint", String(64), nullable=False),
    Column("party_fingerprint", String(64), nullable=False),
    Column("alert_id", Integer, nullable=False),
)

monitor_runs = Table(
    "monitor_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("versions_before", JSON, nullable=False),
    Column("versions_after", JSON, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("stats", JSON, nullable=False),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("active", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("webhook_id", Integer, nullable=False, index=True),
    Column("alert_id", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("delivered_at", DateTime(timezone=True)),
)
Index("ix_webhook_deliveries_status", webhook_deliveries.c.status)
