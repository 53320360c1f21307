"""Tables of ownership data: versions of ownership lists, their parties, edges and links.

Created by the Alembic revision 0006 (`store/migrations/versions/0006_ownership.py`).
A version is one file as loaded (its rows are not shared between versions: ownership
files are replaced whole, and an unchanged file is not stored again). Links are
kept per version *and* per set of list versions they were made against
(`lists_key`): when a list changes, the parties are linked again.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()

ownership_versions = Table(
    "ownership_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False, index=True),
    Column("source", Text, nullable=False),
    Column("origin", String(16), nullable=False),
    Column("files", JSON, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("retrieved_at", DateTime(timezone=True), nullable=False),
    Column("published", String(10)),
    Column("format", String(16), nullable=False),  # table | bods | ftm
    Column("party_count", Integer, nullable=False),
    Column("edge_count", Integer, nullable=False),
    Column("warnings", JSON, nullable=False),
    Column("stats", JSON, nullable=False),
)

ownership_parties = Table(
    "ownership_parties",
    metadata,
    Column("version_id", Integer, primary_key=True),
    Column("key", String(400), primary_key=True),
    Column("name", Text, nullable=False),
    Column("schema", String(32), nullable=False),
    Column("identifiers", Text, nullable=False),  # JSON [[type, value, country, note], ...]
    Column("country", String(8)),
    Column("entity_id", String(200)),
    Column("source_ref", Text),
)

ownership_edges = Table(
    "ownership_edges",
    metadata,
    Column("version_id", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("owner", String(400), nullable=False),
    Column("owned", String(400), nullable=False),
    Column("low", Float, nullable=False),
    Column("high", Float, nullable=False),
    Column("label", String(64), nullable=False),
    Column("interest", String(16), nullable=False),
    Column("start", String(10)),
    Column("end", String(10)),
    Column("source", Text),
    Column("source_ref", Text),
)

ownership_links = Table(
    "ownership_links",
    metadata,
    Column("version_id", Integer, primary_key=True),
    Column("lists_key", String(64), primary_key=True),
    Column("party_key", String(400), primary_key=True),
    Column("entity_id", String(200)),  # None: no listed party matched (recorded, not retried)
    Column("method", String(200), nullable=False),  # "entity id", "identifier LEI …", "name"
    Column("score", Float, nullable=False),
    Column("matched_name", Text),
)
