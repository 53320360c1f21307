"""Batch screening by upload: the same job queue as `POST /screen`, owned by the user.

A job runs in the server's job runner (its state is in the store, so it survives a
restart); the page shows progress (polled by a few lines of JavaScript, or by a
refresh without it) and offers the screened table and the HTML report.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from clearance.api.downloads import content_disposition
from clearance.api.jobs import Job
from clearance.api.screening_routes import TABLE_SUFFIXES
from clearance.api.tables import screen_jobs
from clearance.effects import Activity
from clearance.web.auth import check_csrf, signed_in
from clearance.web.sessions import Session
from clearance.web.templating import SECURITY_HEADERS, error_page, render
from clearance.workflows.report import render_html_report
from clearance.workflows.summary import Summary

router = APIRouter()

RECENT_JOBS = 20


def _own_job(request: Request, session: Session, job_id: str) -> Job | None:
    """The job when this user submitted it (admins see every job); None otherwise."""
    services = request.app.state.services
    job: Job | None = services.jobs.get(job_id[:64])
    if job is None:
        return None
    if session.user.is_admin or job.owner == session.user.actor:
        return job
    return None


def _recent(request: Request, session: Session) -> list[dict[str, Any]]:
    engine = request.app.state.services.store.engine
    columns = [c for c in screen_jobs.c if c.name not in ("input", "result")]
    query = select(*columns).order_by(screen_jobs.c.created_at.desc()).limit(RECENT_JOBS)
    if not session.user.is_admin:
        query = query.where(screen_jobs.c.owner == session.user.actor)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _batch_page(request: Request, session: Session, error: str = "", status: int = 200) -> Response:
    return render(
        request,
        "batch.html",
        session,
        jobs=_recent(request, session),
        activities=[a.value for a in Activity],
        suffixes=", ".join(TABLE_SUFFIXES),
        error=error,
        status_code=status,
    )


@router.get("/ui/batch", include_in_schema=False)
def batch_page(request: Request, session: Session = signed_in) -> Response:
    return _batch_page(request, session)


@router.post("/ui/batch", include_in_schema=False)
async def batch_upload(request: Request, session: Session = signed_in) -> Response:
    form = await check_csrf(request, session)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _batch_page(request, session, "Choose a file to screen.", 422)
    filename = Path(upload.filename).name[:200]
    if not filename.lower().endswith(TABLE_SUFFIXES):
        message = f"{filename!r} is not a table this page reads: use {', '.join(TABLE_SUFFIXES)}."
        return _batch_page(request, session, message, 422)
    data = await upload.read()
    if not data:
        return _batch_page(request, session, f"{filename!r} is empty.", 422)
    activity = str(form.get("activity") or Activity.TRANSACT.value)
    if activity not in {a.value for a in Activity}:
        activity = Activity.TRANSACT.value
    name_col = str(form.get("name_col") or "").strip()[:200] or None
    services = request.app.state.services
    options = {"activity": activity, "threshold": None, "name_col": name_col}
    job = services.jobs.create(filename, data, options, owner=session.user.actor)
    services.runner.submit(job.id)
    return RedirectResponse(f"/ui/batch/{job.id}", status_code=303)


def _not_found(request: Request, session: Session, job_id: str) -> Response:
    message = f"You have no screening job {job_id[:64]!r}."
    return error_page(request, session, 404, "No such job", message)


@router.get("/ui/batch/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: str, session: Session = signed_in) -> Response:
    job = _own_job(request, session, job_id)
    if job is None:
        return _not_found(request, session, job_id)
    return render(request, "job.html", session, job=job.to_dict())


@router.get("/ui/batch/{job_id}/status", include_in_schema=False)
def job_status(request: Request, job_id: str, session: Session = signed_in) -> Response:
    job = _own_job(request, session, job_id)
    if job is None:
        return JSONResponse({"detail": "no such job"}, status_code=404)
    return JSONResponse(job.to_dict(), headers={"Cache-Control": "no-store"})


def _finished(request: Request, session: Session, job_id: str) -> tuple[Job | None, bytes]:
    job = _own_job(request, session, job_id)
    if job is None or job.status != "done":
        return job, b""
    return job, request.app.state.services.jobs.result_of(job.id) or b""


@router.get("/ui/batch/{job_id}/result.csv", include_in_schema=False)
def job_result(request: Request, job_id: str, session: Session = signed_in) -> Response:
    job, data = _finished(request, session, job_id)
    if job is None or job.status != "done":
        return _not_found(request, session, job_id)
    stem = Path(job.filename).stem or "screened"
    return Response(
        data,
        media_type="text/csv",
        headers={"Content-Disposition": content_disposition("attachment", f"{stem}-screened.csv")},
    )


@router.get("/ui/batch/{job_id}/report.html", include_in_schema=False)
def job_report(request: Request, job_id: str, session: Session = signed_in) -> Response:
    job, data = _finished(request, session, job_id)
    if job is None or job.status != "done":
        return _not_found(request, session, job_id)
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    hits = (row for row in rows if row.get("screen_party_id"))
    summary = Summary.from_dict(job.summary or {})
    meta = {
        "input": job.filename,
        "activity": (job.options or {}).get("activity"),
        "submitted by": session.user.name,
    }
    html = render_html_report(summary, hits, meta)
    headers = dict(SECURITY_HEADERS)
    headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    stem = Path(job.filename).stem or "screened"
    headers["Content-Disposition"] = content_disposition("inline", f"{stem}-report.html")
    return Response(html, media_type="text/html", headers=headers)
