"""US Consolidated Screening List (trade.gov CSL): CSV and JSON.

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
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from clearance.loaders.errors import ListFormatError
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import decode_text, iter_csv_records, read_source, refuse_html
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
COLUMNS = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
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
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
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
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CC = re.compile(r"^[A-Z]{2}$")


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


# --- the `ids` column: typed identifiers and other OFAC "features" ------------------

_PASSPORT_WORDS = ("passport", "travel document")
_EXACT_TYPES = {
    "isin": IdentifierType.ISIN,
    "equity ticker": IdentifierType.TICKER,
    "micex code": IdentifierType.TICKER,
    "unified social credit code (uscc)": IdentifierType.USCC,
    "united social credit code certificate (usccc)": IdentifierType.USCC,
    "vessel registration identification": IdentifierType.IMO,
    "mmsi": IdentifierType.MMSI,
    "other vessel call sign": IdentifierType.CALL_SIGN,
    "swift/bic": IdentifierType.SWIFT_BIC,
    "email address": IdentifierType.EMAIL,
    "website": IdentifierType.WEBSITE,
    "phone number": IdentifierType.PHONE,
    "aircraft manufacturer's serial number (msn)": IdentifierType.AIRCRAFT_SERIAL,
    "aircraft serial identification": IdentifierType.AIRCRAFT_SERIAL,
    "aircraft construction number (also called l/n or s/n or f/n)": IdentifierType.AIRCRAFT_SERIAL,
    "aircraft tail number": IdentifierType.REGISTRATION,
    "previous aircraft tail number": IdentifierType.REGISTRATION,
    "legal entity number": IdentifierType.LEI,  # checked against the LEI shape below
    "ssn": IdentifierType.NATIONAL_ID,
    "c.u.r.p.": IdentifierType.NATIONAL_ID,
    "d.n.i.": IdentifierType.NATIONAL_ID,
    "c.u.i.": IdentifierType.NATIONAL_ID,
    "c.u.i.p.": IdentifierType.NATIONAL_ID,
    "i.f.e.": IdentifierType.NATIONAL_ID,
    "n.i.e.": IdentifierType.NATIONAL_ID,
    "cedula no.": IdentifierType.NATIONAL_ID,
    "credencial electoral": IdentifierType.NATIONAL_ID,
    "electoral registry no.": IdentifierType.NATIONAL_ID,
    "numero de identidad": IdentifierType.NATIONAL_ID,
    "residency number": IdentifierType.NATIONAL_ID,
    "cnp (personal numerical code)": IdentifierType.NATIONAL_ID,
    "nit #": IdentifierType.TAX_ID,
    "r.f.c.": IdentifierType.TAX_ID,
    "rfc": IdentifierType.TAX_ID,
    "ruc #": IdentifierType.TAX_ID,
    "rif #": IdentifierType.TAX_ID,
    "c.u.i.t.": IdentifierType.TAX_ID,
    "c.i.f.": IdentifierType.TAX_ID,
    "us fein": IdentifierType.TAX_ID,
    "rtn": IdentifierType.TAX_ID,
    "rsin": IdentifierType.TAX_ID,
}
_TAX_WORDS = ("tax", "fiscal", "v.a.t.", "vat number", "tributaria")
_NATIONAL_ID_WORDS = ("national id", "identification", "identity", "id card", "id no", "citizen")
_REGISTRATION_WORDS = (
    "registration",
    "registry",
    "company number",
    "license",
    "licence",
    "chamber of comm",
    "mercantil",
    "c.r.",
    "incorporation",
    "enterprise number",
    "branch unit",
    "le number",
    "gazette",
    "charity",
    "d-u-n-s",
    "business number",
    "file number",
)
# Facts OFAC files under "ids" that are not identifiers -> Entity.properties keys.
_FEATURES = {
    "organization established date": "incorporationDate",
    "aircraft model": "model",
    "aircraft operator": "operator",
    "aircraft manufacture date": "buildDate",
    "target type": "targetType",
    "organization type:": "sector",
    "issuer name": "issuer",
    "former vessel flag": "pastFlags",
    "other vessel flag": "flag",
    "other vessel type": "type",
    "nationality of registration": "registrationCountry",
    "registration country": "registrationCountry",
}
_LISTING_DATES = {
    "listing date (cmic)": "listed_on",
    "effective date (cmic)": "effective_on",
    "purchase/sales for divestment date (cmic)": "divestment_on",
}
# Labels seen on the CSL that no rule above recognises as a label.
_OTHER_LABELS = {"license", "visanumberid", "un/locode", "cartilla de servicio militar nacional"}
_LABEL_WORDS = ("registration", "identification", "directive information", "tax ", "permanent")
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")


@dataclass(frozen=True)
class IdItem:
    """One item of `ids`: a label as OFAC writes it, the value, and what goes with it."""

    label: str
    value: str
    country: str | None = None
    issued: str | None = None
    expires: str | None = None
    dates: tuple[str, ...] = ()  # CSV dates whose role (issue or expiry) the CSV does not say


@dataclass
class ListingDates:
    listed_on: str | None = None
    effective_on: str | None = None
    divestment_on: str | None = None


def _is_label(text: str) -> bool:
    low = text.lower()
    return (
        low in _EXACT_TYPES
        or low in _FEATURES
        or low in _LISTING_DATES
        or low == "gender"
        or text.endswith((":", " -"))
        or low.startswith("digital currency address")
        or low in _OTHER_LABELS
        or any(w in low for w in _PASSPORT_WORDS + _LABEL_WORDS)
        or low.endswith((" no.", " no", " number", " id", " code", " card", " #", "(ru)"))
    )


def identifier_type(label: str) -> IdentifierType | None:
    """The IdentifierType for an `ids` label, or None if the label is not an identifier."""
    low = label.lower()
    if low in _FEATURES or low in _LISTING_DATES or low == "gender" or _is_sanction_info(label):
        return None
    if low.startswith("digital currency address"):
        return IdentifierType.CRYPTO
    if any(w in low for w in _PASSPORT_WORDS):
        return IdentifierType.PASSPORT
    if low in _EXACT_TYPES:
        return _EXACT_TYPES[low]
    if any(w in low for w in _TAX_WORDS):
        return IdentifierType.TAX_ID
    if any(w in low for w in _NATIONAL_ID_WORDS):
        return IdentifierType.NATIONAL_ID
    if any(w in low for w in _REGISTRATION_WORDS):
        return IdentifierType.REGISTRATION
    return IdentifierType.OTHER


def _is_sanction_info(label: str) -> bool:
    """Program notes OFAC files as features ("Secondary sanctions risk:", directives ...)."""
    low = label.lower()
    return (
        label.endswith((":", " -"))
        or "directive" in low
        or low.startswith(("listing date (", "effective date ("))
    )


def parse_csv_id_item(item: str, stats: Counter[str]) -> IdItem | None:
    """Read one "; "-separated `ids` item of the CSV.

    2022 files write "CC, [date, [date,]] number, label" or "value, label";
    2025 files write "label, number[, CC]". The label is recognised at either end.
    """
    parts = [p.strip() for p in item.split(", ")]
    if len(parts) < 2:
        stats["ids_items_unreadable"] += 1
        return None
    if _is_label(parts[-1]):
        label, rest, label_first = parts[-1], parts[:-1], False
    elif _is_label(parts[0]):
        label, rest, label_first = parts[0], parts[1:], True
    else:
        label_first = len(parts) > 2 and bool(_CC.match(parts[-1])) and not _CC.match(parts[0])
        label, rest = (parts[0], parts[1:]) if label_first else (parts[-1], parts[:-1])
        stats["ids_labels_unrecognised"] += 1
    if identifier_type(label) is None:
        return IdItem(label, ", ".join(rest))
    country = None
    if len(rest) > 1:
        edge = rest[-1] if label_first else rest[0]
        if _CC.match(edge):
            country = edge
            rest = rest[:-1] if label_first else rest[1:]
    dates = tuple(p for p in rest if _ISO_DAY.match(p)) if len(rest) > 1 else ()
    value = ", ".join(p for p in rest if p not in dates)
    if not value:
        stats["ids_items_unreadable"] += 1
        return None
    return IdItem(label, value, country=country, dates=dates)


def apply_id_items(entity: Entity, items: list[IdItem], stats: Counter[str]) -> ListingDates:
    """Put each `ids` item where it belongs: identifiers, gender, properties, listing dates."""
    dates = ListingDates()
    for item in items:
        low = item.label.lower()
        kind = identifier_type(item.label)
        if low == "gender":
            entity.gender = item.value.lower()
        elif low in _LISTING_DATES:
            parsed = parse_partial_date(item.value)
            if parsed:
                setattr(dates, _LISTING_DATES[low], parsed.value)
            else:
                stats["unreadable_listing_dates"] += 1
        elif low in _FEATURES:
            entity.properties.setdefault(_FEATURES[low], []).append(item.value)
        elif kind is None:
            entity.properties.setdefault("sanctionsInfo", []).append(f"{item.label} {item.value}")
        else:
            identifier = _identifier(kind, item)
            if identifier not in entity.identifiers:
                entity.identifiers.append(identifier)
            stats[f"identifiers:{identifier.type}"] += 1
    return dates


def _identifier(kind: IdentifierType, item: IdItem) -> Identifier:
    value, currency = item.value, None
    if kind is IdentifierType.IMO:
        if value.upper().startswith("IMO "):
            value = value[4:].strip()
        elif not value.isdigit():
            kind = IdentifierType.REGISTRATION
    elif kind is IdentifierType.LEI and not _LEI.match(value):
        kind = IdentifierType.REGISTRATION
    elif kind is IdentifierType.CRYPTO:
        currency = item.label.rsplit("-", 1)[-1].strip() or None
    details = [item.label]
    if item.issued:
        details.append(f"issued {item.issued}")
    if item.expires:
        details.append(f"expires {item.expires}")
    if item.dates:
        details.append(f"dates {', '.join(item.dates)}")
    country = to_country_code(item.country) if item.country else None
    return Identifier(kind, value, country=country, note="; ".join(details), currency=currency)


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


def _person_name(value: str) -> Name:
    # OFAC writes people "LAST, First"; other lists write them as spoken.
    if value.count(", ") == 1:
        last, first = value.split(", ")
        return Name(value, NameKind.PRIMARY, first_name=first, last_name=last)
    return Name(value)


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
    primary = _person_name(name) if schema == "Person" and treasury else Name(name)
    names = [primary]
    for alias in record.alt_names:
        alias_name = Name(_strip_and(alias), NameKind.ALIAS)
        if alias_name.value and alias_name not in names:
            names.append(alias_name)
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


# --- CSV --------------------------------------------------------------------------


def _check_header(fields: list[str], file: str) -> None:
    header = [f.strip() for f in fields]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    if tuple(header) == COLUMNS:
        return
    for index, (found, expected) in enumerate(zip(header, COLUMNS, strict=False)):
        if found != expected:
            raise ListFormatError(
                file,
                f"header column {index + 1} is {found!r}, expected {expected!r} "
                f"(expected the {len(COLUMNS)} CSL columns {', '.join(COLUMNS)})",
                line=1,
            )
    raise ListFormatError(
        file, f"header has {len(header)} columns, expected the {len(COLUMNS)} CSL columns", line=1
    )


def _csv_ids(text: str, stats: Counter[str]) -> list[IdItem]:
    return [item for part in _split(text) if (item := parse_csv_id_item(part, stats))]


def _csv_record(row: dict[str, str], where: str, stats: Counter[str]) -> CslRecord:
    def one(key: str) -> str | None:
        return _clean(row[key])

    return CslRecord(
        source_id=row["_id"].strip(),
        source=one("source") or "",
        name=one("name") or "",
        where=where,
        raw=dict(row),
        addresses=[parse_csv_address(a) for a in _split(row["addresses"])],
        legal_basis=_split(row["federal_register_notice"]),
        ids=_csv_ids(row["ids"], stats),
        **_fields(one, lambda key: _split(row[key])),
    )


def _fields(one: Callable[[str], str | None], many: Callable[[str], list[str]]) -> dict[str, Any]:
    """The CslRecord fields that every format reads column by column."""
    return {key: one(key) for key in SCALAR_FIELDS} | {key: many(key) for key in MULTI_FIELDS}


def _require(value: str | None, what: str, file: str, **where: Any) -> str:
    if not value:
        raise ListFormatError(file, f"empty {what}", **where)
    return value


def load_us_csl_csv(path: Path) -> LoadResult:
    """Read trade.gov's consolidated.csv (plain or .gz) into `us-csl:` entities."""
    file = path.name
    text = decode_text(read_source(path), file)
    records: list[CslRecord] = []
    stats: Counter[str] = Counter()
    rows = iter_csv_records(text, file, columns=len(COLUMNS))
    try:
        _, header = next(rows)
    except StopIteration:  # pragma: no cover - iter_csv_records refuses empty text
        raise ListFormatError(file, "empty file") from None
    except ListFormatError as exc:
        if exc.line == 1 and "columns" in exc.reason:
            raise ListFormatError(
                file, f"{exc.reason} in the header; expected the CSL columns", line=1
            ) from exc
        raise
    _check_header(header, file)
    for line, fields in rows:
        row = dict(zip(COLUMNS, fields, strict=True))
        _require(row["_id"].strip(), "_id", file, line=line)
        _require(row["source"].strip(), "source", file, line=line)
        _require(row["name"].strip(), "name", file, line=line)
        records.append(_csv_record(row, f"{file} line {line}", stats))
    return _finish(file, records, stats)


