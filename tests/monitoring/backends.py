"""Both databases for the monitoring, audit and store tests: SQLite always, PostgreSQL
when CLEARANCE_TEST_PG_URL names one (`.ci/postgres.sh` starts one and prints its URL).

The PostgreSQL database named there is wiped before each test (its public schema is
dropped): point it at a throwaway database only. Each pytest-xdist worker uses a database
of its own beside it (`<name>_gw0` …), made on first use."""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from clearance.loaders.result import LoadResult
from clearance.model import Entity
from clearance.store import ListStore, SourceFile
from tests.conftest import skip_unless_ci

PG_URL = os.environ.get("CLEARANCE_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"]


@functools.cache
def worker_database(url: str) -> str:
    """The database of this xdist worker (the URL's own without xdist), created if missing."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if found.scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return str(tmp_path / "clearance.db")
    if not PG_URL:
        skip_unless_ci("CLEARANCE_TEST_PG_URL not set (run .ci/postgres.sh)")
    url = worker_database(PG_URL)
    reset_postgres(url)
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database_url(request.param, tmp_path)


@pytest.fixture
def store(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ListStore]:
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path / "cache"))
    opened = ListStore.open(db_url)
    yield opened
    opened.engine.dispose()


@pytest.fixture(scope="session")
def un_entities(lists_dir: Path) -> dict[str, Entity]:
    """The real UN consolidated list, parsed once."""
    from clearance.loaders.registry import load_list_files

    result = load_list_files("un-sc", {"xml": lists_dir / "un_sc/2026-02-27/consolidated.xml"})
    return {e.id: e for e in result.entities}


# A slice of the UN list keeps each test's store small; these records are always in it.
KEPT = ["un-sc:CDi.006", "un-sc:QDi.001", "un-sc:QDi.002"]


def base_entities(un: dict[str, Entity], size: int = 150) -> list[Entity]:
    ids = sorted(un)[:size]
    return [copy.deepcopy(un[i]) for i in dict.fromkeys([*ids, *KEPT])]


def load_version(store: ListStore, entities: list[Entity], tag: str, published: str) -> int:
    """Record a version of the UN slice as a new list version (the file hash is the tag)."""
    result = LoadResult("un-sc", list(entities), published, [], {})
    digest = (tag * 64)[:64]
    files = [SourceFile("xml", "consolidated.xml", digest, len(entities))]
    return store.record_load(result, files, f"test {tag}", "file", force=True).version.id
