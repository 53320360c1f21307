"""BIS Denied Persons List, the tab-separated `dpl.txt` BIS publishes.

One row per (denied party, address); the file has no id column. A party with
three addresses is three rows, as BIS writes it, because each row is what a
screening hit must show.

Stable source id: `bis-dpl:<12 hex>` = SHA-256 of the row's normalised
(upper-cased, whitespace-collapsed) name, street, city, state, country and
postal code. The dates and the FR citation are deliberately left out: BIS
renews temporary denial orders every 180 days by re-dating the same row, and
a renewal must show up as a changed listing of the same entity, not as one
party removed and another added. In the 2023-11-30 file these six fields tell
all 665 rows apart except two byte-identical rows (kept once, with a warning).
Rows that share the key but differ elsewhere get `-2`, `-3` ... in the order of
their full content, so the numbering does not depend on row order.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pycountry

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_fields import with_derived_names
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import (
    check_csv_header,
    decode_text,
    iter_csv_records,
    read_source,
)
from clearance.model import (
    Address,
    Country,
    CountryRole,
    Entity,
    Listing,
    Name,
    to_country_code,
)

LIST_ID = "bis-dpl"
PROGRAM = "EAR"  # denial orders are issued under the Export Administration Regulations
COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
KEY_COLUMNS = ("Name", "Street_Address", "City", "State", "Country", "Postal_Code")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "68 F.R. 38290 6/27/03" - one Federal Register citation; BIS runs several together.
_FR = re.compile(r"\d+\s+F\.?\s?R\.?\s+\d+(?:\s+\d{1,2}/\d{1,2}/\d{2,4})?")
# US state and territory codes ("TX", "PR"): BIS leaves Country blank on many US rows.
_US_STATES = frozenset(
    s.code.removeprefix("US-") for s in pycountry.subdivisions.get(country_code="US")
)


def _norm(text: str) -> str:
    return " ".join(text.upper().split())


def row_key(row: dict[str, str]) -> str:
    """The stable 12-hex source id of a row (see the module docstring for why these fields)."""
    material = "\x1f".join(_norm(row[c]) for c in KEY_COLUMNS)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:12]


def split_fr_citations(text: str) -> tuple[str, ...]:
    """ "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06" -> one item per citation.

    Falls back to the whole text when the pieces would not cover it, so that
    nothing BIS wrote is dropped.
    """
    text = " ".join(text.split())
    if not text:
        return ()
    found = _FR.findall(text)
    if found and len(" ".join(found)) == len(text):
        return tuple(found)
    return (text,)


def _us_date(text: str, column: str, file: str, line: int) -> str | None:
    text = text.strip()
    if not text:
        return None
    match = _US_DATE.match(text)
    try:
        if not match:
            raise ValueError(text)
        month, day, year = (int(g) for g in match.groups())
        return date(year, month, day).isoformat()
    except ValueError:
        raise ListFormatError(
            file, f"{column} {text!r} is not a MM/DD/YYYY date", line=line
        ) from None


def _entity(row: dict[str, str], source_id: str, line: int, file: str) -> Entity:
    name = " ".join(row["Name"].split())
    street, city = _clean(row["Street_Address"]), _clean(row["City"])
    state, postal = _clean(row["State"]), _clean(row["Postal_Code"])
    country_text = _clean(row["Country"])
    country = to_country_code(country_text) if country_text else None
    if country is None and not country_text and state in _US_STATES:
        country = "US"  # BIS leaves Country blank on many US rows that give a state
    full = ", ".join(p for p in (street, city, state, postal, country_text) if p)
    entity = Entity(
        id=f"{LIST_ID}:{source_id}",
        schema="LegalEntity",  # the DPL lists people and firms without saying which
        listing=Listing(
            list_id=LIST_ID,
            programs=(PROGRAM,),
            listed_on=_us_date(row["Effective_Date"], "Effective_Date", file, line),
            end_on=_us_date(row["Expiration_Date"], "Expiration_Date", file, line),
            legal_basis=split_fr_citations(row["FR_Citation"]),
        ),
        names=with_derived_names([Name(name)], person=None),  # the DPL does not say which
        source_ref=f"{file} line {line}",
        raw=dict(row),
    )
    if full:
        entity.addresses.append(Address(full, street, city, state, postal, country))
    if country:
        entity.countries.append(Country(country, CountryRole.ADDRESS))
    for prop, column in (
        ("standardOrder", "Standard_Order"),
        ("modifiedAt", "Last_Update"),
        ("action", "Action"),
    ):
        if value := _clean(row[column]):
            entity.properties[prop] = [value]
    return entity


def _clean(text: str) -> str | None:
    return " ".join(text.split()) or None


def load_bis_dpl(path: Path) -> LoadResult:
    """Read BIS's dpl.txt (plain or .gz) into `bis-dpl:` entities.

    `published` is the latest Last_Update, ignoring impossible (future) dates.
    """
    file = path.name
    text = decode_text(read_source(path), file)
    rows = iter_csv_records(text, file, columns=None, delimiter="\t")
    _, header = next(rows)
    check_csv_header(header, COLUMNS, "DPL", file)
    stats: Counter[str] = Counter()
    warnings: list[str] = []
    groups: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    published: str | None = None
    today = date.today().isoformat()
    for line, fields in rows:
        if len(fields) != len(COLUMNS):
            raise ListFormatError(
                file,
                f"expected {len(COLUMNS)} tab-separated columns, found {len(fields)}",
                line=line,
            )
        row = dict(zip(COLUMNS, fields, strict=True))
        if not row["Name"].strip():
            raise ListFormatError(file, "empty Name", line=line)
        updated = row["Last_Update"].strip()
        if updated:
            if not _ISO_DATE.match(updated):
                raise ListFormatError(
                    file, f"Last_Update {updated!r} is not a YYYY-MM-DD date", line=line
                )
            if updated > today:
                # e.g. "3033-09-30" for 2022-09-30: a typo must not date the whole file.
                warnings.append(f"{file} line {line}: Last_Update {updated} is in the future")
                stats["future_last_update"] += 1
            else:
                published = max(published or updated, updated)
        groups[row_key(row)].append((line, row))
    if not groups:
        raise ListFormatError(file, "no records: the file has a header but no rows")
    numbered: list[tuple[int, Entity]] = []
    for key, members in groups.items():
        kept: list[tuple[int, dict[str, str]]] = []
        for line, row in members:
            twin = next((k for k in kept if k[1] == row), None)
            if twin is not None:
                warnings.append(f"{file} line {line}: identical to line {twin[0]}, kept once")
                stats["identical_rows_dropped"] += 1
            else:
                kept.append((line, row))
        kept.sort(key=lambda item: tuple(item[1][c] for c in COLUMNS))
        for number, (line, row) in enumerate(kept, start=1):
            source_id = key if number == 1 else f"{key}-{number}"
            numbered.append((line, _entity(row, source_id, line, file)))
    entities = [entity for _, entity in sorted(numbered, key=lambda item: item[0])]
    stats["entities"] = len(entities)
    stats["source_rows"] = sum(len(members) for members in groups.values())
    stats["with_end_date"] = sum(1 for e in entities if e.listing.end_on)
    return LoadResult(LIST_ID, entities, published, warnings, dict(stats))
