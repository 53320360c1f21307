"""Keys and scopes, limits, error bodies, CORS."""

from __future__ import annotations

import socket

import httpx
import pytest

from clearance.api import ApiSettings, create_app
from tests.api.conftest import Keys, LiveServer, start_server

PUTIN = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}}}}


def test_keys_and_scopes(live: LiveServer, api_keys: Keys) -> None:
    url = live.url
    assert httpx.get(f"{url}/catalog").status_code == 401
    assert httpx.get(f"{url}/catalog", headers={"Authorization": "ApiKey nope"}).status_code == 401
    assert httpx.get(f"{url}/catalog", headers={"Authorization": "Basic abc"}).status_code == 401
    revoked = {"Authorization": f"ApiKey {api_keys.revoked}"}
    assert httpx.get(f"{url}/catalog", headers=revoked).status_code == 401
    read = {"Authorization": f"ApiKey {api_keys.read}"}
    bearer = {"Authorization": f"Bearer {api_keys.read}"}
    assert httpx.get(f"{url}/catalog", headers=read).status_code == 200
    assert httpx.get(f"{url}/catalog", headers=bearer).status_code == 200
    assert httpx.post(f"{url}/match/default", json=PUTIN, headers=read).status_code == 200
    denied = httpx.post(f"{url}/check", json={"name": "Putin"}, headers=read)
    assert denied.status_code == 403 and "screen" in denied.json()["detail"]
    screen = {"Authorization": f"ApiKey {api_keys.screen}"}
    assert httpx.post(f"{url}/check", json={"name": "Putin"}, headers=screen).status_code == 200
    assert httpx.get(f"{url}/catalog", headers=screen).status_code == 200  # screen implies read
    assert httpx.get(f"{url}/healthz").status_code == 200  # probes need no key


def test_a_body_is_not_read_without_a_key(live: LiveServer, api_keys: Keys) -> None:
    """The key is checked before the body is read: no parsing, no upload, for anyone."""
    url = live.url
    for headers in ({}, {"Authorization": "ApiKey not-a-key"}):
        for path in ("/check", "/scan", "/monitor", "/reconcile", "/match/default"):
            response = httpx.post(f"{url}{path}", content=b"{not json", headers=headers)
            assert response.status_code == 401, (path, response.text)
            assert response.headers["www-authenticate"] == "ApiKey"
            assert response.json()["request_id"] == response.headers["x-request-id"]
    revoked = {"Authorization": f"ApiKey {api_keys.revoked}"}
    response = httpx.post(f"{url}/check", json={"name": "Putin"}, headers=revoked)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    # A 40 MB upload announced, 1 KB sent: the answer comes at once, not after the upload.
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as raw:
        raw.sendall(
            b"POST /screen HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
            b"boundary=b\r\nContent-Length: 40000000\r\n\r\n" + b"x" * 1024
        )
        answer = raw.recv(65536)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    # With a key, a bad body is a 422 as before; the pages under /ui sign in otherwise.
    read = {"Authorization": f"ApiKey {api_keys.read}"}
    assert httpx.post(f"{url}/match/default", content=b"{", headers=read).status_code == 422
    assert httpx.post(f"{url}/ui/login", data={"user": "x"}).status_code != 401


def test_limits_and_error_bodies(client: httpx.Client) -> None:
    base = str(client.base_url).rstrip("/")
    big = {"queries": {"q": {"schema": "Person", "properties": {"name": ["A" * 300_000]}}}}
    # Each oversized request on its own connection: the server drops it after the 413.
    response = httpx.post(f"{base}/match/default", json=big, headers=client.headers)
    assert response.status_code == 413
    assert "bytes" in response.json()["detail"]

    def chunks():  # no Content-Length: the limit is counted while reading
        for _ in range(30):
            yield b"x" * 10_000

    response = httpx.post(
        f"{base}/match/default",
        content=chunks(),
        headers={"content-type": "application/json", **client.headers},
    )
    assert response.status_code == 413
    crashed = client.get("/test-boom")
    assert crashed.status_code == 500
    assert crashed.json()["detail"] == "internal server error"
    assert "passwd" not in crashed.text and "Traceback" not in crashed.text
    assert crashed.json()["request_id"] == crashed.headers["x-request-id"]
    wrong = client.post("/check", json={"name": ""})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "name"]
    assert client.post("/check", json={"name": "Putin", "type": "banana"}).status_code == 422


def test_cors_off_by_default(client: httpx.Client) -> None:
    response = client.get("/catalog", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


@pytest.fixture(scope="module")
def strict(api_db: str) -> LiveServer:
    app = create_app(
        ApiSettings(
            db=api_db, rate_limit_per_minute=3, warm=False, cors_origins=("https://app.example",)
        )
    )
    server = start_server(app)
    yield server  # type: ignore[misc]
    server.stop()


def test_rate_limit_per_key(strict: LiveServer, api_keys: Keys) -> None:
    read = {"Authorization": f"ApiKey {api_keys.read}"}
    codes = [httpx.get(f"{strict.url}/catalog", headers=read).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    limited = httpx.get(f"{strict.url}/catalog", headers=read)
    assert int(limited.headers["retry-after"]) >= 1
    other = {"Authorization": f"ApiKey {api_keys.screen}"}  # another key has its own budget
    assert httpx.get(f"{strict.url}/catalog", headers=other).status_code == 200


def test_cors_when_configured(strict: LiveServer) -> None:
    response = httpx.options(
        f"{strict.url}/catalog",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.headers["access-control-allow-origin"] == "https://app.example"


def test_no_auth_server(api_db: str) -> None:
    server = start_server(create_app(ApiSettings(db=api_db, auth=False, warm=False)))
    try:
        assert httpx.get(f"{server.url}/catalog").status_code == 200
    finally:
        server.stop()


def test_access_log_has_no_personal_data(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    import json
    import logging

    caplog.set_level(logging.INFO, logger="clearance.api.access")
    client.get("/search/default", params={"q": "Jane Secretname"})
    client.post("/check", json={"name": "Jane Secretname", "birth_date": "1980-01-01"})
    lines = [r.getMessage() for r in caplog.records if r.name == "clearance.api.access"]
    assert lines, "no access log lines"
    assert not any("Secretname" in line or "1980" in line for line in lines)
    records = [json.loads(line) for line in lines]
    assert {"/search/{dataset}", "/check"} <= {r["path"] for r in records}
    assert all(r["key_id"] and "client" not in r and r["ms"] >= 0 for r in records)
