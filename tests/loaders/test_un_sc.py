"""UN Security Council consolidated XML loader, on the real 2026-02-27 file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_scripts import detect_script
from clearance.loaders.un_sc_xml import load_un_sc_xml
from clearance.model import CountryRole, IdentifierType, NameDerivation, NameKind, PartialDate


@pytest.fixture(scope="module")
def un_file(lists_dir: Path) -> Path:
    return lists_dir / "un_sc" / "2026-02-27" / "consolidated.xml"


@pytest.fixture(scope="module")
def un(un_file: Path):
    return load_un_sc_xml(un_file)


@pytest.fixture(scope="module")
def by_id(un):
    return {e.id: e for e in un.entities}


def test_counts_and_metadata(un) -> None:
    assert un.list_id == "un-sc"
    assert len(un.entities) == 1003
    assert sum(e.schema == "Person" for e in un.entities) == 730
    assert sum(e.schema == "Organization" for e in un.entities) == 273
    assert un.published == "2026-02-27"
    assert len({e.id for e in un.entities}) == 1003


def test_reference_ids_and_refs(by_id) -> None:
    zidane = by_id["un-sc:QDi.001"]
    assert zidane.refs == ["un:QDi.001"]
    assert zidane.source_id == "QDi.001"
    assert zidane.raw["REFERENCE_NUMBER"] == "QDi.001"
    assert zidane.source_ref.startswith("consolidated.xml INDIVIDUAL[")


def test_person_name_parts_in_un_order(by_id) -> None:
    primary = by_id["un-sc:QDi.001"].names[0]
    assert primary.kind is NameKind.PRIMARY
    assert primary.value == "MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE"
    assert primary.first_name == "MOHAMMED"
    assert primary.middle_name == "SALAHALDIN ABD EL HALIM"
    assert primary.last_name == "ZIDANE"


def test_korean_names_family_name_first(by_id) -> None:
    primary = by_id["un-sc:KPi.013"].names[0]
    assert primary.value == "CHOE CHUN-SIK"
    assert primary.last_name == "CHOE"
    assert primary.first_name == "CHUN-SIK"


def test_alias_qualities(by_id) -> None:
    names = {n.value: n.kind for n in by_id["un-sc:QDi.001"].names}
    assert names["Sayf-Al Adl"] is NameKind.ALIAS  # QUALITY Good
    assert names["Seif al Adel"] is NameKind.WEAK  # QUALITY Low
    qaida = {n.value: n.kind for n in by_id["un-sc:QDe.004"].names}
    assert qaida["Al Qaeda"] is NameKind.ALIAS
    assert sum(n.kind is NameKind.FORMER for e in by_id.values() for n in e.names) >= 19


def test_original_script_alias(by_id) -> None:
    saddam = by_id["un-sc:IQi.001"]
    arabic = [n for n in saddam.names if n.script == "Arab"]
    assert [n.value for n in arabic] == ["صدام حسين التكريتي"]
    assert arabic[0].kind is NameKind.ALIAS
    cyrillic = [n for e in by_id.values() for n in e.names if n.script == "Cyrl"]
    # 11 as listed, and 5 taken out of "Amir Khazmat (original script: Амир Хазмат)" fields
    assert len([n for n in cyrillic if not n.derived]) == 11
    assert {n.derived for n in cyrillic if n.derived} == {NameDerivation.ORIGINAL_SCRIPT}
    assert len(cyrillic) == 16


def test_detect_script() -> None:
    assert detect_script("القاعدة") == "Arab"
    assert detect_script("Иван Петров") == "Cyrl"
    assert detect_script("朝鲜联合机械贸易会社") == "Hani"
    assert detect_script("Jama'ah") == "Latn"
    assert detect_script("123") is None


def test_listing_and_programs(by_id) -> None:
    zidane = by_id["un-sc:QDi.001"]
    assert zidane.listing.list_id == "un-sc"
    assert zidane.listing.programs == ("Al-Qaida",)
    assert zidane.listing.listed_on == "2001-01-25"
    assert by_id["un-sc:KPi.013"].listing.programs == ("DPRK",)


def test_listed_on_with_zone_offset(un) -> None:
    # Ten records write LISTED_ON as an xsd:date with offset, e.g. "2015-04-07-04:00".
    offset = [e for e in un.entities if str(e.raw["LISTED_ON"]).count("-") == 3]
    assert len(offset) == 10
    assert all(len(e.listing.listed_on or "") == 10 for e in offset)


def test_birth_facts_and_nationality(by_id) -> None:
    saddam = by_id["un-sc:IQi.001"]
    assert saddam.birth_dates == [PartialDate("1937-04-28")]
    assert saddam.birth_places == ["al-Awja, near Tikrit, Iraq"]
    roles = {(c.code, c.role) for c in saddam.countries}
    assert ("IQ", CountryRole.NATIONALITY) in roles
    assert ("IQ", CountryRole.BIRTH) in roles


def test_approximate_and_range_birth_dates(un) -> None:
    dates = [d for e in un.entities for d in e.birth_dates]
    assert any(d.circa for d in dates)
    ranges = [d for d in dates if d.end]
    assert ranges and all(d.value < d.end for d in ranges if d.end)


def test_documents(by_id) -> None:
    passports = by_id["un-sc:QDi.301"].identifiers
    passport = next(i for i in passports if i.value == "5204893014")
    assert passport.type is IdentifierType.PASSPORT
    assert passport.country == "DE"
    assert passport.note and passport.note.startswith("Passport")
    kinds = {i.type for e in by_id.values() for i in e.identifiers}
    assert {IdentifierType.PASSPORT, IdentifierType.NATIONAL_ID} <= kinds


def test_iran_spelling_maps(by_id) -> None:
    # "Iran (Islamic Republic of)" is the UN's spelling.
    codes = {c.code for e in by_id.values() if e.id.startswith("un-sc:IRi") for c in e.countries}
    assert "IR" in codes


def test_titles_gender_remarks_addresses(by_id) -> None:
    kakolele = by_id["un-sc:CDi.002"]
    assert "FARDC General" in kakolele.titles
    assert kakolele.gender == "male"
    assert kakolele.remarks and "STAREC" in kakolele.remarks
    assert kakolele.addresses[0].city == "Kinshasa"
    assert kakolele.addresses[0].country == "CD"


def test_reads_gzip(un_file: Path, tmp_path: Path) -> None:
    gz = tmp_path / "consolidated.xml.gz"
    gz.write_bytes(gzip.compress(un_file.read_bytes()))
    assert len(load_un_sc_xml(gz).entities) == 1003


# --- bad input --------------------------------------------------------------------

MINIMAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <FIRST_NAME>ERIC</FIRST_NAME><SECOND_NAME>BADEGE</SECOND_NAME>
      <UN_LIST_TYPE>DRC</UN_LIST_TYPE>
      %(ref)s
      <LISTED_ON>2012-12-31</LISTED_ON>
    </INDIVIDUAL>
  </INDIVIDUALS>
  %(entities)s
</CONSOLIDATED_LIST>
"""


