"""OFAC SDN and non-SDN CSV loaders on the real files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from clearance.loaders.ofac_csv import load_ofac_nonsdn_csv, load_ofac_sdn_csv
from clearance.model import (
    Country,
    CountryRole,
    IdentifierType,
    NameDerivation,
    NameKind,
    Relation,
)

T = IdentifierType


@pytest.fixture(scope="module")
def sdn_mixed(lists_dir: Path):
    """The 2024 sdn.csv with the Dec 2025 companions: inconsistent on purpose."""
    companions = lists_dir / "ofac_sdn" / "2025-12-24-companions"
    return load_ofac_sdn_csv(
        lists_dir / "ofac_sdn" / "2024-05-03" / "sdn.csv",
        companions / "alt.csv",
        companions / "add.csv",
        companions / "sdn_comments.csv",
    )


@pytest.fixture(scope="module")
def sdn_2021(lists_dir: Path):
    folder = lists_dir / "ofac_sdn" / "2021-07-07"
    return load_ofac_sdn_csv(
        folder / "sdn.csv", folder / "alt.csv", folder / "add.csv", folder / "sdn_comments.csv"
    )


@pytest.fixture(scope="module")
def nonsdn(lists_dir: Path):
    folder = lists_dir / "ofac_nonsdn" / "2025-12-19"
    return load_ofac_nonsdn_csv(
        folder / "cons_prim.csv",
        folder / "cons_alt.csv",
        folder / "cons_add.csv",
        folder / "cons_comments.csv",
    )


def by_id(result) -> dict:
    return {e.id: e for e in result.entities}


def test_sdn_2024_counts_and_schemas(sdn_mixed) -> None:
    assert sdn_mixed.list_id == "ofac-sdn"
    assert sdn_mixed.published is None  # the CSV carries no date
    assert len(sdn_mixed.entities) == 14965
    schemas = Counter(e.schema for e in sdn_mixed.entities)
    assert schemas["Person"] == 6854
    assert schemas["Vessel"] == 851
    assert schemas["Airplane"] == 376
    assert schemas["Organization"] + schemas["Company"] == 14965 - 6854 - 851 - 376
    assert schemas["Company"] > 3000
    assert all(re.fullmatch(r"ofac-sdn:\d+", e.id) for e in sdn_mixed.entities)
    assert all(e.refs == [f"ofac:{e.source_id}"] for e in sdn_mixed.entities)


def test_orphan_companion_rows_are_reported_not_fatal(sdn_mixed) -> None:
    stats = sdn_mixed.stats
    assert stats["orphan_alt_rows"] == 2460
    assert stats["orphan_add_rows"] == 4893
    assert stats["orphan_comment_rows"] == 6
    orphan_lines = [w for w in sdn_mixed.warnings if "no row in sdn.csv" in w]
    assert [w.split(":")[0] for w in orphan_lines] == ["alt.csv", "add.csv", "sdn_comments.csv"]
    assert "2460 rows" in orphan_lines[0] and "17016" in orphan_lines[0]
    # Continuations of remarks that are complete in this older sdn.csv are not glued on.
    assert stats["comment_rows_stale"] >= 1
    assert any("not joined" in w for w in sdn_mixed.warnings)


def test_person_names_programs_and_remark_facts(sdn_mixed) -> None:
    entities = by_id(sdn_mixed)
    person = entities["ofac-sdn:6717"]  # HENAO MONTOYA, Arcangel de Jesus
    primary = person.names[0]
    assert primary.kind is NameKind.PRIMARY
    assert (primary.last_name, primary.first_name) == ("HENAO MONTOYA", "Arcangel de Jesus")
    assert person.schema == "Person"
    assert person.listing.programs == ("SDNT",)
    assert str(person.birth_dates[0]) == "1954-10-07"
    assert person.identifier_values(T.NATIONAL_ID) == ["16215230"]
    assert person.source_ref.startswith("sdn.csv line ")
    assert person.raw["row"]["ent_num"] == "6717"
    several = [e for e in sdn_mixed.entities if len(e.listing.programs) > 1]
    assert several and all(
        "]" not in p and "[" not in p for e in several for p in e.listing.programs
    )


def test_vessel_columns(sdn_mixed) -> None:
    vessels = [e for e in sdn_mixed.entities if e.schema == "Vessel"]
    with_call_sign = [e for e in vessels if e.identifier_values(T.CALL_SIGN)]
    assert len(with_call_sign) == 251  # rows with a call sign column in the file
    flagged = [e for e in vessels if any(c.role is CountryRole.FLAG for c in e.countries)]
    assert len(flagged) >= 805  # 816 flag columns, a few "None Identified"
    tanker = next(e for e in vessels if e.identifier_values(T.CALL_SIGN) == ["T2EU4"])
    assert tanker.properties["type"] == ["Crude/Oil Products Tanker"]
    assert tanker.properties["tonnage"] == ["99,144"]
    assert tanker.properties["grossRegisteredTonnage"] == ["56,068"]
    assert Country("IR", CountryRole.FLAG) in tanker.countries
    assert sum(1 for e in vessels if e.identifier_values(T.IMO)) > 750


def test_aliases_addresses_and_links(sdn_mixed) -> None:
    entities = by_id(sdn_mixed)
    bank = entities["ofac-sdn:306"]  # BANCO NACIONAL DE CUBA
    assert ("NATIONAL BANK OF CUBA", NameKind.ALIAS) in [(n.value, n.kind) for n in bank.names]
    assert ("BNC", NameKind.WEAK) in [(n.value, n.kind) for n in bank.names]  # remark a.k.a.
    assert {a.country for a in bank.addresses} >= {"CH", "ES", "JP"}
    zurich = next(a for a in bank.addresses if a.country == "CH")
    assert zurich.street == "Zweierstrasse 35" and zurich.city == "Zurich CH-8022"
    kinds = Counter(n.kind for e in sdn_mixed.entities for n in e.names)
    assert kinds[NameKind.FORMER] > 300 and kinds[NameKind.WEAK] > 3000
    aircraft = entities["ofac-sdn:15431"]
    assert aircraft.schema == "Airplane"
    link = aircraft.relations[0]
    assert link.kind == "linked_to" and link.target_name == "POUYA AIR"
    assert link.target_id is not None and entities[link.target_id].caption == "POUYA AIR"


def test_consistent_2021_set(sdn_2021) -> None:
    assert len(sdn_2021.entities) == 8976
    assert sdn_2021.warnings == []  # every companion row has its primary row
    assert sdn_2021.stats["alt_rows"] == 11910
    assert sdn_2021.stats["remarks_continued"] == 5
    entities = by_id(sdn_2021)
    # A remark cut at 1,000 characters is joined with its continuation.
    joined = entities["ofac-sdn:12300"]
    assert "PROMO RAIZ S.A.S.; Linked To: RED MUNDIAL INMOBILIARIA" in joined.remarks
    assert Relation("linked_to", "R D I S.A.") in [
        Relation(r.kind, r.target_name) for r in joined.relations
    ]
    assert len(joined.relations) == 25
    assert sum(len(e.addresses) for e in sdn_2021.entities) > 11000


def test_nonsdn_counts_sub_lists_and_hikvision(nonsdn) -> None:
    assert nonsdn.list_id == "ofac-nonsdn"
    assert len(nonsdn.entities) == 442
    assert nonsdn.warnings == []
    subs = Counter(e.listing.sub_list for e in nonsdn.entities)
    assert subs == {"SSI": 286, "NS-PLC": 78, "NS-CMIC": 68, "NS-MBS": 9, "CAPTA": 1}
    hik = by_id(nonsdn)["ofac-nonsdn:30946"]
    assert hik.schema == "Company"
    assert hik.listing.programs == ("CMIC-EO13959",)
    assert hik.listing.sub_list == "NS-CMIC"
    assert hik.listing.listed_on == "2021-06-03"
    assert hik.listing.effective_on == "2021-08-02"
    assert hik.listing.divestment_on == "2022-06-03"
    assert hik.identifier_values(T.ISIN) == ["CNE100000PM8"]
    assert hik.identifier_values(T.TICKER) == ["002415 CN"]
    assert hik.identifier_values(T.USCC) == ["91330000733796106P"]
    assert "HIKVISION" in [n.value for n in hik.names]
    assert hik.addresses[0].country == "CN"
    cmic = [e for e in nonsdn.entities if e.listing.sub_list == "NS-CMIC"]
    assert all(e.listing.listed_on and e.listing.divestment_on for e in cmic)
    assert sum(1 for e in cmic if e.identifier_values(T.ISIN)) >= 50
    huawei = by_id(nonsdn)["ofac-nonsdn:30947"]
    assert "HUAWEI" in huawei.caption


def test_nonsdn_remarks_continued_at_the_field_limit(nonsdn) -> None:
    assert nonsdn.stats["remarks_continued"] == 10
    # ent 30930's remark is cut after "(USCC) 91110000710934369E " - the trailing space counts.
    cccc = by_id(nonsdn)["ofac-nonsdn:30930"]
    assert "91110000710934369E" in cccc.identifier_values(T.USCC)
    assert "CCCC" in [n.value for n in cccc.names]
    ssi = [e for e in nonsdn.entities if e.listing.sub_list == "SSI"]
    assert all("UKRAINE-EO13662" in e.listing.programs for e in ssi)


def test_sdn_without_companions_warns_about_cut_remarks(lists_dir: Path) -> None:
    prim = lists_dir / "ofac_nonsdn" / "2025-12-19" / "cons_prim.csv"
    result = load_ofac_nonsdn_csv(prim)
    assert len(result.entities) == 442
    assert result.stats["remarks_truncated"] == 10
    assert any("cut at 1000 characters" in w for w in result.warnings)


def test_packed_names_are_split_and_inverted(sdn_mixed) -> None:
    by_id = {e.id: e for e in sdn_mixed.entities}
    kanaan = {n.value: n for n in by_id["ofac-sdn:10892"].names}["KANAAN, Maustaf Faouzi"]
    assert (kanaan.derived, kanaan.kind) == (NameDerivation.VARIANT, NameKind.ALIAS)
    assert (kanaan.first_name, kanaan.last_name) == ("Maustaf Faouzi", "KANAAN")
    assert kanaan.derived_from == "KANAAN, Maustaf Fawzi (Faouzi)"
    qods = {n.value: n.derived for n in by_id["ofac-sdn:10465"].names}
    assert qods["IRGC-QODS FORCE"] is NameDerivation.SHORT_FORM
    assert (
        qods["PASDARAN"] is NameDerivation.SHORT_FORM
    )  # from "PASDARAN-E ENGHELAB-E ISLAMI (PASDARAN)"
    assert "SHER MATCH INDUSTRIES LIMITED" in [n.value for n in by_id["ofac-sdn:10607"].names]
