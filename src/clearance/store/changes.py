"""What changed between two versions of a list, fact by fact.

Two records of one id differ as bytes whenever the file moved them (another line,
another element number) or re-spelt a row the loader does not read (an empty
address row of OFAC's). An analyst asks what the list now says that it did not
say before: names, identifiers, dates, programmes, listings. So records are
compared on their facts, and a record whose facts are unchanged is counted as
moved, not shown as changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clearance.store.list_store import ListStore, ListVersion

# Where a record sits in the file and the source's own spelling of it: not facts.
NOT_FACTS = frozenset({"id", "source_ref", "raw"})

# The kinds of fact a change is grouped by, in the order a diff shows them.
KINDS = {
    "names": "names",
    "identifiers": "identifiers",
    "birth_dates": "birth dates",
    "birth_places": "birth places",
    "programs": "programmes",
    "listing_dates": "listing dates",
    "legal_basis": "legal basis",
    "listing": "listing terms",
    "countries": "countries",
    "addresses": "addresses",
    "relations": "relations",
    "schema": "type",
    "gender": "gender",
    "titles": "titles",
    "remarks": "remarks",
    "properties": "other properties",
    "refs": "cross-list references",
}
_LISTING_DATES = ("listed_on", "effective_on", "divestment_on", "end_on")


def _item(kind: str, value: Any) -> str:
    """One value of a fact, as an analyst reads it."""
    if not isinstance(value, dict):
        return str(value)
    if kind == "names":
        return str(value.get("value", ""))
    if kind == "addresses":
        return str(value.get("full", ""))
    if kind == "countries":
        return f"{value.get('code')} ({value.get('role')})"
    if kind == "identifiers":
        return f"{value.get('type')} {value.get('value')}"
    if kind == "birth_dates":
        return str(value.get("value", ""))
    if kind == "relations":
        return f"{value.get('kind')} {value.get('target_name')}"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def facts_of(record: dict[str, Any]) -> dict[str, Any]:
    """A stored record's facts by kind (`KINDS`), without where it sits in the file."""
    listing = dict(record.get("listing") or {})
    facts = {k: v for k, v in record.items() if k not in NOT_FACTS and k != "listing"}
    facts["programs"] = list(listing.pop("programs", None) or [])
    facts["legal_basis"] = list(listing.pop("legal_basis", None) or [])
    facts["listing_dates"] = {k: listing.pop(k, None) for k in _LISTING_DATES}
    facts["listing"] = listing
    return facts


def _values(kind: str, value: Any) -> list[str]:
    if isinstance(value, list):
        return [_item(kind, item) for item in value]
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in sorted(value.items()) if v not in (None, "", [], {})]
    return [] if value in (None, "") else [str(value)]


def _canonical(value: Any) -> Any:
    """A fact compared without its order: a list of values is a set of facts."""
    if isinstance(value, list):
        return sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in value)
    return value


def fact_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Per kind of fact that differs: the values it lost and the values it gained."""
    before, after = facts_of(old), facts_of(new)
    changes: dict[str, dict[str, list[str]]] = {}
    for kind in sorted(set(before) | set(after), key=lambda k: list(KINDS).index(k)):
        if _canonical(before.get(kind)) == _canonical(after.get(kind)):
            continue  # equal, or the same values in another order: the list says the same
        lost, gained = _values(kind, before.get(kind)), _values(kind, after.get(kind))
        removed = [v for v in lost if v not in gained]
        added = [v for v in gained if v not in lost]
        if not removed and not added:  # the same values, repeated a different number of times
            removed, added = lost, gained
        changes[kind] = {"removed": removed, "added": added}
    return changes


@dataclass
class EntityChange:
    """One record whose facts changed: which kinds (`fields`), and what was lost and gained."""

    entity_id: str
    fields: list[str]
    details: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def to_dict(self, name: str | None = None) -> dict[str, Any]:
        return {"id": self.entity_id, "name": name, "kinds": self.fields, "changes": self.details}


@dataclass
class ListDiff:
    """Records added, removed and changed in their facts between two versions of a list."""

    list_id: str
    from_version: ListVersion | None
    to_version: ListVersion
    added: list[str]
    removed: list[str]
    changed: list[EntityChange]
    moved: int = 0  # records whose bytes changed but not their facts (not in `changed`)
    names: dict[str, str] = field(default_factory=dict)  # record id -> its caption

    def by_kind(self) -> dict[str, list[EntityChange]]:
        """The changed records under each kind of fact they changed (one may be under several)."""
        groups: dict[str, list[EntityChange]] = {kind: [] for kind in KINDS}
        for change in self.changed:
            for kind in change.fields:
                groups[kind].append(change)
        return {kind: found for kind, found in groups.items() if found}

    def to_dict(self) -> dict[str, Any]:
        def version(v: ListVersion | None) -> dict[str, Any] | None:
            if v is None:
                return None
            return {"version": v.number, "load_id": v.id, "date": v.effective_date.isoformat()}

        def named(ids: list[str]) -> list[dict[str, Any]]:
            return [{"id": i, "name": self.names.get(i)} for i in ids]

        return {
            "list": self.list_id,
            "from": version(self.from_version),
            "to": version(self.to_version),
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "moved_only": self.moved,
                "by_kind": {kind: len(found) for kind, found in self.by_kind().items()},
            },
            "added": named(self.added),
            "removed": named(self.removed),
            "changed": [c.to_dict(self.names.get(c.entity_id)) for c in self.changed],
        }


def compare_versions(
    store: ListStore,
    from_version: ListVersion | None,
    to_version: ListVersion,
    *,
    with_names: bool = False,
) -> ListDiff:
    """Records added, removed and changed in their facts from one version to another.

    A record counts as changed only when its facts changed (`fact_changes`); one that
    only moved in the file is counted in `moved`. `with_names` adds every record's
    caption, for people to read.
    """
    before = store.version_hashes([from_version.id]) if from_version else {}
    after = store.version_hashes([to_version.id])
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    differing = sorted(i for i in set(before) & set(after) if before[i] != after[i])
    wanted = {before[i] for i in differing} | {after[i] for i in differing}
    if with_names:
        wanted |= {after[i] for i in added} | {before[i] for i in removed}
    records = store.records_by_hash(wanted)
    changes: list[EntityChange] = []
    moved = 0
    for record_id in differing:
        details = fact_changes(records[before[record_id]], records[after[record_id]])
        if details:
            changes.append(EntityChange(record_id, list(details), details))
        else:
            moved += 1
    names: dict[str, str] = {}
    if with_names:
        for ids, hashes in ((added, after), (removed, before), (differing, after)):
            for record_id in ids:
                names[record_id] = _caption(records[hashes[record_id]])
    return ListDiff(
        to_version.list_id, from_version, to_version, added, removed, changes, moved, names
    )


def _caption(record: dict[str, Any]) -> str:
    """A stored record's caption without building the entity: its primary name."""
    names = record.get("names") or []
    for name in names:
        if name.get("kind", "primary") == "primary":
            return str(name["value"])
    return str(names[0]["value"]) if names else str(record.get("id", ""))
