"""Benchmark: loading the bundled snapshot into the store.

Prints, side by side in one run: the cold load of every bundled list into an
empty store, the reload of the unchanged files (a no-op by hash), the time each
loader takes to parse its files, and peak memory. Each phase runs in a fresh
child process so its peak RSS is its own.

    python bench/load.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASE = r"""
import json, resource, sys, time
from clearance.store import ListStore
from clearance.snapshot import load_bundled_snapshot, snapshot_lists
from clearance.loaders.registry import load_list_files
phase, db = sys.argv[1], sys.argv[2]
timings = {}
start = time.perf_counter()
if phase == "parse":
    for entry in snapshot_lists():
        t = time.perf_counter()
        result = load_list_files(entry.list_id, entry.paths())
        timings[entry.list_id] = (time.perf_counter() - t, len(result.entities))
else:
    outcomes = load_bundled_snapshot(ListStore.open(db))
    timings = {o.list_id: (0.0, o.version.entity_count, o.result) for o in outcomes}
elapsed = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"elapsed": elapsed, "peak_mb": peak_mb, "lists": timings}))
"""


def run(phase: str, db: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PHASE, phase, db], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        parse = run("parse", db)
        cold = run("load", db)
        warm = run("load", db)
        size_mb = Path(db).stat().st_size / 1e6
    print(f"{'phase':<36}{'seconds':>10}{'peak MB':>10}   goal")
    print(f"{'parse only (all loaders)':<36}{parse['elapsed']:>10.1f}{parse['peak_mb']:>10.0f}")
    print(
        f"{'cold load into empty store':<36}{cold['elapsed']:>10.1f}{cold['peak_mb']:>10.0f}"
        "   <= 30 s, <= 1,000 MB"
    )
    print(
        f"{'reload of unchanged files':<36}{warm['elapsed']:>10.1f}{warm['peak_mb']:>10.0f}"
        "   <= 3 s"
    )
    print(f"store size on disk: {size_mb:.0f} MB")
    print("\nparse time per list:")
    for list_id, (seconds, count) in sorted(parse["lists"].items()):
        results = cold["lists"][list_id]
        print(
            f"  {list_id:<14}{seconds:>6.1f} s {count:>8,} entities  cold: {results[2]}, "
            f"reload: {warm['lists'][list_id][2]}"
        )
    _ = time


if __name__ == "__main__":
    main()
