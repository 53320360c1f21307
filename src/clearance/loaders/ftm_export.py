"""FollowTheMoney export: our entities -> FtM JSON-lines entities (`export_ftm`).

The reverse of `ftm_json`'s import, kept apart because it shares only the
vocabulary in `ftm_schema` with it: one thing entity per `Entity`, an `Address`
per address, a `Sanction` per listing, a Passport/Identification/CryptoWallet per
document and one link entity per relation pair, with ids derived from ours so
repeated exports are identical.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from clearance.loaders.ftm_schema import ID_PROPS, LINK_SCHEMAS, MAPPED_PROPS
from clearance.model import (
    OWNERSHIP_SUB_LIST,
    CountryRole,
    Entity,
    Identifier,
    IdentifierType,
    NameKind,
    Relation,
)

_THING_PROPS = {
    "name", "alias", "weakAlias", "previousName", "country", "notes", "summary", "description",
    "sourceUrl", "topics", "address", "addressEntity", "program", "modifiedAt", "createdAt",
    "keywords", "wikidataId", "publisher", "retrievedAt",
}  # fmt: skip
_LEGAL_PROPS = _THING_PROPS | {
    "email", "phone", "website", "legalForm", "incorporationDate", "dissolutionDate", "status",
    "sector", "classification", "registrationNumber", "idNumber", "taxNumber", "vatCode",
    "jurisdiction", "mainCountry", "okpoCode", "innCode", "dunsCode", "swiftBic", "leiCode",
    "ogrnCode", "uniqueEntityId", "npiCode", "programId", "icijId", "bvdId", "taxStatus",
}  # fmt: skip
_ORG_PROPS = _LEGAL_PROPS | {"cageCode", "permId", "imoNumber", "giiNumber"}
_EXPORT_PROPS = {
    "LegalEntity": _LEGAL_PROPS,
    "Person": _LEGAL_PROPS | {
        "title", "firstName", "secondName", "middleName", "fatherName", "motherName", "lastName",
        "nameSuffix", "birthDate", "birthPlace", "birthCountry", "deathDate", "position",
        "nationality", "citizenship", "passportNumber", "socialSecurityNumber", "gender",
        "ethnicity", "religion", "political", "education",
    },
    "Organization": _ORG_PROPS,
    "Company": _ORG_PROPS | {
        "capital", "kppCode", "isinCode", "ticker", "bikCode", "irsCode", "voenCode", "cikCode",
        "fnsCode", "pfrNumber",
    },
    "Vessel": _THING_PROPS | {
        "imoNumber", "crsNumber", "flag", "registrationPort", "navigationArea", "tonnage",
        "grossRegisteredTonnage", "nameChangeDate", "callSign", "pastFlags", "pastTypes", "mmsi",
        "buildDate", "type", "registrationNumber", "model", "registrationDate",
    },
    "Airplane": _THING_PROPS | {
        "serialNumber", "icaoCode", "manufacturer", "type", "registrationNumber", "model",
        "buildDate", "registrationDate",
    },
}  # fmt: skip
_TYPE_PROPS = {
    IdentifierType.PASSPORT: "passportNumber",
    IdentifierType.NATIONAL_ID: "idNumber",
    IdentifierType.TAX_ID: "taxNumber",
    IdentifierType.REGISTRATION: "registrationNumber",
    IdentifierType.USCC: "registrationNumber",
    IdentifierType.ISIN: "isinCode",
    IdentifierType.TICKER: "ticker",
    IdentifierType.IMO: "imoNumber",
    IdentifierType.MMSI: "mmsi",
    IdentifierType.CALL_SIGN: "callSign",
    IdentifierType.LEI: "leiCode",
    IdentifierType.SWIFT_BIC: "swiftBic",
    IdentifierType.EMAIL: "email",
    IdentifierType.WEBSITE: "website",
    IdentifierType.PHONE: "phone",
    IdentifierType.AIRCRAFT_SERIAL: "serialNumber",
    IdentifierType.OTHER: "idNumber",
}
_ROLE_PROPS = {
    CountryRole.NATIONALITY: "nationality",
    CountryRole.CITIZENSHIP: "citizenship",
    CountryRole.BIRTH: "birthCountry",
    CountryRole.JURISDICTION: "jurisdiction",
    CountryRole.FLAG: "flag",
}
# relation kind -> (link schema, our entity is side A?)
_KIND_LINKS = {
    kind: (schema, side == 0)
    for schema, (_, _, a_kind, b_kind) in LINK_SCHEMAS.items()
    for side, kind in enumerate((a_kind, b_kind))
}
_SYMMETRIC = {"Family", "Associate", "UnknownLink"}
_DOCUMENT_TYPES = {
    IdentifierType.PASSPORT,
    IdentifierType.NATIONAL_ID,
    IdentifierType.TAX_ID,
    IdentifierType.REGISTRATION,
    IdentifierType.OTHER,
}


def ftm_id(entity_id: str) -> str:
    """Our id as a valid FtM id: letters, digits, dots and dashes (`uk-ofsi:1` -> `uk-ofsi-1`)."""
    return re.sub(r"[^0-9A-Za-z.-]+", "-", entity_id).strip("-.")


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def export_ftm(entities: Iterable[Entity]) -> Iterator[dict[str, Any]]:
    """Our entities as FtM entities: thing, its Addresses, its Sanction, its links."""
    emitted_links: set[str] = set()
    for entity in entities:
        yield from _export_entity(entity, emitted_links)


def _export_entity(entity: Entity, emitted_links: set[str]) -> Iterator[dict[str, Any]]:
    thing_id = ftm_id(entity.id)
    schema = entity.schema if entity.schema in _EXPORT_PROPS else "LegalEntity"
    if schema == "Organization" and any(
        i.type in (IdentifierType.ISIN, IdentifierType.TICKER) for i in entity.identifiers
    ):
        schema = "Company"  # only companies carry securities in FtM
    allowed = _EXPORT_PROPS[schema]
    props: dict[str, list[str]] = {}

    def add(prop: str, value: str | None) -> None:
        if value and prop in allowed and value not in props.setdefault(prop, []):
            props[prop].append(value)

    for name in entity.names:
        prop = {
            NameKind.PRIMARY: "name",
            NameKind.ALIAS: "alias",
            NameKind.WEAK: "weakAlias",
            NameKind.FORMER: "previousName",
        }[name.kind]
        if name.derived and prop == "name":
            prop = "alias"  # FtM's `name` is the name as listed; a name split from it is an alias
        add(prop, name.value)
        add("firstName", name.first_name)
        add("middleName", name.middle_name)
        add("lastName", name.last_name)
    for date in entity.birth_dates:
        add("birthDate", date.value)
        add("birthDate", date.end)
    for place in entity.birth_places:
        add("birthPlace", place)
    address_countries = {a.country for a in entity.addresses if a.country}
    for country in entity.countries:
        code = country.code.lower()
        prop = _ROLE_PROPS.get(country.role, "country")
        if prop not in allowed:
            prop = "country"
        if country.role is CountryRole.ADDRESS and country.code in address_countries:
            continue  # carried by the Address entity
        add(prop, code)
    add("gender", entity.gender)
    documents: list[Identifier] = []
    for identifier in entity.identifiers:
        if identifier.type is IdentifierType.CRYPTO or (
            identifier.country and identifier.type in _DOCUMENT_TYPES
        ):
            documents.append(identifier)  # own entities: they carry currency or country
            continue
        prop = identifier.note if identifier.note in ID_PROPS else _TYPE_PROPS[identifier.type]
        if prop not in allowed or ID_PROPS.get(prop, identifier.type) is not identifier.type:
            prop = _TYPE_PROPS[identifier.type]
        if prop not in allowed:
            prop = "idNumber" if "idNumber" in allowed else "registrationNumber"
        add(prop, identifier.value)
    for title in entity.titles:
        add("position", title)
    add("notes", entity.remarks)
    for prop, values in entity.properties.items():
        if prop not in MAPPED_PROPS and prop not in ("addressEntity",):
            for value in values:
                add(prop, value)
    addresses = []
    for address in entity.addresses:
        address_id = f"{thing_id}-addr-{_digest(address.full)}"
        add("address", address.full)
        props.setdefault("addressEntity", []).append(address_id)
        address_props: dict[str, list[str | None]] = {
            "full": [address.full],
            "street": [address.street],
            "city": [address.city],
            "region": [address.region],
            "postalCode": [address.postal_code],
            "country": [address.country.lower() if address.country else None],
        }
        addresses.append(
            {
                "id": address_id,
                "schema": "Address",
                "properties": {k: v for k, v in address_props.items() if v[0]},
            }
        )
    yield {
        "id": thing_id,
        "schema": schema,
        "caption": entity.caption,
        "properties": props,
        "datasets": [entity.list_id],
        "target": True,
    }
    yield from addresses
    if entity.listing.sub_list != OWNERSHIP_SUB_LIST:  # a derived listing is no Sanction
        yield _sanction(entity, thing_id)
    for identifier in documents:
        yield _document(thing_id, identifier)
    for relation in entity.relations:
        link = _link(thing_id, relation)
        if link is not None and link["id"] not in emitted_links:
            emitted_links.add(link["id"])
            yield link


def _document(thing_id: str, identifier: Identifier) -> dict[str, Any]:
    """A CryptoWallet, Passport or Identification entity held by `thing_id`."""
    key = _digest(identifier.type.value, identifier.value, identifier.country or "")
    if identifier.type is IdentifierType.CRYPTO:
        props = {"publicKey": [identifier.value], "holder": [thing_id]}
        if identifier.currency:
            props["currency"] = [identifier.currency]
        return {"id": f"{thing_id}-wallet-{key}", "schema": "CryptoWallet", "properties": props}
    schema = "Passport" if identifier.type is IdentifierType.PASSPORT else "Identification"
    props = {
        "holder": [thing_id],
        "number": [identifier.value],
        "country": [(identifier.country or "").lower()],
        "type": [identifier.type.value],  # read back exactly by load_ftm_json
    }
    if identifier.note:
        props["summary"] = [identifier.note]
    return {"id": f"{thing_id}-{schema.lower()}-{key}", "schema": schema, "properties": props}


def _sanction(entity: Entity, thing_id: str) -> dict[str, Any]:
    from clearance.loaders.registry import LIST_SOURCES  # the registry imports loaders lazily

    listing = entity.listing
    authorities = entity.properties.get("sanctionAuthority") or [
        LIST_SOURCES[listing.list_id].authority
        if listing.list_id in LIST_SOURCES
        else listing.list_id
    ]
    summary = [
        f"{label}: {value}"
        for label, value in (
            ("Sub-list", listing.sub_list),
            ("Licence requirement", listing.license_requirement),
            ("Licence policy", listing.license_policy),
        )
        if value
    ]
    props: dict[str, list[str | None]] = {
        "entity": [thing_id],
        "program": list(listing.programs),
        "authority": list(authorities),
        "startDate": [listing.listed_on],
        "endDate": [listing.end_on],
        "sourceUrl": [listing.source_url],
        "reason": list(listing.legal_basis),
        "unscId": [r.split(":", 1)[1] for r in entity.refs if r.startswith("un:")],
        "summary": ["; ".join(summary)],
    }
    return {
        "id": f"{thing_id}-sanction",
        "schema": "Sanction",
        "properties": {k: [v for v in vs if v] for k, vs in props.items() if any(vs)},
    }


def _link(thing_id: str, relation: Relation) -> dict[str, Any] | None:
    if not relation.target_id:
        return None
    other = ftm_id(relation.target_id)
    schema, ours_is_a = _KIND_LINKS.get(relation.kind, ("UnknownLink", True))
    a, b = (thing_id, other) if ours_is_a else (other, thing_id)
    if schema in _SYMMETRIC:
        a, b = sorted((a, b))
    a_prop, b_prop, _, _ = LINK_SCHEMAS[schema]
    props = {a_prop: [a], b_prop: [b]}
    if relation.kind not in _KIND_LINKS:
        props["role"] = [relation.kind]
    return {
        "id": f"{schema.lower()}-{_digest(schema, a, b)}",
        "schema": schema,
        "properties": props,
    }
