"""Ownership lists: versions, parties, edges, and the links of parties to listed records.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ownership_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(64), nullable=False, index=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("retrieved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.String(10)),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("party_count", sa.Integer, nullable=False),
        sa.Column("edge_count", sa.Integer, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("stats", sa.JSON, nullable=False),
    )
    op.create_table(
        "ownership_parties",
        sa.Column("version_id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("schema", sa.String(32), nullable=False),
        sa.Column("identifiers", sa.Text, nullable=False),
        sa.Column("country", sa.String(8)),
        sa.Column("entity_id", sa.String(200)),
        sa.Column("source_ref", sa.Text),
    )
    op.create_table(
        "ownership_edges",
        sa.Column("version_id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("owner", sa.String(400), nullable=False),
        sa.Column("owned", sa.String(400), nullable=False),
        sa.Column("low", sa.Float, nullable=False),
        sa.Column("high", sa.Float, nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("interest", sa.String(16), nullable=False),
        sa.Column("start", sa.String(10)),
        sa.Column("end", sa.String(10)),
        sa.Column("source", sa.Text),
        sa.Column("source_ref", sa.Text),
    )
    op.create_table(
        "ownership_links",
        sa.Column("version_id", sa.Integer, primary_key=True),
        sa.Column("lists_key", sa.String(64), primary_key=True),
        sa.Column("party_key", sa.String(400), primary_key=True),
        sa.Column("entity_id", sa.String(200)),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("matched_name", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("ownership_links")
    op.drop_table("ownership_edges")
    op.drop_table("ownership_parties")
    op.drop_table("ownership_versions")
