"""EU Financial Sanctions File, XML format 1.1 (`xmlFullSanctionsList_1_1`).

Root `export` (default namespace `http://eu.europa.ec/fpi/fsd/export`, attribute
`generationDate`) holding one `sanctionEntity` per listed party, with children
`regulation`, `subjectType`, `nameAlias`, `citizenship`, `birthdate`,
`identification`, `address` and `remark`; facts live in attributes.

No real EU file is available to this project: the loader was built from the
published format (the 1.1 schema's element and attribute names, and published
excerpts of the file) and is tested on a hand-written fixture,
`tests/fixtures/eu_fsf/xmlFullSanctionsList_1_1.xml`. Run it on a real download
before trusting its figures.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_fields import with_derived_names
from clearance.loaders.name_scripts import non_latin_script
from clearance.loaders.result import LoadResult
from clearance.loaders.safe_xml import parse_xml
from clearance.loaders.source_files import read_source
from clearance.model import (
    Address,
    Country,
    CountryRole,
    Entity,
    Identifier,
    IdentifierType,
    Listing,
    Name,
    NameKind,
    PartialDate,
)

LIST_ID = "eu-fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"

_SCHEMAS = {"person": "Person", "enterprise": "Organization"}
_GENDERS = {"M": "male", "F": "female"}
_ID_TYPES = {
    "passport": IdentifierType.PASSPORT,
    "id": IdentifierType.NATIONAL_ID,
    "nationcert": IdentifierType.NATIONAL_ID,
    "NRN": IdentifierType.NATIONAL_ID,
    "ssn": IdentifierType.NATIONAL_ID,
    "fiscalcode": IdentifierType.TAX_ID,
    "regnumber": IdentifierType.REGISTRATION,
    "swiftbic": IdentifierType.SWIFT_BIC,
    "imo": IdentifierType.IMO,
}
_CONTACTS = {
    "PHONE": IdentifierType.PHONE,
    "FAX": IdentifierType.PHONE,
    "EMAIL": IdentifierType.EMAIL,
    "WEB": IdentifierType.WEBSITE,
}
# "(a) Mullah, (b) Maulavi" in title and function attributes.
_LETTER_ENUM = re.compile(r"\([a-z]\)\s*")
_LOW_QUALITY = re.compile(r"\blow?w? quality\b", re.I)


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _attr(element: etree._Element, name: str) -> str | None:
    value = element.get(name)
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _country(element: etree._Element) -> str | None:
    code = (element.get("countryIso2Code") or "").strip().upper()
    if not code or code == "00" or len(code) != 2:
        return None
    return "RS" if code == "CS" else code  # Serbia and Montenegro's retired code


def _bool(element: etree._Element, name: str) -> bool:
    return (element.get(name) or "").strip().lower() == "true"


def _letters(text: str | None) -> list[str]:
    if not text:
        return []
    return [p.strip(" ,;") for p in _LETTER_ENUM.split(text) if p.strip(" ,;")]


def load_eu_fsf_xml(path: Path) -> LoadResult:
    """Load the EU FSF 1.1 XML (optionally gzipped) into one entity per sanctionEntity."""
    name = path.name
    root = parse_xml(io.BytesIO(read_source(path)), name)
    if etree.QName(root).localname != "export" or etree.QName(root).namespace not in (
        NAMESPACE,
        None,
    ):
        raise ListFormatError(
            name,
            f'root element is <{root.tag}>, expected <export xmlns="{NAMESPACE}"> (EU FSF XML 1.1)',
            element=str(root.tag),
            line=root.sourceline,
        )
    ns = etree.QName(root).namespace
    tag: Callable[[str], str] = _q if ns else str
    published = (root.get("generationDate") or "")[:10] or None
    if published:
        try:
            date.fromisoformat(published)
        except ValueError as exc:
            raise ListFormatError(
                name,
                f"generationDate {root.get('generationDate')!r} is not a date",
                element="export",
            ) from exc
    stats: Counter[str] = Counter()
    warnings: list[str] = []
    entities = []
    seen: set[str] = set()
    for index, element in enumerate(root.iterchildren(tag("sanctionEntity")), start=1):
        entity = _entity(element, index, name, tag, stats, warnings)
        if entity.id in seen:
            raise ListFormatError(
                name,
                f"logicalId {entity.source_id} appears twice",
                element=f"sanctionEntity[{index}]",
                line=element.sourceline,
            )
        seen.add(entity.id)
        entities.append(entity)
    if not entities:
        raise ListFormatError(
            name, "no sanctionEntity elements: empty or truncated export", element="export"
        )
    stats["entities"] = len(entities)
    return LoadResult(LIST_ID, entities, published, warnings, dict(stats))


def _entity(
    element: etree._Element,
    index: int,
    name: str,
    tag: Callable[[str], str],
    stats: Counter[str],
    warnings: list[str],
) -> Entity:
    where = f"sanctionEntity[{index}]"
    logical_id = _attr(element, "logicalId")
    if logical_id is None:
        raise ListFormatError(
            name, "sanctionEntity without logicalId", element=where, line=element.sourceline
        )
    subject = element.find(tag("subjectType"))
    code = subject.get("code") if subject is not None else None
    schema = _SCHEMAS.get(code or "")
    if schema is None:
        schema = "LegalEntity"
        warnings.append(f"{where} (logicalId {logical_id}): subject type {code!r} unknown")
    stats[schema] += 1

    names: list[Name] = []
    titles: list[str] = []
    properties: dict[str, list[str]] = {}
    remarks: list[str] = []
    gender: str | None = None

    def prop(key: str, value: str | None) -> None:
        if value and value not in properties.setdefault(key, []):
            properties[key].append(value)

    for alias in element.iterchildren(tag("nameAlias")):
        first, middle, last = (_attr(alias, a) for a in ("firstName", "middleName", "lastName"))
        whole = _attr(alias, "wholeName") or " ".join(p for p in (first, middle, last) if p)
        if not whole:
            continue
        weak = (alias.get("strong") or "true").strip().lower() == "false"
        remark = alias.findtext(tag("remark"))
        if remark and _LOW_QUALITY.search(remark):
            weak = True
        elif remark:
            remarks.append(remark.strip())
        known = next((i for i, n in enumerate(names) if n.value == whole), None)
        if known is None:
            names.append(
                Name(
                    whole,
                    NameKind.WEAK if weak else NameKind.ALIAS,
                    first_name=first,
                    middle_name=middle,
                    last_name=last,
                    script=non_latin_script(whole),
                )
            )
        elif not weak and names[known].kind is NameKind.WEAK:
            names[known] = replace(names[known], kind=NameKind.ALIAS)
        if language := _attr(alias, "nameLanguage"):
            prop("nameLanguage", language.lower())
        gender = gender or _GENDERS.get((alias.get("gender") or "").strip().upper())
        for title in _letters(_attr(alias, "title")):
            prop("title", title)
        for function in _letters(_attr(alias, "function")):
            if function not in titles:
                titles.append(function)
    if not names:
        raise ListFormatError(
            name,
            f"sanctionEntity logicalId {logical_id} has no nameAlias with a name",
            element=where,
            line=element.sourceline,
        )
    names = _with_primary(names, element, tag)
    stats["weak_aliases"] += sum(n.kind is NameKind.WEAK for n in names)
    names = with_derived_names(names, person=schema == "Person")

    countries: list[Country] = []

    def add_country(code_: str | None, role: CountryRole) -> None:
        if code_ and Country(code_, role) not in countries:
            countries.append(Country(code_, role))

    for node in element.iterchildren(tag("citizenship")):
        add_country(_country(node), CountryRole.CITIZENSHIP)

    birth_dates: list[PartialDate] = []
    birth_places: list[str] = []
    for node in element.iterchildren(tag("birthdate")):
        born = _birth_date(node)
        if born is not None and born not in birth_dates:
            birth_dates.append(born)
        place = ", ".join(
            p
            for p in (
                _attr(node, "place"),
                _attr(node, "city"),
                _attr(node, "region"),
                _country_description(node),
            )
            if p
        )
        if place and place not in birth_places:
            birth_places.append(place)
        add_country(_country(node), CountryRole.BIRTH)

    identifiers: list[Identifier] = []
    for node in element.iterchildren(tag("identification")):
        number = _attr(node, "number") or _attr(node, "latinNumber")
        if not number:
            stats["identifications_without_number"] += 1
            continue
        type_code = _attr(node, "identificationTypeCode") or ""
        note_parts = [_attr(node, "identificationTypeDescription") or type_code]
        for flag in ("diplomatic", "knownFalse", "knownExpired", "reportedLost", "revokedByIssuer"):
            if _bool(node, flag):
                note_parts.append(flag)
        note_parts.extend(r.text.strip() for r in node.iterchildren(tag("remark")) if r.text)
        identifier = Identifier(
            _ID_TYPES.get(type_code, IdentifierType.OTHER),
            number,
            _country(node),
            "; ".join(p for p in note_parts if p) or None,
        )
        if identifier not in identifiers:
            identifiers.append(identifier)

    addresses: list[Address] = []
    for node in element.iterchildren(tag("address")):
        parts = {
            a: _attr(node, a) for a in ("street", "poBox", "city", "zipCode", "region", "place")
        }
        country = _country(node)
        description = _country_description(node)
        full = ", ".join(
            p
            for p in (
                parts["street"],
                parts["poBox"] and f"P.O. Box {parts['poBox']}",
                parts["place"],
                parts["zipCode"],
                parts["city"],
                parts["region"],
                description,
            )
            if p
        )
        if full:
            address = Address(
                full=full,
                street=parts["street"],
                city=parts["city"],
                region=parts["region"],
                postal_code=parts["zipCode"],
                country=country,
            )
            if address not in addresses:
                addresses.append(address)
            add_country(country, CountryRole.ADDRESS)
        for contact in node.iterchildren(tag("contactInfo")):
            kind = _CONTACTS.get((contact.get("key") or "").strip().upper())
            for value in re.split(r"[,;]\s*|\s+and\s+", contact.get("value") or ""):
                contact_id = Identifier(kind, value.strip()) if kind and value.strip() else None
                if contact_id and contact_id not in identifiers:
                    identifiers.append(contact_id)
        if remark := node.findtext(tag("remark")):
            remarks.append(remark.strip())

    programs: list[str] = []
    legal_basis: list[str] = []
    published: list[str] = []
    in_force: list[str] = []
    source_url: str | None = None
    for node in element.iterchildren(tag("regulation")):
        if (programme := _attr(node, "programme")) and programme not in programs:
            programs.append(programme)
        if (number_title := _attr(node, "numberTitle")) and number_title not in legal_basis:
            legal_basis.append(number_title)
        url = node.findtext(tag("publicationUrl")) or node.get("publicationUrl")
        if url and url.strip():
            legal_basis_url = url.strip()
            source_url = source_url or legal_basis_url
            prop("sourceUrl", legal_basis_url)
        if value := _attr(node, "publicationDate"):
            published.append(value)
        if value := _attr(node, "entryIntoForceDate"):
            in_force.append(value)
    if not programs:
        stats["without_regulation"] += 1

    refs: list[str] = []
    if un_id := _attr(element, "unitedNationId"):
        refs.append(f"un:{un_id}")
        stats["with_un_ref"] += 1
    prop("euReferenceNumber", _attr(element, "euReferenceNumber"))
    if details := _attr(element, "designationDetails"):
        remarks.insert(0, details)
    own_remarks = [
        r.text.strip() for r in element.iterchildren(tag("remark")) if r.text and r.text.strip()
    ]
    if schema != "Person":
        prop("notes", "; ".join(titles) or None)
        titles = []
    stats["identifiers"] += len(identifiers)
    return Entity(
        id=f"{LIST_ID}:{logical_id}",
        schema=schema,
        listing=Listing(
            LIST_ID,
            programs=tuple(programs),
            listed_on=_attr(element, "designationDate") or min(published, default=None),
            effective_on=min(in_force, default=None),
            end_on=_attr(element, "delistingDate"),
            legal_basis=tuple(legal_basis),
            source_url=source_url,
        ),
        names=names,
        addresses=addresses,
        countries=countries,
        birth_dates=birth_dates,
        birth_places=birth_places,
        gender=gender,
        identifiers=identifiers,
        titles=titles,
        remarks="\n".join(own_remarks + remarks) or None,
        properties=properties,
        refs=refs,
        source_ref=f"{name} {where} logicalId={logical_id} (line {element.sourceline})",
        raw=_element_dict(element),
    )


def _with_primary(
    names: list[Name], element: etree._Element, tag: Callable[[str], str]
) -> list[Name]:
    """Mark the primary name: the first strong alias in no particular language (English)."""
    aliases = list(element.iterchildren(tag("nameAlias")))
    languages = {
        " ".join((a.get("wholeName") or "").split()): (a.get("nameLanguage") or "").strip()
        for a in aliases
    }
    strong = [i for i, n in enumerate(names) if n.kind is NameKind.ALIAS]
    plain = [i for i in strong if not languages.get(names[i].value) and names[i].script is None]
    chosen = (plain or strong or [0])[0]
    first = names[chosen]
    primary = replace(first, kind=NameKind.PRIMARY)
    return [primary, *(n for i, n in enumerate(names) if i != chosen)]


def _country_description(node: etree._Element) -> str | None:
    description = _attr(node, "countryDescription")
    return None if description in (None, "UNKNOWN", "00") else description


def _int(node: etree._Element, name: str) -> int | None:
    value = _attr(node, name)
    return int(value) if value and value.isdigit() and int(value) > 0 else None


def _birth_date(node: etree._Element) -> PartialDate | None:
    """From `birthdate` (ISO) or year/monthOfYear/dayOfMonth, or a year range; `circa` kept."""
    circa = _bool(node, "circa")
    start, end = _int(node, "yearRangeFrom"), _int(node, "yearRangeTo")
    if start and end:
        return PartialDate(f"{start:04d}", circa, f"{end:04d}" if end != start else None)
    full = _attr(node, "birthdate")
    if full:
        try:
            return PartialDate(date.fromisoformat(full[:10]).isoformat(), circa)
        except ValueError:
            pass
    year, month, day = _int(node, "year"), _int(node, "monthOfYear"), _int(node, "dayOfMonth")
    if not year:
        return None
    try:
        if month and day:
            return PartialDate(date(year, month, day).isoformat(), circa)
        if month:
            return PartialDate(f"{year:04d}-{month:02d}", circa) if 1 <= month <= 12 else None
    except ValueError:
        return None
    return PartialDate(f"{year:04d}", circa)


def _element_dict(element: etree._Element) -> dict[str, Any]:
    """The element as JSON-able data: its non-empty attributes, text and children by tag."""
    data: dict[str, Any] = {k: v for k, v in element.attrib.items() if v and v.strip()}
    text = (element.text or "").strip()
    if text:
        data["text"] = text
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        tag = etree.QName(child).localname
        if not isinstance(data.get(tag, []), list):  # an attribute (or the text) of that name
            tag += "[]"  # found by bench/fuzz_loaders.py: no attribute name holds brackets
        data.setdefault(tag, []).append(_element_dict(child))
    return data
