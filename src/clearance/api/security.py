"""Keys, scopes, rate limits, body limits, error bodies and access logs.

Everything a request meets before and after its endpoint, so endpoints only
screen. Error bodies carry a message and a request id, never a stack trace.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

import orjson
from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearance.api.keys import ApiKey
from clearance.api.throttle import Throttle, Throttled, address_subject

access_log = logging.getLogger("clearance.api.access")
error_log = logging.getLogger("clearance.api.error")

UPLOAD_PATHS = ("/screen", "/ui/batch")  # the others get the smaller JSON body limit


class RateLimiter:
    """A token bucket per key: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last time)
        self._lock = threading.Lock()

    def allow(self, key: str) -> float | None:
        """None when the request may go on, else the seconds to wait."""
        if self.per_minute <= 0:
            return None
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / rate
            self._buckets[key] = (tokens - 1.0, now)
        return None


# The one place a key may come in the query string: OpenRefine cannot send headers.
QUERY_KEY_PREFIX = "/reconcile"
QUERY_KEY_PARAMETER = "key"


def _query_key(scope: Scope) -> str | None:
    """The `?key=` of a request to the reconciliation service; None anywhere else."""
    if not str(scope.get("path", "")).startswith(QUERY_KEY_PREFIX):
        return None
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(QUERY_KEY_PARAMETER)
    return values[0] if values else None


def _authorization(scope: Scope) -> str:
    """The Authorization header, or a reconciliation request's `?key=` in its form."""
    header = Headers(scope=scope).get("authorization", "")
    if not header:
        query_key = _query_key(scope)
        if query_key:
            return f"ApiKey {query_key}"
    return header


def authorize(request: Request, scope: str) -> ApiKey | None:
    """The caller's key, which must exist, be active and carry `scope` (else 401/403/429)."""
    services = request.app.state.services
    if not services.settings.auth:
        _limit(request, services.limiter, request.client.host if request.client else "-")
        return None
    key = request.scope.get("state", {}).get("api_key")  # checked before the body was read
    if key is None:
        address = request.client.host if request.client else None
        key = _valid_key(services, _authorization(request.scope), address)
    request.state.key_id = key.id
    if not key.allows(scope):
        raise HTTPException(403, f"this key lacks the {scope!r} scope")
    _limit(request, services.limiter, key.id)
    return key


def _valid_key(services: Any, header: str, address: str | None) -> ApiKey:
    """The active key an Authorization header carries; 401 when none.

    Wrong keys count against the client's address (api/throttle.py): past a few, the
    address must wait before any key of its is looked at (429 with Retry-After).
    """
    throttle: Throttle = services.throttle
    subject = address_subject(address)
    wait = throttle.remembered_wait(subject)
    if wait:
        seconds = Throttled(wait, "").seconds
        raise HTTPException(
            429,
            f"too many wrong API keys from this address; try again in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )
    kind, _, secret = header.partition(" ")
    if not header or kind.lower() not in ("apikey", "bearer") or not secret.strip():
        raise HTTPException(
            401,
            "missing API key: send 'Authorization: ApiKey <key>' or 'Bearer <key>'",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    key: ApiKey | None = services.keys.verify(secret.strip())
    if key is None:
        throttle.failed(subject)
        raise HTTPException(
            401, "invalid or revoked API key", headers={"WWW-Authenticate": "ApiKey"}
        )
    return key


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def check_key_before_body(scope: Scope) -> None:
    """401 for a request with a body and no valid key, before a byte of the body is read.

    FastAPI reads and parses a request's body before its dependencies run, so the key
    check of an endpoint came after parsing up to a megabyte of JSON (or 50 MB of
    upload) for anyone. The web pages under /ui sign in with sessions, not keys.
    """
    if scope.get("method") not in BODY_METHODS or scope.get("path", "").startswith("/ui"):
        return
    services = getattr(getattr(scope.get("app"), "state", None), "services", None)
    if services is None or not services.settings.auth:
        return
    client = scope.get("client")
    address = client[0] if client else None
    key = _valid_key(services, _authorization(scope), address)
    scope.setdefault("state", {})["api_key"] = key  # the endpoint's check need not verify again


def require(scope: str) -> Any:
    """A dependency: `authorize(request, scope)` before the endpoint runs."""

    async def check_key(request: Request) -> ApiKey | None:  # async: no thread hop
        return authorize(request, scope)

    return Depends(check_key)


def _limit(request: Request, limiter: RateLimiter, who: str) -> None:
    wait = limiter.allow(who)
    if wait is not None:
        raise HTTPException(
            429,
            f"rate limit of {limiter.per_minute} requests a minute reached",
            headers={"Retry-After": str(max(1, round(wait)))},
        )


# ------------------------------------------------------------------ error bodies


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 400:  # FastAPI's "error parsing the body": a body that is not JSON at all
        status = 422
    return JSONResponse(
        {"detail": exc.detail, "request_id": _request_id(request)},
        status_code=status,
        headers=getattr(exc, "headers", None),
    )


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 with where and what, without echoing the input back."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": problems, "request_id": _request_id(request)}, status_code=422)


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = _request_id(request)
    error_log.error("request %s failed", request_id, exc_info=exc)  # the trace stays here
    return JSONResponse(
        {"detail": "internal server error", "request_id": request_id},
        status_code=500,
        headers={"x-request-id": request_id},
    )


