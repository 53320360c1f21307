"""The versioned list store: every load a `ListVersion`, screening "as of" any date.

A version is switched in by one transaction, so a reader sees the old version
or the new one, never half of each; a load that fails validation never gets
that far (see `record_load`).
"""

from __future__ import annotations

import builtins
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, and_, func, insert, select

from clearance.loaders.result import LoadResult
from clearance.model import Entity
from clearance.store.changes import ListDiff, compare_versions
from clearance.store.database import (
    create_store_engine,
    default_database_url,
    in_chunks,
    migrate,
    utc,
)
from clearance.store.errors import StoreError, VersionRejected
from clearance.store.parties import (
    MAX_PARTY_RECORDS,
    key_memberships,
    parties_joined,
    party_groups,
)
from clearance.store.party_keys import party_keys
from clearance.store.schema import (
    entity_keys,
    entity_records,
    list_versions,
    update_log,
    version_entities,
)
from clearance.store.writer_lock import WriterInfo, writer_lock

MAX_COUNT_DROP = 0.20  # a new version may not lose more than this share of entities


@dataclass(frozen=True)
class SourceFile:
    role: str  # "sdn", "alt", "add", "comments", "main" …
    name: str
    sha256: str  # of the uncompressed official bytes
    bytes: int

    @classmethod
    def from_bytes(cls, role: str, name: str, data: builtins.bytes) -> SourceFile:
        return cls(role, name, hashlib.sha256(data).hexdigest(), len(data))


@dataclass(frozen=True)
class ListVersion:
    """One load of one list. `number` counts that list's versions from 1, which is
    what users read and name; `id` is the store-wide load id other tables refer to."""

    id: int
    list_id: str
    source: str
    origin: str
    files: list[dict[str, Any]]
    sha256: str
    retrieved_at: datetime
    published: str | None
    entity_count: int
    status: str
    warnings: list[str]
    stats: dict[str, int]
    number: int = 0
    date_source: str | None = None  # file | last-modified | operator | manifest; None: unknown

    @property
    def label(self) -> str:
        """How a user names it: "ofac-sdn v3"."""
        return f"{self.list_id} v{self.number}"

    @property
    def effective_date(self) -> date:
        """The date the list was in force from: its publication date, else retrieval."""
        if self.published:
            return date.fromisoformat(self.published)
        return self.retrieved_at.date()

    @property
    def date_known(self) -> bool:
        """Whether the list's own date is known (else only when it was loaded)."""
        return self.published is not None

    def age_days(self, today: date | None = None) -> int | None:
        """Days since publication; None when the publication date is unknown (an OFAC CSV
        loaded without --published once showed as published the day it was loaded)."""
        if not self.date_known:
            return None
        return ((today or date.today()) - self.effective_date).days


@dataclass
class LoadOutcome:
    list_id: str
    result: str  # "loaded" | "unchanged"
    version: ListVersion
    added: int = 0
    removed: int = 0
    changed: int = 0
    warnings: list[str] = field(default_factory=list)


def combined_sha256(files: list[SourceFile]) -> str:
    """One hash over a list's files (role-ordered): the identity of a version's content."""
    text = "".join(f"{f.role}:{f.sha256};" for f in sorted(files, key=lambda f: f.role))
    return hashlib.sha256(text.encode()).hexdigest()


def _encode(entity: Entity) -> tuple[str, bytes]:
    text = entity.to_json()
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), zlib.compress(text.encode("utf-8"), 6)


def _decode(blob: bytes) -> Entity:
    return Entity.from_dict(json.loads(zlib.decompress(blob)))


def _as_of_date(as_of: date | str | None) -> date | None:
    if as_of is None or isinstance(as_of, date):
        return as_of
    return date.fromisoformat(as_of)


