"""The versioned store on real list files: versions, no-op reloads, diffs, as-of, party links."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from clearance.loaders.registry import load_list_files
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import read_source
from clearance.store import ListStore, SourceFile, StoreError, VersionRejected
from tests.monitoring.backends import BACKENDS, database_url


def _files(paths: dict[str, Path]) -> list[SourceFile]:
    return [SourceFile.from_bytes(role, p.name, read_source(p)) for role, p in paths.items()]


_PARSED: dict[tuple[str, tuple[tuple[str, Path], ...]], LoadResult] = {}


def _parsed(list_id: str, paths: dict[str, Path]) -> LoadResult:
    """The files parsed once per session (the store is what runs twice, once per database);
    a shallow copy, so a test may set its date."""
    key = (list_id, tuple(sorted(paths.items())))
    if key not in _PARSED:
        _PARSED[key] = load_list_files(list_id, paths)
    return dataclasses.replace(_PARSED[key], entities=list(_PARSED[key].entities))


def _load(store: ListStore, list_id: str, paths: dict[str, Path], **kwargs):  # type: ignore[no-untyped-def]
    return store.record_load(_parsed(list_id, paths), _files(paths), str(paths), "file", **kwargs)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ListStore]:
    """The store on SQLite, and on PostgreSQL (CLEARANCE_TEST_PG_URL; CI runs both)."""
    opened = ListStore.open(database_url(request.param, tmp_path))
    yield opened
    opened.engine.dispose()


def test_load_un_creates_version_and_reload_is_noop(store: ListStore, lists_dir: Path) -> None:
    paths = {"xml": lists_dir / "un_sc/2026-02-27/consolidated.xml"}
    first = _load(store, "un-sc", paths)
    assert first.result == "loaded"
    assert first.version.entity_count == 1003
    assert first.version.published == "2026-02-27"
    assert first.version.files[0]["sha256"].startswith("66b392a4090868d2")
    second = _load(store, "un-sc", paths)
    assert second.result == "unchanged"
    assert second.version.id == first.version.id
    assert len(store.versions("un-sc")) == 1
    assert store.last_update("un-sc")["result"] == "unchanged"  # type: ignore[index]
    entity = store.get_entity("un-sc:QDi.001")
    assert entity is not None and "ZIDANE" in entity.caption


def test_count_drop_is_refused_and_store_unchanged(
    store: ListStore, lists_dir: Path, tmp_path: Path
) -> None:
    paths = {"xml": lists_dir / "un_sc/2026-02-27/consolidated.xml"}
    good = _load(store, "un-sc", paths)
    result = _parsed("un-sc", paths)
    result.entities = result.entities[:500]  # a partial file that still parsed
    fake = [SourceFile("xml", "consolidated.xml", "0" * 64, 1)]
    with pytest.raises(VersionRejected, match="drop of more than 20%"):
        store.record_load(result, fake, "test", "file")
    assert store.current_versions()["un-sc"].id == good.version.id
    assert len(list(store.entities(["un-sc"]))) == 1003
    forced = store.record_load(result, fake, "test", "file", force=True)
    assert forced.version.entity_count == 500 and forced.removed == 503


def test_sdn_versions_diff_and_as_of(store: ListStore, lists_dir: Path) -> None:
    old = {
        role: lists_dir / "ofac_sdn/2021-07-07" / name
        for role, name in (
            ("sdn", "sdn.csv"),
            ("alt", "alt.csv"),
            ("add", "add.csv"),
            ("comments", "sdn_comments.csv"),
        )
    }
    new = {"sdn": lists_dir / "ofac_sdn/2024-05-03/sdn.csv"}
    # OFAC's CSVs carry no date: give each the date of its publication, as the snapshot does.
    res = _parsed("ofac-sdn", old)
    res.published = "2021-07-07"
    v1 = store.record_load(res, _files(old), "sdn 2021", "file")
    res = _parsed("ofac-sdn", new)
    res.published = "2024-05-03"
    v2 = store.record_load(res, _files(new), "sdn 2024", "file")
    assert v1.version.entity_count == 8976 and v2.version.entity_count == 14965
    delta = store.diff("ofac-sdn")
    assert delta.from_version is not None and delta.from_version.id == v1.version.id
    assert len(delta.added) > 5000
    assert len(delta.added) - len(delta.removed) == 14965 - 8976
    # Aliases and addresses were in 2021's companion files but not in 2024's lone sdn.csv.
    assert delta.changed and any("names" in c.fields for c in delta.changed)
    # The CLI's --from/--to accept dates: the version in force on that day.
    by_date = store.diff("ofac-sdn", "2022-01-01", "2024-06-01")
    assert by_date.added == delta.added
    # As of 2022 the 2021 version is in force; as of 2020 nothing is.
    assert store.current_versions(as_of=date(2022, 1, 1))["ofac-sdn"].id == v1.version.id
    assert "ofac-sdn" not in store.current_versions(as_of="2020-01-01")
    added_id = delta.added[0]
    assert store.get_entity(added_id, as_of="2022-01-01") is None
    assert store.get_entity(added_id) is not None
    with pytest.raises(StoreError, match="no version in force"):
        store.diff("ofac-sdn", "2019-01-01")


def test_party_links_hikvision_across_lists(store: ListStore, lists_dir: Path) -> None:
    nonsdn = {
        role: lists_dir / "ofac_nonsdn/2025-12-19" / f"cons_{name}.csv"
        for role, name in (
            ("prim", "prim"),
            ("alt", "alt"),
            ("add", "add"),
            ("comments", "comments"),
        )
    }
    _load(store, "ofac-nonsdn", nonsdn)
    _load(store, "us-csl", {"csl": lists_dir / "us_csl/2022-05-16/consolidated.csv.gz"})
    party = store.party("ofac-nonsdn:30946")
    sub_lists = {(e.listing.list_id, e.listing.sub_list) for e in party}
    assert ("ofac-nonsdn", "NS-CMIC") in sub_lists
    assert ("us-csl", "EL") in sub_lists  # linked by name + country: EL rows carry no OFAC number
    assert ("us-csl", "CMIC") in sub_lists  # linked by the OFAC entity number the CSL row carries
    el = next(e for e in party if e.listing.sub_list == "EL")
    assert el.listing.listed_on == "2019-10-09"
    assert any("84 FR 54002" in b for b in el.listing.legal_basis)
    # Strict linking: no unrelated Huawei or other Hangzhou records pulled in.
    assert all("HIKVISION" in e.caption.upper() for e in party)
