"""Which counterparties come near the list entities an update added or changed.

Two ways to ask, chosen by size:
- few counterparties not yet indexed: each is checked against a small index of the
  changed entities (cost: one check per counterparty);
- the rest: the counterparties themselves are indexed (once, cached on disk) and each
  name of each changed entity is looked up in that index (cost: a few checks per
  changed entity, whatever the number of counterparties).
The cached index covers the counterparties as they were when it was built; one edited,
added or removed since is not trusted to it (edited and added ones are re-screened in
full anyway, and are checked the first way until the index is rebuilt). Either way the
answer is only a candidate list, looked at generously (below the threshold, without
identifiers):
every candidate is then re-screened in full by the real screener.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clearance.matching import MatchIndex
from clearance.matching import Screener as NameMatcher
from clearance.matching.index import code_fingerprint
from clearance.matching.screener import cache_dir
from clearance.model import Entity, Listing, Name, NameKind

# Counterparties missing from the cached index before it is rebuilt (rebuilding 100,000
# takes about half a minute; checking 2,000 one by one about two seconds).
REBUILD_AT = 2000
CANDIDATES_PER_NAME = 500
_PREFIX = "cp:"


def _entity(row: Any) -> Entity:
    return Entity(
        id=_PREFIX + row.id,
        schema=row.schema or "LegalEntity",
        listing=Listing(list_id="monitored"),
        names=[Name(row.name)],
    )


def _location(engine_url: str) -> Path:
    digest = hashlib.sha256(engine_url.encode()).hexdigest()[:16]
    return cache_dir() / "monitor-index" / digest


def _load(folder: Path) -> tuple[MatchIndex, dict[str, str]] | None:
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        if manifest.get("code") != code_fingerprint():
            return None
        return MatchIndex.load(folder / "index.pkl"), dict(manifest["covered"])
    except (OSError, ValueError, KeyError, EOFError, AttributeError, ImportError):
        return None  # no cache, or a stale or damaged one: rebuilt when needed


def _save(folder: Path, index: MatchIndex, covered: dict[str, str]) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        index.save(folder / "index.pkl")
        tmp = folder / "manifest.json.part"
        tmp.write_text(json.dumps({"code": code_fingerprint(), "covered": covered}), "utf-8")
        os.replace(tmp, folder / "manifest.json")
    except OSError:
        pass  # a read-only cache only costs a rebuild next time


def near_counterparties(
    engine_url: str,
    rows: Sequence[Any],
    fresh: Sequence[Entity],
    floor: float,
    skip: set[str] | frozenset[str] = frozenset(),
    rebuild_at: int | None = None,
) -> tuple[set[str], dict[str, Any]]:
    """Ids of the counterparties (rows of the table) near any of `fresh`; and how it went.

    `rows` are all counterparties (an index built covers them all); those in `skip` are
    re-screened anyway and are not searched for.
    """
    if not fresh or not rows:
        return set(), {"method": "none"}
    limit = REBUILD_AT if rebuild_at is None else rebuild_at
    folder = _location(engine_url)
    cached = _load(folder)
    index, covered = cached if cached is not None else (None, {})
    uncovered = [r for r in rows if r.id not in skip and covered.get(r.id) != r.fingerprint]
    info: dict[str, Any] = {"rebuilt": False}
    if len(uncovered) > limit:
        index = MatchIndex.build(_entity(r) for r in rows)
        covered = {r.id: r.fingerprint for r in rows}
        _save(folder, index, covered)
        uncovered = []
        info["rebuilt"] = True
    near: set[str] = set()
    current = {r.id: r.fingerprint for r in rows}
    if index is not None and covered:
        matcher = NameMatcher(index)
        for entity in fresh:
            for name in entity.names:
                if name.kind is NameKind.WEAK:
                    continue
                for hit in matcher.check(name.value, limit=CANDIDATES_PER_NAME, threshold=floor):
                    cid = hit.entity_id[len(_PREFIX) :]
                    if cid not in skip and current.get(cid) == covered.get(cid):
                        near.add(cid)
    if uncovered:
        small = NameMatcher(MatchIndex.build(fresh))
        for row in uncovered:
            if small.check(
                row.name,
                schema=row.schema,
                country=row.country,
                birth_date=row.birth_date,
                limit=1,
                threshold=floor,
            ):
                near.add(row.id)
    searched = len(rows) - len([r for r in rows if r.id in skip])
    info.update(indexed=searched - len(uncovered), checked_one_by_one=len(uncovered))
    return near, info
