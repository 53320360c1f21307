"""One writer of list versions per store at a time.

Two loads at once (a scheduled `update` overlapping a manual `load`) both read which
records the store holds, then both insert the same new ones: the loser died with
"UNIQUE constraint failed: entity_records.hash". A load now holds the store's writer
lock while it stores a version: a PostgreSQL advisory lock (released by the server if
the process dies), or for SQLite an exclusive `flock` on a file beside the database
(released by the kernel). The `store_writer` row says who holds it, so a second load
can say "another load of ofac-sdn is running since 12:01 (pid 4242 on host x); waiting"
and then wait, or give up after its timeout with `StoreBusy`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text

from clearance.store.errors import StoreBusy
from clearance.store.schema import store_writer

POLL_SECONDS = 0.25
# The advisory lock's key: one 64-bit number for "clearance list store writer".
_PG_KEY = int.from_bytes(hashlib.sha256(b"clearance store writer").digest()[:8], "big", signed=True)


@dataclass(frozen=True)
class WriterInfo:
    """Who holds the writer lock: the list, process, host and since when."""

    list_id: str
    pid: int
    host: str
    since: datetime

    def describe(self) -> str:
        since = self.since.astimezone().strftime("%H:%M")
        who = f"pid {self.pid} on {self.host}"
        return f"another load of {self.list_id} is running since {since} ({who})"


def current_writer(engine: Engine) -> WriterInfo | None:
    """Who says they write now (None: nobody, or they did not say yet)."""
    with engine.connect() as conn:
        row = conn.execute(select(store_writer)).first()
    if row is None:
        return None
    since = row.since if row.since.tzinfo else row.since.replace(tzinfo=UTC)
    return WriterInfo(row.list_id, row.pid, row.host, since)


@contextlib.contextmanager
def writer_lock(
    engine: Engine,
    list_id: str,
    *,
    timeout: float | None = None,
    on_wait: Callable[[WriterInfo | None], None] | None = None,
) -> Iterator[None]:
    """Hold the store's writer lock for the block; wait for it at most `timeout` s
    (None: as long as it takes; 0: not at all), calling `on_wait` once if it must wait."""
    acquire, release = (_pg if engine.dialect.name == "postgresql" else _flock)(engine)
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    try:
        while not acquire():
            holder = current_writer(engine)
            if deadline is not None and time.monotonic() >= deadline:
                what = holder.describe() if holder else "another load is running"
                raise StoreBusy(f"{what}; {list_id} not loaded: try again when it is done")
            if not told and on_wait is not None:
                on_wait(holder)
                told = True
            time.sleep(POLL_SECONDS)
        _say_who(engine, list_id)
        try:
            yield
        finally:
            with contextlib.suppress(Exception), engine.begin() as conn:
                conn.execute(delete(store_writer))
    finally:
        release()


def _say_who(engine: Engine, list_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(store_writer))
        conn.execute(
            insert(store_writer).values(
                id=1,
                list_id=list_id,
                pid=os.getpid(),
                host=socket.gethostname()[:255],
                since=datetime.now(UTC),
            )
        )


def _pg(engine: Engine) -> tuple[Callable[[], bool], Callable[[], None]]:
    """A session-level advisory lock on a connection of its own, held until released."""
    conn = engine.connect()
    held = False

    def acquire() -> bool:
        nonlocal held
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_KEY}).scalar())
        conn.commit()
        return held

    def release() -> None:
        try:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_KEY})
                conn.commit()
        finally:
            conn.close()

    return acquire, release


def _flock(engine: Engine) -> tuple[Callable[[], bool], Callable[[], None]]:
    """An exclusive flock on `<database>.writer-lock` (a file, so any process sees it)."""
    database = engine.url.database
    if not database or database == ":memory:" or os.name != "posix":
        return (lambda: True), (lambda: None)  # one process only: nothing to exclude
    import fcntl

    handle: Any = open(Path(database).with_name(Path(database).name + ".writer-lock"), "a+b")  # noqa: SIM115

    def acquire() -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release() -> None:
        handle.close()  # closing the file releases the lock

    return acquire, release
