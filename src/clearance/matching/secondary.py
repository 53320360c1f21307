"""Facts beside the name: identifiers, birth date, country, kind of party.

An identical identifier (passport, tax id, ISIN, IMO …) is near-certain whatever the
name says. A birth date or country that agrees nudges the score up; one that
disagrees pulls it down, a birth year far off strongly. A person is not a vessel.
Each adjustment returns the words that explain it.
"""

from __future__ import annotations

from clearance.matching.index import EntityFacts, identifier_keys
from clearance.model import parse_partial_date, to_country_code

IDENTIFIER_SCORE = 0.97  # an identical identifier alone; the name adds the rest
SCHEMA_MISMATCH = 0.8
DOB_FAR = 0.75  # years apart beyond any listed range
DOB_NEAR = 0.93  # one year apart: sources disagree that much
COUNTRY_MISMATCH = 0.95
DOB_AGREE_MAX = 0.4  # share of the distance to 1 that an agreeing full birth date closes
COUNTRY_AGREE = 0.1

# Query types (CLI --type) -> schemas of listed entities that are that kind of party.
SCHEMA_GROUPS = {
    "person": {"Person", "LegalEntity"},
    "organization": {"Organization", "Company", "LegalEntity"},
    "company": {"Organization", "Company", "LegalEntity"},
    "vessel": {"Vessel"},
    "aircraft": {"Airplane"},
    "airplane": {"Airplane"},
}
_SCHEMA_ALIASES = {
    "Person": "person",
    "Organization": "organization",
    "Company": "organization",
    "LegalEntity": "organization",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}


def normalize_schema(schema: str | None) -> str | None:
    """'person', 'organization', 'vessel' or 'aircraft' from a CLI type or an FtM schema."""
    if not schema:
        return None
    if schema in _SCHEMA_ALIASES:
        return _SCHEMA_ALIASES[schema]
    lowered = schema.strip().lower()
    if lowered in ("org", "entity", "organisation", "company", "legalentity"):
        return "organization"
    if lowered in SCHEMA_GROUPS:
        return "aircraft" if lowered == "airplane" else lowered
    raise ValueError(f"unknown type {schema!r}: use person, organization, vessel or aircraft")


def lowest_liftable(threshold: float, with_birth_date: bool, with_country: bool) -> float:
    """The lowest name score that agreeing facts could still lift to `threshold`."""
    keep = (1.0 - DOB_AGREE_MAX if with_birth_date else 1.0) * (
        1.0 - COUNTRY_AGREE if with_country else 1.0
    )
    return max(0.0, 1.0 - (1.0 - threshold) / keep)


def schema_factor(query_schema: str | None, facts: EntityFacts) -> tuple[float, str | None]:
    if query_schema is None:
        return 1.0, None
    if facts.schema in SCHEMA_GROUPS[query_schema]:
        return 1.0, None
    return (
        SCHEMA_MISMATCH,
        f"kind differs: the query is a {query_schema}, the listed party a {facts.schema}",
    )


def identifier_match(query_keys: set[str], facts: EntityFacts) -> str | None:
    for key in query_keys:
        if key in facts.identifiers:
            return facts.identifiers[key]
    return None


def query_identifier_keys(identifiers: list[str] | None) -> set[str]:
    keys: set[str] = set()
    for value in identifiers or []:
        keys |= identifier_keys(value)
    return keys


def _year_span(value: str, end: str | None, circa: bool) -> tuple[int, int]:
    low = int(value[:4])
    high = int(end[:4]) if end else low
    slack = 1 if circa else 0
    return low - slack, high + slack


def birth_date_adjustment(
    query_date: str | None, facts: EntityFacts, score: float
) -> tuple[float, str | None]:
    """Move `score` by how the query birth date agrees with the listed ones."""
    if not query_date or not facts.birth_dates:
        return score, None
    parsed = parse_partial_date(query_date)
    if parsed is None:
        return score, None
    q_year = parsed.year
    listed = ", ".join(v if e is None else f"{v} to {e}" for v, e, _ in facts.birth_dates)
    best_gap = 99
    for value, end, circa in facts.birth_dates:
        low, high = _year_span(value, end, circa)
        gap = 0 if low <= q_year <= high else min(abs(q_year - low), abs(q_year - high))
        if gap == 0 and end is None and not circa:
            # Same year: does the finer part agree where both sides have it?
            precision = min(len(parsed.value), len(value))
            if parsed.value[:precision] == value[:precision]:
                boost = DOB_AGREE_MAX if precision >= 10 else 0.25
                return score + (
                    1.0 - score
                ) * boost, f"birth date {parsed.value} agrees with listed {listed}"
            gap = 1 if precision >= 7 else 0
        best_gap = min(best_gap, gap)
    if best_gap == 0:
        return score + (1.0 - score) * 0.2, f"birth year {q_year} within listed {listed}"
    factor = DOB_NEAR if best_gap == 1 else DOB_FAR
    return score * factor, f"birth date {parsed.value} differs from listed {listed}"


def country_adjustment(
    query_country: str | None, facts: EntityFacts, score: float
) -> tuple[float, str | None]:
    if not query_country or not facts.countries:
        return score, None
    code = to_country_code(query_country) or query_country.upper()
    if code in facts.countries:
        return score + (
            1.0 - score
        ) * COUNTRY_AGREE, f"country {code} is among the listed countries"
    listed = ", ".join(sorted(facts.countries))
    return score * COUNTRY_MISMATCH, f"country {code} not among the listed countries ({listed})"
