"""US CSL `ids` items: which are identifiers (and of what type), which are other facts.

Both CSL formats carry OFAC's "ids"/"features" list; the CSV and JSON readers turn
it into IdItem and `us_csl.build_entity` applies them here. The label tables and
their rules are long and grow as OFAC adds labels, so they live apart from the row model.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from clearance.model import Entity, Identifier, IdentifierType, parse_partial_date, to_country_code

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CC = re.compile(r"^[A-Z]{2}$")


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
