"""yente's own client, and yente's wire shapes, against a live clearance server."""

from __future__ import annotations

import httpx
import pytest
from yente_client import Client, Company, Person

from tests.api.conftest import Keys, LiveServer

MATCH_PUTIN = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}}}}


@pytest.fixture
def yente(live: LiveServer, api_keys: Keys) -> Client:
    return Client(api_key=api_keys.read, base_url=live.url)


def test_yente_client_match_person(yente: Client) -> None:
    result = yente.match(Person(name=["Vladimir Putin"], birthDate=["1952-10-07"]))
    assert result.top is not None
    assert result.top.id == "ofac-sdn:35096"
    assert result.top.schema_ == "Person"
    assert result.top.match is True and result.top.score >= 0.9
    assert "ofac-sdn" in result.top.datasets
    assert "1952-10-07" in result.top.properties["birthDate"]
    assert result.top.explanations["name"].detail
    assert result.total.value == len(result.results)
    assert result.query["properties"]["name"] == ["Vladimir Putin"]


def test_yente_client_match_one_dataset_and_filters(yente: Client) -> None:
    found = yente.match(Company(name=["Hikvision"]), datasets=["us-csl"], limit=3)
    assert found.results and all("us-csl" in "".join(r.datasets) for r in found.results)
    assert found.limit == 3
    top = found.results[0].id
    again = yente.match(Company(name=["Hikvision"]), datasets=["us-csl"], exclude_entities=[top])
    assert top not in [r.id for r in again.results]
    none = yente.match(Person(name=["Zzyzx Qwvbnm Plokij"]))
    assert none.results == [] and none.total.value == 0


def test_yente_client_other_calls(yente: Client) -> None:
    assert yente.healthz().status == "ok"
    assert yente.readyz().status == "ok"
    catalog = yente.datasets()
    names = {d.name for d in catalog.datasets}
    assert {"ofac-sdn", "un-sc", "uk-ofsi", "default"} <= names
    assert all(d.load for d in catalog.datasets)
    entity = yente.fetch("ofac-sdn:35096")
    assert entity.caption.startswith("PUTIN")
    assert entity.referents  # the same party on other lists
    searched = yente.search("Putin", datasets=["ofac-sdn"], limit=5)
    assert any(r.id == "ofac-sdn:35096" for r in searched.results)


def test_yente_client_errors(live: LiveServer, api_keys: Keys) -> None:
    from yente_client import AuthenticationError, NotFoundError

    with pytest.raises(AuthenticationError):
        Client(api_key="clr_nope_nope", base_url=live.url).match(Person(name=["Putin"]))
    with pytest.raises(NotFoundError):
        Client(api_key=api_keys.read, base_url=live.url).fetch("ofac-sdn:does-not-exist")


