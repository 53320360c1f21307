"""Monitor runs on the real UN list: incremental re-screens, alerts, suppression, faults."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from clearance.model import Entity
from clearance.monitoring import (
    Counterparty,
    MonitorError,
    add_counterparties,
    decide,
    list_alerts,
    remove_counterparties,
    run_monitor,
)
from clearance.monitoring.tables import alerts, monitor_hits, monitor_runs
from clearance.store import ListStore
from tests.monitoring.backends import base_entities, load_version

COUNTERPARTIES = [
    Counterparty("c1", "Germain Katanga", schema="Person"),
    Counterparty("c2", "Acme Garden Supplies Ltd", schema="Company"),
    Counterparty("c3", "Mohammed Salahaldin Abd El Halim Zidane"),
    Counterparty("c4", "Ocean Maritime Management Co Ltd"),  # listed only from version 2
] + [Counterparty(f"n{i}", f"Plain Customer Number {i} Trading") for i in range(40)]


def _alerts(store: ListStore) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    return {(a["counterparty_id"], a["kind"]): a for a in list_alerts(store.engine, limit=1000)}


def _version_two(un: dict[str, Entity]) -> list[Entity]:
    """Delist QDi.001, change Katanga's listing, add Ocean Maritime Management."""
    entities = [e for e in base_entities(un) if e.id != "un-sc:QDi.001"]
    for entity in entities:
        if entity.id == "un-sc:CDi.006":
            entity.listing = replace(
                entity.listing, programs=(*entity.listing.programs, "TEST-PROGRAMME")
            )
    return [*entities, copy.deepcopy(un["un-sc:KPe.020"])]


def test_first_run_alerts_and_second_run_is_a_no_op(
    store: ListStore, un_entities: dict[str, Entity]
) -> None:
    v1 = load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(store.engine, COUNTERPARTIES)
    first = run_monitor(store)
    assert first.screened == len(COUNTERPARTIES)
    found = _alerts(store)
    assert set(found) == {("c1", "new"), ("c3", "new")}
    katanga = found[("c1", "new")]
    assert katanga["party_key"] == "un-sc:CDi.006" and katanga["status"] == "open"
    assert katanga["versions_before"] == {} and katanga["versions_after"] == {"un-sc": v1}
    second = run_monitor(store)
    assert second.screened == 0 and second.alerts == []


