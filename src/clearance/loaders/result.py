"""What a loader hands back: entities plus what it learned about the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from clearance.model import Entity


@dataclass
class LoadResult:
    list_id: str
    entities: list[Entity]
    published: str | None = None  # ISO date the file itself carries, if any
    warnings: list[str] = field(default_factory=list)  # e.g. orphan ALT.CSV rows, counted
    stats: dict[str, int] = field(default_factory=dict)  # e.g. facts parsed from remarks
    # Where `published` came from when not from the file: "last-modified" (the download's
    # HTTP header), "operator" (--published), "manifest" (the bundled snapshot's).
    date_source: str | None = None
