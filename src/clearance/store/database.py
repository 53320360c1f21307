"""Where the store lives and how it is opened and migrated.

Default: a SQLite file in the user data directory. `CLEARANCE_DB` or `--db`
may give a path or any SQLAlchemy URL (``postgresql+psycopg://…``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_REVISION = "0007"
IN_CHUNK = 500  # values per SQL IN (...) list: within every driver's parameter limit


def in_chunks(items: list[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    """`items` in slices of `size`, for IN (...) lists a driver accepts."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def utc(value: datetime) -> datetime:
    """A timestamp read back from the store, in UTC.

    Every timestamp the store writes is UTC; SQLite hands it back without its zone.
    """
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def default_database_url() -> str:
    configured = os.environ.get("CLEARANCE_DB")
    if configured:
        return database_url(configured)
    data_dir = Path(platformdirs.user_data_dir("clearance", appauthor=False))
    return database_url(str(data_dir / "clearance.db"))


def database_url(value: str) -> str:
    """Accept a URL as is; turn a file path into a SQLite URL."""
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def create_store_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def current_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to head with Alembic; a no-op (one query) when it is there."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
