"""What a server worker process keeps for itself: request ids after a fork, and the index
out of the garbage collector's scans."""

from __future__ import annotations

import gc
import os

import pytest

from clearance.api import security
from clearance.api.screeners import ScreenerCache
from clearance.store import ListStore


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_worker_makes_request_ids_of_its_own() -> None:
    parent_id = security._next_request_id()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id and leave at once
        try:
            os.write(write, security._next_request_id().encode())
        finally:
            os._exit(0)
    os.close(write)
    child_id = os.read(read, 100).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child_id) == len(parent_id) == 16
    # Siblings forked from one parent would otherwise number their requests alike.
    assert child_id[:8] != parent_id[:8]
    assert security._next_request_id()[:8] == parent_id[:8]  # the parent's are unchanged


def test_a_built_screener_is_out_of_the_collectors_scans(api_db: str) -> None:
    cache = ScreenerCache(ListStore.open(api_db))
    cache.warm()
    assert cache.ready.is_set()
    index = cache.get().matcher.index
    # A list is always tracked by the collector; frozen ones are no longer scanned.
    frozen = index._name_ptr
    assert gc.get_freeze_count() > 0
    assert not any(obj is frozen for obj in gc.get_objects())
