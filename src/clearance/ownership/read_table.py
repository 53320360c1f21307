"""Ownership as a plain table: CSV or XLSX with `owner,owned,percent,start_date,end_date,source`.

Owners and owned are written as names ("Hikvision Digital Technology"), as typed
identifiers ("LEI:5493001KJTIIGC8Y1R12", "ISIN:CNE100000PM8", "REG:91330000733796106P")
or as the id of a listed record ("us-csl:8c3d…"). Optional columns add facts to a
party: `owner_ids` / `owned_ids` (identifiers, `;`-separated), `owner_country` /
`owned_country`, `owner_type` / `owned_type` (person or company) and `interest`
(shares, votes or control). Every bad row is reported with its line; one bad row and
nothing is loaded.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clearance.loaders.errors import ListFormatError
from clearance.loaders.source_files import (
    check_zip_members,
    decode_text,
    iter_csv_records,
    read_source,
)
from clearance.model import Identifier, IdentifierType, to_country_code
from clearance.ownership.records import (
    Interest,
    OwnershipData,
    OwnershipEdge,
    OwnershipFileError,
    OwnershipParty,
    RowError,
)
from clearance.ownership.shares import Share, ShareError

REQUIRED = ("owner", "owned", "percent", "start_date", "end_date", "source")
OPTIONAL = (
    "owner_ids",
    "owned_ids",
    "owner_country",
    "owned_country",
    "owner_type",
    "owned_type",
    "interest",
)

# "LEI:…", "ISIN:…": the prefixes a cell may carry, and the identifier type they mean.
ID_PREFIXES: dict[str, IdentifierType] = {
    "lei": IdentifierType.LEI,
    "isin": IdentifierType.ISIN,
    "reg": IdentifierType.REGISTRATION,
    "regno": IdentifierType.REGISTRATION,
    "registration": IdentifierType.REGISTRATION,
    "registration_number": IdentifierType.REGISTRATION,
    "ogrn": IdentifierType.REGISTRATION,
    "tax": IdentifierType.TAX_ID,
    "tax_id": IdentifierType.TAX_ID,
    "tin": IdentifierType.TAX_ID,
    "inn": IdentifierType.TAX_ID,
    "vat": IdentifierType.TAX_ID,
    "uscc": IdentifierType.USCC,
    "swift": IdentifierType.SWIFT_BIC,
    "bic": IdentifierType.SWIFT_BIC,
}
_PREFIXED = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(\S.*?)\s*$")
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PERSON_WORDS = frozenset({"person", "individual", "natural person"})
_COMPANY_WORDS = frozenset({"company", "organization", "organisation", "entity", "legal entity"})
_INTEREST_WORDS = {
    "": Interest.SHARES,
    "shares": Interest.SHARES,
    "shareholding": Interest.SHARES,
    "equity": Interest.SHARES,
    "votes": Interest.VOTES,
    "voting": Interest.VOTES,
    "voting rights": Interest.VOTES,
    "control": Interest.CONTROL,
}


def parse_identifier(text: str) -> Identifier | None:
    """ "LEI:5493…" -> an LEI identifier; None when the prefix is not an identifier type."""
    m = _PREFIXED.match(text)
    if m is None or m.group(1).lower() not in ID_PREFIXES:
        return None
    return Identifier(ID_PREFIXES[m.group(1).lower()], m.group(2), note=m.group(1))


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> str:
    """An ISO date, possibly partial (2021, 2021-06); ValueError naming what was found."""
    value = text.strip()
    if isinstance(text, datetime | date):
        return text.isoformat()[:10]
    if not _ISO_DATE.match(value):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    if len(value) == 10:
        date.fromisoformat(value)  # a real day (no 2021-02-30)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    return iter_csv_records(decode_text(data, name), name)


def _xlsx_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    check_zip_members(data, name)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ListFormatError(name, f"cannot open the workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in row]
    finally:
        workbook.close()


class _TableReader:
    """One table file: parties collected by how they are written, edges row by row."""

    def __init__(self, name: str):
        self.name = name
        self.parties: dict[str, OwnershipParty] = {}
        self.edges: list[OwnershipEdge] = []
        self.errors: list[RowError] = []
        self.seen: dict[str, str] = {}  # a party as written -> its key
        self.extra: dict[str, list[str]] = {"owner": [], "owned": []}  # optional columns given

    def error(self, line: int, message: str) -> None:
        self.errors.append(RowError(self.name, line, message))

    def read(self, rows: Iterator[tuple[int, list[str]]]) -> OwnershipData:
        header: list[str] | None = None
        for line, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lstrip("\ufeff").lower() for c in cells]
                for side, extra in self.extra.items():
                    extra.extend(
                        f"{side}_{c}" for c in ("ids", "country", "type") if f"{side}_{c}" in header
                    )
                missing = [c for c in REQUIRED if c not in header]
                if missing:
                    raise ListFormatError(
                        self.name,
                        f"missing column(s) {', '.join(missing)}; an ownership table has the "
                        f"columns {','.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})",
                        line=line,
                    )
                continue
            values = {
                col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(header)
            }
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                self.error(line, f"{len(cells)} cells for {len(header)} columns")
                continue
            self._row(line, values)
        if header is None:
            raise ListFormatError(self.name, "no header row; expected " + ",".join(REQUIRED))
        if self.errors:
            raise OwnershipFileError(self.name, self.errors)
        if not self.edges:
            raise ListFormatError(self.name, "no ownership rows after the header")
        return OwnershipData("table", self.parties, self.edges, stats={"rows": len(self.edges)})

    def _party(self, line: int, side: str, values: dict[str, str]) -> str | None:
        written = values.get(side, "")
        if not written:
            self.error(line, f"{side} is empty")
            return None
        known_key = self.seen.get(written)
        if known_key is not None and not any(values.get(c) for c in self.extra[side]):
            return known_key  # the same party again, with nothing new to say about it
        identifiers: list[Identifier] = []
        name = written
        entity_id = None
        if (ident := parse_identifier(written)) is not None:
            identifiers.append(ident)
        elif re.match(r"^[a-z][a-z0-9-]*:[^\s:]+$", written):
            entity_id = written  # a listed record's id, as `clearance show` prints it
        for part in (values.get(f"{side}_ids") or "").split(";"):
            if not part.strip():
                continue
            extra = parse_identifier(part)
            if extra is None:
                self.error(
                    line,
                    f"{side}_ids: {part.strip()!r} is not TYPE:VALUE with a known "
                    f"type ({', '.join(sorted(ID_PREFIXES))})",
                )
                return None
            identifiers.append(extra)
        country = None
        if raw_country := values.get(f"{side}_country"):
            country = to_country_code(raw_country)
            if country is None:
                self.error(line, f"{side}_country: {raw_country!r} is not a country")
                return None
        kind = (values.get(f"{side}_type") or "").strip().lower()
        if kind and kind not in _PERSON_WORDS | _COMPANY_WORDS:
            self.error(line, f"{side}_type: {kind!r} is not person or company")
            return None
        schema = "Person" if kind in _PERSON_WORDS else "Company" if kind else "LegalEntity"
        key = " ".join(written.casefold().split())
        known = self.parties.get(key)
        if known is not None:
            merged = tuple(dict.fromkeys([*known.identifiers, *identifiers]))
            schema = known.schema if schema == "LegalEntity" else schema
            self.parties[key] = OwnershipParty(
                key,
                known.name,
                schema,
                merged,
                known.country or country,
                known.entity_id,
                known.source_ref,
            )
        else:
            self.seen[written] = key
            self.parties[key] = OwnershipParty(
                key,
                name,
                schema,
                tuple(identifiers),
                country,
                entity_id,
                f"{self.name} line {line}",
            )
        return key

    def _row(self, line: int, values: dict[str, str]) -> None:
        before = len(self.errors)
        owner = self._party(line, "owner", values)
        owned = self._party(line, "owned", values)
        share = None
        try:
            share = Share.parse(values.get("percent", ""))
        except ShareError as exc:
            self.error(line, f"percent: {exc}")
        dates: dict[str, str | None] = {}
        for column in ("start_date", "end_date"):
            text = values.get(column, "")
            try:
                dates[column] = parse_date(text) if text else None
            except ValueError as exc:
                self.error(line, f"{column}: {exc}")
        start, end = dates.get("start_date"), dates.get("end_date")
        if start and end and end < start[: len(end)]:
            self.error(line, f"end_date {end} is before start_date {start}")
        interest = _INTEREST_WORDS.get((values.get("interest") or "").strip().lower())
        if interest is None:
            self.error(
                line, f"interest: {values.get('interest')!r} is not shares, votes or control"
            )
        if owner is not None and owner == owned:
            self.error(line, "owner and owned are the same party")
        if len(self.errors) > before or owner is None or owned is None or share is None:
            return
        self.edges.append(
            OwnershipEdge(
                owner,
                owned,
                share,
                interest or Interest.SHARES,
                start,
                end,
                values.get("source") or None,
                f"{self.name} line {line}",
            )
        )


def read_ownership_table(path: Path) -> OwnershipData:
    """Read a CSV or XLSX ownership table; OwnershipFileError lists every bad row."""
    name = path.name
    data = read_source(path)
    suffix = name.lower().removesuffix(".gz").rsplit(".", 1)[-1]
    rows = _xlsx_rows(data, name) if suffix in ("xlsx", "xlsm") else _csv_rows(data, name)
    return _TableReader(name).read(rows)