def test_match_many_queries_and_parameters(client: httpx.Client) -> None:
    body = {
        "queries": {
            "putin": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}},
            "hik": {"schema": "Company", "properties": {"name": ["Hikvision"], "country": ["cn"]}},
            "split": {
                "schema": "Person",
                "properties": {"firstName": ["Vladimir"], "lastName": ["Putin"]},
            },
        }
    }
    data = client.post(
        "/match/default", json=body, params={"limit": 2, "algorithm": "logic-v2"}
    ).json()
    assert set(data["responses"]) == {"putin", "hik", "split"}
    assert data["limit"] == 2
    for response in data["responses"].values():
        assert response["status"] == 200
        assert 1 <= len(response["results"]) <= 2
        for entity in response["results"]:
            assert {
                "id",
                "caption",
                "schema",
                "properties",
                "datasets",
                "score",
                "match",
                "explanations",
            } <= set(entity)
    assert data["responses"]["split"]["results"][0]["id"] == "ofac-sdn:35096"
    bis = client.post("/match/default", json=body, params={"topics": "export.control"}).json()
    export_control = ("bis-dpl", "us-csl/EL", "us-csl/DPL", "us-csl/UVL", "us-csl/MEU")
    for response in bis["responses"].values():
        for entity in response["results"]:
            assert any(d.startswith(export_control + ("us-csl/DTC",)) for d in entity["datasets"])
    # Hikvision is on the Entity List; Putin is sanctioned (the CSL's copy of the SDN entry
    # is a sanction too), not export-controlled.
    assert "ofac-nonsdn:30946" in {e["id"] for e in bis["responses"]["hik"]["results"]}
    assert "ofac-sdn:35096" not in {e["id"] for e in bis["responses"]["putin"]["results"]}
    sanctions = client.post("/match/default", json=body, params={"topics": "sanction"}).json()
    assert sanctions["responses"]["putin"]["results"][0]["id"] == "ofac-sdn:35096"
    only = client.post("/match/default", json=body, params={"include_dataset": "un-sc"}).json()
    for response in only["responses"].values():
        assert all("un-sc" in e["datasets"] for e in response["results"])
    # A part of a list, as results name it: Hikvision is on the CSL by way of the Entity List.
    hik = {"queries": {"hik": body["queries"]["hik"]}}
    entity_list = client.post("/match/default", json=hik, params={"include_dataset": "us-csl/EL"})
    results = entity_list.json()["responses"]["hik"]["results"]
    assert results and all("us-csl/EL" in e["datasets"] for e in results)
    # Excluded only when every listing is: parts and whole lists may be named together.
    partly = ["us-csl/EL", "ofac-nonsdn"]
    wholly = [*partly, "us-csl/CMIC"]
    for excluded, kept in ((partly, True), (wholly, False)):
        found = client.post("/match/default", json=hik, params={"exclude_dataset": excluded})
        ids = {e["id"] for e in found.json()["responses"]["hik"]["results"]}
        assert ("ofac-nonsdn:30946" in ids) is kept, excluded


def test_match_bad_requests(client: httpx.Client) -> None:
    bad_schema = {"queries": {"a": {"schema": "Banana", "properties": {"name": ["x"]}}}}
    response = client.post("/match/default", json=bad_schema)
    assert response.status_code == 422 and "Banana" in response.json()["detail"]
    no_name = {"queries": {"a": {"schema": "Person", "properties": {"birthDate": ["1950"]}}}}
    assert client.post("/match/default", json=no_name).status_code == 422
    response = client.post(
        "/match/default", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "json" in str(response.json()["detail"]).lower()
    # Bytes that are not even text: the body parser's own error is a 422 too, not a 400.
    response = client.post(
        "/match/default", content=b"\xd0L\xff\xfe2", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and "request_id" in response.json(), response.text
    many = {
        "queries": {
            str(i): {"schema": "Person", "properties": {"name": ["A B"]}} for i in range(101)
        }
    }
    response = client.post("/match/default", json=many)
    assert response.status_code == 422 and "at most 100" in response.json()["detail"]
    assert client.post("/match/no-such-list", json={"queries": {}}).status_code == 404


def test_match_checks_in_the_documented_order(live: LiveServer, api_keys: Keys) -> None:
    """/match is served ahead of FastAPI's dependency solving: the same answers all the same."""
    url = f"{live.url}/match/default"
    # No key and a bad body: the key is checked first (401), as for every other endpoint.
    response = httpx.post(url, content=b"{not json")
    assert response.status_code == 401 and "API key" in response.json()["detail"]
    screen_only = {"Authorization": f"ApiKey {api_keys.screen}"}  # screen implies read
    assert httpx.post(url, json=MATCH_PUTIN, headers=screen_only).status_code == 200
    read = {"Authorization": f"ApiKey {api_keys.read}"}
    # A body that is JSON but not a match request: where and what, as FastAPI says it.
    response = httpx.post(url, json={"queries": {"a": {"properties": {}}}}, headers=read)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", "queries", "a", "schema"] and problem["type"] == "missing"
    response = httpx.post(url, json=[1, 2], headers=read)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][0] == "body"
    assert httpx.get(url, headers=read).status_code == 405
    bad_parameter = httpx.post(f"{url}?limit=0", json=MATCH_PUTIN, headers=read)
    assert bad_parameter.status_code == 422
    assert bad_parameter.json()["detail"][0]["loc"] == ["query", "limit"]
