"""An empty or invisible name is an error in every interface (it once answered "No listed
party matches ''" with success), and only the documented paths answer without a key."""

from __future__ import annotations

import json

import httpx
import pytest

from clearance.model.text import BlankNameError
from clearance.workflows.screening import Screener
from tests.api.conftest import Keys, LiveServer

BLANK = ["", "   ", "\ufeff", "\u200b\u200e", "\u00ad\t"]
# Paths that answer without a key, as docs/http-api.md says: the probes, the
# interface's description and the reconciliation manifest (OpenRefine fetches it
# without headers; its queries need a key); /ui signs users in with sessions.
PUBLIC = {"/healthz", "/readyz", "/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"}
MANIFESTS = {("/reconcile", "GET"), ("/reconcile/{dataset}", "GET")}


@pytest.mark.parametrize("name", BLANK)
def test_check_refuses_a_blank_name(client: httpx.Client, name: str) -> None:
    response = client.post("/check", json={"name": name})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


@pytest.mark.parametrize("name", BLANK[1:])
def test_match_search_and_reconcile_refuse_a_blank_name(client: httpx.Client, name: str) -> None:
    query = {"queries": {"q1": {"schema": "Person", "properties": {"name": [name]}}}}
    response = client.post("/match/default", json=query)
    assert response.status_code == 422 and "q1" in response.json()["detail"], response.text
    response = client.get("/search/default", params={"q": name})
    assert response.status_code == 422, response.text
    response = client.post("/reconcile", data={"queries": json.dumps({"q0": {"query": name}})})
    assert response.status_code == 422 and "empty name" in response.text, response.text


def test_the_python_api_refuses_a_blank_name(api_db: str) -> None:
    screener = Screener.load(db=api_db)
    with pytest.raises(BlankNameError, match="empty name"):
        screener.check("\ufeff ")
    assert screener.check("Vladimir Putin")  # a visible name still screens


def test_only_the_documented_paths_answer_without_a_key(live: LiveServer, api_keys: Keys) -> None:
    spec = httpx.get(f"{live.url}/openapi.json")
    assert spec.status_code == 200
    public, guarded = [], []
    for path, methods in spec.json()["paths"].items():
        if path == "/test-boom":  # added by the tests' server, not the product's
            continue
        url = live.url + path.replace("{", "").replace("}", "")  # a literal value per parameter
        for method in methods:
            answer = httpx.request(method.upper(), url, timeout=30)
            if (path, method.upper()) in MANIFESTS:
                assert answer.status_code != 401, path
                # the manifest alone: the same GET with queries needs a key
                url = live.url + path.replace("{dataset}", "default")
                answer = httpx.get(url, params={"queries": "{}"}, timeout=30)
            (guarded if answer.status_code == 401 else public).append((path, answer.status_code))
    assert {path for path, _ in public} <= PUBLIC, public
    assert len(guarded) >= 15  # every screening, list, job, monitoring and key path
    for path in ("/docs", "/redoc"):
        assert httpx.get(live.url + path).status_code == 200
