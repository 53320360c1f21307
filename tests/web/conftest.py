"""A live clearance server on 127.0.0.1 with two users, and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from clearance.api import ApiSettings, create_app
from clearance.monitoring.counterparties import Counterparty, add_counterparties
from clearance.monitoring.monitor import run_monitor
from clearance.store import ListStore
from clearance.web.users import UserStore
from tests.api.conftest import LiveServer, start_server

PASSWORD = "correct horse battery staple"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


@dataclass
class WebUsers:
    admin: str
    analyst: str
    password: str = PASSWORD


@pytest.fixture(scope="session")
def web_db(request: pytest.FixtureRequest) -> str:
    existing = os.environ.get("CLEARANCE_API_TEST_DB")
    path: str = existing or request.getfixturevalue("snapshot_db")
    return path


@pytest.fixture(scope="session")
def web_users(web_db: str) -> WebUsers:
    run = uuid.uuid4().hex[:6]  # the session store may be reused between runs
    users = UserStore(ListStore.open(web_db).engine)
    names = WebUsers(admin=f"admin-{run}", analyst=f"ana-{run}")
    users.create(names.admin, PASSWORD, "admin", "tests")
    users.create(names.analyst, PASSWORD, "analyst", "tests")
    return names


@pytest.fixture(scope="session")
def web(web_db: str, web_users: WebUsers) -> Iterator[LiveServer]:
    app = create_app(
        ApiSettings(
            db=web_db,
            rate_limit_per_minute=0,
            max_upload_bytes=300_000,
            failures_per_address=100_000,  # every test client is 127.0.0.1 (own test: throttle)
        )
    )
    server = start_server(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def hikvision_alert(web_db: str) -> int:
    """An open monitoring alert: a counterparty spelled "Higuision" hits Hikvision."""
    store = ListStore.open(web_db)
    counterparty = f"web-cp-{uuid.uuid4().hex[:8]}"
    add_counterparties(
        store.engine, [Counterparty(id=counterparty, name="Higuision", country="CN")]
    )
    run_monitor(store, actor="tests")
    from clearance.monitoring.alerts import list_alerts

    alerts = list_alerts(store.engine, counterparty_id=counterparty)
    assert alerts and alerts[0]["entity_id"] == "ofac-nonsdn:30946", alerts
    return int(alerts[0]["id"])


def chromium_path() -> str:
    for candidate in (os.environ.get("CLEARANCE_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and shutil.which(candidate):
            return candidate
    pytest.fail(
        "Debian's chromium is needed for the web tests: `apt-get install chromium` "
        "(.ci/run installs it) or set CLEARANCE_CHROMIUM"
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for one test file. Not for the session: while Playwright's sync API is
    open it keeps an asyncio loop running in the main thread, so any later test in the
    same process that calls asyncio.run() fails (with xdist, files run in any order)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def sign_in(base_url: str, name: str, password: str = PASSWORD) -> httpx.Client:
    """An httpx client signed in through the login form (CSRF cookie and field)."""
    client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=60)
    form = client.get("/ui/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token, form.text
    response = client.post(
        "/ui/login", data={"username": name, "password": password, "login_csrf": token[1]}
    )
    assert response.status_code == 303, response.text
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found[1]
