"""OFAC enhanced XML (CONS_ENHANCED.ZIP) loader on the real 2025-01-10 file."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest

from clearance.loaders.ofac_csv import load_ofac_nonsdn_csv
from clearance.loaders.ofac_enhanced_xml import load_ofac_enhanced_xml
from clearance.loaders.source_files import read_zip_member
from clearance.model import CountryRole, IdentifierType, NameDerivation, NameKind

T = IdentifierType


@pytest.fixture(scope="module")
def zip_path(lists_dir: Path) -> Path:
    return lists_dir / "ofac_nonsdn" / "2025-01-10" / "CONS_ENHANCED.ZIP"


@pytest.fixture(scope="module")
def enhanced(zip_path: Path):
    return load_ofac_enhanced_xml(zip_path)


@pytest.fixture(scope="module")
def by_id(enhanced) -> dict:
    return {e.id: e for e in enhanced.entities}


def test_counts_publication_and_ids(enhanced) -> None:
    assert enhanced.list_id == "ofac-nonsdn"
    assert enhanced.published == "2025-01-10"
    assert enhanced.warnings == []
    assert len(enhanced.entities) == 443
    assert all(re.fullmatch(r"ofac-nonsdn:\d+", e.id) for e in enhanced.entities)
    assert Counter(e.schema for e in enhanced.entities)["Person"] == 80
    subs = Counter(e.listing.sub_list for e in enhanced.entities)
    assert subs == {"SSI": 286, "NS-PLC": 78, "NS-CMIC": 68, "NS-MBS": 9, "CAPTA": 1, "FSE": 1}


def test_hikvision_typed_features(by_id) -> None:
    hik = by_id["ofac-nonsdn:30946"]
    assert hik.schema == "Company"
    assert hik.caption == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert hik.listing.sub_list == "NS-CMIC"
    assert hik.listing.programs == ("CMIC-EO13959",)
    assert hik.listing.legal_basis == ("Executive Order 14032 (CMIC)",)
    assert (hik.listing.listed_on, hik.listing.effective_on, hik.listing.divestment_on) == (
        "2021-06-03",
        "2021-08-02",
        "2022-06-03",
    )
    assert hik.identifier_values(T.ISIN) == ["CNE100000PM8"]
    assert hik.identifier_values(T.TICKER) == ["002415 CN"]
    uscc = next(i for i in hik.identifiers if i.type is T.USCC)
    assert (uscc.value, uscc.country) == ("91330000733796106P", "CN")
    address = hik.addresses[0]
    assert (address.street, address.city, address.postal_code, address.country) == (
        "555, Qianmo Road, Binjiang District",
        "Hangzhou",
        "310051",
        "CN",
    )
    assert hik.source_ref.startswith("CONS_ENHANCED.ZIP:CONS_ENHANCED.XML entity id=30946")


def test_people_scripts_relations_and_sdn_membership(enhanced, by_id) -> None:
    haniya = by_id["ofac-nonsdn:9639"]
    assert haniya.schema == "Person"
    assert (haniya.names[0].last_name, haniya.names[0].first_name) == (
        "HANIYA",
        "Ismail Abdul Salah",
    )
    assert str(haniya.birth_dates[0]) == "1962" and haniya.birth_places == ["Shati"]
    cyrillic = [n for e in enhanced.entities for n in e.names if n.script == "Cyrl"]
    # 50 Cyrillic translations: 39 of names (the rest are of addresses, kept in Latin).
    assert len(cyrillic) == 39 and all(n.kind is not NameKind.PRIMARY for n in cyrillic)
    relations = [r for e in enhanced.entities for r in e.relations]
    assert len(relations) == 283
    hamas = [r for r in relations if r.target_name == "HAMAS"]
    assert hamas and all(r.target_id == "ofac-sdn:4695" for r in hamas)  # not in this file
    assert {r.kind for r in hamas} <= {"acting_for", "leader_of", "associate"}
    sberbank = by_id["ofac-nonsdn:17018"]
    assert sberbank.listing.sub_list == "SSI"
    assert sberbank.properties["subLists"] == ["SSI", "SDN"]
    assert any(c.role is CountryRole.JURISDICTION for e in enhanced.entities for c in e.countries)


def test_same_parties_as_the_csv_loader(enhanced, lists_dir: Path) -> None:
    folder = lists_dir / "ofac_nonsdn" / "2025-12-19"
    csv = {
        e.id: e
        for e in load_ofac_nonsdn_csv(
            folder / "cons_prim.csv",
            folder / "cons_alt.csv",
            folder / "cons_add.csv",
            folder / "cons_comments.csv",
        ).entities
    }
    xml = {e.id: e for e in enhanced.entities}
    assert set(xml) - set(csv) == {"ofac-nonsdn:26182"}  # delisted between Jan and Dec 2025
    assert set(csv) <= set(xml)
    same_isins = sum(
        set(csv[i].identifier_values(T.ISIN)) == set(xml[i].identifier_values(T.ISIN)) for i in csv
    )
    assert same_isins == len(csv)
    assert sum(csv[i].listing.sub_list == xml[i].listing.sub_list for i in csv) == len(csv)
    assert sum(csv[i].schema == xml[i].schema for i in csv) >= 430
    assert sum(csv[i].birth_dates == xml[i].birth_dates for i in csv) == len(csv)


def test_bare_and_gzipped_xml(tmp_path: Path, zip_path: Path) -> None:
    member, data = read_zip_member(zip_path, ".xml")
    bare = tmp_path / member
    bare.write_bytes(data)
    result = load_ofac_enhanced_xml(bare)
    assert len(result.entities) == 443 and result.published == "2025-01-10"
    zipped = tmp_path / f"{member}.gz"
    zipped.write_bytes(gzip.compress(data, compresslevel=1))
    assert len(load_ofac_enhanced_xml(zipped).entities) == 443


def test_packed_names_are_split(by_id) -> None:
    vtb = {n.value: n for n in by_id["ofac-nonsdn:18719"].names}["BANK VTB 24"]
    assert (vtb.derived, vtb.kind) == (NameDerivation.WITHOUT_PARENTHESES, NameKind.FORMER)
    assert vtb.derived_from == "BANK VTB 24 (ZAKRYTOE AKTSIONERNOE OBSHCHESTVO)"
