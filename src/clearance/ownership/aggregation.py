"""Who is reached by the 50 % rules: aggregation over an ownership graph, full or incremental.

For each rule (`Regime`, read from a row of the effect table) a party is reached
when the listed parties of that rule, and the parties already reached, hold enough
of it: their direct shares are added up (per listed owner where the rule does not
aggregate, as in the UK), and the sum is compared with the threshold. A reached
party is an owner in its turn, so a 50 %-owned blocked subsidiary passes the block
on to its own holdings, while a holding through a party that is *not* reached does
not count (OFAC's 2014 guidance). This is a least fixed point: it is found by a
work list from the listed owners outwards, visits each (party, owner group) once,
and ends on cycles.

Shares are ranges: one pass counts every edge at its minimum (what the facts
prove), one at its maximum (what they allow); a party only the second reaches *may
be* covered. An update of some edges (or of the listed owners) recomputes only the
parties downstream of what changed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np

from clearance.effects.ownership_tests import OwnershipTest
from clearance.ownership.records import Interest

EPSILON = 1e-9  # float sums of 30 + 20 must reach 50
INTEREST_CODES = {Interest.SHARES: 0, Interest.VOTES: 1, Interest.CONTROL: 2}
_KEYS = 4  # sum keys: owner group * _KEYS + interest code


@dataclass(frozen=True)
class Regime:
    """One ownership rule as the aggregation needs it."""

    id: str  # the effect rule id: "ofac-50-percent"
    threshold: float
    strict: bool
    aggregates: bool
    interests: tuple[bool, bool, bool]  # counted, by interest code

    @classmethod
    def of(cls, rule_id: str, test: OwnershipTest) -> Regime:
        counted = {INTEREST_CODES[Interest(i)] for i in test.interests}
        return cls(
            rule_id,
            test.threshold,
            test.strict,
            test.aggregates,
            (0 in counted, 1 in counted, 2 in counted),
        )

    def passes(self, value: float) -> bool:
        if self.strict:
            return value > self.threshold + EPSILON
        return value >= self.threshold - EPSILON


@dataclass(frozen=True)
class EdgeRow:
    """One edge to add: node ids, share band, interest code."""

    owner: int
    owned: int
    low: float
    high: float
    interest: int = 0


class OwnershipGraph:
    """Nodes 0..n-1 and edges in compressed rows by owner (out) and by owned (in).

    The hot loop reads plain Python lists (fastest for one edge at a time); edges
    added later go to an overlay, removed ones are marked dead, so an update never
    rebuilds the arrays.
    """

    def __init__(
        self,
        n_nodes: int,
        owner: np.ndarray,
        owned: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
        interest: np.ndarray,
    ) -> None:
        order = np.argsort(owner, kind="stable")
        self.n_base = n_nodes
        self.n_nodes = n_nodes
        counts = np.bincount(owner, minlength=n_nodes) if len(owner) else np.zeros(n_nodes, int)
        self.out_ptr: list[int] = np.concatenate(([0], np.cumsum(counts))).tolist()
        self.owner: list[int] = owner[order].tolist()
        self.owned: list[int] = owned[order].tolist()
        self.low: list[float] = low[order].tolist()
        self.high: list[float] = high[order].tolist()
        self.interest: list[int] = interest[order].tolist()
        self.alive = bytearray(b"\x01") * len(order)
        # edge as given (row number) -> position in the lists above
        self.position: list[int] = np.argsort(order, kind="stable").tolist()
        owned_sorted = owned[order]
        by_owned = np.argsort(owned_sorted, kind="stable")
        in_counts = (
            np.bincount(owned_sorted, minlength=n_nodes) if len(owned) else np.zeros(n_nodes, int)
        )
        self.in_ptr: list[int] = np.concatenate(([0], np.cumsum(in_counts))).tolist()
        self.in_pos: list[int] = by_owned.tolist()
        self.extra_out: dict[int, list[int]] = {}
        self.extra_in: dict[int, list[int]] = {}

    @classmethod
    def from_rows(cls, n_nodes: int, rows: Iterable[EdgeRow]) -> OwnershipGraph:
        items = list(rows)
        return cls(
            n_nodes,
            np.fromiter((r.owner for r in items), np.int64, len(items)),
            np.fromiter((r.owned for r in items), np.int64, len(items)),
            np.fromiter((r.low for r in items), np.float64, len(items)),
            np.fromiter((r.high for r in items), np.float64, len(items)),
            np.fromiter((r.interest for r in items), np.int64, len(items)),
        )

    @property
    def edge_count(self) -> int:
        return len(self.owner)

    def add_edge(self, row: EdgeRow) -> int:
        """Append an edge to the overlay; returns its position."""
        pos = len(self.owner)
        self.owner.append(row.owner)
        self.owned.append(row.owned)
        self.low.append(row.low)
        self.high.append(row.high)
        self.interest.append(row.interest)
        self.alive.append(1)
        self.position.append(pos)
        self.extra_out.setdefault(row.owner, []).append(pos)
        self.extra_in.setdefault(row.owned, []).append(pos)
        return pos

    def out_edges(self, node: int) -> Iterator[int]:
        if node < self.n_base:
            base: Iterable[int] = range(self.out_ptr[node], self.out_ptr[node + 1])
        else:
            base = ()
        return chain(base, self.extra_out.get(node, ()))

    def in_edges(self, node: int) -> Iterator[int]:
        if node < self.n_base:
            base: Iterable[int] = self.in_pos[self.in_ptr[node] : self.in_ptr[node + 1]]
        else:
            base = ()
        return chain(base, self.extra_in.get(node, ()))


@dataclass
class _Pass:
    """One regime counted at one end of the share ranges."""

    regime: Regime
    values: list[float]  # the graph's `low` or `high`
    qual: dict[int, set[int]] = field(default_factory=dict)  # node -> owner groups reaching it
    sums: dict[int, dict[int, float]] = field(default_factory=dict)  # node -> key -> per cent


@dataclass(frozen=True)
class Contribution:
    """One direct holding that counts towards a party's aggregate under one regime."""

    position: int  # the edge's position in the graph
    owner: int
    low: float
    high: float
    certain: bool  # the owner is reached (or listed) at the minimum, not only the maximum


