"""Field-level readers for OFSI's ConList: one cell's text -> model values.

Dates (`dd/mm/yyyy`, `00` for unknown parts), the `(1) A (2) B` enumerations,
the `(Key):value` parts of `Other Information`, free-text country names and
the identifiers hidden in document and contact fields. Kept apart from the
row grouping in `uk_ofsi_entities` because these parse single values and know
nothing of rows or groups; `country_codes` is also used
by other loaders.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import date

from clearance.model import (
    Country,
    CountryRole,
    Identifier,
    IdentifierType,
    PartialDate,
    to_country_code,
)

# The `(Key):` labels OFSI uses inside "Other Information"; only these split it.
_INFO_KEYS = (
    "UK Sanctions List Ref",
    "UK Statement of Reasons",
    "UN Ref",
    "Gender",
    "Phone number",
    "Email address",
    "Type of entity",
    "Website",
    "Parent company",
    "Business Reg No",
    "Subsidiaries",
    "IMO number",
    "Current owners",
    "Flag of ship",
    "Previous flags",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year built",
    "Fax",
    "Tel",
)
_INFO_SPLIT = re.compile(r"\((" + "|".join(re.escape(k) for k in _INFO_KEYS) + r")\)\s*:", re.I)
UN_REF = re.compile(r"\b([A-Z]{2}[ie]\.\d{3})\b")
_ENUM = re.compile(r"\(\d{1,2}\)\s*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9./-]{3,}[A-Z0-9]", re.I)
_DOCUMENT_COUNTRY = re.compile(
    r"^([A-Z][A-Za-z' -]{2,40}?)"
    r"(?:\s+(?:number|passport|national|diplomatic|identity)\b|\s*[.,;(]|\s*$)"
)
_TAX_HINT = re.compile(r"\b(INN|TIN|tax|ИНН|KPP)\b", re.I)
_REG_HINT = re.compile(r"\b(OGRN|OGRNIP|OKPO|reg)", re.I)


def iso_date(text: str | None) -> str | None:
    """dd/mm/yyyy as the OFSI file writes dates -> ISO; None when not a full date."""
    if not text:
        return None
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip())
    if not m:
        return None
    try:
        return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    except ValueError:
        return None


def ofsi_dob(text: str) -> PartialDate | None:
    """`dd/mm/yyyy`, `mm/yyyy` or `yyyy`; `00` marks an unknown day or month."""
    parts = [int(p) for p in text.strip().split("/") if p.isdigit()]
    if len(parts) != text.count("/") + 1 or not parts or not 1000 <= parts[-1] <= 2100:
        return None
    year = parts[-1]
    month = parts[-2] if len(parts) >= 2 and parts[-2] else None
    day = parts[0] if len(parts) == 3 and parts[0] else None
    try:
        if month and day:
            return PartialDate(date(year, month, day).isoformat())
        if month:
            date(year, month, 1)
            return PartialDate(f"{year:04d}-{month:02d}")
    except ValueError:
        return None
    return PartialDate(f"{year:04d}")


def _enum_items(text: str | None) -> list[str]:
    """'(1) A (2) - (3) C' -> ['A', '', 'C']: positions kept, '-' marks a gap."""
    if not text:
        return []
    parts = [p.strip(" .;,") for p in _ENUM.split(text)]
    if not parts[0]:
        parts = parts[1:]
    return ["" if p == "-" else p for p in parts]


def split_enum(text: str | None) -> list[str]:
    """'(1) A (2) B' -> ['A', 'B']; anything else -> [text]."""
    return [p for p in _enum_items(text) if p]


def parse_other_information(text: str) -> dict[str, list[str]]:
    """Split `(Key):value (Key):value` into {key: [values]}; text before any key is ''."""
    result: dict[str, list[str]] = {}
    pieces = _INFO_SPLIT.split(text)
    if pieces[0].strip():
        result[""] = [pieces[0].strip()]
    for key, value in zip(pieces[1::2], pieces[2::2], strict=True):
        canonical = next(k for k in _INFO_KEYS if k.lower() == key.lower())
        result.setdefault(canonical, []).append(value.strip().strip("\xa0").strip())
    return result


_SOVIET = {
    "russian": "RU",
    "ukrainian": "UA",
    "belarusian": "BY",
    "byelorussian": "BY",
    "kazakh": "KZ",
    "uzbek": "UZ",
    "uzbekistan": "UZ",
    "kyrgyz": "KG",
    "moldovan": "MD",
    "moldavian": "MD",
    "moldovian": "MD",
    "georgian": "GE",
    "armenian": "AM",
    "azerbaijan": "AZ",
    "azerbaijani": "AZ",
    "turkmen": "TM",
    "tajik": "TJ",
    "latvian": "LV",
    "lithuanian": "LT",
    "estonian": "EE",
}
_SOVIET_REPUBLIC = re.compile(
    r"^(\w+)\s+(?:autonomous\s+)?(?:ssr|assr|sfsr|soviet (?:socialist|federative)\b.*)", re.I
)


def _exact_country(text: str) -> str | None:
    """One country name as written, or a Soviet republic ('Ukrainian SSR' -> UA).

    Texts holding several names ('Estonia, Russia') or a comment in brackets are
    split by `country_codes` first, so each call sees a single name.
    """
    text = text.strip(" .")
    if not text or "," in text or "(" in text:
        return None
    if code := to_country_code(text):
        return code
    if m := _SOVIET_REPUBLIC.match(text.lower()):
        return _SOVIET.get(m.group(1))
    return None


@functools.lru_cache(maxsize=4096)
def country_codes(text: str) -> tuple[str, ...]:
    """The countries a free-text country field names, e.g. 'Former USSR (now Belarus)' -> BY."""
    text = text.strip(" .")
    folded = text.lower()
    if "congo" in folded and "democratic" in folded:
        return ("CD",)
    now = re.search(r"\b(?:now|currently)\s+(?:the\s+)?([^()]+)", text, re.I)
    if now and (code := _exact_country(now.group(1).strip(" .)"))):
        return (code,)
    for candidate in (text, re.sub(r"\s*\([^)]*\)", "", text)):
        if code := _exact_country(candidate):
            return (code,)
    parts = [p for p in re.split(r"[,.;]\s+|\s*\([^)]*\)\s*", text) if p.strip()]
    codes = [_exact_country(p) for p in parts]
    if len(parts) > 1 and all(codes):
        return tuple(dict.fromkeys(c for c in codes if c))
    return (codes[0],) if codes and codes[0] else ()


def add_countries(
    text: str | None, role: CountryRole, out: list[Country], stats: Counter[str]
) -> None:
    for part in split_enum(text):
        codes = country_codes(part)
        if not codes:
            stats["unresolved_countries"] += 1
        for code in codes:
            if Country(code, role) not in out:
                out.append(Country(code, role))


def add_documents(
    numbers: str | None, details: str | None, default: IdentifierType, out: list[Identifier]
) -> None:
    values = _enum_items(numbers)
    notes = _enum_items(details)
    for i, value in enumerate(values):
        if not value:
            continue
        note = (notes[i] or None) if len(notes) == len(values) else (details or None)
        kind = default
        if default is IdentifierType.NATIONAL_ID and note and _TAX_HINT.search(note):
            kind = IdentifierType.TAX_ID
        # "India number, issued ...", "Russia. Issued ...": a country may lead the details.
        lead = _DOCUMENT_COUNTRY.match(note) if note else None
        country = _exact_country(lead.group(1)) if lead else None
        ident = Identifier(kind, value, country, note)
        if ident not in out:
            out.append(ident)


def add_info_identifiers(info: dict[str, list[str]], out: list[Identifier]) -> None:
    def add(kind: IdentifierType, value: str, note: str | None = None) -> None:
        value = value.strip(" .;,\xa0")
        if value and Identifier(kind, value, None, note) not in out:
            out.append(Identifier(kind, value, None, note))

    for key in ("Phone number", "Fax", "Tel"):
        for text in info.get(key, []):
            for part in split_enum(text):
                add(IdentifierType.PHONE, part, key)
    for text in info.get("Email address", []):
        for email in _EMAIL.findall(text):
            add(IdentifierType.EMAIL, email)
    for text in info.get("Website", []):
        for part in split_enum(text):
            for token in part.split():
                if "@" in token:
                    add(IdentifierType.EMAIL, token)
                elif "." in token:
                    add(IdentifierType.WEBSITE, token)
    for text in info.get("IMO number", []):
        if m := re.search(r"\d{7}", text):
            add(IdentifierType.IMO, m.group(0))
    for text in info.get("Business Reg No", []):
        for part in split_enum(text):
            kind = IdentifierType.REGISTRATION
            if "USCC" in part.upper():
                kind = IdentifierType.USCC
            elif _TAX_HINT.search(part) and not _REG_HINT.search(part):
                kind = IdentifierType.TAX_ID
            tokens = [t for t in _ID_TOKEN.findall(part) if any(c.isdigit() for c in t)]
            if tokens:
                add(kind, max(tokens, key=len), part)
