"""Benchmark: ongoing monitoring of 100,000 counterparties through SDN updates.

Counterparties: the 100,000 synthetic people of the yente fixtures (negatives_global
and negatives_us: many scripts, names, nationalities, birth dates), of which the first
--listed are replaced by real SDN names so that hits exist. Lists: the bundled snapshot.

The SDN updates are built from real records: update 1 adds 25 SDN entries that were on
the 2021-07-07 list but not on the current one, delists 5 and changes the listing of 20
(10 of them parties the counterparties hit); update 2 changes 20 more.

Baseline: by default the counterparties that are not listed names are recorded as
already screened without hits (a full first screen is a one-off whose throughput is
measured here on a sample, and which `--full-initial` runs for real); the listed ones
are screened by the first run. Figures printed per phase; `--json` for machines.

    python bench/monitor.py [--db URL] [--counterparties 100000] [--full-initial]
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLEARANCE_SHARED", ROOT.parent / "shared"))
FIXTURES = SHARED / "bench" / "yente_candidate_fixtures"


def timed(label: str, results: dict[str, Any], func: Any, *args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    value = func(*args, **kwargs)
    results[label] = round(time.perf_counter() - start, 2)
    print(f"{label:<58} {results[label]:>8.2f} s", flush=True)
    return value


def counterparties(count: int, listed_names: list[str]) -> list[Any]:
    from clearance.monitoring import Counterparty

    rows: list[Any] = []
    for name in ("negatives_global.csv", "negatives_us.csv"):
        with (FIXTURES / name).open(encoding="utf-8") as handle:
            for n, row in enumerate(csv.DictReader(handle)):
                rows.append(
                    Counterparty(
                        id=f"{name[10:12]}-{n}",
                        name=row["full_name"],
                        schema="Person",
                        country=row["nationality"] or None,
                        birth_date=row["date_of_birth"] or None,
                    )
                )
    rows = rows[:count]
    for i, name in enumerate(listed_names):
        rows[i] = Counterparty(id=f"listed-{i}", name=name)
    return rows


def record_version(store: Any, entities: list[Any], tag: str, published: str) -> Any:
    from clearance.loaders.result import LoadResult
    from clearance.store import SourceFile

    result = LoadResult("ofac-sdn", entities, published, [], {})
    files = [SourceFile("sdn", "sdn.csv", (tag * 64)[:64], len(entities))]
    return store.record_load(result, files, f"bench {tag}", "file", force=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="SQLite path or database URL (default: a temp SQLite)")
    parser.add_argument("--counterparties", type=int, default=100_000)
    parser.add_argument("--listed", type=int, default=200)
    parser.add_argument("--full-initial", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from sqlalchemy import bindparam, update

    from clearance.loaders.registry import load_list_files
    from clearance.monitoring import add_counterparties, run_monitor
    from clearance.monitoring.tables import counterparties as cp_table
    from clearance.snapshot import load_bundled_snapshot
    from clearance.store import ListStore
    from clearance.workflows.screening import Screener

    results: dict[str, Any] = {}
    db = args.db or str(Path(tempfile.mkdtemp(prefix="clearance-bench-")) / "monitor.db")
    store = ListStore.open(db)
    if store.is_empty():
        timed("load the bundled snapshot (one-off)", results, load_bundled_snapshot, store)
    screener = timed("screener over all lists (index cached after)", results, Screener.load,
                     store=store)  # fmt: skip
    sdn = store.current_versions()["ofac-sdn"]
    sdn_entities = list(store.version_entities(sdn.id))
    rng = random.Random(7)
    people = [e for e in sdn_entities if e.schema == "Person"]
    listed = rng.sample(people, args.listed)
    items = counterparties(args.counterparties, [e.caption for e in listed])

    sample = [c for c in items[args.listed :][:2000]]
    start = time.perf_counter()
    for c in sample:
        screener.check(c.name, schema=c.schema, country=c.country, birth_date=c.birth_date)
    per_row = (time.perf_counter() - start) / len(sample)
    results["full_screen_rows_per_s"] = round(1 / per_row)
    print(f"{'full screening throughput (2,000-row sample, one core)':<58} "
          f"{1 / per_row:>8.0f} rows/s  -> {len(items) * per_row:.0f} s for all")  # fmt: skip

    timed(f"monitor add {len(items):,} counterparties", results, add_counterparties,
          store.engine, items, "bench")  # fmt: skip
    if not args.full_initial:
        rest = [c for c in items if not c.id.startswith("listed-")]
        with store.engine.begin() as conn:
            conn.execute(
                update(cp_table)
                .where(cp_table.c.id == bindparam("cp_id"))
                .values(screened_fingerprint=bindparam("fp"), screened_data=bindparam("sd")),
                [{"cp_id": c.id, "fp": c.fingerprint, "sd": c.screening_fields()} for c in rest],
            )
    first = timed("first monitor run (baseline)", results, run_monitor, store, actor="bench")
    results["baseline_screened"] = first.screened
    results["baseline_alerts"] = len(first.alerts)
    print(f"  screened {first.screened:,}, {len(first.alerts)} alerts")

    # Update 1: 25 added (real 2021 SDN entries not on the current list), 5 delisted,
    # 20 listings changed (10 of them parties the counterparties hit).
    old = load_list_files("ofac-sdn", {
        role: SHARED / "lists/ofac_sdn/2021-07-07" / name
        for role, name in (("sdn", "sdn.csv"), ("alt", "alt.csv"), ("add", "add.csv"),
                           ("comments", "sdn_comments.csv"))
    })  # fmt: skip
    current_ids = {e.id for e in sdn_entities}
    added = [e for e in old.entities if e.id not in current_ids][:25]
    hit_ids = {e.id for e in listed}
    unlisted = [e for e in sdn_entities if e.id not in hit_ids]
    delisted = {e.id for e in rng.sample(unlisted, 5)}
    changed = {e.id for e in listed[:10]} | {e.id for e in rng.sample(unlisted, 10)}

    def relisted(entity: Any, program: str) -> Any:
        copy_ = copy.deepcopy(entity)
        copy_.listing = replace(copy_.listing, programs=(*copy_.listing.programs, program))
        return copy_

    v2 = [relisted(e, "BENCH-1") if e.id in changed else e for e in sdn_entities
          if e.id not in delisted] + added  # fmt: skip
    outcome = timed("record SDN update 1 (+25 -5 ~20)", results, record_version, store, v2,
                    "b", "2026-12-01")  # fmt: skip
    print(f"  {outcome.added} added, {outcome.removed} removed, {outcome.changed} changed")
    run1 = timed("monitor run after update 1 (builds the counterparty index)", results,
                 run_monitor, store, actor="bench")  # fmt: skip
    print(f"  re-screened {run1.screened:,} of {run1.counterparties:,}, "
          f"{len(run1.alerts)} alerts, search {run1.stats['candidate_search']}")  # fmt: skip
    results["update1"] = {"screened": run1.screened, "alerts": len(run1.alerts),
                          "stats": run1.stats}  # fmt: skip

    changed2 = {e.id for e in rng.sample(unlisted, 10)} | {e.id for e in listed[10:20]}
    v3 = [relisted(e, "BENCH-2") if e.id in changed2 else e for e in v2]
    timed("record SDN update 2 (~20)", results, record_version, store, v3, "c", "2026-12-08")
    run2 = timed("monitor run after update 2 (index cached)", results, run_monitor, store,
                 actor="bench")  # fmt: skip
    print(f"  re-screened {run2.screened:,} of {run2.counterparties:,}, "
          f"{len(run2.alerts)} alerts, search {run2.stats['candidate_search']}")  # fmt: skip
    results["update2"] = {"screened": run2.screened, "alerts": len(run2.alerts)}
    run3 = timed("monitor run with nothing changed", results, run_monitor, store, actor="bench")
    results["idle_screened"] = run3.screened
    if args.json:
        json.dump(results, sys.stdout, indent=2, default=str)
        print()


if __name__ == "__main__":
    main()
