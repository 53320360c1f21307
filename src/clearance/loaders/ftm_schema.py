"""The FollowTheMoney vocabulary shared by import (`ftm_json`) and export (`ftm_export`).

Which FtM schemas are parties, links or side facts, and which properties map to
our model fields. Kept apart so both directions read one table without a
circular import (`ftm_json` imports `ftm_export` to re-export `export_ftm`).
"""

from __future__ import annotations

from clearance.model import CountryRole, IdentifierType, NameKind

THING_SCHEMAS = {
    "Person": "Person",
    "Organization": "Organization",
    "Company": "Company",
    "LegalEntity": "LegalEntity",
    "Vessel": "Vessel",
    "Airplane": "Airplane",
    "PublicBody": "Organization",
}
# schema -> (side A property, side B property, A's relation kind, B's relation kind)
LINK_SCHEMAS = {
    "Ownership": ("owner", "asset", "owner_of", "owned_by"),
    "Directorship": ("director", "organization", "director_of", "directed_by"),
    "Family": ("person", "relative", "family", "family"),
    "Associate": ("person", "associate", "associate", "associate"),
    "Membership": ("member", "organization", "member_of", "has_member"),
    "Employment": ("employee", "employer", "employee_of", "employer_of"),
    "UnknownLink": ("subject", "object", "linked_to", "linked_to"),
}
SIDE_SCHEMAS = {"Sanction", "Address", "Passport", "Identification", "CryptoWallet"}

NAME_KINDS = {
    "name": NameKind.ALIAS,  # the caption (or first name) becomes PRIMARY
    "alias": NameKind.ALIAS,
    "weakAlias": NameKind.WEAK,
    "previousName": NameKind.FORMER,
}
COUNTRY_PROPS = {
    "nationality": CountryRole.NATIONALITY,
    "citizenship": CountryRole.CITIZENSHIP,
    "birthCountry": CountryRole.BIRTH,
    "jurisdiction": CountryRole.JURISDICTION,
    "flag": CountryRole.FLAG,
    "country": CountryRole.OTHER,
    "mainCountry": CountryRole.OTHER,
}
ID_PROPS = {
    "idNumber": IdentifierType.NATIONAL_ID,
    "socialSecurityNumber": IdentifierType.NATIONAL_ID,
    "passportNumber": IdentifierType.PASSPORT,
    "taxNumber": IdentifierType.TAX_ID,
    "vatCode": IdentifierType.TAX_ID,
    "innCode": IdentifierType.TAX_ID,
    "irsCode": IdentifierType.TAX_ID,
    "registrationNumber": IdentifierType.REGISTRATION,
    "ogrnCode": IdentifierType.REGISTRATION,
    "okpoCode": IdentifierType.REGISTRATION,
    "isinCode": IdentifierType.ISIN,
    "ticker": IdentifierType.TICKER,
    "leiCode": IdentifierType.LEI,
    "swiftBic": IdentifierType.SWIFT_BIC,
    "imoNumber": IdentifierType.IMO,
    "mmsi": IdentifierType.MMSI,
    "callSign": IdentifierType.CALL_SIGN,
    "serialNumber": IdentifierType.AIRCRAFT_SERIAL,
    "email": IdentifierType.EMAIL,
    "website": IdentifierType.WEBSITE,
    "phone": IdentifierType.PHONE,
    "dunsCode": IdentifierType.OTHER,
    "uniqueEntityId": IdentifierType.OTHER,
    "permId": IdentifierType.OTHER,
    "kppCode": IdentifierType.OTHER,
}
# Properties turned into model fields; everything else is kept in `properties`.
MAPPED_PROPS = (
    set(NAME_KINDS)
    | set(COUNTRY_PROPS)
    | set(ID_PROPS)
    | {"birthDate", "birthPlace", "gender", "address", "addressEntity", "notes", "position"}
    | {"program"}
)
