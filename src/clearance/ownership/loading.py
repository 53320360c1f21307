"""`clearance load FILE --list ID` for ownership files: read whole, store, link, report.

The file is read and checked in full before anything is written (a bad row stops
it with its line); the version is stored in one transaction; then its parties are
linked to the lists in force now and the links recorded, so the load reports how
many owners were recognised, and how.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clearance.loaders.source_files import read_source
from clearance.matching import Screener as NameMatcher
from clearance.matching import cached_index
from clearance.ownership.linking import link_parties
from clearance.ownership.reading import read_ownership
from clearance.ownership.storage import (
    Link,
    OwnershipLoad,
    read_ownership_data,
    record_ownership_load,
    store_links,
    stored_links,
)
from clearance.store import ListStore, SourceFile


@dataclass
class OwnershipLoadReport:
    load: OwnershipLoad
    links: list[Link]  # the parties linked to a listed record

    @property
    def by_method(self) -> Counter[str]:
        """ "identifier" / "name" / "entity" (id) -> parties linked that way."""
        return Counter(link.method.split(" ")[0] for link in self.links)

    def summary(self) -> str:
        counts = self.by_method
        parts = [f"{k} {counts[k]}" for k in ("identifier", "entity", "name") if counts[k]]
        how = f" ({', '.join(parts)})" if parts else ""
        total = self.load.version.party_count
        return f"{len(self.links)} of {total} parties linked to listed records{how}"


def current_links(store: ListStore, version_id: int) -> list[Link]:
    """The parties of a stored version linked to the lists in force today (linked once,
    then kept), in the file's order."""
    key = store.screening_key(None, None)
    found = stored_links(store.engine, version_id, key)
    data = read_ownership_data(store.engine, version_id)
    if found is None:
        matcher = NameMatcher(cached_index(key, lambda: list(store.entities())))
        made = link_parties(data.parties.values(), matcher, store)
        store_links(store.engine, version_id, key, made)
        found = {link.party_key: link for link in made if link.entity_id}
    return [found[k] for k in data.parties if k in found]


def load_ownership_file(
    store: ListStore,
    path: Path,
    list_id: str,
    *,
    force: bool = False,
    published: date | None = None,
    fmt: str | None = None,
) -> OwnershipLoadReport:
    """Read, store and link one ownership file; ListFormatError / StoreError leave no trace."""
    data = read_ownership(path, fmt)
    files = [SourceFile.from_bytes("ownership", path.name.removesuffix(".gz"), read_source(path))]
    outcome = record_ownership_load(
        store,
        list_id,
        data,
        files,
        str(path),
        force=force,
        published=published.isoformat() if published else None,
    )
    return OwnershipLoadReport(outcome, current_links(store, outcome.version.id))
