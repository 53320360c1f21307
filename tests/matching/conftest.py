"""Fixtures for matcher tests: a screener over every bundled list, built once."""

from __future__ import annotations

import pytest

from clearance.matching import Screener


@pytest.fixture(scope="session")
def all_lists(snapshot_db: str) -> Screener:
    """The real lists of the bundled snapshot, through the product's own path: the
    session's snapshot store and its cached index (built once per session and shared
    with the workflow, API and web tests instead of being built a second time)."""
    from clearance.matching import cached_index
    from clearance.store import ListStore

    store = ListStore.open(snapshot_db)
    key = store.screening_key(None, None)
    return Screener(cached_index(key, lambda: list(store.entities(None, None))))
