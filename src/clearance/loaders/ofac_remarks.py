"""Facts hidden in OFAC remark text, and the OFAC vocabulary shared by all OFAC formats.

SDN.CSV and CONS_PRIM.CSV carry most of what OFAC knows about a party as one
free-text `remarks` field: `DOB 10 Dec 1948; POB Cairo, Egypt; Passport 1084010
(Egypt); ISIN CNE100000PM8; a.k.a. 'BNC'; Linked To: HIZBALLAH.` Every item is a
label followed by a value. The labels are the names of OFAC's own "feature types"
and "ID document types", which the XML formats carry as typed fields; so the same
table (`RemarkFacts.add`) classifies remark items and XML features alike, and the
CSV and XML loaders produce the same entity for the same party.

Remark `a.k.a.`/`f.k.a.` names are OFAC's weak aliases (`NameKind.WEAK`). Items
the table does not know are kept in `RemarkFacts.unparsed` (and counted), never
dropped silently: the full text stays in `Entity.remarks` as well.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pycountry

from clearance.model import (
    Country,
    CountryRole,
    Entity,
    Identifier,
    IdentifierType,
    Name,
    NameKind,
    PartialDate,
    Relation,
    parse_partial_date,
)

T = IdentifierType

# fmt: off
# OFAC ID-document and feature labels that are identifiers, by the type they carry.
_ID_LABELS: dict[IdentifierType, tuple[str, ...]] = {
    T.PASSPORT: (
        "Passport", "Passport No.", "Diplomatic Passport", "Passport Booklet",
        "British National Overseas Passport", "Stateless Person Passport",
        "Travel Document Number",
    ),
    T.NATIONAL_ID: (
        "National ID No.", "Cedula No.", "D.N.I.", "C.U.R.P.", "C.U.R.P. #", "Personal ID Card",
        "Identification Number", "Kenyan ID No.", "Turkish Identification Number",
        "Bosnian Personal ID No.", "Moroccan Personal ID No.", "Citizen's Card Number",
        "CNP (Personal Numerical Code)", "Tazkira National ID Card", "National Foreign ID Number",
        "Numero de Identidad", "C.U.I.", "Credencial electoral", "I.F.E.", "Electoral Registry No.",
        "UAE Identification", "Refugee ID Card", "Stateless Person ID Card", "Residency Number",
        "Romanian Permanent Resident", "SSN", "C.I.N.", "N.I.E.", "LE Number",
        "Public Security and Immigration No.",
    ),
    T.TAX_ID: (
        "Tax ID No.", "NIT #", "R.F.C.", "R.F.C. #", "RFC", "RUC #", "RIF #", "C.U.I.T.",
        "US FEIN", "V.A.T. Number", "C.I.F.", "N.I.F.", "Italian Fiscal Code", "Fiscal Code",
        "Paraguayan tax identification number", "Numero Unico de Identificacao Tributaria (NUIT)",
        "Romanian Tax Registration", "RTN", "RSIN",
    ),
    T.REGISTRATION: (
        "Registration Number", "Registration ID", "Business Registration Number",
        "Business Registration Document #", "Company Number", "UK Company Number",
        "Commercial Registry Number", "C.R. No.", "Romanian C.R.", "Folio Mercantil No.",
        "Matricula Mercantil No", "Certificate of Incorporation Number",
        "Chamber of Commerce Number", "Istanbul Chamber of Comm. No.",
        "Dubai Chamber of Commerce Membership No.", "Trade License No.",
        "Public Registration Number", "Government Gazette Number",
        "Central Registration System Number", "Economic Register Number (CBLS)",
        "Enterprise Number", "Branch Unit Number", "Business Number", "License",
        "Registered Charity No.", "Organization Code", "Registration Certificate Number (Dubai)",
        "File Number", "MSB Registration Number", "Afghan Money Service Provider License Number",
        "Tourism License No.", "D-U-N-S Number", "Permit Number",
        "Russian State Individual Business Registration Number Pattern (OGRNIP)",
        "Aircraft Tail Number", "Previous Aircraft Tail Number",
    ),
    T.USCC: ("Unified Social Credit Code (USCC)", "United Social Credit Code Certificate (USCCC)"),
    T.LEI: ("Legal Entity Number",),
    T.SWIFT_BIC: ("SWIFT/BIC",),
    T.ISIN: ("ISIN",),
    T.TICKER: ("Equity Ticker", "MICEX Code"),
    T.IMO: ("Vessel Registration Identification",),
    T.MMSI: ("MMSI",),
    T.CALL_SIGN: ("Vessel Call Sign",),
    T.AIRCRAFT_SERIAL: (
        "Aircraft Manufacturer's Serial Number (MSN)", "Aircraft Serial Identification",
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
    ),
    T.EMAIL: ("Email Address", "Email"),
    T.WEBSITE: ("Website",),
    T.PHONE: (
        "Phone Number", "Phone", "Telephone", "Telephone No.", "Fax", "Fax No.", "Alt. Fax",
    ),
    T.OTHER: (
        "BIK (RU)", "Driver's License No.", "VisaNumberID", "Pilot License Number",
        "Cartilla de Servicio Militar Nacional", "Immigration No.", "Birth Certificate Number",
        "Military Registration Number", "Chinese Commercial Code", "Serial No.", "C.U.I.P.",
        "Aircraft Mode S Transponder Code", "UN/LOCODE", "SRE Permit No.", "Trademark number",
        "Global Intermediary Identification Number", "Seafarer's Identification Document",
    ),
}

# Every other label OFAC uses for a fact, with the kind of fact it is.
_FACT_LABELS: dict[str, str] = {
    "DOB": "dob", "Birthdate": "dob", "POB": "pob", "Place of Birth": "pob",
    "nationality": "nationality", "Nationality Country": "nationality",
    "citizen": "citizenship", "Citizenship Country": "citizenship",
    "Nationality of Registration": "registered_in", "Gender": "gender",
    "Linked To": "linked_to", "Additional Sanctions Information -": "secondary",
    "Secondary sanctions risk": "secondary", "Target Type": "target_type",
    "Issuer Name": "issuer", "Organization Established Date": "established",
    "Organization Type": "sector", "Former Vessel Flag": "past_flag",
    "Other Vessel Flag": "past_flag", "Vessel Flag": "flag", "Vessel Year of Build": "build_date",
    "Aircraft Manufacture Date": "build_date", "Other Vessel Type": "vessel_type",
    "Vessel Type": "vessel_type", "Vessel Tonnage": "tonnage", "VESSEL GRT": "grt",
    "Vessel Gross Registered Tonnage": "grt", "Vessel Owner": "owner", "Aircraft Model": "model",
    "Aircraft Operator": "operator", "Title": "title",
    "Executive Order 13662 Directive Determination -": "measure",
    "Executive Order 14024 Directive Information -": "measure",
    "Executive Order 14024 Directive Information": "measure",
    "Executive Order 14014 Directive Information": "measure",
    "Executive Order 14059 information": "measure", "Executive Order 13846 information": "measure",
    "CAATSA Section 235 Information": "measure", "IFCA Determination -": "measure",
    "PEESA Information": "measure",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions":
        "measure",
}
# fmt: on

_KIND_OF_LABEL: dict[str, str] = {k.casefold(): v for k, v in _FACT_LABELS.items()}
_ID_TYPE_OF_LABEL: dict[str, IdentifierType] = {
    label.casefold(): kind for kind, labels in _ID_LABELS.items() for label in labels
}
_ALL_LABELS = sorted({*_FACT_LABELS, *(x for xs in _ID_LABELS.values() for x in xs)}, key=len)
_LABEL = re.compile(
    r"^(?P<label>" + "|".join(re.escape(x) for x in reversed(_ALL_LABELS)) + r")(?:\s*:\s*|\s+)",
    re.IGNORECASE,
)
_ALT = re.compile(r"^alt\.\s+", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r";\s*")
_AKA = re.compile(r"^(?P<kind>[afn])\.k\.a\.,?\s+'?(?P<name>.*?)'?$", re.IGNORECASE)
_CRYPTO = re.compile(r"^Digital Currency Address - (?P<cur>[A-Za-z0-9]+)\s*:?\s+(?P<addr>\S+)$")
_LISTING_DATE = re.compile(
    r"^(?P<what>Listing|Effective|Purchase/Sales For Divestment) Date "
    r"\((?P<basis>[^)]+)\):?\s+(?P<date>.+)$",
    re.IGNORECASE,
)
_ID_VALUE = re.compile(
    r"^(?P<value>.+?)(?:\s*\((?P<country>[^()]+)\))?"
    r"(?:,?\s+issued\s+(?P<issued>.+?))?(?:,?\s+expires\s+(?P<expires>.+?))?$"
)
_GENERIC_ID = re.compile(r"^(?P<label>[A-Z][\w.'#/-]*(?: [\w.'#/-]+){0,6}?) (?P<rest>\S*\d.*)$")
_ISIN_IN_TEXT = re.compile(r"\bISIN:?\s+([A-Z]{2}[A-Z0-9]{9}[0-9])\b")
_ABBREVIATION_END = re.compile(r"(?:^|[\s.])[A-Za-z]\.[A-Za-z]\.$")
_YEAR_RANGE = re.compile(r"\b(\d{4})\s*-\s*(\d{4})\b")
_SPACES = re.compile(r"\s+")

# fmt: off
# OFAC's country spellings that pycountry does not carry as a name (OFAC's own
# country table, as the enhanced XML publishes it with ISO codes, plus older spellings).
_OFAC_COUNTRIES: dict[str, str | None] = {
    "bahamas, the": "BS", "brunei": "BN", "burma": "MM", "congo, republic of the": "CG",
    "congo, democratic republic of the": "CD", "cote d ivoire": "CI", "cote d'ivoire": "CI",
    "the gambia": "GM", "gambia, the": "GM", "korea, north": "KP", "korea, south": "KR",
    "north macedonia, the republic of": "MK", "macedonia": "MK", "russia": "RU",
    "turkey": "TR", "macau": "MO", "man, isle of": "IM", "palestinian": "PS",
    "palestinian authority": "PS", "gaza": "PS", "west bank": "PS", "northern gaza": "PS",
    "north gaza": "PS", "northern mali": "ML", "crimea": "UA", "iran": "IR", "syria": "SY",
    "laos": "LA",
    "vietnam": "VN", "venezuela": "VE", "bolivia": "BO", "tanzania": "TZ", "moldova": "MD",
    "taiwan": "TW", "kosovo": "XK", "czech republic": "CZ", "cape verde": "CV",
    "swaziland": "SZ", "vatican city": "VA", "micronesia, federated states of": "FM",
    "netherlands antilles": "AN", "virgin islands, british": "VG", "soviet union": "SU",
    "yugoslavia": "YU", "serbia and montenegro": "CS", "united kingdom": "GB", "u.k.": "GB",
    "united states": "US", "uae": "AE", "st. vincent and the grenadines": "VC",
    "st. kitts and nevis": "KN", "st. kitts & nevis": "KN", "st. lucia": "LC",
    "undetermined": None, "none identified": None,
}
# fmt: on


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", text).strip(" .").lower()


@functools.cache
def _country_index() -> dict[str, str | None]:
    index: dict[str, str | None] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            if value := getattr(country, attr, None):
                index[_fold(value)] = country.alpha_2
    index.update(_OFAC_COUNTRIES)
    return index


@functools.lru_cache(maxsize=4096)
def ofac_country_code(text: str | None) -> str | None:
    """ISO code for a country as OFAC spells it (`Region: Crimea`, `Cote d Ivoire`...).

    Exact names only: OFAC writes countries from a fixed table, and a fuzzy guess
    on a city or an acronym in parentheses would be wrong more often than right
    (and costs ~0.1 s a guess).
    """
    if not text:
        return None
    name = text.strip()
    if name.lower().startswith("region:"):
        name = name[7:].strip()
    return _country_index().get(_fold(name))


def _is_imo(value: str) -> bool:
    """IMO numbers carry a check digit; it tells an IMO from another 7-digit number."""
    if len(value) != 7 or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(value[6])


def _clean(value: str) -> str:
    return " ".join(value.split()).strip(";").strip()


_WHOLE_VALUE_TYPES = {T.PHONE, T.EMAIL, T.WEBSITE}
_COUNTRY_ROLES = {
    "nationality": CountryRole.NATIONALITY,
    "citizenship": CountryRole.CITIZENSHIP,
    "registered_in": CountryRole.JURISDICTION,
    "flag": CountryRole.FLAG,
}
_LIST_FIELDS = {
    "linked_to": "linked_to",
    "secondary": "secondary_sanctions",
    "target_type": "target_types",
    "issuer": "issuer_names",
    "title": "titles",
}
_PROPERTY_OF_KIND = {
    "sector": "sector",
    "past_flag": "pastFlags",
    "vessel_type": "type",
    "tonnage": "tonnage",
    "grt": "grossRegisteredTonnage",
    "owner": "owner",
    "model": "model",
    "operator": "operator",
}


@dataclass
class RemarkFacts:
    """What remark text (or an XML record) says about a party, typed."""

    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    secondary_sanctions: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)  # directives, CAATSA/EO menu measures
    target_types: list[str] = field(default_factory=list)
    issuer_names: list[str] = field(default_factory=list)
    established: list[PartialDate] = field(default_factory=list)
    # Directive and CMIC dates by what they date: {"listing": {"CMIC": "2021-06-03"}, ...}
    dates: dict[str, dict[str, str]] = field(default_factory=dict)
    properties: dict[str, list[str]] = field(default_factory=dict)  # FtM-style extras
    unresolved_countries: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)

    def _prop(self, key: str, value: str) -> None:
        values = self.properties.setdefault(key, [])
        if value and value not in values:
            values.append(value)

    def _country(self, text: str | None, role: CountryRole) -> bool:
        code = ofac_country_code(text)
        if code is None:
            if text:
                self.unresolved_countries.append(text)
            return False
        country = Country(code, role)
        if country not in self.countries:
            self.countries.append(country)
        return True

    def add_identifier(
        self, kind: IdentifierType, value: str, label: str, country: str | None
    ) -> bool:
        """Record an identifier of a known type; `country` is a name as OFAC writes it."""
        value = _clean(value)
        if not value:
            return False
        if kind is not T.ISIN and (m := re.match(r"^ISIN:?\s*(\S+)$", value)):
            kind, value = T.ISIN, m.group(1)  # "Identification Number ISIN: RU0009177331"
        if kind is T.IMO:
            bare = value.upper().removeprefix("IMO").strip()
            if _is_imo(bare):
                value = bare
            else:
                kind = T.REGISTRATION  # e.g. a Russian ship register number "RS 123456"
        code = ofac_country_code(country) if country else None
        if country and code is None:
            self.unresolved_countries.append(country)
        ident = Identifier(kind, value, code, label)
        if ident not in self.identifiers:
            self.identifiers.append(ident)
        return True

    def add(
        self,
        label: str,
        value: str,
        *,
        country: str | None = None,
        date: PartialDate | None = None,
    ) -> bool:
        """Record one labelled fact; False if the label is not one OFAC uses for a fact.

        `country` is the issuing country of a document, or the country a location
        feature points at; `date` a date the source already typed (XML formats).
        """
        return self._add(_clean(label).rstrip(":").strip(), _clean(value), country, date)

    def _add(self, label: str, value: str, country: str | None, date: PartialDate | None) -> bool:
        folded = label.casefold()
        if (kind_id := _ID_TYPE_OF_LABEL.get(folded)) is not None:
            return self.add_identifier(kind_id, value, label, country)
        if (kind := _KIND_OF_LABEL.get(folded)) is not None:
            return self._fact(kind, label, value, country, date)
        joined = f"{label} {value}".strip()
        if folded.startswith("digital currency") and (m := _CRYPTO.match(joined)):
            ident = Identifier(T.CRYPTO, m["addr"], None, label, m["cur"].upper())
            if ident not in self.identifiers:
                self.identifiers.append(ident)
            return True
        if "date (" in folded and (m := _LISTING_DATE.match(joined)):
            parsed = date or parse_partial_date(m["date"])
            if parsed is None:
                return False
            what = {"listing": "listing", "effective": "effective"}.get(
                m["what"].lower(), "divestment"
            )
            self.dates.setdefault(what, {})[_clean(m["basis"])] = parsed.value
            return True
        kind = _KIND_OF_LABEL.get(folded.rstrip(" -"))
        if kind is None:
            return False
        return self._fact(kind, label, value, country, date)

    def _fact(
        self, kind: str, label: str, value: str, country: str | None, date: PartialDate | None
    ) -> bool:
        if kind in ("dob", "established", "build_date"):
            if date is None and "-" in value:
                value = _YEAR_RANGE.sub(r"\1 to \2", value)  # "circa 1955-1960"
            parsed = date or parse_partial_date(value)
            if parsed is None:
                return False
            if kind == "dob":
                if parsed not in self.birth_dates:
                    self.birth_dates.append(parsed)
            elif kind == "established":
                self.established.append(parsed)
            else:
                self._prop("buildDate", str(parsed))
            return True
        if kind == "pob":
            if value and value not in self.birth_places:
                self.birth_places.append(value)
            place_country = country or (value.rsplit(",", 1)[-1] if value else None)
            code = ofac_country_code(place_country)
            if code and Country(code, CountryRole.BIRTH) not in self.countries:
                self.countries.append(Country(code, CountryRole.BIRTH))
            return bool(value or country)
        if kind in _COUNTRY_ROLES:
            return self._country(value or country, _COUNTRY_ROLES[kind])
        if kind == "gender":
            self.gender = value.lower() if value.lower() in ("male", "female") else value
            return True
        if kind in _LIST_FIELDS:
            values: list[str] = getattr(self, _LIST_FIELDS[kind])
            if value not in values:
                values.append(value)
            return bool(value)
        if kind == "measure":
            self.measures.append(f"{label} {value}".strip())
            return True
        self._prop(_PROPERTY_OF_KIND[kind], value)
        return True

    def add_item(self, item: str) -> None:
        """Classify one `; `-separated remark item written as OFAC writes them."""
        item = _clean(item)
        if item[:4].lower() == "alt.":
            item = _ALT.sub("", item)
        if not item:
            return
        if item[1:2] == "." and (m := _AKA.match(item)):
            name = m["name"].strip()
            if name and name not in self.weak_aliases:
                self.weak_aliases.append(name)
            return
        if (m := _LABEL.match(item)) is not None:
            label, rest = m["label"], item[m.end() :]
            id_type = _ID_TYPE_OF_LABEL.get(label.casefold())
            if id_type in _WHOLE_VALUE_TYPES:  # "(98)(21)(66153220)" is no country
                if self._add(label, rest, None, None):
                    return
            elif id_type is not None:
                parts = _ID_VALUE.match(rest)
                if parts and self._add(label, parts["value"].strip(), parts["country"], None):
                    return
            elif self._add(label, rest, None, None):
                return
        elif self._add(item.rstrip(":"), "", None, None):  # label and value fused: crypto, dates
            return
        # An ID type this table does not know yet, shaped "<Label> <number> (<Country>)".
        if (
            (m := _GENERIC_ID.match(item))
            and (parts := _ID_VALUE.match(m["rest"]))
            and parts["country"]
            and ofac_country_code(parts["country"])
        ):
            self.add_identifier(T.OTHER, parts["value"], m["label"], parts["country"])
            return
        self.unparsed.append(item)

    def count_into(self, stats: Counter[str]) -> None:
        """Add this record's facts to per-kind counters (`fact.<kind>`)."""
        stats["fact.birth_date"] += len(self.birth_dates)
        stats["fact.birth_place"] += len(self.birth_places)
        for country in self.countries:
            stats[f"fact.country.{country.role.value}"] += 1
        stats["fact.gender"] += self.gender is not None
        for ident in self.identifiers:
            stats[f"fact.id.{ident.type.value}"] += 1
        stats["fact.weak_alias"] += len(self.weak_aliases)
        stats["fact.linked_to"] += len(self.linked_to)
        stats["fact.secondary_sanctions"] += len(self.secondary_sanctions)
        stats["fact.measure"] += len(self.measures)
        stats["fact.target_type"] += len(self.target_types)
        stats["fact.issuer_name"] += len(self.issuer_names)
        stats["fact.established"] += len(self.established)
        for what, by_basis in self.dates.items():
            stats[f"fact.{what}_date"] += len(by_basis)
        stats["fact.unresolved_country"] += len(self.unresolved_countries)
        stats["fact.unparsed"] += len(self.unparsed)


