"""What an ownership file says: parties, and who holds what share of whom, when.

Every reader (BODS, FollowTheMoney, CSV/XLSX) produces an `OwnershipData`; the
store keeps it as a version of a user list, the linker ties its parties to listed
records and the aggregation walks its edges. Nothing here knows a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from clearance.loaders.errors import ListFormatError
from clearance.model import Identifier
from clearance.ownership.shares import Share


class Interest(StrEnum):
    """What the edge holds: the 50 % rules count shares; UK and EU also votes and control."""

    SHARES = "shares"  # equity, shareholding
    VOTES = "votes"  # voting rights
    CONTROL = "control"  # board appointment, control through articles or contract


@dataclass(frozen=True, slots=True)
class OwnershipParty:
    """One owner or owned party as the file names it."""

    key: str  # unique within the file: BODS recordId, FtM id, the CSV name or id as written
    name: str
    schema: str = "LegalEntity"  # Person, Company, Organization, LegalEntity
    identifiers: tuple[Identifier, ...] = ()
    country: str | None = None  # ISO alpha-2
    entity_id: str | None = None  # the file names a listed record directly ("us-csl:…")
    source_ref: str | None = None  # "owners.csv line 4"


@dataclass(frozen=True, slots=True)
class OwnershipEdge:
    """`owner` holds `share` of `owned` (directly), from `start` until `end` (inclusive)."""

    owner: str  # party keys
    owned: str
    share: Share
    interest: Interest = Interest.SHARES
    start: str | None = None  # ISO date, partial allowed (2021, 2021-06)
    end: str | None = None
    source: str | None = None  # where the fact comes from, as the file says
    source_ref: str | None = None  # "owners.csv line 4"

    def active_on(self, day: date) -> bool:
        """Held on `day`: a partial start counts from its first day, a partial end to its last."""
        text = day.isoformat()
        if self.start and self.start > text[: len(self.start)]:
            return False
        return not (self.end and self.end < text[: len(self.end)])


@dataclass(frozen=True, slots=True)
class RowError:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


class OwnershipFileError(ListFormatError):
    """Rows a reader refused; the file is not loaded at all (nothing half-loaded)."""

    MAX_SHOWN = 20

    def __init__(self, file: str, errors: list[RowError]):
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[: self.MAX_SHOWN])
        more = len(errors) - self.MAX_SHOWN
        tail = f"; and {more} more" if more > 0 else ""
        first = errors[0] if errors else RowError(file, None, "no rows")
        super().__init__(
            file,
            f"{len(errors)} bad row{'s' if len(errors) != 1 else ''}, nothing loaded: "
            f"{shown}{tail}",
            line=first.line,
        )


@dataclass
class OwnershipData:
    """A whole ownership file, read and checked; `format` is "bods", "ftm" or "table"."""

    format: str
    parties: dict[str, OwnershipParty]
    edges: list[OwnershipEdge]
    published: str | None = None  # ISO date the file carries, if any
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
