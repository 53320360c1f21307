"""The cells of the effect table: what a row says per activity, and when a row applies.

`P`, `L`, `C`, `N` build the per-activity cells (prohibited, licence required,
caution, none) so that each row of `rules.RULES` reads like a line of a table;
`Condition`s carry a description so the docs and test failures can say what a
row checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from clearance.effects.authorities import un_regime
from clearance.effects.kinds import Outcome
from clearance.effects.listing_facts import ListingFacts


@dataclass(frozen=True, slots=True)
class Says:
    """What a row says about one activity: the outcome and the reason in words."""

    outcome: Outcome
    note: str


def P(note: str) -> Says:  # noqa: N802 - reads like the table's column value
    return Says(Outcome.PROHIBITED, note)


def L(note: str) -> Says:  # noqa: N802
    return Says(Outcome.LICENCE_REQUIRED, note)


def C(note: str) -> Says:  # noqa: N802
    return Says(Outcome.CAUTION, note)


def N(note: str) -> Says:  # noqa: N802
    return Says(Outcome.NONE, note)


@dataclass(frozen=True, slots=True)
class Condition:
    """A named test on a listing, so the table (and the docs) can say what it checks."""

    description: str
    test: Callable[[ListingFacts], bool]

    def __call__(self, facts: ListingFacts) -> bool:
        return self.test(facts)

    def __and__(self, other: Condition) -> Condition:
        return Condition(
            f"{self.description} and {other.description}", lambda f: self(f) and other(f)
        )

    def __or__(self, other: Condition) -> Condition:
        return Condition(
            f"{self.description} or {other.description}", lambda f: self(f) or other(f)
        )

    def __invert__(self) -> Condition:
        return Condition(f"not ({self.description})", lambda f: not self(f))


def directive(order: str, number: str) -> Condition:
    return Condition(
        f"subject to EO {order} Directive {number}", lambda f: f.has_directive(order, number)
    )


def mentions(pattern: str) -> Condition:
    regex = re.compile(pattern, re.I)
    return Condition(f"the source text mentions /{pattern}/", lambda f: bool(regex.search(f.text)))


def program(pattern: str) -> Condition:
    regex = re.compile(pattern, re.I)
    return Condition(
        f"a programme matches /{pattern}/",
        lambda f: any(regex.search(p) for p in f.listing.programs),
    )


def derived(rule_id: str) -> Condition:
    """A derived listing whose owners meet (or may meet) the ownership test of `rule_id`."""
    return Condition(
        f"owned as {rule_id} requires (or may be)", lambda f: f.derived_status(rule_id) is not None
    )


def schema(*names: str) -> Condition:
    return Condition(f"the party is a {' or '.join(names)}", lambda f: f.entity.schema in names)


LIBYA_TRAVEL_BAN_ONLY = Condition(
    "a person's Libya listing that names the travel ban but not the asset freeze",
    lambda f: (
        f.is_person
        and (r := un_regime(f)) is not None
        and r.name == "Libya"
        and bool(re.search(r"travel ban", f.text, re.I))
        and not re.search(r"asset freeze", f.text, re.I)
    ),
)
LIBYA_ASSET_FREEZE_ONLY = Condition(
    "a Libya listing that names the asset freeze but not the travel ban",
    lambda f: (
        (r := un_regime(f)) is not None
        and r.name == "Libya"
        and bool(re.search(r"asset freeze", f.text, re.I))
        and not re.search(r"travel ban", f.text, re.I)
    ),
)


def un_measure(measure: str) -> Condition:
    return Condition(
        f"the UN regime includes the {measure}",
        lambda f: (r := un_regime(f)) is not None and measure in r.measures,
    )


UN_RECOGNISED = Condition("the UN regime is recognised", lambda f: un_regime(f) is not None)


_EO13382 = re.compile(r"E\.?\s?O\.?\s?13382", re.I)
EO13382 = program(_EO13382.pattern)
NOT_ONLY_EO13382 = Condition(
    "a programme other than EO 13382 (or none)",
    lambda f: not f.listing.programs or any(not _EO13382.search(p) for p in f.listing.programs),
)
