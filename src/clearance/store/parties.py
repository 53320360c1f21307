"""Parties from party keys: the records tied to one, and how many each rule joins.

`party_keys` makes the keys a record is stored with; here they are followed. Two
records share a party when they share a key, and ties are transitive (a CSL row
meets OFAC's record by its entity number, which meets the UK's by the UN reference).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, and_, select

from clearance.store.party_keys import RULES, rule_of
from clearance.store.schema import entity_keys, version_entities

MAX_PARTY_RECORDS = 200  # a runaway chain of ties stops here


def party_members(connection: Connection, version_ids: list[int], entity_id: str) -> dict[str, str]:
    """{record id: hash} of the record and every record tied to it in these versions;
    empty when the record is not in them."""
    start = connection.execute(
        select(version_entities.c.entity_id, version_entities.c.hash).where(
            and_(
                version_entities.c.version_id.in_(version_ids),
                version_entities.c.entity_id == entity_id,
            )
        )
    ).first()
    if start is None:
        return {}
    members = {start[0]: start[1]}
    frontier = {start[1]}
    seen_keys: set[str] = set()
    while frontier and len(members) < MAX_PARTY_RECORDS:
        keys = (
            set(
                connection.execute(
                    select(entity_keys.c.key).where(entity_keys.c.hash.in_(frontier))
                ).scalars()
            )
            - seen_keys
        )
        seen_keys |= keys
        if not keys:
            break
        rows = connection.execute(
            select(version_entities.c.entity_id, version_entities.c.hash)
            .join(entity_keys, entity_keys.c.hash == version_entities.c.hash)
            .where(
                and_(
                    entity_keys.c.key.in_(keys),
                    version_entities.c.version_id.in_(version_ids),
                )
            )
        ).all()
        frontier = set()
        for record_id, record_hash in rows:
            if record_id not in members:
                members[record_id] = record_hash
                frontier.add(record_hash)
    return members


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
