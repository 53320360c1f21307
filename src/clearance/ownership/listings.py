"""Derived listings: the ownership lists in force, linked, aggregated, and explained.

`OwnershipView.build` takes the ownership lists in force on a date, ties their
parties to listed records (`linking`, kept per list versions in the store), marks
the listed owners of each ownership rule of the effect table (their own listings
in force that day), aggregates (`aggregation`), and turns every party a rule
reaches into an `Entity` on the pseudo-list `<ownership list>/OWNERSHIP`, whose
properties say which rules reach it and how ("60 % via B (SDN, programme X)").
The effect table does the rest, as for any listing, and never calls it listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import numpy as np

from clearance.effects import RULES
from clearance.effects.ownership_tests import OwnershipTest
from clearance.model import (
    OWNERSHIP_SUB_LIST,
    Country,
    Entity,
    Listing,
    Name,
    NameKind,
    Relation,
)
from clearance.ownership.aggregation import (
    INTEREST_CODES,
    Aggregation,
    OwnershipGraph,
    Regime,
)
from clearance.ownership.owners import OwnerListingFacts
from clearance.ownership.owners import owner_facts as find_owner_facts
from clearance.ownership.records import OwnershipEdge, OwnershipParty
from clearance.ownership.shares import percent_text
from clearance.ownership.storage import (
    Link,
    OwnershipVersion,
    ownership_lists_in_force,
    read_ownership_data,
    store_links,
    stored_links,
)

MAX_DEPTH = 4  # nested "itself blocked by ownership (…)" explanations
# OpenSanctions topics of a derived listing, by rule: linked to a sanctioned party, or to
# an export-controlled one.
RULE_TOPICS = {"bis-affiliates-rule": "export.control.linked"}
DEFAULT_TOPIC = "sanction.linked"


def ownership_rules() -> dict[str, OwnershipTest]:
    """The effect table's derived rows: rule id -> its ownership test."""
    return {rule.id: rule.ownership for rule in RULES if rule.ownership is not None}


class ListedParties(Protocol):
    """What the view needs of the store."""

    engine: Any

    def party(self, entity_id: str, as_of: date | str | None = None) -> list[Entity]: ...

    def parties(
        self, entity_ids: Iterable[str], as_of: date | str | None = None
    ) -> dict[str, list[Entity]]: ...

    def get_entity(self, entity_id: str, as_of: Any = None) -> Entity | None: ...


@dataclass(slots=True)
class Node:
    """One party of the graph: the parties of the files that are the same (one listed record,
    or one key of one file), and the listed party's records when linked."""

    name: str
    members: list[tuple[str, OwnershipParty]]  # (ownership list, party) it stands for
    link: Link | None = None
    listed: tuple[Entity, ...] = ()  # the listed party's records, when linked

    @property
    def entity_id(self) -> str | None:
        return self.link.entity_id if self.link else None

    @property
    def key(self) -> str:
        """ "entity:<listed party key>" or "<ownership list>:<party key>"."""
        if self.listed:
            return "entity:" + min(e.id for e in self.listed)
        list_id, party = self.members[0]
        return f"{list_id}:{party.key}"


@dataclass(frozen=True)
class Holding:
    """One direct holding as `clearance show` and the web page list it."""

    owner: str  # node key
    owned: str
    owner_name: str
    owned_name: str
    share: str
    interest: str
    start: str | None
    end: str | None
    source: str | None
    source_ref: str | None
    list_id: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "party"


