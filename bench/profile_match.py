"""Where a check spends its time: cProfile of the first pass and of a batch chunk.

    python bench/profile_match.py [--queries N] [--batch N] [--top N]

The same queries as bench/match.py (the treated UN positives and random negatives),
checked once with empty token caches (first pass), then a batch of new names run as
one worker runs its chunks (`batch._check_chunk`), in this process so that the
profile sees it. Prints the top functions by own time and by cumulative time, and then, without the
profiler (which doubles the times and distorts their shares), where a batch name's time
goes: looking up the chunk's new words, preparing the query (tokens, look-ups, candidate
search) and scoring its candidates, first for new names, then for the same names again.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.all_lists import all_lists_screener  # noqa: E402
from bench.match import bench_queries  # noqa: E402
from clearance.matching import Screener  # noqa: E402
from clearance.matching.batch import _check_chunk  # noqa: E402


def top_lines(profile: cProfile.Profile, sort: str, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    total = next(line for line in lines if "function calls" in line)
    return "\n".join([total.strip(), *lines[start:]]).rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    index = all_lists_screener().index
    queries, _, negatives = bench_queries(args.queries, random.Random(7))

    screener = Screener(index)
    profile = cProfile.Profile()
    profile.enable()
    for q in queries:
        screener.check(q)
    profile.disable()
    print(f"## first pass, {len(queries)} checks, by own time")
    print(top_lines(profile, "tottime", args.top))
    print(f"\n## first pass, {len(queries)} checks, by cumulative time")
    print(top_lines(profile, "cumulative", args.top))

    batch = negatives[: args.batch]
    screener = Screener(index)
    profile = cProfile.Profile()
    profile.enable()
    for start in range(0, len(batch), 256):
        _check_chunk(screener, list(batch[start : start + 256]), {})
    profile.disable()
    print(f"\n## batch, {len(batch)} new names in chunks of 256, one process, by own time")
    print(top_lines(profile, "tottime", args.top))
    print(f"\n## batch phases without the profiler, {len(batch)} other new names")
    print(phases(Screener(index), negatives[args.batch : 2 * args.batch]))


def phases(screener: Screener, names: list[str]) -> str:
    """Milliseconds per name of each phase of a batch, as `batch._check_chunk` runs them."""
    warm = prepare = score = again = 0.0
    candidates = 0
    prepared = []
    for start in range(0, len(names), 256):
        chunk = names[start : start + 256]
        t = time.perf_counter()
        screener.warm(chunk)
        warm += time.perf_counter() - t
        for name in chunk:
            t = time.perf_counter()
            query = screener._prepare(name, None)
            prepare += time.perf_counter() - t
            t = time.perf_counter()
            for name_idx in query.candidates:
                screener._score_prepared(query, name_idx)
            score += time.perf_counter() - t
            candidates += len(query.candidates)
            prepared.append(query)
    t = time.perf_counter()
    for query in prepared:
        for name_idx in query.candidates:
            screener._score_prepared(query, name_idx)
    again = time.perf_counter() - t
    n, per = len(names), max(1, candidates)
    return (
        f"per name: new words looked up {warm / n * 1e3:.3f} ms, query prepared "
        f"{prepare / n * 1e3:.3f} ms, candidates scored {score / n * 1e3:.3f} ms "
        f"({candidates / n:.1f} candidates, {score / per * 1e6:.0f} us each; the same names "
        f"again {again / per * 1e6:.0f} us each)"
    )


if __name__ == "__main__":
    main()