@dataclass
class UpdateReport:
    recomputed: int  # nodes whose aggregates were computed again
    changed: set[int]  # nodes whose status under some regime changed


class Aggregation:
    """Every regime's minimum and maximum pass over one graph, with their listed owners."""

    def __init__(
        self,
        graph: OwnershipGraph,
        regimes: Iterable[Regime],
        roots: Mapping[str, Iterable[int]],
    ) -> None:
        self.graph = graph
        self.regimes = {r.id: r for r in regimes}
        self.roots: dict[str, set[int]] = {rid: set(roots.get(rid, ())) for rid in self.regimes}
        self._journal: dict[tuple[int, int], set[int] | None] | None = None
        self.passes: dict[tuple[str, bool], _Pass] = {
            (rid, minimum): _Pass(regime, graph.low if minimum else graph.high)
            for rid, regime in self.regimes.items()
            for minimum in (True, False)
        }

    # ------------------------------------------------------------------ computing

    def _group(self, regime: Regime, root: int) -> int:
        return 0 if regime.aggregates else root + 1

    def _add(self, p: _Pass, node: int, group: int, pos: int) -> bool:
        """Count one holding; True when it makes `node` reached by `group`."""
        key = group * _KEYS + self.graph.interest[pos]
        sums = p.sums.get(node)
        if sums is None:
            sums = p.sums[node] = {}
        value = sums.get(key, 0.0) + p.values[pos]
        sums[key] = value
        if not p.regime.passes(value):
            return False
        reached = p.qual.get(node)
        if self._journal is not None:  # an update notes what a node was reached by before
            self._journal.setdefault((id(p), node), set(reached) if reached else None)
        if reached is None:
            p.qual[node] = {group}
            return True
        if group in reached:
            return False
        reached.add(group)
        return True

    def _spread(
        self,
        p: _Pass,
        work: deque[tuple[int, int]],
        region: set[int] | None,
        visited: set[int] | None = None,
    ) -> None:
        graph, roots = self.graph, self.roots[p.regime.id]
        owned, alive, interest = graph.owned, graph.alive, graph.interest
        counted = p.regime.interests
        while work:
            node, group = work.popleft()
            if visited is not None:
                visited.add(node)
            for pos in graph.out_edges(node):
                if not alive[pos] or not counted[interest[pos]]:
                    continue
                target = owned[pos]
                if target in roots or (region is not None and target not in region):
                    continue
                if self._add(p, target, group, pos):
                    work.append((target, group))

    def run(self) -> None:
        """Compute every regime from scratch."""
        for p in self.passes.values():
            roots = self.roots[p.regime.id]
            p.qual = {r: {self._group(p.regime, r)} for r in roots}
            p.sums = {}
            self._spread(p, deque((r, g) for r in roots for g in p.qual[r]), None)

    def _update_pass(
        self,
        p: _Pass,
        removed: list[int],
        added: list[int],
        old_roots: set[int],
        journal: dict[tuple[int, int], set[int] | None],
    ) -> set[int]:
        """Bring one pass up to date after edge and root changes; returns the nodes visited.

        Only reached parties can lose their status: those downstream of a removed holding
        or listing, through counted holdings (`lost`), are taken back; the sums of every
        party a change or a lost party feeds (`stale`) are counted again from the owners
        that stay; then the work list spreads what is (again) reached, as in `run`.
        """
        graph, roots, counted = self.graph, self.roots[p.regime.id], p.regime.interests
        owned, owner, alive, interest = graph.owned, graph.owner, graph.alive, graph.interest
        key = id(p)
        stale: set[int] = set()
        start = set(old_roots - roots)
        for pos in removed:
            if counted[interest[pos]] and owner[pos] in p.qual:
                stale.add(owned[pos])
                if owned[pos] in p.qual:
                    start.add(owned[pos])
        lost: set[int] = set()
        todo = list(start)
        while todo:
            node = todo.pop()
            if node in lost:
                continue
            lost.add(node)
            for pos in graph.out_edges(node):
                if alive[pos] and counted[interest[pos]]:
                    target = owned[pos]
                    stale.add(target)
                    if target in p.qual and target not in roots and target not in lost:
                        todo.append(target)
        stale.update(owned[pos] for pos in added if counted[interest[pos]])
        stale |= lost
        for node in lost | stale | (roots - old_roots):
            journal.setdefault((key, node), set(p.qual.get(node, ())) or None)
        for node in lost:
            p.qual.pop(node, None)
        work: deque[tuple[int, int]] = deque()
        for node in (roots - old_roots) | (roots & lost):
            group = self._group(p.regime, node)
            reached = p.qual.setdefault(node, set())
            if group not in reached:
                reached.add(group)
                work.append((node, group))
        # Groups reached during this rebuild are spread by the work list, not counted here.
        pending = set(work)
        for node in stale - roots:
            p.sums.pop(node, None)
            for pos in graph.in_edges(node):
                source = owner[pos]
                if source in lost or not alive[pos] or not counted[interest[pos]]:
                    continue
                for group in list(p.qual.get(source, ())):
                    if (source, group) not in pending and self._add(p, node, group, pos):
                        work.append((node, group))
                        pending.add((node, group))
        visited: set[int] = set()
        self._spread(p, work, None, visited)
        return lost | stale | visited

    def update(
        self,
        added: Iterable[EdgeRow] = (),
        removed: Iterable[int] = (),
        roots: Mapping[str, Iterable[int]] | None = None,
    ) -> UpdateReport:
        """Apply edge changes (removed: positions) and listed owners; recompute what they touch."""
        graph = self.graph
        gone = [pos for pos in removed if graph.alive[pos]]
        for pos in gone:
            graph.alive[pos] = 0
        new = [graph.add_edge(row) for row in added]
        old_roots = {rid: set(nodes) for rid, nodes in self.roots.items()}
        for rid, nodes in (roots or {}).items():
            self.roots[rid] = set(nodes)
        journal: dict[tuple[int, int], set[int] | None] = {}
        visited: set[int] = set()
        self._journal = journal
        try:
            for p in self.passes.values():
                visited |= self._update_pass(p, gone, new, old_roots[p.regime.id], journal)
        finally:
            self._journal = None
        changed = set()
        for node in {node for _, node in journal}:
            before = self._status_from(
                node, old_roots, lambda p, n: journal.get((id(p), n), p.qual.get(n))
            )
            if before != self.status(node):
                changed.add(node)
        return UpdateReport(len(visited), changed)

    # ------------------------------------------------------------------ reading

    def status(self, node: int) -> dict[str, str]:
        """Regime id -> "listed", "is" (reached at the minimum) or "may be" (only the maximum)."""
        return self._status_from(node, self.roots, lambda p, n: p.qual.get(n))

    def _status_from(
        self,
        node: int,
        roots: Mapping[str, set[int]],
        reached: Any,
    ) -> dict[str, str]:
        found: dict[str, str] = {}
        for rid in self.regimes:
            if node in roots[rid]:
                found[rid] = "listed"
            elif reached(self.passes[(rid, True)], node):
                found[rid] = "is"
            elif reached(self.passes[(rid, False)], node):
                found[rid] = "may be"
        return found

    def reached(self) -> dict[int, dict[str, str]]:
        """Every node some regime reaches without listing it, with its status per regime."""
        nodes: set[int] = set()
        for p in self.passes.values():
            nodes.update(p.qual)
        out = {}
        for node in nodes:
            derived = {k: v for k, v in self.status(node).items() if v != "listed"}
            if derived:
                out[node] = derived
        return out

    def held(self, node: int, regime_id: str) -> tuple[float, float]:
        """The largest counted holding of the owners reaching `node`: (minimum, maximum)."""
        low = max(self.passes[(regime_id, True)].sums.get(node, {}).values(), default=0.0)
        high = max(self.passes[(regime_id, False)].sums.get(node, {}).values(), default=0.0)
        return min(low, 100.0), min(high, 100.0)

    def contributions(self, node: int, regime_id: str) -> list[Contribution]:
        """The direct holdings of reached or listed owners that count towards `node`."""
        graph, regime = self.graph, self.regimes[regime_id]
        minimum, maximum = self.passes[(regime_id, True)], self.passes[(regime_id, False)]
        found = []
        for pos in graph.in_edges(node):
            if not graph.alive[pos] or not regime.interests[graph.interest[pos]]:
                continue
            owner = graph.owner[pos]
            if owner in maximum.qual:
                found.append(
                    Contribution(pos, owner, graph.low[pos], graph.high[pos], owner in minimum.qual)
                )
        return found
