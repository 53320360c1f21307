"""Admin pages: users (create, role, enable/disable, new password) and API keys.

A new API key's secret is shown once, on the page that created it, and never again
(only its hash is stored). Every change is audited under the admin's name.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from clearance.api.keys import SCOPES, KeyError_, KeyStore
from clearance.audit import record
from clearance.web.auth import admin_only, check_csrf, users_of
from clearance.web.sessions import Session
from clearance.web.templating import render
from clearance.web.users import Role, UserError

router = APIRouter()


def _users_page(
    request: Request, session: Session, error: str = "", notice: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "users.html",
        session,
        users=users_of(request).list(),
        roles=[r.value for r in Role],
        error=error,
        notice=notice,
        status_code=status,
    )


@router.get("/ui/admin/users", include_in_schema=False)
def users_page(request: Request, session: Session = admin_only) -> Response:
    return _users_page(request, session)


@router.post("/ui/admin/users", include_in_schema=False)
async def create_user(request: Request, session: Session = admin_only) -> Response:
    form = await check_csrf(request, session)
    name = str(form.get("name") or "").strip()
    try:
        users_of(request).create(
            name,
            str(form.get("password") or ""),
            str(form.get("role") or Role.ANALYST.value),
            session.user.actor,
        )
    except UserError as exc:
        return _users_page(request, session, error=str(exc), status=422)
    return _users_page(request, session, notice=f"User {name} created.")


@router.post("/ui/admin/users/{name}", include_in_schema=False)
async def change_user(request: Request, name: str, session: Session = admin_only) -> Response:
    form = await check_csrf(request, session)
    users = users_of(request)
    action = str(form.get("action") or "")
    try:
        if action == "role":
            users.set_role(name, str(form.get("role") or ""), session.user.actor)
        elif action in ("disable", "enable"):
            users.set_active(name, action == "enable", session.user.actor)
        elif action == "password":
            users.set_password(name, str(form.get("password") or ""), session.user.actor)
        else:
            raise UserError(f"unknown action {action!r}")
    except UserError as exc:
        return _users_page(request, session, error=str(exc), status=422)
    return _users_page(request, session, notice=f"User {name}: {action} done.")


def _keys_page(
    request: Request,
    session: Session,
    error: str = "",
    secret: str = "",
    status: int = 200,
) -> Response:
    return render(
        request,
        "keys.html",
        session,
        keys=KeyStore(request.app.state.services.store.engine).list(),
        scopes=list(SCOPES),
        error=error,
        secret=secret,
        status_code=status,
    )


@router.get("/ui/admin/keys", include_in_schema=False)
def keys_page(request: Request, session: Session = admin_only) -> Response:
    return _keys_page(request, session)


@router.post("/ui/admin/keys", include_in_schema=False)
async def create_key(request: Request, session: Session = admin_only) -> Response:
    form = await check_csrf(request, session)
    scopes = [s for s in SCOPES if form.get(f"scope_{s}")]
    label = str(form.get("label") or "").strip()[:200]
    engine = request.app.state.services.store.engine
    try:
        key, secret = KeyStore(engine).create(scopes, label)
    except KeyError_ as exc:
        return _keys_page(request, session, error=str(exc), status=422)
    record(
        engine, session.user.actor, "api_key.create", {"key": key.id, "scopes": list(key.scopes)}
    )
    return _keys_page(request, session, secret=secret)


@router.post("/ui/admin/keys/{key_id}/revoke", include_in_schema=False)
async def revoke_key(request: Request, key_id: str, session: Session = admin_only) -> Response:
    await check_csrf(request, session)
    engine = request.app.state.services.store.engine
    try:
        KeyStore(engine).revoke(key_id[:32])
    except KeyError_ as exc:
        return _keys_page(request, session, error=str(exc), status=422)
    record(engine, session.user.actor, "api_key.revoke", {"key": key_id})
    return RedirectResponse("/ui/admin/keys", status_code=303)
