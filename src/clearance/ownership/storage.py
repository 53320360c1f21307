"""Ownership lists in the store: versions like any list, their rows, and the parties' links.

A load is one transaction (version, parties, edges): a file that fails to read
never gets here, and one that gets here is stored whole. The same files again are
a no-op; a version that loses more than a fifth of the edges of the current one is
refused unless forced, as for the official lists. Which version a screening on a
date uses: the one in force on that date, else (every version is newer) the
oldest, since an ownership file dates its own facts (start and end dates).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select
from sqlalchemy.exc import IntegrityError

from clearance.model import Identifier, IdentifierType
from clearance.ownership.records import Interest, OwnershipData, OwnershipEdge, OwnershipParty
from clearance.ownership.shares import Share
from clearance.ownership.tables import (
    ownership_edges,
    ownership_links,
    ownership_parties,
    ownership_versions,
)
from clearance.store import ListStore, SourceFile, StoreError, VersionRejected
from clearance.store.database import utc
from clearance.store.list_store import MAX_COUNT_DROP, combined_sha256
from clearance.store.writer_lock import writer_lock

_CHUNK = 2000


@dataclass(frozen=True)
class OwnershipVersion:
    id: int
    list_id: str
    source: str
    origin: str
    files: list[dict[str, Any]]
    sha256: str
    retrieved_at: datetime
    published: str | None
    format: str
    party_count: int
    edge_count: int
    warnings: list[str]
    stats: dict[str, Any]
    number: int = 0  # the list's own version number, from 1 (set when read)

    @property
    def date_known(self) -> bool:
        """Whether the data's own date is known (else only when it was loaded)."""
        return self.published is not None

    @property
    def effective_date(self) -> date:
        if self.published:
            return date.fromisoformat(self.published)
        return self.retrieved_at.date()


@dataclass(frozen=True)
class Link:
    """An ownership party tied to a listed record: how, and how sure."""

    party_key: str
    entity_id: str | None  # None: no listed party matches
    method: str  # "entity id", "identifier LEI 5493…", "name", "none"
    score: float
    matched_name: str | None = None


@dataclass
class OwnershipLoad:
    list_id: str
    result: str  # "loaded" | "unchanged"
    version: OwnershipVersion
    added: int = 0
    removed: int = 0
    changed: int = 0
    warnings: list[str] = field(default_factory=list)


def _version(row: Any) -> OwnershipVersion:
    return OwnershipVersion(
        id=row.id,
        list_id=row.list_id,
        source=row.source,
        origin=row.origin,
        files=list(row.files),
        sha256=row.sha256,
        retrieved_at=utc(row.retrieved_at),
        published=row.published,
        format=row.format,
        party_count=row.party_count,
        edge_count=row.edge_count,
        warnings=list(row.warnings),
        stats=dict(row.stats),
    )


def ownership_versions_of(engine: Engine, list_id: str | None = None) -> list[OwnershipVersion]:
    query = select(ownership_versions).order_by(
        ownership_versions.c.list_id, ownership_versions.c.id
    )
    if list_id is not None:
        query = query.where(ownership_versions.c.list_id == list_id)
    with engine.connect() as conn:
        versions = [_version(r) for r in conn.execute(query)]
    counters: dict[str, int] = {}  # numbered per list, as list versions are
    for index, version in enumerate(versions):
        counters[version.list_id] = counters.get(version.list_id, 0) + 1
        versions[index] = replace(version, number=counters[version.list_id])
    return versions


def ownership_lists_in_force(
    engine: Engine, lists: Iterable[str] | None = None, as_of: date | None = None
) -> dict[str, OwnershipVersion]:
    """Per ownership list: the version in force on `as_of` (newest if None), else the oldest."""
    wanted = set(lists) if lists is not None else None
    chosen: dict[str, OwnershipVersion] = {}
    by_list: dict[str, list[OwnershipVersion]] = {}
    for version in ownership_versions_of(engine):
        if wanted is None or version.list_id in wanted:
            by_list.setdefault(version.list_id, []).append(version)
    for list_id, versions in by_list.items():
        ordered = sorted(versions, key=lambda v: (v.effective_date, v.id))
        in_force = [v for v in ordered if as_of is None or v.effective_date <= as_of]
        chosen[list_id] = in_force[-1] if in_force else ordered[0]
    return chosen


