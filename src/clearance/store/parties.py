"""Parties from party keys: the records tied to one, and how many each rule joins.

`party_keys` makes the keys a record is stored with; here they are followed. Two
records share a party when they share a key, and ties are transitive (a CSL row
meets OFAC's record by its entity number, which meets the UK's by the UN reference).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, select

from clearance.store.database import in_chunks
from clearance.store.party_keys import RULES, rule_of
from clearance.store.schema import entity_keys, version_entities

MAX_PARTY_RECORDS = 200  # a runaway chain of ties stops here


def party_groups(
    connection: Connection,
    version_ids: list[int],
    entity_ids: Iterable[str],
    limit: int = MAX_PARTY_RECORDS,
) -> dict[str, set[str]]:
    """Each record of `entity_ids` in these versions -> its id and the ids of every record
    tied to it, for many records in a few queries (not a few per record): keys are
    followed for all of them at once. Records not in the versions are left out."""
    wanted = list(dict.fromkeys(entity_ids))
    in_force = version_entities.c.version_id.in_(version_ids)
    group: dict[str, int] = {}  # entity id -> its party (the index of the id it started from)
    members: list[set[str]] = []
    frontier: dict[str, set[int]] = {}  # hash -> the parties it joined
    for chunk in in_chunks(wanted):
        for record_id, record_hash in connection.execute(
            select(version_entities.c.entity_id, version_entities.c.hash).where(
                in_force, version_entities.c.entity_id.in_(chunk)
            )
        ):
            if record_id not in group:
                group[record_id] = len(members)
                members.append({record_id})
                frontier.setdefault(record_hash, set()).add(group[record_id])
    seen: set[tuple[str, int]] = set()  # (key, party) already followed
    while frontier:
        key_parties: dict[str, set[int]] = {}
        for chunk in in_chunks(list(frontier)):
            for record_hash, key in connection.execute(
                select(entity_keys.c.hash, entity_keys.c.key).where(entity_keys.c.hash.in_(chunk))
            ):
                fresh = {p for p in frontier[record_hash] if (key, p) not in seen}
                if fresh:
                    key_parties.setdefault(key, set()).update(fresh)
                    seen.update((key, p) for p in fresh)
        frontier = {}
        for chunk in in_chunks(list(key_parties)):
            rows = connection.execute(
                select(version_entities.c.entity_id, version_entities.c.hash, entity_keys.c.key)
                .join(entity_keys, entity_keys.c.hash == version_entities.c.hash)
                .where(in_force, entity_keys.c.key.in_(chunk))
            )
            for record_id, record_hash, key in rows:
                for party in key_parties[key]:
                    if record_id not in members[party] and len(members[party]) < limit:
                        members[party].add(record_id)
                        frontier.setdefault(record_hash, set()).add(party)
    return {eid: members[group[eid]] for eid in wanted if eid in group}


def key_memberships(connection: Connection, version_ids: list[int]) -> Iterator[tuple[str, str]]:
    """(record id, key) of every record of these versions."""
    query = (
        select(version_entities.c.entity_id, entity_keys.c.key)
        .join(entity_keys, entity_keys.c.hash == version_entities.c.hash)
        .where(version_entities.c.version_id.in_(version_ids))
    )
    for record_id, key in connection.execute(query):  # rows as plain pairs
        yield str(record_id), str(key)


def parties_joined(memberships: Iterable[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """How many parties each rule joins, and of how many records: (parties, records).

    A party here is a group of two or more records tied by the rule's keys;
    `memberships` are (record id, key) pairs. "all" is what the rules make together
    (ties are transitive, so it is less than the sum).
    """
    by_rule: dict[str, dict[str, list[str]]] = {rule: {} for rule in RULES}
    for record_id, key in memberships:
        by_rule[rule_of(key)].setdefault(key, []).append(record_id)
    counts = {rule: _groups(keyed.values()) for rule, keyed in by_rule.items()}
    counts["all"] = _groups(ids for keyed in by_rule.values() for ids in keyed.values())
    return counts


def _groups(tied: Iterable[list[str]]) -> tuple[int, int]:
    """Groups of two or more records, and the records in them; each list ties its records."""
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for ids in tied:
        first = root(ids[0])
        for other in ids[1:]:
            other_root = root(other)
            if other_root != first:
                parent[other_root] = first
    sizes: dict[str, int] = {}
    for item in parent:
        top = root(item)
        sizes[top] = sizes.get(top, 0) + 1
    joined = [size for size in sizes.values() if size > 1]
    return len(joined), sum(joined)
