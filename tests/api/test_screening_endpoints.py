"""/check, /scan, /search, /entities, /catalog and /screen jobs on the live server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from clearance.api import ApiSettings, KeyStore, create_app
from clearance.api.jobs import JobStore
from clearance.api.tables import screen_jobs
from clearance.matching import DEFAULT_THRESHOLD
from clearance.store import ListStore
from tests.api.conftest import Keys, LiveServer, start_server


def test_check_with_activity_gives_effects_and_verdict(client: httpx.Client) -> None:
    response = client.post(
        "/check",
        json={"name": "Hikvision", "type": "organization", "country": "CN", "activity": "export"},
    )
    assert response.status_code == 200
    data = response.json()
    top = data["hits"][0]
    assert "HIKVISION" in top["name"].upper()
    assert top["score"] >= 0.8 and top["explanation"]
    assert top["effects"] and top["verdict"]["activity"] == "export"
    assert data["verdict"]["label"]
    one_list = client.post("/check", json={"name": "Hikvision", "lists": ["un-sc"]}).json()
    assert all("un-sc" in h["lists"] for h in one_list["hits"])
    unknown = client.post("/check", json={"name": "Hikvision", "lists": ["nope"]})
    assert unknown.status_code == 422 and "nope" in unknown.json()["detail"]


def test_entities_catalog_search(client: httpx.Client) -> None:
    entity = client.get("/entities/ofac-sdn:35096").json()
    assert entity["schema"] == "Person" and entity["caption"].startswith("PUTIN")
    assert entity["properties"]["sanctions"][0]["schema"] == "Sanction"
    assert (
        client.get("/entities/ofac-sdn:35096", params={"nested": False}).json()["referents"] == []
    )
    missing = client.get("/entities/nope:1")
    assert missing.status_code == 404 and "nope:1" in missing.json()["detail"]
    catalog = client.get("/catalog").json()
    sdn = next(d for d in catalog["datasets"] if d["name"] == "ofac-sdn")
    assert sdn["entity_count"] > 10_000 and sdn["published"] and sdn["version"]
    found = client.get("/search/default", params={"q": "Hikvision", "limit": 3}).json()
    assert 1 <= len(found["results"]) <= 3 and found["total"]["value"] >= len(found["results"])
    assert client.get("/search/default").status_code == 422  # q is required


def test_scan_finds_mentions(client: httpx.Client) -> None:
    text = "Yesterday our client paid Hikvision for cameras; Vladimir Putin was not involved."
    data = client.post("/scan", json={"text": text, "activity": "transact"}).json()
    names = " ".join(str(m) for m in data["mentions"]).upper()
    assert "HIKVISION" in names and "PUTIN" in names


def _wait_done(http: httpx.Client, job_id: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = http.get(f"/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_screen_job_upload_progress_result(client: httpx.Client) -> None:
    table = "name,country\nHikvision,CN\nAcme Bakery Ltd,GB\nVladimir Putin,RU\n"
    response = client.post(
        "/screen",
        files={"file": ("customers.csv", table.encode(), "text/csv")},
        data={"activity": "export"},
    )
    assert response.status_code == 202
    job = _wait_done(client, response.json()["id"])
    assert job["status"] == "done", job
    assert job["rows_done"] == 3 and job["summary"]["rows"] == 3 and job["summary"]["hit_rows"] >= 2
    result = client.get(f"/jobs/{job['id']}/result")
    assert result.headers["content-type"].startswith("text/csv")
    lines = result.text.splitlines()
    assert len(lines) == 4 and "screen_verdict" in lines[0]
    assert client.get("/jobs/nope").status_code == 404
    bad = client.post("/screen", files={"file": ("x.exe", b"MZ", "application/octet-stream")})
    assert bad.status_code == 422


def test_screen_job_survives_restart(api_db: str, api_keys: Keys) -> None:
    """A job queued by a server that stopped before running it is run by the next one."""
    jobs = JobStore(ListStore.open(api_db).engine)
    owner = f"api-key:{api_keys.screen.split('_')[1]}"  # keys are clr_<id>_<secret>
    job = jobs.create("left.csv", b"name\nHikvision\n", {"activity": "transact"}, owner=owner)
    jobs.set(job.id, status="running", rows_done=1)  # as a killed server left it...
    with jobs.engine.begin() as conn:  # ...long enough ago
        conn.execute(
            update(screen_jobs)
            .where(screen_jobs.c.id == job.id)
            .values(updated_at=datetime.now(UTC) - timedelta(hours=1))
        )
    fresh = jobs.create("busy.csv", b"name\nHikvision\n", {"activity": "transact"})
    jobs.set(fresh.id, status="running")  # another live server's: not taken over
    requeued = jobs.requeue_abandoned()
    assert job.id in requeued and fresh.id not in requeued
    assert not jobs.claim(fresh.id)
    jobs.set(fresh.id, status="failed", error="test: never run")
    server: LiveServer = start_server(create_app(ApiSettings(db=api_db, rate_limit_per_minute=0)))
    try:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {api_keys.screen}"}
        ) as http:
            finished = _wait_done(http, job.id)
            assert finished["status"] == "done" and finished["rows_done"] == 1
            assert "Hikvision" in http.get(f"/jobs/{job.id}/result").text
    finally:
        server.stop()


def test_jobs_are_seen_only_by_their_key_or_an_admin(
    api_db: str, live: LiveServer, api_keys: Keys
) -> None:
    other_screen_key = KeyStore(ListStore.open(api_db).engine).create(["screen"], "tests")[1]

    def as_key(secret: str) -> httpx.Client:
        return httpx.Client(
            base_url=live.url, headers={"Authorization": f"ApiKey {secret}"}, timeout=60
        )

    with as_key(api_keys.screen) as owner, as_key(other_screen_key) as other:
        table = b"name\nHikvision\n"
        created = owner.post("/screen", files={"file": ("mine.csv", table, "text/csv")})
        assert created.status_code == 202
        job_id = created.json()["id"]
        assert _wait_done(owner, job_id)["status"] == "done"
        assert "Hikvision" in owner.get(f"/jobs/{job_id}/result").text
        for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/result"):
            refused = other.get(path)
            assert refused.status_code == 404, path  # as if there were no such job
            assert refused.json()["detail"] == f"no job {job_id!r}"
            with as_key(api_keys.admin) as admin:
                assert admin.get(path).status_code == 200, path
        assert "owner" not in owner.get(f"/jobs/{job_id}").json()


def test_answers_state_their_lists_and_refuse_to_screen_against_nothing(
    client: httpx.Client, api_db: str
) -> None:
    response = client.post("/check", json={"name": "Higuision", "activity": "export"})
    assert response.status_code == 200
    data = response.json()
    assert data["threshold"] == DEFAULT_THRESHOLD
    versions = {v["list"]: v for v in data["lists"]["versions"]}
    assert versions["us-csl"]["date"] == "2022-05-16" and versions["us-csl"]["stale"] is True
    assert versions["us-csl"]["version"] == 1
    assert any("older than 30 days" in w for w in data["warnings"])
    header = response.headers["warning"]
    assert header.startswith('299 clearance "') and "older than 30 days" in header
    assert data["near_misses"] == []  # only when asked
    near = client.post("/check", json={"name": "Maria Gonzalez Muniz", "type": "person", "near": 2})
    misses = near.json()["near_misses"]
    assert 1 <= len(misses) <= 2
    assert all(m["below_threshold"] and m["score"] < DEFAULT_THRESHOLD for m in misses)
    # No list version in force in 2019: 409, not an empty "no match".
    nothing = client.post("/check", json={"name": "Kim Jong Un", "as_of": "2019-01-01"})
    assert nothing.status_code == 409
    assert "No list version in force on 2019-01-01" in nothing.json()["detail"]
    scan = client.post("/scan", json={"text": "Our client paid Hikvision."})
    assert scan.json()["lists"]["versions"] and "older than" in scan.headers["warning"]
    query = {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}
    match = client.post("/match/default", json={"queries": {"q": query}})
    assert match.status_code == 200 and "older than 30 days" in match.headers["warning"]
    # The stale age is the server's to set.
    patient = start_server(
        create_app(ApiSettings(db=api_db, auth=False, warm=False, stale_after_days=100_000))
    )
    try:
        calm = httpx.post(f"{patient.url}/check", json={"name": "Higuision"}, timeout=60)
        assert calm.status_code == 200 and "warning" not in calm.headers
        assert calm.json()["warnings"] == []
    finally:
        patient.stop()


def test_entities_take_the_exported_id_form(client: httpx.Client) -> None:
    plain = client.get("/entities/un-sc:QDi.001")
    exported = client.get("/entities/un-sc-QDi.001")  # as FollowTheMoney exports write it
    assert plain.status_code == exported.status_code == 200
    assert exported.json() == plain.json()
