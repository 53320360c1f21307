"""What an executor needs to screen rows without the store: the index and the party lookup.

Executors cannot open the driver's store, so the driver writes two files once per
set of list versions and Spark copies them to each executor (`SparkContext.addFile`):

- the compiled `MatchIndex` (`MatchIndex.save`), the same index `clearance screen` uses;
- the party lookup: for every indexed record, the ids of every record tied to its party
  (what `ListStore.party` answers) and those records, so the `screen_lists`,
  `screen_effect` and `screen_verdict` columns come out as they do locally.

Both file names carry a digest of their content: a list update gives new names, new
files and a new cache entry in each Python worker, never a stale index.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from clearance.matching import MatchIndex
from clearance.matching import Screener as NameMatcher
from clearance.model import Entity

PARTIES_FORMAT = 1
MAX_PARTY_MEMBERS = 200  # ListStore.party stops growing a party there too


@dataclass(frozen=True)
class Bundle:
    """The two files of one screening set, named by their content digest."""

    index_path: Path
    parties_path: Path
    digest: str

    @property
    def index_name(self) -> str:
        return self.index_path.name

    @property
    def parties_name(self) -> str:
        return self.parties_path.name


class ShippedParties:
    """`ListStore.party` answered from the shipped lookup (the `PartySource` protocol).

    Records in the index come from the index itself (`MatchIndex.entity`); only the
    members of a party that the index does not hold (lists not screened) are shipped.
    """

    def __init__(
        self,
        index: MatchIndex,
        members: dict[str, tuple[str, ...]],
        records: dict[str, bytes],
    ):
        self._index = index
        self._members = members
        self._records = records
        self._position: dict[str, int] = {index.entities[i].id: i for i in range(len(index))}

    def _record(self, entity_id: str) -> Entity:
        blob = self._records.get(entity_id)
        if blob is not None:
            entity: Entity = pickle.loads(blob)
            return entity
        return self._index.entity(self._position[entity_id])

    def party(self, entity_id: str, as_of: date | str | None = None) -> list[Entity]:
        """The record and every record tied to it, in the order the store gives them."""
        members = self._members.get(entity_id)
        if members is None:
            if entity_id not in self._position:
                return []
            members = (entity_id,)  # a party of one record: the common case
        return [self._record(i) for i in members]

    def __len__(self) -> int:
        return len(self._position)


def _party_members(
    start: str,
    keys_of: dict[str, set[str]],
    ids_of: dict[str, list[str]],
) -> tuple[str, ...]:
    """The store's party walk (`ListStore.party`) over in-memory key tables."""
    members: dict[str, None] = {start: None}
    frontier = {start}
    seen_keys: set[str] = set()
    while frontier and len(members) < MAX_PARTY_MEMBERS:
        keys = set().union(*(keys_of.get(i, set()) for i in frontier)) - seen_keys
        seen_keys |= keys
        if not keys:
            break
        frontier = set()
        for key in keys:
            for other in ids_of.get(key, ()):
                if other not in members:
                    members[other] = None
                    frontier.add(other)
    return (start, *sorted(i for i in members if i != start))


def party_lookup(
    store: Any, entity_ids: Iterable[str], as_of: date | None
) -> tuple[dict[str, tuple[str, ...]], dict[str, bytes]]:
    """Members of each party of more than one record, and the members outside `entity_ids`.

    Asking `store.party` per record costs ~12 ms each (minutes for a full index);
    this reads the store's key table once and walks it in memory the same way.
    """
    from clearance.store.schema import entity_keys, version_entities

    version_ids = [v.id for v in store.current_versions(as_of=as_of).values()]
    keys_of: dict[str, set[str]] = {}
    ids_of: dict[str, list[str]] = {}
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(version_entities.c.entity_id, entity_keys.c.key)
            .join(entity_keys, entity_keys.c.hash == version_entities.c.hash)
            .where(version_entities.c.version_id.in_(version_ids))
        )
        for entity_id, key in rows:
            keys_of.setdefault(entity_id, set()).add(key)
            ids_of.setdefault(key, []).append(entity_id)
    indexed = set(entity_ids)
    members: dict[str, tuple[str, ...]] = {}
    for entity_id in indexed:
        if entity_id in keys_of:
            group = _party_members(entity_id, keys_of, ids_of)
            if len(group) > 1:
                members[entity_id] = group
    outside = sorted({i for group in members.values() for i in group} - indexed)
    records = {e.id: pickle.dumps(e, protocol=5) for e in store.get_entities(outside, as_of)}
    return members, records


