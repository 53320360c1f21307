"""The analysts' web page, served by `clearance serve` next to the HTTP API.

Server-rendered Jinja2 pages with a few lines of plain JavaScript (batch progress
only): no build step, nothing fetched from a CDN, usable with a keyboard and without
JavaScript. Routes only collect input and render; the answers come from the same
library and store as the CLI and the API.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from clearance.web.auth import Forbidden, LoginRequired, current_session, login_url
from clearance.web.templating import STATIC, error_page


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(login_url(exc.next_path), status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Forbidden)
    return error_page(request, current_session(request), 403, "Not allowed", exc.message)


def install_web(app: FastAPI) -> None:
    """Add the pages (under /ui, with / leading there) and their static files to `app`."""
    from clearance.web import (
        admin_pages,
        batch_pages,
        review_pages,
        screening_pages,
        session_pages,
    )

    for module in (session_pages, screening_pages, review_pages, batch_pages, admin_pages):
        app.include_router(module.router)
    app.mount("/ui/static", StaticFiles(directory=str(STATIC)), name="web-static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(Forbidden, _forbidden)