@dataclass
class OwnershipView:
    """The ownership lists in force on one date, aggregated against the lists in force."""

    day: date
    versions: dict[str, OwnershipVersion]
    nodes: list[Node]
    edges: list[tuple[str, OwnershipEdge]]  # by graph position
    aggregation: Aggregation
    tests: dict[str, OwnershipTest]
    owner_facts: dict[str, dict[int, OwnerListingFacts]]  # rule id -> root node -> facts
    entities: dict[str, Entity] = field(default_factory=dict)  # derived listings by id
    node_of_entity: dict[str, int] = field(default_factory=dict)  # derived or linked id -> node
    entity_of_node: dict[int, str] = field(default_factory=dict)  # node -> its derived listing
    derived_matcher: Any = field(default=None, repr=False)  # built once, by screening.py

    # ------------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        store: ListedParties,
        matcher: Any,
        lists_key: str,
        day: date,
        lists: Iterable[str] | None = None,
    ) -> OwnershipView | None:
        """None when no ownership list is in force (or named in `lists`)."""
        from clearance.ownership.linking import link_parties

        versions = ownership_lists_in_force(store.engine, lists, day)
        if not versions:
            return None
        nodes: list[Node] = []
        by_listed: dict[str, int] = {}  # listed party key -> node: files meet there
        parties_of: dict[str, dict[str, int]] = {}  # ownership list -> party key -> node
        read: list[tuple[str, Any, dict[str, Link]]] = []
        for list_id, version in sorted(versions.items()):
            data = read_ownership_data(store.engine, version.id)
            links = stored_links(store.engine, version.id, lists_key)
            if links is None:
                made = link_parties(data.parties.values(), matcher, store)
                store_links(store.engine, version.id, lists_key, made)
                links = {link.party_key: link for link in made}
            read.append((list_id, data, links))
        # The listed parties the files name, all at once.
        linked = {link.entity_id for _, _, links in read for link in links.values()}
        listed_parties = store.parties(sorted(e for e in linked if e), day)
        for list_id, data, links in read:
            mine = parties_of.setdefault(list_id, {})
            for key, party in data.parties.items():
                link = links.get(key)
                listed = (
                    tuple(listed_parties.get(link.entity_id, ())) if link and link.entity_id else ()
                )
                number = None
                if listed:
                    meeting = min(e.id for e in listed)
                    number = by_listed.get(meeting)
                    if number is None:
                        number = by_listed[meeting] = len(nodes)
                        nodes.append(Node(party.name, [], link, listed))
                    nodes[number].members.append((list_id, party))
                else:
                    number = len(nodes)
                    nodes.append(Node(party.name, [(list_id, party)]))
                mine[key] = number
        iso = day.isoformat()
        owners: list[int] = []
        owneds: list[int] = []
        lows: list[float] = []
        highs: list[float] = []
        kinds: list[int] = []
        edges: list[tuple[str, OwnershipEdge]] = []
        seen: set[tuple[int, int, str, float, float, str | None]] = set()
        several = len(read) > 1  # the same holding in two files counts once
        for list_id, data, _ in read:
            mine = parties_of[list_id]
            for edge in data.edges:
                if (edge.start and edge.start > iso[: len(edge.start)]) or (
                    edge.end and edge.end < iso[: len(edge.end)]
                ):
                    continue  # not held on the day
                owner, owned = mine[edge.owner], mine[edge.owned]
                if owner == owned:
                    continue
                share = edge.share
                if several:
                    identity = (
                        owner,
                        owned,
                        edge.interest.value,
                        share.low,
                        share.high,
                        edge.start,
                    )
                    if identity in seen:
                        continue
                    seen.add(identity)
                owners.append(owner)
                owneds.append(owned)
                lows.append(share.low)
                highs.append(share.high)
                kinds.append(INTEREST_CODES[edge.interest])
                edges.append((list_id, edge))
        del read, seen
        graph = OwnershipGraph(
            len(nodes),
            np.array(owners, dtype=np.int64),
            np.array(owneds, dtype=np.int64),
            np.array(lows, dtype=np.float64),
            np.array(highs, dtype=np.float64),
            np.array(kinds, dtype=np.int64),
        )
        del owners, owneds, lows, highs, kinds
        tests = ownership_rules()
        owner_facts = find_owner_facts(nodes, tests, day)
        aggregation = Aggregation(
            graph,
            [Regime.of(rid, test) for rid, test in tests.items()],
            {rid: facts.keys() for rid, facts in owner_facts.items()},
        )
        aggregation.run()
        by_position: list[tuple[str, OwnershipEdge]] = [edges[0]] * len(edges) if edges else []
        for row, position in enumerate(graph.position):
            by_position[position] = edges[row]
        del edges
        view = cls(
            day,
            versions,
            nodes,
            by_position,
            aggregation,
            tests,
            owner_facts,
        )
        view._derive()
        return view

    # ------------------------------------------------------------------ explaining

    def name(self, node: int) -> str:
        found = self.nodes[node]
        if found.listed:
            return found.listed[0].caption
        return found.name

    def _lookthrough(
        self, node: int, rule_id: str, path: frozenset[int]
    ) -> dict[int, tuple[float, float]]:
        """Root owner -> the share of `node` it holds through the counted chain (low, high)."""
        if node in self.aggregation.roots[rule_id]:
            return {node: (100.0, 100.0)}
        if len(path) > 12:
            return {}
        held: dict[int, tuple[float, float]] = {}
        for c in self.aggregation.contributions(node, rule_id):
            if c.owner in path:
                continue
            for root, (low, high) in self._lookthrough(c.owner, rule_id, path | {node}).items():
                a, b = held.get(root, (0.0, 0.0))
                held[root] = (a + c.low * low / 100.0, b + c.high * high / 100.0)
        return held

    def describe(self, node: int, rule_id: str, depth: int = 0) -> str:
        """How `node` is reached under `rule_id`: "60 % via B (SDN, programme X); …"."""
        test = self.tests[rule_id]
        status = self.aggregation.status
        parts = []
        contributions = sorted(
            self.aggregation.contributions(node, rule_id), key=lambda c: (-c.high, c.owner)
        )
        for c in contributions:
            share = self.edges[c.position][1].share.label
            owner = self.name(c.owner)
            facts = self.owner_facts[rule_id].get(c.owner)
            if facts is not None and c.owner in self.aggregation.roots[rule_id]:
                parts.append(f"{share} via {owner} ({facts.label})")
                continue
            how = status(c.owner).get(rule_id)
            word = test.consequence if how == "is" else f"possibly {test.consequence}"
            inner = self.describe(c.owner, rule_id, depth + 1) if depth < MAX_DEPTH else "…"
            parts.append(f"{share} via {owner}, itself {word} by ownership ({inner})")
        text = "; ".join(parts)
        low, high = self.aggregation.held(node, rule_id)
        if len(parts) > 1:
            together = "in aggregate" if test.aggregates else "by one owner"
            text = f"{percent_text(low, high)} {together}: {text}"
        if depth == 0:
            direct = {c.owner for c in contributions}
            through = {
                r: v
                for r, v in self._lookthrough(node, rule_id, frozenset()).items()
                if r not in direct
            }
            if through:
                shares = ", ".join(
                    f"{self.name(r)} {percent_text(lo, hi)}"
                    for r, (lo, hi) in sorted(through.items(), key=lambda kv: -kv[1][1])
                )
                text += f" (look-through: {shares})"
        return text

    # ------------------------------------------------------------------ derived listings

    def _derive(self) -> None:
        reached = sorted(self.aggregation.reached().items())
        ids: dict[int, str] = {}
        for number, _ in reached:  # ids first: relations name owners reached later on
            list_id, party = self.nodes[number].members[0]
            entity_id = f"{list_id}:{_slug(party.key)}"
            while entity_id in self.node_of_entity:
                entity_id += "-"
            ids[number] = entity_id
            self.node_of_entity[entity_id] = number
            self.entity_of_node[number] = entity_id
        for number, statuses in reached:
            self.entities[ids[number]] = self._entity(number, ids[number], statuses)
            for record in self.nodes[number].listed:
                self.node_of_entity.setdefault(record.id, number)

    def _entity(self, number: int, entity_id: str, statuses: Mapping[str, str]) -> Entity:
        node = self.nodes[number]
        list_id, party = node.members[0]
        properties: dict[str, list[str]] = {
            "ownershipRules": sorted(r for r, s in statuses.items() if s == "is"),
            "ownershipMayBe": sorted(r for r, s in statuses.items() if s == "may be"),
            "ownershipList": sorted({m[0] for m in node.members}),
        }
        requirement = policy = None
        for rule_id in statuses:
            text = self.describe(number, rule_id)
            if node.listed:
                text = f"{text} (the party is itself listed as {node.listed[0].id})"
            properties[f"ownership:{rule_id}"] = [text]
            roots = self._lookthrough(number, rule_id, frozenset())
            programs: dict[str, None] = {}
            for root in roots:
                facts = self.owner_facts[rule_id][root]
                programs.update(dict.fromkeys(facts.programs))
                requirement = requirement or facts.requirement
                policy = policy or facts.policy
            properties[f"ownershipPrograms:{rule_id}"] = list(programs)
        if node.entity_id:
            properties["linkedEntity"] = [node.entity_id]
        properties["topics"] = sorted({RULE_TOPICS.get(r, DEFAULT_TOPIC) for r in statuses})
        notes = [
            f"{self.tests[r].name}: not listed; {'may be ' if s == 'may be' else ''}"
            f"{self.tests[r].consequence} by ownership: {properties[f'ownership:{r}'][0]}"
            for r, s in sorted(statuses.items())
        ]
        names = [Name(node.name, NameKind.PRIMARY)]
        for _, member in node.members[1:]:
            if member.name not in {n.value for n in names}:
                names.append(Name(member.name, NameKind.ALIAS))
        identifiers = list(dict.fromkeys(i for _, m in node.members for i in m.identifiers))
        owner_nodes = {
            c.owner: None
            for rule_id in statuses
            for c in self.aggregation.contributions(number, rule_id)
        }
        relations = [
            Relation("owned_by", self.name(owner), self._entity_ref(owner)) for owner in owner_nodes
        ]
        return Entity(
            id=entity_id,
            schema=party.schema if party.schema != "LegalEntity" else "Company",
            listing=Listing(
                list_id,
                OWNERSHIP_SUB_LIST,
                license_requirement=requirement,
                license_policy=policy,
            ),
            names=names,
            countries=[Country(party.country)] if party.country else [],
            identifiers=identifiers,
            relations=relations,
            remarks="; ".join(notes),
            properties=properties,
            source_ref=party.source_ref,
        )

    def _entity_ref(self, node: int) -> str | None:
        found = self.nodes[node]
        if found.listed:
            return found.listed[0].id
        return self.entity_of_node.get(node)

    # ------------------------------------------------------------------ looking up

    def node_for(self, entity_id: str) -> int | None:
        """The node of a derived listing, or of a listed record some ownership file names."""
        number = self.node_of_entity.get(entity_id)
        if number is not None:
            return number
        for number, node in enumerate(self.nodes):
            if any(e.id == entity_id for e in node.listed):
                return number
        return None

    def _holding(self, position: int) -> Holding:
        list_id, edge = self.edges[position]
        graph = self.aggregation.graph
        owner, owned = graph.owner[position], graph.owned[position]
        return Holding(
            self.nodes[owner].key,
            self.nodes[owned].key,
            self.name(owner),
            self.name(owned),
            edge.share.label,
            edge.interest.value,
            edge.start,
            edge.end,
            edge.source,
            edge.source_ref,
            list_id,
        )

    def owners_of(self, node: int) -> list[Holding]:
        graph = self.aggregation.graph
        return [self._holding(p) for p in graph.in_edges(node) if graph.alive[p]]

    def holdings_of(self, node: int) -> list[Holding]:
        graph = self.aggregation.graph
        return [self._holding(p) for p in graph.out_edges(node) if graph.alive[p]]

    def chain(self, node: int, limit: int = 40) -> tuple[list[int], list[int]]:
        """The node, its owners up the counted chains and its direct holdings: (nodes, edges)."""
        graph = self.aggregation.graph
        seen = [node]
        positions: list[int] = []
        todo = [node]
        while todo and len(seen) < limit:
            current = todo.pop(0)
            for pos in graph.in_edges(current):
                if not graph.alive[pos]:
                    continue
                positions.append(pos)
                if graph.owner[pos] not in seen:
                    seen.append(graph.owner[pos])
                    todo.append(graph.owner[pos])
        for pos in graph.out_edges(node):
            if graph.alive[pos] and len(seen) < limit:
                positions.append(pos)
                if graph.owned[pos] not in seen:
                    seen.append(graph.owned[pos])
        return seen, list(dict.fromkeys(positions))

    def statuses(self, node: int) -> dict[str, str]:
        return self.aggregation.status(node)
