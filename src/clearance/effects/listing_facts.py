"""What the rule table needs to know about one listed record, read from the model only.

The same list reaches us by several routes (OFAC's own non-SDN files, the trade.gov
CSL that repeats them, loaders that fill `sub_list` or leave it empty), so the
rules match on a canonical *family* ("SDN", "EL", "CMIC", ...) rather than on the
spelling a loader happened to use. Directive numbers and effective dates live in
free text (OFAC remarks, CSL `ids`); they are read here once, not in every rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from clearance.model import OWNERSHIP_SUB_LIST, Entity, IdentifierType, Listing

# Canonical families. US CSL abbreviations are used where one exists.
SDN = "SDN"
SSI = "SSI"
CMIC = "CMIC"
PLC = "PLC"
MBS = "MBS"
CAPTA = "CAPTA"
FSE = "FSE"
EL = "EL"
DPL = "DPL"
UVL = "UVL"
MEU = "MEU"
ISN = "ISN"
DTC = "DTC"
UN = "UN"
UK = "UK"
EU = "EU"
NONSDN_OTHER = "NONSDN_OTHER"  # an OFAC non-SDN record we cannot place on a sub-list
CSL_OTHER = "CSL_OTHER"  # a CSL source we do not know
USER = "USER"  # any list id we do not know: the user's own lists, FtM imports
OWNED = OWNERSHIP_SUB_LIST  # a derived listing: owned by listed parties, not listed

# Every spelling of a sub-list seen in the OFAC and CSL publications, upper-cased.
_SUB_LIST_ALIASES: dict[str, str] = {
    "SDN": SDN,
    "SPECIALLY DESIGNATED NATIONALS": SDN,
    "EL": EL,
    "ENTITY LIST": EL,
    "DPL": DPL,
    "DENIED PERSONS LIST": DPL,
    "UVL": UVL,
    "UNVERIFIED LIST": UVL,
    "MEU": MEU,
    "MEU LIST": MEU,
    "MILITARY END USER": MEU,
    "MILITARY END USER LIST": MEU,
    "ISN": ISN,
    "NONPROLIFERATION SANCTIONS": ISN,
    "DTC": DTC,
    "ITAR DEBARRED": DTC,
    "AECA DEBARRED": DTC,
    "CMIC": CMIC,
    "NS-CMIC": CMIC,
    "NS-CMIC LIST": CMIC,
    "SSI": SSI,
    "PLC": PLC,
    "NS-PLC": PLC,
    "CAP": CAPTA,
    "CAPTA": CAPTA,
    "CAPTA LIST": CAPTA,
    "MBS": MBS,
    "NS-MBS": MBS,
    "NS-MBS LIST": MBS,
    "FSE": FSE,
    "NS-ISA": MBS,  # the Iran Sanctions Act list, folded into NS-MBS in 2018
    OWNERSHIP_SUB_LIST: OWNED,  # derived listings (never an official list's sub-list)
}

_PARENTHESISED = re.compile(r"\(([^()]+)\)")


def canonical_sub_list(sub_list: str | None) -> str | None:
    """ "NS-MBS List", "CAP", "Entity List (EL) - Bureau of ..." -> "MBS", "CAPTA", "EL"."""
    if not sub_list:
        return None
    key = " ".join(sub_list.upper().split())
    if key in _SUB_LIST_ALIASES:
        return _SUB_LIST_ALIASES[key]
    # The CSL's long source names carry the abbreviation in parentheses.
    for inner in _PARENTHESISED.findall(sub_list):
        found = _SUB_LIST_ALIASES.get(" ".join(inner.upper().split()))
        if found:
            return found
    return None


# OFAC non-SDN programme codes that identify a sub-list when a loader leaves
# `sub_list` empty (cons_prim.csv does not name the sub-list).
_PROGRAMME_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(NS-)?C(C)?MIC", re.I), CMIC),
    (re.compile(r"^NS-PLC$", re.I), PLC),
    (re.compile(r"^FSE-", re.I), FSE),
    (re.compile(r"^561-RELATED$", re.I), CAPTA),
    (re.compile(r"^UKRAINE-EO13662$", re.I), SSI),
    (re.compile(r"^(CAATSA|MBS$|NS-MBS)", re.I), MBS),
)


# The official lists whose family the list id alone decides (ids as the loaders write
# them). Any other id is a user list: a user naming a list "uk-watch" gets no UK effect.
_OFFICIAL_LISTS = {
    "ofac-sdn": SDN,
    "bis-dpl": DPL,
    "un-sc": UN,
    "uk-ofsi": UK,
    "eu-fsf": EU,
}


@dataclass(frozen=True, slots=True)
class Directive:
    """A Treasury directive the record says it is subject to, e.g. EO 13662 Directive 1."""

    order: str  # "13662" or "14024"
    number: str  # "1", "2", "3", "4", "1A"

    def __str__(self) -> str:
        return f"EO {self.order} Directive {self.number}"


_EO13662 = (
    re.compile(r"Subject to Directive (\d)\s*,\s*Executive Order 13662", re.I),
    re.compile(r"13662 Directive Determination\s*-?\s*Subject to Directive (\d)", re.I),
)
_EO14024 = (
    re.compile(r"\(EO 14024 Directive (\d[a-z]?)\)", re.I),
    re.compile(r"Subject to Directive (1a|2|3|4)\s+-\s", re.I),
)

_DAY_MONTH_YEAR = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
_LABEL = (
    r"(?:Listing|Effective|Purchase/Sales For Divestment) Date \((?:CMIC|EO 14024 Directive \w+)\)"
)
_DATE_THEN_LABEL = re.compile(rf"({_DAY_MONTH_YEAR}),?\s*({_LABEL})")
_LABEL_THEN_DATE = re.compile(rf"({_LABEL}):?\s*({_DAY_MONTH_YEAR})")

# The OFAC loaders' `directiveDates` property: "effective (EO 14024 Directive 3): 2022-03-26".
_ISO_LABEL = re.compile(
    r"\b(listing|effective|divestment) \((CMIC|EO 14024 Directive \w+)\):\s*(\d{4}-\d{2}-\d{2})",
    re.I,
)
_ISO_LABEL_NAMES = {
    "listing": "Listing Date",
    "effective": "Effective Date",
    "divestment": "Purchase/Sales For Divestment Date",
}

_MEASURE_TEXT = re.compile(
    r"Subject to Directive|CAATSA Section|Executive Order \d+ information|"
    r"correspondent account|payable-through|prohibit|Secondary sanctions risk",
    re.I,
)
_BOILERPLATE = re.compile(r"^\s*For more information on directives", re.I)


def _iso_from_day_month_year(text: str) -> str | None:
    try:
        return datetime.strptime(text, "%d %b %Y").date().isoformat()
    except ValueError:
        return None


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value, depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def source_fragments(entity: Entity) -> list[str]:
    """The record's free-text facts, split at '; ', without duplicates.

    Remarks, identifiers (value and label together, as the CSL writes
    "Subject to Directive 1, Executive Order 13662 ..."), extra properties and
    the raw record: wherever a loader put a directive or a date, it is found.
    """
    texts: list[str] = []
    if entity.remarks:
        texts.append(entity.remarks)
    for ident in entity.identifiers:
        texts.append(f"{ident.value}, {ident.note}" if ident.note else ident.value)
    for values in entity.properties.values():
        texts.extend(values)
    # Raw records kept as markup (the enhanced XML keeps the element) are left out:
    # their facts are in the fields above, and tags make poor quotes.
    texts.extend(t for t in _strings(entity.raw) if not t.lstrip().startswith("<"))
    seen: dict[str, None] = {}
    for text in texts:
        for part in text.split(";"):
            part = " ".join(part.split())
            if part:
                seen.setdefault(part, None)
    return list(seen)


def find_directives(fragments: Iterable[str]) -> frozenset[Directive]:
    found: set[Directive] = set()
    for fragment in fragments:
        for pattern in _EO13662:
            found.update(Directive("13662", m.group(1)) for m in pattern.finditer(fragment))
        if "14024" in fragment:
            for pattern in _EO14024:
                found.update(
                    Directive("14024", m.group(1).upper()) for m in pattern.finditer(fragment)
                )
    return frozenset(found)


def find_dated_labels(fragments: Iterable[str]) -> dict[str, str]:
    """{"Effective Date (CMIC)": "2021-08-02", ...} from either word order."""
    dates: dict[str, str] = {}
    for fragment in fragments:
        for m in _DATE_THEN_LABEL.finditer(fragment):
            iso = _iso_from_day_month_year(m.group(1))
            if iso:
                dates.setdefault(m.group(2), iso)
        for m in _LABEL_THEN_DATE.finditer(fragment):
            iso = _iso_from_day_month_year(m.group(2))
            if iso:
                dates.setdefault(m.group(1), iso)
        for m in _ISO_LABEL.finditer(fragment):
            label = f"{_ISO_LABEL_NAMES[m.group(1).lower()]} ({m.group(2)})"
            dates.setdefault(label, m.group(3))
    return dates


def measure_quotes(fragments: Iterable[str], limit: int = 4, width: int = 240) -> list[str]:
    """The source's own sentences about what is prohibited, for menu-based listings."""
    quotes: list[str] = []
    for fragment in fragments:
        if _BOILERPLATE.match(fragment) or not _MEASURE_TEXT.search(fragment):
            continue
        quote = fragment if len(fragment) <= width else fragment[: width - 1].rstrip() + "…"
        if quote not in quotes:
            quotes.append(quote)
        if len(quotes) == limit:
            break
    return quotes


