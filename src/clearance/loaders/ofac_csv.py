"""OFAC's legacy CSV files: SDN.CSV / CONS_PRIM.CSV plus their ALT, ADD and COMMENTS files.

The SDN list and the consolidated non-SDN lists share one format (see
`shared/lists/README.md`): a headerless 12-column primary file, companion files
joined on `ent_num`, `-0- ` for null, a Ctrl-Z end-of-file marker. One private
loader serves both; only the list id and the sub-list logic differ.

Choices made here:
- Entity ids are `<list-id>:<ent_num>`, refs `["ofac:<ent_num>"]`.
- Schema: individual -> Person, vessel -> Vessel, aircraft -> Airplane; a null type
  is Organization, or Company when the remarks show company facts (a company
  register number, ISIN, ticker, USCC, LEI, SWIFT/BIC, an issuer name or a
  company "Target Type"; see `ofac_remarks.is_company`).
- Remarks longer than OFAC's 1,000-character field continue in the comments
  file; a continuation is joined only to a remark that is cut at that length.
  Companion rows whose ent_num has no primary row (files of different dates) are
  counted and reported as warnings, never fatal.
- ofac-sdn entities get no sub_list; ofac-nonsdn ones get NS-CMIC, SSI, NS-MBS,
  CAPTA, NS-PLC, FSE or NS-ISA from their programmes and remarks (all of them in
  `properties["subLists"]` when there are several). The CSV cannot tell an SSI
  entry that is also NS-MBS (the enhanced XML can): it shows as SSI only.
- Vessel columns: call sign -> `Identifier(CALL_SIGN)`, flag -> `Country(FLAG)`,
  type / tonnage / GRT / owner -> `properties` `type`, `tonnage`,
  `grossRegisteredTonnage`, `owner` (FollowTheMoney's names).
"""

from __future__ import annotations

import gc
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clearance.loaders.errors import ListFormatError
from clearance.loaders.name_fields import with_derived_names
from clearance.loaders.ofac_remarks import (
    RemarkFacts,
    apply_remark_facts,
    is_company,
    listing_dates,
    ofac_country_code,
    parse_ofac_remarks,
)
from clearance.loaders.result import LoadResult
from clearance.loaders.source_files import decode_text, iter_csv_records, read_source
from clearance.model import (
    Address,
    Country,
    CountryRole,
    Entity,
    Identifier,
    IdentifierType,
    Listing,
    Name,
    NameKind,
    Relation,
)

# fmt: off
PRIMARY_COLUMNS = (
    "ent_num", "name", "type", "programs", "title", "call_sign", "vessel_type", "tonnage",
    "grt", "vessel_flag", "vessel_owner", "remarks",
)
# fmt: on
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "remarks")
COMMENT_COLUMNS = ("ent_num", "remarks")

EOF_MARKER = "\x1a"
REMARK_FIELD_LIMIT = 1000  # OFAC cuts remarks here and continues them in the comments file
_SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
_ALT_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}
_EXAMPLES = 5

# Non-SDN sub-lists in the order the first one found becomes `Listing.sub_list`.
_MBS_PROGRAMS = {"CAATSA - RUSSIA", "BURMA-EO14014", "ILLICIT-DRUGS-EO14059"}
# EO 14024 directive remarks are not a sign of NS-MBS: SDN-blocked SSI entries carry
# them as well, and the CSV does not say which entries are also SDN (the enhanced
# XML does). So an SSI entry that is NS-MBS too is reported as SSI only.
_MBS_REMARKS = re.compile(
    r"CAATSA Section 235|Executive Order 14014 Directive|Executive Order 14059 information",
    re.IGNORECASE,
)
_CAPTA_REMARKS = re.compile(r"correspondent account or a payable-through account", re.I)

Rows = dict[str, list[tuple[int, list[str]]]]


def load_ofac_sdn_csv(
    sdn: Path, alt: Path | None = None, add: Path | None = None, comments: Path | None = None
) -> LoadResult:
    """Load SDN.CSV (+ ALT.CSV, ADD.CSV, SDN_COMMENTS.CSV) as list `ofac-sdn`."""
    return _load_ofac_csv("ofac-sdn", sdn, alt, add, comments)


