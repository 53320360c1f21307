"""The aggregation on hand-built graphs: each case of the 50 % rules, and incremental updates."""

from __future__ import annotations

import random

import pytest

from clearance.ownership.aggregation import Aggregation, EdgeRow, OwnershipGraph, Regime
from clearance.ownership.listings import ownership_rules

TESTS = ownership_rules()
OFAC = Regime.of("ofac-50-percent", TESTS["ofac-50-percent"])
UK = Regime.of("uk-ownership-control", TESTS["uk-ownership-control"])
EU = Regime.of("eu-ownership-control", TESTS["eu-ownership-control"])
SHARES, VOTES = 0, 1


def aggregate(
    n: int,
    edges: list[tuple[int, int, float, float] | tuple[int, int, float, float, int]],
    listed: set[int],
) -> Aggregation:
    rows = [EdgeRow(*e) for e in edges]
    run = Aggregation(
        OwnershipGraph.from_rows(n, rows), [OFAC, UK, EU], {r.id: listed for r in (OFAC, UK, EU)}
    )
    run.run()
    return run


def status(run: Aggregation, node: int) -> dict[str, str]:
    return {k.split("-")[0]: v for k, v in run.status(node).items()}


def test_direct_majority() -> None:
    run = aggregate(2, [(0, 1, 60, 60)], {0})
    assert status(run, 1) == {"ofac": "is", "uk": "is", "eu": "is"}
    assert run.held(1, "ofac-50-percent") == (60, 60)


def test_indirect_a_blocked_subsidiary_blocks_its_own_holdings() -> None:
    # A 60 % of B, B 50 % of C: C is blocked for OFAC (B is blocked and holds 50 %),
    # not for the UK and the EU (50 % is not *more than* 50 %).
    run = aggregate(3, [(0, 1, 60, 60), (1, 2, 50, 50)], {0})
    assert status(run, 2) == {"ofac": "is"}
    (owner,) = run.contributions(2, "ofac-50-percent")
    assert owner.owner == 1 and owner.certain


def test_two_blocked_owners_add_up_where_the_rule_aggregates() -> None:
    run = aggregate(3, [(0, 2, 30, 30), (1, 2, 25, 25)], {0, 1})
    assert status(run, 2) == {"ofac": "is", "eu": "is"}  # UK: no single owner over 50 %
    assert run.held(2, "ofac-50-percent") == (55, 55)


def test_a_chain_through_an_unreached_company_does_not_fire() -> None:
    # A 40 % of B (B not blocked), B 100 % of C: nothing reaches C.
    run = aggregate(3, [(0, 1, 40, 40), (1, 2, 100, 100)], {0})
    assert run.reached() == {}


def test_a_range_only_whose_top_reaches_the_threshold_may_fire() -> None:
    run = aggregate(3, [(0, 1, 25, 50), (0, 2, 50, 75)], {0})
    assert status(run, 1) == {"ofac": "may be"}  # UK/EU: 50 is not more than 50
    assert status(run, 2) == {"ofac": "is", "uk": "may be", "eu": "may be"}


def test_cycles_end_and_do_not_make_owners_of_themselves() -> None:
    # 1 <-> 2 own each other 60 %; 0 (listed) holds 60 % of 1. 3 <-> 4 alone: unreached.
    run = aggregate(
        5, [(0, 1, 60, 60), (1, 2, 60, 60), (2, 1, 60, 60), (3, 4, 60, 60), (4, 3, 60, 60)], {0}
    )
    assert set(run.reached()) == {1, 2}
    assert run.reached()[2]["ofac-50-percent"] == "is"


def test_votes_count_for_the_uk_not_for_ofac() -> None:
    run = aggregate(2, [(0, 1, 80, 80, VOTES)], {0})
    assert status(run, 1) == {"uk": "is", "eu": "is"}


def test_shares_and_votes_are_separate_tests_not_a_sum() -> None:
    run = aggregate(2, [(0, 1, 30, 30, SHARES), (0, 1, 30, 30, VOTES)], {0})
    assert run.reached() == {}


def _random_graph(seed: int, n: int = 300, m: int = 700) -> list[tuple[int, int, float, float]]:
    rnd = random.Random(seed)
    edges = []
    for _ in range(m):
        a, b = rnd.randrange(n), rnd.randrange(n)
        if a != b:
            low = rnd.choice([10, 25, 30, 50, 51, 60, 100])
            edges.append((a, b, low, min(100, low + rnd.choice([0, 0, 25]))))
    return edges


def _snapshot(run: Aggregation, n: int) -> dict[int, dict[str, str]]:
    return {node: run.status(node) for node in range(n) if run.status(node)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_incremental_update_equals_a_full_recomputation(seed: int) -> None:
    n = 300
    edges = _random_graph(seed, n)
    listed = set(random.Random(seed).sample(range(n), 8))
    run = aggregate(n, edges, listed)
    rnd = random.Random(seed + 100)
    removed = sorted(rnd.sample(range(len(edges)), 40))
    added = [e for e in _random_graph(seed + 7, n, 60)]
    new_listed = set(list(listed)[:6]) | {rnd.randrange(n)}
    positions = [run.graph.position[i] for i in removed]
    report = run.update(
        [EdgeRow(*e) for e in added], positions, {r.id: new_listed for r in (OFAC, UK, EU)}
    )
    kept = [e for i, e in enumerate(edges) if i not in set(removed)]
    fresh = aggregate(n, kept + added, new_listed)
    after, before = _snapshot(fresh, n), _snapshot(aggregate(n, edges, listed), n)
    assert _snapshot(run, n) == after
    assert report.recomputed <= n
    assert report.changed == {node for node in range(n) if after.get(node) != before.get(node)}


def test_an_update_recomputes_only_what_lies_downstream() -> None:
    # Two separate groups: a change in the second does not touch the first.
    edges = [(0, 1, 60, 60), (1, 2, 60, 60), (10, 11, 60, 60), (11, 12, 60, 60)]
    run = aggregate(13, edges, {0, 10})
    report = run.update(removed=[run.graph.position[3]])
    assert report.recomputed == 1  # node 12 only
    assert report.changed == {12}
    assert set(run.reached()) == {1, 2, 11}