def listing_families(
    listing: Listing, directives: frozenset[Directive], extra_sub_lists: Iterable[str] = ()
) -> frozenset[str]:
    """Which canonical families a record belongs to (a non-SDN record may be on several).

    `extra_sub_lists`: further sub-lists a loader recorded for the same record
    (the OFAC non-SDN loader keeps them in `Entity.properties["subLists"]`).
    """
    list_id = listing.list_id.lower()
    if listing.sub_list == OWNERSHIP_SUB_LIST and list_id not in _OFFICIAL_LISTS:
        return frozenset({OWNED})
    if list_id in _OFFICIAL_LISTS:
        return frozenset({_OFFICIAL_LISTS[list_id]})
    if list_id in ("us-csl", "ofac-nonsdn"):
        named = {canonical_sub_list(s) for s in (listing.sub_list, *extra_sub_lists)}
        named.discard(None)
        if named:
            return frozenset(s for s in named if s)
        if list_id == "us-csl":
            return frozenset({CSL_OTHER})
        families = {
            family
            for program in listing.programs
            for pattern, family in _PROGRAMME_FAMILIES
            if pattern.search(program.strip())
        }
        for directive in directives:
            if directive.order == "13662":
                families.add(SSI)
            elif directive.number == "2":
                families.add(CAPTA)
            else:
                families.add(MBS)
        return frozenset(families or {NONSDN_OTHER})
    return frozenset({USER})


