"""Shared test fixtures: the real official files live in ../shared/lists."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest

# Under CI (`CI` set, as `.ci/run` and CI services set it) a missing PostgreSQL, Chromium
# or Spark fails its tests: a suite that skipped them could go green without testing them.
UNDER_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_unless_ci(reason: str, *, module: bool = False) -> None:
    """Skip on a developer's machine; fail under CI, where everything must run.

    `module=True` from a module's (or conftest's) top level: skips or fails all of it.
    """
    if UNDER_CI:
        pytest.fail(f"{reason} (CI must run these tests, not skip them)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


SHARED = Path(os.environ.get("CLEARANCE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
LISTS = SHARED / "lists"
BENCH = SHARED / "bench"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS.is_dir():
        pytest.fail(f"shared list files not found at {LISTS}; set CLEARANCE_SHARED")
    return LISTS


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[str], None]) -> str:
    """A SQLite store built once per test run, even with pytest-xdist's workers: the first
    worker to ask builds it under a lock, the others wait for it and get the same file,
    which no test may change (copy it first). Without xdist: built in the session's temp."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        path = str(factory.mktemp(name) / "clearance.db")
        build(path)
        return path
    shared = factory.getbasetemp().parent  # one folder for all workers of this run
    path = str(shared / f"{name}.db")
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = shared / f"{name}.done"
        if not done.exists():
            build(path)
            done.touch()
    return path


def _first_use(path: str) -> None:
    from typer.testing import CliRunner

    from clearance.cli.main import app

    result = CliRunner().invoke(app, ["--db", path, "lists", "--json"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the whole bundled snapshot, loaded once per test run.

    Loaded through the CLI's first-use path (an empty store gets the snapshot),
    so every test that uses it also exercises that path. Each xdist worker gets a
    copy of its own, since tests add keys, users, counterparties and audit records.
    """
    built = built_once(tmp_path_factory, "snapshot", _first_use)
    path = str(tmp_path_factory.mktemp("snapshot") / "clearance.db")
    copy_store(built, path)
    copy_store(built, str(Path(path).with_name("pristine.db")))
    return path


@pytest.fixture(scope="session")
def pristine_db(snapshot_db: str) -> str:
    """The snapshot store as its first use left it, before any test added keys, users,
    counterparties or audit records: what a new user's store holds (the user guide)."""
    return str(Path(snapshot_db).with_name("pristine.db"))


def copy_store(source: str, target: str) -> None:
    """A consistent copy of a SQLite store (the backup API, safe under WAL), in ~0.5 s."""
    import sqlite3

    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)


@pytest.fixture
def scratch_db(snapshot_db: str, tmp_path: Path) -> str:
    """A copy of the snapshot store that a test may change (load, monitor, keys); the
    compiled index is the snapshot's, so the in-process index cache still serves it."""
    target = str(tmp_path / "scratch.db")
    copy_store(snapshot_db, target)
    return target


# The store with an ownership list, shared by tests/ownership and tests/web.
from tests.ownership.store import owners_csv, owners_db, owners_server  # noqa: E402, F401
