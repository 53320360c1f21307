"""The versioned list store: SQLAlchemy + Alembic, SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from datetime import date

from clearance.model import Entity
from clearance.store.changes import EntityChange, ListDiff
from clearance.store.errors import StoreBusy
from clearance.store.list_store import (
    ListStore,
    ListVersion,
    LoadOutcome,
    SourceFile,
    StoreError,
    VersionRejected,
)

__all__ = [
    "EntityChange",
    "ListDiff",
    "ListStore",
    "ListVersion",
    "LoadOutcome",
    "SourceFile",
    "StoreBusy",
    "StoreError",
    "VersionRejected",
    "load_entities_for_screening",
    "open_store",
    "screening_cache_key",
]


def open_store(db: str | None = None, *, autoload: bool = True) -> ListStore:
    """Open the store; on first use an empty store gets the bundled offline snapshot."""
    store = ListStore.open(db)
    if autoload and store.is_empty():
        from clearance.snapshot import load_bundled_snapshot

        load_bundled_snapshot(store)
    return store


def screening_cache_key(
    lists: list[str] | None = None, as_of: date | str | None = None, db: str | None = None
) -> str:
    return open_store(db).screening_key(lists, as_of)


def load_entities_for_screening(
    lists: list[str] | None = None, as_of: date | str | None = None, db: str | None = None
) -> tuple[str, list[Entity]]:
    store = open_store(db)
    return store.screening_key(lists, as_of), list(store.entities(lists, as_of))