def _write(tmp_path: Path, data: bytes, name: str = "consolidated.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _minimal(
    ref: bytes = b"<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>", entities: bytes = b"<ENTITIES/>"
) -> bytes:
    return MINIMAL % {b"ref": ref, b"entities": entities}


def test_minimal_document_loads(tmp_path: Path) -> None:
    result = load_un_sc_xml(_write(tmp_path, _minimal()))
    assert [e.id for e in result.entities] == ["un-sc:CDi.001"]


def test_missing_reference_number(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError) as err:
        load_un_sc_xml(_write(tmp_path, _minimal(ref=b"")))
    assert err.value.element == "/CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL[1]/REFERENCE_NUMBER"
    assert err.value.line == 4
    assert "consolidated.xml" in str(err.value)


def test_missing_section(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError) as err:
        load_un_sc_xml(_write(tmp_path, _minimal(entities=b"")))
    assert err.value.element == "/CONSOLIDATED_LIST/ENTITIES"


def test_duplicate_reference(tmp_path: Path, un_file: Path) -> None:
    data = un_file.read_bytes().replace(b"CDi.002</REFERENCE", b"CDi.001</REFERENCE", 1)
    with pytest.raises(ListFormatError, match="CDi.001 appears twice"):
        load_un_sc_xml(_write(tmp_path, data))


