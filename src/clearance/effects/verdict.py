"""From listings to effects, and from effects to a verdict for one activity on one date.

`effects_for(entity)` applies the rule table (`rules.RULES`) to one listed record
and renders every sentence with the record's own facts (list, programme, dates,
Federal Register cites, licence requirement and policy, ISINs). `verdict_for`
takes the effects of every listing of a party and answers "may I <activity>
with them on <date>, and why?": the strongest outcome in force wins
(PROHIBITED > LICENCE REQUIRED > CAUTION), and each reason cites its source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from clearance.effects.authorities import US_PROGRAMME_REGULATIONS, uk_law, un_regime
from clearance.effects.kinds import Activity, EffectKind, Outcome, Verdict
from clearance.effects.listing_facts import ListingFacts, measure_quotes, parse_iso
from clearance.effects.ownership_tests import RulePeriod
from clearance.effects.rules import EffectRule, matching_rules
from clearance.model import Entity

_KIND_ORDER = {kind: index for index, kind in enumerate(EffectKind)}
_OUTCOME_PREFIX = {
    Outcome.PROHIBITED: "PROHIBITED",
    Outcome.LICENCE_REQUIRED: "LICENCE REQUIRED",
    Outcome.CAUTION: "CAUTION",
    Outcome.NONE: "NO RESTRICTION FROM THIS LISTING",
}


@dataclass(frozen=True)
class Effect:
    """The legal effect of one listing of one record, ready to explain for any activity."""

    kind: EffectKind
    rule_id: str
    entity_id: str
    caption: str
    list_id: str
    sub_list: str | None
    programs: tuple[str, ...]
    list_name: str
    header: str  # list, source, programme, dates, legal basis
    authority: str
    binds: str
    summary: str  # header + what the listing does, in words
    outcomes: Mapping[Activity, Outcome]
    notes: Mapping[Activity, str]
    listed_on: str | None = None
    effective_on: str | None = None
    divestment_on: str | None = None
    end_on: str | None = None
    source_url: str | None = None
    warnings: tuple[str, ...] = ()  # e.g. secondary sanctions risk, derived dates
    in_force: tuple[RulePeriod, ...] = ()  # the rule's own periods of force (empty: always)

    def outcome(self, activity: Activity) -> Outcome:
        return self.outcomes[activity]

    def status(self, as_of: date) -> str | None:
        """None when in force on `as_of`, else why not."""
        if self.in_force and not any(p.holds(as_of) for p in self.in_force):
            periods = "; ".join(str(p) for p in self.in_force)
            return f"the rule is not in force on {as_of.isoformat()}: in force {periods}"
        listed = parse_iso(self.listed_on)
        if listed and listed > as_of:
            return f"not yet listed on {as_of.isoformat()} (listed on {self.listed_on})"
        ended = parse_iso(self.end_on, end=True)
        if ended and ended < as_of:
            return f"listing ended on {self.end_on}"
        return None

    def outcome_on(self, activity: Activity, as_of: date) -> Outcome:
        """Before the effective date a prohibition is only announced: CAUTION at most."""
        outcome = self.outcomes[activity]
        effective = parse_iso(self.effective_on)
        if effective and as_of < effective:
            return min(outcome, Outcome.CAUTION)
        return outcome

    def reason(self, activity: Activity, as_of: date) -> str:
        outcome = self.outcome_on(activity, as_of)
        text = f"{_OUTCOME_PREFIX[outcome]}: {self.header}: {self.notes[activity]}"
        effective = parse_iso(self.effective_on)
        if effective and as_of < effective and self.outcomes[activity] > outcome:
            text += (
                f" Not yet in effect on {as_of.isoformat()}: it becomes "
                f"{self.outcomes[activity].label} on {self.effective_on}."
            )
        divestment = parse_iso(self.divestment_on)
        if activity is Activity.INVEST and divestment and outcome is Outcome.PROHIBITED:
            if as_of < divestment:
                text += (
                    f" Until {self.divestment_on}, purchases or sales made solely to divest "
                    "existing holdings remain allowed."
                )
            else:
                text += (
                    f" The divestment window closed on {self.divestment_on}: selling is "
                    "prohibited too (holding is not)."
                )
        for warning in self.warnings:
            text += f" {warning}"
        return f"{text} Authority: {self.authority}; binds {self.binds}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "rule_id": self.rule_id,
            "entity_id": self.entity_id,
            "caption": self.caption,
            "list_id": self.list_id,
            "sub_list": self.sub_list,
            "programs": list(self.programs),
            "list_name": self.list_name,
            "authority": self.authority,
            "binds": self.binds,
            "summary": self.summary,
            "outcomes": {a.value: o.name for a, o in self.outcomes.items()},
            "notes": {a.value: n for a, n in self.notes.items()},
            "listed_on": self.listed_on,
            "effective_on": self.effective_on,
            "divestment_on": self.divestment_on,
            "end_on": self.end_on,
            "source_url": self.source_url,
            "warnings": list(self.warnings),
            "in_force": [
                {"start": p.start, "end": p.end, "source": p.source} for p in self.in_force
            ],
        }


@dataclass(frozen=True)
class VerdictResult:
    verdict: Verdict
    activity: Activity
    as_of: date
    reasons: list[str]
    effects: list[Effect] = field(default_factory=list)  # in force, strongest first
    not_in_force: list[str] = field(default_factory=list)  # listings ignored on as_of, and why

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "label": self.verdict.label,
            "activity": self.activity.value,
            "as_of": self.as_of.isoformat(),
            "reasons": list(self.reasons),
            "not_in_force": list(self.not_in_force),
            "effects": [e.to_dict() for e in self.effects],
        }


# ------------------------------------------------------------------ rendering one rule


def _clean(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _requirement_scope(requirement: str, kind: EffectKind) -> str:
    """'For all items subject to the EAR. (See §744.11)' -> 'all items ... (See §744.11)'."""
    scope = re.sub(r"^for\s+", "", requirement, flags=re.I)
    scope = re.sub(r"\.\s*\(", " (", scope).rstrip(". ")
    if scope:
        return scope
    if kind is EffectKind.MILITARY_END_USER:
        return "the items listed in Supp. No. 2 to Part 744"
    return "the items its entry names (the source gives no licence requirement)"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


class _Strict(dict[str, str]):
    """A template naming a field we do not fill is a bug in the table: fail loudly."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"rule template uses unknown field {{{key}}}")


