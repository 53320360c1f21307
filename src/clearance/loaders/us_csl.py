"""US Consolidated Screening List (trade.gov CSL): what its CSV and JSON readers share.

The CSL merges 13 US lists (OFAC's SDN and non-SDN lists, BIS's Entity List,
Denied Persons, Unverified and MEU lists, State's ITAR debarred and ISN lists)
into one file, one row per (party, list). Every row keeps which list it came
from as `Listing.sub_list` ("EL", "SDN", "DPL" ...) because the legal effect
(licence requirement, blocking, denial) depends on the list, not on the party.

Entity ids are `us-csl:<_id>`. Treasury rows use the OFAC entity number as
`_id`, and one OFAC party appears once per Treasury list it is on (SDN + SSI +
CAPTA ...), so Treasury rows other than SDN get the list as suffix:
`us-csl:18741` (SDN row) and `us-csl:18741-SSI`. The id stays a pure function
of the row, hence stable across versions. Treasury rows also carry the ref
`ofac:<entity number>` that ties them to the OFAC loaders' entities.

Each format has its own reader (`us_csl_csv`, `us_csl_json`) that only turns rows
into CslRecord; this module turns a CslRecord into an Entity, the same way for both.
The `ids` label rules are in `us_csl_identifiers`.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pycountry

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_fields import invert_person_name, with_derived_names
from clearance.loaders.result import LoadResult
from clearance.loaders.us_csl_identifiers import (
    _CC,
    _ISO_DAY,
    IdItem,
    ListingDates,
    apply_id_items,
    identifier_type,
    parse_csv_id_item,
)
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
    Relation,
    parse_partial_date,
    to_country_code,
)

LIST_ID = "us-csl"
SCHEMA_BY_TYPE = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    # BIS and State lists leave the type blank: they list people and firms alike.
    "": "LegalEntity",
}
MULTI_SEP = "; "
_SUCCESSOR = re.compile(r";?\s*and any successor, sub-unit, or subsidiary thereof\.?$", re.I)
_ABBREVIATION = re.compile(r"\(([^()]+)\)")


# CslRecord fields read the same way from every CSV/JSON column of the same name.
SCALAR_FIELDS = (
    "entity_number",
    "type",
    "title",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "source_information_url",
)
MULTI_FIELDS = (
    "programs",
    "alt_names",
    "citizenships",
    "nationalities",
    "dates_of_birth",
    "places_of_birth",
)


@dataclass
class CslRecord:
    """One CSL row, format-independent: the CSV and JSON readers both produce it."""

    source_id: str
    source: str
    name: str
    where: str  # "consolidated.csv line 12" or "consolidated.json results[11]"
    raw: dict[str, Any]
    entity_number: str | None = None
    type: str | None = None
    programs: list[str] = field(default_factory=list)
    title: str | None = None
    addresses: list[Address] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    start_date: str | None = None
    end_date: str | None = None
    standard_order: str | None = None
    license_requirement: str | None = None
    license_policy: str | None = None
    call_sign: str | None = None
    vessel_type: str | None = None
    gross_tonnage: str | None = None
    gross_registered_tonnage: str | None = None
    vessel_flag: str | None = None
    vessel_owner: str | None = None
    remarks: str | None = None
    source_list_url: str | None = None
    source_information_url: str | None = None
    alt_names: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    dates_of_birth: list[str] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    ids: list[IdItem] = field(default_factory=list)


def sub_list_of(source: str) -> str | None:
    """The list abbreviation in the long source name: "Entity List (EL) - BIS" -> "EL"."""
    match = _ABBREVIATION.search(source)
    if not match:
        return None
    abbreviation = match.group(1).strip()
    return abbreviation.removesuffix(" List").strip() or None


def is_treasury(source: str) -> bool:
    return source.rstrip().endswith("Treasury Department")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text or None


def _split(text: str | None) -> list[str]:
    if not text:
        return []
    return [p for p in (_clean(part) for part in text.split(MULTI_SEP)) if p]


def _strip_and(text: str) -> str:
    """Entity List alias lists end "...; and Last Alias": drop the joining "and"."""
    return text[4:].strip() if text.startswith("and ") else text


def parse_csv_address(text: str) -> Address:
    """One CSV address: "street, city, [state,] [postal,] CC"; empty parts are left out.

    The CSV drops empty parts, so only the country (a trailing ISO code) and a
    postal code (a short part with digits just before it) can be told apart with
    certainty; the rest is kept as street + city and always in `full`.
    """
    full = _strip_and(text.strip())
    parts = [p.strip() for p in full.split(", ") if p.strip()]
    country = None
    if parts and _CC.match(parts[-1]):
        country = to_country_code(parts.pop())
    named = country_by_name(parts[-1]) if len(parts) > 1 else None
    if named and country in (None, named):
        # "..., Xian, China, CN": the country name before the code is no city.
        country = named
        parts.pop()
    postal = None
    if len(parts) > 1 and any(c.isdigit() for c in parts[-1]) and len(parts[-1]) <= 10:
        postal = parts.pop()
    region = None
    if country == "US" and len(parts) > 1 and _CC.match(parts[-1]):
        region = parts.pop()
    city = parts.pop() if parts else None
    street = ", ".join(parts) or None
    return Address(full, street, city, region, postal, country)


@functools.cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if value := getattr(country, attr, None):
                names[" ".join(value.lower().split())] = country.alpha_2
    return names


@functools.lru_cache(maxsize=4096)
def country_by_name(text: str) -> str | None:
    """ISO code for an exact country name ("China"), else None.

    Cheap on purpose: address parts are mostly cities, and the fuzzy search of
    `to_country_code` costs ~0.1 s for each unknown string.
    """
    folded = " ".join(text.lower().replace(" & ", " and ").split()).strip(" .")
    return _country_names().get(folded) or (
        to_country_code(folded) if folded in _KNOWN_COUNTRY_WORDS else None
    )


# Country spellings on the CSL that pycountry's names miss (to_country_code knows them).
_KNOWN_COUNTRY_WORDS = {"russia", "iran", "syria", "burma", "north korea", "south korea", "taiwan"}


def _linked_to(remarks: str) -> list[str]:
    """Targets of "(Linked To: NAME (ABBR))", balancing the parentheses in names."""
    targets = []
    start = 0
    while (at := remarks.find("Linked To: ", start)) >= 0:
        depth, end = 0, at + len("Linked To: ")
        while end < len(remarks):
            char = remarks[end]
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            elif char == ";" and depth == 0:
                break
            end += 1
        target = remarks[at + len("Linked To: ") : end].strip()
        if target:
            targets.append(target)
        start = end
    return targets


def _name(value: str, kind: NameKind, inverted: bool) -> Name:
    # OFAC writes people "LAST, First" (so do the CSL's Treasury rows); others as spoken.
    if inverted and (parts := invert_person_name(value)):
        return Name(value, kind, first_name=parts[0], last_name=parts[1])
    return Name(value, kind)


def _iso_day(text: str | None, what: str, record: CslRecord, stats: Counter[str]) -> str | None:
    if not text:
        return None
    if _ISO_DAY.match(text) and (date := parse_partial_date(text)):
        return date.value
    stats[f"unreadable_{what}"] += 1
    return None


def build_entity(record: CslRecord, stats: Counter[str]) -> Entity:
    """Turn one normalised CSL row into an Entity."""
    sub_list = sub_list_of(record.source)
    if sub_list is None:
        stats["sources_without_abbreviation"] += 1
    treasury = is_treasury(record.source)
    schema = SCHEMA_BY_TYPE.get((record.type or "").lower())
    if schema is None:
        stats["unknown_types"] += 1
        schema = "LegalEntity"
    name = _SUCCESSOR.sub("", record.name).strip() or record.name
    inverted = schema == "Person" and treasury
    names = [_name(name, NameKind.PRIMARY, inverted)]
    for alias in record.alt_names:
        alias_name = _name(_strip_and(alias), NameKind.ALIAS, inverted)
        if alias_name.value and alias_name not in names:
            names.append(alias_name)
    person = None if schema == "LegalEntity" else schema == "Person"  # blank type: unknown
    names = with_derived_names(names, person=person, invert=inverted)
    source_id = record.source_id
    if treasury and sub_list not in (None, "SDN"):
        source_id = f"{source_id}-{sub_list}"
    entity = Entity(
        id=f"{LIST_ID}:{source_id}",
        schema=schema,
        listing=Listing(list_id=LIST_ID),  # replaced below, once ids are read
        names=names,
        addresses=list(record.addresses),
        titles=[record.title] if record.title else [],
        remarks=record.remarks,
        source_ref=record.where,
        raw=record.raw,
    )
    if treasury and record.entity_number:
        if record.entity_number.isdigit():
            entity.refs.append(f"ofac:{record.entity_number}")
        else:
            stats["non_numeric_entity_numbers"] += 1
    for address in entity.addresses:
        _add_country(entity, address.country, CountryRole.ADDRESS)
    for text in record.citizenships:
        _add_country(entity, _country(text, stats), CountryRole.CITIZENSHIP)
    for text in record.nationalities:
        _add_country(entity, _country(text, stats), CountryRole.NATIONALITY)
    for text in record.dates_of_birth:
        date = parse_partial_date(text)
        if date is None:
            stats["unreadable_birth_dates"] += 1
        elif date not in entity.birth_dates:
            entity.birth_dates.append(date)
    entity.birth_places.extend(p for p in record.places_of_birth if p not in entity.birth_places)
    if record.vessel_flag:
        _add_country(entity, _country(record.vessel_flag, stats), CountryRole.FLAG)
    if record.call_sign:
        entity.identifiers.append(
            Identifier(IdentifierType.CALL_SIGN, record.call_sign, note="call_sign")
        )
    for prop, value in (
        ("type", record.vessel_type),
        ("tonnage", record.gross_tonnage),
        ("grossRegisteredTonnage", record.gross_registered_tonnage),
        ("owner", record.vessel_owner),
        ("standardOrder", record.standard_order),
        ("sourceUrl", record.source_information_url),
        ("authority", record.source),
    ):
        if value:
            entity.properties.setdefault(prop, []).append(value)
    if record.vessel_owner:
        entity.relations.append(Relation("owned_by", record.vessel_owner))
    for target in _linked_to(record.remarks or ""):
        entity.relations.append(Relation("linked_to", target))
    dates = apply_id_items(entity, record.ids, stats)
    listed_on = _iso_day(record.start_date, "start_dates", record, stats)
    entity.listing = Listing(
        list_id=LIST_ID,
        sub_list=sub_list,
        programs=tuple(record.programs),
        listed_on=listed_on or dates.listed_on,
        effective_on=dates.effective_on,
        divestment_on=dates.divestment_on,
        end_on=_iso_day(record.end_date, "end_dates", record, stats),
        legal_basis=tuple(record.legal_basis),
        license_requirement=record.license_requirement,
        license_policy=record.license_policy,
        source_url=record.source_list_url,
    )
    return entity


def _country(text: str, stats: Counter[str]) -> str | None:
    if text.lower() == "none identified":
        return None
    code = to_country_code(text) or country_by_name(text)
    if code is None:
        stats["unmapped_countries"] += 1
    return code


def _add_country(entity: Entity, code: str | None, role: CountryRole) -> None:
    if code and Country(code, role) not in entity.countries:
        entity.countries.append(Country(code, role))


def _finish(file: str, records: list[CslRecord], stats: Counter[str]) -> LoadResult:
    """Build entities, make ids unique deterministically, count what was learned."""
    if not records:
        raise ListFormatError(file, "no records: the file has a header but no rows")
    entities: list[Entity] = []
    seen: Counter[str] = Counter()
    warnings: list[str] = []
    for record in records:
        entity = build_entity(record, stats)
        seen[entity.id] += 1
        if seen[entity.id] > 1:
            # The same party twice on the same list (a real CSL glitch): keep both, in
            # file order, so no listing is silently lost.
            warnings.append(f"{record.where}: duplicate of {entity.id}, kept as #{seen[entity.id]}")
            entity.id = f"{entity.id}#{seen[entity.id]}"
        entities.append(entity)
        stats[f"sub_list:{entity.listing.sub_list}"] += 1
        stats[f"schema:{entity.schema}"] += 1
    for key in (
        "unmapped_countries",
        "unreadable_birth_dates",
        "unknown_types",
        "sources_without_abbreviation",
        "unreadable_start_dates",
        "unreadable_end_dates",
    ):
        if stats[key]:
            warnings.append(f"{stats[key]} {key.replace('_', ' ')}")
    return LoadResult(LIST_ID, entities, None, warnings, {k: v for k, v in stats.items() if v})


def _fields(one: Callable[[str], str | None], many: Callable[[str], list[str]]) -> dict[str, Any]:
    """The CslRecord fields that every format reads column by column."""
    return {key: one(key) for key in SCALAR_FIELDS} | {key: many(key) for key in MULTI_FIELDS}


def _require(value: str | None, what: str, file: str, **where: Any) -> str:
    if not value:
        raise ListFormatError(file, f"empty {what}", **where)
    return value


# Names other modules import from here, among them the `ids` rules now in
# us_csl_identifiers. The format readers are us_csl_csv and us_csl_json.
__all__ = [
    "LIST_ID",
    "MULTI_FIELDS",
    "MULTI_SEP",
    "SCALAR_FIELDS",
    "SCHEMA_BY_TYPE",
    "CslRecord",
    "IdItem",
    "ListingDates",
    "apply_id_items",
    "build_entity",
    "country_by_name",
    "identifier_type",
    "is_treasury",
    "parse_csv_address",
    "parse_csv_id_item",
    "sub_list_of",
]
