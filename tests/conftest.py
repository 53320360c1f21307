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


# The store with an ownership list, shared by tests/ownership and tests/web.
from tests.ownership.store import owners_csv, owners_db, owners_server  # noqa: E402, F401