def _add_days(iso: str | None, days: int | None) -> str | None:
    start = parse_iso(iso)
    return (start + timedelta(days=days)).isoformat() if start and days is not None else None


def _dates(rule: EffectRule, facts: ListingFacts) -> tuple[dict[str, str | None], list[str]]:
    """The dates of this effect: the source's own label for it first, then the listing's.

    Loaders put a CMIC or directive date into `Listing.listed_on` / `effective_on`
    (OFAC's records carry no other). A date the source ties to *another* directive
    is not this effect's date: an SSI listing of 2014 is not "listed 2022-02-24"
    because EO 14024 Directive 2 was added then; such a date is dropped (unknown
    means in force).
    """
    listing = facts.listing
    notes: list[str] = []
    own = f"({rule.dated_by})".lower() if rule.dated_by else None
    own_dates = {v for k, v in facts.dated_labels.items() if own and own in k.lower()}
    foreign = {v for k, v in facts.dated_labels.items() if not (own and own in k.lower())}
    foreign -= own_dates

    def from_listing(value: str | None) -> str | None:
        return None if value in foreign else value

    listed = from_listing(listing.listed_on)
    effective = from_listing(listing.effective_on)
    divestment = from_listing(listing.divestment_on)
    if rule.dated_by:
        listed = facts.dated(f"Listing Date ({rule.dated_by})") or listed
        effective = facts.dated(f"Effective Date ({rule.dated_by})") or effective
        divestment = (
            facts.dated(f"Purchase/Sales For Divestment Date ({rule.dated_by})") or divestment
        )
    if effective is None and rule.effective_after_days is not None:
        effective = _add_days(listed, rule.effective_after_days)
        if effective:
            days = rule.effective_after_days
            notes.append(f"(Effective date {effective} derived: {days} days after listing.)")
    if divestment is None and rule.divestment_after_days is not None:
        divestment = _add_days(listed, rule.divestment_after_days)
        if divestment:
            days = rule.divestment_after_days
            notes.append(f"(Divestment date {divestment} derived: {days} days after listing.)")
    return {
        "listed_on": listed,
        "effective_on": effective,
        "divestment_on": divestment,
        "end_on": listing.end_on,
    }, notes


