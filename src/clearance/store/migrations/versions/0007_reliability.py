"""Reliability and security: keyed audit records, the store's writer, sign-in throttling,
and where a list version's date came from.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The id of the HMAC key a record's hash was made with; NULL: an unkeyed record
    # written before the trail was keyed (plain SHA-256).
    op.add_column("audit_log", sa.Column("key_id", sa.String(16)))
    # Who is writing a list version now (one row, informational: the lock itself is an
    # advisory lock on PostgreSQL and a file lock beside a SQLite store).
    op.create_table(
        "store_writer",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )
    # Failed sign-ins and wrong API keys, per client address and per user name.
    op.create_table(
        "auth_throttle",
        sa.Column("subject", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True)),
    )
    # Where `published` came from: "file" (the list's own date), "last-modified" (the
    # download's HTTP header), "operator" (--published), "manifest" (the snapshot's);
    # NULL with no `published`: the date is unknown.
    op.add_column("list_versions", sa.Column("date_source", sa.String(16)))


def downgrade() -> None:
    op.drop_column("list_versions", "date_source")
    op.drop_table("auth_throttle")
    op.drop_table("store_writer")
    op.drop_column("audit_log", "key_id")
