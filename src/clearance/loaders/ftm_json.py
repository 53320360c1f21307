"""FollowTheMoney JSON lines: import as a user-defined list, and export our entities.

One entity a line, `{"id", "schema", "properties": {prop: [values]}, ...}` (the
format of OpenSanctions' `entities.ftm.json` and of Aleph). Facts that FtM keeps
in separate entities are folded into the party they describe: `Sanction` (by
`entity`) into its listing, `Address` (by `addressEntity`), `Passport`,
`Identification` and `CryptoWallet` (by `holder`) into identifiers, and
`Ownership`, `Directorship`, `Family`, `Associate`, `Membership`, `Employment`
and `UnknownLink` into relations on both sides.

This module holds the import (FtM -> entities). Export (`export_ftm`, the
reverse) lives in `ftm_export` and the schema/property tables both share in
`ftm_schema`, to keep each file readable; `export_ftm` is re-exported here so
callers keep importing it from `clearance.loaders.ftm_json`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clearance.loaders.errors import ListFormatError
from clearance.loaders.ftm_export import export_ftm
from clearance.loaders.ftm_schema import (
    COUNTRY_PROPS,
    ID_PROPS,
    LINK_SCHEMAS,
    MAPPED_PROPS,
    NAME_KINDS,
    SIDE_SCHEMAS,
    THING_SCHEMAS,
)
from clearance.loaders.name_scripts import detect_script
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import decode_text, read_source, refuse_html
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
    parse_partial_date,
)

# Export lives in `ftm_export`; callers import it from here, as before the split.
__all__ = ["ID_PROPS", "LINK_SCHEMAS", "THING_SCHEMAS", "export_ftm", "load_ftm_json"]

_STRENGTH = {NameKind.PRIMARY: 3, NameKind.ALIAS: 2, NameKind.FORMER: 1, NameKind.WEAK: 0}
_TYPE_VALUES = {t.value for t in IdentifierType}
_OFAC_REFERENT = re.compile(r"^ofac-(\d+)$")
_REGULATION = re.compile(r"\d{2,4}/\d+|\bOJ\b|\bFR\b|\bCFR\b|\bEO\s?\d", re.I)


def _values(data: dict[str, Any], prop: str) -> list[str]:
    values = data.get("properties", {}).get(prop) or []
    if isinstance(values, str):
        values = [values]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _country_code(value: str) -> str | None:
    """FtM writes ISO alpha-2 in lower case, plus a few historic codes."""
    value = value.strip().lower()
    historic = {"suhh": "SU", "yucs": "YU", "csxx": "CS", "ddde": "DD"}
    if value in historic:
        return historic[value]
    return value.upper() if len(value) == 2 and value.isalpha() and value != "zz" else None


def _script(value: str) -> str | None:
    script = detect_script(value)
    return None if script in (None, "Latn") else script


def ftm_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, entity) for each FtM JSON line of a file; ListFormatError at the first
    line that is not an entity (the ownership reader reads FtM through this too)."""
    name = path.name
    text = decode_text(read_source(path), name, ("utf-8-sig",))
    if not text.strip():
        raise ListFormatError(name, "empty file, expected FollowTheMoney JSON lines")
    refuse_html(text, name)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ListFormatError(
                name, f"not a JSON object: {exc.msg} (column {exc.colno})", line=number
            ) from exc
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("id"), str)
            or not isinstance(data.get("schema"), str)
            or not isinstance(data.get("properties", {}), dict)
        ):
            raise ListFormatError(
                name, 'expected {"id": str, "schema": str, "properties": {...}}', line=number
            )
        yield number, data


def load_ftm_json(path: Path, list_id: str = "ftm") -> LoadResult:
    """Import a FollowTheMoney JSON-lines file as the user-defined list `list_id`."""
    name = path.name
    records: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    for number, data in ftm_lines(path):
        known = records.get(data["id"])
        if known is None:
            records[data["id"]] = data
            lines[data["id"]] = number
        else:  # FtM streams may carry one entity in several fragments
            props = known.setdefault("properties", {})
            for prop, values in data.get("properties", {}).items():
                props[prop] = list(dict.fromkeys([*props.get(prop, []), *values]))
    return _ImportRun(name, list_id, records, lines).run()


