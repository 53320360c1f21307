"""UN Security Council Consolidated List, XML format (`consolidated.xml`).

The UN publishes one XML document: `CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL` and
`CONSOLIDATED_LIST/ENTITIES/ENTITY`, each keyed by a permanent `REFERENCE_NUMBER`
(e.g. `QDi.001`). That number is what other lists cite ("UN Ref QDi.001"), so it is
both the source id and the cross-list ref `un:<reference>`.

The loader is strict about structure (root, sections, reference number, name,
list type, listing date) and lenient about content: a country or date it cannot
read is kept in `raw` and counted in `stats`, never guessed.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

from lxml import etree

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_fields import with_derived_names
from clearance.loaders.name_scripts import non_latin_script
from clearance.loaders.result import LoadResult
from clearance.loaders.safe_xml import parse_xml
from clearance.loaders.source_files import read_source, refuse_html
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
    parse_partial_date,
    to_country_code,
)

LIST_ID = "un-sc"
ROOT_TAG = "CONSOLIDATED_LIST"
SECTIONS = (("INDIVIDUALS", "INDIVIDUAL", "Person"), ("ENTITIES", "ENTITY", "Organization"))
REQUIRED = ("REFERENCE_NUMBER", "FIRST_NAME", "UN_LIST_TYPE", "LISTED_ON")

_ALIAS_KINDS = {
    "": NameKind.ALIAS,
    "good": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "aka": NameKind.ALIAS,
    "low": NameKind.WEAK,
    "f.k.a.": NameKind.FORMER,
    "fka": NameKind.FORMER,
}
# An alias the UN annotates as the entry's earlier listed name is a former name.
_FORMER_NOTES = ("previously listed as", "formerly listed as")

# UN spellings that the shared country table does not (yet) know.
_UN_COUNTRIES = {
    "china, hong kong special administrative region": "HK",
    "china, macao special administrative region": "MO",
    "former soviet union": "SU",
}

_SPACE = re.compile(r"\s+")
_XSD_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:Z|[+-]\d{2}:\d{2})?$")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


def _text(element: etree._Element, tag: str) -> str | None:
    return _clean(element.findtext(tag))


def _values(element: etree._Element, tag: str) -> list[str]:
    """Texts of `<TAG><VALUE>…</VALUE></TAG>` groups, the UN's multi-value shape."""
    found = []
    for value in element.iterfind(f"{tag}/VALUE"):
        text = _clean(value.text)
        if text:
            found.append(text)
    return found


def _country_code(text: str | None) -> str | None:
    if not text:
        return None
    code = to_country_code(text)
    if code:
        return code
    lowered = text.lower()
    if lowered in _UN_COUNTRIES:
        return _UN_COUNTRIES[lowered]
    # "Iran (Islamic Republic of)" is pycountry's "Iran, Islamic Republic of".
    if m := re.match(r"^(.*?)\s*\((.+)\)$", text):
        return to_country_code(f"{m.group(1)}, {m.group(2)}") or to_country_code(m.group(1))
    return None