@dataclass(frozen=True, slots=True)
class ListingFacts:
    """Everything a rule condition or a reason template may look at."""

    entity: Entity
    families: frozenset[str]
    directives: frozenset[Directive]
    fragments: tuple[str, ...]
    dated_labels: dict[str, str]

    @classmethod
    def of(cls, entity: Entity) -> ListingFacts:
        fragments = source_fragments(entity)
        directives = find_directives(fragments)
        return cls(
            entity=entity,
            families=listing_families(
                entity.listing, directives, entity.properties.get("subLists", ())
            ),
            directives=directives,
            fragments=tuple(fragments),
            dated_labels=find_dated_labels(fragments),
        )

    @property
    def listing(self) -> Listing:
        return self.entity.listing

    @property
    def text(self) -> str:
        return " ; ".join(self.fragments)

    @property
    def is_person(self) -> bool:
        return self.entity.schema == "Person"

    @property
    def isins(self) -> list[str]:
        return self.entity.identifier_values(IdentifierType.ISIN)

    def has_directive(self, order: str, number: str | None = None) -> bool:
        return any(
            d.order == order and (number is None or d.number == number.upper())
            for d in self.directives
        )

    def dated(self, label: str) -> str | None:
        """The date the source gives for a label such as "Effective Date (CMIC)"."""
        wanted = label.lower()
        for key, value in self.dated_labels.items():
            if key.lower() == wanted:
                return value
        return None

    def derived_status(self, rule_id: str) -> str | None:
        """For a derived listing: "is" or "may be" owned as `rule_id` requires, else None."""
        if OWNED not in self.families:
            return None
        if rule_id in self.entity.properties.get("ownershipRules", ()):
            return "is"
        if rule_id in self.entity.properties.get("ownershipMayBe", ()):
            return "may be"
        return None

    def secondary_sanctions_note(self) -> str | None:
        for fragment in self.fragments:
            if fragment.lower().startswith(
                ("secondary sanctions risk", "alt. secondary sanctions")
            ):
                return fragment
        return None


def parse_iso(text: str | None, *, end: bool = False) -> date | None:
    """An ISO date of day, month or year precision; `end` picks the last day of the period.

    A listing dated only "2021" starts on 2021-01-01 (so it is not missed) and,
    as an end date, ends on 2021-12-31 (so it is not dropped early).
    """
    if not text:
        return None
    parts = text.strip()[:10].split("-")
    try:
        year = int(parts[0])
        if len(parts) >= 3:
            return date(year, int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            month = int(parts[1])
            if not end:
                return date(year, month, 1)
            next_month = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(next_month.toordinal() - 1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except (ValueError, IndexError):
        return None