class _ImportRun:
    """One import: thing entities first, then what the side entities add to them."""

    def __init__(
        self, name: str, list_id: str, records: dict[str, dict[str, Any]], lines: dict[str, int]
    ) -> None:
        self.name = name
        self.list_id = list_id
        self.records = records
        self.lines = lines
        self.stats: Counter[str] = Counter()
        self.entities: dict[str, Entity] = {}
        self.sanctions: dict[str, list[dict[str, Any]]] = {}
        # OpenSanctions merges records and keeps the old ids as `referents`; links may
        # still use an old id (a Company's addressEntity "addr-..." for Address "NK-...").
        self.aliases: dict[str, str] = {}
        for ftm_id, data in records.items():
            for referent in data.get("referents") or []:
                if isinstance(referent, str) and referent not in records:
                    self.aliases.setdefault(referent, ftm_id)

    def resolve(self, ref: str) -> str:
        return ref if ref in self.records else self.aliases.get(ref, ref)

    def run(self) -> LoadResult:
        unknown: Counter[str] = Counter()
        for ftm_id, data in self.records.items():
            schema = data["schema"]
            if schema in THING_SCHEMAS:
                entity = self._thing(ftm_id, data)
                if entity is not None:
                    self.entities[ftm_id] = entity
            elif schema not in SIDE_SCHEMAS and schema not in LINK_SCHEMAS:
                unknown[schema] += 1
        for ftm_id, data in self.records.items():
            self._side(ftm_id, data)
        for ftm_id, sanctions in self.sanctions.items():
            self._apply_sanctions(self.entities[ftm_id], sanctions)
        warnings = []
        if unknown:
            listing = ", ".join(f"{s} ({n})" for s, n in sorted(unknown.items()))
            warnings.append(f"{sum(unknown.values())} entities of schemas not imported: {listing}")
        for key, text in (
            ("without_name", "thing entities without a name skipped"),
            ("dangling_sanctions", "Sanction entities point to no imported entity"),
            ("dangling_links", "links point to an entity not in the file"),
            ("dangling_documents", "Passport/Identification/CryptoWallet without a holder here"),
            ("dangling_addresses", "addressEntity references to no Address in the file"),
            ("unresolved_countries", "country codes not ISO alpha-2"),
        ):
            if self.stats[key]:
                warnings.append(f"{self.stats[key]} {text}")
        self.stats["entities"] = len(self.entities)
        last_seen = [d.get("last_seen") for d in self.records.values()]
        dates = [s[:10] for s in last_seen if isinstance(s, str) and len(s) >= 10]
        return LoadResult(
            self.list_id,
            list(self.entities.values()),
            published=max(dates, default=None),
            warnings=warnings,
            stats=dict(self.stats),
        )

    def _id(self, ftm_id: str) -> str:
        return f"{self.list_id}:{ftm_id}"

    def _thing(self, ftm_id: str, data: dict[str, Any]) -> Entity | None:
        schema = THING_SCHEMAS[data["schema"]]
        names: dict[str, Name] = {}
        for prop, kind in NAME_KINDS.items():
            for value in _values(data, prop):
                known = names.get(value)
                if known is None or _STRENGTH[kind] > _STRENGTH[known.kind]:
                    names[value] = Name(value, kind, script=_script(value))
        if not names:
            self.stats["without_name"] += 1
            return None
        plain_names = _values(data, "name")
        caption = data.get("caption")
        primary = caption if caption in plain_names else (plain_names or list(names))[0]
        parts = {p: _values(data, p) for p in ("firstName", "middleName", "lastName")}
        single = {p: v[0] if len(v) == 1 else None for p, v in parts.items()}
        names[primary] = Name(
            primary,
            NameKind.PRIMARY,
            first_name=single["firstName"] if schema == "Person" else None,
            middle_name=single["middleName"] if schema == "Person" else None,
            last_name=single["lastName"] if schema == "Person" else None,
            script=_script(primary),
        )
        ordered = [names.pop(primary), *names.values()]

        countries: list[Country] = []
        for prop, role in COUNTRY_PROPS.items():
            for value in _values(data, prop):
                code = _country_code(value)
                if code is None:
                    self.stats["unresolved_countries"] += 1
                elif Country(code, role) not in countries:
                    countries.append(Country(code, role))
        identifiers: list[Identifier] = []
        for prop, id_type in ID_PROPS.items():
            for value in _values(data, prop):
                identifier = Identifier(id_type, value, note=prop)
                if identifier not in identifiers:
                    identifiers.append(identifier)
        birth_dates: list[PartialDate] = []
        for value in _values(data, "birthDate"):
            parsed = parse_partial_date(value)
            if parsed is not None and parsed not in birth_dates:
                birth_dates.append(parsed)
        addresses = self._addresses(data, countries)
        properties = {
            prop: list(values)
            for prop, values in data.get("properties", {}).items()
            if prop not in MAPPED_PROPS and values
        }
        if data["schema"] != schema:
            properties["ftmSchema"] = [data["schema"]]
        refs = [
            f"ofac:{m.group(1)}"
            for ref in [ftm_id, *data.get("referents", [])]
            if isinstance(ref, str) and (m := _OFAC_REFERENT.match(ref))
        ]
        gender = next(iter(_values(data, "gender")), None)
        self.stats[schema] += 1
        return Entity(
            id=self._id(ftm_id),
            schema=schema,
            listing=Listing(
                self.list_id,
                programs=tuple(dict.fromkeys(_values(data, "program"))),
                source_url=next(iter(_values(data, "sourceUrl")), None),
            ),
            names=ordered,
            addresses=addresses,
            countries=countries,
            birth_dates=birth_dates,
            birth_places=list(dict.fromkeys(_values(data, "birthPlace"))),
            gender=gender.lower() if gender else None,
            identifiers=identifiers,
            titles=list(dict.fromkeys(_values(data, "position"))),
            remarks="\n".join(dict.fromkeys(_values(data, "notes"))) or None,
            properties=properties,
            refs=list(dict.fromkeys(refs)),
            source_ref=f"{self.name} line {self.lines[ftm_id]}",
            raw=data,
        )

    def _addresses(self, data: dict[str, Any], countries: list[Country]) -> list[Address]:
        addresses: list[Address] = []
        for ref in _values(data, "addressEntity"):
            record = self.records.get(self.resolve(ref))
            if record is None or record["schema"] != "Address":
                self.stats["dangling_addresses"] += 1
                continue
            parts = {
                p: next(iter(_values(record, p)), None)
                for p in ("full", "street", "city", "postalCode", "region", "country")
            }
            code = _country_code(parts["country"]) if parts["country"] else None
            full = parts["full"] or ", ".join(
                v for k, v in parts.items() if v and k in ("street", "postalCode", "city", "region")
            )
            if not full:
                continue
            address = Address(
                full, parts["street"], parts["city"], parts["region"], parts["postalCode"], code
            )
            if address not in addresses:
                addresses.append(address)
            if code and Country(code, CountryRole.ADDRESS) not in countries:
                countries.append(Country(code, CountryRole.ADDRESS))
        known = {a.full for a in addresses}
        for value in _values(data, "address"):
            if value not in known:
                addresses.append(Address(value))
                known.add(value)
        return addresses

    def _side(self, ftm_id: str, data: dict[str, Any]) -> None:
        schema = data["schema"]
        if schema == "Sanction":
            targets = [self.resolve(t) for t in _values(data, "entity")]
            targets = [t for t in targets if t in self.entities]
            if not targets:
                self.stats["dangling_sanctions"] += 1
            for target in targets:
                self.sanctions.setdefault(target, []).append(data)
        elif schema in ("Passport", "Identification", "CryptoWallet"):
            holders = [self.resolve(h) for h in _values(data, "holder")]
            holders = [h for h in holders if h in self.entities]
            if not holders:
                self.stats["dangling_documents"] += 1
            for holder in holders:
                self._document(self.entities[holder], schema, data)
        elif schema in LINK_SCHEMAS:
            self._link(schema, data)

    def _document(self, entity: Entity, schema: str, data: dict[str, Any]) -> None:
        if schema == "CryptoWallet":
            currency = next(iter(_values(data, "currency")), None)
            for key in _values(data, "publicKey"):
                entity.identifiers.append(Identifier(IdentifierType.CRYPTO, key, currency=currency))
            return
        numbers = _values(data, "number") + _values(data, "passportNumber")
        if not numbers:
            self.stats["documents_without_number"] += 1
            return
        doc_type = next(iter(_values(data, "type")), None)
        note = doc_type
        kind = IdentifierType.PASSPORT if schema == "Passport" else IdentifierType.NATIONAL_ID
        if doc_type in _TYPE_VALUES:  # written by export_ftm
            kind = IdentifierType(doc_type)
            note = next(iter(_values(data, "summary")), None)
        elif doc_type and re.search(r"passport", doc_type, re.I):
            kind = IdentifierType.PASSPORT
        elif doc_type and re.search(r"\btax\b|fiscal|\bINN\b|\bTIN\b", doc_type, re.I):
            kind = IdentifierType.TAX_ID
        country = next(
            (c for c in map(_country_code, _values(data, "country")) if c is not None), None
        )
        for number in dict.fromkeys(numbers):
            identifier = Identifier(kind, number, country, note)
            if identifier not in entity.identifiers:
                entity.identifiers.append(identifier)

    def _link(self, schema: str, data: dict[str, Any]) -> None:
        a_prop, b_prop, a_kind, b_kind = LINK_SCHEMAS[schema]
        for a in map(self.resolve, _values(data, a_prop)):
            for b in map(self.resolve, _values(data, b_prop)):
                if a not in self.entities or b not in self.entities:
                    self.stats["dangling_links"] += 1
                    continue
                self._relate(a, Relation(a_kind, self.entities[b].caption, self._id(b)))
                self._relate(b, Relation(b_kind, self.entities[a].caption, self._id(a)))
                self.stats["relations"] += 1

    def _relate(self, ftm_id: str, relation: Relation) -> None:
        relations = self.entities[ftm_id].relations
        if relation not in relations:
            relations.append(relation)

    def _apply_sanctions(self, entity: Entity, sanctions: list[dict[str, Any]]) -> None:
        """Fold the party's Sanction entities into its one `Listing`."""
        programs = list(entity.listing.programs)
        legal_basis: list[str] = []
        starts: list[str] = []
        ends: list[str] = []
        urls: list[str] = []
        for sanction in sanctions:
            programs.extend(_values(sanction, "program") or _values(sanction, "programId"))
            for reason in _values(sanction, "reason"):
                # Regulation numbers are the legal basis; narratives stay in properties.
                if len(reason) <= 120 and _REGULATION.search(reason):
                    legal_basis.append(reason)
                else:
                    entity.properties.setdefault("sanctionReason", []).append(reason)
            starts.extend(
                d[:10] for d in _values(sanction, "listingDate") + _values(sanction, "startDate")
            )
            end = _values(sanction, "endDate")
            ends.append(max(end)[:10] if end else "")
            urls.extend(_values(sanction, "sourceUrl"))
            entity.refs.extend(f"un:{u}" for u in _values(sanction, "unscId"))
            for prop, key in (
                ("authority", "sanctionAuthority"),
                ("authorityId", "sanctionAuthorityId"),
                ("programId", "programId"),
                ("provisions", "sanctionProvisions"),
                ("status", "sanctionStatus"),
            ):
                for value in _values(sanction, prop):
                    known = entity.properties.setdefault(key, [])
                    if value not in known:
                        known.append(value)
        entity.refs[:] = list(dict.fromkeys(entity.refs))
        listing = entity.listing
        entity.listing = Listing(
            listing.list_id,
            programs=tuple(dict.fromkeys(programs)),
            listed_on=min(starts, default=None),
            end_on=max(ends) if ends and all(ends) else None,
            legal_basis=tuple(dict.fromkeys(legal_basis)),
            source_url=urls[0] if urls else listing.source_url,
        )
        self.stats["sanctions"] += len(sanctions)
