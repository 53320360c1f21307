"""The entity model every loader produces and every later stage consumes.

FollowTheMoney-compatible in its schema names and property names, but plain
dataclasses: fast to build for 40,000 listed parties and easy to type-check.
"""

from clearance.model.countries import CountryRole, to_country_code
from clearance.model.dates import PartialDate, parse_partial_date
from clearance.model.entity import (
    OWNERSHIP_SUB_LIST,
    SCHEMAS,
    Address,
    Country,
    Entity,
    Identifier,
    Listing,
    Name,
    NameDerivation,
    NameKind,
    Relation,
)
from clearance.model.identifiers import IdentifierType

__all__ = [
    "OWNERSHIP_SUB_LIST",
    "SCHEMAS",
    "Address",
    "Country",
    "CountryRole",
    "Entity",
    "Identifier",
    "IdentifierType",
    "Listing",
    "Name",
    "NameDerivation",
    "NameKind",
    "PartialDate",
    "Relation",
    "parse_partial_date",
    "to_country_code",
]
