"""Derived listings in every screening: a matcher and a store that also know them.

`with_derived_listings` wraps the name matcher of a screening (lists in force on a
date) and its store when ownership lists are loaded: the matcher also searches a
small index of the derived listings, and the store's `party` joins a derived
listing to the listed records of the same party. Every workflow (check, screen,
scan, portfolio, the API, monitoring) screens through these two objects, so
derived listings reach them all with nothing of their own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from clearance.matching import MatchIndex, cached_index
from clearance.matching import Screener as NameMatcher
from clearance.model import Entity
from clearance.ownership.listings import OwnershipView
from clearance.ownership.storage import ownership_lists_in_force
from clearance.store import ListStore

_VIEWS: OrderedDict[tuple[Any, ...], OwnershipView] = OrderedDict()
MAX_VIEWS = 8


class WithDerivedParties(ListStore):
    """The store, with the derived listings of one ownership view joined to its parties."""

    def __init__(self, store: ListStore, view: OwnershipView) -> None:  # no migration: shared
        self.engine = store.engine
        self._versions_cache = store._versions_cache
        self.base = store
        self.view = view

    def _derived_for(self, entity_id: str) -> Entity | None:
        node = self.view.node_of_entity.get(entity_id)
        derived = self.view.entity_of_node.get(node) if node is not None else None
        return self.view.entities.get(derived) if derived is not None else None

    def party(self, entity_id: str, as_of: date | str | None = None) -> list[Entity]:
        derived = self.view.entities.get(entity_id)
        if derived is not None:
            linked = derived.properties.get("linkedEntity")
            return [derived, *(self.base.party(linked[0], as_of) if linked else [])]
        records = self.base.party(entity_id, as_of)
        extra = self._derived_for(entity_id) if records else None
        return [*records, extra] if extra is not None else records

    def get_entities(self, ids: Iterable[str], as_of: date | str | None = None) -> list[Entity]:
        wanted = list(dict.fromkeys(ids))
        found = {e.id: e for e in self.base.get_entities(wanted, as_of)}
        found.update({i: self.view.entities[i] for i in wanted if i in self.view.entities})
        return [found[i] for i in wanted if i in found]

    def entities(
        self, lists: Iterable[str] | None = None, as_of: date | str | None = None
    ) -> Iterator[Entity]:
        yield from self.base.entities(lists, as_of)
        if lists is None:
            yield from self.view.entities.values()


class WithDerivedListings:
    """A name matcher over the lists, and a small one over the derived listings, as one."""

    def __init__(self, base: NameMatcher, view: OwnershipView, store: WithDerivedParties):
        self.base = base
        self.view = view
        self.index = base.index
        self.store = store
        if view.derived_matcher is None and view.entities:  # once per view: views are cached
            view.derived_matcher = NameMatcher(MatchIndex.build(view.entities.values()))
        self.derived: NameMatcher | None = view.derived_matcher

    def check(
        self,
        name: str,
        schema: str | None = None,
        country: str | None = None,
        birth_date: str | None = None,
        identifiers: Sequence[str] | None = None,
        limit: int = 10,
        threshold: float | None = None,
    ) -> list[Any]:
        args: dict[str, Any] = {
            "schema": schema,
            "country": country,
            "birth_date": birth_date,
            "identifiers": identifiers,
            "limit": limit,
            "threshold": threshold,
        }
        hits = self.base.check(name, **args)
        if self.derived is None:
            return hits
        extra = self.derived.check(name, **args)
        return sorted([*hits, *extra], key=lambda h: (-h.score, h.entity_id))[:limit]

    def check_many(
        self, queries: Iterable[str | dict[str, Any]], workers: int = 2
    ) -> list[list[Any]]:
        items = list(queries)
        found = self.base.check_many(items, workers=workers)
        if self.derived is None:
            return found
        merged = []
        for query, hits in zip(items, found, strict=True):
            kwargs = {"name": query} if isinstance(query, str) else dict(query)
            limit = int(kwargs.get("limit", 10))
            extra = self.derived.check(**kwargs)
            merged.append(sorted([*hits, *extra], key=lambda h: (-h.score, h.entity_id))[:limit])
        return merged

    def compare(self, name_a: str, name_b: str, schema: str | None = None) -> float:
        return self.base.compare(name_a, name_b, schema)

    def warm(self, names: Iterable[str | None]) -> None:
        self.base.warm(names)

    def prime(self) -> None:
        self.base.prime()


def ownership_view(
    store: ListStore,
    matcher: Any,
    lists_key: str,
    day: date,
    lists: Sequence[str] | None = None,
) -> OwnershipView | None:
    """The derived listings for these lists on `day` (None without ownership lists), cached."""
    versions = ownership_lists_in_force(store.engine, lists, day)
    if not versions:
        return None
    key = (store.url, lists_key, tuple(sorted((k, v.id) for k, v in versions.items())), day)
    view = _VIEWS.get(key)
    if view is None:
        view = OwnershipView.build(store, matcher, lists_key, day, lists)
        if view is None:
            return None
        _VIEWS[key] = view
        while len(_VIEWS) > MAX_VIEWS:
            _VIEWS.popitem(last=False)
    else:
        _VIEWS.move_to_end(key)
    return view


def with_derived_listings(
    store: ListStore,
    matcher: NameMatcher,
    lists_key: str,
    day: date,
    lists: Sequence[str] | None = None,
) -> tuple[Any, ListStore]:
    """(matcher, store) for a screening: wrapped when ownership lists are in force."""
    view = ownership_view(store, matcher, lists_key, day, lists)
    if view is None:
        return matcher, store
    parties = WithDerivedParties(store, view)
    return WithDerivedListings(matcher, view, parties), parties


class _MatcherOnDemand:
    """The lists' matcher, loaded only if some party still needs linking (rarely: links
    are recorded at load time and after each list change)."""

    def __init__(self, store: ListStore, key: str, lists: Sequence[str] | None, day: date | None):
        self.store, self.key, self.lists, self.day = store, key, lists, day
        self._matcher: NameMatcher | None = None

    def check(self, name: str, **options: Any) -> list[Any]:
        if self._matcher is None:
            wanted = list(self.lists) if self.lists is not None else None
            self._matcher = NameMatcher(
                cached_index(self.key, lambda: list(self.store.entities(wanted, self.day)))
            )
        return self._matcher.check(name, **options)


def view_on(
    store: ListStore, as_of: date | None = None, lists: Sequence[str] | None = None
) -> OwnershipView | None:
    """The ownership view a screening on `as_of` would use, without loading the index."""
    key = store.screening_key(lists, as_of)
    matcher = _MatcherOnDemand(store, key, lists, as_of)
    return ownership_view(store, matcher, key, as_of or date.today(), lists)
