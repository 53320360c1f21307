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
