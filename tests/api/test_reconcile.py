"""The OpenRefine Reconciliation API shapes (manifest, batch queries, preview, suggest)."""

from __future__ import annotations

import json

import httpx


def test_manifest(client: httpx.Client) -> None:
    manifest = client.get("/reconcile").json()
    assert "0.2" in manifest["versions"]
    assert manifest["name"] and manifest["identifierSpace"] and manifest["schemaSpace"]
    assert {"id": "LegalEntity", "name": "LegalEntity"} in manifest["defaultTypes"]
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]
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
