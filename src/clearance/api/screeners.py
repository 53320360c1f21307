"""One `Screener` per (lists, as_of), built once and kept for the server's life.

The matcher is read-only once built, so request threads share it; a lock only
keeps two threads from building the same index at once. When a list is updated,
requests go on with the screener they had while the new one is built in a
background thread, and move to it once it is ready: an update never makes a request
wait for an index (it once made `/match` take 12 s). Each screener records which
list versions it screens against, so the audit trail says which one answered.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from datetime import date

from clearance.ownership.storage import OwnershipVersion, ownership_lists_in_force
from clearance.store import ListStore, ListVersion
from clearance.store.freshness import ListsInForce, ages_of
from clearance.workflows.screening import Screener

log = logging.getLogger("clearance.api.screeners")
ScreenerKey = tuple[tuple[str, ...] | None, date | None]
VERSION_CHECK_SECONDS = 5.0
MAX_SCREENERS = 8  # the oldest built goes first


def version_key(store: ListStore, lists: list[str] | None, as_of: date | None) -> str:
    """What a screener depends on: the list versions in force, the ownership versions in
    force, and the day when there are any (derived listings are of a date). It changes
    when a list or ownership file is loaded or updated."""
    owned = ownership_lists_in_force(store.engine, lists, as_of)
    return "|".join(
        [
            store.screening_key(lists, as_of),
            *(f"{k}={v.id}" for k, v in sorted(owned.items())),
            (as_of or date.today()).isoformat() if owned else "",
        ]
    )


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
        # The newest screener built for each (lists, as_of), whatever its versions, and
        # the version keys being built in the background.
        self._newest: dict[ScreenerKey, Screener] = {}
        self._building: set[tuple[str, ScreenerKey]] = set()
        self._building_lock = threading.Lock()
        # False in a forked worker whose parent follows list updates itself (prefork.py):
        # the worker answers from the index it has until it is replaced by a new worker.
        self.rebuild_in_background = True
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
        found = version_key(self.store, list(lists) if lists else None, as_of)
        self._version_keys[key] = (now, found)
        return found

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
        previous = self._newest.get(key[1])
        if previous is not None:  # an update: answer from the index we have meanwhile
            if self.rebuild_in_background:
                self._build_in_background(key)
            return previous
        with self._lock:
            found = self._screeners.get(key)
            if found is None:
                found = self._build(key)
        return found

    def _build(self, key: tuple[str, ScreenerKey]) -> Screener:
        """Build the screener of `key` and make it the newest of its (lists, as_of).

        The caller holds `self._lock`.
        """
        wanted, as_of = key[1]
        lists_wanted = list(wanted) if wanted else None
        versions = self.store.current_versions(lists_wanted, as_of)
        built = Screener.load(lists_wanted, as_of, store=self.store)
        self._versions[built] = versions
        self._ownership[built] = ownership_lists_in_force(self.store.engine, lists_wanted, as_of)
        # The index of older versions of the same lists goes as soon as the requests
        # using it finish: a server's memory does not grow with each update.
        for stale in [k for k in self._screeners if k[1] == key[1]]:
            del self._screeners[stale]
        # Callers choose lists and dates: keep a bounded number of indexes in memory.
        while len(self._screeners) >= MAX_SCREENERS:
            evicted_key = next(iter(self._screeners))
            if self._newest.get(evicted_key[1]) is self._screeners.pop(evicted_key):
                del self._newest[evicted_key[1]]
        self._screeners[key] = built
        self._newest[key[1]] = built
        settle_long_lived_objects()
        return built

    def _build_in_background(self, key: tuple[str, ScreenerKey]) -> None:
        with self._building_lock:  # not self._lock: a build holds that one throughout
            if key in self._building or key in self._screeners:
                return
            self._building.add(key)

        def build() -> None:
            try:
                with self._lock:
                    if key not in self._screeners:
                        prime(self._build(key))
            except Exception:  # the old index keeps answering; the next request tries again
                log.exception("building the index of the new list versions failed")
            finally:
                with self._building_lock:
                    self._building.discard(key)

        threading.Thread(target=build, name="index-update", daemon=True).start()

    def building(self) -> bool:
        """True while a new index is built in the background (requests use the old one)."""
        return bool(self._building)

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
