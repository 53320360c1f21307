"""Version numbers per list; party keys recomputed with the current linking rules.

`list_versions.number` counts the versions of each list from 1 (the id stays as the
store-wide load id). The party keys of every stored record are made again, so a
store loaded before a linking rule changed ties its parties as a new one would.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from clearance.store.party_keys import rebuild_party_keys

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added, filled, then indexed: SQLite alters a table only by copying it, which the
    # foreign keys onto list_versions forbid; the store writes the number on every load.
    op.add_column("list_versions", sa.Column("number", sa.Integer))
    connection = op.get_bind()
    versions = sa.table("list_versions", sa.column("id"), sa.column("list_id"), sa.column("number"))
    counters: dict[str, int] = {}
    rows = connection.execute(
        sa.select(versions.c.id, versions.c.list_id).order_by(versions.c.id)
    ).all()
    for version_id, list_id in rows:
        counters[list_id] = counters.get(list_id, 0) + 1
        connection.execute(
            versions.update().where(versions.c.id == version_id).values(number=counters[list_id])
        )
    op.create_index("uq_list_versions_number", "list_versions", ["list_id", "number"], unique=True)
    rebuild_party_keys(connection)
