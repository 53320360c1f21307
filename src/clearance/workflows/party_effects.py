"""From a matcher hit to what it means: the whole party, its lists, effects and verdict.

A hit names one record of one list; the legal answer depends on every list the
party is on (Hikvision: NS-CMIC at OFAC, the Entity List at BIS). The store ties the
records together (`ListStore.party`), the effects table says what each listing does,
and this module joins the two for the workflows, with a bounded cache so that a
batch of millions of rows asks the store once per party.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from clearance.effects import Activity, Effect, VerdictResult, effects_for_party, verdict_for
from clearance.effects.listing_facts import canonical_sub_list, parse_iso
from clearance.model import Entity

LISTED = "listed"
FORMERLY_LISTED = "formerly listed"  # history, not a hit
NOT_YET_LISTED = "not yet listed"  # screened as of a date before the listing


class PartySource(Protocol):
    """What the workflows need from the store: every record tied to a party."""

    def party(self, entity_id: str, as_of: date | str | None = None) -> list[Entity]: ...


@dataclass(frozen=True)
class PartyFacts:
    """One listed party as the workflows report it."""

    entity_id: str
    records: tuple[Entity, ...]
    lists: tuple[str, ...]  # "us-csl/EL", "ofac-nonsdn/CMIC", "un-sc"
    effects: tuple[Effect, ...]

    @property
    def key(self) -> str:
        """One id for the party whichever of its records was hit: the smallest record id."""
        return min((e.id for e in self.records), default=self.entity_id)

    @property
    def effect_kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.kind.value for e in self.effects))

    def verdict(self, activity: Activity | str, as_of: date | None) -> VerdictResult:
        return verdict_for(self.effects, activity, as_of)

    def standing(self, as_of: date | None) -> str:
        """ "listed" when a listing is in force on `as_of` (default today), else "formerly
        listed" (every listing ended before) or "not yet listed": a hit only when listed.

        A record the effects table has no rule for is listed all the same.
        """
        day = as_of or date.today()
        if not self.effects or any(e.status(day) is None for e in self.effects):
            return LISTED
        ended = [parse_iso(e.end_on, end=True) for e in self.effects]
        return FORMERLY_LISTED if any(d and d < day for d in ended) else NOT_YET_LISTED


def list_label(entity: Entity) -> str:
    """A short label of where a record is listed: list id, and the sub-list when known."""
    sub = canonical_sub_list(entity.listing.sub_list)
    return f"{entity.list_id}/{sub}" if sub else entity.list_id


class PartyEffects:
    """Party records and effects per entity id, cached (least recently used, bounded)."""

    def __init__(self, store: PartySource | None, as_of: date | None, max_cached: int = 50_000):
        self.store = store
        self.as_of = as_of
        self.max_cached = max_cached
        self._cache: OrderedDict[str, PartyFacts] = OrderedDict()

    def of(self, entity_id: str, entity: Entity | None = None) -> PartyFacts:
        cached = self._cache.get(entity_id)
        if cached is not None:
            self._cache.move_to_end(entity_id)
            return cached
        records: list[Entity] = []
        if self.store is not None:
            records = self.store.party(entity_id, self.as_of)
        if not records and entity is not None:
            records = [entity]
        facts = PartyFacts(
            entity_id=entity_id,
            records=tuple(records),
            lists=tuple(dict.fromkeys(list_label(e) for e in records)),
            effects=tuple(effects_for_party(records)),
        )
        self._cache[entity_id] = facts
        if len(self._cache) > self.max_cached:
            self._cache.popitem(last=False)
        return facts


def store_of(screener: Any) -> PartySource | None:
    """The store a screener was loaded from, when it says (`store` or `_store`)."""
    for attribute in ("store", "_store"):
        store = getattr(screener, attribute, None)
        if store is not None and hasattr(store, "party"):
            return store  # type: ignore[no-any-return]
    return None
