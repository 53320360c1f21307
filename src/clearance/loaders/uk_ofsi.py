"""UK OFSI consolidated list (ConList.xlsx / ConList.csv, "2022 format").

Row 1 reads `Last Updated, <dd/mm/yyyy>`, row 2 is the header, then one row per
*name variant*: a listed party with three aliases and two addresses may span
six rows that repeat everything else. Rows are grouped by `Group ID`; we build
one `Entity` per group and merge the variants (names, birth dates, addresses)
without duplicates. `Other Information` is free text with `(Key):value` parts
that carry the UN reference, gender, phones, IMO numbers and more.

This module is the entry point and the CSV reader. The workbook reader is in
`uk_ofsi_xlsx`, the row grouping and entity building both share in
`uk_ofsi_entities`, and the cell parsers in `uk_ofsi_fields`; their public
names are re-exported here so callers keep importing from `uk_ofsi`.
"""

from __future__ import annotations

from pathlib import Path

from clearance.loaders.name_scripts import non_latin_script
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import decode_text, iter_csv_records, read_source
from clearance.loaders.uk_ofsi_entities import (
    KNOWN_COLUMNS,
    LIST_ID,
    REQUIRED_COLUMNS,
    build_result,
)
from clearance.loaders.uk_ofsi_fields import country_codes, parse_other_information
from clearance.loaders.uk_ofsi_xlsx import load_uk_ofsi_xlsx

__all__ = [
    "KNOWN_COLUMNS",
    "LIST_ID",
    "REQUIRED_COLUMNS",
    "country_codes",
    "load_uk_ofsi_csv",
    "load_uk_ofsi_xlsx",
    "non_latin_script",
    "parse_other_information",
]


def load_uk_ofsi_csv(path: Path) -> LoadResult:
    """Load OFSI's ConList.csv (same columns as the workbook)."""
    name = path.name
    text = decode_text(read_source(path), name)
    rows = (
        (line, [f.strip() or None for f in fields]) for line, fields in iter_csv_records(text, name)
    )
    return build_result(rows, name, unit="line")
