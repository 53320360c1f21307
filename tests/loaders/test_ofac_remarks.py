"""OFAC remark text -> typed facts, on remarks copied from the real files and over whole files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from clearance.loaders.ofac_csv import load_ofac_nonsdn_csv, load_ofac_sdn_csv
from clearance.loaders.ofac_remarks import (
    is_company,
    listing_dates,
    ofac_country_code,
    parse_ofac_remarks,
    relation_kind,
)
from clearance.model import Country, CountryRole, Identifier, IdentifierType, PartialDate

T = IdentifierType
ISIN_IN_REMARKS = re.compile(r"\bISIN:?\s+([A-Z]{2}[A-Z0-9]{9}[0-9])\b")


def test_person_remark_dates_places_documents() -> None:
    # sdn.csv 2024-05-03, ent 6717
    facts = parse_ofac_remarks(
        "DOB 07 Oct 1954; POB Cartago, Valle, Colombia; Cedula No. 16215230 (Colombia); "
        "Passport 16215230 (Colombia); NIT # 16215230-1 (Colombia)."
    )
    assert facts.birth_dates == [PartialDate("1954-10-07")]
    assert facts.birth_places == ["Cartago, Valle, Colombia"]
    assert Country("CO", CountryRole.BIRTH) in facts.countries
    assert Identifier(T.NATIONAL_ID, "16215230", "CO", "Cedula No.") in facts.identifiers
    assert Identifier(T.PASSPORT, "16215230", "CO", "Passport") in facts.identifiers
    assert Identifier(T.TAX_ID, "16215230-1", "CO", "NIT #") in facts.identifiers
    assert facts.unparsed == []


def test_circa_several_and_ranged_birth_dates() -> None:
    # ent 7854 and ent 23470
    facts = parse_ofac_remarks(
        "DOB circa 1946; alt. DOB 1949; POB al-Awja, near Tikrit, Iraq; nationality Iraq; led "
        "Iraq's Air Defense Forces; Deputy Director, Organization of Military Industrialization."
    )
    assert facts.birth_dates == [PartialDate("1946", circa=True), PartialDate("1949")]
    assert Country("IQ", CountryRole.NATIONALITY) in facts.countries
    assert len(facts.unparsed) == 2  # free text is kept, not lost
    ranged = parse_ofac_remarks("DOB Mar 1962 to Feb 1963; POB Isfahan Province; Gender Male.")
    assert ranged.birth_dates == [PartialDate("1962-03", end="1963-02")]
    assert ranged.gender == "male"
    assert parse_ofac_remarks("DOB 1960 to 1962").birth_dates == [PartialDate("1960", end="1962")]
    assert parse_ofac_remarks("DOB circa 1955-1960").birth_dates == [
        PartialDate("1955", circa=True, end="1960")
    ]


def test_crypto_email_and_weak_aliases() -> None:
    # ent 29584
    facts = parse_ofac_remarks(
        "DOB 14 Sep 1995; alt. DOB 14 Sep 1990; alt. DOB 08 Aug 1990; Email Address "
        "potekhinl4@bk.ru; Gender Male; Digital Currency Address - XBT "
        "1Q9UAQbcDezmyouFrzt94t4dSMxgsUfW1X; alt. Digital Currency Address - XBT "
        "1Kys8fqDen8NGFUJ6AFcXfFW5qquuTH4eh; Digital Currency Address - ETH "
        "0x7F367cC41522cE07553e823bf3be79A889DEbe1B; Secondary sanctions risk: "
        "Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201; a.k.a. 'cronuswar'; "
        "a.k.a. 'SERGEY, Kireev Valerievich'."
    )
    assert len(facts.birth_dates) == 3
    crypto = [(i.currency, i.value) for i in facts.identifiers if i.type is T.CRYPTO]
    assert crypto == [
        ("XBT", "1Q9UAQbcDezmyouFrzt94t4dSMxgsUfW1X"),
        ("XBT", "1Kys8fqDen8NGFUJ6AFcXfFW5qquuTH4eh"),
        ("ETH", "0x7F367cC41522cE07553e823bf3be79A889DEbe1B"),
    ]
    assert Identifier(T.EMAIL, "potekhinl4@bk.ru", None, "Email Address") in facts.identifiers
    assert facts.weak_aliases == ["cronuswar", "SERGEY, Kireev Valerievich"]
    assert facts.secondary_sanctions == [
        "Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201"
    ]


def test_vessel_remarks() -> None:
    # ent 15036
    facts = parse_ofac_remarks(
        "Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; alt. Former Vessel Flag None "
        "Identified; alt. Former Vessel Flag Tanzania; Additional Sanctions Information - Subject "
        "to Secondary Sanctions; Vessel Registration Identification IMO 9187629; MMSI 572469210; "
        "f.k.a. 'ALPHA'; Linked To: NATIONAL IRANIAN TANKER COMPANY."
    )
    assert facts.properties["pastFlags"] == ["Malta", "Tuvalu", "None Identified", "Tanzania"]
    assert facts.secondary_sanctions == ["Subject to Secondary Sanctions"]
    assert Identifier(T.IMO, "9187629", None, "Vessel Registration Identification") in (
        facts.identifiers
    )
    assert Identifier(T.MMSI, "572469210", None, "MMSI") in facts.identifiers
    assert facts.weak_aliases == ["ALPHA"]
    assert facts.linked_to == ["NATIONAL IRANIAN TANKER COMPANY"]
    # A register number that fails the IMO check digit is not taken for an IMO number.
    other = parse_ofac_remarks("Vessel Registration Identification RS 123456 (Russia)")
    assert other.identifiers[0].type is T.REGISTRATION


def test_company_remarks() -> None:
    # ent 36023 and ent 20029
    facts = parse_ofac_remarks(
        "Secondary sanctions risk: section 1(b) of Executive Order 13224, as amended by Executive "
        "Order 13886; Organization Established Date 22 Aug 2006; Organization Code 792470309 "
        "(China); Legal Entity Number 300300F6NDTLFTB20270 (China); Registration Number "
        "371100228041077 (China); Unified Social Credit Code (USCC) 91371122792470309X (China); "
        "Linked To: ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE."
    )
    assert facts.established == [PartialDate("2006-08-22")]
    kinds = {i.type: i.value for i in facts.identifiers}
    assert kinds[T.LEI] == "300300F6NDTLFTB20270"
    assert kinds[T.USCC] == "91371122792470309X"
    assert kinds[T.REGISTRATION] in ("792470309", "371100228041077")
    assert all(i.country == "CN" for i in facts.identifiers)
    assert facts.linked_to == ["ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE"]
    assert is_company(facts)
    mostotrest = parse_ofac_remarks(
        "Website www.mostro.ru; Email Address pressa@mostro.ru; MICEX Code MSTT; Registration ID "
        "1027739167246 (Russia); Tax ID No. 7701045732 (Russia); Identification Number ISIN: "
        "RU0009177331; Government Gazette Number 01386148 (Russia)."
    )
    values = {(i.type, i.value) for i in mostotrest.identifiers}
    assert (T.ISIN, "RU0009177331") in values
    assert (T.TICKER, "MSTT") in values
    assert (T.WEBSITE, "www.mostro.ru") in values
    assert (T.TAX_ID, "7701045732") in values


def test_aircraft_and_organisation_without_company_facts() -> None:
    # ent 15431
    facts = parse_ofac_remarks(
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft Manufacture "
        "Date 1992; Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft Manufacturer's "
        "Serial Number (MSN) 1023409321; Linked To: POUYA AIR."
    )
    assert [i.value for i in facts.identifiers if i.type is T.AIRCRAFT_SERIAL] == [
        "8401",
        "1023409321",
    ]
    assert facts.properties == {
        "buildDate": ["1992"],
        "model": ["IL76-TD"],
        "operator": ["YAS AIR"],
    }
    assert facts.unparsed == []
    assert not is_company(parse_ofac_remarks("Tax ID No. 123456 (Iran); Website www.x.ir"))


def test_cmic_remark_and_listing_dates() -> None:
    # cons_prim.csv 2025-12-19, ent 30946 (Hikvision)
    facts = parse_ofac_remarks(
        "Equity Ticker 002415 CN; Issuer Name Hangzhou Hikvision Digital Technology; ISIN "
        "CNE100000PM8; Target Type Public Company; Effective Date (CMIC) 02 Aug 2021; "
        "Purchase/Sales For Divestment Date (CMIC) 03 Jun 2022; Listing Date (CMIC) 03 Jun 2021; "
        "Unified Social Credit Code (USCC) 91330000733796106P (China)."
    )
    assert listing_dates(facts) == ("2021-06-03", "2021-08-02", "2022-06-03")
    assert facts.issuer_names == ["Hangzhou Hikvision Digital Technology"]
    assert facts.target_types == ["Public Company"]
    assert Identifier(T.TICKER, "002415 CN", None, "Equity Ticker") in facts.identifiers
    assert facts.unparsed == []
    directive = parse_ofac_remarks(
        "Listing Date (EO 14024 Directive 2): 24 Feb 2022; Effective Date (EO 14024 Directive "
        "2): 26 Mar 2022; Listing Date (EO 14024 Directive 3): 24 Feb 2022"
    )
    assert listing_dates(directive) == ("2022-02-24", "2022-03-26", None)


def test_phone_numbers_keep_their_parentheses() -> None:
    facts = parse_ofac_remarks("Telephone (98)(21)(66153220); Fax: 0097282858208")
    assert [i.value for i in facts.identifiers] == ["(98)(21)(66153220)", "0097282858208"]
    assert facts.unresolved_countries == []


def test_ofac_country_spellings_and_relation_kinds() -> None:
    assert ofac_country_code("Korea, North") == "KP"
    assert ofac_country_code("Region: Crimea") == "UA"
    assert ofac_country_code("Cote d Ivoire") == "CI"
    assert ofac_country_code("Man, Isle of") == "IM"
    assert ofac_country_code("Sinaloa") is None  # no fuzzy guesses on places
    assert relation_kind("Owned or Controlled By") == "owned_by"
    assert relation_kind("Some New Type") == "some_new_type"


@pytest.fixture(scope="module")
def loaded(lists_dir: Path):
    nonsdn = lists_dir / "ofac_nonsdn" / "2025-12-19"
    return (
        load_ofac_sdn_csv(lists_dir / "ofac_sdn" / "2024-05-03" / "sdn.csv"),
        load_ofac_nonsdn_csv(
            nonsdn / "cons_prim.csv",
            nonsdn / "cons_alt.csv",
            nonsdn / "cons_add.csv",
            nonsdn / "cons_comments.csv",
        ),
    )


# Sensible floors for sdn.csv 2024-05-03 + cons_prim.csv 2025-12-19 (measured counts are
# printed by the test; these are ~90% of them, so a parser regression fails).
FACT_MINIMUMS = {
    "fact.birth_date": 6800,
    "fact.birth_place": 3900,
    "fact.country.nationality": 4400,
    "fact.country.citizenship": 1000,
    "fact.gender": 3800,
    "fact.id.passport": 1900,
    "fact.id.national_id": 2300,
    "fact.id.tax_id": 3600,
    "fact.id.registration_number": 4800,
    "fact.id.isin": 160,
    "fact.id.ticker": 65,
    "fact.id.uscc": 130,
    "fact.id.imo": 760,
    "fact.id.mmsi": 135,
    "fact.id.lei": 85,
    "fact.id.swift_bic": 175,
    "fact.id.website": 1000,
    "fact.id.email": 380,
    "fact.id.phone": 140,
    "fact.id.crypto_address": 260,
    "fact.id.aircraft_serial": 370,
    "fact.weak_alias": 3350,
    "fact.linked_to": 6000,
    "fact.secondary_sanctions": 4650,
    "fact.target_type": 330,
    "fact.issuer_name": 65,
    "fact.established": 1650,
    "fact.listing_date": 110,
    "fact.divestment_date": 68,
}


def test_fact_report_over_real_files(loaded) -> None:
    totals: Counter[str] = Counter()
    for result in loaded:
        totals.update({k: v for k, v in result.stats.items() if k.startswith("fact.")})
    print("\nfacts parsed from remarks, sdn.csv 2024-05-03 + cons_prim.csv 2025-12-19:")
    for kind, count in sorted(totals.items()):
        print(f"  {kind:34} {count:6}")
    for kind, minimum in FACT_MINIMUMS.items():
        assert totals[kind] >= minimum, (kind, totals[kind])
    items = totals["fact.unparsed"] + sum(v for k, v in totals.items() if k != "fact.unparsed")
    # Free text (positions, "all offices worldwide") is all that stays unparsed.
    assert totals["fact.unparsed"] < 0.05 * items


def test_every_isin_in_the_remarks_becomes_an_isin_identifier(loaded) -> None:
    seen = 0
    for result in loaded:
        for entity in result.entities:
            expected = set(ISIN_IN_REMARKS.findall(entity.remarks or ""))
            seen += len(expected)
            assert expected <= set(entity.identifier_values(T.ISIN)), entity.id
    assert seen >= 160
