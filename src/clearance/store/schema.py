"""Tables of the versioned list store (SQLAlchemy Core, SQLite or PostgreSQL).

Entities are content-addressed: a record is stored once per distinct content
(`entity_records.hash`), and a version is the set of (entity id -> hash) pairs it
contains. Reloading an unchanged list writes nothing; a weekly SDN update with
twenty changes writes twenty records plus the membership rows.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

list_versions = Table(
    "list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False, index=True),
    Column("number", Integer),  # 1, 2, 3 … per list, what users read (always written)
    Column("source", Text, nullable=False),  # URL(s) or path(s) it was loaded from
    Column("origin", String(16), nullable=False),  # snapshot | update | file
    Column("files", JSON, nullable=False),  # [{"role","name","sha256","bytes"}]
    Column("sha256", String(64), nullable=False),  # over all files, role-ordered
    Column("retrieved_at", DateTime(timezone=True), nullable=False),
    Column("published", String(10)),  # ISO date carried by the file, if any
    Column("entity_count", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # "ok"; failed attempts go to update_log
    Column("warnings", JSON, nullable=False),
    Column("stats", JSON, nullable=False),
    # Where `published` came from: file | last-modified | operator | manifest; NULL: unknown.
    Column("date_source", String(16)),
)
Index("uq_list_versions_number", list_versions.c.list_id, list_versions.c.number, unique=True)

entity_records = Table(
    "entity_records",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("entity_id", String(200), nullable=False, index=True),
    Column("data", LargeBinary, nullable=False),  # zlib-compressed canonical JSON
)

version_entities = Table(
    "version_entities",
    metadata,
    Column("version_id", Integer, ForeignKey("list_versions.id"), primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("hash", String(64), ForeignKey("entity_records.hash"), nullable=False),
)
Index("ix_version_entities_hash", version_entities.c.hash)

entity_keys = Table(
    "entity_keys",
    metadata,
    Column("hash", String(64), ForeignKey("entity_records.hash"), primary_key=True),
    Column("key", String(400), primary_key=True),
)
Index("ix_entity_keys_key", entity_keys.c.key)

update_log = Table(
    "update_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("source", Text, nullable=False),
    Column("result", String(16), nullable=False),  # loaded | unchanged | rejected | failed
    Column("message", Text, nullable=False),
    Column("version_id", Integer),
)

# Who writes a list version now (one row, id 1, informational; see writer_lock.py).
store_writer = Table(
    "store_writer",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("list_id", String(64), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("host", String(255), nullable=False),
    Column("since", DateTime(timezone=True), nullable=False),
)
