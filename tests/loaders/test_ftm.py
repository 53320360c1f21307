"""FollowTheMoney JSON-lines import and export, on the real yente samples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clearance.loaders.errors import ListFormatError
from clearance.loaders.eu_fsf_xml import load_eu_fsf_xml
from clearance.loaders.ftm_json import export_ftm, load_ftm_json
from clearance.loaders.uk_ofsi import load_uk_ofsi_csv
from clearance.model import CountryRole, Entity, IdentifierType, Name, NameKind, PartialDate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FTM_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.-]*[0-9a-zA-Z])?$")


@pytest.fixture(scope="module")
def samples(lists_dir: Path) -> Path:
    return lists_dir / "ftm_samples"


@pytest.fixture(scope="module")
def zala(samples: Path):
    return load_ftm_json(samples / "yente_zala_entities.ftm.json", list_id="zala")


@pytest.fixture(scope="module")
def zala_by_id(zala):
    return {e.id: e for e in zala.entities}


def test_t1_sample(samples: Path) -> None:
    t1 = load_ftm_json(samples / "yente_t1_entities.ftm.json")
    assert t1.list_id == "ftm"
    assert [e.schema for e in t1.entities] == [
        "Organization",
        "Person",
        "Person",
        "Person",
        "Person",
        "Organization",
    ]
    assert t1.published == "2024-06-01"
    tobacco = t1.entities[0]
    assert tobacco.id == "ftm:NK-2GdmHtZTeNXjNVrBGEXZNj"
    assert tobacco.caption == "RAB „Inter Tobacco“"  # the file's caption is the primary name
    assert len(tobacco.names) == 12
    assert [n.value for n in tobacco.names if n.script == "Cyrl"][0].startswith("Общество")
    assert tobacco.identifier_values(IdentifierType.REGISTRATION) == ["808000714"]
    assert tobacco.refs == ["ofac:32733"]  # from referents "ofac-32733"
    assert tobacco.properties["topics"] == ["sanction"]
    assert tobacco.source_ref == "yente_t1_entities.ftm.json line 1"
    assert tobacco.raw["id"] == "NK-2GdmHtZTeNXjNVrBGEXZNj"
    kuzmenko = t1.entities[1]
    assert kuzmenko.gender == "male"
    assert kuzmenko.birth_dates == [PartialDate("1971-01-22")]
    assert kuzmenko.identifier_values(IdentifierType.TAX_ID) == ["366510784303"]
    assert (
        "RU",
        CountryRole.NATIONALITY,
    ) in {(c.code, c.role) for c in kuzmenko.countries}
    assert kuzmenko.titles == ["General Director of JSC 163 Armor Repair Plant"]
    assert t1.stats["dangling_addresses"] == 2  # the sample lacks those Address entities


def test_zala_things_and_side_entities(zala, zala_by_id) -> None:
    assert len(zala.entities) == 17
    assert zala.stats["Person"] == 6 and zala.stats["Company"] == 11
    assert zala.stats["sanctions"] == 41
    zakharov = zala_by_id["zala:NK-aU5ybkbRFJucf8YMwsJvDw"]
    assert zakharov.caption == "Alexander Vyacheslavovich ZAKHAROV"
    assert "UKR" in zakharov.listing.programs
    assert zakharov.listing.legal_basis == ("2025/389 (OJ L24022025)",)
    assert zakharov.listing.listed_on == "2023-07-01"
    assert "State Secretariat for Economic Affairs" in zakharov.properties["sanctionAuthority"]
    assert "EU-UKR" in zakharov.properties["programId"]
    # narrative reasons are not a legal basis
    assert any("Zala Aero" in r for r in zakharov.properties["sanctionReason"])
    kinds = {(r.kind, r.target_name) for r in zakharov.relations}
    assert ("director_of", "LLC CST") in kinds
    assert ("family", "Nikita Aleksandrovich Zakharov") in kinds
    cst = zala_by_id["zala:NK-abdzbEBkqyT29GyREbiURZ"]
    owners = [r for r in cst.relations if r.kind == "owned_by"]
    assert {r.target_name for r in owners} >= {"JSC Kalashnikov Concern"}
    assert all(r.target_id and r.target_id.startswith("zala:") for r in owners)
    assert set(cst.refs) == {"ofac:45928", "ofac:45934"}
    osetrova = zala_by_id["zala:NK-2Tbri3s6GgNtAwsSXh4qpL"]
    kinds_of = {n.value: n.kind for n in osetrova.names}
    assert kinds_of["Maria Aleksandrovna Zakharova"] is NameKind.FORMER
    assert kinds_of["Zakharova Mariia Oleksandrivna"] is NameKind.ALIAS
    lavrentiy = zala_by_id["zala:NK-hUAjuiA3vTKXF6v2X6MYnS"]
    assert lavrentiy.identifier_values(IdentifierType.PASSPORT) == ["089132114"]
    assert zala.stats["documents_without_number"] == 1  # the Passport entity with no number


def test_address_entities_resolve_including_old_ids(zala) -> None:
    structured = [a for e in zala.entities for a in e.addresses if a.country or a.city]
    assert structured, "Address entities referenced by addressEntity become structured addresses"
    assert all(a.full for a in structured)


def _write_lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _rec(ftm_id: str, schema: str, **props: str) -> dict:
    return {"id": ftm_id, "schema": schema, "properties": {k: [v] for k, v in props.items()}}


def test_side_entities_and_unknown_schemas(tmp_path: Path) -> None:
    records = [
        _rec("p1", "PublicBody", name="Ministry of Examples"),
        _rec("v1", "Vessel", name="SEA STAR", imoNumber="9123456", flag="kp"),
        _rec("a1", "Person", name="Jane Roe", firstName="Jane", lastName="Roe"),
        _rec("w1", "CryptoWallet", publicKey="bc1qexample", currency="XBT", holder="a1"),
        _rec(
            "i1",
            "Identification",
            holder="a1",
            number="X-1",
            country="fr",
            type="Tax identification number",
        ),
        _rec("u1", "UnknownLink", subject="a1", object="p1"),
        _rec("u2", "UnknownLink", subject="a1", object="nobody"),
        _rec("n1", "Note", description="x"),
        _rec("e1", "Event", name="y"),
        _rec("e2", "Event", name="z"),
        _rec("nameless", "Person", birthDate="1970"),
        _rec("a1", "Person", alias="J. Roe"),  # a second fragment of a1
    ]
    result = load_ftm_json(_write_lines(tmp_path / "custom.ftm.json", records), list_id="mine")
    by_id = {e.id: e for e in result.entities}
    assert by_id["mine:p1"].schema == "Organization"
    assert by_id["mine:p1"].properties["ftmSchema"] == ["PublicBody"]
    vessel = by_id["mine:v1"]
    assert vessel.identifier_values(IdentifierType.IMO) == ["9123456"]
    assert ("KP", CountryRole.FLAG) in {(c.code, c.role) for c in vessel.countries}
    roe = by_id["mine:a1"]
    assert roe.names[0].first_name == "Jane" and roe.names[0].last_name == "Roe"
    assert [n.value for n in roe.names] == ["Jane Roe", "J. Roe"]
    wallet = [i for i in roe.identifiers if i.type is IdentifierType.CRYPTO][0]
    assert (wallet.value, wallet.currency) == ("bc1qexample", "XBT")
    tax = [i for i in roe.identifiers if i.type is IdentifierType.TAX_ID][0]
    assert (tax.value, tax.country) == ("X-1", "FR")
    assert [(r.kind, r.target_id) for r in roe.relations] == [("linked_to", "mine:p1")]
    assert "3 entities of schemas not imported: Event (2), Note (1)" in result.warnings
    assert "1 thing entities without a name skipped" in result.warnings
    assert "1 links point to an entity not in the file" in result.warnings


# --- export and round trips ---------------------------------------------------------------


def _ftm_kind(name: Name) -> str:
    """The kind a name comes back with from FtM, which has one primary name per entity:
    a primary-kind name split from a packed field is exported, and read back, as alias."""
    return "alias" if name.derived and name.kind is NameKind.PRIMARY else name.kind.value


def _signature(entity: Entity) -> tuple:
    return (
        sorted((n.value, _ftm_kind(n)) for n in entity.names),
        sorted((i.type.value, i.value, i.country or "") for i in entity.identifiers),
        sorted((c.code, c.role.value) for c in entity.countries),
    )


def _round_trip(entities: list[Entity], tmp_path: Path) -> list[Entity]:
    exported = list(export_ftm(entities))
    path = _write_lines(tmp_path / "export.ftm.json", exported)
    return load_ftm_json(path, list_id="again").entities


def test_round_trip_of_a_sample(zala, tmp_path: Path) -> None:
    again = _round_trip(zala.entities, tmp_path)
    assert len(again) == len(zala.entities)
    for before, after in zip(zala.entities, again, strict=True):
        assert _signature(after) == _signature(before), before.id
        assert after.birth_dates == before.birth_dates
        assert {a.full for a in after.addresses} == {a.full for a in before.addresses}
        assert after.listing.programs == before.listing.programs
        assert after.listing.listed_on == before.listing.listed_on
        assert after.listing.legal_basis == before.listing.legal_basis
        assert {(r.kind, r.target_name) for r in after.relations} == {
            (r.kind, r.target_name) for r in before.relations
        }


def test_round_trip_of_official_loaders(tmp_path: Path) -> None:
    eu = load_eu_fsf_xml(FIXTURES / "eu_fsf" / "xmlFullSanctionsList_1_1.xml").entities
    uk = load_uk_ofsi_csv(FIXTURES / "uk_ofsi" / "ConList_sample.csv").entities
    for entities in (eu, uk):
        again = _round_trip(entities, tmp_path)
        assert [_signature(e) for e in again] == [_signature(e) for e in entities]
        assert [e.addresses for e in again] == [e.addresses for e in entities]
        assert [e.refs for e in again] == [
            [r for r in e.refs if r.startswith("un:")] for e in entities
        ]


def test_export_shape_and_stability(zala) -> None:
    exported = list(export_ftm(zala.entities))
    assert exported == list(export_ftm(zala.entities))  # ids and order are stable
    ids = [e["id"] for e in exported]
    assert len(ids) == len(set(ids)), "each FtM id once (links from both sides deduplicated)"
    assert all(FTM_ID.match(i) for i in ids)
    things = [e for e in exported if e["schema"] in ("Person", "Company")]
    assert len(things) == 17
    sanctions = [e for e in exported if e["schema"] == "Sanction"]
    assert len(sanctions) == 17
    zakharov = next(s for s in sanctions if s["id"] == "zala-NK-aU5ybkbRFJucf8YMwsJvDw-sanction")
    props = zakharov["properties"]
    assert props["entity"] == ["zala-NK-aU5ybkbRFJucf8YMwsJvDw"]
    assert "UKR" in props["program"] and props["startDate"] == ["2023-07-01"]
    assert "State Secretariat for Economic Affairs" in props["authority"]
    assert props["sourceUrl"]
    ownerships = [e for e in exported if e["schema"] == "Ownership"]
    assert len(ownerships) == 11
    for thing in things:  # our own bookkeeping properties are not FtM properties
        assert not {"sanctionReason", "sanctionAuthority", "ftmSchema"} & set(thing["properties"])


def test_export_of_an_official_entity(tmp_path: Path) -> None:
    eu = load_eu_fsf_xml(FIXTURES / "eu_fsf" / "xmlFullSanctionsList_1_1.xml")
    exported = list(export_ftm(eu.entities))
    company = next(e for e in exported if e["id"] == "eu-fsf-900002")
    assert company["schema"] == "Organization"
    assert company["properties"]["name"] == ["NORTHERN STAR SHIPPING COMPANY LIMITED"]
    assert company["properties"]["weakAlias"] == ["NSSC"]
    assert company["properties"]["imoNumber"] == ["5342194"]
    sanction = next(e for e in exported if e["id"] == "eu-fsf-900002-sanction")
    assert sanction["properties"]["unscId"] == ["KPe.901"]
    assert sanction["properties"]["authority"] == ["European Commission, DG FISMA"]
    assert sanction["properties"]["reason"] == ["2016/315 (OJ L60)"]
    passports = [e for e in exported if e["schema"] == "Passport"]
    assert {(p["properties"]["number"][0], p["properties"]["country"][0]) for p in passports} == {
        ("751234567", "ru"),
        ("K0123456", "cy"),
    }


# --- bad input ---------------------------------------------------------------------------


def test_non_json_line_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.ftm.json"
    path.write_text(
        '{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n\n{"id": "b", "sch\n',
        encoding="utf-8",
    )
    with pytest.raises(ListFormatError, match="not a JSON object") as err:
        load_ftm_json(path)
    assert err.value.line == 3 and err.value.file == "bad.ftm.json"


def test_json_that_is_not_an_entity(tmp_path: Path) -> None:
    path = tmp_path / "bad.ftm.json"
    path.write_text('["a", "b"]\n', encoding="utf-8")
    with pytest.raises(ListFormatError, match='expected {"id"') as err:
        load_ftm_json(path)
    assert err.value.line == 1


def test_empty_and_html(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ftm.json"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="empty"):
        load_ftm_json(empty)
    page = tmp_path / "page.ftm.json"
    page.write_text("<!DOCTYPE html><html><body>rate limited</body></html>", encoding="utf-8")
    with pytest.raises(ListFormatError, match="HTML"):
        load_ftm_json(page)