def _header(
    rule: EffectRule, list_name: str, facts: ListingFacts, dates: Mapping[str, str | None]
) -> str:
    listing = facts.listing
    source = listing.list_id + (f"/{listing.sub_list}" if listing.sub_list else "")
    parts = [f"{list_name} [{source}]"]
    if listing.programs and "{programs}" not in rule.list_name:
        label = "programme" if len(listing.programs) == 1 else "programmes"
        parts.append(f"{label} {', '.join(listing.programs)}")
    if dates["listed_on"] and dates["effective_on"] and dates["effective_on"] != dates["listed_on"]:
        parts.append(f"listed {dates['listed_on']}, effective {dates['effective_on']}")
    elif dates["listed_on"] or dates["effective_on"]:
        parts.append(f"since {dates['listed_on'] or dates['effective_on']}")
    if dates["divestment_on"]:
        parts.append(f"divestment date {dates['divestment_on']}")
    if dates["end_on"]:
        parts.append(f"until {dates['end_on']}")
    if listing.legal_basis:
        parts.append("; ".join(listing.legal_basis))
    return ", ".join(parts)


def _template_values(
    rule: EffectRule, facts: ListingFacts, dates: Mapping[str, str | None]
) -> _Strict:
    listing = facts.listing
    requirement = _clean(listing.license_requirement)
    policy = _clean(listing.license_policy)
    own_programs = tuple(listing.programs)
    if rule.ownership is not None:  # a derived listing: its owners' programmes
        own_programs = tuple(facts.entity.properties.get(f"ownershipPrograms:{rule.id}", ()))
    programs = ", ".join(own_programs)
    regime = un_regime(facts)
    quotes = measure_quotes(facts.fragments)
    regulations = [
        f"{p}: {US_PROGRAMME_REGULATIONS[p.upper()]}"
        for p in own_programs
        if p.upper() in US_PROGRAMME_REGULATIONS
    ]
    isins = facts.isins
    return _Strict(
        requirement=requirement or "not stated in the source",
        requirement_scope=_requirement_scope(requirement, rule.kind),
        policy=_sentence(policy) if policy else "not stated in the source.",
        since=dates["listed_on"] or "an unstated date",
        effective_on=dates["effective_on"] or "the effective date",
        divestment_on=dates["divestment_on"] or "the divestment date",
        until=f" until {dates['end_on']}" if dates["end_on"] else "",
        programs=programs or "not stated",
        legal_basis="; ".join(listing.legal_basis) or "not stated",
        isins=f" (ISIN {', '.join(isins)})" if isins else "",
        quotes=("; the listing says: " + "; ".join(f"“{q}”" for q in quotes)) if quotes else "",
        us_regulations=f" ({'; '.join(regulations)})" if regulations else "",
        un_regime=regime.name if regime else programs or "unknown",
        un_resolutions=regime.resolutions if regime else "not recognised",
        uk_law=uk_law(programs),
        eu_basis=f" ({'; '.join(listing.legal_basis)})" if listing.legal_basis else "",
        list_id=listing.list_id,
        ownership="; ".join(facts.entity.properties.get(f"ownership:{rule.id}", ()))
        or "owners not recorded",
    )


def _may_be(rule: EffectRule, values: _Strict) -> dict[Activity, tuple[Outcome, str]]:
    """A derived listing only the top of a share range reaches: CAUTION, saying what to check."""
    assert rule.ownership is not None
    test = rule.ownership
    cells = {}
    for activity in Activity:
        says = rule.says(activity)
        outcome = min(says.outcome, Outcome.CAUTION)
        note = (
            f"not listed; may be {test.consequence} by ownership ({test.name}): "
            f"{values['ownership']}. Only the upper end of the shares reaches "
            f"{test.threshold_text}: establish the actual shares before going ahead."
        )
        if says.outcome is Outcome.NONE:
            note = _sentence(says.note.format_map(values))
        cells[activity] = (outcome, note)
    return cells