# --- JSON -------------------------------------------------------------------------


def _json_list(value: Any, key: str, file: str, element: str) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return _split(value)  # tolerate the CSV spelling inside JSON
    if not isinstance(value, list):
        raise ListFormatError(file, f"{key} must be a list", element=f"{element}.{key}")
    return value


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return _clean(MULTI_SEP.join(str(v) for v in value if v))
    return _clean(str(value))


def _json_address(item: Any, file: str, element: str) -> Address:
    if isinstance(item, str):
        return parse_csv_address(item)
    if not isinstance(item, dict):
        raise ListFormatError(file, "address must be an object", element=element)
    street = _json_text(item.get("address"))
    city = _json_text(item.get("city"))
    region = _json_text(item.get("state"))
    postal = _json_text(item.get("postal_code"))
    country_text = _json_text(item.get("country"))
    full = ", ".join(p for p in (street, city, region, postal, country_text) if p)
    return Address(full, street, city, region, postal, to_country_code(country_text))


def _json_id(item: Any, file: str, element: str, stats: Counter[str]) -> IdItem | None:
    if isinstance(item, str):
        return parse_csv_id_item(item, stats)
    if not isinstance(item, dict):
        raise ListFormatError(file, "ids item must be an object", element=element)
    label = _json_text(item.get("type"))
    value = _json_text(item.get("number"))
    if not label or not value:
        stats["ids_items_without_type_or_number"] += 1
        return None
    return IdItem(
        label,
        value,
        country=_json_text(item.get("country")),
        issued=_json_text(item.get("issue_date")),
        expires=_json_text(item.get("expiration_date")),
    )


