"""The FastAPI application: `create_app(settings)`.

One store, one `ScreenerCache` (a Screener per lists and date), one key store and
one job runner per process, all in `app.state.services`. The interface holds no
matching logic: every answer comes from `clearance.workflows.screening.Screener`.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from clearance.api.audit_hook import AuditWriter
from clearance.api.jobs import Job, JobRunner, JobStore
from clearance.api.keys import KeyStore
from clearance.api.screeners import ScreenerCache
from clearance.api.security import (
    RateLimiter,
    RequestGuard,
    http_error,
    internal_error,
    validation_error,
)
from clearance.api.settings import ApiSettings
from clearance.api.throttle import Throttle
from clearance.store import ListStore, open_store

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "no API key, or an unknown or revoked one"},
    403: {"description": "the key lacks the scope"},
    404: {"description": "no such dataset, entity or job"},
    413: {"description": "request body too large"},
    422: {"description": "invalid request: the message names the field"},
    429: {"description": "rate limit reached; see Retry-After"},
}


@dataclass
class Services:
    settings: ApiSettings
    store: ListStore
    screeners: ScreenerCache
    keys: KeyStore
    jobs: JobStore
    runner: JobRunner
    limiter: RateLimiter
    audit: AuditWriter  # screenings' audit records, written in groups off the request path
    throttle: Throttle  # failed sign-ins and wrong keys, per address and per user


def _job_runner(screeners: ScreenerCache) -> Callable[[Job, Path, Path, Callable], Any]:
    def run(job: Job, source: Path, target: Path, progress: Callable) -> Any:
        from clearance.effects import Activity
        from clearance.workflows.batch import ScreenOptions, screen_file

        screener = screeners.get()
        options = ScreenOptions(
            activity=Activity(job.options.get("activity") or "transact"),
            threshold=job.options.get("threshold"),
            workers=1,
            keep_formulas=bool(job.options.get("keep_formulas")),
        )
        return screen_file(
            screener.matcher,
            source,
            target,
            name_col=job.options.get("name_col"),
            options=options,
            store=screener.store,
            on_progress=progress,
        )

    return run


def build_services(settings: ApiSettings) -> Services:
    store = open_store(settings.db)
    screeners = ScreenerCache(store)
    jobs = JobStore(store.engine)
    return Services(
        settings=settings,
        store=store,
        screeners=screeners,
        keys=KeyStore(store.engine, cache_seconds=settings.key_cache_seconds),
        jobs=jobs,
        runner=JobRunner(jobs, _job_runner(screeners)),
        limiter=RateLimiter(settings.rate_limit_per_minute),
        audit=AuditWriter(store.engine),
        throttle=Throttle(store.engine, address_free=settings.failures_per_address),
    )


def preload_index(app: FastAPI) -> None:
    """Load the index of every list in force now, in this process, before workers fork from it.

    The workers' screener finds it in memory (`cached_index` keeps the indexes in use)
    instead of reading it from disk each; the parent's database connections are closed
    so that no worker inherits one.
    """
    from clearance.api.screeners import prime, version_key
    from clearance.workflows.screening import Screener

    store = open_store(app.state.settings.db)
    try:
        key = version_key(store, None, None)
        screener = Screener.load(store=store)
        prime(screener)  # the tables the first queries would load, loaded once for all workers
        app.state.preloaded_index = screener.matcher.index
        app.state.preloaded_key = key
    finally:
        store.engine.dispose()


def follow_list_updates(app: FastAPI) -> bool:
    """In the parent of forked workers: when the lists in force have changed, load the new
    index here and say so (True), so that new workers, forked from here, share it.

    Workers would otherwise each build their own copy (the server's memory grew by one
    index per worker at every update) while starving their own requests of the GIL.
    """
    from clearance.api.screeners import version_key

    store = ListStore.open(app.state.settings.db)
    try:
        key = version_key(store, None, None)  # ownership files count: they derive listings
    finally:
        store.engine.dispose()
    if key == getattr(app.state, "preloaded_key", None):
        return False
    app.state.preloaded_index = None  # the old index goes as soon as nothing uses it
    preload_index(app)
    return True


def create_app(settings: ApiSettings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    holder: dict[str, Services] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ready = services or build_services(settings)
        ready.screeners.rebuild_in_background = not getattr(app.state, "parent_follows", False)
        app.state.services = ready
        holder["services"] = ready
        if settings.warm:

            def warm() -> None:
                ready.screeners.warm()
                # The screener holds the preloaded index now: once a list update
                # replaces it, nothing else should keep the old one alive.
                app.state.preloaded_index = None

            threading.Thread(target=warm, name="warm-index", daemon=True).start()
        else:
            ready.screeners.ready.set()
        ready.runner.start()
        ready.audit.start()
        try:
            yield
        finally:
            ready.runner.stop()
            ready.audit.close()  # after the last answer: every screening is written

    from clearance import __version__ as version

    app = FastAPI(
        title="clearance",
        version=version,
        description=(
            "Sanctions and export-control screening from the governments' own lists. "
            "`/match`, `/search`, `/entities` and `/catalog` speak yente's API. "
            "Send keys as `Authorization: ApiKey <key>` or `Bearer <key>`."
        ),
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.settings = settings
    from clearance.api import monitor_routes, reconcile, screening_routes, yente_routes

    app.include_router(yente_routes.health)
    # Matched before the documented /match route: the hot path, without dependency solving.
    app.add_route(
        "/match/{dataset}",
        yente_routes.match_without_dependencies,
        methods=["POST"],
        include_in_schema=False,
    )
    app.include_router(yente_routes.router)
    app.include_router(screening_routes.router)
    app.include_router(reconcile.router)
    app.include_router(monitor_routes.router)
    from clearance.web import install_web

    install_web(app)  # the analysts' pages under /ui (own login, not API keys)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, internal_error)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(
        RequestGuard,
        max_body=lambda: settings.max_body_bytes,
        max_upload=lambda: settings.max_upload_bytes,
        log_client=lambda: settings.log_client_address,
    )
    return app