def _identifiers(party: OwnershipParty) -> str:
    if not party.identifiers:
        return "[]"
    return json.dumps([[i.type.value, i.value, i.country, i.note] for i in party.identifiers])


def _insert_many(conn: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """Rows (tuples in the table's column order) through the driver's own executemany: a
    million edges would spend most of their time in per-row statement compiling otherwise."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(quote(c.name) for c in table.columns)
    marks = ", ".join([mark] * len(table.columns))
    sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"
    for start in range(0, len(rows), 50_000):
        conn.exec_driver_sql(sql, rows[start : start + 50_000])


def _select_all(conn: Connection, table: Table, version_id: int, order: str) -> Any:
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(quote(c.name) for c in table.columns)
    return conn.exec_driver_sql(
        f"SELECT {columns} FROM {quote(table.name)} WHERE version_id = {mark} "
        f"ORDER BY {quote(order)}",
        (version_id,),
    ).all()


def _edge_key(edge: OwnershipEdge) -> tuple[str, str, str, str | None]:
    return (edge.owner, edge.owned, edge.interest.value, edge.start)


def record_ownership_load(
    store: ListStore,
    list_id: str,
    data: OwnershipData,
    files: list[SourceFile],
    source: str,
    *,
    force: bool = False,
    published: str | None = None,
) -> OwnershipLoad:
    """Store a fully read ownership file as a new version of `list_id` (or do nothing).

    One writer per store, as for list versions (store/writer_lock.py): a second load
    waits, or raises StoreBusy past the store's `writer_timeout`.
    """
    with writer_lock(
        store.engine, list_id, timeout=store.writer_timeout, on_wait=store.on_writer_wait
    ):
        return _record_ownership_load(store, list_id, data, files, source, force, published)


def _record_ownership_load(
    store: ListStore,
    list_id: str,
    data: OwnershipData,
    files: list[SourceFile],
    source: str,
    force: bool,
    published: str | None,
) -> OwnershipLoad:
    if store.versions(list_id):
        raise StoreError(
            f"{list_id!r} is a list of listed parties; ownership data needs a list id of its own"
        )
    digest = combined_sha256(files)
    engine = store.engine
    previous = ownership_lists_in_force(engine, [list_id]).get(list_id)
    newest = max(ownership_versions_of(engine, list_id), key=lambda v: v.id, default=None)
    if newest is not None and newest.sha256 == digest:
        store.log(list_id, source, "unchanged", "identical files already loaded")
        return OwnershipLoad(list_id, "unchanged", newest)
    if (
        newest is not None
        and not force
        and len(data.edges) < newest.edge_count * (1 - MAX_COUNT_DROP)
    ):
        message = (
            f"{list_id}: new file has {len(data.edges)} ownership edges against "
            f"{newest.edge_count} in the current version v{newest.number} (a drop of more than "
            f"{MAX_COUNT_DROP:.0%}); refused, use --force to accept"
        )
        store.log(list_id, source, "rejected", message)
        raise VersionRejected(message)
    with engine.begin() as conn:
        version_id = conn.execute(
            insert(ownership_versions).values(
                list_id=list_id,
                source=source,
                origin="file",
                files=[f.__dict__ for f in files],
                sha256=digest,
                retrieved_at=datetime.now(UTC),
                published=published or data.published,
                format=data.format,
                party_count=len(data.parties),
                edge_count=len(data.edges),
                warnings=list(data.warnings),
                stats=dict(data.stats),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        _insert_many(
            conn,
            ownership_parties,
            [
                (
                    version_id,
                    p.key,
                    p.name,
                    p.schema,
                    _identifiers(p),
                    p.country,
                    p.entity_id,
                    p.source_ref,
                )
                for p in data.parties.values()
            ],
        )
        _insert_many(
            conn,
            ownership_edges,
            [
                (
                    version_id,
                    seq,
                    e.owner,
                    e.owned,
                    e.share.low,
                    e.share.high,
                    e.share.label,
                    e.interest.value,
                    e.start,
                    e.end,
                    e.source,
                    e.source_ref,
                )
                for seq, e in enumerate(data.edges)
            ],
        )
    version = next(v for v in ownership_versions_of(engine, list_id) if v.id == version_id)
    store.log(list_id, source, "loaded", f"{len(data.edges)} ownership edges", version_id)
    outcome = OwnershipLoad(list_id, "loaded", version, warnings=list(data.warnings))
    if previous is not None:
        before = {_edge_key(e): e for e in read_ownership_data(engine, previous.id).edges}
        after = {_edge_key(e): e for e in data.edges}
        outcome.added = len(after.keys() - before.keys())
        outcome.removed = len(before.keys() - after.keys())
        outcome.changed = sum(
            1
            for k in after.keys() & before.keys()
            if (after[k].share, after[k].end) != (before[k].share, before[k].end)
        )
    else:
        outcome.added = len(data.edges)
    return outcome


def read_ownership_data(engine: Engine, version_id: int) -> OwnershipData:
    """A stored version back as the reader produced it (shares and texts shared, not copied)."""
    shares: dict[tuple[float, float, str], Share] = {}
    texts: dict[str, str] = {}
    interests = {i.value: i for i in Interest}
    with engine.connect() as conn:
        version = conn.execute(
            select(ownership_versions).where(ownership_versions.c.id == version_id)
        ).one()
        parties = {}
        for _, key, name, schema, identifiers, country, entity_id, ref in _select_all(
            conn, ownership_parties, version_id, "key"
        ):
            parsed: tuple[Identifier, ...] = ()
            if identifiers != "[]":
                parsed = tuple(
                    Identifier(IdentifierType(t), v, c, n) for t, v, c, n in json.loads(identifiers)
                )
            parties[key] = OwnershipParty(key, name, schema, parsed, country, entity_id, ref)
        edges = []
        for row in _select_all(conn, ownership_edges, version_id, "seq"):
            _, _, owner, owned, low, high, label, interest, start, end, source, ref = row
            share = shares.get((low, high, label))
            if share is None:
                share = shares[(low, high, label)] = Share(low, high, label)
            if source is not None:
                source = texts.setdefault(source, source)
            edges.append(
                OwnershipEdge(owner, owned, share, interests[interest], start, end, source, ref)
            )
    return OwnershipData(
        version.format,
        parties,
        edges,
        version.published,
        list(version.warnings),
        dict(version.stats),
    )


def stored_links(engine: Engine, version_id: int, lists_key: str) -> dict[str, Link] | None:
    """The parties of this version linked to listed records against these list versions
    (parties left out matched none); None if they were never linked against them."""
    with engine.connect() as conn:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        rows = conn.exec_driver_sql(
            "SELECT party_key, entity_id, method, score, matched_name FROM ownership_links "
            f"WHERE version_id = {mark} AND lists_key = {mark}",
            (version_id, lists_key),
        ).all()
    if not rows:
        return None
    return {r[0]: Link(*r) for r in rows if r[0]}


def store_links(engine: Engine, version_id: int, lists_key: str, links: Iterable[Link]) -> None:
    """Record the parties that matched a listed record (with how, and the score), and that
    the version was linked against these lists, in one transaction."""
    rows: list[tuple[Any, ...]] = [(version_id, lists_key, "", None, "linked", 0.0, None)]
    rows.extend(
        (
            version_id,
            lists_key,
            link.party_key,
            link.entity_id,
            link.method,
            link.score,
            link.matched_name,
        )
        for link in links
        if link.entity_id
    )
    try:
        with engine.begin() as conn:
            _insert_many(conn, ownership_links, rows)
    except IntegrityError:
        pass  # another process linked the same version against the same lists first
