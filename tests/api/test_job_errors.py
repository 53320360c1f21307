"""A failed screening job tells its owner what is wrong with *their* file, in the name
they uploaded it under; the server's temporary folders stay in the server's log."""

from __future__ import annotations

import tempfile

import httpx
import pytest

from tests.api.test_screening_endpoints import _wait_done

BROKEN = [
    ("ventes-2026.parquet", b"PAR1 this is not parquet at all"),
    ("клиенты.xlsx", b"PK\x03\x04 not a workbook"),
    ("rows.csv", b"\x00\x01\x02\x03"),  # not text: no header row that names a column
]


@pytest.mark.parametrize(("filename", "data"), BROKEN, ids=["parquet", "xlsx", "binary-csv"])
def test_a_failed_job_names_the_users_file_not_a_server_path(
    client: httpx.Client, filename: str, data: bytes
) -> None:
    response = client.post("/screen", files={"file": (filename, data, "application/octet-stream")})
    assert response.status_code == 202, response.text
    job = _wait_done(client, response.json()["id"])
    assert job["status"] == "failed", job
    error = job["error"]
    assert filename in error, error
    for leak in (tempfile.gettempdir(), "clearance-job-", "input."):
        assert leak not in error, error


def test_a_jobs_result_has_formulas_as_text_unless_asked(client: httpx.Client) -> None:
    table = b'name,note\nHikvision,"=HYPERLINK(""http://evil.example"",""x"")"\n'
    for form in ({}, {"keep_formulas": "true"}):
        response = client.post("/screen", files={"file": ("f.csv", table, "text/csv")}, data=form)
        job = _wait_done(client, response.json()["id"])
        assert job["status"] == "done", job
        result = client.get(f"/jobs/{job['id']}/result").text
        if form:
            assert ',"=HYPERLINK(' in result  # raw, as asked
        else:
            assert ",\"'=HYPERLINK(" in result and ',"=HYPERLINK(' not in result
