"""Monitoring, analyst decisions, webhooks and the hash-chained audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, nullable=False, index=True),
        sa.Column("counterparty_id", sa.String(200), nullable=False, index=True),
        sa.Column("party_key", sa.String(200), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("versions_before", sa.JSON, nullable=False),
        sa.Column("versions_after", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "counterparties",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("schema", sa.String(32)),
        sa.Column("country", sa.String(64)),
        sa.Column("birth_date", sa.String(32)),
        sa.Column("identifiers", sa.JSON, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("screened_fingerprint", sa.String(64)),
        sa.Column("screened_data", sa.JSON),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, nullable=False, index=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("analyst", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "monitor_hits",
        sa.Column("counterparty_id", sa.String(200), primary_key=True),
        sa.Column("party_key", sa.String(200), primary_key=True),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("lists", sa.JSON, nullable=False),
        sa.Column("effects", sa.JSON, nullable=False),
        sa.Column("records", sa.JSON, nullable=False),
        sa.Column("party_fingerprint", sa.String(64), nullable=False),
        sa.Column("versions", sa.JSON, nullable=False),
    )
    op.create_index("ix_monitor_hits_entity", "monitor_hits", ["entity_id"])
    op.create_table(
        "monitor_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versions_before", sa.JSON, nullable=False),
        sa.Column("versions_after", sa.JSON, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("stats", sa.JSON, nullable=False),
    )
    op.create_table(
        "suppressions",
        sa.Column("counterparty_id", sa.String(200), primary_key=True),
        sa.Column("party_key", sa.String(200), primary_key=True),
        sa.Column("counterparty_fingerprint", sa.String(64), nullable=False),
        sa.Column("party_fingerprint", sa.String(64), nullable=False),
        sa.Column("alert_id", sa.Integer, nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("webhook_id", sa.Integer, nullable=False, index=True),
        sa.Column("alert_id", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_webhook_deliveries_status", "webhook_deliveries", ["status"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("active", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # The audit chain starts from a fixed genesis hash; the head row is the appenders' lock.
    head = sa.table(
        "audit_head",
        sa.column("id", sa.Integer),
        sa.column("seq", sa.Integer),
        sa.column("hash", sa.String),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    for table in (
        "webhooks",
        "webhook_deliveries",
        "suppressions",
        "monitor_runs",
        "monitor_hits",
        "decisions",
        "counterparties",
        "audit_log",
        "audit_head",
        "alerts",
    ):
        op.drop_table(table)
