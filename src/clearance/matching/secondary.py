"""Facts beside the name: identifiers, birth date, country, kind of party.

An identical identifier (passport, tax id, ISIN, IMO …) is near-certain whatever the
name says. A birth date or country that agrees adds to the log-odds of the name's
score (a Fellegi-Sunter agreement weight); one that disagrees takes away, a birth
year far off strongly. A person is not a vessel: the kind of party is a feature of
the name model (features.py), explained here. Each adjustment returns the words that
explain it.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.matching.index import EntityFacts, identifier_keys
from clearance.matching.vocabulary import LEGAL_PREFIX, ORGANISATION_WORDS
from clearance.model import parse_partial_date, to_country_code

IDENTIFIER_SCORE = 0.97  # an identical identifier alone; the name adds the rest
# Log-odds added to the name's score. Agreement weights log(m/u) shrunk for the
# sources' errors and for names that already carry the evidence: an agreeing full
# birth date is strong, a year or a range less; one year apart is what sources
# disagree by; far apart is another person.
DOB_FULL_AGREE = 1.2
DOB_YEAR_AGREE = 0.7
DOB_IN_RANGE = 0.45
DOB_NEAR = -0.35
DOB_FAR = -1.6
COUNTRY_AGREE = 0.25
COUNTRY_MISMATCH = -0.3

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


def lowest_liftable(threshold_logit: float, with_birth_date: bool, with_country: bool) -> float:
    """The lowest name log-odds that agreeing facts could still lift to the threshold."""
    lift = (DOB_FULL_AGREE if with_birth_date else 0.0) + (COUNTRY_AGREE if with_country else 0.0)
    return threshold_logit - lift


def schema_mismatch(query_schema: str | None, listed_schema: str) -> bool:
    return query_schema is not None and listed_schema not in SCHEMA_GROUPS[query_schema]


def names_an_organisation(tokens: Sequence[str]) -> bool:
    """A legal form or a word only bodies have ("Omega Group", "Petrenko LLC"): the
    query is not a person's name, so a listed person's one-word alias is no match."""
    return any(t[:1] == LEGAL_PREFIX or t in ORGANISATION_WORDS for t in tokens)


def pair_schema_mismatch(query_schema: str | None, organisation: bool, listed: str) -> bool:
    """The kind given (any mismatch), or failing that the kind the words show (only
    against a listed person: a vessel or an aircraft may be named like a company)."""
    if query_schema is not None:
        return schema_mismatch(query_schema, listed)
    return organisation and listed == "Person"


def schema_reason(query_schema: str | None, facts: EntityFacts) -> str | None:
    if not schema_mismatch(query_schema, facts.schema):
        return None
    return f"kind differs: the query is a {query_schema}, the listed party a {facts.schema}"


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


def birth_date_adjustment(query_date: str | None, facts: EntityFacts) -> tuple[float, str | None]:
    """Log-odds to add for how the query birth date agrees with the listed ones."""
    if not query_date or not facts.birth_dates:
        return 0.0, None
    parsed = parse_partial_date(query_date)
    if parsed is None:
        return 0.0, None
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
                boost = DOB_FULL_AGREE if precision >= 10 else DOB_YEAR_AGREE
                return boost, f"birth date {parsed.value} agrees with listed {listed}"
            gap = 1 if precision >= 7 else 0
        best_gap = min(best_gap, gap)
    if best_gap == 0:
        return DOB_IN_RANGE, f"birth year {q_year} within listed {listed}"
    delta = DOB_NEAR if best_gap == 1 else DOB_FAR
    return delta, f"birth date {parsed.value} differs from listed {listed}"


def country_adjustment(query_country: str | None, facts: EntityFacts) -> tuple[float, str | None]:
    if not query_country or not facts.countries:
        return 0.0, None
    code = to_country_code(query_country) or query_country.upper()
    if code in facts.countries:
        return COUNTRY_AGREE, f"country {code} is among the listed countries"
    listed = ", ".join(sorted(facts.countries))
    return COUNTRY_MISMATCH, f"country {code} not among the listed countries ({listed})"
