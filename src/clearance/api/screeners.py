"""One `Screener` per (lists, as_of), built once and kept for the server's life.

The matcher is read-only once built, so request threads share it; a lock only
keeps two threads from building the same index at once.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from datetime import date

from clearance.ownership.storage import OwnershipVersion, ownership_lists_in_force
from clearance.store import ListStore, ListVersion
from clearance.store.freshness import ListsInForce, ages_of
from clearance.workflows.screening import Screener

ScreenerKey = tuple[tuple[str, ...] | None, date | None]
VERSION_CHECK_SECONDS = 5.0
MAX_SCREENERS = 8  # the oldest built goes first


def prime(screener: Screener) -> None:
    """Load what the first queries would otherwise load mid-request: the matcher's
    transliteration tables and the word lists `/scan` judges mentions by."""
    from clearance.workflows.scan_rules import warm_word_lists

    screener.matcher.prime()
    warm_word_lists()


def settle_long_lived_objects() -> None:
    """Take what is alive now (an index above all) out of the garbage collector's scans.

    A loaded index is hundreds of thousands of objects that live as long as the
    server. Python's full collection walks every one of them: 60-70 ms during which
    the worker answers nothing, and under load one came every few seconds, the
    slowest 1 % of requests. Frozen (`gc.freeze`), they are skipped, and a worker
    forked from a parent that froze them never writes to (so never copies) their
    memory. Indexes hold no reference cycles: one replaced by a list update is freed
    by reference counting, frozen or not.
    """
    gc.collect()
    gc.freeze()


class ScreenerCache:
    def __init__(self, store: ListStore):
        self.store = store
        self._screeners: dict[tuple[str, ScreenerKey], Screener] = {}
        self._lock = threading.Lock()
        self.ready = threading.Event()
        self._version_keys: dict[ScreenerKey, tuple[float, str]] = {}
        # The list versions each screener's index was built from: for the audit trail,
        # and to say on every answer how old they are (without asking the store again).
        self._versions: weakref.WeakKeyDictionary[Screener, dict[str, ListVersion]] = (
            weakref.WeakKeyDictionary()
        )
        self._ownership: weakref.WeakKeyDictionary[Screener, dict[str, OwnershipVersion]] = (
            weakref.WeakKeyDictionary()
        )

    def _version_key(self, key: ScreenerKey) -> str:
        """The store's key of the versions in force, re-read at most every few seconds."""
        now = time.monotonic()
        cached = self._version_keys.get(key)
        if cached is not None and now - cached[0] < VERSION_CHECK_SECONDS:
            return cached[1]
        lists, as_of = key
        wanted = list(lists) if lists else None
        # Ownership lists loaded meanwhile, and the day (derived listings are of a date).
        owned = ownership_lists_in_force(self.store.engine, wanted, as_of)
        version_key = "|".join(
            [
                self.store.screening_key(wanted, as_of),
                *(f"{k}={v.id}" for k, v in sorted(owned.items())),
                (as_of or date.today()).isoformat() if owned else "",
            ]
        )
        self._version_keys[key] = (now, version_key)
        return version_key

    def list_ids(self) -> list[str]:
        return sorted(self.store.current_versions())

    def get(self, lists: list[str] | None = None, as_of: date | None = None) -> Screener:
        """The screener over `lists` (None: all) in force on `as_of` (None: current)."""
        wanted = tuple(sorted(set(lists))) if lists is not None else None
        # The store's key changes when a list is updated: a new version gets a new index.
        key = (self._version_key((wanted, as_of)), (wanted, as_of))
        found = self._screeners.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._screeners.get(key)
            if found is None:
                lists_wanted = list(wanted) if wanted else None
                versions = self.store.current_versions(lists_wanted, as_of)
                found = Screener.load(lists_wanted, as_of, store=self.store)
                self._versions[found] = versions
                self._ownership[found] = ownership_lists_in_force(
                    self.store.engine, lists_wanted, as_of
                )
                # Callers choose lists and dates: keep a bounded number of indexes in memory.
                while len(self._screeners) >= MAX_SCREENERS:
                    del self._screeners[next(iter(self._screeners))]
                self._screeners[key] = found
                settle_long_lived_objects()
        return found

    def versions_of(self, screener: Screener) -> dict[str, int]:
        """{list id: version id} of the lists `screener` screens against."""
        return {list_id: v.id for list_id, v in self._versions_in_force(screener).items()}

    def lists_in_force(self, screener: Screener, stale_after: int | None) -> ListsInForce:
        """The versions `screener` screens against, their age today, and what to warn of."""
        versions = self._versions_in_force(screener)
        earliest = None
        if not versions:
            known = [v for v in self.store.versions() if v.status == "ok"]
            earliest = min(known, key=lambda v: (v.effective_date, v.id), default=None)
        owned = self._ownership.get(screener)
        if owned is None:
            owned = ownership_lists_in_force(self.store.engine, screener.lists, screener.as_of)
        return ages_of(versions, screener.lists, screener.as_of, stale_after, None, earliest, owned)

    def _versions_in_force(self, screener: Screener) -> dict[str, ListVersion]:
        found = self._versions.get(screener)
        if found is None:  # not built here: ask the store (one cached query)
            found = self.store.current_versions(screener.lists, screener.as_of)
        return found

    def warm(self) -> None:
        try:
            prime(self.get())
            settle_long_lived_objects()
        finally:
            self.ready.set()
