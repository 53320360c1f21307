"""The server's audit writer: records written in groups off the request path, none lost on
close, the hash chain intact even when another process appends between its groups."""

from __future__ import annotations

import threading
from pathlib import Path

from clearance.api.audit_hook import AuditWriter
from clearance.audit import record, records, verify
from clearance.store import ListStore


def _store(tmp_path: Path) -> ListStore:
    return ListStore.open(str(tmp_path / "audit.db"))


def test_close_writes_every_record_in_order_and_the_chain_verifies(tmp_path: Path) -> None:
    store = _store(tmp_path)
    other_process = ListStore.open(str(tmp_path / "audit.db")).engine  # its own connections
    writer = AuditWriter(store.engine, gather_seconds=0.01, max_group=50)
    writer.start()
    per_thread = 150

    def screen(worker: int) -> None:
        for n in range(per_thread):
            writer.submit(f"api-key:w{worker}", "screening", {"worker": worker, "n": n})

    def other_writer() -> None:  # appends one by one meanwhile, as another server would
        for n in range(40):
            record(other_process, "user:cli", "check", {"n": n})

    threads = [threading.Thread(target=screen, args=(w,)) for w in range(4)]
    threads.append(threading.Thread(target=other_writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()  # what a clean shutdown does: nothing may be left unwritten

    trail = list(records(store.engine))
    assert len(trail) == 4 * per_thread + 40
    for worker in range(4):
        mine = [r.payload["n"] for r in trail if r.actor == f"api-key:w{worker}"]
        assert mine == list(range(per_thread))  # each thread's records in its order
    assert [r.seq for r in trail] == list(range(1, len(trail) + 1))
    result = verify(store.engine)
    assert result.ok, result.problems


def test_flush_waits_for_the_commit_and_a_closed_writer_writes_at_once(tmp_path: Path) -> None:
    store = _store(tmp_path)
    writer = AuditWriter(store.engine, gather_seconds=60.0)  # a group would wait a minute
    writer.start()
    writer.submit("api-key:a", "screening", {"q": 1})
    assert writer.flush(timeout=30)  # flush does not wait for the group to fill
    assert [r.payload for r in records(store.engine)] == [{"q": 1}]
    writer.close()
    writer.submit("api-key:a", "screening", {"q": 2})  # after shutdown: written directly
    assert [r.payload["q"] for r in records(store.engine)] == [1, 2]
    assert verify(store.engine).ok