def _file_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:20]


def bundle_dir() -> Path:
    """Where the driver keeps bundles: next to the index cache."""
    from clearance.matching.screener import cache_dir

    return cache_dir() / "spark"


def build_bundle(
    store: Any,
    lists: list[str] | None = None,
    as_of: date | None = None,
    directory: str | Path | None = None,
) -> Bundle:
    """Write (or reuse) the index and party files for these lists on this date.

    The index is the cached one `clearance screen` loads (`cached_index`), so the
    Spark engine screens with exactly the local engine's index.
    """
    from clearance.matching import cached_index
    from clearance.matching.index import code_fingerprint

    key = store.screening_key(lists, as_of)
    everything = store.screening_key(None, as_of)  # parties span lists not screened
    tag = hashlib.sha256(f"{code_fingerprint()}:{key}:{everything}".encode()).hexdigest()[:20]
    folder = Path(directory) if directory is not None else bundle_dir()
    folder.mkdir(parents=True, exist_ok=True)
    ready = sorted(folder.glob(f"clearance-index-{tag}-*.pkl"))
    for index_path in ready:
        digest = index_path.stem.rsplit("-", 1)[1]
        parties_path = folder / f"clearance-parties-{tag}-{digest}.pkl"
        if parties_path.exists():
            return Bundle(index_path, parties_path, digest)
    index = cached_index(key, lambda: list(store.entities(lists, as_of)))
    ids = [index.entities[i].id for i in range(len(index))]
    members, records = party_lookup(store, ids, as_of)
    tmp_index = folder / f".index-{tag}-{os.getpid()}.tmp"
    tmp_parties = folder / f".parties-{tag}-{os.getpid()}.tmp"
    index.save(tmp_index)
    with open(tmp_parties, "wb") as f:
        pickle.dump(
            {"format": PARTIES_FORMAT, "members": members, "records": records}, f, protocol=5
        )
    digest = _file_digest(tmp_index, tmp_parties)
    index_path = folder / f"clearance-index-{tag}-{digest}.pkl"
    parties_path = folder / f"clearance-parties-{tag}-{digest}.pkl"
    tmp_parties.replace(parties_path)
    tmp_index.replace(index_path)  # last: its presence says the bundle is whole
    return Bundle(index_path, parties_path, digest)


# ------------------------------------------------------------------ executor side

_LOADED: dict[str, tuple[NameMatcher, ShippedParties]] = {}
_LOCK = threading.Lock()
LOAD_COUNT = {"loads": 0}  # how many times this process read a bundle (tests, logs)


def load_parties(path: str | Path, index: MatchIndex) -> ShippedParties:
    with open(path, "rb") as f:
        data = pickle.load(f)
    if not isinstance(data, dict) or data.get("format") != PARTIES_FORMAT:
        raise ValueError(f"{path}: not a clearance party lookup of format {PARTIES_FORMAT}")
    return ShippedParties(index, data["members"], data["records"])


def loaded(digest: str, index_path: str | Path, parties_path: str | Path) -> tuple[Any, Any]:
    """The matcher and party lookup of a bundle, read once per Python process.

    Keyed by the content digest: a new bundle (lists changed) replaces the old one,
    so a long-lived worker never screens with a stale index nor keeps two in memory.
    """
    with _LOCK:
        found = _LOADED.get(digest)
        if found is None:
            _LOADED.clear()
            index = MatchIndex.load(index_path)
            found = (NameMatcher(index), load_parties(parties_path, index))
            _LOADED[digest] = found
            LOAD_COUNT["loads"] += 1
        return found
