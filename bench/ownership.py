"""Benchmark: the 50 % rules over a synthetic 1,000,000-edge ownership graph.

The graph has the shape of real ownership data: many small groups (a holding with a
few subsidiaries, two or three levels down, some joint ventures held by two or three
owners), a few deep chains (hundreds of levels), cross-holdings that form cycles, and
a fifth of the shares given as bands (25-50, 50-75, 75-100) rather than numbers. The
top companies of 1 % of the groups are "listed" for each rule (different ones for
OFAC, the UK, the EU and BIS).

Measured: building the graph (compressed rows), the full aggregation of the four
rules of the effect table (minimum and maximum passes each), peak memory, and an
update of 1,000 edges (500 removed, 500 added) with a listing change, which must
recompute only the parties downstream of what changed and end exactly where a full
recomputation ends (checked). Run on an otherwise idle machine for comparable
figures; the machine's load is printed with them.

    python bench/ownership.py [--edges 1000000] [--seed 7] [--listed 0.01] [--json]
    python bench/ownership.py --store    # the file -> store -> derived listings path
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def synthetic_graph(edges: int, seed: int) -> tuple[int, list[tuple[int, int, float, float]]]:
    """(number of nodes, edges as (owner, owned, low, high)) of the shape described above."""
    rnd = random.Random(seed)
    rows: list[tuple[int, int, float, float]] = []
    nodes = 0

    def share() -> tuple[float, float]:
        if rnd.random() < 0.2:
            return rnd.choice([(25.0, 50.0), (50.0, 75.0), (75.0, 100.0)])
        value = float(rnd.choice([10, 20, 25, 30, 40, 49, 50, 51, 60, 75, 100]))
        return value, value

    def node() -> int:
        nonlocal nodes
        nodes += 1
        return nodes - 1

    # A few deep chains: 20 of 500 levels.
    for _ in range(20):
        top = node()
        for _ in range(500):
            child = node()
            rows.append((top, child, *rnd.choice([(60.0, 60.0), (100.0, 100.0), (50.0, 50.0)])))
            top = child
    # Many small groups until the edge budget is nearly spent.
    tops: list[int] = []
    while len(rows) < edges * 0.97:
        top = node()
        tops.append(top)
        level = [top]
        for _depth in range(rnd.choice([1, 1, 2, 2, 3])):
            nxt = []
            for parent in level:
                for _ in range(rnd.randint(1, 4)):
                    child = node()
                    rows.append((parent, child, *share()))
                    nxt.append(child)
            level = nxt
        if rnd.random() < 0.15:  # a joint venture with another group's top company
            venture = node()
            rows.append((top, venture, 30.0, 30.0))
            partner = rnd.choice(tops)
            if partner != top:
                rows.append((partner, venture, 25.0, 25.0))
    # Cross-holdings: cycles of 2 to 4 among existing companies.
    while len(rows) < edges:
        ring = rnd.sample(range(nodes), rnd.randint(2, 4))
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            rows.append((a, b, *share()))
    return nodes, rows[:edges]


# Where the owners of each rule are listed in the bench store: list, sub-list, programme.
BENCH_LISTINGS = {
    "ofac-50-percent": ("ofac-sdn", None, ("SDGT",)),
    "uk-ownership-control": ("uk-ofsi", None, ("Russia",)),
    "eu-ownership-control": ("eu-fsf", None, ("RUS",)),
    "bis-affiliates-rule": ("us-csl", "Entity List (EL) - Bureau of Industry and Security", ()),
}


def store_path(
    rows: list[tuple[int, int, float, float]], roots: dict[str, set[int]], seed: int
) -> dict[str, Any]:
    """The edges as an ownership CSV through the loader and the store, then the derived
    listings of a screening (links recorded up front: listed owners by record id, the
    companies on no list; linking by name costs one matcher check per party, apart)."""
    import tempfile
    from datetime import date

    from clearance.loaders.result import LoadResult
    from clearance.matching import MatchIndex
    from clearance.model import Entity, Listing, Name
    from clearance.ownership.listings import OwnershipView
    from clearance.ownership.reading import read_ownership
    from clearance.ownership.storage import Link, record_ownership_load, store_links
    from clearance.store import ListStore, SourceFile

    out: dict[str, Any] = {}
    folder = Path(tempfile.mkdtemp(prefix="bench-ownership-"))
    store = ListStore.open(str(folder / "store.db"))
    names: dict[int, str] = {}
    for rule_id, nodes in roots.items():
        list_id, sub_list, programs = BENCH_LISTINGS[rule_id]
        entities = []
        for node in sorted(nodes):
            if node in names:
                continue
            names[node] = f"{list_id}:bench-{node}"
            entities.append(
                Entity(
                    names[node],
                    "Company",
                    Listing(list_id, sub_list, programs),
                    [Name(f"Listed Holding {node}")],
                )
            )
        files = [SourceFile.from_bytes("main", f"{list_id}.bench", str(seed).encode())]
        store.record_load(LoadResult(list_id, entities), files, "bench", "file")
    csv_path = folder / "owners.csv"
    start = time.perf_counter()
    with csv_path.open("w") as handle:
        handle.write("owner,owned,percent,start_date,end_date,source\n")
        for owner, owned, low, high in rows:
            share = f"{low:g}" if low == high else f"{low:g}-{high:g}"
            a = names.get(owner, f"company {owner}")
            b = names.get(owned, f"company {owned}")
            handle.write(f"{a},{b},{share},,,bench\n")
    out["store_write_csv_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    data = read_ownership(csv_path)
    out["store_read_csv_s"] = round(time.perf_counter() - start, 2)
    out["store_peak_rss_mb_after_read"] = round(peak_rss_mb(), 1)
    start = time.perf_counter()
    version = record_ownership_load(
        store, "bench-owners", data, [SourceFile.from_bytes("ownership", "owners.csv", b"1")], "b"
    ).version
    out["store_load_s"] = round(time.perf_counter() - start, 2)
    out["store_peak_rss_mb_after_load"] = round(peak_rss_mb(), 1)
    key = store.screening_key()
    links = [
        Link(p.key, p.entity_id, "entity id", 1.0) if p.entity_id else Link(p.key, None, "none", 0)
        for p in data.parties.values()
    ]
    del data
    store_links(store.engine, version.id, key, links)
    del links
    start = time.perf_counter()
    view = OwnershipView.build(store, None, key, date.today())
    out["store_view_s"] = round(time.perf_counter() - start, 2)
    assert view is not None
    out["store_derived_listings"] = len(view.entities)
    start = time.perf_counter()
    MatchIndex.build(view.entities.values())
    out["store_derived_index_s"] = round(time.perf_counter() - start, 2)
    out["store_peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--listed", type=float, default=0.01, help="share of groups whose top company is listed"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--store",
        action="store_true",
        help="the whole path instead: the graph as a CSV file, read, loaded into a store, "
        "and the derived listings of a screening built from it",
    )
    args = parser.parse_args()

    import numpy as np

    from clearance.ownership.aggregation import Aggregation, EdgeRow, OwnershipGraph, Regime
    from clearance.ownership.listings import ownership_rules

    figures: dict[str, Any] = {
        "edges": args.edges,
        "listed_share": args.listed,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    start = time.perf_counter()
    n_nodes, rows = synthetic_graph(args.edges, args.seed)
    figures["nodes"] = n_nodes
    figures["generate_s"] = round(time.perf_counter() - start, 2)
    rss_before = peak_rss_mb()

    rnd = random.Random(args.seed + 1)
    owned_by_someone = {b for _, b, _, _ in rows}
    tops = [n for n in range(n_nodes) if n not in owned_by_someone]
    regimes = [Regime.of(rule_id, test) for rule_id, test in ownership_rules().items()]
    count = max(1, int(len(tops) * args.listed))
    roots = {r.id: set(rnd.sample(tops, count)) for r in regimes}
    if args.store:  # the whole path instead, in a process of its own
        figures.update(store_path(rows, roots, args.seed))
        print(
            json.dumps(figures, indent=2)
            if args.json
            else "\n".join(f"{k:<34} {v}" for k, v in figures.items())
        )
        return

    start = time.perf_counter()
    arrays = np.array(rows, dtype=np.float64)
    graph = OwnershipGraph(
        n_nodes,
        arrays[:, 0].astype(np.int64),
        arrays[:, 1].astype(np.int64),
        arrays[:, 2],
        arrays[:, 3],
        np.zeros(len(rows), dtype=np.int64),
    )
    del arrays
    figures["build_s"] = round(time.perf_counter() - start, 2)

    start = time.perf_counter()
    run = Aggregation(graph, regimes, roots)
    run.run()
    figures["aggregate_s"] = round(time.perf_counter() - start, 2)
    reached = run.reached()
    figures["reached"] = len(reached)
    figures["may_be_only"] = sum(1 for s in reached.values() if set(s.values()) == {"may be"})
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    figures["rss_before_graph_mb"] = round(rss_before, 1)

    # An update: 500 edges removed, 500 added, and one listing more for OFAC.
    removed_rows = sorted(rnd.sample(range(len(rows)), 500))
    added = []
    for _ in range(500):
        a, b = rnd.randrange(n_nodes), rnd.randrange(n_nodes)
        if a != b:
            added.append((a, b, *rnd.choice([(60.0, 60.0), (30.0, 30.0), (25.0, 50.0)])))
    new_roots = {rid: set(nodes) for rid, nodes in roots.items()}
    new_roots["ofac-50-percent"].add(rnd.choice(tops))
    start = time.perf_counter()
    report = run.update(
        [EdgeRow(a, b, lo, hi) for a, b, lo, hi in added],
        [graph.position[i] for i in removed_rows],
        new_roots,
    )
    figures["update_edges"] = len(removed_rows) + len(added)
    figures["update_s"] = round(time.perf_counter() - start, 3)
    figures["update_recomputed_nodes"] = report.recomputed
    figures["update_changed_nodes"] = len(report.changed)

    # The update must end where a full recomputation of the changed graph ends.
    updated = run.reached()
    del run, graph
    gone = set(removed_rows)
    kept = [r for i, r in enumerate(rows) if i not in gone] + added
    check_graph = OwnershipGraph.from_rows(n_nodes, (EdgeRow(*r) for r in kept))
    del kept
    check = Aggregation(check_graph, regimes, new_roots)
    start = time.perf_counter()
    check.run()
    figures["full_recompute_after_update_s"] = round(time.perf_counter() - start, 2)
    same = check.reached() == updated
    figures["update_equals_full_recompute"] = same
    figures["peak_rss_mb_with_check"] = round(peak_rss_mb(), 1)
    del check, check_graph

    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:<34} {value}")
    if not same:
        raise SystemExit("the incremental update differs from a full recomputation")


if __name__ == "__main__":
    main()
