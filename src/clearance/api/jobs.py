"""File screening jobs: the upload and the state live in the store, so jobs outlive the server.

A job is queued with its file; one worker thread runs jobs one at a time through
`clearance.workflows.batch.screen_file` and records progress. At startup, jobs
a stopped server left (queued, or running with no progress for two minutes) are
queued again and start over. Each job is claimed atomically, so several server
processes (`serve --workers N`) never run one job twice.
"""

from __future__ import annotations

import logging
import queue
import re
import secrets
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from clearance.api.tables import screen_jobs
from clearance.store.database import utc
from clearance.workflows.tables import TableError

log = logging.getLogger("clearance.api.jobs")
PROGRESS_EVERY_SECONDS = 0.5
# A running job with no progress for this long was left by a server that stopped.
STALE_SECONDS = 120.0


@dataclass
class Job:
    id: str
    status: str  # queued, running, done, failed
    filename: str
    options: dict[str, Any]
    rows_done: int
    rows_total: int | None
    summary: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    owner: str | None = None  # "api-key:<id>" or "user:<name>"; only they (and admins) see it

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "filename": self.filename,
            "options": self.options,
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "summary": self.summary,
            "error": self.error,
            "created_at": utc(self.created_at).isoformat(),
            "updated_at": utc(self.updated_at).isoformat(),
        }


def _job(row: Any) -> Job:
    return Job(
        row.id,
        row.status,
        row.filename,
        dict(row.options),
        row.rows_done,
        row.rows_total,
        row.summary,
        row.error,
        row.created_at,
        row.updated_at,
        row.owner,
    )


class JobStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def create(
        self, filename: str, data: bytes, options: dict[str, Any], owner: str | None = None
    ) -> Job:
        now = datetime.now(UTC)
        job_id = secrets.token_hex(12)
        with self.engine.begin() as conn:
            conn.execute(
                screen_jobs.insert().values(
                    id=job_id,
                    status="queued",
                    filename=filename,
                    options=options,
                    input=data,
                    rows_done=0,
                    created_at=now,
                    updated_at=now,
                    owner=owner,
                )
            )
        found = self.get(job_id)
        assert found is not None
        return found

    def get(self, job_id: str) -> Job | None:
        columns = [c for c in screen_jobs.c if c.name not in ("input", "result")]
        with self.engine.connect() as conn:
            row = conn.execute(select(*columns).where(screen_jobs.c.id == job_id)).first()
        return _job(row) if row is not None else None

    def input_of(self, job_id: str) -> bytes:
        with self.engine.connect() as conn:
            return bytes(
                conn.execute(
                    select(screen_jobs.c.input).where(screen_jobs.c.id == job_id)
                ).scalar_one()
            )

    def result_of(self, job_id: str) -> bytes | None:
        with self.engine.connect() as conn:
            data = conn.execute(
                select(screen_jobs.c.result).where(screen_jobs.c.id == job_id)
            ).scalar()
        return bytes(data) if data is not None else None

    def set(self, job_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(screen_jobs)
                .where(screen_jobs.c.id == job_id)
                .values(updated_at=datetime.now(UTC), **values)
            )

    def claim(self, job_id: str) -> bool:
        """Queued -> running, atomically: of several server processes only one runs a job."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(screen_jobs)
                .where(screen_jobs.c.id == job_id, screen_jobs.c.status == "queued")
                .values(status="running", rows_done=0, updated_at=datetime.now(UTC))
            )
        return done.rowcount == 1

    def requeue_abandoned(self, stale_seconds: float = STALE_SECONDS) -> list[str]:
        """Jobs a stopped server left: queued ones, and running ones with no progress of late."""
        cutoff = datetime.now(UTC) - timedelta(seconds=stale_seconds)
        with self.engine.begin() as conn:
            conn.execute(
                update(screen_jobs)
                .where(screen_jobs.c.status == "running", screen_jobs.c.updated_at < cutoff)
                .values(status="queued", rows_done=0)
            )
            rows = conn.execute(
                select(screen_jobs.c.id)
                .where(screen_jobs.c.status == "queued")
                .order_by(screen_jobs.c.created_at)
            )
            return [r.id for r in rows]


_TEMP_PATH = re.compile(re.escape(tempfile.gettempdir()) + r"[^\s'\"]*")


def public_error(exc: Exception, named: dict[str, str]) -> str:
    """What a job's owner is told: the error with each server path in `named` replaced
    by what the user knows it as, and any other temporary path left out."""
    text = str(exc) if isinstance(exc, TableError) else f"{type(exc).__name__}: {exc}"
    for path, shown in sorted(named.items(), key=lambda item: -len(item[0])):
        text = text.replace(path, shown)
    return _TEMP_PATH.sub("(upload)", text)


class JobRunner:
    """One thread that screens queued files in order."""

    def __init__(self, jobs: JobStore, run: Callable[[Job, Path, Path, Callable], Any]):
        self.jobs = jobs
        self.run = run
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="screen-jobs", daemon=True)

    def start(self) -> None:
        for job_id in self.jobs.requeue_abandoned():  # left by a server that stopped
            self._queue.put(job_id)
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run_one(job_id)
            except Exception as exc:  # a failed job must not stop the runner
                log.exception("screening job %s failed", job_id)
                self.jobs.set(job_id, status="failed", error=public_error(exc, {}))

    def _run_one(self, job_id: str) -> None:
        if not self.jobs.claim(job_id):
            return  # run (or being run) by another server process
        job = self.jobs.get(job_id)
        assert job is not None
        suffix = "".join(Path(job.filename).suffixes[-2:]) or ".csv"
        with tempfile.TemporaryDirectory(prefix="clearance-job-") as folder:
            source = Path(folder) / f"input{suffix}"
            source.write_bytes(self.jobs.input_of(job_id))
            target = Path(folder) / "screened.csv"
            last = [0.0]

            def progress(done: int, total: int | None) -> None:
                import time

                now = time.monotonic()
                if now - last[0] >= PROGRESS_EVERY_SECONDS:
                    last[0] = now
                    self.jobs.set(job_id, rows_done=done, rows_total=total)

            try:
                result = self.run(job, source, target, progress)
            except Exception as exc:
                log.exception("screening job %s failed", job_id)
                # The user sees their file's name; the server's folders stay in the log.
                named = {str(source): job.filename, source.name: job.filename, folder: ""}
                self.jobs.set(job_id, status="failed", error=public_error(exc, named))
                return
            summary = result.summary.to_dict()
            self.jobs.set(
                job_id,
                status="done",
                rows_done=summary.get("rows", 0),
                rows_total=summary.get("rows", 0),
                summary=summary,
                result=target.read_bytes(),
            )
