"""FollowTheMoney `Ownership` entities (owner, asset, percentage, startDate, endDate).

The parties they link are the Person, Company, Organization and LegalEntity
entities of the same file, with their names, identifiers (`leiCode`,
`registrationNumber`, `isinCode`, `taxNumber` …) and countries. An Ownership whose
owner or asset is not in the file is a row error: the edge would hang in the air.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from clearance.loaders.errors import ListFormatError
from clearance.loaders.ftm_json import ftm_lines
from clearance.loaders.ftm_schema import ID_PROPS, THING_SCHEMAS
from clearance.model import Identifier
from clearance.ownership.read_table import parse_date
from clearance.ownership.records import (
    Interest,
    OwnershipData,
    OwnershipEdge,
    OwnershipFileError,
    OwnershipParty,
    RowError,
)
from clearance.ownership.shares import Share, ShareError

_COUNTRY_PROPS = ("jurisdiction", "country", "mainCountry", "nationality", "citizenship")


def _values(data: dict[str, Any], prop: str) -> list[str]:
    values = (data.get("properties") or {}).get(prop) or []
    if isinstance(values, str):
        values = [values]
    return [str(v).strip() for v in values if str(v).strip()]


def _party(ftm_id: str, line: int, data: dict[str, Any], file: str) -> OwnershipParty:
    names = _values(data, "name") or [str(data.get("caption") or ftm_id)]
    caption = data.get("caption") if data.get("caption") in names else names[0]
    identifiers = tuple(
        dict.fromkeys(
            Identifier(kind, value, note=prop)
            for prop, kind in ID_PROPS.items()
            for value in _values(data, prop)
        )
    )
    country = next(
        (v.upper() for p in _COUNTRY_PROPS for v in _values(data, p) if len(v) == 2), None
    )
    return OwnershipParty(
        ftm_id,
        str(caption),
        THING_SCHEMAS[data["schema"]],
        identifiers,
        country,
        None,
        f"{file} line {line}",
    )


def read_ftm_ownership(path: Path) -> OwnershipData:
    """Read FtM JSON lines holding Ownership entities and the parties they link."""
    return ownership_from_ftm(list(ftm_lines(path)), path.name)


def ownership_from_ftm(records: list[tuple[int, dict[str, Any]]], name: str) -> OwnershipData:
    stats: Counter[str] = Counter()
    errors: list[RowError] = []
    parties: dict[str, OwnershipParty] = {}
    for line, data in records:
        if data["schema"] in THING_SCHEMAS and isinstance(data.get("id"), str):
            parties[data["id"]] = _party(data["id"], line, data, name)
    edges: list[OwnershipEdge] = []
    for line, data in records:
        if data["schema"] != "Ownership":
            continue
        stats["ownerships"] += 1
        owner = next(iter(_values(data, "owner")), None)
        asset = next(iter(_values(data, "asset")), None)
        problems = [
            f"{role} {ref!r} is not a Person, Company, Organization or LegalEntity in the file"
            if ref
            else f"Ownership without {role}"
            for role, ref in (("owner", owner), ("asset", asset))
            if ref not in parties
        ]
        try:
            percentage = next(iter(_values(data, "percentage")), "")
            share = Share.parse(percentage) if percentage else Share.unknown()
            start = next(iter(_values(data, "startDate")), None)
            end = next(iter(_values(data, "endDate")), None)
            start = parse_date(start[:10]) if start else None
            end = parse_date(end[:10]) if end else None
        except (ShareError, ValueError) as exc:
            problems.append(str(exc))
        if problems:
            errors.extend(
                RowError(name, line, f"Ownership {data.get('id')}: {p}") for p in problems
            )
            continue
        assert owner is not None and asset is not None
        kind = " ".join(_values(data, "ownershipType")).lower()
        interest = (
            Interest.VOTES
            if "vot" in kind
            else Interest.CONTROL
            if "control" in kind
            else Interest.SHARES
        )
        source = next(iter(_values(data, "publisher") or _values(data, "sourceUrl")), None)
        edges.append(
            OwnershipEdge(owner, asset, share, interest, start, end, source, f"{name} line {line}")
        )
    if errors:
        raise OwnershipFileError(name, errors)
    if not edges:
        raise ListFormatError(name, "no Ownership entities in the file")
    used = {k for e in edges for k in (e.owner, e.owned)}
    last_seen = [str(d.get("last_seen"))[:10] for _, d in records if d.get("last_seen")]
    return OwnershipData(
        "ftm",
        {k: p for k, p in parties.items() if k in used},
        edges,
        published=max(last_seen, default=None),
        stats=dict(stats),
    )
