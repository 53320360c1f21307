"""Guessing is slowed per client address and per user name, with backoff, not a lock:
spraying one password over many names stops at the address, wrong API keys count
against it too, and whoever hammers the admin's name cannot keep the admin out of their
usual machine. Client addresses come from X-Forwarded-For, which uvicorn trusts from
127.0.0.1 (as behind a local reverse proxy)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from clearance.api import ApiSettings, KeyStore, create_app
from clearance.api.throttle import ADDRESS_FREE_FAILURES, USER_FREE_FAILURES
from clearance.store import ListStore
from clearance.web.users import UserStore
from tests.api.conftest import LiveServer, start_server
from tests.conftest import copy_store
from tests.web.conftest import PASSWORD


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, pristine_db: str
) -> Iterator[tuple[LiveServer, str]]:
    # Its own store, so that these counts slow no other test: a copy of the session's
    # snapshot store (an empty one would load the whole snapshot again, ~30 s).
    db = str(tmp_path_factory.mktemp("throttle") / "store.db")
    copy_store(pristine_db, db)
    store = ListStore.open(db)
    users = UserStore(store.engine)
    users.create("root-admin", PASSWORD, "admin", "tests")
    users.create("ana", PASSWORD, "analyst", "tests")
    _, key = KeyStore(store.engine).create(["read"], "tests")
    live = start_server(create_app(ApiSettings(db=db, rate_limit_per_minute=0, warm=False)), False)
    yield live, key
    live.stop()


def _sign_in(url: str, name: str, password: str, address: str) -> httpx.Response:
    with httpx.Client(base_url=url, headers={"X-Forwarded-For": address}) as client:
        form = client.get("/ui/login").text
        token = re.search(r'name="login_csrf" value="([^"]+)"', form)
        assert token, form
        data = {"username": name, "password": password, "login_csrf": token[1]}
        return client.post("/ui/login", data=data)


def test_spraying_one_address_is_stopped_not_the_admin(server: tuple[LiveServer, str]) -> None:
    live, _ = server
    for n in range(ADDRESS_FREE_FAILURES + 1):  # one password tried on many names
        assert _sign_in(live.url, f"user{n}", "Summer2026!Summer", "10.1.1.1").status_code == 401
    refused = _sign_in(live.url, "root-admin", PASSWORD, "10.1.1.1")
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 2  # backoff from 1 s, doubling
    assert _sign_in(live.url, "root-admin", PASSWORD, "10.2.2.2").status_code == 303


def test_hammering_a_name_slows_the_hammer_not_the_user_at_home(
    server: tuple[LiveServer, str],
) -> None:
    live, _ = server
    assert _sign_in(live.url, "ana", PASSWORD, "10.5.5.5").status_code == 303  # her machine
    for n in range(USER_FREE_FAILURES + 1):  # from ever new addresses: only the name counts
        assert _sign_in(live.url, "ana", "wrong " + PASSWORD, f"10.6.6.{n}").status_code == 401
    elsewhere = _sign_in(live.url, "ana", PASSWORD, "10.7.7.7")
    assert elsewhere.status_code == 429 and elsewhere.headers["retry-after"] == "1"
    assert _sign_in(live.url, "ana", PASSWORD, "10.5.5.5").status_code == 303


def test_wrong_api_keys_count_against_the_address(server: tuple[LiveServer, str]) -> None:
    live, key = server

    def catalog(secret: str | None, address: str) -> httpx.Response:
        headers = {"X-Forwarded-For": address}
        if secret is not None:
            headers["Authorization"] = f"ApiKey {secret}"
        return httpx.get(f"{live.url}/catalog", headers=headers)

    for _ in range(3):
        assert catalog(None, "10.9.9.9").status_code == 401  # no key at all: not a guess
    for n in range(ADDRESS_FREE_FAILURES + 1):
        assert catalog(f"clr_guess{n}_secret", "10.9.9.9").status_code == 401
    blocked = catalog(key, "10.9.9.9")  # while it waits, no key of that address is looked at
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert "too many wrong API keys" in blocked.json()["detail"]
    assert catalog(key, "10.9.9.8").status_code == 200
    assert catalog("clr_guess_secret", "10.9.9.8").status_code == 401


def test_the_store_keeps_the_counts(server: tuple[LiveServer, str]) -> None:
    engine = server[0].app.state.services.store.engine
    from sqlalchemy import select

    from clearance.api.throttle import auth_throttle

    with engine.connect() as conn:
        subjects = set(conn.execute(select(auth_throttle.c.subject)).scalars())
    assert {"address:10.1.1.1", "address:10.9.9.9", "user:user0"} <= subjects
    assert "known:ana@10.5.5.5" in subjects and "user:ana" not in subjects  # she signed in
