"""All bundled lists as entities, for the matching benchmarks and tests.

Reads the offline snapshot shipped in the package with the loaders directly (no
store), so benchmarks measure the matcher and nothing else.
"""

from __future__ import annotations

from clearance.loaders import registry
from clearance.loaders.registry import load_list_files
from clearance.matching import Screener, cached_index
from clearance.model import Entity
from clearance.snapshot import snapshot_lists


def load_all_entities(lists: list[str] | None = None) -> list[Entity]:
    """Every entity of every bundled list (or of the lists named), in manifest order."""
    entities: list[Entity] = []
    for entry in snapshot_lists():
        if lists is not None and entry.list_id not in lists:
            continue
        entities.extend(load_list_files(entry.list_id, entry.paths()).entities)
    return entities


def snapshot_key(lists: list[str] | None = None) -> str:
    """A cache key for the bundled snapshot: list ids, the files' hashes and the code that
    reads them (the index's own fingerprint covers the matcher, not the loaders: an index
    built before a loader learnt to split packed names must not be reused)."""
    parts = []
    for entry in snapshot_lists():
        if lists is None or entry.list_id in lists:
            parts.append(entry.list_id + "@" + ",".join(str(f["sha256"])[:12] for f in entry.files))
    # An older release (bench/quality.py's baseline) has no reader fingerprint.
    fingerprint = getattr(registry, "reader_fingerprint", lambda: "baseline")()
    return "snapshot:" + ";".join(parts) + ":loaders@" + fingerprint


def all_lists_screener() -> Screener:
    """A screener over every bundled list, its index cached like the product caches it."""
    return Screener(cached_index(snapshot_key(), load_all_entities))
