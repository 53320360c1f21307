"""Derived listings on the real lists: the 50 % rules for parties no list names."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clearance.audit.tables import audit_log
from clearance.effects import Verdict
from clearance.matching import Screener as NameMatcher
from clearance.matching import cached_index
from clearance.ownership.listings import OwnershipView
from clearance.ownership.storage import ownership_versions_of
from clearance.store import ListStore
from clearance.workflows.screening import Screener
from tests.ownership.store import LIST_ID, cli, copy_db


@pytest.fixture(scope="module")
def store(owners_db: str) -> ListStore:
    return ListStore.open(owners_db)


@pytest.fixture(scope="module")
def screener(store: ListStore) -> Screener:
    return Screener.load(store=store)


def verdict(screener: Screener, name: str, activity: str = "transact") -> tuple[Any, Any]:
    hits = screener.check(name, activity=activity, limit=3)
    return hits, screener.verdict(hits, activity)


def test_the_load_linked_owners_by_identifier_entity_id_and_name(owners_db: str) -> None:
    code, out = cli("--db", owners_db, "lists", "--json")
    assert code == 0 and LIST_ID in out
    store = ListStore.open(owners_db)
    with store.engine.connect() as conn:
        (payload,) = conn.execute(
            select(audit_log.c.payload).where(audit_log.c.action == "ownership.load")
        ).scalars()
    links = {link["party"]: link for link in json.loads(payload)["links"]}
    assert links["sniper africa"]["method"] == "identifier registration_number 200302847123"
    assert links["ofac-sdn:10046"]["method"] == "entity id"
    by_name = links["hilal travel agency"]
    assert by_name["method"] == "name" and 0.8 <= by_name["score"] <= 1.0
    assert by_name["entity_id"] == "ofac-sdn:10894"
    assert not any(k.startswith("zorvex") for k in links)  # the invented companies: on no list


def test_direct_ownership_blocks_and_says_it_is_not_a_listing(screener: Screener) -> None:
    hits, result = verdict(screener, "Zorvex Alpha Trading Ltd")
    assert hits[0].lists == (f"{LIST_ID}/OWNERSHIP",)
    assert result.verdict is Verdict.PROHIBITED
    assert (
        "not listed; blocked by ownership: 60 % via SNIPER AFRICA (SDN, programme SDGT)"
        in (result.reasons[0])
    )
    # An SDGT designation also carries EAR §744.8 licence requirements: the Affiliates Rule.
    kinds = {e.kind.value for e in hits[0].effects}
    assert kinds == {"blocked_by_ownership", "export_licence_by_ownership"}


def test_a_blocked_subsidiary_blocks_its_own_holdings(screener: Screener) -> None:
    _, result = verdict(screener, "Zorvex Gamma Shipping Ltd")
    reason = result.reasons[0]
    assert result.verdict is Verdict.PROHIBITED
    assert (
        "50 % via Zorvex Alpha Trading Ltd, itself blocked by ownership (60 % via SNIPER" in reason
    )
    assert "look-through: SNIPER AFRICA 30 %" in reason


def test_two_blocked_owners_add_up(screener: Screener) -> None:
    _, result = verdict(screener, "Zorvex Delta Foods Ltd")
    assert result.verdict is Verdict.PROHIBITED
    reason = result.reasons[0]
    assert "55 % in aggregate: 30 % via CASA HAMZE (SDN, programme SDGT); 25 % via HILAL" in reason


def test_a_chain_below_fifty_percent_does_not_fire(screener: Screener) -> None:
    for name in ("Zorvex Epsilon Holdings Ltd", "Zorvex Zeta Mining Ltd"):
        hits, result = verdict(screener, name)
        assert hits == [] and result.verdict is Verdict.NO_LISTING_FOUND


def test_a_range_whose_top_reaches_fifty_may_fire(screener: Screener) -> None:
    _, result = verdict(screener, "Zorvex Eta Logistics Ltd")
    assert result.verdict is Verdict.CAUTION
    assert (
        "may be blocked by ownership (OFAC 50 Percent Rule): 25–50 % via SNIPER AFRICA"
        in (result.reasons[0])
    )


def test_a_cycle_is_aggregated_once(screener: Screener) -> None:
    for name in ("Zorvex Theta Partners Ltd", "Zorvex Iota Partners Ltd"):
        _, result = verdict(screener, name)
        assert result.verdict is Verdict.PROHIBITED


def test_an_ownership_that_ended_before_the_date_does_not_count(store: ListStore) -> None:
    key = store.screening_key()
    matcher = NameMatcher(cached_index(key, lambda: list(store.entities())))
    during = OwnershipView.build(store, matcher, key, date(2024, 6, 1))
    after = OwnershipView.build(store, matcher, key, date(2025, 6, 1))
    assert during is not None and after is not None
    names = {e.caption for e in during.entities.values()}
    assert "Zorvex Kappa Traders Ltd" in names
    assert "Zorvex Kappa Traders Ltd" not in {e.caption for e in after.entities.values()}


def test_a_bods_package_loads_as_a_versioned_list(snapshot_db: str, tmp_path: Path) -> None:
    from tests.conftest import SHARED

    db = copy_db(snapshot_db, tmp_path / "bods.db")
    package = SHARED / "formats" / "bods-0.4" / "examples" / "joint-ownership.json"
    code, out = cli("--db", db, "load", str(package), "--list", "bods-example")
    assert code == 0, out
    assert "bods-example: loaded v1 ownership, bods (3 edges between 4 parties" in out
    code, out = cli("--db", db, "load", str(package), "--list", "bods-example")
    assert code == 0 and "bods-example: unchanged v1" in out


def test_a_bad_file_loads_nothing_and_keeps_the_good_version(
    owners_db: str, tmp_path: Path
) -> None:
    bad = tmp_path / "owners.csv"
    bad.write_text("owner,owned,percent,start_date,end_date,source\nA,B,60,,,x\nA,C,lots,,,x\n")
    before = ownership_versions_of(ListStore.open(owners_db).engine, LIST_ID)
    code, out = cli("--db", owners_db, "load", str(bad), "--list", LIST_ID)
    assert code == 1
    assert "owners.csv, line 3: percent: 'lots' is not a percentage" in " ".join(out.split())
    assert ownership_versions_of(ListStore.open(owners_db).engine, LIST_ID) == before


def test_an_ownership_list_id_cannot_be_an_entity_list(owners_db: str, owners_csv: Path) -> None:
    code, out = cli("--db", owners_db, "load", str(owners_csv), "--list", "un-sc")
    assert code == 1 and "needs a list id of its own" in " ".join(out.split())
