"""Hikvision from the real bundled files: the verdicts the product brief promises.

The party is built from the official records themselves (trade.gov CSL: Entity
List and CMIC rows; OFAC non-SDN: NS-CMIC; OFAC SDN: checked absent). Finding
Hikvision under other spellings is the matcher's job; here the records are
picked by the name the lists give.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clearance.effects import Activity, Verdict, effects_for_party, verdict_for
from clearance.model import Entity

ofac_csv = pytest.importorskip("clearance.loaders.ofac_csv")
us_csl = pytest.importorskip("clearance.loaders.us_csl_csv")

BUNDLED_DATA_DATE = date(2025, 12, 19)  # the newest file in the Hikvision party (OFAC non-SDN)


def _hikvision(entities: list[Entity]) -> list[Entity]:
    return [e for e in entities if any("hikvision" in n.value.lower() for n in e.names)]


@pytest.fixture(scope="module")
def party(lists_dir: Path) -> list[Entity]:
    nonsdn_dir = lists_dir / "ofac_nonsdn" / "2025-12-19"
    nonsdn = ofac_csv.load_ofac_nonsdn_csv(
        nonsdn_dir / "cons_prim.csv",
        nonsdn_dir / "cons_alt.csv",
        nonsdn_dir / "cons_add.csv",
        nonsdn_dir / "cons_comments.csv",
    )
    csl = us_csl.load_us_csl_csv(lists_dir / "us_csl" / "2022-05-16" / "consolidated.csv.gz")
    sdn = ofac_csv.load_ofac_sdn_csv(lists_dir / "ofac_sdn" / "2024-05-03" / "sdn.csv")
    # The premise of "transact -> CAUTION": not on the SDN list in the bundled data.
    assert _hikvision(sdn.entities) == []
    return _hikvision(nonsdn.entities) + _hikvision(csl.entities)


def test_the_party_is_the_entity_list_and_ns_cmic_records(party: list[Entity]) -> None:
    listings = sorted((e.list_id, e.listing.sub_list) for e in party)
    assert listings == [("ofac-nonsdn", "NS-CMIC"), ("us-csl", "CMIC"), ("us-csl", "EL")]


def test_export_needs_a_licence_for_all_items_subject_to_the_ear(party: list[Entity]) -> None:
    result = verdict_for(effects_for_party(party), Activity.EXPORT, BUNDLED_DATA_DATE)
    assert result.verdict is Verdict.LICENCE_REQUIRED
    assert result.verdict.label == "LICENCE REQUIRED"
    first = result.reasons[0]
    for phrase in (
        "LICENCE REQUIRED: Entity List (BIS)",
        "since 2019-10-09",
        "84 FR 54002",
        "all items subject to the EAR",
        "presumption of denial",
        "EAR §744.11",
    ):
        assert phrase in first, phrase


def test_investing_is_prohibited_by_the_ns_cmic_listing(party: list[Entity]) -> None:
    result = verdict_for(effects_for_party(party), Activity.INVEST, BUNDLED_DATA_DATE)
    assert result.verdict is Verdict.PROHIBITED
    first = result.reasons[0]
    for phrase in (
        "PROHIBITED: Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC",
        "programme CMIC-EO13959",
        "listed 2021-06-03, effective 2021-08-02",
        "divestment date 2022-06-03",
        "CNE100000PM8",
        "EO 13959 as amended by EO 14032",
        "divestment window closed on 2022-06-03",
    ):
        assert phrase in first, phrase


def test_transacting_is_caution_not_prohibited(party: list[Entity]) -> None:
    result = verdict_for(effects_for_party(party), Activity.TRANSACT, BUNDLED_DATA_DATE)
    assert result.verdict is Verdict.CAUTION
    assert not any(r.startswith("PROHIBITED") for r in result.reasons)
    assert all("not blocked" in r for r in result.reasons)
    assert {e.kind.value for e in result.effects} == {"export_licence_required", "investment_ban"}


def test_verdicts_hold_today_too(party: list[Entity]) -> None:
    effects = effects_for_party(party)
    got = {a: verdict_for(effects, a).verdict for a in Activity}
    assert got == {
        Activity.TRANSACT: Verdict.CAUTION,
        Activity.EXPORT: Verdict.LICENCE_REQUIRED,
        Activity.IMPORT: Verdict.CAUTION,
        Activity.INVEST: Verdict.PROHIBITED,
    }


def test_history_before_each_listing(party: list[Entity]) -> None:
    effects = effects_for_party(party)
    before_all = verdict_for(effects, Activity.EXPORT, date(2019, 10, 8))
    assert before_all.verdict is Verdict.NO_LISTING_FOUND
    assert len(before_all.not_in_force) == 3
    # On the Entity List, not yet on NS-CMIC: investing is not yet prohibited.
    mid_2020 = verdict_for(effects, Activity.INVEST, date(2020, 6, 1))
    assert mid_2020.verdict is Verdict.CAUTION
    # Listed on NS-CMIC on 2021-06-03, in effect from 2021-08-02.
    announced = verdict_for(effects, Activity.INVEST, date(2021, 7, 1))
    assert announced.verdict is Verdict.CAUTION
    assert "it becomes PROHIBITED on 2021-08-02" in announced.reasons[0]
    in_window = verdict_for(effects, Activity.INVEST, date(2021, 9, 1))
    assert in_window.verdict is Verdict.PROHIBITED
    assert "solely to divest" in in_window.reasons[0]
