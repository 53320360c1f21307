"""Which ownership format a file is in, and reading it with the right reader.

`clearance load FILE --list ID` asks `ownership_format` first: a table with `owner`
and `owned` columns, a BODS package, or FollowTheMoney lines with `Ownership`
entities and no `Sanction` (a watch list exported from OpenSanctions carries both,
and stays a watch list) is ownership data; anything else is a list of parties.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from clearance.loaders.errors import ListFormatError
from clearance.loaders.source_files import check_zip_members, decode_text, read_source
from clearance.ownership.read_bods import looks_like_bods, read_bods
from clearance.ownership.read_ftm import read_ftm_ownership
from clearance.ownership.read_table import read_ownership_table
from clearance.ownership.records import OwnershipData

FORMATS = ("table", "bods", "ftm")
_TABLE_SUFFIXES = ("csv", "xlsx", "xlsm")
_JSON_SUFFIXES = ("json", "jsonl", "ndjson")


def _suffix(path: Path) -> str:
    return path.name.lower().removesuffix(".gz").rsplit(".", 1)[-1]


def ownership_format(path: Path) -> str | None:
    """ "table", "bods" or "ftm" when the file holds ownership data; None otherwise."""
    suffix = _suffix(path)
    if suffix not in _TABLE_SUFFIXES + _JSON_SUFFIXES:
        return None
    try:
        data = read_source(path)
    except ListFormatError:
        return None
    if suffix in ("xlsx", "xlsm"):
        return "table" if {"owner", "owned"} <= _xlsx_header(data) else None
    text = data[: 1 << 20].decode("utf-8-sig", errors="replace")
    if suffix == "csv":
        first = next(csv.reader(io.StringIO(text.lstrip())), [])
        header = {c.strip().lower() for c in first}
        return "table" if {"owner", "owned"} <= header else None
    if looks_like_bods(text):
        return "bods"
    full = decode_text(data, path.name, ("utf-8-sig",)) if len(data) > len(text) else text
    if '"Ownership"' in full and '"Sanction"' not in full:
        return "ftm"
    return None


def _xlsx_header(data: bytes) -> set[str]:
    """The first sheet's first row, lower case; empty for a workbook that cannot be read."""
    import openpyxl

    try:
        check_zip_members(data, "workbook")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not readable here: the list's own loader will say why
        return set()
    try:
        row = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        return {str(c).strip().lower() for c in row if c is not None}
    finally:
        book.close()


def read_ownership(path: Path, fmt: str | None = None) -> OwnershipData:
    """Read an ownership file in its format (detected unless given)."""
    kind = fmt or ownership_format(path)
    if kind == "table":
        return read_ownership_table(path)
    if kind == "bods":
        return read_bods(path)
    if kind == "ftm":
        return read_ftm_ownership(path)
    raise ListFormatError(
        path.name,
        "not an ownership file: expected a CSV/XLSX with owner,owned,percent,start_date,"
        "end_date,source columns, a BODS 0.4 package or FollowTheMoney Ownership entities",
    )
