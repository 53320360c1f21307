"""Who is signed in, what they may do, and CSRF checks for every form post.

A page asks for `signed_in` (any user) or `admin_only`; without a live session the
browser is sent to the login page. Every POST carries the session's CSRF token in a
hidden field (synchronizer token); the login form, which has no session yet, uses a
double-submit cookie. A cross-site `Origin` is refused as well.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request

from clearance.web.sessions import Session, SessionStore
from clearance.web.users import UserStore

SESSION_COOKIE = "clearance_session"
LOGIN_CSRF_COOKIE = "clearance_login_csrf"


class LoginRequired(Exception):
    """No live session: answered with a redirect to the login page."""

    def __init__(self, next_path: str):
        self.next_path = next_path


class Forbidden(Exception):
    """Signed in, but not allowed (role, or a failed CSRF check): answered with a 403 page."""

    def __init__(self, message: str):
        self.message = message


def users_of(request: Request) -> UserStore:
    services = request.app.state.services
    return UserStore(services.store.engine, services.throttle)


def sessions_of(request: Request) -> SessionStore:
    return SessionStore(request.app.state.services.store.engine)


def current_session(request: Request) -> Session | None:
    if hasattr(request.state, "web_session"):
        cached: Session | None = request.state.web_session
        return cached
    session = sessions_of(request).get(request.cookies.get(SESSION_COOKIE))
    request.state.web_session = session
    return session


async def _signed_in(request: Request) -> Session:
    session = current_session(request)
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return session


async def _admin_only(request: Request) -> Session:
    session = await _signed_in(request)
    if not session.user.is_admin:
        raise Forbidden("this page is for admins")
    return session


signed_in: Any = Depends(_signed_in)
admin_only: Any = Depends(_admin_only)


def login_url(next_path: str) -> str:
    return "/ui/login?next=" + quote(next_path, safe="/")


def safe_next(value: str | None) -> str:
    """Only a local path may follow a login: no open redirect to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/ui/check"
    return value


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def check_csrf(request: Request, session: Session) -> dict[str, Any]:
    """The posted form, once its CSRF token matched the session's; else Forbidden."""
    form = await request.form()
    token = str(form.get("csrf_token") or "")
    if not _same_origin(request) or not hmac.compare_digest(token, session.csrf_token):
        raise Forbidden("the form expired or came from another site; reload the page")
    return dict(form)


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def login_csrf_ok(request: Request, posted: str) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(cookie) and _same_origin(request) and hmac.compare_digest(cookie, posted)
