"""UK OFSI consolidated list (ConList.xlsx / ConList.csv, "2022 format").

Row 1 reads `Last Updated, <dd/mm/yyyy>`, row 2 is the header, then one row per
*name variant*: a listed party with three aliases and two addresses may span
six rows that repeat everything else. Rows are grouped by `Group ID`; we build
one `Entity` per group and merge the variants (names, birth dates, addresses)
without duplicates. `Other Information` is free text with `(Key):value` parts
that carry the UN reference, gender, phones, IMO numbers and more.

openpyxl in read-only mode reads the 18,798-row file in about 4 s, well inside
budget, so no faster (Rust) reader is needed.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from clearance.loaders.errors import ListFormatError
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import (
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_RATIO,
    decode_text,
    iter_csv_records,
    read_source,
    refuse_html,
)
from clearance.loaders.un_sc_xml import detect_script
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
    Relation,
    to_country_code,
)

LIST_ID = "uk-ofsi"

REQUIRED_COLUMNS = (
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Group ID",
)
KNOWN_COLUMNS = REQUIRED_COLUMNS + (
    "Title",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Alias Quality",
    "UK Sanctions List Date Designated",
    "Last Updated",
)

_SCHEMAS = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_NAME_KINDS = {
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,
    "aka": NameKind.ALIAS,
    "fka": NameKind.FORMER,
}
_KIND_STRENGTH = {NameKind.PRIMARY: 3, NameKind.ALIAS: 2, NameKind.FORMER: 1, NameKind.WEAK: 0}

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
_UN_REF = re.compile(r"\b([A-Z]{2}[ie]\.\d{3})\b")
_ENUM = re.compile(r"\(\d{1,2}\)\s*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9./-]{3,}[A-Z0-9]", re.I)
_DOCUMENT_COUNTRY = re.compile(
    r"^([A-Z][A-Za-z' -]{2,40}?)"
    r"(?:\s+(?:number|passport|national|diplomatic|identity)\b|\s*[.,;(]|\s*$)"
)
_TAX_HINT = re.compile(r"\b(INN|TIN|tax|ИНН|KPP)\b", re.I)
_REG_HINT = re.compile(r"\b(OGRN|OGRNIP|OKPO|reg)", re.I)


def non_latin_script(text: str) -> str | None:
    """The script of a name, None for Latin: `Name.script` marks non-Latin names.

    Read from the characters, not from OFSI's loose label ("Cryillic", "Persian").
    """
    script = detect_script(text)
    return None if script in (None, "Latn") else script


def load_uk_ofsi_xlsx(path: Path) -> LoadResult:
    """Load OFSI's ConList.xlsx (optionally gzipped) into one entity per group."""
    name = path.name
    data = read_source(path)
    if not data.strip():
        raise ListFormatError(name, "empty file, expected an OFSI ConList.xlsx workbook")
    refuse_html(data[:512].decode("latin-1"), name)
    _check_zip(data, name)
    sheet, rows = _open_xlsx(data, name)
    return _build(rows, name, unit="row", where=f"sheet {sheet!r}, ")


def load_uk_ofsi_csv(path: Path) -> LoadResult:
    """Load OFSI's ConList.csv (same columns as the workbook)."""
    name = path.name
    text = decode_text(read_source(path), name)
    rows = (
        (line, [f.strip() or None for f in fields]) for line, fields in iter_csv_records(text, name)
    )
    return _build(rows, name, unit="line")


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a truncated workbook or a zip bomb before openpyxl inflates it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ListFormatError(name, f"not a readable xlsx (zip) file, truncated? ({exc})") from exc
    with archive:
        for info in archive.infolist():
            if info.file_size > MAX_UNZIPPED_BYTES or (
                info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO
            ):
                raise ListFormatError(
                    name, f"workbook part {info.filename} inflates too far; refused as a zip bomb"
                )


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, zlib.error, ParseError)


