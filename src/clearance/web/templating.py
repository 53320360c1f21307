"""Jinja2 pages with the context every page needs, and the security headers they carry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from clearance.store.database import utc
from clearance.web.sessions import Session

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

# No script or style from anywhere but this server; no framing (clickjacking).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages hold names and decisions
}

NAV = [
    ("check", "Check a name", "/ui/check"),
    ("alerts", "Alerts", "/ui/alerts"),
    ("batch", "Batch screening", "/ui/batch"),
    ("lists", "Lists", "/ui/lists"),
    ("audit", "Audit trail", "/ui/audit"),
]
ADMIN_NAV = [("users", "Users", "/ui/admin/users"), ("keys", "API keys", "/ui/admin/keys")]


def _when(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return utc(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters["when"] = _when
templates.env.filters["label"] = lambda v: str(v or "").replace("_", " ")


def render(
    request: Request,
    template: str,
    session: Session | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    nav = list(NAV) + (ADMIN_NAV if session is not None and session.user.is_admin else [])
    response = templates.TemplateResponse(
        request,
        template,
        {
            "session": session,
            "user": session.user if session else None,
            "csrf_token": session.csrf_token if session else "",
            "nav": nav if session else [],
            **context,
        },
        status_code=status_code,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def error_page(
    request: Request, session: Session | None, status_code: int, title: str, message: str
) -> HTMLResponse:
    """A page that says what went wrong (404 no such thing, 403 not allowed), in words."""
    return render(
        request, "error.html", session, status_code=status_code, title=title, message=message
    )
