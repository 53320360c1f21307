"""One writer per store: a second load waits for the first and says for whom, or gives up
with a clear message; two loads racing never die on a UNIQUE constraint. SQLite and
PostgreSQL alike."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clearance.loaders.result import LoadResult
from clearance.model import Entity
from clearance.store import ListStore, SourceFile, StoreBusy
from clearance.store.writer_lock import current_writer, writer_lock
from tests.monitoring.backends import base_entities, db_url, store, un_entities

__all__ = ["db_url", "store", "un_entities"]


def _cli(db: str, *args: str) -> subprocess.Popen[str]:
    program = "from clearance.cli.main import app; app()"
    return subprocess.Popen(
        [sys.executable, "-c", program, "--db", db, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _line_with(stream: object, words: str, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = stream.readline()  # type: ignore[attr-defined]
        if words in line:
            return str(line)
        if not line:
            break
    raise AssertionError(f"no line with {words!r}")


def test_a_second_load_waits_for_the_first_and_says_for_whom(
    store: ListStore, db_url: str, lists_dir: Path
) -> None:
    xml = str(lists_dir / "un_sc/2026-02-27/consolidated.xml")
    with writer_lock(store.engine, "un-sc"):  # as a scheduled update holding it would
        holder = current_writer(store.engine)
        assert holder is not None and holder.pid == os.getpid() and holder.list_id == "un-sc"
        refused = _cli(db_url, "load", "--no-wait", xml)
        _, err = refused.communicate(timeout=300)
        assert refused.returncode == 1, err
        assert f"another load of un-sc is running since {holder.since.astimezone():%H:%M}" in err
        assert f"(pid {os.getpid()} on " in err and "not loaded" in err
        assert "Traceback" not in err
        waiting = _cli(db_url, "load", xml)
        line = _line_with(waiting.stderr, "waiting")
        assert f"another load of un-sc is running since {holder.since.astimezone():%H:%M}" in line
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting while the lock is held
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "un-sc: loaded v" in out
    assert current_writer(store.engine) is None  # the holder's row goes with the lock


def test_loads_racing_in_threads_all_succeed(
    store: ListStore, db_url: str, un_entities: dict[str, Entity]
) -> None:
    """Four loads of versions sharing most records, at once: before the lock, losers died
    with IntegrityError (UNIQUE constraint failed: entity_records.hash)."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def load(tag: str) -> None:
        entities = base_entities(un_entities, 300)
        for entity in entities[:5]:
            entity.names = copy.deepcopy(entity.names)
            entity.remarks = f"edited {tag}"  # a few records of its own, most shared
        result = LoadResult("un-sc", entities, "2026-02-27", [], {})
        files = [SourceFile("xml", "consolidated.xml", (tag * 64)[:64], 1)]
        opened = ListStore.open(db_url)  # its own engine, as another process would have
        start.wait()
        try:
            opened.record_load(result, files, f"race {tag}", "file", force=True)
        except BaseException as exc:  # noqa: BLE001 - any failure is the test's finding
            errors.append(exc)
        finally:
            opened.engine.dispose()

    threads = [threading.Thread(target=load, args=(tag,)) for tag in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert len(store.versions("un-sc")) == 4


def test_a_load_gives_up_after_its_timeout(store: ListStore) -> None:
    store.writer_timeout = 0.3
    waited: list[object] = []
    store.on_writer_wait = waited.append
    with writer_lock(store.engine, "ofac-sdn"), pytest.raises(StoreBusy, match="ofac-sdn"):
        store.record_load(LoadResult("un-sc", [], None, [], {}), [], "x", "file")
    assert len(waited) == 1 and waited[0] is not None


def test_an_ownership_load_takes_the_writer_lock_too(store: ListStore, tmp_path: Path) -> None:
    """Ownership files are versions of the store like lists: one writer at a time."""
    from clearance.ownership.read_table import read_ownership_table
    from clearance.ownership.storage import ownership_versions_of, record_ownership_load

    owners = tmp_path / "owners.csv"
    owners.write_text("owner,owned,percent,start_date,end_date,source\nA Co,B Co,60,,,filing\n")
    data = read_ownership_table(owners)
    store.writer_timeout = 0.3
    with writer_lock(store.engine, "un-sc"), pytest.raises(StoreBusy, match="owners not loaded"):
        record_ownership_load(store, "owners", data, [], "test")
    assert ownership_versions_of(store.engine) == []  # nothing written meanwhile
    store.writer_timeout = None
    assert record_ownership_load(store, "owners", data, [], "test").result == "loaded"
