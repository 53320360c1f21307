"""A copy of the snapshot store with a small ownership list whose owners are really listed
(session fixtures, registered by tests/conftest.py for the ownership and web tests).

The owners are SDN-listed organisations of the bundled list (SNIPER AFRICA, linked by
its registration number; HILAL TRAVEL AGENCY, by name only; CASA HAMZE, by its record
id); the owned companies are invented and on no list.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.main import app

OWNERS_CSV = """\
owner,owned,percent,start_date,end_date,source,owner_ids
Sniper Africa,Zorvex Alpha Trading Ltd,60,2015-01-01,,registry extract,REG:200302847123
Zorvex Alpha Trading Ltd,Zorvex Gamma Shipping Ltd,50,2016-01-01,,registry extract,
ofac-sdn:10046,Zorvex Delta Foods Ltd,30,,,filing,
Hilal Travel Agency,Zorvex Delta Foods Ltd,25,,,filing,
Sniper Africa,Zorvex Epsilon Holdings Ltd,40,,,filing,
Zorvex Epsilon Holdings Ltd,Zorvex Zeta Mining Ltd,100,,,filing,
Sniper Africa,Zorvex Eta Logistics Ltd,25-50,,,filing,
Sniper Africa,Zorvex Theta Partners Ltd,60,,,filing,
Zorvex Theta Partners Ltd,Zorvex Iota Partners Ltd,60,,,filing,
Zorvex Iota Partners Ltd,Zorvex Theta Partners Ltd,30,,,filing,
Sniper Africa,Zorvex Kappa Traders Ltd,70,2018-01-01,2024-12-31,filing,
"""
LIST_ID = "test-owners"
PASSWORD = "correct horse battery staple"


def copy_db(source: str, target: Path) -> str:
    """A consistent copy of a SQLite store (its WAL included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return str(target)


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def owners_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("owners") / "owners.csv"
    path.write_text(OWNERS_CSV)
    return path


@pytest.fixture(scope="session")
def owners_db(snapshot_db: str, owners_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The snapshot with `test-owners` loaded through `clearance load`."""
    db = copy_db(snapshot_db, tmp_path_factory.mktemp("owners-db") / "clearance.db")
    code, out = cli("--db", db, "load", str(owners_csv), "--list", LIST_ID)
    assert code == 0, out
    return db


@pytest.fixture(scope="session")
def owners_server(owners_db: str) -> Iterator[tuple[str, str, str]]:
    """A live server over the store with ownership: (url, admin API key, web user)."""
    from clearance.api import ApiSettings, KeyStore, create_app
    from clearance.store import ListStore
    from clearance.web.users import UserStore
    from tests.api.conftest import start_server

    engine = ListStore.open(owners_db).engine
    key = KeyStore(engine).create(["admin"], "ownership tests")[1]
    UserStore(engine).create("owner-analyst", PASSWORD, "analyst", "tests")
    server = start_server(create_app(ApiSettings(db=owners_db, rate_limit_per_minute=0)))
    yield server.url, key, "owner-analyst"
    server.stop()
