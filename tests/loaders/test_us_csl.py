"""US Consolidated Screening List loader, on the real 2022 CSV and the 2025 excerpt."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from clearance.loaders.errors import ListFormatError
from clearance.loaders.us_csl import parse_csv_address, parse_csv_id_item, sub_list_of
from clearance.loaders.us_csl_csv import COLUMNS, load_us_csl_csv
from clearance.loaders.us_csl_json import load_us_csl_json
from clearance.model import CountryRole, IdentifierType, NameDerivation, NameKind

HIKVISION_EL = "us-csl:f095626c9f8becc70b5948507fb6de6e443b257a"


@pytest.fixture(scope="module")
def csl_gz(lists_dir: Path) -> Path:
    return lists_dir / "us_csl" / "2022-05-16" / "consolidated.csv.gz"


@pytest.fixture(scope="module")
def csl(csl_gz: Path):
    return load_us_csl_csv(csl_gz)


@pytest.fixture(scope="module")
def by_id(csl):
    return {e.id: e for e in csl.entities}


@pytest.fixture(scope="module")
def csl_text(csl_gz: Path) -> str:
    return gzip.decompress(csl_gz.read_bytes()).decode("utf-8")


def test_counts_and_sub_lists(csl) -> None:
    assert csl.list_id == "us-csl"
    assert len(csl.entities) == 14160
    counts = Counter(e.listing.sub_list for e in csl.entities)
    assert counts == {
        "SDN": 10026,
        "EL": 2001,
        "DTC": 727,
        "DPL": 462,
        "SSI": 290,
        "UVL": 201,
        "ISN": 163,
        "PLC": 78,
        "MEU": 71,
        "CMIC": 68,
        "CAP": 53,
        "NS-MBS": 17,
        "FSE": 3,
    }
    assert all(e.list_id == "us-csl" for e in csl.entities)


def test_ids_unique_and_stable_shape(csl) -> None:
    ids = [e.id for e in csl.entities]
    assert len(set(ids)) == len(ids)
    # An OFAC party on SDN, SSI and CAPTA: one entity per list, all tied by the OFAC ref.
    vtb = [e for e in csl.entities if e.raw["_id"] == "18725"]
    assert sorted(e.id for e in vtb) == ["us-csl:18725", "us-csl:18725-CAP", "us-csl:18725-SSI"]
    assert all(e.refs == ["ofac:18725"] for e in vtb)


def test_duplicate_row_kept_with_warning(csl, by_id) -> None:
    assert "us-csl:15268-CAP" in by_id and "us-csl:15268-CAP#2" in by_id
    assert any("duplicate of us-csl:15268-CAP" in w for w in csl.warnings)


def test_hikvision_entity_list(by_id) -> None:
    hik = by_id[HIKVISION_EL]
    assert hik.caption == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert hik.schema == "LegalEntity"
    listing = hik.listing
    assert listing.sub_list == "EL"
    assert listing.listed_on == "2019-10-09"
    assert "84 FR 54002" in listing.legal_basis
    assert listing.legal_basis == ("84 FR 54002", "85 FR 44159")
    assert (
        listing.license_requirement
        and "all items subject to the EAR" in listing.license_requirement
    )
    assert listing.license_policy and "presumption of denial" in listing.license_policy
    assert listing.source_url == "http://bit.ly/1L47xrV"
    assert hik.refs == []  # not a Treasury row
    assert [n.value for n in hik.names if n.kind is NameKind.ALIAS] == ["Hikvision"]
    first = hik.addresses[0]
    assert (first.city, first.postal_code, first.country) == ("Hangzhou", "310052", "CN")
    assert hik.source_ref == "consolidated.csv.gz line 5683"


def test_hikvision_cmic(by_id) -> None:
    hik = by_id["us-csl:30946-CMIC"]
    assert hik.refs == ["ofac:30946"]
    assert hik.schema == "Organization"
    assert hik.identifier_values(IdentifierType.ISIN) == ["CNE100000PM8"]
    assert hik.identifier_values(IdentifierType.USCC) == ["91330000733796106P"]
    assert hik.identifier_values(IdentifierType.TICKER) == ["002415 CN"]
    isin = next(i for i in hik.identifiers if i.type is IdentifierType.ISIN)
    assert isin.note == "ISIN"
    assert hik.listing.sub_list == "CMIC"
    assert hik.listing.listed_on == "2021-06-03"
    assert hik.listing.effective_on == "2021-08-02"
    assert hik.listing.divestment_on == "2022-06-03"
    assert hik.properties["issuer"] == ["Hangzhou Hikvision Digital Technology"]


def test_sdn_person(by_id) -> None:
    person = by_id["us-csl:9935"]
    assert person.schema == "Person"
    primary = person.names[0]
    assert primary.last_name == "'ABD AL-RAZZIQ"
    assert primary.first_name == "Abu Sufian al-Salamabi Muhammed Ahmed"
    assert len([n for n in person.names if n.kind is NameKind.ALIAS]) == 14
    assert {(c.code, c.role) for c in person.countries} >= {
        ("CA", CountryRole.NATIONALITY),
        ("SD", CountryRole.NATIONALITY),
    }
    assert [d.value for d in person.birth_dates] == ["1962-08-06"]
    assert person.birth_places == ["Al-Bawgah, Sudan", "Albaouga, Sudan"]
    passport = person.identifiers[0]
    assert (passport.type, passport.value, passport.country) == (
        IdentifierType.PASSPORT,
        "BC166787",
        "CA",
    )


def test_features_are_not_identifiers(by_id) -> None:
    person = by_id["us-csl:24904"]
    assert person.gender == "male"
    assert person.identifiers == []
    linked = by_id["us-csl:26860"]
    assert linked.properties["sanctionsInfo"] == [
        "Additional Sanctions Information - Subject to Secondary Sanctions"
    ]
    assert [r.target_name for r in linked.relations] == [
        "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE"
    ]


def test_schemas_and_identifier_kinds(csl) -> None:
    schemas = Counter(e.schema for e in csl.entities)
    assert schemas == {
        "Person": 5286,
        "Organization": 4533,
        "LegalEntity": 3625,
        "Vessel": 433,
        "Airplane": 283,
    }
    kinds = Counter(i.type for e in csl.entities for i in e.identifiers)
    assert kinds[IdentifierType.IMO] == 440
    assert kinds[IdentifierType.ISIN] == 163  # 165 items, two repeated within their row
    assert kinds[IdentifierType.CRYPTO] > 300
    crypto = next(i for e in csl.entities for i in e.identifiers if i.type is IdentifierType.CRYPTO)
    assert crypto.currency and crypto.note and crypto.note.startswith("Digital Currency Address")
    vessel = next(e for e in csl.entities if e.schema == "Vessel" and e.identifiers)
    assert any(c.role is CountryRole.FLAG for c in vessel.countries)


def test_refs_only_on_treasury_rows(csl) -> None:
    for entity in csl.entities:
        treasury = entity.raw["source"].endswith("Treasury Department")
        assert bool(entity.refs) == treasury, entity.id


def test_dpl_row_end_date_and_legal_basis(csl) -> None:
    ash = next(e for e in csl.entities if e.caption == "I. ASH")
    assert ash.listing.sub_list == "DPL"
    assert ash.listing.listed_on == "2003-06-19"
    assert ash.listing.end_on == "2056-06-29"
    assert ash.listing.legal_basis == (
        "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07",
    )


def test_2025_excerpt(lists_dir: Path) -> None:
    result = load_us_csl_csv(
        lists_dir / "us_csl" / "format-samples" / "consolidated_2025-06-25_excerpt.csv"
    )
    by_id = {e.id: e for e in result.entities}
    assert len(result.entities) == 13
    assert "us-csl:233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b" in by_id
    # 2025 writes ids label first: "Passport, 836238033, KP; Gender, Male".
    rim = by_id["us-csl:52291"]
    assert rim.gender == "male"
    assert [(i.type, i.value, i.country) for i in rim.identifiers] == [
        (IdentifierType.PASSPORT, "836238033", "KP")
    ]
    tnk = by_id["us-csl:28603-SSI"]
    assert (IdentifierType.TAX_ID, "CHE-267.936.404", "CH") in [
        (i.type, i.value, i.country) for i in tnk.identifiers
    ]
    isn = by_id["us-csl:233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b"]
    assert isn.caption == "Sinobright Import and Export Company"
    el = by_id["us-csl:99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be"]
    assert "CETC Research Institute 13" in [n.value for n in el.names]


def test_sub_list_of() -> None:
    assert sub_list_of("Entity List (EL) - Bureau of Industry and Security") == "EL"
    assert sub_list_of("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department") == (
        "NS-MBS"
    )
    assert sub_list_of("Military End User (MEU) List - Bureau of Industry and Security") == "MEU"
    assert sub_list_of("Some New List - Department") is None


def test_parse_csv_address() -> None:
    address = parse_csv_address("2113 NORTH HIGHWAY 175, SEAGOVILLE, TX, 75159, US")
    assert (address.street, address.city, address.region, address.postal_code) == (
        "2113 NORTH HIGHWAY 175",
        "SEAGOVILLE",
        "TX",
        "75159",
    )
    assert address.country == "US"
    assert parse_csv_address("Tian Wang te Zi #1, Xian, China, CN").city == "Xian"
    assert parse_csv_address("SY").country == "SY"


def test_parse_id_items_both_orders() -> None:
    stats: Counter[str] = Counter()
    old = parse_csv_id_item("JO, 2014-08-30, 2009-08-31, K475336, Passport", stats)
    assert old and (old.label, old.value, old.country, old.dates) == (
        "Passport",
        "K475336",
        "JO",
        ("2014-08-30", "2009-08-31"),
    )
    new = parse_csv_id_item("V.A.T. Number, CHE-267.936.404, CH", stats)
    assert new and (new.label, new.value, new.country) == ("V.A.T. Number", "CHE-267.936.404", "CH")
    bare = parse_csv_id_item("IMO 8898831, Vessel Registration Identification", stats)
    assert bare and (bare.value, bare.country) == ("IMO 8898831", None)
    info = parse_csv_id_item(
        "section 1(b) of Executive Order 13224, as amended, Secondary sanctions risk:", stats
    )
    assert info and info.value == "section 1(b) of Executive Order 13224, as amended"
    assert not stats


# --- JSON -------------------------------------------------------------------------
# No consolidated.json download is in the shared folder. This fixture re-states three
# rows of the 2022 CSV in the published JSON shape of data.trade.gov (lists instead of
# "; "-joined strings, address and id objects, "id" instead of "_id").

JSON_FIXTURE = {
    "results": [
        {
            "id": "f095626c9f8becc70b5948507fb6de6e443b257a",
            "source": "Entity List (EL) - Bureau of Industry and Security",
            "entity_number": None,
            "type": None,
            "programs": [],
            "name": "Hangzhou Hikvision Digital Technology Co., Ltd.",
            "title": None,
            "addresses": [
                {
                    "address": "No. 555 Qianmo Road, Binjiang District",
                    "city": "Hangzhou",
                    "state": None,
                    "postal_code": "310052",
                    "country": "CN",
                }
            ],
            "federal_register_notice": "84 FR 54002; 85 FR 44159",
            "start_date": "2019-10-09",
            "end_date": None,
            "standard_order": None,
            "license_requirement": "For all items subject to the EAR.  (See §744.11 of the EAR)",
            "license_policy": "Case-by-case review for ECCNs 1A004.c; and presumption of "
            "denial for all other items subject to the EAR.",
            "call_sign": None,
            "vessel_type": None,
            "gross_tonnage": None,
            "gross_registered_tonnage": None,
            "vessel_flag": None,
            "vessel_owner": None,
            "remarks": None,
            "source_list_url": "http://bit.ly/1L47xrV",
            "alt_names": ["Hikvision"],
            "citizenships": [],
            "dates_of_birth": [],
            "nationalities": [],
            "places_of_birth": [],
            "source_information_url": "http://bit.ly/1L47xrV",
            "ids": [],
        },
        {
            "id": "30946",
            "source": "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - "
            "Treasury Department",
            "entity_number": "30946",
            "type": "Entity",
            "programs": ["CMIC-EO13959"],
            "name": "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
            "addresses": [
                {
                    "address": "555, Qianmo Road, Binjiang District",
                    "city": "Hangzhou",
                    "postal_code": "310051",
                    "country": "CN",
                }
            ],
            "alt_names": ["HIKVISION", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY"],
            "ids": [
                {
                    "type": "Unified Social Credit Code (USCC)",
                    "number": "91330000733796106P",
                    "country": "CN",
                    "issue_date": None,
                    "expiration_date": None,
                },
                {"type": "ISIN", "number": "CNE100000PM8", "country": None},
                {"type": "Listing Date (CMIC)", "number": "03 Jun 2021"},
            ],
        },
        {
            "id": "9935",
            "source": "Specially Designated Nationals (SDN) - Treasury Department",
            "entity_number": "9935",
            "type": "Individual",
            "programs": ["SDGT"],
            "name": "'ABD AL-RAZZIQ, Abu Sufian al-Salamabi Muhammed Ahmed",
            "alt_names": ["ABDELRAZIK, Sofian", "ABOU EL LAYTH"],
            "dates_of_birth": ["1962-08-06"],
            "nationalities": ["CA", "SD"],
            "places_of_birth": ["Al-Bawgah, Sudan"],
            "ids": [
                {
                    "type": "Passport",
                    "number": "BC166787",
                    "country": "CA",
                    "issue_date": "2000-02-01",
                    "expiration_date": "2005-02-01",
                }
            ],
        },
    ]
}


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_json_variant(tmp_path: Path, by_id) -> None:
    result = load_us_csl_json(_write(tmp_path, "consolidated.json", json.dumps(JSON_FIXTURE)))
    got = {e.id: e for e in result.entities}
    assert sorted(got) == ["us-csl:30946-CMIC", "us-csl:9935", HIKVISION_EL]
    hik = got[HIKVISION_EL]
    csv_hik = by_id[HIKVISION_EL]
    assert hik.listing.sub_list == csv_hik.listing.sub_list == "EL"
    assert hik.listing.listed_on == csv_hik.listing.listed_on
    assert hik.listing.legal_basis == csv_hik.listing.legal_basis
    assert hik.addresses[0].city == "Hangzhou" and hik.addresses[0].country == "CN"
    assert [n.value for n in hik.names] == [n.value for n in csv_hik.names]
    cmic = got["us-csl:30946-CMIC"]
    assert cmic.refs == ["ofac:30946"]
    assert cmic.identifier_values(IdentifierType.ISIN) == ["CNE100000PM8"]
    assert cmic.listing.listed_on == "2021-06-03"
    person = got["us-csl:9935"]
    passport = person.identifiers[0]
    assert passport.note == "Passport; issued 2000-02-01; expires 2005-02-01"
    assert person.names[0].last_name == "'ABD AL-RAZZIQ"


def test_json_bad_inputs(tmp_path: Path) -> None:
    text = json.dumps(JSON_FIXTURE, indent=1)
    with pytest.raises(ListFormatError, match="not valid JSON") as err:
        load_us_csl_json(_write(tmp_path, "cut.json", text[: len(text) // 2]))
    assert err.value.line and err.value.line > 1
    with pytest.raises(ListFormatError, match='"results" list'):
        load_us_csl_json(_write(tmp_path, "other.json", '{"data": []}'))
    with pytest.raises(ListFormatError, match="empty file"):
        load_us_csl_json(_write(tmp_path, "empty.json", ""))
    with pytest.raises(ListFormatError, match="HTML"):
        load_us_csl_json(_write(tmp_path, "page.json", "<html><body>502 Bad Gateway</body></html>"))
    broken = json.loads(text)
    del broken["results"][1]["name"]
    with pytest.raises(ListFormatError) as err:
        load_us_csl_json(_write(tmp_path, "noname.json", json.dumps(broken)))
    assert err.value.element == "results[1].name"
    with pytest.raises(ListFormatError, match="no records"):
        load_us_csl_json(_write(tmp_path, "none.json", '{"results": []}'))


# --- bad CSV input ------------------------------------------------------------------


def test_truncated_mid_row(tmp_path: Path, csl_text: str) -> None:
    lines = csl_text.splitlines(keepends=True)
    cut = "".join(lines[:101]) + lines[101][:40]
    with pytest.raises(ListFormatError) as err:
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", cut))
    assert err.value.line == 102
    assert "expected 29 columns" in err.value.reason


def test_truncated_inside_quoted_field(tmp_path: Path, csl_text: str) -> None:
    start = csl_text.index('"UPON THE DATE')
    with pytest.raises(ListFormatError, match="malformed CSV") as err:
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", csl_text[: start + 20]))
    assert err.value.line == 2


def test_truncated_gzip(tmp_path: Path, csl_gz: Path) -> None:
    data = csl_gz.read_bytes()
    with pytest.raises(ListFormatError, match="gzip"):
        load_us_csl_csv(_write(tmp_path, "consolidated.csv.gz", data[: len(data) // 2]))


def test_wrong_header_name(tmp_path: Path, csl_text: str) -> None:
    bad = csl_text.replace("federal_register_notice", "fr_notice", 1)
    with pytest.raises(ListFormatError) as err:
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", bad))
    assert err.value.line == 1
    assert "column 9 is 'fr_notice', expected 'federal_register_notice'" in err.value.reason


def test_wrong_column_count(tmp_path: Path) -> None:
    header = ",".join(COLUMNS[:-1])
    with pytest.raises(ListFormatError) as err:
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", header + "\n"))
    assert err.value.line == 1
    data = ",".join(COLUMNS) + "\n" + "1,Entity List (EL) - BIS,,,,NAME\n"
    with pytest.raises(ListFormatError, match="expected 29 columns, found 6") as err:
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", data))
    assert err.value.line == 2


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="no records"):
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", ",".join(COLUMNS) + "\n"))


def test_empty_name(tmp_path: Path) -> None:
    row = ["x1", "Entity List (EL) - Bureau of Industry and Security"] + [""] * 27
    data = ",".join(COLUMNS) + "\n" + ",".join(row) + "\n"
    with pytest.raises(ListFormatError, match="empty name") as err:
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", data))
    assert err.value.line == 2


def test_html_error_page(tmp_path: Path) -> None:
    page = "<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Not found</body></html>"
    with pytest.raises(ListFormatError, match="HTML page"):
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", page))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty file"):
        load_us_csl_csv(_write(tmp_path, "consolidated.csv", ""))


def test_packed_names_are_split(by_id) -> None:
    precision = {n.value: n for n in by_id["us-csl:36e892bb5fd362fb99dc858bf72a9b3294bfac51"].names}
    # its a.k.a. names are alt_names of the row already; the name without them was not
    main = precision["Precision Image Corporation"]
    assert (main.derived, main.kind) == (NameDerivation.WITHOUT_PARENTHESES, NameKind.PRIMARY)
    yichang = {n.value: n for n in by_id["us-csl:0fa537b1f62ebfed41e85ce64bc4e6ab6b6fa66d"].names}
    aka = yichang["Yichang Institute of Testing Technology"]
    assert (aka.derived, aka.kind) == (NameDerivation.AKA, NameKind.ALIAS)
    affiliate = {
        n.value: n.derived for n in by_id["us-csl:aadd6c0abb767fa2f457bea14ad47bc7e231db93"].names
    }
    assert affiliate["Huawei Marine Networks Co., Ltd."] is NameDerivation.SUBORDINATE
    assert "Huawei" not in affiliate  # the parent's short form names no affiliate
    gazprom = {
        n.value: n.kind for n in by_id["us-csl:09d1963d38d11dd8022afaeb70fd21c537df4322"].names
    }
    assert gazprom["Otkrytoe Aktsionernoe Obshchestvo Gazprom Promgaz"] is NameKind.FORMER
    # Treasury rows write people LAST, First: their aliases get the parts too
    hussein = {n.value: n for n in by_id["us-csl:26081"].names}["HUSSEIN, Mansour Othman Aba"]
    assert (hussein.first_name, hussein.last_name) == ("Mansour Othman Aba", "HUSSEIN")