def _json_record(result: Any, index: int, file: str, stats: Counter[str]) -> CslRecord:
    element = f"results[{index}]"
    if not isinstance(result, dict):
        raise ListFormatError(file, "result must be an object", element=element)
    source_id = _json_text(result.get("id")) or _json_text(result.get("_id"))
    source_id = _require(source_id, "id", file, element=f"{element}.id")
    source = _require(_json_text(result.get("source")), "source", file, element=f"{element}.source")
    name = _require(_json_text(result.get("name")), "name", file, element=f"{element}.name")

    def many(key: str) -> list[str]:
        values = _json_list(result.get(key), key, file, element)
        return [v for v in (_json_text(x) for x in values) if v]

    addresses = _json_list(result.get("addresses"), "addresses", file, element)
    ids = _json_list(result.get("ids"), "ids", file, element)
    return CslRecord(
        source_id=source_id,
        source=source,
        name=name,
        where=f"{file} {element}",
        raw=result,
        addresses=[
            _json_address(a, file, f"{element}.addresses[{i}]") for i, a in enumerate(addresses)
        ],
        legal_basis=_split(_json_text(result.get("federal_register_notice"))),
        **_fields(lambda key: _json_text(result.get(key)), many),
        ids=[
            item
            for i, x in enumerate(ids)
            if (item := _json_id(x, file, f"{element}.ids[{i}]", stats))
        ],
    )


def load_us_csl_json(path: Path) -> LoadResult:
    """Read trade.gov's consolidated.json: `{"results": [{...}, ...]}`.

    Same fields as the CSV, but multi-values are JSON lists, `addresses` are
    objects (`address`, `city`, `state`, `postal_code`, `country`) and `ids` are
    objects (`type`, `number`, `country`, `issue_date`, `expiration_date`); the
    row id is `id` (the CSV's `_id`). No real download of this format is in the
    shared folder: the test fixture was derived from CSV rows following the
    published API shape, so a first real file should be checked against it.
    """
    file = path.name
    text = decode_text(read_source(path), file)
    if not text.strip():
        raise ListFormatError(file, "empty file")
    refuse_html(text, file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFormatError(file, f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ListFormatError(
            file, 'expected an object with a "results" list (trade.gov CSL JSON)', element="results"
        )
    stats: Counter[str] = Counter()
    records = [_json_record(r, i, file, stats) for i, r in enumerate(data["results"])]
    return _finish(file, records, stats)
