"""Our hits and entities in yente's (FollowTheMoney) wire shapes, and yente queries in ours.

Rendering reuses `export_ftm`, so an entity looks the same over HTTP as in an
FtM export; only the id stays ours (`ofac-sdn:123`) so `/entities/{id}` and the
CLI name records alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clearance.loaders.ftm_json import export_ftm
from clearance.model import OWNERSHIP_SUB_LIST, Entity
from clearance.model.text import is_blank_name

# FtM schemas a query may use, and what the matcher is told (None: any type).
MATCHABLE_SCHEMAS: dict[str, str | None] = {
    "Thing": None,
    "LegalEntity": None,
    "Person": "Person",
    "Organization": "Organization",
    "Company": "Organization",
    "PublicBody": "Organization",
    "Vessel": "Vessel",
    "Airplane": "Airplane",
}
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
COUNTRY_PROPS = ("nationality", "citizenship", "jurisdiction", "country", "mainCountry")
ID_PROPS = (
    "idNumber",
    "registrationNumber",
    "passportNumber",
    "taxNumber",
    "imoNumber",
    "mmsi",
    "leiCode",
    "innCode",
    "ogrnCode",
    "swiftBic",
    "isin",
    "vatCode",
    "uniqueEntityId",
    "serialNumber",
    "registrationNumber",
    "icaoCode",
)
# OpenSanctions topics of our lists: all sanctions, the BIS lists export controls. The
# Consolidated Screening List carries both: its parts say which ("us-csl/EL", "us-csl/SDN").
LIST_TOPICS: dict[str, tuple[str, ...]] = {
    "bis-dpl": ("export.control",),
    "us-csl": ("sanction", "export.control"),
}
EXPORT_CONTROL_PARTS = frozenset({"EL", "DPL", "UVL", "MEU", "DTC"})  # BIS lists; ITAR debarred


class QueryError(ValueError):
    """A query the API cannot run; the message says which field and why (422)."""


def topics_of(lists: Iterable[str]) -> set[str]:
    """Topics of listings named as results name them: "un-sc", "us-csl/EL", "us-csl/SDN"."""
    found: set[str] = set()
    for name in lists:
        list_id, _, part = name.partition("/")
        if part and list_id == "us-csl":
            found.add("export.control" if part in EXPORT_CONTROL_PARTS else "sanction")
        else:
            found.update(LIST_TOPICS.get(list_id, ("sanction",)))
    return found


def hit_topics(hit: Any) -> set[str]:
    """A hit's topics: its lists' ("sanction", "export.control"), and a derived listing's own
    ("sanction.linked", "export.control.linked") when ownership reaches the party."""
    found = topics_of(n for n in hit.lists if not n.endswith(f"/{OWNERSHIP_SUB_LIST}"))
    for record in getattr(hit, "party", ()) or (hit.entity,):
        if record.listing.sub_list == OWNERSHIP_SUB_LIST:
            found.update(record.properties.get("topics", ()))
    return found


@dataclass
class MatchQuery:
    """A yente example entity, read into `Screener.check` arguments."""

    schema: str
    names: list[str]
    country: str | None = None
    birth_date: str | None = None
    identifiers: list[str] = field(default_factory=list)
    echo: dict[str, Any] = field(default_factory=dict)

    @property
    def matcher_schema(self) -> str | None:
        return MATCHABLE_SCHEMAS[self.schema]


def _strings(props: dict[str, Any], name: str, key: str) -> list[str]:
    value = props.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise QueryError(f"query {key!r}: property {name!r} must be a list of strings")
    return [v.strip() for v in value if not is_blank_name(v)]


def read_query(key: str, example: Any) -> MatchQuery:
    """One entry of `queries`; raises QueryError naming the key and the problem."""
    if not isinstance(example, dict):
        raise QueryError(f"query {key!r} must be an object with 'schema' and 'properties'")
    schema = example.get("schema")
    if schema not in MATCHABLE_SCHEMAS:
        raise QueryError(
            f"query {key!r}: unknown or unmatchable schema {schema!r}; "
            f"use one of {', '.join(MATCHABLE_SCHEMAS)}"
        )
    props = example.get("properties", {})
    if not isinstance(props, dict):
        raise QueryError(f"query {key!r}: 'properties' must be an object")
    names: list[str] = []
    for prop in NAME_PROPS:
        names.extend(_strings(props, prop, key))
    if not names:
        parts = [" ".join(_strings(props, p, key)) for p in ("firstName", "middleName", "lastName")]
        joined = " ".join(p for p in parts if p)
        if joined:
            names.append(joined)
    if not names:
        raise QueryError(f"query {key!r}: give at least one 'name' property")
    countries = [c for p in COUNTRY_PROPS for c in _strings(props, p, key)]
    births = _strings(props, "birthDate", key) + _strings(props, "incorporationDate", key)
    identifiers = list(dict.fromkeys(i for p in ID_PROPS for i in _strings(props, p, key)))
    echo = {"schema": schema, "properties": {k: v for k, v in props.items()}}
    if isinstance(example.get("id"), str):
        echo["id"] = example["id"]
    return MatchQuery(
        schema=schema,
        names=list(dict.fromkeys(names))[:5],
        country=countries[0] if countries else None,
        birth_date=births[0] if births else None,
        identifiers=identifiers,
        echo=echo,
    )


def ftm_entity(entity: Entity, datasets: Sequence[str] | None = None) -> dict[str, Any]:
    """The entity as yente renders it: id, caption, schema, properties, datasets."""
    thing = next(iter(export_ftm([entity])))
    return {
        "id": entity.id,
        "caption": thing.get("caption") or entity.caption,
        "schema": thing["schema"],
        "properties": thing["properties"],
        "datasets": list(datasets) if datasets else [entity.list_id],
        "referents": [],
        "target": True,
    }


def ftm_entity_nested(entity: Entity, party: Sequence[Entity]) -> dict[str, Any]:
    """`/entities/{id}`: the entity, its party's other records as referents, and its sanctions."""
    lists = list(dict.fromkeys([entity.list_id] + [e.list_id for e in party]))
    data = ftm_entity(entity, lists)
    data["referents"] = [e.id for e in party if e.id != entity.id]
    sanctions = []
    for record in [entity, *[e for e in party if e.id != entity.id]]:
        for item in export_ftm([record]):
            if item["schema"] == "Sanction":
                sanctions.append(
                    {
                        "id": item["id"],
                        "caption": record.listing.list_id,
                        "schema": "Sanction",
                        "properties": item["properties"],
                        "datasets": [record.list_id],
                    }
                )
    data["properties"] = {**data["properties"], "sanctions": sanctions}
    return data


def scored_entity(hit: Any, threshold: float) -> dict[str, Any]:
    """A `ScreeningHit` as a yente `ScoredEntity`, with our explanation and effects added."""
    data = ftm_entity(hit.entity, hit.lists)
    data["score"] = round(hit.score, 4)
    data["match"] = hit.score >= threshold
    data["explanations"] = {
        "name": {
            "score": round(hit.score, 4),
            "detail": "; ".join(hit.explanation),
            "query": None,
            "candidate": hit.matched_name,
        }
    }
    data["effects"] = [e.to_dict() for e in hit.effects]
    topics = sorted(hit_topics(hit))
    if topics:
        data["properties"] = {**data["properties"], "topics": topics}
    return data
