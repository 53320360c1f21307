"""A list update while the server answers: requests go on with the index they had while
the new one is built in the background, then move to it (a load once made /match wait
12 s for the new index); the old index is let go."""

from __future__ import annotations

import copy
import threading
import time
from pathlib import Path

import httpx
import pytest

from clearance.api import ApiSettings, create_app
from clearance.api import screeners as screeners_module
from clearance.model import Entity, Name, NameKind
from clearance.store import ListStore
from tests.api.conftest import start_server
from tests.monitoring.backends import base_entities, load_version, un_entities

__all__ = ["un_entities"]

NEWCOMER = "Zebulon Quartermaine-Oyelaran"


def _hits(http: httpx.Client, name: str) -> list[str]:
    response = http.post("/check", json={"name": name})
    assert response.status_code == 200, response.text
    return [hit["name"] for hit in response.json()["hits"]]


def test_requests_use_the_old_index_until_the_new_one_is_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, un_entities: dict[str, Entity]
) -> None:
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(screeners_module, "VERSION_CHECK_SECONDS", 0.0)
    db = str(tmp_path / "store.db")
    store = ListStore.open(db)
    entities = base_entities(un_entities, 120)
    load_version(store, entities, "a", "2026-02-27")
    app = create_app(ApiSettings(db=db, auth=False, rate_limit_per_minute=0))
    server = start_server(app)
    cache = app.state.services.screeners
    try:
        http = httpx.Client(base_url=server.url, timeout=30)
        assert _hits(http, NEWCOMER) == []
        first = cache.get()

        # The next index build waits until the test lets it go.
        release = threading.Event()
        real_load = screeners_module.Screener.load

        def slow_load(*args: object, **kwargs: object) -> object:
            assert release.wait(60), "never released"
            return real_load(*args, **kwargs)

        monkeypatch.setattr(screeners_module.Screener, "load", slow_load)
        newcomer = copy.deepcopy(entities[0])
        newcomer.id = "un-sc:TEST.001"
        newcomer.names = [Name(NEWCOMER, NameKind.PRIMARY)]
        load_version(store, [*entities, newcomer], "b", "2026-03-06")

        # While the new index is being built, requests are answered from the old one.
        for _ in range(3):
            assert _hits(http, NEWCOMER) == []
        assert cache.building() and cache.get() is first

        release.set()
        deadline = time.monotonic() + 60
        while cache.building():
            assert time.monotonic() < deadline, "the new index was never ready"
            time.sleep(0.05)
        assert _hits(http, NEWCOMER) == [NEWCOMER]
        assert cache.get() is not first
        assert first not in cache._screeners.values()  # the old index is let go
    finally:
        server.stop()