@pytest.mark.parametrize("search", ["one-by-one", "counterparty-index"])
def test_list_update_rescreens_only_what_changed(
    store: ListStore, un_entities: dict[str, Entity], search: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if search == "counterparty-index":  # as with 100,000 counterparties: index them
        monkeypatch.setattr("clearance.monitoring.counterparty_index.REBUILD_AT", 0)
    v1 = load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(store.engine, COUNTERPARTIES)
    run_monitor(store)
    v2 = load_version(store, _version_two(un_entities), "b", "2026-03-06")
    outcome = run_monitor(store)
    # Katanga (changed), Zidane (delisted), Ocean Maritime (new): not the 40 others.
    assert outcome.screened == 3
    update = {"list": "un-sc", "from_version": v1, "to_version": v2}
    assert outcome.stats["list_updates"] == [{**update, "added": 1, "removed": 1, "changed": 1}]
    assert outcome.stats["candidate_search"]["rebuilt"] == (search == "counterparty-index")
    new = {(a["counterparty_id"], a["kind"]): a for a in list_alerts(store.engine, after_id=2)}
    assert set(new) == {("c1", "changed"), ("c3", "gone"), ("c4", "new")}
    changed = new[("c1", "changed")]
    assert changed["details"]["records"]["changed"] == ["un-sc:CDi.006"]
    assert changed["details"]["records"]["fields"]["un-sc:CDi.006"] == ["programs"]
    for alert in new.values():
        assert alert["versions_before"] == {"un-sc": v1}
        assert alert["versions_after"] == {"un-sc": v2}
    assert new[("c4", "new")]["party_key"] == "un-sc:KPe.020"
    with store.engine.connect() as conn:
        query = select(monitor_hits.c.counterparty_id, monitor_hits.c.party_key)
        hits = {cid: key for cid, key in conn.execute(query)}
    assert hits == {"c1": "un-sc:CDi.006", "c4": "un-sc:KPe.020"}


def test_changed_counterparty_is_rescreened_and_unchanged_is_not(
    store: ListStore, un_entities: dict[str, Entity]
) -> None:
    load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(store.engine, COUNTERPARTIES)
    run_monitor(store)
    refreshed = Counterparty("c2", "Acme Garden Supplies Ltd", schema="Company", data={"x": 1})
    same = add_counterparties(store.engine, [refreshed])
    assert (same.added, same.updated, same.unchanged) == (0, 0, 1)
    assert run_monitor(store).screened == 0
    moved = add_counterparties(store.engine, [Counterparty("c2", "Amin Muhammad ul Haq Saam Khan")])
    assert moved.updated == 1
    outcome = run_monitor(store)
    assert outcome.screened == 1 and len(outcome.alerts) == 1
    alert = list_alerts(store.engine, counterparty_id="c2")[0]
    assert alert["kind"] == "new" and alert["party_key"] == "un-sc:QDi.002"
    assert alert["details"]["counterparty"]["name"] == [
        "Acme Garden Supplies Ltd",
        "Amin Muhammad ul Haq Saam Khan",
    ]
    assert remove_counterparties(store.engine, ["c2", "nope"]) == ["nope"]
    with store.engine.connect() as conn:
        query = select(func.count()).where(monitor_hits.c.counterparty_id == "c2")
        left = conn.execute(query).scalar()
    assert left == 0


def test_false_positive_stays_silent_until_either_side_changes(
    store: ListStore, un_entities: dict[str, Entity]
) -> None:
    load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(store.engine, COUNTERPARTIES[:4])
    run_monitor(store)
    katanga = _alerts(store)[("c1", "new")]
    decided = decide(store.engine, katanga["id"], "false-positive", "born 1990, not him", "alice")
    assert decided["status"] == "false_positive" and decided["decided_by"] == "alice"
    # An update that does not touch Katanga, and a re-add of the same data: silent.
    unrelated = base_entities(un_entities)
    for entity in unrelated:
        if entity.id == "un-sc:QDi.002":
            entity.listing = replace(entity.listing, programs=(*entity.listing.programs, "OTHER"))
    load_version(store, unrelated, "b", "2026-03-06")
    add_counterparties(store.engine, [COUNTERPARTIES[0]])
    quiet = run_monitor(store)
    assert quiet.alerts == []
    # The counterparty's data changes (same name, a country now): the pair alerts again.
    add_counterparties(
        store.engine, [Counterparty("c1", "Germain Katanga", schema="Person", country="CD")]
    )
    again = run_monitor(store)
    assert len(again.alerts) == 1
    reopened = list_alerts(store.engine, counterparty_id="c1")[-1]
    assert reopened["kind"] == "changed" and reopened["status"] == "open"
    assert reopened["details"]["counterparty"] == {"country": [None, "CD"]}
    assert reopened["details"]["false_positive_alert"] == katanga["id"]
    # Decided false positive again; then the listing changes: alerts again, saying what.
    decide(store.engine, reopened["id"], "false-positive", "still not him", "bob")
    relisted = _version_two(un_entities)
    load_version(store, relisted, "c", "2026-03-13")
    listing = run_monitor(store)
    last = list_alerts(store.engine, counterparty_id="c1")[-1]
    assert last["id"] in listing.alerts and last["kind"] == "changed"
    assert last["details"]["records"]["changed"] == ["un-sc:CDi.006"]


def test_database_failure_mid_run_writes_nothing_and_the_next_run_resumes(
    store: ListStore, un_entities: dict[str, Entity], db_url: str
) -> None:
    load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(store.engine, COUNTERPARTIES[:4])

    def database_goes_away(stage: str, conn) -> None:  # type: ignore[no-untyped-def]
        if store.engine.dialect.name == "postgresql":
            # Another session kills this one, as a server stop does, after alerts were written.
            from sqlalchemy import create_engine

            killer = create_engine(db_url)
            with killer.begin() as other:
                pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killer.dispose()
            conn.execute(text("SELECT 1"))  # the next statement of the run fails
        else:
            raise OperationalError("INSERT INTO monitor_hits", {}, Exception("disk I/O error"))

    with pytest.raises(MonitorError, match="nothing of this run was written"):
        run_monitor(store, fault_hook=database_goes_away)
    with store.engine.connect() as conn:
        for table in (alerts, monitor_hits, monitor_runs):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0
    resumed = run_monitor(store)
    assert resumed.screened == 4 and len(resumed.alerts) == 2


def test_two_runs_at_once_never_alert_twice(
    store: ListStore, un_entities: dict[str, Entity]
) -> None:
    import threading

    load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(store.engine, COUNTERPARTIES[:4])
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        try:
            run_monitor(store)
        except MonitorError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all("another monitor run finished meanwhile" in str(e) for e in errors)
    assert len(errors) <= 1
    assert sorted(_alerts(store)) == [("c1", "new"), ("c3", "new")]
    assert len(list_alerts(store.engine)) == 2


def test_a_new_listing_of_a_hit_party_on_another_list_is_a_changed_hit(
    store: ListStore, un_entities: dict[str, Entity]
) -> None:
    from clearance.loaders.result import LoadResult
    from clearance.model import Listing, Name
    from clearance.store import SourceFile

    load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(store.engine, COUNTERPARTIES[:4])
    run_monitor(store)
    # OFAC lists the same man under a name no counterparty resembles, citing the UN entry.
    ofac = Entity(
        id="ofac-sdn:990001",
        schema="Person",
        listing=Listing(list_id="ofac-sdn", programs=("DRC-EO13413",)),
        names=[Name("Simba Test Record")],
        refs=["un:CDi.006"],
    )
    files = [SourceFile("sdn", "sdn.csv", "f" * 64, 1)]
    store.record_load(LoadResult("ofac-sdn", [ofac], "2026-03-06", [], {}), files, "t", "file")
    outcome = run_monitor(store)
    assert outcome.screened == 1
    fresh = [a for a in list_alerts(store.engine) if a["id"] in outcome.alerts]
    (alert,) = fresh
    assert alert["counterparty_id"] == "c1" and alert["kind"] == "changed"
    assert alert["details"]["records"]["added"] == ["ofac-sdn:990001"]
    assert alert["details"]["lists_change"] == {"added": ["ofac-sdn"], "removed": []}
    assert alert["details"]["effects_change"]["added"] == ["ofac-sdn:990001|blocked|sdn-blocked"]
    assert alert["party_key"] == "ofac-sdn:990001"  # the party's key is its smallest record id
    assert alert["versions_after"]["ofac-sdn"] != alert["versions_before"].get("ofac-sdn")
