"""`clearance serve --workers 2` after a list update: the parent loads the new index and
forks new workers that share it, the old ones stop once the new are up, and a client
hammering the server meanwhile sees no error (workers used to build an index each: the
server's memory grew by one index per worker, and their requests waited)."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from pathlib import Path

import httpx
import pytest

from clearance.api import KeyStore
from clearance.model import Entity, Name, NameKind
from clearance.store import ListStore
from tests.api.test_serve_workers import Served, _children, _memory_kib
from tests.monitoring.backends import base_entities, load_version, un_entities

__all__ = ["un_entities"]

NEWCOMER = "Zebulon Quartermaine-Oyelaran"


def _query(name: str) -> bytes:
    body = json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}})
    return body.encode()


async def _hammer(port: int, key: str, until: float, failures: list[str]) -> int:
    """One keep-alive client sending /match until `until`; reconnects when the server
    closes the connection after an answer (as a stopping worker does), as HTTP allows."""
    sent = 0
    head = (
        f"POST /match/default HTTP/1.1\r\nHost: x\r\nAuthorization: ApiKey {key}\r\n"
        "Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    body = _query("Germain Katanga")
    request = head.format(length=len(body)).encode() + body
    while time.monotonic() < until:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < until:
                writer.write(request)
                status_line = await reader.readuntil(b"\r\n")
                headers = await reader.readuntil(b"\r\n\r\n")
                length = int(headers.split(b"content-length:", 1)[1].split(b"\r\n")[0])
                await reader.readexactly(length)
                sent += 1
                if not status_line.startswith(b"HTTP/1.1 200"):
                    failures.append(status_line.decode().strip())
                if b"connection: close" in headers.lower():
                    break  # told before: not an error
        except (OSError, asyncio.IncompleteReadError) as exc:
            failures.append(f"{type(exc).__name__} after {sent} answers")
        finally:
            writer.close()
    return sent


def test_workers_are_replaced_by_ones_sharing_the_new_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, un_entities: dict[str, Entity]
) -> None:
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path / "cache"))
    db = str(tmp_path / "store.db")
    store = ListStore.open(db)
    entities = base_entities(un_entities, 150)
    load_version(store, entities, "a", "2026-02-27")
    key = KeyStore(store.engine).create(["read"], "tests")[1]
    served = Served(db, tmp_path / "serve.log").running()
    assert served.process is not None
    try:
        url, auth = served.url, {"Authorization": f"ApiKey {key}"}
        before = set(_children(served.process.pid))
        answer = httpx.post(f"{url}/match/default", content=_query(NEWCOMER), headers=auth)
        assert answer.json()["responses"]["q"]["results"] == []

        # A person: the query says Person, and another kind of party is no match.
        newcomer = copy.deepcopy(next(e for e in entities if e.schema == "Person"))
        newcomer.id = "un-sc:TEST.001"
        newcomer.names = [Name(NEWCOMER, NameKind.PRIMARY)]
        load_version(store, [*entities, newcomer], "b", "2026-03-06")

        failures: list[str] = []

        async def clients() -> None:
            deadline = time.monotonic() + 120
            while set(_children(served.process.pid)) & before:  # type: ignore[union-attr]
                assert time.monotonic() < deadline, served.log.read_text()[-2000:]
                await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)  # and on a while with the new workers

        async def run() -> int:
            hammering = [
                asyncio.create_task(_hammer(served.port, key, time.monotonic() + 600, failures))
                for _ in range(8)
            ]
            await clients()
            for task in hammering:
                task.cancel()
            return sum(
                r for r in await asyncio.gather(*hammering, return_exceptions=True)
                if isinstance(r, int)
            )  # fmt: skip

        asyncio.run(run())
        assert failures == []
        after = set(_children(served.process.pid))
        assert len(after) == 2 and not after & before  # two new workers, the old ones gone
        answer = httpx.post(f"{url}/match/default", content=_query(NEWCOMER), headers=auth)
        names = [r["caption"] for r in answer.json()["responses"]["q"]["results"]]
        assert NEWCOMER in names
        for pid in after:  # the new index is the parent's, shared: not a copy per worker
            memory = _memory_kib(pid)
            own = memory["Private_Clean"] + memory["Private_Dirty"]
            assert own < 0.5 * memory["Rss"], (pid, memory)
        assert "new workers with the new index" in served.log.read_text()
    finally:
        served.stop()


def test_the_parent_follows_ownership_files_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, un_entities: dict[str, Entity]
) -> None:
    """An ownership file derives listings: loading one must replace the workers too (the
    parent once asked only whether the lists changed, so workers kept the old ones)."""
    from typer.testing import CliRunner

    from clearance.api import ApiSettings, create_app
    from clearance.api.app import follow_list_updates, preload_index
    from clearance.cli.main import app as cli_app

    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path / "cache"))
    db = str(tmp_path / "store.db")
    load_version(ListStore.open(db), base_entities(un_entities, 150), "a", "2026-02-27")
    app = create_app(ApiSettings(db=db))
    preload_index(app)
    assert not follow_list_updates(app)
    owners = tmp_path / "owners.csv"
    owners.write_text("owner,owned,percent,start_date,end_date,source\nA Co,B Co,60,,,filing\n")
    loaded = CliRunner().invoke(cli_app, ["--db", db, "load", str(owners), "--list", "owners"])
    assert loaded.exit_code == 0, loaded.output
    assert follow_list_updates(app)
    assert not follow_list_updates(app)