class ListStore:
    """All list versions and their entities, in one SQL database."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._versions_cache: tuple[tuple[Any, ...], list[ListVersion]] | None = None
        # A load waits this long for another process's load to finish (None: as long
        # as it takes), telling `on_writer_wait` once who it waits for.
        self.writer_timeout: float | None = None
        self.on_writer_wait: Callable[[WriterInfo | None], None] | None = None
        migrate(engine)

    @classmethod
    def open(cls, db: str | None = None) -> ListStore:
        from clearance.store.database import database_url

        return cls(create_store_engine(database_url(db) if db else default_database_url()))

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # ---------------------------------------------------------------- versions

    def _row_to_version(self, row: Any) -> ListVersion:
        retrieved = utc(row.retrieved_at)
        return ListVersion(
            id=row.id,
            list_id=row.list_id,
            source=row.source,
            origin=row.origin,
            files=list(row.files),
            sha256=row.sha256,
            retrieved_at=retrieved,
            published=row.published,
            entity_count=row.entity_count,
            status=row.status,
            warnings=list(row.warnings),
            stats=dict(row.stats),
            number=row.number,
            date_source=row.date_source,
        )

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(list_versions)).scalar() == 0

    def versions(self, list_id: str | None = None) -> list[ListVersion]:
        """All versions (of one list), oldest first per list.

        Kept in memory and checked with one cheap query: screening asks for the
        versions in force once per hit, and versions are only ever appended.
        """
        with self.engine.connect() as conn:
            stamp = tuple(
                conn.execute(
                    select(func.count(), func.max(list_versions.c.id)).select_from(list_versions)
                ).one()
            )
            if self._versions_cache is None or self._versions_cache[0] != stamp:
                query = select(list_versions).order_by(list_versions.c.list_id, list_versions.c.id)
                self._versions_cache = (
                    stamp,
                    [self._row_to_version(r) for r in conn.execute(query)],
                )
        every = self._versions_cache[1]
        return [v for v in every if list_id is None or v.list_id == list_id]

    def version(self, version_id: int) -> ListVersion:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(list_versions).where(list_versions.c.id == version_id)
            ).first()
        if row is None:
            raise StoreError(f"no list version {version_id}")
        return self._row_to_version(row)

    def current_versions(
        self, lists: Iterable[str] | None = None, as_of: date | str | None = None
    ) -> dict[str, ListVersion]:
        """For each list, the version in force on `as_of` (default: the newest).

        In force means: the latest effective date (publication date, else the
        retrieval date) not after `as_of`; ties go to the later load.
        """
        day = _as_of_date(as_of)
        wanted = set(lists) if lists is not None else None
        current: dict[str, ListVersion] = {}
        for version in self.versions():
            if version.status != "ok":
                continue
            if wanted is not None and version.list_id not in wanted:
                continue
            if day is not None and version.effective_date > day:
                continue
            best = current.get(version.list_id)
            if best is None or (version.effective_date, version.id) > (
                best.effective_date,
                best.id,
            ):
                current[version.list_id] = version
        return current

    def resolve_version(self, list_id: str, ref: str | int | None) -> ListVersion:
        """A version by its number in the list ("3" or "v3"), by date (the one in force
        that day) or the current one."""
        if ref is None:
            current = self.current_versions([list_id])
            if list_id not in current:
                raise StoreError(f"list {list_id!r} has no version in the store")
            return current[list_id]
        text = str(ref).strip()
        number = text[1:] if text[:1] in ("v", "V") else text
        if number.isdigit():
            for version in self.versions(list_id):
                if version.number == int(number):
                    return version
            known = ", ".join(f"v{v.number}" for v in self.versions(list_id)) or "none"
            raise StoreError(f"{list_id} has no version {number} (its versions: {known})")
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise StoreError(f"not a version number or ISO date: {text!r}") from exc
        current = self.current_versions([list_id], day)
        if list_id not in current:
            raise StoreError(f"list {list_id!r} had no version in force on {day}")
        return current[list_id]

    # ------------------------------------------------------------------- loads

    def version_with_sha256(self, list_id: str, digest: str) -> ListVersion | None:
        """The current version, if it is made of exactly these files: loading them is a no-op.

        Only the current version counts: files that go A -> B -> A (a party delisted,
        then listed again) must make A's content current again as a new version.
        """
        current = self.current_versions([list_id]).get(list_id)
        if current is not None and current.sha256 == digest:
            return current
        return None

    def record_unchanged(self, version: ListVersion, source: str) -> LoadOutcome:
        self.log(version.list_id, source, "unchanged", "identical files already loaded", version.id)
        return LoadOutcome(version.list_id, "unchanged", version)

    def record_load(
        self,
        result: LoadResult,
        files: list[SourceFile],
        source: str,
        origin: str,
        *,
        force: bool = False,
        retrieved_at: datetime | None = None,
    ) -> LoadOutcome:
        """Store a fully parsed list as a new version, or do nothing if unchanged.

        Refuses (VersionRejected) a version that drops more than 20 % of the
        entities of the current one unless `force`: the usual sign of a partial
        download that still parsed. One load at a time per store (writer_lock.py):
        a second waits, or raises StoreBusy past `writer_timeout`.
        """
        with writer_lock(
            self.engine,
            result.list_id,
            timeout=self.writer_timeout,
            on_wait=self.on_writer_wait,
        ):
            list_id = result.list_id
            digest = combined_sha256(files)
            known = self.version_with_sha256(list_id, digest)
            if known is not None:
                return self.record_unchanged(known, source)

            entities: dict[str, Entity] = {}
            warnings = list(result.warnings)
            duplicates = 0
            for entity in result.entities:
                if entity.id in entities:
                    duplicates += 1
                    continue
                entities[entity.id] = entity
            if duplicates:
                warnings.append(f"{duplicates} duplicate entity ids in the source; first kept")
            if result.published is None:
                warnings.append(
                    "the files carry no publication date: recorded as unknown, and the list's "
                    "age cannot be told (give it with --published, or update from the official "
                    "URL, whose Last-Modified date is used)"
                )

            current = self.current_versions([list_id]).get(list_id)
            when = retrieved_at or datetime.now(UTC)
            effective = date.fromisoformat(result.published) if result.published else when.date()
            if (
                current is not None
                and not force
                and effective >= current.effective_date  # only a version that would become current
                and len(entities) < current.entity_count * (1 - MAX_COUNT_DROP)
            ):
                message = (
                    f"{list_id}: new file has {len(entities)} entities against "
                    f"{current.entity_count} in the current version {current.id} "
                    f"(a drop of more than {MAX_COUNT_DROP:.0%}); refused, use --force to accept"
                )
                self.log(list_id, source, "rejected", message)
                raise VersionRejected(message)

            encoded = {eid: _encode(e) for eid, e in entities.items()}
            with self.engine.begin() as conn:
                hashes = [h for h, _ in encoded.values()]
                existing: set[str] = set()
                for chunk in in_chunks(hashes):
                    existing.update(
                        conn.execute(
                            select(entity_records.c.hash).where(entity_records.c.hash.in_(chunk))
                        ).scalars()
                    )
                new_records = []
                new_keys: list[dict[str, str]] = []
                seen: set[str] = set()
                for eid, (h, blob) in encoded.items():
                    if h in existing or h in seen:
                        continue
                    seen.add(h)
                    new_records.append({"hash": h, "entity_id": eid, "data": blob})
                    new_keys.extend({"hash": h, "key": k[:400]} for k in party_keys(entities[eid]))
                for chunk in in_chunks(new_records):
                    conn.execute(insert(entity_records), chunk)
                for chunk in in_chunks(new_keys, 2000):
                    conn.execute(insert(entity_keys), chunk)
                last_number = conn.execute(
                    select(func.max(list_versions.c.number)).where(
                        list_versions.c.list_id == list_id
                    )
                ).scalar()
                version_id = conn.execute(
                    insert(list_versions).values(
                        list_id=list_id,
                        number=(last_number or 0) + 1,
                        source=source,
                        origin=origin,
                        files=[f.__dict__ for f in files],
                        sha256=digest,
                        retrieved_at=when,
                        published=result.published,
                        date_source=(result.date_source or "file") if result.published else None,
                        entity_count=len(entities),
                        status="ok",
                        warnings=warnings,
                        stats=result.stats,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
                rows = [
                    {"version_id": version_id, "entity_id": eid, "hash": h}
                    for eid, (h, _) in encoded.items()
                ]
                for chunk in in_chunks(rows, 2000):
                    conn.execute(insert(version_entities), chunk)
            version = self.version(version_id)
            self.log(list_id, source, "loaded", f"{len(entities)} entities", version_id)
            outcome = LoadOutcome(list_id, "loaded", version, warnings=warnings)
            if current is not None:
                delta = self.diff_versions(current, version)
                outcome.added, outcome.removed = len(delta.added), len(delta.removed)
                outcome.changed = len(delta.changed)
            else:
                outcome.added = len(entities)
            return outcome

    def log(
        self, list_id: str, source: str, result: str, message: str, version_id: int | None = None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(update_log).values(
                    list_id=list_id,
                    at=datetime.now(UTC),
                    source=source,
                    result=result,
                    message=message,
                    version_id=version_id,
                )
            )

    def last_update(self, list_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(update_log)
                .where(update_log.c.list_id == list_id)
                .order_by(update_log.c.id.desc())
                .limit(1)
            ).first()
        return dict(row._mapping) if row else None

    # ---------------------------------------------------------------- entities

    def version_hashes(self, version_ids: list[int]) -> dict[str, str]:
        """{entity id: record hash} of the given versions."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(version_entities.c.entity_id, version_entities.c.hash).where(
                    version_entities.c.version_id.in_(version_ids)
                )
            )
            return {eid: h for eid, h in rows}

    def entities(
        self, lists: Iterable[str] | None = None, as_of: date | str | None = None
    ) -> Iterator[Entity]:
        """Every entity of the versions in force, list by list."""
        for version in self.current_versions(lists, as_of).values():
            yield from self.version_entities(version.id)

    def version_entities(self, version_id: int) -> Iterator[Entity]:
        query = (
            select(entity_records.c.data)
            .join(version_entities, version_entities.c.hash == entity_records.c.hash)
            .where(version_entities.c.version_id == version_id)
            .order_by(version_entities.c.entity_id)
        )
        with self.engine.connect() as conn:
            for (blob,) in conn.execute(query):
                yield _decode(blob)

    def canonical_id(self, entity_id: str) -> str:
        """An entity id as the store keeps it ("un-sc:CDe.001"), also when given in the
        form FollowTheMoney exports carry ("un-sc-CDe.001"): every input takes both."""
        text = entity_id.strip()
        if ":" in text:
            return text
        for list_id in sorted({v.list_id for v in self.versions()}, key=len, reverse=True):
            if text.startswith(f"{list_id}-") and len(text) > len(list_id) + 1:
                return f"{list_id}:{text[len(list_id) + 1 :]}"
        return text

    def get_entities(self, ids: Iterable[str], as_of: date | str | None = None) -> list[Entity]:
        """Entities by id (either form, see `canonical_id`), from the versions in force,
        in the order asked."""
        wanted = list(dict.fromkeys(self.canonical_id(i) for i in ids))
        if not wanted:
            return []
        version_ids = [v.id for v in self.current_versions(as_of=as_of).values()]
        found: dict[str, Entity] = {}
        with self.engine.connect() as conn:
            for chunk in in_chunks(wanted):
                query = (
                    select(version_entities.c.entity_id, entity_records.c.data)
                    .join(entity_records, version_entities.c.hash == entity_records.c.hash)
                    .where(
                        and_(
                            version_entities.c.version_id.in_(version_ids),
                            version_entities.c.entity_id.in_(chunk),
                        )
                    )
                )
                for eid, blob in conn.execute(query):
                    found[eid] = _decode(blob)
        return [found[i] for i in wanted if i in found]

    def get_entity(self, entity_id: str, as_of: date | str | None = None) -> Entity | None:
        found = self.get_entities([entity_id], as_of)
        return found[0] if found else None

    def party(self, entity_id: str, as_of: date | str | None = None) -> list[Entity]:
        """The entity and every record on any list the sources tie to it (transitively)."""
        entity_id = self.canonical_id(entity_id)
        return self.parties([entity_id], as_of).get(entity_id, [])

    def parties(
        self,
        entity_ids: Iterable[str],
        as_of: date | str | None = None,
        limit: int = MAX_PARTY_RECORDS,
    ) -> dict[str, list[Entity]]:
        """`party` for many records at once (a few queries, not a few per record): each id
        in force -> its record first, then the records tied to it, by id."""
        version_ids = [v.id for v in self.current_versions(as_of=as_of).values()]
        with self.engine.connect() as conn:
            groups = party_groups(conn, version_ids, entity_ids, limit)
        records = {
            e.id: e for e in self.get_entities({i for m in groups.values() for i in m}, as_of)
        }
        return {
            eid: [records[i] for i in [eid, *sorted(members - {eid})] if i in records]
            for eid, members in groups.items()
        }

    def party_links(self, as_of: date | str | None = None) -> dict[str, tuple[int, int]]:
        """How many parties each linking rule joins in the lists in force: (parties,
        records) per rule of `party_keys.RULES`, and "all" for the rules together."""
        version_ids = [v.id for v in self.current_versions(as_of=as_of).values()]
        with self.engine.connect() as conn:
            return parties_joined(key_memberships(conn, version_ids))

    def history(self, entity_id: str) -> list[tuple[ListVersion, str | None]]:
        """Per version of the entity's list: the record hash it had there (None: absent)."""
        entity_id = self.canonical_id(entity_id)
        list_id = entity_id.split(":", 1)[0]
        with self.engine.connect() as conn:
            present = dict(
                conn.execute(
                    select(version_entities.c.version_id, version_entities.c.hash).where(
                        version_entities.c.entity_id == entity_id
                    )
                ).all()
            )
        ordered = sorted(self.versions(list_id), key=lambda v: (v.effective_date, v.id))
        return [(v, present.get(v.id)) for v in ordered]

    # -------------------------------------------------------------------- diff

    def diff(
        self,
        list_id: str,
        from_ref: str | int | None = None,
        to_ref: str | int | None = None,
        *,
        with_names: bool = False,
    ) -> ListDiff:
        """Added, removed and changed records (with the facts that changed) between two
        versions named as a user names them (number, date; see `resolve_version`).

        Defaults: `to` is the current version, `from` the one in force before it.
        """
        to_version = self.resolve_version(list_id, to_ref)
        if from_ref is None:
            earlier = [
                v
                for v in self.versions(list_id)
                if v.status == "ok"
                and (v.effective_date, v.id) < (to_version.effective_date, to_version.id)
            ]
            from_version = max(earlier, key=lambda v: (v.effective_date, v.id), default=None)
        else:
            from_version = self.resolve_version(list_id, from_ref)
        return self.diff_versions(from_version, to_version, with_names=with_names)

    def diff_versions(
        self,
        from_version: ListVersion | int | None,
        to_version: ListVersion | int,
        *,
        with_names: bool = False,
    ) -> ListDiff:
        """The diff between two versions given as versions or load ids
        (`changes.compare_versions`); `with_names` adds every record's caption."""
        if isinstance(from_version, int):
            from_version = self.version(from_version)
        if isinstance(to_version, int):
            to_version = self.version(to_version)
        return compare_versions(self, from_version, to_version, with_names=with_names)

    def records_by_hash(self, hashes: set[str]) -> dict[str, dict[str, Any]]:
        """Stored records by hash, as plain dicts (what a diff compares)."""
        found: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for chunk in in_chunks(sorted(hashes)):
                for h, blob in conn.execute(
                    select(entity_records.c.hash, entity_records.c.data).where(
                        entity_records.c.hash.in_(chunk)
                    )
                ):
                    found[h] = json.loads(zlib.decompress(blob))
        return found

    def screening_key(
        self, lists: Iterable[str] | None = None, as_of: date | str | None = None
    ) -> str:
        """Names the exact set of versions a screening uses, and the code that read them:
        the index cache key."""
        from clearance.loaders.registry import reader_fingerprint

        versions = self.current_versions(lists, as_of)
        text = ";".join(f"{lid}={v.id}:{v.sha256[:16]}" for lid, v in sorted(versions.items()))
        return hashlib.sha256(f"{text};{reader_fingerprint()}".encode()).hexdigest()[:24]
