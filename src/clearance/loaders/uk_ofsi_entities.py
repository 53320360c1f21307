"""OFSI ConList rows -> entities: the shared core of the CSV and xlsx readers.

Both files hold the same table: row 1 `Last Updated, <date>`, row 2 the header,
then one row per name variant. Here the rows are checked, grouped by `Group ID`
and merged into one `Entity` per group. Kept apart from the readers so each
reader knows only its container (`uk_ofsi` the CSV, `uk_ofsi_xlsx` the
workbook), and from `uk_ofsi_fields`, which parses single cell values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_fields import with_derived_names
from clearance.loaders.name_scripts import non_latin_script
from clearance.loaders.result import LoadResult
from clearance.loaders.uk_ofsi_fields import (
    UN_REF,
    add_countries,
    add_documents,
    add_info_identifiers,
    country_codes,
    iso_date,
    ofsi_dob,
    parse_other_information,
    split_enum,
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
    PartialDate,
    Relation,
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


class _Group:
    """Everything gathered from the rows of one Group ID."""

    def __init__(self, group_id: str, first_row: int) -> None:
        self.group_id = group_id
        self.first_row = first_row
        self.rows: list[dict[str, str]] = []


def build_result(
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
            published = iso_date(cells[1] if len(cells) > 1 else None) or "unknown"
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
            parsed = ofsi_dob(dob)
            if parsed is None:
                stats["unparsed_dates"] += 1
            elif parsed not in birth_dates:
                birth_dates.append(parsed)
        towns = split_enum(row.get("Town of Birth"))
        born_in = split_enum(row.get("Country of Birth"))
        places = (
            [f"{t}, {c}" for t, c in zip(towns, born_in, strict=True)]
            if len(towns) == len(born_in)
            else towns + born_in
        )
        birth_places.extend(p for p in places if p not in birth_places)
        add_countries(row.get("Country of Birth"), CountryRole.BIRTH, countries, stats)
        add_countries(row.get("Nationality"), CountryRole.NATIONALITY, countries, stats)
        add_documents(
            row.get("Passport Number"),
            row.get("Passport Details"),
            IdentifierType.PASSPORT,
            identifiers,
        )
        add_documents(
            row.get("National Identification Number"),
            row.get("National Identification Details"),
            IdentifierType.NATIONAL_ID,
            identifiers,
        )
        titles.extend(t for t in split_enum(row.get("Position")) if t not in titles)
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
            add_countries(row.get("Country"), CountryRole.ADDRESS, countries, stats)
        if (regime := row.get("Regime")) and regime not in programs:
            programs.append(regime)
        if iso := iso_date(row.get("Listed On")):
            listed.append(iso)
        prop("designationDate", iso_date(row.get("UK Sanctions List Date Designated")))
        prop("modifiedAt", iso_date(row.get("Last Updated")))
        text = row.get("Other Information")
        if text and text not in remarks:
            remarks.append(text)
        for un_ref in UN_REF.findall(row.get("UN Ref", "")):
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
            if (m := UN_REF.match(value.strip())) and f"un:{m.group(1)}" not in refs:
                refs.append(f"un:{m.group(1)}")
        for value in info.get("Gender", []):
            word = value.split()[0].strip(" .,").lower() if value.split() else ""
            if word in ("male", "female"):
                gender = word
        add_info_identifiers(info, identifiers)
        for value in info.get("Type of entity", []):
            prop("legalForm", value.strip(" ."))
        for key, kind in (("Parent company", "owned_by"), ("Current owners", "owned_by")):
            for value in info.get(key, []):
                for owner in split_enum(value):
                    if Relation(kind, owner) not in relations:
                        relations.append(Relation(kind, owner))
        for value in info.get("Subsidiaries", []):
            for sub in split_enum(value):
                prop("subsidiaries", sub)
        for value in info.get("Flag of ship", []):
            add_countries(value, CountryRole.FLAG, countries, stats)
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
    ordered = with_derived_names(ordered, person=schema == "Person")
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
