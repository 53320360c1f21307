"""Legal effects of a listing, and the verdict for what the user wants to do.

    effects = effects_for_party(entities_of_one_party)
    result = verdict_for(effects, Activity.EXPORT, as_of=date(2024, 1, 1))
    print(result.verdict.label, *result.reasons, sep="\n")

The rules are one table in `clearance.effects.rules`; docs/effects.md explains it.
Decision support, not legal advice.
"""

from clearance.effects.kinds import Activity, EffectKind, Outcome, Verdict
from clearance.effects.rules import RULES, EffectRule
from clearance.effects.verdict import (
    Effect,
    VerdictResult,
    effects_for,
    effects_for_party,
    verdict_for,
    verdicts_for,
)

__all__ = [
    "RULES",
    "Activity",
    "Effect",
    "EffectKind",
    "EffectRule",
    "Outcome",
    "Verdict",
    "VerdictResult",
    "effects_for",
    "effects_for_party",
    "verdict_for",
    "verdicts_for",
]
