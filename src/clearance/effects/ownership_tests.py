"""The ownership tests of the effect table: when owners' listings reach an unlisted party.

A row of `rules.RULES` that carries an `OwnershipTest` is a *derived* listing: it
applies to a party no government listed, because parties whose own listings
match `owners` hold enough of it. The numbers (threshold, strict or not, whether
several owners' holdings add up) and the dates a rule was in force are law, so
they live here with their sources, not in the aggregation code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class OwnerListing:
    """A listing that makes its party count as an owner: an effect row, maybe some programmes."""

    rule_id: str
    programs: tuple[str, ...] | None = None  # None: any programme of that row

    def matches(self, rule_id: str, programs: tuple[str, ...]) -> bool:
        if rule_id != self.rule_id:
            return False
        if self.programs is None:
            return True
        wanted = {p.upper() for p in self.programs}
        return any(p.strip("[] ").upper() in wanted for p in programs)


@dataclass(frozen=True, slots=True)
class RulePeriod:
    """A period a rule was (or will be) in force, inclusive, with the notice that says so."""

    start: str  # ISO date
    end: str | None  # ISO date; None: open
    source: str

    def holds(self, day: date) -> bool:
        text = day.isoformat()
        return self.start <= text and (self.end is None or text <= self.end)

    def __str__(self) -> str:
        until = f"to {self.end}" if self.end else "onwards"
        return f"{self.start} {until} ({self.source})"


@dataclass(frozen=True, slots=True)
class OwnershipTest:
    """Who counts as an owner, and how much they must hold."""

    name: str  # "OFAC 50 Percent Rule"
    owners: tuple[OwnerListing, ...]
    threshold: float  # per cent
    strict: bool  # True: more than the threshold; False: at least
    aggregates: bool  # several listed owners' holdings are added together
    interests: tuple[str, ...]  # "shares", "votes", "control" (see ownership.records.Interest)
    consequence: str = "blocked"  # what the owners' listings make of the party: "blocked by
    # ownership", "frozen by ownership", "covered by ownership" (the owners' licence requirement)

    def counts(self, rule_id: str, programs: tuple[str, ...]) -> bool:
        return any(o.matches(rule_id, programs) for o in self.owners)

    @property
    def threshold_text(self) -> str:
        return f"{'more than' if self.strict else 'at least'} {self.threshold:g} %"


# EAR §744.8(a)(1) (89 FR 20107, 2024-03-21): the SDN programmes whose designations carry
# EAR licence requirements, and so reach affiliates under the Affiliates Rule.
EAR_744_8_PROGRAMMES = (
    "BELARUS",
    "BELARUS-EO14038",
    "UKRAINE-EO13660",
    "UKRAINE-EO13661",
    "UKRAINE-EO13662",
    "UKRAINE-EO13685",
    "RUSSIA-EO14024",
    "FTO",
    "SDGT",
    "NPWMD",
    "TCO",
    "ILLICIT-DRUGS-EO14059",
    "SDNT",
    "SDNTK",
)
