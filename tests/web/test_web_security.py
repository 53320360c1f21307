"""Login, sessions, roles, CSRF and limits of the web page, over real HTTP."""

from __future__ import annotations

import re
import uuid
from contextlib import closing

import httpx
from sqlalchemy import select

from clearance.store import ListStore
from clearance.web.tables import web_users as users_table
from clearance.web.users import UserStore
from tests.api.conftest import LiveServer
from tests.web.conftest import PASSWORD, WebUsers, csrf_of, sign_in


def test_pages_need_a_session_and_send_to_login(web: LiveServer) -> None:
    for path in ("/ui/check", "/ui/alerts", "/ui/audit", "/ui/parties/ofac-nonsdn:30946", "/"):
        response = httpx.get(web.url + path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/ui/login?next=")


def test_session_cookie_headers_and_logout(web: LiveServer, web_users: WebUsers) -> None:
    with closing(sign_in(web.url, web_users.analyst)) as client:
        cookie = client.cookies.jar
        (session,) = [c for c in cookie if c.name == "clearance_session"]
        assert session.has_nonstandard_attr("HttpOnly")
        page = client.get("/ui/check")
        assert page.status_code == 200
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        # Everything the page loads is served here: no CDN, no other host.
        assert not re.search(r'(src|href)="(https?:)?//', page.text)
        token = session.value
        logout = client.post("/ui/logout", data={"csrf_token": csrf_of(page.text)})
        assert logout.status_code == 303
    replay = httpx.get(
        web.url + "/ui/check", cookies={"clearance_session": token}, follow_redirects=False
    )
    assert replay.status_code == 303  # the old cookie is dead after logout


def test_wrong_password_and_stored_hash(web: LiveServer, web_db: str) -> None:
    """A wrong password is refused with the one message for every failure; the stored
    password is an argon2id hash. (Repeated failures: tests/web/test_throttle.py.)"""
    name = f"lock-{uuid.uuid4().hex[:6]}"
    UserStore(ListStore.open(web_db).engine).create(name, PASSWORD, "analyst", "tests")
    client = httpx.Client(base_url=web.url, follow_redirects=False)
    form = client.get("/ui/login").text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form)
    assert token
    bad = client.post(
        "/ui/login",
        data={"username": name, "password": "wrong-" + PASSWORD, "login_csrf": token[1]},
    )
    assert bad.status_code == 401
    assert "Wrong user name or password" in bad.text
    with ListStore.open(web_db).engine.connect() as conn:
        stored = conn.execute(
            select(users_table.c.password_hash).where(users_table.c.name == name)
        ).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_form_needs_its_csrf_cookie_and_refuses_open_redirects(
    web: LiveServer, web_users: WebUsers
) -> None:
    forged = httpx.post(
        web.url + "/ui/login",
        data={"username": web_users.analyst, "password": PASSWORD, "login_csrf": "guess"},
    )
    assert forged.status_code == 403
    client = httpx.Client(base_url=web.url, follow_redirects=False)
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/ui/login").text)
    assert token
    response = client.post(
        "/ui/login",
        data={
            "username": web_users.analyst,
            "password": PASSWORD,
            "login_csrf": token[1],
            "next": "//evil.example/steal",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/check"


def test_posts_without_the_csrf_token_or_from_another_site_are_refused(
    web: LiveServer, web_users: WebUsers, hikvision_alert: int
) -> None:
    with closing(sign_in(web.url, web_users.analyst)) as client:
        page = client.get(f"/ui/alerts/{hikvision_alert}")
        token = csrf_of(page.text)
        no_token = client.post(
            f"/ui/alerts/{hikvision_alert}/decision",
            data={"decision": "confirmed", "reason": "forged"},
        )
        assert no_token.status_code == 403
        cross_site = client.post(
            "/ui/check",
            data={"name": "Higuision", "csrf_token": token},
            headers={"Origin": "https://evil.example"},
        )
        assert cross_site.status_code == 403
        same_site = client.post("/ui/check", data={"name": "Higuision", "csrf_token": token})
        assert same_site.status_code == 200
        no_reason = client.post(
            f"/ui/alerts/{hikvision_alert}/decision",
            data={"decision": "confirmed", "reason": " ", "csrf_token": token},
        )
        assert no_reason.status_code in (409, 422)  # a reason is required; nothing recorded
        assert "forged" not in client.get(f"/ui/alerts/{hikvision_alert}").text


def test_roles_admin_pages_and_user_management(web: LiveServer, web_users: WebUsers) -> None:
    with closing(sign_in(web.url, web_users.analyst)) as analyst:
        assert analyst.get("/ui/admin/users").status_code == 403
        assert analyst.get("/ui/admin/keys").status_code == 403
        assert "API keys" not in analyst.get("/ui/check").text  # not in an analyst's menu
    new_name = f"bob-{uuid.uuid4().hex[:6]}"
    with closing(sign_in(web.url, web_users.admin)) as admin:
        token = csrf_of(admin.get("/ui/admin/users").text)
        weak = admin.post(
            "/ui/admin/users",
            data={"name": new_name, "password": "short", "role": "analyst", "csrf_token": token},
        )
        assert weak.status_code == 422 and "at least 12 characters" in weak.text
        made = admin.post(
            "/ui/admin/users",
            data={"name": new_name, "password": PASSWORD, "role": "analyst", "csrf_token": token},
        )
        assert made.status_code == 200 and f"User {new_name} created" in made.text
        with closing(sign_in(web.url, new_name)) as bob:
            assert bob.get("/ui/check").status_code == 200
            disabled = admin.post(
                f"/ui/admin/users/{new_name}", data={"action": "disable", "csrf_token": token}
            )
            assert disabled.status_code == 200
            assert bob.get("/ui/check").status_code == 303  # the session ended with the account


def test_jobs_are_private_and_uploads_are_checked(web: LiveServer, web_users: WebUsers) -> None:
    with closing(sign_in(web.url, web_users.analyst)) as analyst:
        token = csrf_of(analyst.get("/ui/batch").text)
        wrong_type = analyst.post(
            "/ui/batch",
            data={"csrf_token": token},
            files={"file": ("notes.exe", b"MZ\x90\x00", "application/octet-stream")},
        )
        assert wrong_type.status_code == 422 and "notes.exe" in wrong_type.text
        too_big = analyst.post(
            "/ui/batch",
            data={"csrf_token": token},
            files={"file": ("big.csv", b"name\n" + b"x" * 400_000, "text/csv")},
        )
        assert too_big.status_code == 413
        made = analyst.post(
            "/ui/batch",
            data={"csrf_token": token},
            files={"file": ("few.csv", b"name\nHiguision\n", "text/csv")},
        )
        assert made.status_code == 303
        job_path = made.headers["location"]
    name = f"eve-{uuid.uuid4().hex[:6]}"
    from clearance.store import ListStore as Store

    engine = Store.open(web.app.state.services.store.url).engine
    UserStore(engine).create(name, PASSWORD, "analyst", "tests")
    with closing(sign_in(web.url, name)) as other:
        assert other.get(job_path).status_code == 404
        assert other.get(job_path + "/result.csv").status_code == 404
    with closing(sign_in(web.url, web_users.admin)) as admin:
        assert admin.get(job_path).status_code == 200  # admins see every job
