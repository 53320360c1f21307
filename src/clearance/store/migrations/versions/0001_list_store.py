"""The versioned list store: versions, content-addressed entities, party keys, update log.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(64), nullable=False, index=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("retrieved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.String(10)),
        sa.Column("entity_count", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("stats", sa.JSON, nullable=False),
    )
    op.create_table(
        "entity_records",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("entity_id", sa.String(200), nullable=False, index=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "version_entities",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("list_versions.id"), primary_key=True),
        sa.Column("entity_id", sa.String(200), primary_key=True),
        sa.Column("hash", sa.String(64), sa.ForeignKey("entity_records.hash"), nullable=False),
    )
    op.create_index("ix_version_entities_hash", "version_entities", ["hash"])
    op.create_table(
        "entity_keys",
        sa.Column("hash", sa.String(64), sa.ForeignKey("entity_records.hash"), primary_key=True),
        sa.Column("key", sa.String(400), primary_key=True),
    )
    op.create_index("ix_entity_keys_key", "entity_keys", ["key"])
    op.create_table(
        "update_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(64), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("version_id", sa.Integer),
    )


def downgrade() -> None:
    for table in (
        "update_log",
        "entity_keys",
        "version_entities",
        "entity_records",
        "list_versions",
    ):
        op.drop_table(table)
