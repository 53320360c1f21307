"""Slowing down password guessing and key guessing: per client address and per user.

Counting failures per user name only had two faults: anyone could lock the admin out
for 15 minutes by typing five wrong passwords, and trying one password against many
names (spraying) was never slowed. Now failures are counted per client address (failed
sign-ins under any name, and wrong API keys) and per user name, and each, past a few
free failures, must wait before its next try: 1 s, 2 s, 4 s … up to 15 minutes
(backoff, not a lock). A user's wait does not apply to an address the user has signed
in from before: whoever hammers the admin's name slows down themselves, not the admin
at their usual machine.

Counts live in the store (`auth_throttle`), so every worker of `serve --workers N` sees
them; a worker also remembers the waits it learnt, so a blocked address costs the API's
hot path no query.
"""

from __future__ import annotations

import contextlib
import math
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

ADDRESS_FREE_FAILURES = 10
USER_FREE_FAILURES = 5
MAX_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)  # failures this old no longer count
KNOWN_ADDRESS_DAYS = 90

metadata = MetaData()
auth_throttle = Table(  # created by migration 0007
    "auth_throttle",
    metadata,
    Column("subject", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Column("blocked_until", DateTime(timezone=True)),
)


class Throttled(Exception):
    """Too many failures: the caller must wait `seconds` before trying again."""

    def __init__(self, seconds: float, why: str):
        self.seconds = max(1, math.ceil(seconds))
        super().__init__(f"{why}; try again in {self.seconds} s")


def address_subject(address: str | None) -> str:
    return f"address:{address or '-'}"


def user_subject(name: str) -> str:
    return f"user:{name[:200]}"


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def wait_after(failures: int, free: int) -> timedelta:
    """The backoff after `failures` in a row: none for the free ones, then doubling."""
    if failures <= free:
        return timedelta(0)
    return min(MAX_WAIT, timedelta(seconds=2 ** min(failures - free - 1, 20)))


class Throttle:
    def __init__(
        self,
        engine: Engine,
        address_free: int = ADDRESS_FREE_FAILURES,
        user_free: int = USER_FREE_FAILURES,
    ):
        self.engine = engine
        self.free = {"address": address_free, "user": user_free}
        self._known_waits: dict[str, datetime] = {}  # subject -> blocked until (this worker)
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- reading

    def remembered_wait(self, subject: str) -> float:
        """Seconds `subject` must still wait, from what this worker learnt (no query)."""
        until = self._known_waits.get(subject)
        if until is None:
            return 0.0
        left = (until - datetime.now(UTC)).total_seconds()
        if left <= 0:
            with self._lock:
                self._known_waits.pop(subject, None)
            return 0.0
        return left

    def wait_of(self, subject: str) -> float:
        """Seconds `subject` must still wait, from the store."""
        with self.engine.connect() as conn:
            until = conn.execute(
                select(auth_throttle.c.blocked_until).where(auth_throttle.c.subject == subject)
            ).scalar()
        until = _aware(until)
        return max(0.0, (until - datetime.now(UTC)).total_seconds()) if until else 0.0

    def is_known_address(self, name: str, address: str | None) -> bool:
        """Has `name` signed in from `address` in the last KNOWN_ADDRESS_DAYS?"""
        since = datetime.now(UTC) - timedelta(days=KNOWN_ADDRESS_DAYS)
        with self.engine.connect() as conn:
            seen = conn.execute(
                select(auth_throttle.c.last_at).where(
                    auth_throttle.c.subject == _known(name, address)
                )
            ).scalar()
        seen = _aware(seen)
        return seen is not None and seen >= since

    # ----------------------------------------------------------------- writing

    def failed(self, subject: str) -> float:
        """Count one failure of `subject`; the seconds it must now wait before the next."""
        now = datetime.now(UTC)
        free = self.free[subject.split(":", 1)[0]]
        for _attempt in range(3):  # an insert racing another worker's: count again
            with self.engine.begin() as conn:
                row = conn.execute(
                    select(auth_throttle.c.failures, auth_throttle.c.last_at).where(
                        auth_throttle.c.subject == subject
                    )
                ).first()
                failures = 1
                if row is not None and now - (_aware(row.last_at) or now) < FORGET_AFTER:
                    failures = int(row.failures) + 1
                wait = wait_after(failures, free)
                values = {
                    "failures": failures,
                    "last_at": now,
                    "blocked_until": now + wait if wait else None,
                }
                try:
                    if row is None:
                        conn.execute(insert(auth_throttle).values(subject=subject, **values))
                    else:
                        conn.execute(
                            update(auth_throttle)
                            .where(auth_throttle.c.subject == subject)
                            .values(**values)
                        )
                except IntegrityError:
                    continue
            if wait:
                with self._lock:
                    self._known_waits[subject] = now + wait
            return wait.total_seconds()
        return 0.0  # pragma: no cover - three races in a row

    def succeeded(self, subject: str) -> None:
        with self._lock:
            self._known_waits.pop(subject, None)
        with self.engine.begin() as conn:
            conn.execute(delete(auth_throttle).where(auth_throttle.c.subject == subject))

    def remember_address(self, name: str, address: str | None) -> None:
        """`name` signed in from `address`: its own failures will not slow them there."""
        subject, now = _known(name, address), datetime.now(UTC)
        with contextlib.suppress(IntegrityError), self.engine.begin() as conn:
            done = conn.execute(
                update(auth_throttle).where(auth_throttle.c.subject == subject).values(last_at=now)
            ).rowcount
            if not done:
                conn.execute(insert(auth_throttle).values(subject=subject, failures=0, last_at=now))


def _known(name: str, address: str | None) -> str:
    return f"known:{name[:100]}@{address or '-'}"
