"""update_lists against a real HTTP server on 127.0.0.1 serving the real UN file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from clearance.store import ListStore
from clearance.update import UpdateUsageError, update_lists
from tests.update.conftest import UN_DIR, UN_ENTITIES, store_state, un_subset
from tests.update.list_server import ListServer

FAST = {"timeout": 5.0, "backoff": 0.01}


def test_good_update_loads_then_304_is_unchanged(
    tmp_path: Path, server: ListServer, un_xml: bytes
) -> None:
    server.serve(
        "consolidated.xml", un_xml, etag='"un-1"', last_modified="Fri, 27 Feb 2026 00:00:09 GMT"
    )
    store = ListStore.open(str(tmp_path / "store.db"))

    [first] = update_lists(store, ["un-sc"], server.url, **FAST)
    assert first.result == "loaded", first.describe()
    assert first.version is not None
    assert first.version.entity_count == UN_ENTITIES
    assert first.version.origin == "download"
    assert first.version.source == f"{server.url}/consolidated.xml"
    assert first.version.published == "2026-02-27"
    assert first.added == UN_ENTITIES
    assert server.hits("consolidated.xml")[0].headers.get("If-None-Match") is None

    [second] = update_lists(store, ["un-sc"], server.url, **FAST)
    assert second.result == "unchanged", second.describe()
    assert "HTTP 304" in second.message
    conditional = server.hits("consolidated.xml")[1].headers
    assert conditional.get("If-None-Match") == '"un-1"'
    assert conditional.get("If-Modified-Since") == "Fri, 27 Feb 2026 00:00:09 GMT"
    assert len(store.versions("un-sc")) == 1
    last = store.last_update("un-sc")
    assert last is not None and last["result"] == "unchanged"
    assert last["version_id"] == first.version.id


def test_same_bytes_without_validators_are_unchanged(
    un_store_path: Path, server: ListServer, un_xml: bytes
) -> None:
    server.serve("consolidated.xml", un_xml)  # no ETag, no Last-Modified
    store = ListStore.open(str(un_store_path))
    before = store_state(store)
    current = before[1]["un-sc"]
    [outcome] = update_lists(store, ["un-sc"], server.url, **FAST)
    assert outcome.result == "unchanged", outcome.describe()
    assert outcome.message == f"same files as version {current}"
    assert store_state(store) == before


def test_validators_of_another_store_are_not_trusted(
    tmp_path: Path, server: ListServer, un_xml: bytes
) -> None:
    """A 304 may only stand for content this store holds, not one another store loaded."""
    server.serve("consolidated.xml", un_subset(un_xml, 50), etag='"un-1"')
    shared_cache = tmp_path / "validators.json"
    holder = ListStore.open(str(tmp_path / "holder.db"))
    [a] = update_lists(holder, ["un-sc"], server.url, validators_file=shared_cache, **FAST)
    assert a.result == "loaded" and shared_cache.exists()
    [a_again] = update_lists(holder, ["un-sc"], server.url, validators_file=shared_cache, **FAST)
    assert a_again.result == "unchanged" and "HTTP 304" in a_again.message

    fresh = ListStore.open(str(tmp_path / "fresh.db"))
    [b] = update_lists(fresh, ["un-sc"], server.url, validators_file=shared_cache, **FAST)
    assert b.result == "loaded", b.describe()
    assert [r.headers.get("If-None-Match") for r in server.hits("consolidated.xml")] == [
        None,
        '"un-1"',
        None,
    ]
    assert b.version is not None and b.version.entity_count == 100


def test_transient_503_is_retried(un_store_path: Path, server: ListServer, un_xml: bytes) -> None:
    server.serve("consolidated.xml", un_xml, fail_first=2)
    store = ListStore.open(str(un_store_path))
    [outcome] = update_lists(store, ["un-sc"], server.url, tries=3, **FAST)
    assert outcome.result == "unchanged", outcome.describe()
    assert len(server.hits("consolidated.xml")) == 3


def test_retries_are_bounded(un_store_path: Path, server: ListServer, un_xml: bytes) -> None:
    server.serve("consolidated.xml", un_xml, cut_after=100_000)
    store = ListStore.open(str(un_store_path))
    before = store_state(store)
    [outcome] = update_lists(store, ["un-sc"], server.url, tries=3, **FAST)
    assert outcome.result == "failed"
    assert outcome.message == (
        f"{server.url}/consolidated.xml: connection cut after 100,000 of "
        f"{len(un_xml):,} bytes (3 attempts)"
    )
    assert len(server.hits("consolidated.xml")) == 3
    assert store_state(store) == before


def test_404_is_not_retried(un_store_path: Path, server: ListServer) -> None:
    store = ListStore.open(str(un_store_path))
    [outcome] = update_lists(store, ["un-sc"], server.url, tries=3, **FAST)
    assert outcome.result == "failed"
    assert outcome.message == f"{server.url}/consolidated.xml: HTTP 404 Not Found"
    assert len(server.hits("consolidated.xml")) == 1
    last = store.last_update("un-sc")
    assert last is not None and (last["result"], last["message"]) == ("failed", outcome.message)


def test_size_cap(un_store_path: Path, server: ListServer, un_xml: bytes) -> None:
    server.serve("consolidated.xml", un_xml)
    store = ListStore.open(str(un_store_path))
    before = store_state(store)
    [outcome] = update_lists(store, ["un-sc"], server.url, max_bytes=1_000_000, **FAST)
    assert outcome.result == "failed"
    assert f"server announces {len(un_xml):,} bytes, more than the 1,000,000 cap" in outcome.message
    assert store_state(store) == before


def test_one_failing_list_does_not_stop_the_others(
    un_store_path: Path, server: ListServer, un_xml: bytes
) -> None:
    server.serve("consolidated.xml", un_xml)  # SDN.CSV etc. are not served: 404
    store = ListStore.open(str(un_store_path))
    outcomes = update_lists(store, ["ofac-sdn", "un-sc"], server.url, **FAST)
    assert [(o.list_id, o.result) for o in outcomes] == [
        ("ofac-sdn", "failed"),
        ("un-sc", "unchanged"),
    ]
    assert len(server.hits("consolidated.xml")) == 1
    assert outcomes[0].message == f"{server.url}/SDN.CSV: HTTP 404 Not Found"
    last = store.last_update("ofac-sdn")
    assert last is not None and last["result"] == "failed"


def test_from_directory_with_the_shared_files(
    un_store_path: Path, tmp_path: Path, lists_dir: Path
) -> None:
    """The shared store fixture was filled by update_lists(…, lists_dir / UN_DIR)."""
    store = ListStore.open(str(un_store_path))
    [version] = store.versions("un-sc")
    assert (version.origin, version.entity_count) == ("file", UN_ENTITIES)
    assert version.source == str(lists_dir / UN_DIR / "consolidated.xml")
    assert [f["name"] for f in version.files] == ["consolidated.xml"]
    last = store.last_update("un-sc")
    assert last is not None and last["result"] == "loaded"

    gz_dir = tmp_path / "gz"
    gz_dir.mkdir()
    (gz_dir / "consolidated.xml.gz").write_bytes(
        gzip.compress((lists_dir / UN_DIR / "consolidated.xml").read_bytes())
    )
    [again] = update_lists(store, ["un-sc"], gz_dir)
    assert again.result == "unchanged", again.describe()  # same content, gzipped
    assert again.source == str(gz_dir / "consolidated.xml.gz")


def test_from_directory_skips_lists_it_does_not_hold(un_store_path: Path, lists_dir: Path) -> None:
    store = ListStore.open(str(un_store_path))
    outcomes = {o.list_id: o for o in update_lists(store, None, lists_dir / UN_DIR)}
    assert outcomes["un-sc"].result == "unchanged"
    assert outcomes["ofac-sdn"].result == "skipped"
    assert all(o.ok for o in outcomes.values())

    [named] = update_lists(store, ["ofac-sdn"], lists_dir / UN_DIR)
    assert named.result == "failed"
    assert "no file for this list" in named.message and "SDN.CSV" in named.message


def test_bad_requests_raise_before_anything_is_fetched(tmp_path: Path) -> None:
    store = ListStore.open(str(tmp_path / "store.db"))
    with pytest.raises(UpdateUsageError, match="unknown list"):
        update_lists(store, ["no-such-list"])
    with pytest.raises(UpdateUsageError, match="no such folder"):
        update_lists(store, ["un-sc"], tmp_path / "missing")
    with pytest.raises(UpdateUsageError, match="only http"):
        update_lists(store, ["un-sc"], "ftp://example.org/lists")
    assert store.is_empty()
