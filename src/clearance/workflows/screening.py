"""`clearance.Screener`: the one object a user of the library screens with.

It joins the matcher (names -> listed records) to the store (record -> every
listing of the party) and the effects table (listing -> what it forbids), so
that `check(..., activity="export")` answers "may I export to them, and why?".
It holds no matching or effect logic of its own: each part stays in its folder.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clearance.effects import Activity, Effect, VerdictResult
from clearance.matching import DEFAULT_THRESHOLD, Hit, cached_index
from clearance.matching import Screener as NameMatcher
from clearance.matching.match_model import logit_of, probability
from clearance.model import Entity
from clearance.model.text import require_name
from clearance.ownership.screening import with_derived_listings
from clearance.ownership.storage import ownership_lists_in_force
from clearance.store import ListStore, open_store
from clearance.store.freshness import ListsInForce, lists_in_force
from clearance.workflows.party_effects import PartyEffects
from clearance.workflows.scan import ScanResult, scan_text


@dataclass
class ScreeningHit:
    """A matcher hit with the party's listings, their effects and, if asked, a verdict."""

    hit: Hit
    lists: tuple[str, ...]
    effects: tuple[Effect, ...]
    verdict: VerdictResult | None = None
    party: tuple[Entity, ...] = field(default=(), repr=False)

    # The matcher's fields, so a ScreeningHit reads like a Hit.
    @property
    def entity_id(self) -> str:
        return self.hit.entity_id

    @property
    def list(self) -> str:
        return self.hit.list

    @property
    def name(self) -> str:
        return self.hit.name

    @property
    def matched_name(self) -> str:
        return self.hit.matched_name

    @property
    def score(self) -> float:
        return self.hit.score

    @property
    def explanation(self) -> builtins.list[str]:
        return self.hit.explanation

    @property
    def entity(self) -> Entity:
        return self.hit.entity

    def to_dict(self, with_entity: bool = False) -> dict[str, Any]:
        data = self.hit.to_dict(with_entity)
        data["lists"] = list(self.lists)
        data["effects"] = [e.to_dict() for e in self.effects]
        if self.verdict is not None:
            data["verdict"] = self.verdict.to_dict()
        return data


# Near misses are looked for down to this many log-odds under the threshold in use
# (0.45 -> 0.04): scores are calibrated probabilities, so a fixed share of the threshold
# would mean another distance at every threshold.
NEAR_MISS_LOG_ODDS = 3.0


@dataclass
class CheckResult:
    """One name checked: the hits at the threshold and, if asked, the best ones under it."""

    hits: list[ScreeningHit]
    near_misses: list[ScreeningHit]
    threshold: float


