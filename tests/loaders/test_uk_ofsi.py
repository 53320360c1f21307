"""UK OFSI consolidated list loader, on the real 2025-04-14 ConList.xlsx."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from clearance.loaders.errors import ListFormatError
from clearance.loaders.uk_ofsi import country_codes, load_uk_ofsi_csv, load_uk_ofsi_xlsx
from clearance.model import CountryRole, IdentifierType, NameDerivation, NameKind, PartialDate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uk_ofsi"


@pytest.fixture(scope="module")
def xlsx_path(lists_dir: Path) -> Path:
    return lists_dir / "uk_ofsi" / "2025-04-14" / "ConList.xlsx"


@pytest.fixture(scope="module")
def ofsi(xlsx_path: Path):
    return load_uk_ofsi_xlsx(xlsx_path)


@pytest.fixture(scope="module")
def by_id(ofsi):
    return {e.id: e for e in ofsi.entities}


def test_counts_and_metadata(ofsi) -> None:
    assert ofsi.list_id == "uk-ofsi"
    assert ofsi.published == "2025-04-14"
    assert ofsi.stats["rows"] == 18798
    assert ofsi.stats["groups"] == 4688
    assert len(ofsi.entities) == 4688
    assert ofsi.stats["non_latin_rows"] == 3990
    regimes = {p for e in ofsi.entities for p in e.listing.programs}
    assert len(regimes) == 31
    schemas = {s: sum(e.schema == s for e in ofsi.entities) for s in ("Person", "Organization")}
    assert schemas["Person"] + schemas["Organization"] + ofsi.stats["Vessel"] == 4688
    assert all(e.names and e.id.startswith("uk-ofsi:") for e in ofsi.entities)


def test_person_merges_its_name_rows(by_id) -> None:
    haq = by_id["uk-ofsi:15672"]
    assert haq.schema == "Person"
    assert haq.caption == "Mian Abdul HAQ"
    primary = haq.names[0]
    assert (primary.first_name, primary.middle_name, primary.last_name) == ("Mian", "Abdul", "HAQ")
    assert {n.value for n in haq.names if n.kind is NameKind.ALIAS} == {
        "Mian MITHOO",
        "Mian MITHU",
        "Mian MITTO",
        "Mian MITTU",
    }
    assert haq.gender == "male"
    assert haq.listing.programs == ("Global Human Rights",)
    assert haq.listing.listed_on == "2022-12-09"
    assert haq.refs == ["uk:GHR0086"]
    assert haq.properties["ukSanctionsListRef"] == ["GHR0086"]
    assert haq.titles == ["Cleric (“Pir”) of Bharchundi Sharif Shrine"]
    assert {(c.code, c.role) for c in haq.countries} >= {
        ("PK", CountryRole.NATIONALITY),
        ("PK", CountryRole.BIRTH),
    }
    assert haq.addresses[0].full == "Hafizabad Taluka Daharki, District Ghotki, Pakistan"
    assert haq.remarks and haq.remarks.startswith("(UK Sanctions List Ref):GHR0086")
    assert len(haq.raw["rows"]) == 5 and haq.raw["common"]["Group ID"] == "15672"
    assert haq.source_ref == "ConList.xlsx row 3 (group 15672, 5 rows)"


def test_non_latin_name_is_an_alias_with_its_script(by_id) -> None:
    abakarov = by_id["uk-ofsi:14241"]
    cyrillic = [n for n in abakarov.names if n.script == "Cyrl"]
    assert [n.value for n in cyrillic] == ["Хизри Магомедович Абакаров"]
    assert cyrillic[0].kind is NameKind.ALIAS
    assert abakarov.caption == "Khizri Magomedovich ABAKAROV"


def test_un_reference_fka_and_entity_schema(by_id) -> None:
    adf = by_id["uk-ofsi:13189"]
    assert adf.schema == "Organization"
    assert "un:CDe.001" in adf.refs and "uk:DRC0015" in adf.refs
    assert any(n.kind is NameKind.FORMER and n.value == "ADF/NALU" for n in adf.names)


def test_low_quality_alias_is_weak_and_partial_birth_dates(by_id) -> None:
    kony = by_id["uk-ofsi:13378"]
    assert any(n.kind is NameKind.WEAK and n.value == "1-P" for n in kony.names)
    assert "un:CFi.010" in kony.refs
    assert {PartialDate("1993"), PartialDate("1994"), PartialDate("1995")} <= set(kony.birth_dates)


def test_ship_facts_from_other_information(by_id) -> None:
    ship = by_id["uk-ofsi:13651"]
    assert ship.schema == "Vessel"
    assert ship.caption == "SAM JONG 2"
    assert ship.identifier_values(IdentifierType.IMO) == ["7408873"]
    assert ("KP", CountryRole.FLAG) in {(c.code, c.role) for c in ship.countries}
    assert ship.properties["buildDate"] == ["1975"]
    assert [r.target_name for r in ship.relations] == ["Korea Samjong Shipping"]
    # the owner's UN reference in the narrative is not the ship's own
    assert not [r for r in ship.refs if r.startswith("un:")]


def test_passports_split_from_enumerations(ofsi) -> None:
    many = [e for e in ofsi.entities if len(e.identifier_values(IdentifierType.PASSPORT)) >= 10]
    assert many, "the (1) … (14) passport list of one entry should split into numbers"
    values = many[0].identifier_values(IdentifierType.PASSPORT)
    assert "A-333602" in values and "KC-285901" in values
    india = [i for i in many[0].identifiers if i.value == "A-333602"][0]
    assert india.country == "IN" and india.note and "Bombay" in india.note


def test_country_texts() -> None:
    assert country_codes("Former USSR Currently Ukraine") == ("UA",)
    assert country_codes("Russia (former USSR)") == ("RU",)
    assert country_codes("Estonia, Russia") == ("EE", "RU")
    assert country_codes("Ukrainian SSR") == ("UA",)
    assert country_codes("Congo (Democratic Republic)") == ("CD",)
    assert country_codes("Moscow") == ()


def _write_csv(path: Path, rows: list[list[str | None]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def _first_rows(xlsx_path: Path, count: int) -> list[list[str | None]]:
    workbook = openpyxl.load_workbook(xlsx_path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(max_row=count, values_only=True)]
    finally:
        workbook.close()
    return rows


def test_csv_and_xlsx_give_identical_entities(xlsx_path: Path, tmp_path: Path) -> None:
    rows = _first_rows(xlsx_path, 32)  # "Last Updated", header, 30 name rows
    csv_path = tmp_path / "ConList.csv"
    _write_csv(csv_path, rows)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    small_xlsx = tmp_path / "ConList.xlsx"
    book.save(small_xlsx)

    from_csv = load_uk_ofsi_csv(csv_path)
    from_xlsx = load_uk_ofsi_xlsx(small_xlsx)
    assert from_csv.published == from_xlsx.published == "2025-04-14"
    assert len(from_csv.entities) == len(from_xlsx.entities) > 3
    for a, b in zip(from_csv.entities, from_xlsx.entities, strict=True):
        da, db = a.to_dict(), b.to_dict()
        assert da.pop("source_ref").startswith("ConList.csv line ")
        assert db.pop("source_ref").startswith("ConList.xlsx row ")
        # positions differ where a cell holds a line break; the cells themselves must not
        for row in da["raw"]["rows"]:
            assert row.pop("line") >= 3
        for row in db["raw"]["rows"]:
            assert row.pop("row") >= 3
        assert da == db


def test_committed_csv_fixture(by_id) -> None:
    sample = load_uk_ofsi_csv(FIXTURES / "ConList_sample.csv")
    assert sample.published == "2025-04-14"
    assert sorted(e.id for e in sample.entities) == sorted(
        ["uk-ofsi:13189", "uk-ofsi:13651", "uk-ofsi:15672", "uk-ofsi:14241"]
    )
    for entity in sample.entities:
        real = by_id[entity.id]
        assert entity.names == real.names
        assert entity.identifiers == real.identifiers
        assert entity.countries == real.countries
        assert entity.refs == real.refs


# --- bad input ---------------------------------------------------------------------------


def test_wrong_header_names_sheet_row_and_column(xlsx_path: Path, tmp_path: Path) -> None:
    rows = _first_rows(xlsx_path, 5)
    rows[1] = ["Group Number" if v == "Group ID" else v for v in rows[1]]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    for row in rows:
        sheet.append(row)
    bad = tmp_path / "ConList.xlsx"
    book.save(bad)
    with pytest.raises(ListFormatError) as err:
        load_uk_ofsi_xlsx(bad)
    assert err.value.line == 2
    assert "sheet 'Data'" in str(err.value) and "'Group ID'" in str(err.value)


def test_missing_last_updated_row(tmp_path: Path) -> None:
    bad = tmp_path / "ConList.csv"
    bad.write_text("Name 6,Name 1,Group ID\nX,Y,1\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="Last Updated") as err:
        load_uk_ofsi_csv(bad)
    assert err.value.line == 1


def test_truncated_xlsx(xlsx_path: Path, tmp_path: Path) -> None:
    cut = tmp_path / "ConList.xlsx"
    cut.write_bytes(xlsx_path.read_bytes()[:700_000])
    with pytest.raises(ListFormatError, match="truncated") as err:
        load_uk_ofsi_xlsx(cut)
    assert err.value.file == "ConList.xlsx"


def test_empty_files(tmp_path: Path) -> None:
    for name, loader in (("ConList.xlsx", load_uk_ofsi_xlsx), ("ConList.csv", load_uk_ofsi_csv)):
        empty = tmp_path / name
        empty.write_bytes(b"")
        with pytest.raises(ListFormatError, match="empty"):
            loader(empty)


def test_header_without_rows_is_truncated(tmp_path: Path) -> None:
    rows = [["Last Updated", "14/04/2025"]]
    with (FIXTURES / "ConList_sample.csv").open(encoding="utf-8") as handle:
        rows.append(list(csv.reader(handle))[1])
    short = tmp_path / "ConList.csv"
    _write_csv(short, rows)
    with pytest.raises(ListFormatError, match="no data rows"):
        load_uk_ofsi_csv(short)


def test_html_instead_of_csv_or_xlsx(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>"
    for name, loader in (("ConList.csv", load_uk_ofsi_csv), ("ConList.xlsx", load_uk_ofsi_xlsx)):
        path = tmp_path / name
        path.write_bytes(page)
        with pytest.raises(ListFormatError, match="HTML"):
            loader(path)


def test_unknown_group_type(tmp_path: Path) -> None:
    with (FIXTURES / "ConList_sample.csv").open(encoding="utf-8") as handle:
        rows: list[list[str | None]] = list(csv.reader(handle))
    type_col = rows[1].index("Group Type")
    rows[2][type_col] = "Aircraft"
    bad = tmp_path / "ConList.csv"
    _write_csv(bad, rows)
    with pytest.raises(ListFormatError, match="'Aircraft'") as err:
        load_uk_ofsi_csv(bad)
    assert err.value.line == 3


def test_row_longer_than_header(tmp_path: Path) -> None:
    with (FIXTURES / "ConList_sample.csv").open(encoding="utf-8") as handle:
        rows: list[list[str | None]] = list(csv.reader(handle))
    rows[4] = [*rows[4], "surplus"]
    bad = tmp_path / "ConList.csv"
    _write_csv(bad, rows)
    with pytest.raises(ListFormatError, match="fields but the header has") as err:
        load_uk_ofsi_csv(bad)
    assert err.value.line == 5


def test_packed_names_are_split(by_id) -> None:
    dana = {n.value: n for n in by_id["uk-ofsi:14035"].names}
    assert (dana["DANA ASTRA"].derived, dana["DANA ASTRA"].kind) == (
        NameDerivation.AKA,
        NameKind.ALIAS,
    )
    assert dana["DANA HOLDINGS"].kind is NameKind.PRIMARY
    mostotrest = {n.value: n.derived for n in by_id["uk-ofsi:13701"].names}
    assert mostotrest["MOSTOTREST"] is NameDerivation.SPLIT
    santos = [n.value for n in by_id["uk-ofsi:10664"].names if n.derived]
    assert "Hilarion SANTOS III" in santos and not any("THIRD" in n for n in santos)
