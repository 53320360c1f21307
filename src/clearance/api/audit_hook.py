"""Every screening over HTTP (`/match`, `/check`, `/scan`; batch jobs through the batch
workflow) goes into the audit trail: which key asked what, when, against which list
versions, and what came back. Look-ups (`/search`, `/entities`, `/reconcile`) are not
screenings and are not recorded.

A request does not wait for the database: its record goes to an `AuditWriter`, whose
thread appends what has gathered in one transaction (a group commit, one every tenth
of a second at most) through `clearance.audit.trail.append_many`, so the hash chain is
the one that one-by-one appends would make. Few large groups also keep the writer
thread from taking the interpreter lock from the event loop on every request.

The server's shutdown (lifespan end, after the last request is answered) writes
whatever is pending before the process exits; only a process killed outright can
lose the records of its last tenth of a second.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from fastapi import Request
from sqlalchemy import Engine

from clearance.audit.trail import append_many
from clearance.matching import DEFAULT_THRESHOLD

log = logging.getLogger("clearance.api.audit")

AuditEntry = tuple[str, str, dict[str, Any]]  # actor, action, payload
CLOSING_ATTEMPTS = 5  # at shutdown, a database that keeps failing is given up on


class AuditWriter:
    """Audit records written by one thread, in groups; none lost on a clean `close()`."""

    def __init__(
        self,
        engine: Engine,
        gather_seconds: float = 0.1,
        max_group: int = 1000,
        retry_seconds: float = 1.0,
    ):
        self.engine = engine
        self.gather_seconds = gather_seconds  # how long a group waits for company
        self.max_group = max_group
        self.retry_seconds = retry_seconds
        self._pending: list[AuditEntry] = []
        self._submitted = 0  # records handed in so far
        self._written = 0  # of those, committed
        self._changed = threading.Condition()
        self._closing = False
        self._flushing = 0  # callers waiting in flush(): no gathering meanwhile
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name="audit-writer", daemon=True)
        self._thread.start()

    def submit(self, actor: str, action: str, payload: dict[str, Any]) -> None:
        with self._changed:
            if self._thread is None or self._closing:  # not running: write it here and now
                self._write([(actor, action, payload)])
                return
            self._pending.append((actor, action, payload))
            self._submitted += 1
            # Wake the writer only when a group starts or is full: a notify per request
            # would hand the GIL to the writer thread on every request.
            if len(self._pending) == 1 or len(self._pending) >= self.max_group:
                self._changed.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every record submitted so far is committed (False on timeout)."""
        with self._changed:
            target = self._submitted
            self._flushing += 1
            self._changed.notify_all()
            try:
                return self._changed.wait_for(lambda: self._written >= target, timeout)
            finally:
                self._flushing -= 1

    def close(self) -> None:
        """Write what is pending and stop the thread: the server's shutdown calls this."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join()
        with self._changed:  # the thread gave up (database gone): say what is lost
            if self._pending:
                log.critical("%d audit records could not be written", len(self._pending))

    def _loop(self) -> None:
        failures = 0
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closing)
                if not self._pending:
                    return  # closing, nothing left
                if not self._closing:  # let a group gather, unless it is full already
                    deadline = time.monotonic() + self.gather_seconds
                    self._changed.wait_for(
                        lambda: (
                            self._closing or self._flushing or len(self._pending) >= self.max_group
                        ),
                        max(0.0, deadline - time.monotonic()),
                    )
                group = self._pending[: self.max_group]
            try:
                self._write(group)
            except Exception:
                failures += 1
                log.exception("writing %d audit records failed; retrying", len(group))
                with self._changed:
                    if self._closing and failures >= CLOSING_ATTEMPTS:
                        return  # close() names the records left
                    self._changed.wait(self.retry_seconds)
                continue
            failures = 0
            with self._changed:
                del self._pending[: len(group)]
                self._written += len(group)
                self._changed.notify_all()

    def _write(self, group: list[AuditEntry]) -> None:
        with self.engine.begin() as conn:
            append_many(conn, group)


def audit_screening(
    request: Request,
    screener: Any,
    query: dict[str, Any],
    threshold: float | None,
    results: list[dict[str, Any]],
) -> None:
    services = request.app.state.services
    services.audit.submit(
        f"api-key:{getattr(request.state, 'key_id', 'none')}",
        "screening",
        {
            "query": {"endpoint": request.scope["path"], **query},
            "versions": services.screeners.versions_of(screener),
            "threshold": threshold if threshold is not None else DEFAULT_THRESHOLD,
            "results": results,
        },
    )
