"""The OpenRefine Reconciliation API shapes (manifest, batch queries, preview, suggest)."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from tests.api.conftest import Keys, LiveServer


def test_manifest(client: httpx.Client) -> None:
    manifest = client.get("/reconcile").json()
    assert "0.2" in manifest["versions"]
    assert manifest["name"] and manifest["identifierSpace"] and manifest["schemaSpace"]
    assert {"id": "LegalEntity", "name": "LegalEntity"} in manifest["defaultTypes"]
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]
    assert "key=" not in json.dumps(manifest)  # asked for with a header: no key in it
    assert manifest["suggest"]["entity"]["service_path"] == "/reconcile/suggest/entity"
    one = client.get("/reconcile/un-sc").json()
    assert one["suggest"]["entity"]["service_path"] == "/reconcile/un-sc/suggest/entity"
    assert client.get("/reconcile/nope").status_code == 404


def test_batch_queries_with_properties(client: httpx.Client) -> None:
    queries = {
        "q0": {"query": "Vladimir Putin", "type": "Person", "limit": 3},
        "q1": {
            "query": "Hikvision",
            "properties": [{"pid": "country", "v": "CN"}],
        },
        "q2": {"query": "Vladimir Putin", "properties": [{"pid": "birth_date", "v": "1952-10-07"}]},
    }
    data = client.post("/reconcile", data={"queries": json.dumps(queries)}).json()
    assert set(data) == {"q0", "q1", "q2"}
    top = data["q0"]["result"][0]
    assert {"id", "name", "type", "score", "match"} <= set(top)
    assert top["id"] == "ofac-sdn:35096" and top["match"] is True
    assert top["type"][0]["id"] == "Person" and 0 < top["score"] <= 100
    assert len(data["q0"]["result"]) <= 3
    assert "HIKVISION" in data["q1"]["result"][0]["name"].upper()
    by_get = client.get("/reconcile", params={"queries": json.dumps({"a": queries["q0"]})}).json()
    assert by_get["a"]["result"][0]["id"] == "ofac-sdn:35096"
    assert client.post("/reconcile", data={"queries": "{bad"}).status_code == 422
    bad_type = {"a": {"query": "x", "type": "Banana"}}
    assert client.post("/reconcile", data={"queries": json.dumps(bad_type)}).status_code == 422


def test_preview_and_suggest(client: httpx.Client) -> None:
    preview = client.get("/reconcile/preview", params={"id": "ofac-sdn:35096"})
    assert preview.headers["content-type"].startswith("text/html") and "PUTIN" in preview.text
    entities = client.get("/reconcile/suggest/entity", params={"prefix": "Hikvision"}).json()
    assert entities["result"] and {"id", "name"} <= set(entities["result"][0])
    types = client.get("/reconcile/suggest/type", params={"prefix": "pers"}).json()
    assert types["result"] == [{"id": "Person", "name": "Person"}]
    props = client.get("/reconcile/suggest/property", params={"prefix": "coun"}).json()
    assert props["result"][0]["id"] == "country"


def test_openrefine_without_headers(
    live: LiveServer, api_keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    """OpenRefine sends no headers: the manifest needs no key; the reconciliation
    service (and only it) takes the key as ?key=, and the access log never holds it."""
    caplog.set_level(logging.INFO, logger="clearance.api.access")
    base, key = live.url, api_keys.read
    manifest = httpx.get(f"{base}/reconcile")
    assert manifest.status_code == 200 and "key=" not in manifest.text
    assert manifest.json()["view"]["url"] == f"{base}/ui/parties/{{{{id}}}}"  # web sign-in
    keyed = httpx.get(f"{base}/reconcile", params={"key": key}).json()
    assert keyed["preview"]["url"] == f"{base}/reconcile/preview?id={{{{id}}}}&key={key}"
    suggest = keyed["suggest"]["entity"]["service_path"]
    assert suggest == f"/reconcile/suggest/entity?key={key}"
    queries = json.dumps({"q0": {"query": "Vladimir Putin", "type": "Person"}})
    refused = httpx.post(f"{base}/reconcile", data={"queries": queries})
    assert refused.status_code == 401
    assert httpx.get(f"{base}/reconcile", params={"queries": queries}).status_code == 401
    answer = httpx.post(f"{base}/reconcile", params={"key": key}, data={"queries": queries})
    assert answer.status_code == 200, answer.text
    assert answer.json()["q0"]["result"][0]["id"] == "ofac-sdn:35096"
    one_list = httpx.post(f"{base}/reconcile/un-sc?key={key}", data={"queries": "{}"})
    assert one_list.status_code == 200 and one_list.json() == {}
    preview = httpx.get(keyed["preview"]["url"].replace("{{id}}", "ofac-sdn:35096"))
    assert preview.status_code == 200 and "PUTIN" in preview.text
    found = httpx.get(f"{base}{suggest}&prefix=Hikvision", timeout=60)
    assert found.status_code == 200 and found.json()["result"]
    # Everywhere else a key goes in a header, as before.
    assert httpx.get(f"{base}/catalog", params={"key": key}).status_code == 401
    check = httpx.post(f"{base}/check", params={"key": api_keys.screen}, json={"name": "x"})
    assert check.status_code == 401
    lines = [r.getMessage() for r in caplog.records if r.name == "clearance.api.access"]
    assert any('"/reconcile"' in line for line in lines)
    assert not any(key in line or "key=" in line for line in lines)