def _to_raw(element: etree._Element) -> Any:
    """The element as plain JSON-able data: text for leaves, dicts (lists if repeated)."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return _clean(element.text)
    data: dict[str, Any] = {}
    for child in children:
        value = _to_raw(child)
        if child.tag not in data:
            data[child.tag] = value
        elif isinstance(data[child.tag], list):  # leaves are never lists, so this is a repeat
            data[child.tag].append(value)
        else:
            data[child.tag] = [data[child.tag], value]
    return data


class _Record:
    """One INDIVIDUAL or ENTITY being read; collects facts and counts problems."""

    def __init__(self, element: etree._Element, path: str, file: str, stats: Counter[str]):
        self.element = element
        self.path = path
        self.file = file
        self.stats = stats

    def required(self, tag: str) -> str:
        value = _text(self.element, tag)
        if value is None:
            raise ListFormatError(
                self.file,
                f"missing or empty <{tag}>",
                line=self.element.sourceline,
                element=f"{self.path}/{tag}",
            )
        return value

    def country(self, text: str | None) -> str | None:
        code = _country_code(text)
        if text and code is None:
            self.stats["unmapped_countries"] += 1
        return code


def _person_name(record: _Record, list_type: str) -> Name:
    parts = [
        p
        for p in (
            _text(record.element, t)
            for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        )
        if p
    ]
    full = " ".join(parts)
    if len(parts) == 1:
        return Name(full, NameKind.PRIMARY, first_name=None, last_name=parts[0])
    if list_type == "DPRK":
        # The UN writes Korean names family name first, in FIRST_NAME ("JANG" "SONG CHOL").
        return Name(full, NameKind.PRIMARY, first_name=" ".join(parts[1:]), last_name=parts[0])
    middle = " ".join(parts[1:-1]) or None
    return Name(
        full, NameKind.PRIMARY, first_name=parts[0], middle_name=middle, last_name=parts[-1]
    )


def _aliases(record: _Record, tag: str) -> list[Name]:
    names = []
    for alias in record.element.iterfind(tag):
        value = _text(alias, "ALIAS_NAME")
        if not value:
            continue
        quality = (_text(alias, "QUALITY") or "").lower()
        kind = _ALIAS_KINDS.get(quality)
        if kind is None:
            record.stats["unknown_alias_quality"] += 1
            kind = NameKind.ALIAS
        note = (_text(alias, "NOTE") or "").lower()
        if kind is NameKind.ALIAS and note.startswith(_FORMER_NOTES):
            kind = NameKind.FORMER
        names.append(Name(value, kind, script=non_latin_script(value)))
    for original in record.element.iterfind("NAME_ORIGINAL_SCRIPT"):
        value = _clean(original.text)
        if value:
            names.append(Name(value, NameKind.ALIAS, script=non_latin_script(value)))
    return names


def _birth_date(record: _Record, dob: etree._Element) -> PartialDate | None:
    kind = (_text(dob, "TYPE_OF_DATE") or "").upper()
    note = _text(dob, "NOTE")
    circa = kind == "APPROXIMATELY" or (note or "").lower().startswith("approx")
    date_text, year = _text(dob, "DATE"), _text(dob, "YEAR")
    from_year, to_year = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
    parsed: PartialDate | None = None
    if date_text:
        parsed = parse_partial_date(date_text)
    elif year and note and not circa:
        # <YEAR>1958</YEAR><NOTE>Sep.</NOTE> means September 1958.
        parsed = parse_partial_date(f"{note} {year}") or parse_partial_date(year)
    elif year:
        parsed = parse_partial_date(year)
    elif from_year and to_year:
        start, end = parse_partial_date(from_year), parse_partial_date(to_year)
        if start and end:
            parsed = PartialDate(start.value, end=end.value)
    elif note:
        parsed = parse_partial_date(note)
    elif not any((date_text, year, from_year, to_year)):
        return None  # an empty <INDIVIDUAL_DATE_OF_BIRTH> placeholder
    if parsed is None:
        record.stats["unparsed_birth_dates"] += 1
        return None
    if circa and not parsed.circa:
        parsed = PartialDate(parsed.value, True, parsed.end)
    return parsed


def _place(element: etree._Element, tags: tuple[str, ...]) -> str | None:
    parts = [p for p in (_text(element, t) for t in tags) if p]
    return ", ".join(parts) or None


def _identifier(record: _Record, doc: etree._Element) -> Identifier | None:
    number = _text(doc, "NUMBER")
    if not number:
        if len(doc):
            record.stats["documents_without_number"] += 1
        return None
    main = _text(doc, "TYPE_OF_DOCUMENT") or ""
    label = _text(doc, "TYPE_OF_DOCUMENT2") or main or "document"
    folded = f"{main} {label}".lower()
    if any(w in label.lower() for w in ("passport", "pasaporte", "passeport")):
        kind = IdentifierType.PASSPORT
    elif "fiscal code" in folded or "tax" in folded:
        kind = IdentifierType.TAX_ID
    elif any(w in label.lower() for w in ("birth certificate", "ration card")):
        kind = IdentifierType.OTHER
    elif "identif" in folded or "identity" in folded or "national" in folded:
        kind = IdentifierType.NATIONAL_ID
    else:
        kind = IdentifierType.OTHER
    country = record.country(_text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE"))
    details = [label]
    if issued := _text(doc, "DATE_OF_ISSUE"):
        details.append(f"issued {issued}")
    if city := _text(doc, "CITY_OF_ISSUE"):
        details.append(f"in {city}")
    if note := _text(doc, "NOTE"):
        details.append(note)
    return Identifier(kind, number, country=country, note="; ".join(details))


def _address(record: _Record, element: etree._Element) -> Address | None:
    street, city = _text(element, "STREET"), _text(element, "CITY")
    region, postal = _text(element, "STATE_PROVINCE"), _text(element, "ZIP_CODE")
    country_text = _text(element, "COUNTRY")
    full = ", ".join(p for p in (street, city, region, postal, country_text) if p)
    if not full:
        full = _text(element, "NOTE") or ""
    if not full:
        return None
    return Address(full, street, city, region, postal, record.country(country_text))


def _add_country(entity: Entity, code: str | None, role: CountryRole) -> None:
    if code and Country(code, role) not in entity.countries:
        entity.countries.append(Country(code, role))


def _read_record(record: _Record, tag: str, schema: str, index: int) -> Entity:
    el = record.element
    reference = record.required("REFERENCE_NUMBER")
    record.required("FIRST_NAME")
    list_type = record.required("UN_LIST_TYPE")
    listed_text = record.required("LISTED_ON")
    # xsd:date may carry a zone offset ("2015-04-07-04:00"); the day is what counts.
    listed = parse_partial_date(listed_text[:10]) if _XSD_DATE.match(listed_text) else None
    if listed is None or len(listed.value) != 10:
        raise ListFormatError(
            record.file,
            f"<LISTED_ON> is not a date: {listed_text!r}",
            line=el.sourceline,
            element=f"{record.path}/LISTED_ON",
        )
    if schema == "Person":
        primary = _person_name(record, list_type)
    else:
        primary = Name(record.required("FIRST_NAME"))
    names = [primary]
    for name in _aliases(record, f"{tag}_ALIAS"):
        if name not in names:
            names.append(name)
    names = with_derived_names(names, person=schema == "Person")
    titles = _values(el, "TITLE")
    designations = _values(el, "DESIGNATION")
    entity = Entity(
        id=f"{LIST_ID}:{reference}",
        schema=schema,
        listing=Listing(
            list_id=LIST_ID,
            programs=(list_type,),
            listed_on=listed.value,
        ),
        names=names,
        titles=titles + [d for d in designations if d not in titles],
        remarks=_text(el, "COMMENTS1"),
        refs=[f"un:{reference}"],
        source_ref=f"{record.file} {tag}[{index}] line {el.sourceline}",
        raw=_to_raw(el),
    )
    if designations:
        entity.properties["position"] = designations
    if updated := _values(el, "LAST_DAY_UPDATED"):
        entity.properties["modifiedAt"] = updated
    if gender := _text(el, "GENDER"):
        entity.gender = gender.lower()
    for nationality in _values(el, "NATIONALITY"):
        _add_country(entity, record.country(nationality), CountryRole.NATIONALITY)
    for address_el in el.iterfind(f"{tag}_ADDRESS"):
        if address := _address(record, address_el):
            entity.addresses.append(address)
            _add_country(entity, address.country, CountryRole.ADDRESS)
    for dob in el.iterfind(f"{tag}_DATE_OF_BIRTH"):
        if (date := _birth_date(record, dob)) and date not in entity.birth_dates:
            entity.birth_dates.append(date)
    place_tags = ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")
    for pob in el.iterfind(f"{tag}_PLACE_OF_BIRTH"):
        if (place := _place(pob, place_tags)) and place not in entity.birth_places:
            entity.birth_places.append(place)
            _add_country(entity, record.country(_text(pob, "COUNTRY")), CountryRole.BIRTH)
    # Aliases may carry their own birth data (identities used under that alias).
    for alias in el.iterfind(f"{tag}_ALIAS"):
        dob_text = _text(alias, "DATE_OF_BIRTH")
        if dob_text and (date := parse_partial_date(dob_text)) and date not in entity.birth_dates:
            entity.birth_dates.append(date)
        place = _place(alias, ("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"))
        if place and place not in entity.birth_places:
            entity.birth_places.append(place)
            code = record.country(_text(alias, "COUNTRY_OF_BIRTH"))
            _add_country(entity, code, CountryRole.BIRTH)
    for doc in el.iterfind(f"{tag}_DOCUMENT"):
        if (identifier := _identifier(record, doc)) and identifier not in entity.identifiers:
            entity.identifiers.append(identifier)
    return entity


def _published(root: etree._Element, file: str) -> str:
    generated = root.get("dateGenerated")
    date = parse_partial_date((generated or "")[:10])
    if date is None or len(date.value) != 10:
        raise ListFormatError(
            file,
            f"root attribute dateGenerated missing or not a date: {generated!r}",
            line=root.sourceline,
            element=f"/{ROOT_TAG}/@dateGenerated",
        )
    return date.value


def load_un_sc_xml(path: Path) -> LoadResult:
    """Read the UN consolidated list (plain or .gz) into `un-sc:<reference>` entities."""
    file = path.name
    data = read_source(path)
    refuse_html(data[:1024].decode("utf-8", errors="replace"), file)
    root = parse_xml(io.BytesIO(data), file)
    if root.tag != ROOT_TAG:
        raise ListFormatError(
            file,
            f"root element is <{root.tag}>, expected <{ROOT_TAG}>: not a UN consolidated list",
            line=root.sourceline,
            element=f"/{root.tag}",
        )
    published = _published(root, file)
    stats: Counter[str] = Counter()
    entities: list[Entity] = []
    seen: dict[str, str] = {}
    for section_tag, tag, schema in SECTIONS:
        section = root.find(section_tag)
        if section is None:
            raise ListFormatError(
                file, f"missing section <{section_tag}>", element=f"/{ROOT_TAG}/{section_tag}"
            )
        index = 0
        for child in section:
            if not isinstance(child.tag, str):
                continue  # XML comments
            index += 1
            path_text = f"/{ROOT_TAG}/{section_tag}/{child.tag}[{index}]"
            if child.tag != tag:
                raise ListFormatError(
                    file,
                    f"unexpected <{child.tag}> in <{section_tag}>, expected <{tag}>",
                    line=child.sourceline,
                    element=path_text,
                )
            entity = _read_record(_Record(child, path_text, file, stats), tag, schema, index)
            if entity.id in seen:
                raise ListFormatError(
                    file,
                    f"reference number {entity.source_id} appears twice "
                    f"(first at {seen[entity.id]})",
                    line=child.sourceline,
                    element=f"{path_text}/REFERENCE_NUMBER",
                )
            seen[entity.id] = path_text
            entities.append(entity)
            stats[schema] += 1
    if not entities:
        raise ListFormatError(
            file, "the list has no INDIVIDUAL and no ENTITY", element=f"/{ROOT_TAG}"
        )
    warnings = []
    if stats["unmapped_countries"]:
        warnings.append(f"{stats['unmapped_countries']} country names not mapped to ISO codes")
    if stats["unparsed_birth_dates"]:
        warnings.append(f"{stats['unparsed_birth_dates']} birth dates not readable (kept in raw)")
    return LoadResult(LIST_ID, entities, published, warnings, dict(stats))
