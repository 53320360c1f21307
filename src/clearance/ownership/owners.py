"""Who counts as an owner under each ownership rule: a linked party's own listings.

A party of an ownership file linked to a listed record is an owner for a rule of the
effect table when one of its party's effects, in force on the day, is one the rule's
`OwnershipTest` names (an SDN blocking for the OFAC 50 Percent Rule, an Entity List
entry for the Affiliates Rule …). The facts kept are what the reasons quote: which
list and programme, and for BIS the licence requirement and policy passed on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from clearance.effects import Effect, effects_for_party
from clearance.effects.ownership_tests import OwnershipTest

# What the reasons call an owner's listing, by the effect row that makes it an owner.
OWNER_LABELS = {
    "sdn-blocked": "SDN",
    "isn-eo13382-blocked": "EO 13382",
    "entity-list-licence": "Entity List",
    "military-end-user": "MEU List",
    "uk-asset-freeze": "UK list",
    "eu-asset-freeze": "EU list",
}


@dataclass(frozen=True)
class OwnerListingFacts:
    label: str  # "SDN, programme SDGT"
    programs: tuple[str, ...]
    requirement: str | None = None  # Entity List licence requirement and policy
    policy: str | None = None


def owner_facts(
    nodes: Sequence[Any], tests: Mapping[str, OwnershipTest], day: date
) -> dict[str, dict[int, OwnerListingFacts]]:
    """Per rule: the linked nodes whose own listings (in force on `day`) make them owners."""
    found: dict[str, dict[int, OwnerListingFacts]] = {rid: {} for rid in tests}
    for number, node in enumerate(nodes):
        if not node.listed:
            continue
        effects: list[Effect] = [e for e in effects_for_party(node.listed) if e.status(day) is None]
        for rule_id, test in tests.items():
            counting = [e for e in effects if test.counts(e.rule_id, e.programs)]
            if not counting:
                continue
            labels = dict.fromkeys(OWNER_LABELS.get(e.rule_id, e.list_name) for e in counting)
            programs = tuple(dict.fromkeys(p for e in counting for p in e.programs))
            label = ", ".join(labels)
            if programs:
                label += f", programme{'s' if len(programs) > 1 else ''} {', '.join(programs)}"
            records = {e.entity_id: e for e in counting}
            requirement = policy = None
            for record in node.listed:
                if record.id in records and record.listing.license_requirement:
                    requirement = requirement or record.listing.license_requirement
                    policy = policy or record.listing.license_policy
            found[rule_id][number] = OwnerListingFacts(label, programs, requirement, policy)
    return found
