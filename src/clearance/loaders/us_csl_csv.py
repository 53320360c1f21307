"""US CSL reader for trade.gov's consolidated.csv (plain or .gz).

One of the CSL's two formats (the other is `us_csl_json`): this module knows only
the CSV columns, the header check and how a CSV cell spells multi-values and `ids`;
both readers produce CslRecord and leave entity building to `us_csl`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from clearance.loaders.errors import ListFormatError
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import (
    check_csv_header,
    decode_text,
    iter_csv_records,
    read_source,
)
from clearance.loaders.us_csl import (
    CslRecord,
    _clean,
    _fields,
    _finish,
    _require,
    _split,
    parse_csv_address,
)
from clearance.loaders.us_csl_identifiers import IdItem, parse_csv_id_item

COLUMNS = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)


def _csv_ids(text: str, stats: Counter[str]) -> list[IdItem]:
    return [item for part in _split(text) if (item := parse_csv_id_item(part, stats))]


def _csv_record(row: dict[str, str], where: str, stats: Counter[str]) -> CslRecord:
    def one(key: str) -> str | None:
        return _clean(row[key])

    return CslRecord(
        source_id=row["_id"].strip(),
        source=one("source") or "",
        name=one("name") or "",
        where=where,
        raw=dict(row),
        addresses=[parse_csv_address(a) for a in _split(row["addresses"])],
        legal_basis=_split(row["federal_register_notice"]),
        ids=_csv_ids(row["ids"], stats),
        **_fields(one, lambda key: _split(row[key])),
    )


def load_us_csl_csv(path: Path) -> LoadResult:
    """Read trade.gov's consolidated.csv (plain or .gz) into `us-csl:` entities."""
    file = path.name
    text = decode_text(read_source(path), file)
    records: list[CslRecord] = []
    stats: Counter[str] = Counter()
    rows = iter_csv_records(text, file, columns=len(COLUMNS))
    try:
        _, header = next(rows)
    except StopIteration:  # pragma: no cover - iter_csv_records refuses empty text
        raise ListFormatError(file, "empty file") from None
    except ListFormatError as exc:
        if exc.line == 1 and "columns" in exc.reason:
            raise ListFormatError(
                file, f"{exc.reason} in the header; expected the CSL columns", line=1
            ) from exc
        raise
    check_csv_header(header, COLUMNS, "CSL", file)
    for line, fields in rows:
        row = dict(zip(COLUMNS, fields, strict=True))
        _require(row["_id"].strip(), "_id", file, line=line)
        _require(row["source"].strip(), "source", file, line=line)
        _require(row["name"].strip(), "name", file, line=line)
        records.append(_csv_record(row, f"{file} line {line}", stats))
    return _finish(file, records, stats)