# ------------------------------------------------------------------ ASGI guard


_REQUEST_ID_PREFIX = secrets.token_hex(4)  # this process's, so workers' ids differ
_request_counter = itertools.count(1)


def _new_request_id_prefix() -> None:
    """A forked worker gets its own prefix: it inherits its parent's, shared by its siblings."""
    global _REQUEST_ID_PREFIX, _request_counter
    _REQUEST_ID_PREFIX = secrets.token_hex(4)
    _request_counter = itertools.count(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_request_id_prefix)


def _next_request_id() -> str:
    """Unique per server, not secret: a random prefix and a counter (no syscall per request)."""
    return f"{_REQUEST_ID_PREFIX}{next(_request_counter):08x}"


class BodyTooLarge(StarletteHTTPException):
    """Raised while the body is read; an HTTPException so FastAPI's body parser passes it on."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body over {limit} bytes")


class RequestGuard:
    """Request ids, body size limits (413) and one JSON access-log line per request.

    The log line has method, route path (no query string: it may hold names),
    status, milliseconds and key id; the client address only if configured.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body: Callable[[], int],
        max_upload: Callable[[], int],
        log_client: Callable[[], bool],
    ):
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.log_client = log_client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _next_request_id()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        path = scope.get("path", "")
        limit = self.max_upload() if path in UPLOAD_PATHS else self.max_body()
        status = {"code": 500, "sent": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        try:
            try:
                check_key_before_body(scope)
            except HTTPException as refused:
                await _send_json(
                    send_wrapper,
                    refused.status_code,
                    {"detail": refused.detail, "request_id": request_id},
                    refused.headers,
                )
                return
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge(limit)
            seen = 0

            async def receive_wrapper() -> Message:
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:
                        raise BodyTooLarge(limit)
                return message

            await self.app(scope, receive_wrapper, send_wrapper)
        except BodyTooLarge:
            if status["sent"]:
                raise
            await _send_json(
                send_wrapper,
                413,
                {"detail": f"request body over {limit} bytes", "request_id": request_id},
            )
        except Exception as exc:  # answered here, so the connection stays usable
            error_log.error("request %s failed", request_id, exc_info=exc)
            if status["sent"]:
                return
            await _send_json(
                send_wrapper, 500, {"detail": "internal server error", "request_id": request_id}
            )
        finally:
            self._log(scope, state, status["code"], started, request_id)

    def _log(
        self, scope: Scope, state: dict[str, Any], code: int, started: float, request_id: str
    ) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        route = scope.get("route")
        record: dict[str, Any] = {
            "request_id": request_id,
            "method": scope.get("method"),
            "path": getattr(route, "path", None) or scope.get("path"),
            "status": code,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "key_id": state.get("key_id"),
        }
        if self.log_client() and scope.get("client"):
            record["client"] = scope["client"][0]
        access_log.info(orjson.dumps(record).decode())


async def _send_json(
    send: Callable[[Message], Awaitable[None]],
    code: int,
    body: Any,
    headers: Mapping[str, str] | None = None,
) -> None:
    payload = json.dumps(body).encode()
    extra = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


# Module-level dependencies: an endpoint says which scope it needs with `_key: Any = READ_KEY`.
READ_KEY = require("read")
SCREEN_KEY = require("screen")
