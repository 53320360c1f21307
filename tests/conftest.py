"""Shared test fixtures: the real official files live in ../shared/lists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("CLEARANCE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
LISTS = SHARED / "lists"
BENCH = SHARED / "bench"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS.is_dir():
        pytest.fail(f"shared list files not found at {LISTS}; set CLEARANCE_SHARED")
    return LISTS


@pytest.fixture(scope="session")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the whole bundled snapshot, loaded once per test session.

    Loaded through the CLI's first-use path (an empty store gets the snapshot),
    so every test that uses it also exercises that path.
    """
    from typer.testing import CliRunner

    from clearance.cli.main import app

    path = str(tmp_path_factory.mktemp("snapshot") / "clearance.db")
    result = CliRunner().invoke(app, ["--db", path, "lists", "--json"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def scratch_db(snapshot_db: str, tmp_path: Path) -> str:
    """A copy of the snapshot store that a test may change (load, monitor, keys).

    Copied with SQLite's backup API (consistent under WAL), about half a second;
    the compiled index is the snapshot's, so the in-process index cache still serves it.
    """
    import sqlite3

    target = str(tmp_path / "scratch.db")
    with sqlite3.connect(snapshot_db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target
