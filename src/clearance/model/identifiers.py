"""Typed identifiers: the kinds a listed party can be pinned down by."""

from __future__ import annotations

import re
from enum import StrEnum


class IdentifierType(StrEnum):
    """Kinds of identifier. Values double as FollowTheMoney-ish property names."""

    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    TAX_ID = "tax_id"
    REGISTRATION = "registration_number"
    ISIN = "isin"
    TICKER = "ticker"
    USCC = "uscc"
    IMO = "imo"
    MMSI = "mmsi"
    CALL_SIGN = "call_sign"
    LEI = "lei"
    SWIFT_BIC = "swift_bic"
    CRYPTO = "crypto_address"
    EMAIL = "email"
    WEBSITE = "website"
    PHONE = "phone"
    AIRCRAFT_SERIAL = "aircraft_serial"
    OTHER = "other"


_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def normalize_identifier(value: str) -> str:
    """Comparable form of an identifier: upper case, letters and digits only.

    Passports and tax numbers are written with spaces, dashes and dots in one
    source and without in another; only the letters and digits carry meaning.
    """
    return _NON_ALNUM.sub("", value).upper()
