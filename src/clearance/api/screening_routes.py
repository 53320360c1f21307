"""Clearance's own endpoints: /check (one name), /scan (free text), /screen and /jobs (files)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, field_validator

from clearance.api.audit_hook import audit_screening
from clearance.api.downloads import content_disposition
from clearance.api.jobs import Job
from clearance.api.keys import ApiKey
from clearance.api.security import SCREEN_KEY
from clearance.effects import Activity
from clearance.model.text import require_name
from clearance.store.freshness import ListsInForce, warning_header

router = APIRouter()

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".jsonl", ".ndjson", ".parquet")


class CheckRequest(BaseModel):
    name: str = Field(min_length=1, max_length=500, examples=["Vladimir Putin"])
    type: str | None = Field(None, description="person, organization, vessel or aircraft")
    country: str | None = Field(None, max_length=100)
    birth_date: str | None = Field(None, max_length=20, examples=["1952-10-07"])
    identifiers: list[str] = Field(default_factory=list, max_length=50)
    activity: Activity | None = None
    lists: list[str] | None = Field(None, description="list ids; default: all")
    as_of: date | None = None
    limit: int = Field(10, ge=1, le=100)
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    near: int = Field(
        0, ge=0, le=50, description="also return the N best parties under the threshold"
    )

    @field_validator("name")
    @classmethod
    def _visible_name(cls, value: str) -> str:
        """ " ", "\ufeff" or "\u200b" are no names: 422, as for an empty string."""
        return require_name(value)


class ScanRequest(BaseModel):
    text: str = Field(min_length=1, max_length=200_000)
    activity: Activity = Activity.TRANSACT
    threshold: float | None = Field(None, ge=0.0, le=1.0)


def _screener(request: Request, lists: list[str] | None, as_of: date | None = None) -> Any:
    cache = request.app.state.services.screeners
    if lists is not None:
        unknown = sorted(set(lists) - set(cache.list_ids()))
        if unknown or not lists:
            raise HTTPException(422, f"unknown list id(s) {unknown}; see GET /catalog")
    return cache.get(lists, as_of)


def lists_used(request: Request, screener: Any, response: Response) -> ListsInForce:
    """The lists `screener` screens against, with their age; 409 when there are none
    (an answer would read "no match" for nothing), a `Warning` header when any is old."""
    services = request.app.state.services
    used: ListsInForce = services.screeners.lists_in_force(
        screener, services.settings.stale_after_days
    )
    if used.empty:
        raise HTTPException(409, " ".join(used.warnings()))
    header = warning_header(used)
    if header:
        response.headers["Warning"] = header
    return used


@router.post(
    "/check",
    summary="Screen one name, with effects and a verdict for an activity",
    responses={409: {"description": "no list version in force on that date: nothing to screen"}},
)
def check(
    request: Request, response: Response, body: CheckRequest, _key: Any = SCREEN_KEY
) -> dict[str, Any]:
    screener = _screener(request, body.lists, body.as_of)
    used = lists_used(request, screener, response)
    try:
        found = screener.check_with_near_misses(
            body.name,
            body.near,
            schema=body.type,
            country=body.country,
            birth_date=body.birth_date,
            identifiers=body.identifiers or None,
            limit=body.limit,
            threshold=body.threshold,
            activity=body.activity,
        )
    except ValueError as exc:  # an unknown type, an unreadable date: the matcher says which
        raise HTTPException(422, str(exc)) from None
    hits = found.hits
    result: dict[str, Any] = {
        "query": body.model_dump(mode="json", exclude_none=True),
        "threshold": found.threshold,
        "hits": [h.to_dict() for h in hits],
        "near_misses": [{**h.to_dict(), "below_threshold": True} for h in found.near_misses],
        "lists": used.to_dict(),
        "warnings": used.warnings(),
    }
    if body.activity is not None:
        result["verdict"] = screener.verdict(hits, body.activity).to_dict()
    audit_screening(
        request,
        screener,
        result["query"],
        body.threshold,
        [{"entity_id": h.entity_id, "score": round(h.score, 4)} for h in hits],
    )
    return result


@router.post("/scan", summary="Listed parties mentioned in free text")
def scan(
    request: Request, response: Response, body: ScanRequest, _key: Any = SCREEN_KEY
) -> dict[str, Any]:
    screener = _screener(request, None)
    used = lists_used(request, screener, response)
    result = screener.scan(body.text, activity=body.activity, threshold=body.threshold)
    data: dict[str, Any] = {
        **result.to_dict(),
        "lists": used.to_dict(),
        "warnings": used.warnings(),
    }
    # The record names the text by its hash and length, not its words: a text may be
    # long and full of personal data, and whoever keeps it can prove what was screened.
    audit_screening(
        request,
        screener,
        {
            "text_sha256": hashlib.sha256(body.text.encode("utf-8")).hexdigest(),
            "characters": len(body.text),
            "activity": body.activity.value,
        },
        body.threshold,
        [
            {"entity_id": m.entity_id, "score": round(m.score, 4), "span": [m.start, m.end]}
            for m in result.mentions
        ],
    )
    return data


@router.post("/screen", status_code=202, summary="Upload a table to screen; returns a job id")
async def screen(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV, TSV, XLSX, JSON lines or Parquet")],
    activity: Annotated[Activity, Form()] = Activity.TRANSACT,
    threshold: Annotated[float | None, Form(ge=0.0, le=1.0)] = None,
    name_col: Annotated[str | None, Form(max_length=200)] = None,
    keep_formulas: Annotated[
        bool,
        Form(description="Copy cells such as =HYPERLINK(…) raw (default: written as text)"),
    ] = False,
    key: Any = SCREEN_KEY,
) -> dict[str, Any]:
    services = request.app.state.services
    filename = Path(file.filename or "upload.csv").name[:200]
    if not filename.lower().endswith(TABLE_SUFFIXES):
        raise HTTPException(
            422, f"unsupported file type {filename!r}; send one of {', '.join(TABLE_SUFFIXES)}"
        )
    data = await file.read()
    if not data:
        raise HTTPException(422, "the uploaded file is empty")
    options = {"activity": activity.value, "threshold": threshold, "name_col": name_col}
    if keep_formulas:
        options["keep_formulas"] = True
    job = services.jobs.create(filename, data, options, owner=_owner(key))
    services.runner.submit(job.id)
    return {"id": job.id, "status": job.status, "links": {"self": f"/jobs/{job.id}"}}


def _owner(key: ApiKey | None) -> str | None:
    return f"api-key:{key.id}" if key is not None else None


def _visible_job(request: Request, job_id: str, key: ApiKey | None) -> Job:
    """The job if this key created it or has the admin scope; else 404, as for no such job.

    A server without keys (`serve --no-auth`, local use) shows every job.
    """
    job: Job | None = request.app.state.services.jobs.get(job_id)
    if job is None or not (key is None or key.allows("admin") or job.owner == _owner(key)):
        raise HTTPException(404, f"no job {job_id!r}")
    return job


@router.get("/jobs/{job_id}", summary="A screening job's progress (its creator's key or admin)")
def job_status(request: Request, job_id: str, key: Any = SCREEN_KEY) -> dict[str, Any]:
    return _visible_job(request, job_id, key).to_dict()


@router.get(
    "/jobs/{job_id}/result",
    summary="The screened table (CSV) of a finished job (its creator's key or admin)",
    responses={200: {"content": {"text/csv": {}}}, 409: {"description": "not finished"}},
)
def job_result(request: Request, job_id: str, key: Any = SCREEN_KEY) -> Response:
    job = _visible_job(request, job_id, key)
    if job.status != "done":
        raise HTTPException(409, f"job {job_id} is {job.status}, not done")
    data = request.app.state.services.jobs.result_of(job_id) or b""
    return Response(
        data,
        media_type="text/csv",
        headers={"Content-Disposition": content_disposition("attachment", f"{job_id}.csv")},
    )
