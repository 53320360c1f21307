"""Downloads of a batch uploaded under a non-Latin name: RFC 6266 / 5987 file names
(the header is Latin-1, so "клиенты.csv" once made both downloads a 500), and a name
with nothing visible in it is no name to check."""

from __future__ import annotations

import time
from contextlib import closing
from urllib.parse import unquote

import httpx

from clearance.api.downloads import content_disposition
from tests.api.conftest import LiveServer
from tests.web.conftest import WebUsers, csrf_of, sign_in


def _finished(client: httpx.Client, job_path: str) -> None:
    deadline = time.monotonic() + 60
    while client.get(job_path + "/status").json()["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, "job did not finish"
        time.sleep(0.2)


def test_results_of_a_cyrillic_upload_download_under_its_name(
    web: LiveServer, web_users: WebUsers
) -> None:
    with closing(sign_in(web.url, web_users.analyst)) as client:
        token = csrf_of(client.get("/ui/batch").text)
        made = client.post(
            "/ui/batch",
            data={"csrf_token": token},
            files={"file": ("клиенты.csv", b"name\nHiguision\n", "text/csv")},
        )
        assert made.status_code == 303, made.text
        job_path = made.headers["location"]
        _finished(client, job_path)
        for suffix, disposition, name in (
            ("/result.csv", "attachment", "клиенты-screened.csv"),
            ("/report.html", "inline", "клиенты-report.html"),
        ):
            response = client.get(job_path + suffix)
            assert response.status_code == 200, response.text
            header = response.headers["content-disposition"]
            assert header.startswith(f'{disposition}; filename="klienty-')
            encoded = header.split("filename*=UTF-8''", 1)[1]
            assert unquote(encoded) == name
            assert "HIKVISION" in response.text.upper()


def test_a_header_cannot_be_broken_out_of() -> None:
    header = content_disposition("attachment", 'a"; b=\r\nSet-Cookie: x.csv')
    assert header.splitlines() == [header]
    assert header.startswith('attachment; filename="a__ b___Set-Cookie_ x.csv";')
    assert content_disposition("inline", "plain.csv") == 'inline; filename="plain.csv"'


def test_an_invisible_name_is_refused_on_the_check_page(
    web: LiveServer, web_users: WebUsers
) -> None:
    with closing(sign_in(web.url, web_users.analyst)) as client:
        token = csrf_of(client.get("/ui/check").text)
        response = client.post("/ui/check", data={"name": "\ufeff\u200b", "csrf_token": token})
        assert response.status_code == 422 and "Type a name to check." in response.text
