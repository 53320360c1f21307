"""EU FSF XML 1.1 loader, on a hand-written fixture (no real EU file is available)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from clearance.loaders.errors import ListFormatError
from clearance.loaders.eu_fsf_xml import load_eu_fsf_xml
from clearance.model import CountryRole, IdentifierType, NameDerivation, NameKind, PartialDate

FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "eu_fsf" / "xmlFullSanctionsList_1_1.xml"
)


@pytest.fixture(scope="module")
def eu():
    return load_eu_fsf_xml(FIXTURE)


@pytest.fixture(scope="module")
def by_id(eu):
    return {e.id: e for e in eu.entities}


def test_counts_and_metadata(eu) -> None:
    assert eu.list_id == "eu-fsf"
    assert eu.published == "2025-04-11"
    assert [e.id for e in eu.entities] == [
        "eu-fsf:1",
        "eu-fsf:207",
        "eu-fsf:900001",
        "eu-fsf:900002",
        "eu-fsf:900003",
    ]
    assert [e.schema for e in eu.entities] == [
        "Person",
        "Organization",
        "Person",
        "Organization",
        "Person",
    ]
    assert eu.stats["with_un_ref"] == 2
    assert eu.stats["identifications_without_number"] == 1
    assert eu.warnings == []


def test_person_with_passport_and_function(by_id) -> None:
    mugabe = by_id["eu-fsf:1"]
    primary = mugabe.names[0]
    assert (primary.value, primary.kind) == ("Robert Gabriel Mugabe", NameKind.PRIMARY)
    assert (primary.first_name, primary.middle_name, primary.last_name) == (
        "Robert",
        "Gabriel",
        "Mugabe",
    )
    assert mugabe.gender == "male"
    assert mugabe.birth_dates == [PartialDate("1924-02-21")]
    assert mugabe.titles == ["Former President"]
    passport = mugabe.identifiers[0]
    assert (passport.type, passport.value, passport.country) == (
        IdentifierType.PASSPORT,
        "AD001095",
        None,  # countryIso2Code="00" means unknown
    )
    assert passport.note == "National passport; (passport)"
    assert mugabe.listing.programs == ("ZWE",)
    assert mugabe.listing.legal_basis == ("2018/223 (OJ L43)",)
    assert mugabe.listing.source_url and "CELEX:32018R0223&from=EN" in mugabe.listing.source_url
    assert mugabe.properties["euReferenceNumber"] == ["EU.36.64"]
    assert mugabe.raw["logicalId"] == "1" and mugabe.raw["nameAlias"][0]["wholeName"]
    assert (
        mugabe.source_ref == "xmlFullSanctionsList_1_1.xml sanctionEntity[1] logicalId=1 (line 11)"
    )


def test_translated_names_keep_their_scripts(by_id) -> None:
    front = by_id["eu-fsf:207"]
    assert front.caption == "İslami Büyük Doğu Akıncılar Cephesi"
    scripts = {n.value: n.script for n in front.names}
    assert scripts["Фронт на великите ислямски източни воини"] == "Cyrl"
    assert scripts["Μέγα Ισλαµικό Μέτωπο των Πολεµιστών της Ανατολής"] == "Grek"
    assert scripts["IBDA-C"] is None
    assert all(n.kind is not NameKind.WEAK for n in front.names)


def test_weak_aliases_birth_dates_and_regulations(by_id) -> None:
    sidorov = by_id["eu-fsf:900001"]
    kinds = {n.value: n.kind for n in sidorov.names}
    assert kinds["Ivan Petrovich SIDOROV"] is NameKind.PRIMARY
    assert kinds["Иван Петрович СИДОРОВ"] is NameKind.ALIAS
    assert kinds["Vanya SIDOROV"] is NameKind.WEAK  # strong="false"
    assert kinds["Ivan SIDOROFF"] is NameKind.WEAK  # remark "Low quality alias."
    assert sidorov.birth_dates == [
        PartialDate("1965-03-01"),
        PartialDate("1966", circa=True),
        PartialDate("1963", end="1964"),
    ]
    assert sidorov.birth_places == ["Moscow, RUSSIAN FEDERATION"]
    assert {(c.code, c.role) for c in sidorov.countries} == {
        ("RU", CountryRole.CITIZENSHIP),
        ("CY", CountryRole.CITIZENSHIP),
        ("RU", CountryRole.BIRTH),
        ("RU", CountryRole.ADDRESS),
    }
    assert sidorov.identifier_values(IdentifierType.PASSPORT) == ["751234567", "K0123456"]
    assert sidorov.identifier_values(IdentifierType.TAX_ID) == ["771234567890"]
    expired = [i for i in sidorov.identifiers if i.value == "K0123456"][0]
    assert expired.note and "knownExpired" in expired.note
    assert sidorov.titles == ["Chairman of the Board of Directors", "majority shareholder"]
    assert sidorov.listing.listed_on == "2022-03-15"
    assert sidorov.listing.legal_basis == ("2022/427 (OJ L87I)", "2023/1763 (OJ L226)")
    assert sidorov.addresses[0].postal_code == "125009"


def test_enterprise_with_un_reference_and_contacts(by_id) -> None:
    company = by_id["eu-fsf:900002"]
    assert company.refs == ["un:KPe.901"]
    assert company.schema == "Organization"
    assert [n.kind for n in company.names] == [NameKind.PRIMARY, NameKind.ALIAS, NameKind.WEAK]
    assert company.identifier_values(IdentifierType.IMO) == ["5342194"]
    assert company.identifier_values(IdentifierType.REGISTRATION) == ["KP-2009-0417"]
    assert company.identifier_values(IdentifierType.PHONE) == ["+850 2 18111", "+850 2 381 4410"]
    assert company.identifier_values(IdentifierType.EMAIL) == ["nssc@star-co.net.kp"]
    assert company.addresses[0].country == "KP"
    assert company.addresses[0].full.startswith("Haebangsan-dong, Central District, P.O. Box 120")
    assert company.remarks and "ship-to-ship transfers" in company.remarks
    assert company.listing.effective_on == "2016-03-05"


def test_titles_split_and_partial_birth_date(by_id) -> None:
    person = by_id["eu-fsf:900003"]
    assert person.properties["title"] == ["Mullah", "Maulavi"]
    assert person.titles == ["Deputy Minister of Examples", "Governor of Sample Province"]
    assert person.birth_dates == [PartialDate("1970-07")]
    assert person.birth_places == ["Khwaja Malik village, Kandahar, Kandahar Province, AFGHANISTAN"]
    assert person.refs == ["un:TAi.901"]
    assert [n.script for n in person.names] == [None, "Arab", None]
    assert person.listing.listed_on == "2011-08-02"  # no designationDate: publication date


def test_gzipped_file_loads_the_same(eu, tmp_path: Path) -> None:
    packed = tmp_path / "xmlFullSanctionsList_1_1.xml.gz"
    packed.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    again = load_eu_fsf_xml(packed)
    assert [e.to_dict() | {"source_ref": None} for e in again.entities] == [
        e.to_dict() | {"source_ref": None} for e in eu.entities
    ]


# --- bad input ---------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xmlFullSanctionsList_1_1.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_xxe_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE export [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity logicalId="1">'
        '<nameAlias wholeName="&xxe;"/></sanctionEntity></export>',
    )
    with pytest.raises(ListFormatError, match="refused|entities") as err:
        load_eu_fsf_xml(path)
    assert err.value.file == "xmlFullSanctionsList_1_1.xml"


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    path = _write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE export [{entities}]>\n'
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export">&lol9;</export>',
    )
    with pytest.raises(ListFormatError, match="entities"):
        load_eu_fsf_xml(path)


def test_wrong_root(tmp_path: Path) -> None:
    path = _write(
        tmp_path, '<?xml version="1.0"?>\n<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>'
    )
    with pytest.raises(ListFormatError, match="expected <export") as err:
        load_eu_fsf_xml(path)
    assert err.value.element == "CONSOLIDATED_LIST"


def test_wrong_namespace(tmp_path: Path) -> None:
    path = _write(
        tmp_path, '<export xmlns="urn:something-else"><sanctionEntity logicalId="1"/></export>'
    )
    with pytest.raises(ListFormatError, match="root element"):
        load_eu_fsf_xml(path)


def test_truncated_file(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    path = tmp_path / "xmlFullSanctionsList_1_1.xml"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ListFormatError, match="not well-formed") as err:
        load_eu_fsf_xml(path)
    assert err.value.line is not None


def test_empty_file_and_empty_export(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        load_eu_fsf_xml(_write(tmp_path, ""))
    path = _write(
        tmp_path,
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2025-04-11T18:02:44"/>',
    )
    with pytest.raises(ListFormatError, match="no sanctionEntity"):
        load_eu_fsf_xml(path)


def test_entity_without_logical_id_or_name(tmp_path: Path) -> None:
    head = '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2025-04-11">\n'
    path = _write(
        tmp_path, head + '<sanctionEntity><nameAlias wholeName="X"/></sanctionEntity></export>'
    )
    with pytest.raises(ListFormatError, match="without logicalId") as err:
        load_eu_fsf_xml(path)
    assert err.value.element == "sanctionEntity[1]" and err.value.line == 2
    path = _write(
        tmp_path,
        head + '<sanctionEntity logicalId="5"><subjectType code="person"/>'
        '<nameAlias wholeName="" strong="true"/></sanctionEntity></export>',
    )
    with pytest.raises(ListFormatError, match="no nameAlias"):
        load_eu_fsf_xml(path)


def test_duplicate_logical_id(tmp_path: Path) -> None:
    entity = '<sanctionEntity logicalId="5"><nameAlias wholeName="X"/></sanctionEntity>'
    path = _write(
        tmp_path,
        f'<export xmlns="http://eu.europa.ec/fpi/fsd/export">{entity}\n{entity}</export>',
    )
    with pytest.raises(ListFormatError, match="appears twice") as err:
        load_eu_fsf_xml(path)
    assert err.value.element == "sanctionEntity[2]"


def test_unknown_subject_type_is_a_warning(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity logicalId="5">'
        '<subjectType code="vessel"/><nameAlias wholeName="SEA STAR"/></sanctionEntity></export>',
    )
    result = load_eu_fsf_xml(path)
    assert result.entities[0].schema == "LegalEntity"
    assert result.warnings == ["sanctionEntity[1] (logicalId 5): subject type 'vessel' unknown"]


def test_packed_names_are_split(tmp_path: Path) -> None:
    # No name in the sample packs others; the FSF's own file writes "NAME (ABBR)" as well.
    text = FIXTURE.read_text(encoding="utf-8")
    packed = text.replace(
        '"Great Islamic Eastern Warriors Front"', '"Great Islamic Eastern Warriors Front (GIEWF)"'
    )
    assert packed != text
    names = [n for e in load_eu_fsf_xml(_write(tmp_path, packed)).entities for n in e.names]
    short = next(n for n in names if n.value == "GIEWF")
    assert (short.derived, short.kind) == (NameDerivation.SHORT_FORM, NameKind.ALIAS)
    assert short.derived_from == "Great Islamic Eastern Warriors Front (GIEWF)"
