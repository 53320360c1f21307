"""Tie the parties of an ownership file to listed records: identifiers first, then names.

A party the file names by a listed record's id is that record. A party with
identifiers (LEI, registration number, ISIN, tax id …) is the listed record that
carries one of them, if any does. Otherwise the matcher's own `check` decides by
name (and country, and kind of party) at its default threshold, and the link keeps
the score, so an analyst sees when an owner was recognised by name only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from clearance.matching import DEFAULT_THRESHOLD
from clearance.model import Entity
from clearance.model.identifiers import normalize_identifier
from clearance.ownership.records import OwnershipParty
from clearance.ownership.storage import Link


class EntityLookup(Protocol):
    def get_entity(self, entity_id: str, as_of: Any = None) -> Entity | None: ...


_SCHEMAS = {"Person": "Person", "Company": "Organization", "Organization": "Organization"}


def _identifier_link(party: OwnershipParty, matcher: Any) -> Link | None:
    wanted = {normalize_identifier(i.value): i for i in party.identifiers}
    hits = matcher.check(
        party.name, identifiers=[i.value for i in party.identifiers], limit=10, threshold=0.5
    )
    for hit in hits:
        for ident in hit.entity.identifiers:
            mine = wanted.get(normalize_identifier(ident.value))
            if mine is not None:
                how = f"identifier {mine.type.value} {mine.value}"
                return Link(party.key, hit.entity_id, how, 1.0, hit.matched_name)
    return None


def link_party(
    party: OwnershipParty,
    matcher: Any,
    store: EntityLookup | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Link:
    """The listed record this party is, and how that was decided (method "none": no match)."""
    if party.entity_id:
        entity = store.get_entity(party.entity_id) if store is not None else None
        if entity is not None:
            return Link(party.key, entity.id, "entity id", 1.0, entity.caption)
        return Link(party.key, None, f"entity id {party.entity_id} not in the lists", 0.0)
    if party.identifiers:
        found = _identifier_link(party, matcher)
        if found is not None:
            return found
    if not party.name or party.name.startswith("unnamed "):
        return Link(party.key, None, "none", 0.0)
    hits = matcher.check(
        party.name,
        schema=_SCHEMAS.get(party.schema),
        country=party.country,
        limit=1,
        threshold=threshold,
    )
    if not hits:
        return Link(party.key, None, "none", 0.0)
    best = hits[0]
    return Link(party.key, best.entity_id, "name", round(float(best.score), 4), best.matched_name)


def link_parties(
    parties: Iterable[OwnershipParty],
    matcher: Any,
    store: EntityLookup | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Link]:
    return [link_party(p, matcher, store, threshold) for p in parties]