def load_ofac_nonsdn_csv(
    prim: Path, alt: Path | None = None, add: Path | None = None, comments: Path | None = None
) -> LoadResult:
    """Load CONS_PRIM.CSV (+ CONS_ALT, CONS_ADD, CONS_COMMENTS) as list `ofac-nonsdn`."""
    return _load_ofac_csv("ofac-nonsdn", prim, alt, add, comments)


def _value(field: str) -> str | None:
    """The field's text, or None for OFAC's `-0-` null."""
    text = field.strip()
    return None if not text or text == "-0-" else text


def _read(path: Path, columns: int, *, marker_required: bool) -> list[tuple[int, list[str]]]:
    """Records of one file; the Ctrl-Z marker is demanded of primary files only.

    Some real companion files lack the marker, so for them it is optional.
    """
    text = decode_text(read_source(path), path.name)
    marker: str | None = EOF_MARKER
    if not marker_required and not text.rstrip("\r\n ").endswith(EOF_MARKER):
        marker = None
    return list(iter_csv_records(text, path.name, columns=columns, eof_marker=marker))


def _ent_num(field: str, file: str, line: int) -> str:
    value = field.strip()
    if not value.isdigit():
        raise ListFormatError(file, f"ent_num must be a number, found {field!r}", line=line)
    return value


def _read_companion(
    path: Path | None,
    columns: tuple[str, ...],
    primary: dict[str, tuple[int, list[str]]],
    primary_name: str,
    stats: Counter[str],
    warnings: list[str],
    key: str,
) -> Rows:
    """Rows of a companion file by ent_num; rows without a primary row are counted."""
    by_ent: Rows = defaultdict(list)
    if path is None:
        return by_ent
    orphans: dict[str, int] = {}
    name = path.name
    for line, fields in _read(path, len(columns), marker_required=False):
        ent = _ent_num(fields[0], name, line)
        stats[f"{key}_rows"] += 1
        if ent in primary:
            by_ent[ent].append((line, fields))
        else:
            orphans[ent] = orphans.get(ent, 0) + 1
    if orphans:
        rows = sum(orphans.values())
        stats[f"orphan_{key}_rows"] = rows
        stats[f"orphan_{key}_ent_nums"] = len(orphans)
        examples = ", ".join(list(orphans)[:_EXAMPLES])
        warnings.append(
            f"{path.name}: {rows} rows for {len(orphans)} ent_nums that have no row in "
            f"{primary_name} (e.g. {examples}); ignored - are the files from different dates?"
        )
    return by_ent


def _names(raw_name: str, kind: NameKind, person: bool) -> Name:
    """People are written `LAST, First`; keep the text as written and split the parts."""
    if person and ", " in raw_name:
        last, first = raw_name.split(", ", 1)
        return Name(raw_name, kind, first_name=first.strip(), last_name=last.strip())
    return Name(raw_name, kind)


def _nonsdn_sub_lists(programs: tuple[str, ...], remarks: str) -> list[str]:
    """Which consolidated non-SDN list(s) a record is on, from programme and remarks."""
    progs = set(programs)
    found: list[str] = []
    if any(p.startswith("CMIC") for p in progs):
        found.append("NS-CMIC")
    if "UKRAINE-EO13662" in progs:
        found.append("SSI")
    if (
        progs & _MBS_PROGRAMS
        or ("RUSSIA-EO14024" in progs and "UKRAINE-EO13662" not in progs)
        or _MBS_REMARKS.search(remarks)
    ):
        found.append("NS-MBS")
    if "561-Related" in progs or _CAPTA_REMARKS.search(remarks):
        found.append("CAPTA")
    if "NS-PLC" in progs:
        found.append("NS-PLC")
    if any(p.startswith("FSE") for p in progs):
        found.append("FSE")
    if "ISA" in progs or "NS-ISA" in progs:
        found.append("NS-ISA")
    return found


def _vessel_fields(entity: Entity, fields: list[str], stats: Counter[str]) -> None:
    call_sign, vessel_type, tonnage, grt, flag, owner = (_value(f) for f in fields[5:11])
    if call_sign:
        entity.identifiers.append(
            Identifier(IdentifierType.CALL_SIGN, call_sign, note="Vessel Call Sign")
        )
    for key, value in (
        ("type", vessel_type),
        ("tonnage", tonnage),
        ("grossRegisteredTonnage", grt),
        ("owner", owner),
    ):
        if value:
            entity.properties[key] = [value]
    if flag:
        entity.properties["flag"] = [flag]
        if code := ofac_country_code(flag):
            entity.countries.append(Country(code, CountryRole.FLAG))
        else:
            stats["unresolved_flag"] += 1


