"""Login and logout."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from clearance.api.throttle import Throttled
from clearance.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Forbidden,
    check_csrf,
    current_session,
    login_csrf_ok,
    new_login_csrf,
    safe_next,
    sessions_of,
    signed_in,
    users_of,
)
from clearance.web.sessions import Session
from clearance.web.templating import render

router = APIRouter()


def _set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    samesite: Literal["lax", "strict"],
    path: str,
    max_age: int | None = None,
) -> None:
    """A cookie scripts cannot read, sent back only over HTTPS when the page came so."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite=samesite,
        secure=request.url.scheme == "https",
        path=path,
        max_age=max_age,
    )


def _login_page(request: Request, next_path: str, error: str = "", status: int = 200) -> Response:
    token = new_login_csrf()
    response = render(
        request,
        "login.html",
        None,
        status_code=status,
        login_csrf=token,
        next=safe_next(next_path),
        error=error,
        no_users=users_of(request).count() == 0,
    )
    _set_cookie(response, request, LOGIN_CSRF_COOKIE, token, "strict", "/ui/login")
    return response


@router.get("/ui/login", include_in_schema=False)
def login_form(request: Request, next: str = "/ui/check") -> Response:
    if current_session(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next)


@router.post("/ui/login", include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    login_csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/ui/check",
) -> Response:
    if not login_csrf_ok(request, login_csrf):
        return _login_page(request, next, "The form expired; please sign in again.", 403)
    address = request.client.host if request.client else None
    try:
        user = users_of(request).authenticate(username.strip(), password, address)
    except Throttled as exc:
        response = _login_page(
            request, next, f"Too many failed sign-ins: try again in {exc.seconds} seconds.", 429
        )
        response.headers["Retry-After"] = str(exc.seconds)
        return response
    if user is None:
        # One message for every failure: it does not tell which names exist.
        return _login_page(
            request,
            next,
            "Wrong user name or password, or the account is locked or disabled.",
            401,
        )
    token = sessions_of(request).start(user)
    response = RedirectResponse(safe_next(next), status_code=303)
    lifetime = int(sessions_of(request).lifetime.total_seconds())
    _set_cookie(response, request, SESSION_COOKIE, token, "lax", "/", max_age=lifetime)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/ui/login")
    return response


@router.post("/ui/logout", include_in_schema=False)
async def logout(request: Request, session: Session = signed_in) -> Response:
    try:
        await check_csrf(request, session)
    except Forbidden:
        return RedirectResponse("/ui/check", status_code=303)
    from clearance.audit import record

    sessions_of(request).end(request.cookies.get(SESSION_COOKIE, ""))
    record(request.app.state.services.store.engine, session.user.actor, "logout", {})
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
