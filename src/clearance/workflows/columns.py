"""Which input columns hold the name, type, country, birth date and identifiers.

Flags say it explicitly; otherwise the common headers of customer, vendor and
payment exports are recognised, so most files screen without any flag. Every other
column is passed through to the output untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from clearance.model.text import strip_format_characters
from clearance.workflows.tables import TableError

_KEY = re.compile(r"[^a-z0-9]+")


def _key(header: str) -> str:
    return _KEY.sub("", header.lower())


def _word_list(text: str) -> list[str]:
    """Header keys written as one string: easier to read and extend than a long list."""
    return text.split()


NAME_HEADERS = _word_list(
    "name fullname partyname entityname company companyname customer customername "
    "counterparty counterpartyname client clientname beneficiary beneficiaryname vendor "
    "vendorname supplier suppliername organisation organization organisationname "
    "organizationname legalname businessname issuer issuername holder holdername consignee "
    "consigneename shipper shippername buyer buyername payee payeename debtor creditor "
    "accountname accountholder party entity"
)
FIRST_NAME_HEADERS = _word_list("firstname givenname forename givennames forenames")
MIDDLE_NAME_HEADERS = _word_list("middlename middlenames secondname")
LAST_NAME_HEADERS = _word_list("lastname surname familyname")
TYPE_HEADERS = _word_list("type entitytype partytype schema kind persontype legaltype legalform")
COUNTRY_HEADERS = _word_list(
    "country countrycode nationality citizenship countryofresidence residence jurisdiction "
    "countryofincorporation incorporationcountry registeredcountry countryiso iso2"
)
DOB_HEADERS = _word_list("dob dateofbirth birthdate born dateofbirthiso")
ID_HEADERS = _word_list(
    "identifier identifiers idnumber idno passport passportnumber passportno nationalid "
    "nationalidnumber taxid taxnumber tin vat vatnumber registrationnumber regno "
    "companynumber lei isin imo imonumber swift bic swiftbic uscc"
)

_SCHEMA_WORDS = {
    "person": "Person",
    "individual": "Person",
    "people": "Person",
    "natural person": "Person",
    "p": "Person",
    "i": "Person",
    "organization": "Organization",
    "organisation": "Organization",
    "org": "Organization",
    "entity": "Organization",
    "e": "Organization",
    "legal entity": "Organization",
    "legalentity": "Organization",
    "company": "Company",
    "business": "Company",
    "corporation": "Company",
    "c": "Company",
    "vessel": "Vessel",
    "ship": "Vessel",
    "v": "Vessel",
    "aircraft": "Airplane",
    "airplane": "Airplane",
    "a": "Airplane",
}


def schema_from_text(value: Any) -> str | None:
    """'individual', 'Person', 'COMPANY' -> an entity schema; unknown words -> None."""
    if value is None:
        return None
    text = str(value).strip().lower()
    return _SCHEMA_WORDS.get(text)


@dataclass(frozen=True)
class ColumnMap:
    """Where the screening facts are in a table; `name_parts` when there is no full name."""

    name: str | None = None
    name_parts: tuple[str, ...] = ()
    type: str | None = None
    country: str | None = None
    dob: str | None = None
    ids: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"name={self.name or '+'.join(self.name_parts)}"]
        for label, value in (("type", self.type), ("country", self.country), ("dob", self.dob)):
            if value:
                parts.append(f"{label}={value}")
        if self.ids:
            parts.append("ids=" + ",".join(self.ids))
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "name_parts": list(self.name_parts),
            "type": self.type,
            "country": self.country,
            "dob": self.dob,
            "ids": list(self.ids),
        }

    def name_of(self, values: dict[str, Any]) -> str:
        if self.name is not None:
            raw = values.get(self.name)
            return "" if raw is None else strip_format_characters(str(raw)).strip()
        pieces = [str(values.get(c) or "") for c in self.name_parts]
        pieces = [strip_format_characters(p).strip() for p in pieces]
        return " ".join(p for p in pieces if p)

    def text_of(self, values: dict[str, Any], column: str | None) -> str | None:
        if column is None:
            return None
        raw = values.get(column)
        if raw is None:
            return None
        text = str(raw).strip()
        return text or None

    def identifiers_of(self, values: dict[str, Any]) -> list[str]:
        found: list[str] = []
        for column in self.ids:
            text = self.text_of(values, column)
            if text:
                found.extend(p.strip() for p in re.split(r"[;|]", text) if p.strip())
        return found


def find_column(columns: list[str], wanted: list[str]) -> str | None:
    keyed = {_key(c): c for c in reversed(columns)}  # first column wins on equal keys
    for candidate in wanted:
        if candidate in keyed:
            return keyed[candidate]
    return None


def _resolve(columns: list[str], flag: str | None, option: str, path: str) -> str | None:
    if flag is None:
        return None
    if flag in columns:
        return flag
    keyed = {_key(c): c for c in columns}
    if _key(flag) in keyed:
        return keyed[_key(flag)]
    raise TableError(
        path, f"{option} {flag!r}: no such column; the columns are: {', '.join(columns)}"
    )


def map_columns(
    columns: list[str],
    path: str,
    *,
    name_col: str | None = None,
    type_col: str | None = None,
    country_col: str | None = None,
    dob_col: str | None = None,
    id_cols: list[str] | None = None,
) -> ColumnMap:
    """Resolve flags against the header, else recognise common headers.

    Raises `TableError` naming the columns present when no name column can be found.
    """
    name = _resolve(columns, name_col, "--name-col", path)
    parts: tuple[str, ...] = ()
    if name is None:
        name = find_column(columns, NAME_HEADERS)
    if name is None:
        first = find_column(columns, FIRST_NAME_HEADERS)
        middle = find_column(columns, MIDDLE_NAME_HEADERS)
        last = find_column(columns, LAST_NAME_HEADERS)
        if first and last:
            parts = tuple(c for c in (first, middle, last) if c)
        elif last:
            parts = (last,)
    if name is None and not parts:
        raise TableError(
            path,
            "no name column: none of the columns ("
            + ", ".join(columns)
            + ") is a recognised name header; say which with --name-col",
        )
    ids: list[str] = []
    if id_cols:
        ids = [str(_resolve(columns, c, "--id-col", path)) for c in id_cols]
    else:
        keyed = {_key(c): c for c in columns}
        ids = [keyed[k] for k in ID_HEADERS if k in keyed]
    return ColumnMap(
        name=name,
        name_parts=parts,
        type=_resolve(columns, type_col, "--type-col", path) or find_column(columns, TYPE_HEADERS),
        country=_resolve(columns, country_col, "--country-col", path)
        or find_column(columns, COUNTRY_HEADERS),
        dob=_resolve(columns, dob_col, "--dob-col", path) or find_column(columns, DOB_HEADERS),
        ids=tuple(ids),
    )
