"""US CSL reader for trade.gov's consolidated.json (`{"results": [...]}`).

One of the CSL's two formats (the other is `us_csl_csv`): this module knows only
how the JSON spells rows, addresses and `ids` items; both readers produce CslRecord
and leave entity building to `us_csl`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from clearance.loaders.errors import ListFormatError
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import decode_text, read_source, refuse_html
from clearance.loaders.us_csl import (
    MULTI_SEP,
    CslRecord,
    _clean,
    _fields,
    _finish,
    _require,
    _split,
    parse_csv_address,
)
from clearance.loaders.us_csl_identifiers import IdItem, parse_csv_id_item
from clearance.model import Address, to_country_code


def _json_list(value: Any, key: str, file: str, element: str) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return _split(value)  # tolerate the CSV spelling inside JSON
    if not isinstance(value, list):
        raise ListFormatError(file, f"{key} must be a list", element=f"{element}.{key}")
    return value


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return _clean(MULTI_SEP.join(str(v) for v in value if v))
    return _clean(str(value))


def _json_address(item: Any, file: str, element: str) -> Address:
    if isinstance(item, str):
        return parse_csv_address(item)
    if not isinstance(item, dict):
        raise ListFormatError(file, "address must be an object", element=element)
    street = _json_text(item.get("address"))
    city = _json_text(item.get("city"))
    region = _json_text(item.get("state"))
    postal = _json_text(item.get("postal_code"))
    country_text = _json_text(item.get("country"))
    full = ", ".join(p for p in (street, city, region, postal, country_text) if p)
    return Address(full, street, city, region, postal, to_country_code(country_text))


def _json_id(item: Any, file: str, element: str, stats: Counter[str]) -> IdItem | None:
    if isinstance(item, str):
        return parse_csv_id_item(item, stats)
    if not isinstance(item, dict):
        raise ListFormatError(file, "ids item must be an object", element=element)
    label = _json_text(item.get("type"))
    value = _json_text(item.get("number"))
    if not label or not value:
        stats["ids_items_without_type_or_number"] += 1
        return None
    return IdItem(
        label,
        value,
        country=_json_text(item.get("country")),
        issued=_json_text(item.get("issue_date")),
        expires=_json_text(item.get("expiration_date")),
    )


def _json_record(result: Any, index: int, file: str, stats: Counter[str]) -> CslRecord:
    element = f"results[{index}]"
    if not isinstance(result, dict):
        raise ListFormatError(file, "result must be an object", element=element)
    source_id = _json_text(result.get("id")) or _json_text(result.get("_id"))
    source_id = _require(source_id, "id", file, element=f"{element}.id")
    source = _require(_json_text(result.get("source")), "source", file, element=f"{element}.source")
    name = _require(_json_text(result.get("name")), "name", file, element=f"{element}.name")

    def many(key: str) -> list[str]:
        values = _json_list(result.get(key), key, file, element)
        return [v for v in (_json_text(x) for x in values) if v]

    addresses = _json_list(result.get("addresses"), "addresses", file, element)
    ids = _json_list(result.get("ids"), "ids", file, element)
    return CslRecord(
        source_id=source_id,
        source=source,
        name=name,
        where=f"{file} {element}",
        raw=result,
        addresses=[
            _json_address(a, file, f"{element}.addresses[{i}]") for i, a in enumerate(addresses)
        ],
        legal_basis=_split(_json_text(result.get("federal_register_notice"))),
        **_fields(lambda key: _json_text(result.get(key)), many),
        ids=[
            item
            for i, x in enumerate(ids)
            if (item := _json_id(x, file, f"{element}.ids[{i}]", stats))
        ],
    )


def load_us_csl_json(path: Path) -> LoadResult:
    """Read trade.gov's consolidated.json: `{"results": [{...}, ...]}`.

    Same fields as the CSV, but multi-values are JSON lists, `addresses` are
    objects (`address`, `city`, `state`, `postal_code`, `country`) and `ids` are
    objects (`type`, `number`, `country`, `issue_date`, `expiration_date`); the
    row id is `id` (the CSV's `_id`). No real download of this format is in the
    shared folder: the test fixture was derived from CSV rows following the
    published API shape, so a first real file should be checked against it.
    """
    file = path.name
    text = decode_text(read_source(path), file)
    if not text.strip():
        raise ListFormatError(file, "empty file")
    refuse_html(text, file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFormatError(file, f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ListFormatError(
            file, 'expected an object with a "results" list (trade.gov CSL JSON)', element="results"
        )
    stats: Counter[str] = Counter()
    records = [_json_record(r, i, file, stats) for i, r in enumerate(data["results"])]
    return _finish(file, records, stats)
