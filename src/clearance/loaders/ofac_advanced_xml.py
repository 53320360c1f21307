"""OFAC's SDN_ADVANCED.XML: the SDN list in the UN-style "advanced" data model.

Highly normalised: reference tables (feature types, alias types, countries...),
locations and ID documents are listed once and pointed to by ID from each
`DistinctParty`; programmes and listing dates live in `SanctionsEntries`.
We resolve the pointers, then feed every feature and document to the same
`RemarkFacts` table the CSV loader uses, so a party loads the same either way.

Entity ids are `ofac-sdn:<FixedRef>` (FixedRef is the CSV's ent_num). The
publication date is the file's `DateOfIssue`. Real files carry the party type in
`PartySubTypeValues`; files without reference tables (such as cut-down samples)
fall back to OFAC's fixed sub-type ids (1 vessel, 2 aircraft, 3 entity,
4 individual), and a party with no type at all is an Organization.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from pathlib import Path

from lxml import etree

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_fields import with_derived_names
from clearance.loaders.ofac_remarks import (
    RemarkFacts,
    apply_remark_facts,
    is_company,
    ofac_country_code,
    relation_kind,
)
from clearance.loaders.result import LoadResult
from clearance.loaders.safe_xml import parse_xml
from clearance.model import (
    Address,
    Country,
    CountryRole,
    Entity,
    IdentifierType,
    Listing,
    Name,
    NameKind,
    PartialDate,
    Relation,
)

LIST_ID = "ofac-sdn"
_FIXED_SUB_TYPES = {"1": "Vessel", "2": "Airplane", "3": "Organization", "4": "Person"}
_PART_ORDER = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "POSTAL CODE")
_LATIN_SCRIPTS = {None, "", "Latn", "Latin"}

Ref = dict[str, dict[str, etree._Element]]  # reference table name -> ID -> element


class _Doc:
    def __init__(self, root: etree._Element, name: str):
        self.name = name
        self.uri = etree.QName(root).namespace

    def q(self, path: str) -> str:
        if not self.uri:
            return path
        return "/".join(f"{{{self.uri}}}{step}" for step in path.split("/"))

    def all(self, element: etree._Element, path: str) -> list[etree._Element]:
        return list(element.iterfind(self.q(path)))

    def one(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(self.q(path))

    def fail(self, element: etree._Element, where: str, message: str) -> ListFormatError:
        return ListFormatError(self.name, message, line=element.sourceline, element=where)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def load_ofac_sdn_advanced_xml(path: Path) -> LoadResult:
    """Load SDN_ADVANCED.XML as list `ofac-sdn`."""
    root = parse_xml(path, path.name)
    doc = _Doc(root, path.name)
    if _local(root) != "Sanctions":
        raise doc.fail(root, _local(root), "expected root element <Sanctions> of SDN_ADVANCED.XML")
    parties = doc.one(root, "DistinctParties")
    if parties is None:
        raise doc.fail(root, "Sanctions/DistinctParties", "no <DistinctParties> element")
    refs = _reference_values(doc, root)
    locations = _locations(doc, root, refs)
    documents = _documents(doc, root, refs)
    entries = _sanctions_entries(doc, root, refs)
    stats: Counter[str] = Counter()
    warnings: list[str] = []
    by_profile: dict[str, Entity] = {}
    seen: set[str] = set()
    for party in doc.all(parties, "DistinctParty"):
        profile_id, entity = _party(doc, party, refs, locations, documents, entries, stats)
        if entity.id in seen:
            raise doc.fail(
                party, f"DistinctParty[@FixedRef={entity.source_id}]", "FixedRef repeats"
            )
        seen.add(entity.id)
        by_profile[profile_id] = entity
    _relationships(doc, root, refs, by_profile, stats)
    published = _date_of_issue(doc, root)
    if published is None:
        warnings.append(f"{path.name}: no readable DateOfIssue; publication date unknown")
    stats["entities"] = len(by_profile)
    return LoadResult(LIST_ID, list(by_profile.values()), published, warnings, dict(stats))


def _ymd(doc: _Doc, element: etree._Element | None) -> tuple[int, int, int] | None:
    """Year/Month/Day as attributes (some files) or child elements (OFAC's)."""
    if element is None:
        return None
    parts = []
    for key in ("Year", "Month", "Day"):
        value = element.get(key) or _text(doc.one(element, key))
        if value is None or not value.isdigit():
            return None
        parts.append(int(value))
    return parts[0], parts[1], parts[2]


def _iso(ymd: tuple[int, int, int]) -> str:
    return f"{ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d}"


def _date_of_issue(doc: _Doc, root: etree._Element) -> str | None:
    ymd = _ymd(doc, doc.one(root, "DateOfIssue"))
    return _iso(ymd) if ymd else None


def _date_period(doc: _Doc, period: etree._Element) -> PartialDate | None:
    """A `DatePeriod` as a partial date: OFAC writes "1960" as 1960-01-01..1960-12-31."""
    start, end = doc.one(period, "Start"), doc.one(period, "End")
    low = _ymd(doc, doc.one(start, "From")) if start is not None else None
    if low is None:
        return None
    high = None
    for element, step in ((end, "To"), (end, "From"), (start, "To")):
        if element is not None and high is None:
            high = _ymd(doc, doc.one(element, step))
    high = high or low
    circa = any(x is not None and x.get("Approximate") == "true" for x in (start, end))
    if low == high:
        return PartialDate(_iso(low), circa)
    whole_years = low[1:] == (1, 1) and high[1:] == (12, 31)
    if whole_years:
        if low[0] == high[0]:
            return PartialDate(f"{low[0]:04d}", circa)
        return PartialDate(f"{low[0]:04d}", circa, f"{high[0]:04d}")
    last_day = calendar.monthrange(high[0], high[1])[1]
    if low[:2] == high[:2] and low[2] == 1 and high[2] == last_day:
        return PartialDate(f"{low[0]:04d}-{low[1]:02d}", circa)
    return PartialDate(_iso(low), circa, _iso(high))


def _reference_values(doc: _Doc, root: etree._Element) -> Ref:
    refs: Ref = defaultdict(dict)
    sets = doc.one(root, "ReferenceValueSets")
    if sets is None:
        return refs
    for value_set in sets:
        if not isinstance(value_set.tag, str):
            continue
        for item in value_set:
            if isinstance(item.tag, str) and item.get("ID"):
                refs[_local(item)][item.get("ID", "")] = item
    return refs


def _ref_text(refs: Ref, table: str, ref_id: str | None) -> str | None:
    element = refs.get(table, {}).get(ref_id or "")
    return _text(element) if element is not None else None


def _country_name(refs: Ref, country_id: str | None) -> str | None:
    element = refs.get("Country", {}).get(country_id or "")
    if element is None:
        return None
    return _text(element) or element.get("ISO2")


def _locations(doc: _Doc, root: etree._Element, refs: Ref) -> dict[str, tuple[str, str | None]]:
    """Location ID -> (text, country as the file names it)."""
    found: dict[str, tuple[str, str | None]] = {}
    locations = doc.one(root, "Locations")
    if locations is None:
        return found
    for loc in doc.all(locations, "Location"):
        country_el = doc.one(loc, "LocationCountry")
        country = (
            _country_name(refs, country_el.get("CountryID")) if country_el is not None else None
        )
        parts: dict[str, str] = {}
        for part in doc.all(loc, "LocationPart"):
            kind = (_ref_text(refs, "LocPartType", part.get("LocPartTypeID")) or "").upper()
            value = _text(doc.one(part, "LocationPartValue/Value"))
            if value:
                parts[kind] = value
        ordered = [parts.pop(k) for k in _PART_ORDER if k in parts] + list(parts.values())
        found[loc.get("ID", "")] = (", ".join(ordered), country)
    return found


def _documents(
    doc: _Doc, root: etree._Element, refs: Ref
) -> dict[str, list[tuple[str, str, str | None]]]:
    """Identity ID -> [(document type, number, issuing country)]."""
    found: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    documents = doc.one(root, "IDRegDocuments")
    if documents is None:
        return found
    for document in doc.all(documents, "IDRegDocument"):
        number = _text(doc.one(document, "IDRegistrationNo"))
        if not number:
            continue
        label = _ref_text(refs, "IDRegDocType", document.get("IDRegDocTypeID")) or "ID document"
        issued_by = doc.one(document, "IssuedBy")
        country_id = document.get("IssuedBy-CountryID") or (
            issued_by.get("CountryID") if issued_by is not None else None
        )
        country = _country_name(refs, country_id)
        found[document.get("IdentityID", "")].append((label, number, country))
    return found


def _sanctions_entries(
    doc: _Doc, root: etree._Element, refs: Ref
) -> dict[str, dict[str, list[str]]]:
    """Profile ID -> {"programs", "listed", "lists", "legal"}."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    entries = doc.one(root, "SanctionsEntries")
    if entries is None:
        return found
    for entry in doc.all(entries, "SanctionsEntry"):
        info = found[entry.get("ProfileID", "")]
        if list_name := _ref_text(refs, "List", entry.get("ListID")):
            info["lists"].append(list_name)
        for event in doc.all(entry, "EntryEvent"):
            if ymd := _ymd(doc, doc.one(event, "Date")):
                info["listed"].append(_iso(ymd))
            if basis := _ref_text(refs, "LegalBasis", event.get("LegalBasisID")):
                info["legal"].append(basis)
        for measure in doc.all(entry, "SanctionsMeasure"):
            sanctions_type = _ref_text(refs, "SanctionsType", measure.get("SanctionsTypeID"))
            comment = _text(doc.one(measure, "Comment"))
            if comment and sanctions_type in (None, "Program"):
                info["programs"].append(comment)
    return found


def _schema(refs: Ref, profile: etree._Element, facts: RemarkFacts, stats: Counter[str]) -> str:
    sub_type_id = profile.get("PartySubTypeID")
    sub_type = refs.get("PartySubType", {}).get(sub_type_id or "")
    if sub_type is None:
        fixed = _FIXED_SUB_TYPES.get(sub_type_id or "")
        if fixed is None:
            stats["party_type_unknown"] += 1
        elif fixed != "Organization":
            return fixed
    else:
        text = (_text(sub_type) or "").lower()
        if text in ("vessel", "aircraft"):
            return "Vessel" if text == "vessel" else "Airplane"
        party_type_id = sub_type.get("PartyTypeID")
        party_type = (_ref_text(refs, "PartyType", party_type_id) or "").lower()
        if party_type == "individual" or (not party_type and party_type_id == "1"):
            return "Person"
    return "Company" if is_company(facts) else "Organization"


def _alias_names(doc: _Doc, alias: etree._Element, refs: Ref, groups: dict[str, str]) -> list[Name]:
    alias_type = (_ref_text(refs, "AliasType", alias.get("AliasTypeID")) or "").upper()
    if alias.get("Primary") == "true":
        kind = NameKind.PRIMARY
    elif alias.get("LowQuality") == "true":
        kind = NameKind.WEAK
    elif alias_type == "F.K.A.":
        kind = NameKind.FORMER
    else:
        kind = NameKind.ALIAS
    names = []
    for documented in doc.all(alias, "DocumentedName"):
        parts: dict[str, list[str]] = defaultdict(list)
        ordered: list[str] = []
        script = None
        for value_el in doc.all(documented, "DocumentedNamePart/NamePartValue"):
            value = _text(value_el)
            if not value:
                continue
            parts[groups.get(value_el.get("NamePartGroupID", ""), "")].append(value)
            ordered.append(value)
            script_el = refs.get("Script", {}).get(value_el.get("ScriptID", ""))
            script = script_el.get("ScriptCode") if script_el is not None else None
        if not ordered:
            continue
        last = " ".join(parts.pop("Last Name", []))
        first = " ".join(parts.pop("First Name", []))
        middle = " ".join(parts.pop("Middle Name", []))
        if last and (first or middle):
            rest = " ".join(p for p in (first, middle, *(" ".join(v) for v in parts.values())) if p)
            value = f"{last}, {rest}"
        else:
            value = " ".join(ordered)
        latin = script in _LATIN_SCRIPTS
        names.append(
            Name(
                value,
                kind if latin or kind is not NameKind.PRIMARY else NameKind.ALIAS,
                first_name=first or None,
                middle_name=middle or None,
                last_name=last or None,
                script=None if latin else script,
            )
        )
    return names


def _party(
    doc: _Doc,
    party: etree._Element,
    refs: Ref,
    locations: dict[str, tuple[str, str | None]],
    documents: dict[str, list[tuple[str, str, str | None]]],
    entries: dict[str, dict[str, list[str]]],
    stats: Counter[str],
) -> tuple[str, Entity]:
    """(profile ID, entity) of one DistinctParty."""
    fixed_ref = (party.get("FixedRef") or "").strip()
    where = f"DistinctParty[@FixedRef={fixed_ref or '?'}]"
    if not fixed_ref.isdigit():
        raise doc.fail(party, where, f"FixedRef must be a number, found {party.get('FixedRef')!r}")
    profile = doc.one(party, "Profile")
    if profile is None:
        raise doc.fail(party, f"{where}/Profile", "party without a <Profile>")
    profile_id = profile.get("ID") or fixed_ref
    names: list[Name] = []
    facts = RemarkFacts()
    addresses: list[Address] = []
    for identity in doc.all(profile, "Identity"):
        groups = {
            g.get("ID", ""): _ref_text(refs, "NamePartType", g.get("NamePartTypeID")) or ""
            for g in doc.all(identity, "NamePartGroups/MasterNamePartGroup/NamePartGroup")
        }
        for alias in doc.all(identity, "Alias"):
            names.extend(n for n in _alias_names(doc, alias, refs, groups) if n not in names)
        for doc_type, number, issuer in documents.get(identity.get("ID", ""), []):
            if not facts.add(doc_type, number, country=issuer):
                facts.add_identifier(IdentifierType.OTHER, number, doc_type, issuer)
    if not any(n.kind is NameKind.PRIMARY for n in names):
        raise doc.fail(profile, f"{where}/Profile/Identity", "party without a primary name")
    for feature in doc.all(profile, "Feature"):
        label = _ref_text(refs, "FeatureType", feature.get("FeatureTypeID"))
        for version in doc.all(feature, "FeatureVersion"):
            _feature_version(doc, refs, label, version, locations, facts, addresses)
    facts.count_into(stats)
    info = entries.get(profile_id, {})
    schema = _schema(refs, profile, facts, stats)
    stats[f"schema.{schema}"] += 1
    entity = Entity(
        id=f"{LIST_ID}:{fixed_ref}",
        schema=schema,
        listing=Listing(
            LIST_ID,
            programs=tuple(dict.fromkeys(info.get("programs", []))),
            listed_on=min(info.get("listed", []), default=None),
            legal_basis=tuple(dict.fromkeys(info.get("legal", []))),
        ),
        names=names,
        addresses=addresses,
        remarks=_text(doc.one(party, "Comment")),
        refs=[f"ofac:{fixed_ref}"],
        source_ref=f"{doc.name} DistinctParty FixedRef={fixed_ref} line {party.sourceline}",
        raw={"xml": etree.tostring(party, encoding="unicode")},
    )
    for address in addresses:
        if (
            address.country
            and Country(address.country, CountryRole.ADDRESS) not in entity.countries
        ):
            entity.countries.append(Country(address.country, CountryRole.ADDRESS))
    apply_remark_facts(entity, facts)
    entity.names = with_derived_names(entity.names, person=schema == "Person", invert=True)
    return profile_id, entity


def _feature_version(
    doc: _Doc,
    refs: Ref,
    label: str | None,
    version: etree._Element,
    locations: dict[str, tuple[str, str | None]],
    facts: RemarkFacts,
    addresses: list[Address],
) -> None:
    detail = doc.one(version, "VersionDetail")
    value = _text(detail) or ""
    if detail is not None and not value:
        value = _ref_text(refs, "DetailReference", detail.get("DetailReferenceID")) or ""
    period = doc.one(version, "DatePeriod")
    date = _date_period(doc, period) if period is not None else None
    location = doc.one(version, "VersionLocation")
    country = None
    if location is not None:
        text, country = locations.get(location.get("LocationID", ""), ("", None))
        if (label or "").lower() in ("location", "address"):
            if text or country:
                full = ", ".join(p for p in (text, country) if p)
                addresses.append(Address(full, country=ofac_country_code(country)))
            return
        value = value or ", ".join(p for p in (text, country) if p)
    if label is None:
        facts.unparsed.append(f"feature {version.get('ID')}: {value}")
        return
    if value or date or country:
        if date is not None and not value:
            value = str(date)
        if not facts.add(label, value, country=country, date=date):
            facts.unparsed.append(f"{label}: {value}")


def _relationships(
    doc: _Doc, root: etree._Element, refs: Ref, by_profile: dict[str, Entity], stats: Counter[str]
) -> None:
    relations = doc.one(root, "ProfileRelationships")
    if relations is None:
        return
    for rel in doc.all(relations, "ProfileRelationship"):
        source = by_profile.get(rel.get("From-ProfileID", ""))
        target = by_profile.get(rel.get("To-ProfileID", ""))
        if source is None or target is None:
            stats["relationship_dangling"] += 1
            continue
        kind = relation_kind(_ref_text(refs, "RelationType", rel.get("RelationTypeID")))
        source.relations.append(Relation(kind, target.caption, target.id))
