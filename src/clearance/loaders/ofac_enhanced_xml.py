"""OFAC's "enhanced" XML of the consolidated non-SDN lists (CONS_ENHANCED.ZIP).

Same parties as CONS_PRIM.CSV, but typed: identity documents, features (ISIN,
equity ticker, CMIC dates...), relationships and, per entity, the OFAC lists it is
on. Features and documents are named exactly like the labels of the CSV remarks,
so they go through the same `RemarkFacts` table and the two loaders agree.

Entity ids are `ofac-nonsdn:<entity id>` (the same number as the CSV's ent_num).
`Listing.sub_list` comes from the entity's own `sanctionsList`s (NS-CMIC, SSI,
NS-MBS, NS-PLC, CAPTA, FSE, NS-ISA; all of them, SDN included, in
`properties["subLists"]` when there are several). A related entity that is not in
the file is taken to be on the SDN list (`ofac-sdn:<id>`), the only other place
an OFAC entity number can point to.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from lxml import etree

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_fields import with_derived_names
from clearance.loaders.ofac_remarks import (
    RemarkFacts,
    apply_remark_facts,
    is_company,
    listing_dates,
    ofac_country_code,
    parse_ofac_remarks,
    relation_kind,
)
from clearance.loaders.result import LoadResult
from clearance.loaders.safe_xml import parse_xml
from clearance.loaders.source_files import read_source, read_zip_member
from clearance.model import (
    Address,
    Country,
    CountryRole,
    Entity,
    IdentifierType,
    Listing,
    Name,
    NameKind,
    PartialDate,
    Relation,
    parse_partial_date,
)

LIST_ID = "ofac-nonsdn"
_SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
_SUB_LISTS = {
    "Non-SDN CMIC List": "NS-CMIC",
    "Sectoral Sanctions Identifications List": "SSI",
    "Non-SDN Menu-Based Sanctions List": "NS-MBS",
    "CAPTA List": "CAPTA",
    "Non-SDN Palestinian Legislative Council List": "NS-PLC",
    "FSE List": "FSE",
    "Non-SDN Iran Sanctions Act List": "NS-ISA",
    "SDN List": "SDN",
}
_SUB_LIST_ORDER = ("NS-CMIC", "SSI", "NS-MBS", "CAPTA", "NS-PLC", "FSE", "NS-ISA", "SDN")
_STREET_PARTS = ("ADDRESS1", "ADDRESS2", "ADDRESS3")


class _Doc:
    """Namespace-qualified lookups in one document (OFAC changes the URI between releases)."""

    def __init__(self, root: etree._Element, name: str):
        self.name = name
        self.uri = etree.QName(root).namespace

    def q(self, path: str) -> str:
        if not self.uri:
            return path
        return "/".join(f"{{{self.uri}}}{step}" for step in path.split("/"))

    def text(self, element: etree._Element, path: str) -> str | None:
        value = element.findtext(self.q(path))
        return value.strip() if value and value.strip() else None

    def all(self, element: etree._Element, path: str) -> list[etree._Element]:
        return list(element.iterfind(self.q(path)))

    def fail(self, element: etree._Element, where: str, message: str) -> ListFormatError:
        return ListFormatError(self.name, message, line=element.sourceline, element=where)


def load_ofac_enhanced_xml(path: Path) -> LoadResult:
    """Load CONS_ENHANCED.ZIP (or the bare CONS_ENHANCED.XML, optionally gzipped)."""
    data = read_source(path)
    name = path.name
    if data[:4] == b"PK\x03\x04":
        member, data = read_zip_member(path, ".xml")
        name = f"{path.name}:{member}"
    root = parse_xml(io.BytesIO(data), name)
    doc = _Doc(root, name)
    if etree.QName(root).localname != "sanctionsData":
        raise doc.fail(
            root,
            etree.QName(root).localname,
            "expected root element <sanctionsData> of OFAC's enhanced XML",
        )
    entities_el = root.find(doc.q("entities"))
    if entities_el is None:
        raise doc.fail(root, "sanctionsData/entities", "no <entities> element")
    published = doc.text(root, "publicationInfo/dataAsOf")
    scripts = {
        rv.get("refId"): doc.text(rv, "code")
        for rv in doc.all(root, "referenceValues/referenceValue")
        if doc.text(rv, "type") == "SCRIPT"
    }
    stats: Counter[str] = Counter()
    entities = [_entity(doc, el, scripts, stats) for el in entities_el.iterfind(doc.q("entity"))]
    if not entities:
        raise doc.fail(entities_el, "sanctionsData/entities", "no <entity> in <entities>")
    ids = {e.source_id for e in entities}
    for entity in entities:
        entity.relations = [
            Relation(r.kind, r.target_name, _target(r.target_id, ids)) for r in entity.relations
        ]
        stats[f"schema.{entity.schema}"] += 1
    stats["entities"] = len(entities)
    warnings = []
    if published is None:
        warnings.append(f"{name}: no publicationInfo/dataAsOf; publication date unknown")
    return LoadResult(
        LIST_ID, entities, published[:10] if published else None, warnings, dict(stats)
    )


def _target(source_id: str | None, ids: set[str]) -> str | None:
    if source_id is None:
        return None
    return f"{LIST_ID}:{source_id}" if source_id in ids else f"ofac-sdn:{source_id}"


def _entity(
    doc: _Doc, el: etree._Element, scripts: dict[str | None, str | None], stats: Counter[str]
) -> Entity:
    ent = (el.get("id") or "").strip()
    where = f"entity[@id={ent or '?'}]"
    if not ent.isdigit():
        raise doc.fail(el, where, f"entity id must be a number, found {el.get('id')!r}")
    entity_type = doc.text(el, "generalInfo/entityType")
    if entity_type is None:
        raise doc.fail(el, f"{where}/generalInfo/entityType", "entity without an entityType")
    person = entity_type.lower() == "individual"
    names = _names(doc, el, person, scripts)
    if not any(n.kind is NameKind.PRIMARY for n in names):
        raise doc.fail(el, f"{where}/names", "entity without a primary name")

    remarks = doc.text(el, "generalInfo/remarks")
    facts = parse_ofac_remarks(remarks)
    _features(doc, el, facts)
    for document in doc.all(el, "identityDocuments/identityDocument"):
        label = doc.text(document, "type") or "ID document"
        number = doc.text(document, "documentNumber")
        country = doc.text(document, "issuingCountry")
        if number and not facts.add(label, number, country=country):
            facts.add_identifier(IdentifierType.OTHER, number, label, country)
    facts.count_into(stats)

    lists = {
        _SUB_LISTS.get(x.text.strip(), x.text.strip()): x.get("datePublished")
        for x in doc.all(el, "sanctionsLists/sanctionsList")
        if x.text and x.text.strip() != "Consolidated List"
    }
    subs = sorted(lists, key=lambda s: _SUB_LIST_ORDER.index(s) if s in _SUB_LIST_ORDER else 99)
    sub_list = next((s for s in subs if s != "SDN"), subs[0] if subs else None)
    listed_on, effective_on, divestment_on = listing_dates(facts)
    schema = _SCHEMAS.get(entity_type.lower()) or (
        "Company" if is_company(facts) else "Organization"
    )
    entity = Entity(
        id=f"{LIST_ID}:{ent}",
        schema=schema,
        listing=Listing(
            LIST_ID,
            sub_list=sub_list,
            programs=tuple(
                x.text.strip() for x in doc.all(el, "sanctionsPrograms/sanctionsProgram") if x.text
            ),
            listed_on=listed_on or (lists.get(sub_list) if sub_list else None),
            effective_on=effective_on,
            divestment_on=divestment_on,
            legal_basis=tuple(
                x.text.strip() for x in doc.all(el, "legalAuthorities/legalAuthority") if x.text
            ),
        ),
        names=names,
        addresses=_addresses(doc, el),
        remarks=remarks,
        refs=[f"ofac:{ent}"],
        source_ref=f"{doc.name} entity id={ent} line {el.sourceline}",
        raw={"xml": etree.tostring(el, encoding="unicode")},
    )
    if len(subs) > 1:
        entity.properties["subLists"] = subs
    types = [x.text.strip() for x in doc.all(el, "sanctionsTypes/sanctionsType") if x.text]
    if types:
        entity.properties["sanctionsType"] = types
    for address in entity.addresses:
        if (
            address.country
            and Country(address.country, CountryRole.ADDRESS) not in entity.countries
        ):
            entity.countries.append(Country(address.country, CountryRole.ADDRESS))
    apply_remark_facts(entity, facts)
    entity.names = with_derived_names(entity.names, person=person, invert=True)
    for rel in doc.all(el, "relationships/relationship"):
        related = rel.find(doc.q("relatedEntity"))
        if related is None or not (related.text or "").strip():
            continue
        entity.relations.append(
            Relation(
                relation_kind(doc.text(rel, "type")), related.text.strip(), related.get("entityId")
            )
        )
    return entity


def _names(
    doc: _Doc, el: etree._Element, person: bool, scripts: dict[str | None, str | None]
) -> list[Name]:
    names: list[Name] = []
    for name_el in doc.all(el, "names/name"):
        alias_type = (doc.text(name_el, "aliasType") or "").upper()
        if doc.text(name_el, "isPrimary") == "true":
            kind = NameKind.PRIMARY
        elif doc.text(name_el, "isLowQuality") == "true":
            kind = NameKind.WEAK
        elif alias_type == "F.K.A.":
            kind = NameKind.FORMER
        else:
            kind = NameKind.ALIAS
        for tr in doc.all(name_el, "translations/translation"):
            full = doc.text(tr, "formattedFullName")
            if full is None:
                continue
            script_el = tr.find(doc.q("script"))
            script = scripts.get(script_el.get("refId")) if script_el is not None else None
            latin = doc.text(tr, "isPrimary") == "true" or script in (None, "Latin", "Latn")
            name = Name(
                full,
                kind if latin or kind is not NameKind.PRIMARY else NameKind.ALIAS,
                first_name=doc.text(tr, "formattedFirstName") if person else None,
                last_name=doc.text(tr, "formattedLastName") if person else None,
                script=None if latin else script,
            )
            if name not in names:
                names.append(name)
    return names


def _addresses(doc: _Doc, el: etree._Element) -> list[Address]:
    addresses: list[Address] = []
    for ad in doc.all(el, "addresses/address"):
        country = doc.text(ad, "country")
        parts: dict[str, list[str]] = {}
        for tr in doc.all(ad, "translations/translation"):
            if doc.text(tr, "isPrimary") != "true":
                continue
            for part in doc.all(tr, "addressParts/addressPart"):
                kind, value = doc.text(part, "type"), doc.text(part, "value")
                if kind and value:
                    parts.setdefault(kind.upper(), []).append(value)
        street = ", ".join(v for k in _STREET_PARTS for v in parts.get(k, [])) or None
        city = ", ".join(parts.get("CITY", [])) or None
        region = ", ".join(parts.get("STATE/PROVINCE", []) + parts.get("REGION", [])) or None
        postal = ", ".join(parts.get("POSTAL CODE", [])) or None
        full = ", ".join(p for p in (street, city, region, postal, country) if p)
        if full:
            addresses.append(
                Address(full, street, city, region, postal, ofac_country_code(country))
            )
    return addresses


def _features(doc: _Doc, el: etree._Element, facts: RemarkFacts) -> None:
    for feature in doc.all(el, "features/feature"):
        label = doc.text(feature, "type")
        value = doc.text(feature, "value") or ""
        if label is None:
            continue
        date = None
        period = feature.find(doc.q("valueDate"))
        if period is not None:
            date = parse_partial_date(value) or _value_date(doc, period)
        if not facts.add(label, value, date=date):
            facts.unparsed.append(f"{label}: {value}")


def _value_date(doc: _Doc, period: etree._Element) -> PartialDate | None:
    """A date from `valueDate` when the display text is not readable."""
    start, end = doc.text(period, "fromDateBegin"), doc.text(period, "toDateEnd")
    if not start:
        return None
    circa = doc.text(period, "isApproximate") == "true"
    start, end = start[:10], (end or start)[:10]
    if start == end:
        return PartialDate(start, circa)
    if start[5:] == "01-01" and end[5:] == "12-31":
        if start[:4] == end[:4]:
            return PartialDate(start[:4], circa)
        return PartialDate(start[:4], circa, end[:4])
    return PartialDate(start, circa, end)