def test_bad_listed_on(tmp_path: Path) -> None:
    data = _minimal().replace(b"2012-12-31", b"31/12/2012")
    with pytest.raises(ListFormatError) as err:
        load_un_sc_xml(_write(tmp_path, data))
    assert err.value.element.endswith("INDIVIDUAL[1]/LISTED_ON")


def test_missing_date_generated(tmp_path: Path) -> None:
    data = _minimal().replace(b' dateGenerated="2026-02-27T00:00:09.554Z"', b"")
    with pytest.raises(ListFormatError, match="dateGenerated"):
        load_un_sc_xml(_write(tmp_path, data))


def test_wrong_root(tmp_path: Path) -> None:
    data = b'<?xml version="1.0"?><sdnList><sdnEntry/></sdnList>'
    with pytest.raises(ListFormatError) as err:
        load_un_sc_xml(_write(tmp_path, data))
    assert err.value.element == "/sdnList"
    assert "CONSOLIDATED_LIST" in err.value.reason


def test_unexpected_child_in_section(tmp_path: Path) -> None:
    data = _minimal(entities=b"<ENTITIES><INDIVIDUAL/></ENTITIES>")
    with pytest.raises(ListFormatError) as err:
        load_un_sc_xml(_write(tmp_path, data))
    assert err.value.element == "/CONSOLIDATED_LIST/ENTITIES/INDIVIDUAL[1]"


def test_empty_sections(tmp_path: Path) -> None:
    data = _minimal().split(b"<INDIVIDUALS>")[0] + b"<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"
    with pytest.raises(ListFormatError, match="no INDIVIDUAL and no ENTITY"):
        load_un_sc_xml(_write(tmp_path, data))


def test_truncated_xml(tmp_path: Path, un_file: Path) -> None:
    data = un_file.read_bytes()
    with pytest.raises(ListFormatError, match="not well-formed") as err:
        load_un_sc_xml(_write(tmp_path, data[: len(data) // 2]))
    assert err.value.line is not None


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        load_un_sc_xml(_write(tmp_path, b""))


def test_html_error_page(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><head><title>503</title></head><body>Unavailable</body></html>"
    with pytest.raises(ListFormatError, match="HTML page"):
        load_un_sc_xml(_write(tmp_path, page))


def test_xxe_refused(tmp_path: Path) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<CONSOLIDATED_LIST dateGenerated="2026-02-27"><INDIVIDUALS><INDIVIDUAL>'
        b"<FIRST_NAME>&xxe;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ListFormatError, match="refused"):
        load_un_sc_xml(_write(tmp_path, data))


def test_entity_expansion_bomb_refused(tmp_path: Path) -> None:
    lol = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [' + lol + b"]>\n"
        b'<CONSOLIDATED_LIST dateGenerated="2026-02-27"><INDIVIDUALS/>'
        b"<ENTITIES><ENTITY><FIRST_NAME>&lol9;</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ListFormatError, match="declares entities"):
        load_un_sc_xml(_write(tmp_path, data))


def test_packed_alias_field_gives_its_names(by_id) -> None:
    """QDe.137's ALIAS_NAME packs ten names; each is a name of its own now."""
    field = next(n.value for n in by_id["un-sc:QDe.137"].names if n.value.startswith("Hay’at"))
    derived = {n.value: n for n in by_id["un-sc:QDe.137"].names if n.derived_from == field}
    hayat, hts = derived["Hayat Tahrir al-Sham"], derived["HTS"]
    assert (hayat.derived, hayat.kind) == (NameDerivation.SPLIT, NameKind.ALIAS)
    assert hts.derived is NameDerivation.SHORT_FORM
    assert derived["هيئة تحرير الشام"].script == "Arab"
    assert field in [n.value for n in by_id["un-sc:QDe.137"].names if not n.derived]  # kept
    cagl = {n.value: n.derived for n in by_id["un-sc:CDe.003"].names}
    assert cagl["GREAT LAKES BUSINESS COMPANY"] is NameDerivation.WITHOUT_PARENTHESES
    islami = {n.value: n.derived for n in by_id["un-sc:IRi.014"].names}
    assert islami["Mohamed Islami"] is NameDerivation.SPLIT
    assert sum(1 for e in by_id.values() for n in e.names if n.derived) == 334