def _day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class Screener:
    """Screens names, files and text against the lists in force on a date.

    screener = Screener.load()                       # all lists, current versions
    hits = screener.check("Higuision", activity="export")
    hits[0].verdict.verdict.label                    # "LICENCE REQUIRED"
    """

    def __init__(
        self,
        matcher: Any,  # the name matcher, or it wrapped with derived listings
        store: ListStore | None = None,
        as_of: date | None = None,
        lists: Sequence[str] | None = None,
    ):
        self.matcher = matcher
        self.store = store
        self.as_of = as_of
        self.lists = list(lists) if lists is not None else None
        self.parties = PartyEffects(store, as_of)

    @classmethod
    def load(
        cls,
        lists: Sequence[str] | None = None,
        as_of: date | str | None = None,
        db: str | None = None,
        store: ListStore | None = None,
    ) -> Screener:
        """A screener over the store's lists (all, or those named) in force on `as_of`.

        The compiled index is cached per exact set of list versions, so only the
        first screening after an update builds it.
        """
        store = store or open_store(db)
        day = _day(as_of)
        wanted = list(lists) if lists is not None else None
        key = store.screening_key(wanted, day)
        index = cached_index(key, lambda: list(store.entities(wanted, day)))
        # Ownership lists in force: their derived listings join the hits and the parties.
        matcher, parties = with_derived_listings(
            store, NameMatcher(index), key, day or date.today(), wanted
        )
        return cls(matcher, parties, day, wanted)

    def lists_in_force(self, stale_after: int | None = None) -> ListsInForce:
        """The list versions this screener screens against, their age, and warnings."""
        if self.store is None:
            raise ValueError("a screener without a store cannot say which lists it used")
        owned = ownership_lists_in_force(self.store.engine, self.lists, self.as_of)
        return lists_in_force(self.store, self.lists, self.as_of, stale_after, ownership=owned)

    def check(
        self,
        name: str,
        schema: str | None = None,
        country: str | None = None,
        birth_date: str | None = None,
        identifiers: Sequence[str] | None = None,
        limit: int = 10,
        threshold: float | None = None,
        activity: Activity | str | None = None,
    ) -> list[ScreeningHit]:
        """Listed parties matching the query, best first, with effects (and a verdict).

        A name with nothing visible in it is refused (BlankNameError, a ValueError).
        """
        require_name(name)
        hits = self.matcher.check(
            name,
            schema=schema,
            country=country,
            birth_date=birth_date,
            identifiers=identifiers,
            limit=limit * 3,  # several records of one party collapse into one hit
            threshold=threshold,
        )
        parties: dict[str, ScreeningHit] = {}
        for hit in hits:  # best first: the first record hit of a party stands for it
            facts = self.parties.of(hit.entity_id, hit.entity)
            if facts.key not in parties:
                verdict = facts.verdict(activity, self.as_of) if activity is not None else None
                parties[facts.key] = ScreeningHit(
                    hit, facts.lists, facts.effects, verdict, facts.records
                )
        return list(parties.values())[:limit]

    def check_with_near_misses(
        self,
        name: str,
        near: int,
        *,
        limit: int = 10,
        threshold: float | None = None,
        **facts: Any,
    ) -> CheckResult:
        """`check`, plus the `near` best parties scoring under the threshold (one call of
        `check` at a lower threshold, split at the threshold in use)."""
        bar = DEFAULT_THRESHOLD if threshold is None else threshold
        if near <= 0:
            return CheckResult(self.check(name, limit=limit, threshold=bar, **facts), [], bar)
        found = self.check(
            name,
            limit=limit + near,
            threshold=probability(logit_of(bar) - NEAR_MISS_LOG_ODDS),
            **facts,
        )
        hits = [hit for hit in found if hit.score >= bar][:limit]
        below = [hit for hit in found if hit.score < bar][:near]
        return CheckResult(hits, below, bar)

    def verdict(self, hits: Iterable[ScreeningHit], activity: Activity | str) -> VerdictResult:
        """One verdict over every party hit: the strongest outcome wins."""
        from clearance.effects import verdict_for

        unique = {(e.entity_id, e.rule_id): e for hit in hits for e in hit.effects}
        return verdict_for(list(unique.values()), activity, self.as_of)

    def compare(self, name_a: str, name_b: str, schema: str | None = None) -> float:
        return self.matcher.compare(name_a, name_b, schema)

    def check_many(
        self, queries: Iterable[str | dict[str, Any]], workers: int = 2
    ) -> list[list[Hit]]:
        return self.matcher.check_many(queries, workers=workers)

    def scan(
        self,
        text: str,
        activity: Activity | str = Activity.TRANSACT,
        threshold: float | None = None,
    ) -> ScanResult:
        """Listed parties mentioned in free text, with spans, scores and effects."""
        return scan_text(
            self.matcher,
            text,
            activity=activity,
            as_of=self.as_of,
            threshold=threshold,
            store=self.store,
        )

    def screen_rows(self, rows: Iterable[Mapping[str, Any]], **options: Any) -> Any:
        from clearance.workflows.batch import ScreenOptions, screen_rows

        return screen_rows(
            self.matcher,
            rows,
            options=ScreenOptions(as_of=self.as_of, **options),
            store=self.store,
        )

    def screen_file(
        self, input_path: str | Path, output_path: str | Path | None = None, **options: Any
    ) -> Any:
        from clearance.workflows.batch import screen_file

        return screen_file(self.matcher, input_path, output_path, store=self.store, **options)
