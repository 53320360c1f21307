"""Fixtures for matcher tests: a screener over every bundled list, built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.loaders.registry import load_list_files
from clearance.matching import MatchIndex, Screener
from clearance.model import Entity
from clearance.snapshot import snapshot_lists


def _all_entities() -> list[Entity]:
    entities: list[Entity] = []
    for entry in snapshot_lists():
        entities.extend(load_list_files(entry.list_id, entry.paths()).entities)
    return entities


@pytest.fixture(scope="session")
def all_lists(request: pytest.FixtureRequest) -> Screener:
    """The real lists of the bundled snapshot, index cached in pytest's cache folder
    (keyed by the matcher code and the snapshot files, like the product cache)."""
    from clearance.matching.index import code_fingerprint

    key = (
        code_fingerprint()
        + "-"
        + "-".join(str(f["sha256"])[:8] for entry in snapshot_lists() for f in entry.files)
    )
    folder = Path(request.config.cache.mkdir("match-index"))
    path = folder / f"{key}.pkl"
    if path.exists():
        try:
            return Screener(MatchIndex.load(path))
        except ValueError:
            pass
    for stale in folder.glob("*.pkl"):
        stale.unlink()
    index = MatchIndex.build(_all_entities())
    index.save(path)
    return Screener(index)