def _address(fields: list[str]) -> Address | None:
    street, city, country = (_value(f) for f in fields[2:5])
    parts = [p for p in (street, city, country) if p]
    if not parts:
        return None
    return Address(
        full=", ".join(parts), street=street, city=city, country=ofac_country_code(country)
    )


def _join_remarks(
    ent: str, field: str, comments: Rows, stats: Counter[str], stale: list[str]
) -> str | None:
    """The whole remark: the primary field plus its continuation, compared unstripped.

    A field cut at the limit may end in a space that belongs between two words.
    """
    remarks = None if _value(field) is None else field
    continuation = "".join(f[1] for _, f in comments.get(ent, []) if _value(f[1]))
    if remarks is None or len(remarks) < REMARK_FIELD_LIMIT:
        if continuation:
            stale.append(ent)  # this remark is complete: the continuation is of another version
        return remarks.strip() if remarks else None
    if continuation:
        stats["remarks_continued"] += 1
        return (remarks + continuation).strip()
    stats["remarks_truncated"] += 1
    return remarks.strip()


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building ~100,000 small objects.

    None of them forms a cycle, yet every few thousand allocations the collector
    walks them all again: that alone costs a third of the load time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_ofac_csv(
    list_id: str, prim: Path, alt: Path | None, add: Path | None, comments: Path | None
) -> LoadResult:
    with _without_cyclic_gc():
        return _load_records(list_id, prim, alt, add, comments)


def _load_records(
    list_id: str, prim: Path, alt: Path | None, add: Path | None, comments: Path | None
) -> LoadResult:
    stats: Counter[str] = Counter()
    warnings: list[str] = []
    primary: dict[str, tuple[int, list[str]]] = {}
    name = prim.name
    for line, fields in _read(prim, len(PRIMARY_COLUMNS), marker_required=True):
        ent = _ent_num(fields[0], name, line)
        if ent in primary:
            raise ListFormatError(
                prim.name, f"ent_num {ent} repeats the row on line {primary[ent][0]}", line=line
            )
        kind = (_value(fields[2]) or "").lower()
        if kind and kind not in _SCHEMAS:
            raise ListFormatError(
                prim.name,
                f"type must be individual, vessel, aircraft or -0-, found {fields[2]!r}",
                line=line,
            )
        if not _value(fields[1]):
            raise ListFormatError(prim.name, f"ent_num {ent} has no name", line=line)
        primary[ent] = (line, fields)
    if not primary:
        raise ListFormatError(prim.name, "no records before the end-of-file marker")

    alts = _read_companion(alt, ALT_COLUMNS, primary, prim.name, stats, warnings, "alt")
    adds = _read_companion(add, ADD_COLUMNS, primary, prim.name, stats, warnings, "add")
    notes = _read_companion(
        comments, COMMENT_COLUMNS, primary, prim.name, stats, warnings, "comment"
    )

    entities: list[Entity] = []
    stale: list[str] = []
    for ent, (line, fields) in primary.items():
        remarks = _join_remarks(ent, fields[11], notes, stats, stale)
        facts = parse_ofac_remarks(remarks)
        facts.count_into(stats)
        entity = _build_entity(list_id, prim.name, ent, line, fields, remarks, facts, stats)
        for alt_line, alt_fields in alts.get(ent, []):
            entity.names.append(_alt_name(alt_fields, entity.schema == "Person", alt, alt_line))
        person = entity.schema == "Person"
        entity.names = with_derived_names(entity.names, person=person, invert=True)
        for _, add_fields in adds.get(ent, []):
            if (address := _address(add_fields)) is None:
                stats["add_rows_empty"] += 1
                continue
            entity.addresses.append(address)
            if address.country and Country(address.country, CountryRole.ADDRESS) not in (
                entity.countries
            ):
                entity.countries.append(Country(address.country, CountryRole.ADDRESS))
        entity.raw = {
            "row": dict(zip(PRIMARY_COLUMNS, fields, strict=True)),
            "alt": [dict(zip(ALT_COLUMNS, f, strict=True)) for _, f in alts.get(ent, [])],
            "add": [dict(zip(ADD_COLUMNS, f, strict=True)) for _, f in adds.get(ent, [])],
            "comments": [f[1] for _, f in notes.get(ent, [])],
        }
        stats[f"schema.{entity.schema}"] += 1
        entities.append(entity)

    _resolve_links(entities, stats)
    _summarise(prim.name, comments, stale, stats, warnings)
    stats["entities"] = len(entities)
    return LoadResult(list_id, entities, None, warnings, dict(stats))


