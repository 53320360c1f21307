"""Beneficial Ownership Data Standard 0.4: a package (JSON array) or stream (JSON lines).

Entity and person statements become parties (names, identifiers from their
org-id schemes, jurisdiction, ISINs of public listings); each interest of a
relationship statement becomes an edge. A record updated by later statements
counts as its last statement says; a closed record no longer holds anything.
An *indirect* interest whose chain the file gives (`componentRecords`) is the
sum of that chain, so only the chain's direct edges are counted; without the
chain it is the only fact there is, and it is counted as an edge.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from clearance.loaders.errors import ListFormatError
from clearance.loaders.source_files import decode_text, read_source, refuse_html
from clearance.model import Identifier, IdentifierType
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

# BODS interest types (interestType.csv) and what the 50 % rules make of them.
INTEREST_TYPES: dict[str, Interest | None] = {
    "shareholding": Interest.SHARES,
    "votingRights": Interest.VOTES,
    "appointmentOfBoard": Interest.CONTROL,
    "controlViaCompanyRulesOrArticles": Interest.CONTROL,
    "controlByLegalFramework": Interest.CONTROL,
    "otherInfluenceOrControl": Interest.CONTROL,
    "rightsGrantedByContract": Interest.CONTROL,
    "conditionalRightsGrantedByContract": Interest.CONTROL,
    "unknownInterest": Interest.SHARES,  # some interest of unknown size: 0-100 %
    "unpublishedInterest": Interest.SHARES,
}
# Identifier schemes (org-id.guide) that are not plain company registers.
_SCHEMES = {"XI-LEI": IdentifierType.LEI, "XI-ISIN": IdentifierType.ISIN}


def _statements(text: str, name: str) -> list[tuple[int, Any]]:
    """Each statement with the line it starts on: a JSON array, or one statement a line."""
    decoder = json.JSONDecoder()
    body = text.lstrip()
    offset = len(text) - len(body)
    found: list[tuple[int, Any]] = []

    def line_at(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    if body.startswith("["):
        pos = offset + 1
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text):
                raise ListFormatError(
                    name, "the JSON array is not closed: truncated?", line=line_at(pos)
                )
            if text[pos] == "]":
                break
            try:
                value, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise ListFormatError(name, f"not JSON: {exc.msg}", line=exc.lineno) from exc
            found.append((line_at(pos), value))
            pos = end
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ListFormatError(name, f"not JSON: {exc.msg}", line=number) from exc
    return found


def looks_like_bods(text: str) -> bool:
    head = text.lstrip()[:4000]
    return '"statementId"' in head and ('"recordType"' in head or '"statementType"' in head)


def _share(data: Any) -> Share:
    if not isinstance(data, dict) or not data:
        return Share.unknown()
    if "exact" in data:
        share = Share.exact(float(data["exact"]))
    else:
        low = data.get("minimum", data.get("exclusiveMinimum"))
        high = data.get("maximum", data.get("exclusiveMaximum"))
        share = Share.band(
            None if low is None else float(low),
            None if high is None else float(high),
            low_exclusive="minimum" not in data and "exclusiveMinimum" in data,
            high_exclusive="maximum" not in data and "exclusiveMaximum" in data,
        )
    share.check()
    return share


class _BodsReader:
    def __init__(self, name: str):
        self.name = name
        self.errors: list[RowError] = []
        self.stats: Counter[str] = Counter()
        self.published: list[str] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(RowError(self.name, line, message))

    def read(self, text: str) -> OwnershipData:
        latest: dict[str, tuple[int, dict[str, Any]]] = {}
        for line, statement in _statements(text, self.name):
            if not isinstance(statement, dict):
                self.error(line, "a statement must be a JSON object")
                continue
            missing = [k for k in ("statementId", "recordId", "recordType") if k not in statement]
            if missing or not isinstance(statement.get("recordDetails"), dict):
                what = ", ".join(missing) if missing else "recordDetails"
                self.error(line, f"statement without {what} (is this BODS 0.4?)")
                continue
            if statement["recordType"] not in ("entity", "person", "relationship"):
                self.error(line, f"unknown recordType {statement['recordType']!r}")
                continue
            published = (statement.get("publicationDetails") or {}).get("publicationDate")
            if isinstance(published, str) and len(published) >= 10:
                self.published.append(published[:10])
            # Later statements about a record replace earlier ones (BODS record updates).
            latest[statement["recordId"]] = (line, statement)
            self.stats["statements"] += 1
        parties: dict[str, OwnershipParty] = {}
        for record_id, (line, statement) in latest.items():
            if statement["recordType"] != "relationship":
                party = self._party(record_id, line, statement)
                if party is not None:
                    parties[record_id] = party
        edges: list[OwnershipEdge] = []
        for record_id, (line, statement) in latest.items():
            if statement["recordType"] == "relationship":
                edges.extend(self._edges(record_id, line, statement, parties))
        if self.errors:
            raise OwnershipFileError(self.name, self.errors)
        if not edges:
            raise ListFormatError(self.name, "no ownership or control interest in the file")
        warnings = []
        if self.stats["indirect_with_chain"]:
            warnings.append(
                f"{self.stats['indirect_with_chain']} indirect interests summarise chains the "
                "file gives: the chain's direct interests are counted instead"
            )
        if self.stats["unspecified_party"]:
            warnings.append(f"{self.stats['unspecified_party']} interests by an unspecified party")
        used = {k for e in edges for k in (e.owner, e.owned)}
        return OwnershipData(
            "bods",
            {k: p for k, p in parties.items() if k in used},
            edges,
            published=max(self.published, default=None),
            warnings=warnings,
            stats=dict(self.stats),
        )

    def _party(self, record_id: str, line: int, statement: dict[str, Any]) -> OwnershipParty | None:
        details = statement["recordDetails"]
        if statement.get("recordStatus") == "closed":
            return None
        identifiers: list[Identifier] = []
        for ident in details.get("identifiers") or []:
            if not isinstance(ident, dict) or not ident.get("id"):
                continue
            scheme = str(ident.get("scheme") or ident.get("schemeName") or "")
            kind = _SCHEMES.get(scheme.upper())
            if kind is None:
                kind = (
                    IdentifierType.TAX_ID
                    if "TAX" in scheme.upper()
                    else IdentifierType.REGISTRATION
                )
            country = scheme[:2].upper() if len(scheme) > 3 and scheme[2] == "-" else None
            identifiers.append(
                Identifier(
                    kind, str(ident["id"]), country if country != "XI" else None, scheme or None
                )
            )
        listing = details.get("publicListing") or {}
        for security in listing.get("securitiesListings") or []:
            sec = (security or {}).get("security") or {}
            if str(sec.get("idScheme", "")).lower() == "isin" and sec.get("id"):
                identifiers.append(Identifier(IdentifierType.ISIN, str(sec["id"]), note="isin"))
        if statement["recordType"] == "entity":
            name = details.get("name") or ""
            schema = (
                "Company"
                if (details.get("entityType") or {}).get("type") == "registeredEntity"
                else "LegalEntity"
            )
            country = (details.get("jurisdiction") or {}).get("code")
        else:
            names = details.get("names") or []
            first = names[0] if names and isinstance(names[0], dict) else {}
            name = first.get("fullName") or " ".join(
                p for p in (first.get("givenName"), first.get("familyName")) if p
            )
            schema = "Person"
            nationalities = details.get("nationalities") or []
            country = (nationalities[0] or {}).get("code") if nationalities else None
        if not name:
            kind = (details.get("entityType") or {}).get("type", statement["recordType"])
            name = f"unnamed {kind} {record_id}"
        return OwnershipParty(
            record_id,
            str(name),
            schema,
            tuple(identifiers),
            country if isinstance(country, str) and len(country) == 2 else None,
            None,
            f"{self.name} line {line}",
        )

    def _edges(
        self,
        record_id: str,
        line: int,
        statement: dict[str, Any],
        parties: dict[str, OwnershipParty],
    ) -> list[OwnershipEdge]:
        details = statement["recordDetails"]
        if statement.get("recordStatus") == "closed":
            self.stats["closed_relationships"] += 1
            return []
        subject, owner = details.get("subject"), details.get("interestedParty")
        if not isinstance(owner, str):
            self.stats["unspecified_party"] += 1
            return []
        for role, ref in (("subject", subject), ("interestedParty", owner)):
            if not isinstance(ref, str) or ref not in parties:
                self.error(
                    line,
                    f"relationship {record_id}: {role} {ref!r} is no entity or "
                    "person statement in the file",
                )
                return []
        assert isinstance(subject, str)
        edges = []
        has_chain = bool(details.get("componentRecords"))
        source = (
            ", ".join(
                str(a.get("name"))
                for a in ((statement.get("source") or {}).get("assertedBy") or [])
                if isinstance(a, dict) and a.get("name")
            )
            or None
        )
        for number, interest in enumerate(details.get("interests") or [], start=1):
            if not isinstance(interest, dict):
                self.error(line, f"relationship {record_id}: interest {number} is not an object")
                continue
            kind = INTEREST_TYPES.get(interest.get("type") or "unknownInterest")
            if kind is None:
                self.stats["not_ownership_interests"] += 1
                continue
            if interest.get("directOrIndirect") == "indirect" and has_chain:
                self.stats["indirect_with_chain"] += 1
                continue
            try:
                share = _share(interest.get("share"))
                start = parse_date(interest["startDate"]) if interest.get("startDate") else None
                end = parse_date(interest["endDate"]) if interest.get("endDate") else None
            except (ShareError, ValueError, TypeError) as exc:
                self.error(line, f"relationship {record_id}, interest {number}: {exc}")
                continue
            edges.append(
                OwnershipEdge(
                    owner, subject, share, kind, start, end, source, f"{self.name} line {line}"
                )
            )
        return edges


def read_bods(path: Path) -> OwnershipData:
    """Read a BODS 0.4 package; OwnershipFileError lists every bad statement by line."""
    name = path.name
    text = decode_text(read_source(path), name, ("utf-8-sig",))
    if not text.strip():
        raise ListFormatError(name, "empty file, expected a BODS 0.4 package")
    refuse_html(text, name)
    return _BodsReader(name).read(text)
