"""One entity model for every list: what a listed party is, as its source says.

Schema names follow FollowTheMoney (Person, Organization, Company, LegalEntity,
Vessel, Airplane) so that FtM data imports and exports without a mapping table.
An `Entity` is one record of one list; a *party* is the set of entities on
different lists that the sources themselves tie together (see `refs`).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from clearance.model.countries import CountryRole
from clearance.model.dates import PartialDate
from clearance.model.identifiers import IdentifierType

SCHEMAS = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
# The sub-list of a *derived* listing (clearance.ownership): a party no government listed,
# reached by its owners' listings. Never an official list's sub-list.
OWNERSHIP_SUB_LIST = "OWNERSHIP"


def _fields(obj: Any) -> dict[str, Any]:
    """A flat dataclass's fields as a dict (enum members stay; they are str subclasses)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


class NameKind(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"  # a strong a.k.a.
    WEAK = "weak"  # "low quality" alias: OFAC weak a.k.a., UN QUALITY=Low
    FORMER = "former"  # f.k.a.


class NameDerivation(StrEnum):
    """How a name was taken out of a name field that packs several names.

    The lists write several names into one field (`A; B`, `A (ABC)`, `A a.k.a. B`,
    `حسن غول (Hassan Ghul; Hassan Gul)`); the loaders keep the field as listed and
    add each name it holds, marked with the rule that found it, so an analyst can
    see that a hit was on a name the list packed and not on one it wrote alone.
    """

    SPLIT = "split"  # one of a `;` (or `a) … b)`, ` or `) list, or the name before an a.k.a.
    AKA = "aka"  # after a.k.a. / a/k/a / n.k.a.
    FKA = "fka"  # after f.k.a.
    DBA = "dba"  # after d.b.a. / d/b/a
    SHORT_FORM = "short_form"  # an acronym or short name in parentheses: "(HTS)", "(Huawei)"
    ALTERNATIVE = "alternative"  # another name in parentheses: a translation, an expansion
    WITHOUT_PARENTHESES = "without_parentheses"  # the name with its notes, short forms … removed
    VARIANT = "variant"  # a spelling variant in parentheses put in place: "Fawzi (Faouzi)"
    ORIGINAL_SCRIPT = "original_script"  # the part written in the original (non-Latin) script
    SUBORDINATE = "subordinate"  # the unit named after its parent: "X. Affiliated Entity: Y"
    WITHOUT_NOTE = "without_note"  # the name without an appended note: ", including …"


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    script: str | None = None  # e.g. "Cyrl", "Arab" when the source says it is non-Latin
    derived: str | None = None  # a NameDerivation when taken out of a packed field
    derived_from: str | None = None  # the field as listed, for a derived name


def _name_dict(name: Name) -> dict[str, Any]:
    """A name's fields; `derived`/`derived_from` only when set, so that the records
    of names written alone serialise (and hash) exactly as before these existed."""
    data = _fields(name)
    if name.derived is None:
        del data["derived"]
    if name.derived_from is None:
        del data["derived_from"]
    return data


def _name_from_dict(data: dict[str, Any]) -> Name:
    derived = data.get("derived")
    return Name(
        **{
            **data,
            "kind": NameKind(data.get("kind", "primary")),
            "derived": None if derived is None else NameDerivation(derived),
        }
    )


@dataclass(frozen=True, slots=True)
class Address:
    full: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO alpha-2


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO alpha-2 (or XK, SU, YU for places ISO no longer lists)
    role: CountryRole = CountryRole.OTHER


@dataclass(frozen=True, slots=True)
class Identifier:
    type: IdentifierType
    value: str
    country: str | None = None
    note: str | None = (
        None  # the label as written, e.g. "Cedula No." or "Digital Currency Address - XBT"
    )
    currency: str | None = None  # crypto addresses: XBT, ETH, USDT …


@dataclass(frozen=True, slots=True)
class Relation:
    kind: str  # "linked_to", "owned_by", "associate"
    target_name: str
    target_id: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """Why and since when this record is on its list; what effects are derived from."""

    list_id: str
    sub_list: str | None = None  # us-csl: "EL", "DPL", "SDN" …; ofac-nonsdn: "NS-CMIC" …
    programs: tuple[str, ...] = ()
    listed_on: str | None = None  # ISO date
    effective_on: str | None = None
    divestment_on: str | None = None  # NS-CMIC purchase/sale for divestment date
    end_on: str | None = None
    legal_basis: tuple[str, ...] = ()  # Federal Register notices, regulations
    license_requirement: str | None = None
    license_policy: str | None = None
    source_url: str | None = None


@dataclass(slots=True)
class Entity:
    id: str  # "<list-id>:<source id>", stable across versions
    schema: str
    listing: Listing
    names: list[Name]
    addresses: list[Address] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    remarks: str | None = None
    relations: list[Relation] = field(default_factory=list)
    properties: dict[str, list[str]] = field(default_factory=dict)  # other FtM properties
    refs: list[str] = field(default_factory=list)  # cross-list keys: "ofac:30946", "un:QDi.001"
    source_ref: str | None = None  # "sdn.csv line 386", "consolidated.xml INDIVIDUAL[12]"
    raw: dict[str, Any] = field(default_factory=dict)  # the source record as read

    @property
    def list_id(self) -> str:
        return self.listing.list_id

    @property
    def source_id(self) -> str:
        return self.id.split(":", 1)[1]

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.id

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict. Hand-written: `dataclasses.asdict` deep-copies and is
        ten times slower, which shows when a list of 15,000 entities is stored."""
        listing = _fields(self.listing)
        listing["programs"] = list(self.listing.programs)
        listing["legal_basis"] = list(self.listing.legal_basis)
        return {
            "id": self.id,
            "schema": self.schema,
            "listing": listing,
            "names": [_name_dict(n) for n in self.names],
            "addresses": [_fields(a) for a in self.addresses],
            "countries": [_fields(c) for c in self.countries],
            "birth_dates": [_fields(d) for d in self.birth_dates],
            "birth_places": list(self.birth_places),
            "gender": self.gender,
            "identifiers": [_fields(i) for i in self.identifiers],
            "titles": list(self.titles),
            "remarks": self.remarks,
            "relations": [_fields(r) for r in self.relations],
            "properties": {k: list(v) for k, v in self.properties.items()},
            "refs": list(self.refs),
            "source_ref": self.source_ref,
            "raw": copy.deepcopy(self.raw),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        listing = dict(data["listing"])
        for key in ("programs", "legal_basis"):
            listing[key] = tuple(listing.get(key) or ())
        return cls(
            id=data["id"],
            schema=data["schema"],
            listing=Listing(**listing),
            names=[_name_from_dict(n) for n in data["names"]],
            addresses=[Address(**a) for a in data.get("addresses", [])],
            countries=[
                Country(c["code"], CountryRole(c["role"])) for c in data.get("countries", [])
            ],
            birth_dates=[PartialDate(**d) for d in data.get("birth_dates", [])],
            birth_places=list(data.get("birth_places", [])),
            gender=data.get("gender"),
            identifiers=[
                Identifier(**{**i, "type": IdentifierType(i["type"])})
                for i in data.get("identifiers", [])
            ],
            titles=list(data.get("titles", [])),
            remarks=data.get("remarks"),
            relations=[Relation(**r) for r in data.get("relations", [])],
            properties={k: list(v) for k, v in data.get("properties", {}).items()},
            refs=list(data.get("refs", [])),
            source_ref=data.get("source_ref"),
            raw=dict(data.get("raw", {})),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def content_hash(self) -> str:
        """Hash of everything the source says about this entity, for change detection."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def identifier_values(self, kind: IdentifierType) -> list[str]:
        return [i.value for i in self.identifiers if i.type is kind]
