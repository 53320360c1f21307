"""POST /monitor, GET /alerts and decisions over HTTP, on a live server."""

from __future__ import annotations

import hashlib
import uuid

import httpx

from clearance.monitoring.monitor import run_monitor
from clearance.store import ListStore
from tests.api.conftest import Keys, LiveServer


def test_monitor_alert_and_decide_over_http(
    live: LiveServer, api_keys: Keys, api_db: str, client: httpx.Client
) -> None:
    run_id = uuid.uuid4().hex[:8]  # the session store may be reused between runs
    cp1, cp2 = f"http-cp-1-{run_id}", f"http-cp-2-{run_id}"
    body = {
        "counterparties": [
            {"id": cp1, "name": "Higuision", "country": "CN"},
            {"id": cp2, "name": "Acme Garden Supplies Ltd"},
        ]
    }
    response = client.post("/monitor", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["received"] == 2
    run_monitor(ListStore.open(api_db), actor="test")
    alerts = client.get("/alerts", params={"counterparty_id": cp1}).json()["alerts"]
    assert alerts and alerts[0]["entity_id"] == "ofac-nonsdn:30946"
    assert not client.get("/alerts", params={"counterparty_id": cp2}).json()["alerts"]
    alert_id = alerts[0]["id"]
    no_reason = {"decision": "false_positive", "reason": "", "analyst": "ana"}
    assert client.post(f"/alerts/{alert_id}/decision", json=no_reason).status_code == 422
    decided = client.post(
        f"/alerts/{alert_id}/decision",
        json={"decision": "false_positive", "reason": "a camera shop", "analyst": "ana"},
    )
    assert decided.status_code == 200, decided.text
    again = client.post(
        f"/alerts/{alert_id}/decision",
        json={"decision": "confirmed", "reason": "no, it is them", "analyst": "bob"},
    )
    assert again.status_code == 409  # the other analyst is told, nothing overwritten
    assert client.get("/alerts/999999999").status_code == 404
    read_only = {"Authorization": f"ApiKey {api_keys.read}"}
    assert httpx.post(f"{live.url}/monitor", json=body, headers=read_only).status_code == 403
    duplicate = {"counterparties": [{"id": "x", "name": "A"}, {"id": "x", "name": "B"}]}
    assert client.post("/monitor", json=duplicate).status_code == 422


def test_http_screenings_are_audited(api_db: str, live: LiveServer, client: httpx.Client) -> None:
    from clearance.audit import records, verify

    engine = ListStore.open(api_db).engine
    before = len(list(records(engine)))
    assert client.post("/check", json={"name": "Higvision"}).status_code == 200
    query = {"queries": {"q1": {"schema": "Company", "properties": {"name": ["Hik Vision"]}}}}
    assert client.post("/match/default", json=query).status_code == 200
    text = "Payment to Hikvision for cameras, approved by the board."
    assert client.post("/scan", json={"text": text}).status_code == 200
    assert live.app.state.services.audit.flush(timeout=30)  # written off the request path
    new = list(records(engine))[before:]
    assert [r.payload["query"]["endpoint"] for r in new] == ["/check", "/match/default", "/scan"]
    assert all(r.actor.startswith("api-key:") and r.action == "screening" for r in new)
    assert new[1].payload["results"][0]["entity_id"] == "ofac-nonsdn:30946"
    # A scanned text is recorded by its hash and length, not its words.
    scanned = new[2].payload
    assert scanned["query"]["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert scanned["query"]["characters"] == len(text) and "Hikvision" not in str(scanned)
    assert "ofac-nonsdn:30946" in {r["entity_id"] for r in scanned["results"]}
    assert verify(engine).ok
