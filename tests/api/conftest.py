"""A real uvicorn server on 127.0.0.1 (ephemeral port) over the snapshot store."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from clearance.api import ApiSettings, KeyStore, create_app
from clearance.store import ListStore


@dataclass
class LiveServer:
    url: str
    app: FastAPI
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def start_server(app: FastAPI, wait_ready: bool = True) -> LiveServer:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    while wait_ready and httpx.get(f"{url}/readyz").status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("index not ready")
        time.sleep(0.1)
    return LiveServer(url, app, server, thread)


@dataclass
class Keys:
    read: str
    screen: str
    admin: str
    revoked: str


@pytest.fixture(scope="session")
def api_db(request: pytest.FixtureRequest) -> str:
    """The snapshot store; CLEARANCE_API_TEST_DB may name an already loaded one (faster reruns)."""
    existing = os.environ.get("CLEARANCE_API_TEST_DB")
    if existing:
        return existing
    path: str = request.getfixturevalue("snapshot_db")
    return path


@pytest.fixture(scope="session")
def api_keys(api_db: str) -> Keys:
    keys = KeyStore(ListStore.open(api_db).engine)
    revoked_key, revoked = keys.create(["admin"], "revoked in tests")
    keys.revoke(revoked_key.id)
    return Keys(
        read=keys.create(["read"], "tests")[1],
        screen=keys.create(["screen"], "tests")[1],
        admin=keys.create(["admin"], "tests")[1],
        revoked=revoked,
    )


def _boom() -> None:
    raise RuntimeError("secret internals /etc/passwd")


@pytest.fixture(scope="session")
def live(api_db: str, api_keys: Keys) -> Iterator[LiveServer]:
    """The server most tests use: keys on, no rate limit, small body limit."""
    app = create_app(
        ApiSettings(
            db=api_db,
            rate_limit_per_minute=0,
            max_body_bytes=200_000,
            failures_per_address=100_000,  # every test client is 127.0.0.1 (own test: throttle)
        )
    )
    app.add_api_route("/test-boom", _boom)  # proves a crash leaks no internals
    server = start_server(app)
    yield server
    server.stop()


@pytest.fixture
def client(live: LiveServer, api_keys: Keys) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=live.url, headers={"Authorization": f"ApiKey {api_keys.admin}"}, timeout=60
    ) as http:
        yield http