def parse_ofac_remarks(text: str | None) -> RemarkFacts:
    """Turn an OFAC remarks field into typed facts (see the module docstring)."""
    facts = RemarkFacts()
    if not text or text.strip() == "-0-":
        return facts
    body = text.strip()
    if body.endswith(".") and not _ABBREVIATION_END.search(body):
        body = body[:-1]  # the full stop ending the remarks, unless it ends "S.A." etc.
    for item in _ITEM_SPLIT.split(body):
        facts.add_item(item)
    # ISINs identify themselves: make sure none is lost to an odd label.
    for isin in _ISIN_IN_TEXT.findall(text) if "ISIN" in text else ():
        facts.add_identifier(T.ISIN, isin, "ISIN", None)
    return facts


# Company facts: an organisation with these is a company in FollowTheMoney terms.
_COMPANY_ID_TYPES = {T.ISIN, T.TICKER, T.USCC, T.LEI, T.SWIFT_BIC}
_COMPANY_TARGET_TYPES = {
    "private company",
    "public company",
    "financial institution",
    "state-owned enterprise",
}


# OFAC relationship types (enhanced and advanced XML) as `Relation.kind`.
_RELATION_KINDS = {
    "associate of": "associate",
    "providing support to": "supports",
    "acting for or on behalf of": "acting_for",
    "owned or controlled by": "owned_by",
    "owns, controls, or operates": "owns",
    "family member of": "family",
    "playing a significant role in": "significant_role_in",
    "leader or official of": "leader_of",
    "principal executive officer": "principal_executive_of",
    "property in the interest of": "property_of",
}