def _build_entity(
    list_id: str,
    file: str,
    ent: str,
    line: int,
    fields: list[str],
    remarks: str | None,
    facts: RemarkFacts,
    stats: Counter[str],
) -> Entity:
    kind = (_value(fields[2]) or "").lower()
    schema = _SCHEMAS.get(kind) or ("Company" if is_company(facts) else "Organization")
    programs = tuple(
        p.strip() for p in (_value(fields[3]) or "").strip("[]").split("] [") if p.strip()
    )
    listed_on = effective_on = divestment_on = None
    sub_lists: list[str] = []
    if list_id == "ofac-nonsdn":
        sub_lists = _nonsdn_sub_lists(programs, remarks or "")
        listed_on, effective_on, divestment_on = listing_dates(facts)
    entity = Entity(
        id=f"{list_id}:{ent}",
        schema=schema,
        listing=Listing(
            list_id,
            sub_list=sub_lists[0] if sub_lists else None,
            programs=programs,
            listed_on=listed_on,
            effective_on=effective_on,
            divestment_on=divestment_on,
        ),
        names=[_names(_value(fields[1]) or "", NameKind.PRIMARY, schema == "Person")],
        remarks=remarks,
        refs=[f"ofac:{ent}"],
        source_ref=f"{file} line {line}",
    )
    if len(sub_lists) > 1:
        entity.properties["subLists"] = sub_lists
    if title := _value(fields[4]):
        entity.titles.append(title)
    _vessel_fields(entity, fields, stats)
    apply_remark_facts(entity, facts)
    return entity


def _alt_name(fields: list[str], person: bool, path: Path | None, line: int) -> Name:
    alt_type = (_value(fields[2]) or "").lower().replace(".", "")
    name = _value(fields[3])
    file = path.name if path else "alt"
    if alt_type not in _ALT_KINDS:
        raise ListFormatError(
            file, f"alias type must be aka, fka or nka, found {fields[2]!r}", line=line
        )
    if name is None:
        raise ListFormatError(file, "alias row without a name", line=line)
    kind = _ALT_KINDS[alt_type]
    note = (_value(fields[4]) or "").lower()
    if "weak" in note or "low quality" in note:
        kind = NameKind.WEAK
    return _names(name, kind, person)


def _resolve_links(entities: list[Entity], stats: Counter[str]) -> None:
    """Point `Linked To: NAME` at the entity of that primary name when it is unique."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for entity in entities:
        by_name[entity.caption.casefold().rstrip(".")].append(entity.id)
    for entity in entities:
        if not entity.relations:
            continue
        resolved = []
        for relation in entity.relations:
            ids = by_name.get(relation.target_name.casefold().rstrip("."), [])
            if len(ids) == 1 and relation.target_id is None:
                relation = Relation(relation.kind, relation.target_name, ids[0])
                stats["links_resolved"] += 1
            resolved.append(relation)
        entity.relations = resolved


def _summarise(
    primary: str, comments: Path | None, stale: list[str], stats: Counter[str], warnings: list[str]
) -> None:
    if stale and comments is not None:
        stats["comment_rows_stale"] = len(stale)
        warnings.append(
            f"{comments.name}: {len(stale)} continuations belong to remarks that are complete "
            f"in {primary} (e.g. {', '.join(stale[:_EXAMPLES])}); not joined - files of "
            "different dates?"
        )
    if stats["remarks_truncated"]:
        where = comments.name if comments else "the comments file (not given)"
        warnings.append(
            f"{primary}: {stats['remarks_truncated']} remarks are cut at {REMARK_FIELD_LIMIT} "
            f"characters and have no continuation in {where}"
        )