def _render(rule: EffectRule, facts: ListingFacts) -> Effect:
    dates, warnings = _dates(rule, facts)
    values = _template_values(rule, facts, dates)
    programs = tuple(facts.listing.programs)
    if rule.ownership is not None:
        programs = tuple(facts.entity.properties.get(f"ownershipPrograms:{rule.id}", ()))
    list_name = rule.list_name.format_map(values)
    header = _header(rule, list_name, facts, dates)
    secondary = facts.secondary_sanctions_note()
    if secondary:
        warnings.append(
            f"Non-US persons: the listing warns of {secondary[0].lower()}{secondary[1:]}."
        )
    summary = f"{header}: {_sentence(rule.effect.format_map(values))}"
    cells = {
        a: (rule.says(a).outcome, _sentence(rule.says(a).note.format_map(values))) for a in Activity
    }
    if rule.ownership is not None and facts.derived_status(rule.id) == "may be":
        cells = _may_be(rule, values)
    return Effect(
        kind=rule.kind,
        rule_id=rule.id,
        entity_id=facts.entity.id,
        caption=facts.entity.caption,
        list_id=facts.listing.list_id,
        sub_list=facts.listing.sub_list,
        programs=programs,
        list_name=list_name,
        header=header,
        authority=rule.authority.format_map(values),
        binds=rule.binds,
        summary=summary,
        outcomes={a: cells[a][0] for a in Activity},
        notes={a: cells[a][1] for a in Activity},
        listed_on=dates["listed_on"],
        effective_on=dates["effective_on"],
        divestment_on=dates["divestment_on"],
        end_on=dates["end_on"],
        source_url=facts.listing.source_url,
        warnings=tuple(warnings),
        in_force=rule.in_force,
    )


# ------------------------------------------------------------------ public API


def effects_for(entity: Entity) -> list[Effect]:
    """The legal effects of one listed record, one per matching row of the rule table."""
    facts = ListingFacts.of(entity)
    return [_render(rule, facts) for rule in matching_rules(facts)]


def effects_for_party(entities: Iterable[Entity]) -> list[Effect]:
    """The effects of every record of one party (its listings on several lists)."""
    return [effect for entity in entities for effect in effects_for(entity)]


def verdict_for(
    effects: Iterable[Effect], activity: Activity | str, as_of: date | None = None
) -> VerdictResult:
    """May the user do `activity` with the party on `as_of` (default: today), and why?

    Listings not in force on that date (listed later, or ended before) are set
    aside and reported in `not_in_force`. A listed party never comes out clean:
    if every effect in force says NONE for this activity, the verdict is CAUTION.
    """
    activity = Activity(activity)
    day = as_of or date.today()
    in_force: list[Effect] = []
    set_aside: list[str] = []
    for effect in effects:
        why_not = effect.status(day)
        if why_not:
            set_aside.append(f"{effect.header}: {why_not}.")
        else:
            in_force.append(effect)
    if not in_force:
        none_found = ["No listing in force for this party on the lists screened.", *set_aside]
        return VerdictResult(Verdict.NO_LISTING_FOUND, activity, day, none_found, [], set_aside)
    # Strongest first; among equals, the broader kind (blocking before a directive).
    in_force.sort(key=lambda e: (-e.outcome_on(activity, day), _KIND_ORDER[e.kind]))
    strongest = in_force[0].outcome_on(activity, day)
    reasons: list[str] = []
    if strongest is Outcome.NONE:
        reasons.append(
            f"CAUTION: the party is listed, although no listing in force restricts "
            f"'{activity.value}' as such; review the listings before going ahead."
        )
    for group in _same_listing_groups(in_force, activity, day):
        reason = group[0].reason(activity, day)
        if len(group) > 1:
            tag = group[0].list_id + (f"/{group[0].sub_list}" if group[0].sub_list else "")
            others = "; ".join(_header_details(e) or e.entity_id for e in group[1:])
            reason += f" The party has {len(group)} such listings on {tag}; the others: {others}."
        if reason not in reasons:
            reasons.append(reason)
    return VerdictResult(
        Verdict.from_outcome(strongest), activity, day, reasons, in_force, set_aside
    )


def _same_listing_groups(
    effects: list[Effect], activity: Activity, day: date
) -> list[list[Effect]]:
    """Effects in order, those of one rule on one list and sub-list together: a party
    listed three times on the Entity List reads as one reason naming the three."""
    groups: dict[tuple[str, str | None, str, Outcome], list[Effect]] = {}
    for effect in effects:
        key = (effect.list_id, effect.sub_list, effect.rule_id, effect.outcome_on(activity, day))
        groups.setdefault(key, []).append(effect)
    return list(groups.values())


def _header_details(effect: Effect) -> str:
    """What sets one listing apart from another of the same list: its header after the
    list name and tag (programme, dates, legal basis)."""
    tag = effect.list_id + (f"/{effect.sub_list}" if effect.sub_list else "")
    return effect.header.removeprefix(f"{effect.list_name} [{tag}]").lstrip(" ,")


def verdicts_for(
    effects: Iterable[Effect], as_of: date | None = None
) -> dict[Activity, VerdictResult]:
    """The verdict for every activity at once (what a screening report shows)."""
    listed = list(effects)
    return {activity: verdict_for(listed, activity, as_of) for activity in Activity}