def relation_kind(text: str | None) -> str:
    """`Relation.kind` for an OFAC relationship type; unknown ones in snake case."""
    folded = _clean(text or "").casefold()
    return _RELATION_KINDS.get(folded) or re.sub(r"\W+", "_", folded).strip("_") or "linked_to"


def is_company(facts: RemarkFacts) -> bool:
    """Securities, bank codes, company-register numbers or a company target type.

    Tax numbers alone are not enough: charities and ministries have them too.
    """
    if facts.issuer_names or any(t.lower() in _COMPANY_TARGET_TYPES for t in facts.target_types):
        return True
    return any(
        i.type in _COMPANY_ID_TYPES
        or (i.type is T.REGISTRATION and not (i.note or "").startswith(("Aircraft", "Previous")))
        for i in facts.identifiers
    )


def apply_remark_facts(entity: Entity, facts: RemarkFacts) -> None:
    """Copy facts onto an entity without duplicating what it already has."""
    for value in facts.birth_dates:
        if value not in entity.birth_dates:
            entity.birth_dates.append(value)
    for place in facts.birth_places:
        if place not in entity.birth_places:
            entity.birth_places.append(place)
    for country in facts.countries:
        if country not in entity.countries:
            entity.countries.append(country)
    if facts.gender and not entity.gender:
        entity.gender = facts.gender
    for ident in facts.identifiers:
        if ident not in entity.identifiers:
            entity.identifiers.append(ident)
    known = {(n.value, n.kind) for n in entity.names}
    for alias in facts.weak_aliases:
        if (alias, NameKind.WEAK) not in known:
            entity.names.append(Name(alias, NameKind.WEAK))
            known.add((alias, NameKind.WEAK))
    for target in facts.linked_to:
        relation = Relation("linked_to", target)
        if relation not in entity.relations:
            entity.relations.append(relation)
    for title in facts.titles:
        if title not in entity.titles:
            entity.titles.append(title)
    extras: dict[str, list[str]] = {
        **facts.properties,
        "secondarySanctions": facts.secondary_sanctions,
        "sanctionMeasures": facts.measures,
        "targetType": facts.target_types,
        "issuerName": facts.issuer_names,
        "incorporationDate": [str(d) for d in facts.established],
        "directiveDates": [
            f"{what} ({basis}): {value}"
            for what, by_basis in facts.dates.items()
            for basis, value in by_basis.items()
        ],
    }
    for key, values in extras.items():
        if values:
            existing = entity.properties.setdefault(key, [])
            existing.extend(v for v in values if v not in existing)


def listing_dates(facts: RemarkFacts) -> tuple[str | None, str | None, str | None]:
    """(listed_on, effective_on, divestment_on): CMIC dates first, else the earliest directive."""

    def pick(what: str) -> str | None:
        by_basis = facts.dates.get(what, {})
        if "CMIC" in by_basis:
            return by_basis["CMIC"]
        return min(by_basis.values(), default=None)

    return pick("listing"), pick("effective"), pick("divestment")