def _open_xlsx(data: bytes, name: str) -> tuple[str, Iterator[tuple[int, list[str | None]]]]:
    """The first sheet's title and its rows as text; OFSI workbooks have one sheet."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (InvalidFileException, IndexError, *_XLSX_ERRORS) as exc:
        raise ListFormatError(name, f"cannot open the workbook: {exc}") from exc

    def rows() -> Iterator[tuple[int, list[str | None]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in row]
        except _XLSX_ERRORS as exc:
            raise ListFormatError(
                name, f"sheet {sheet.title!r}: data unreadable (truncated?): {exc}"
            ) from exc
        finally:
            workbook.close()

    return str(sheet.title), rows()


def _iso(text: str | None) -> str | None:
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


def _ofsi_dob(text: str) -> PartialDate | None:
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


def _split_enum(text: str | None) -> list[str]:
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


class _Group:
    """Everything gathered from the rows of one Group ID."""

    def __init__(self, group_id: str, first_row: int) -> None:
        self.group_id = group_id
        self.first_row = first_row
        self.rows: list[dict[str, str]] = []


def _build(
    rows: Iterable[tuple[int, list[str | None]]], name: str, *, unit: str, where: str = ""
) -> LoadResult:
    """Check rows 1-2, group the name rows by Group ID, then build the entities."""
    published: str | None = None
    header: list[str] | None = None
    groups: dict[str, _Group] = {}
    row_count = 0
    for number, cells in rows:
        if header is None and published is None and number == 1:
            if not cells or (cells[0] or "").strip().lower() != "last updated":
                raise ListFormatError(
                    name,
                    f"{where}{unit} 1: expected 'Last Updated' and the publication date, "
                    f"found {cells[:2]!r}",
                    line=1,
                )
            published = _iso(cells[1] if len(cells) > 1 else None) or "unknown"
            continue
        if header is None:
            header = [c or "" for c in cells]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise ListFormatError(
                    name,
                    f"{where}{unit} {number}: header lacks column(s) "
                    f"{', '.join(repr(m) for m in missing)}; found {[h for h in header if h]!r}",
                    line=number,
                )
            continue
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header) :]):
            raise ListFormatError(
                name,
                f"{where}{unit} {number}: {len(cells)} fields but the header has {len(header)}",
                line=number,
            )
        record = {h: v for h, v in zip(header, cells, strict=False) if h and v}
        group_id = record.get("Group ID")
        if not group_id or not record.get("Name 6"):
            raise ListFormatError(
                name, f"{where}{unit} {number}: row without 'Group ID' or 'Name 6'", line=number
            )
        row_count += 1
        group = groups.get(group_id)
        if group is None:
            group = groups[group_id] = _Group(group_id, number)
        record["_row"] = str(number)
        group.rows.append(record)
    if header is None:
        raise ListFormatError(name, f"{where}no header row: empty or truncated file", line=1)
    if not groups:
        raise ListFormatError(name, f"{where}header but no data rows: truncated file?")
    stats: Counter[str] = Counter(rows=row_count, groups=len(groups))
    warnings: list[str] = []
    absent = [c for c in KNOWN_COLUMNS if c not in header]
    if absent:
        warnings.append(f"columns absent from this file: {', '.join(absent)}")
    entities = [_entity(g, name, unit, stats) for g in groups.values()]
    if stats["unparsed_dates"]:
        warnings.append(f"{stats['unparsed_dates']} date(s) of birth could not be read")
    if stats["unresolved_countries"]:
        warnings.append(f"{stats['unresolved_countries']} country name(s) not mapped to ISO")
    return LoadResult(
        LIST_ID,
        entities,
        published=None if published == "unknown" else published,
        warnings=warnings,
        stats=dict(stats),
    )


def _row_name(row: dict[str, str], schema: str) -> Name:
    kind = _NAME_KINDS.get(row.get("Alias Type", "").strip().lower(), NameKind.ALIAS)
    if kind is not NameKind.PRIMARY and "low" in row.get("Alias Quality", "").lower():
        kind = NameKind.WEAK
    last = row["Name 6"]
    given = [row[f"Name {i}"] for i in range(1, 6) if row.get(f"Name {i}")]
    if schema != "Person" or not given:
        return Name(last, kind, last_name=last if schema == "Person" else None)
    return Name(
        " ".join([*given, last]),
        kind,
        first_name=given[0],
        middle_name=" ".join(given[1:]) or None,
        last_name=last,
    )


def _add_name(names: dict[str, Name], name: Name) -> None:
    known = names.get(name.value)
    if known is None or _KIND_STRENGTH[name.kind] > _KIND_STRENGTH[known.kind]:
        names[name.value] = name


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


def _countries(
    text: str | None, role: CountryRole, out: list[Country], stats: Counter[str]
) -> None:
    for part in _split_enum(text):
        codes = country_codes(part)
        if not codes:
            stats["unresolved_countries"] += 1
        for code in codes:
            if Country(code, role) not in out:
                out.append(Country(code, role))


def _documents(
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


def _info_identifiers(info: dict[str, list[str]], out: list[Identifier]) -> None:
    def add(kind: IdentifierType, value: str, note: str | None = None) -> None:
        value = value.strip(" .;,\xa0")
        if value and Identifier(kind, value, None, note) not in out:
            out.append(Identifier(kind, value, None, note))

    for key in ("Phone number", "Fax", "Tel"):
        for text in info.get(key, []):
            for part in _split_enum(text):
                add(IdentifierType.PHONE, part, key)
    for text in info.get("Email address", []):
        for email in _EMAIL.findall(text):
            add(IdentifierType.EMAIL, email)
    for text in info.get("Website", []):
        for part in _split_enum(text):
            for token in part.split():
                if "@" in token:
                    add(IdentifierType.EMAIL, token)
                elif "." in token:
                    add(IdentifierType.WEBSITE, token)
    for text in info.get("IMO number", []):
        if m := re.search(r"\d{7}", text):
            add(IdentifierType.IMO, m.group(0))
    for text in info.get("Business Reg No", []):
        for part in _split_enum(text):
            kind = IdentifierType.REGISTRATION
            if "USCC" in part.upper():
                kind = IdentifierType.USCC
            elif _TAX_HINT.search(part) and not _REG_HINT.search(part):
                kind = IdentifierType.TAX_ID
            tokens = [t for t in _ID_TOKEN.findall(part) if any(c.isdigit() for c in t)]
            if tokens:
                add(kind, max(tokens, key=len), part)


def _entity(group: _Group, name: str, unit: str, stats: Counter[str]) -> Entity:
    rows = group.rows
    first = rows[0]
    group_type = first.get("Group Type", "").strip().lower()
    schema = _SCHEMAS.get(group_type)
    if schema is None:
        raise ListFormatError(
            name,
            f"{unit} {first['_row']}: Group Type {first.get('Group Type')!r} is not "
            "Individual, Entity or Ship",
            line=int(first["_row"]),
        )
    stats[schema] += 1
    names: dict[str, Name] = {}
    properties: dict[str, list[str]] = {}

    def prop(key: str, value: str | None) -> None:
        if value and value not in properties.setdefault(key, []):
            properties[key].append(value)

    countries: list[Country] = []
    identifiers: list[Identifier] = []
    addresses: list[Address] = []
    birth_dates: list[PartialDate] = []
    birth_places: list[str] = []
    titles: list[str] = []
    programs: list[str] = []
    relations: list[Relation] = []
    refs: list[str] = []
    remarks: list[str] = []
    listed: list[str] = []
    gender: str | None = None
    for row in rows:
        _add_name(names, _row_name(row, schema))
        if non_latin := row.get("Name Non-Latin Script"):
            stats["non_latin_rows"] += 1
            _add_name(names, Name(non_latin, NameKind.ALIAS, script=non_latin_script(non_latin)))
            prop("nonLatinScriptLanguage", row.get("Non-Latin Script Language"))
            prop("nonLatinScriptType", row.get("Non-Latin Script Type"))
        prop("title", row.get("Title"))
        if dob := row.get("DOB"):
            parsed = _ofsi_dob(dob)
            if parsed is None:
                stats["unparsed_dates"] += 1
            elif parsed not in birth_dates:
                birth_dates.append(parsed)
        towns = _split_enum(row.get("Town of Birth"))
        born_in = _split_enum(row.get("Country of Birth"))
        places = (
            [f"{t}, {c}" for t, c in zip(towns, born_in, strict=True)]
            if len(towns) == len(born_in)
            else towns + born_in
        )
        birth_places.extend(p for p in places if p not in birth_places)
        _countries(row.get("Country of Birth"), CountryRole.BIRTH, countries, stats)
        _countries(row.get("Nationality"), CountryRole.NATIONALITY, countries, stats)
        _documents(
            row.get("Passport Number"),
            row.get("Passport Details"),
            IdentifierType.PASSPORT,
            identifiers,
        )
        _documents(
            row.get("National Identification Number"),
            row.get("National Identification Details"),
            IdentifierType.NATIONAL_ID,
            identifiers,
        )
        titles.extend(t for t in _split_enum(row.get("Position")) if t not in titles)
        lines = [row[f"Address {i}"] for i in range(1, 7) if row.get(f"Address {i}")]
        if lines or row.get("Post/Zip Code"):
            country_name = row.get("Country")
            codes = country_codes(country_name) if country_name else ()
            code = codes[0] if len(codes) == 1 else None
            full = ", ".join(p for p in [*lines, row.get("Post/Zip Code"), country_name] if p)
            address = Address(
                full=full,
                street=", ".join(lines[:3]) if len(lines) > 1 else None,
                city=row.get("Address 6"),
                postal_code=row.get("Post/Zip Code"),
                country=code,
            )
            if address not in addresses:
                addresses.append(address)
        if row.get("Country"):
            _countries(row.get("Country"), CountryRole.ADDRESS, countries, stats)
        if (regime := row.get("Regime")) and regime not in programs:
            programs.append(regime)
        if iso := _iso(row.get("Listed On")):
            listed.append(iso)
        prop("designationDate", _iso(row.get("UK Sanctions List Date Designated")))
        prop("modifiedAt", _iso(row.get("Last Updated")))
        text = row.get("Other Information")
        if text and text not in remarks:
            remarks.append(text)
        for un_ref in _UN_REF.findall(row.get("UN Ref", "")):
            if f"un:{un_ref}" not in refs:
                refs.append(f"un:{un_ref}")
    for text in remarks:
        info = parse_other_information(text)
        for value in info.get("UK Sanctions List Ref", []):
            ref = value.split()[0].strip(" .") if value.split() else ""
            prop("ukSanctionsListRef", ref)
            if ref and f"uk:{ref}" not in refs:
                refs.append(f"uk:{ref}")
        for value in info.get("UN Ref", []):
            if (m := _UN_REF.match(value.strip())) and f"un:{m.group(1)}" not in refs:
                refs.append(f"un:{m.group(1)}")
        for value in info.get("Gender", []):
            word = value.split()[0].strip(" .,").lower() if value.split() else ""
            if word in ("male", "female"):
                gender = word
        _info_identifiers(info, identifiers)
        for value in info.get("Type of entity", []):
            prop("legalForm", value.strip(" ."))
        for key, kind in (("Parent company", "owned_by"), ("Current owners", "owned_by")):
            for value in info.get(key, []):
                for owner in _split_enum(value):
                    if Relation(kind, owner) not in relations:
                        relations.append(Relation(kind, owner))
        for value in info.get("Subsidiaries", []):
            for sub in _split_enum(value):
                prop("subsidiaries", sub)
        for value in info.get("Flag of ship", []):
            _countries(value, CountryRole.FLAG, countries, stats)
        for key, ftm in (
            ("Previous flags", "pastFlags"),
            ("Type of ship", "type"),
            ("Tonnage of ship", "tonnage"),
            ("Length of ship", "length"),
            ("Year built", "buildDate"),
        ):
            for value in info.get(key, []):
                prop(ftm, value.strip(" ."))
    if any(r.startswith("un:") for r in refs):
        stats["with_un_ref"] += 1
    stats["identifiers"] += len(identifiers)
    ordered = sorted(names.values(), key=lambda n: n.kind is not NameKind.PRIMARY)
    return Entity(
        id=f"{LIST_ID}:{group.group_id}",
        schema=schema,
        listing=Listing(LIST_ID, programs=tuple(programs), listed_on=min(listed, default=None)),
        names=ordered,
        addresses=addresses,
        countries=countries,
        birth_dates=birth_dates,
        birth_places=birth_places,
        gender=gender,
        identifiers=identifiers,
        titles=titles,
        remarks="\n".join(remarks) or None,
        relations=relations,
        properties=properties,
        refs=refs,
        source_ref=f"{name} {unit} {group.first_row} (group {group.group_id}, {len(rows)} {unit}s)",
        raw=_raw(group, unit),
    )


def _raw(group: _Group, unit: str) -> dict[str, Any]:
    """The group's rows, losslessly: the cells all rows share once, then what differs."""
    rows = [{k: v for k, v in r.items() if k != "_row"} for r in group.rows]
    keys = set().union(*rows)
    common = {k: rows[0][k] for k in sorted(keys) if all(r.get(k) == rows[0].get(k) for r in rows)}
    variants = [
        {unit: int(r["_row"]), **{k: v for k, v in row.items() if k not in common}}
        for r, row in zip(group.rows, rows, strict=True)
    ]
    return {"common": common, "rows": variants}
