"""Tables of the HTTP API: hashed API keys and screening jobs.

Kept apart from the list store's schema (`clearance.store.schema`) so the API can
evolve its own state; migration 0003 creates them.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

screen_jobs = sa.Table(
    "screen_jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("filename", sa.String(300), nullable=False),
    sa.Column("options", sa.JSON, nullable=False),
    sa.Column("input", sa.LargeBinary, nullable=False),
    sa.Column("rows_done", sa.Integer, nullable=False),
    sa.Column("rows_total", sa.Integer),
    sa.Column("result", sa.LargeBinary),
    sa.Column("summary", sa.JSON),
    sa.Column("error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("owner", sa.String(200)),  # "api-key:<id>" or "user:<name>" (migration 0004)
)
