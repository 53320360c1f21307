"""Fixtures for updater tests: a live HTTP server, the real UN file, a store holding it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from clearance.store import ListStore
from clearance.update import update_lists
from tests.update.list_server import ListServer

UN_DIR = "un_sc/2026-02-27"
UN_ENTITIES = 1003


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validators go to a per-test cache; no proxy between us and 127.0.0.1."""
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CLEARANCE_DB", raising=False)


@pytest.fixture()
def server() -> Iterator[ListServer]:
    running = ListServer().start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def un_xml(lists_dir: Path) -> bytes:
    return (lists_dir / UN_DIR / "consolidated.xml").read_bytes()


@pytest.fixture(scope="session")
def _un_store_file(lists_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file holding the real UN list once, copied for each test that needs it."""
    folder = tmp_path_factory.mktemp("un-store")
    path = folder / "store.db"
    store = ListStore.open(str(path))
    [outcome] = update_lists(
        store, ["un-sc"], lists_dir / UN_DIR, validators_file=folder / "validators.json"
    )
    assert outcome.result == "loaded", outcome.describe()
    store.engine.dispose()
    return path


@pytest.fixture()
def un_store_path(_un_store_file: Path, tmp_path: Path) -> Path:
    """Path of a private copy of a store whose current un-sc version is the real file."""
    target = tmp_path / "store.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(_un_store_file) + suffix)
        if source.exists():
            shutil.copy(source, str(target) + suffix)
    return target


def store_state(store: ListStore) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
    """Every version (list, id, entity count) and the current version per list."""
    versions = [(v.list_id, v.id, v.entity_count) for v in store.versions()]
    return versions, {lid: v.id for lid, v in store.current_versions().items()}


def un_subset(un_xml: bytes, keep: int) -> bytes:
    """The real UN file with all but the first `keep` records of each section removed."""
    root = etree.fromstring(un_xml)
    for section in ("INDIVIDUALS", "ENTITIES"):
        for record in list(root.find(section))[keep:]:
            record.getparent().remove(record)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
