"""Benchmark: the loaders' fuzz run, longer than the test suite's.

The suite (tests/loaders/test_loader_fuzz.py) runs 200 fixed cases per format on
excerpts of the real files. This runs fresh random cases: `--cases` per format on the
excerpts and `--whole` per format on the whole real files (seconds a case). Each case
must load or be refused with a ListFormatError naming the file; anything else, or a
case over `--hang` seconds, is a failure and is printed with hypothesis's smallest
failing example.

    python bench/fuzz_loaders.py [--cases 2000] [--whole 20] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))  # tests.loaders.fuzzing: the suite's own cases

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.conftest import LISTS  # noqa: E402
from tests.loaders.fuzzing import (  # noqa: E402
    FuzzFormat,
    fuzz_formats,
    mutations,
    outcome,
    whole_formats,
)


class Hang(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise Hang("no answer within the time allowed: a hang")


def run(fmt: FuzzFormat, cases: int, hang: float) -> dict[str, object]:
    counts = {"loaded": 0, "refused": 0}
    slowest = 0.0
    failure: str | None = None
    folder = Path(tempfile.mkdtemp(prefix=f"fuzz-{fmt.name}-"))
    signal.signal(signal.SIGALRM, _alarm)

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(target=st.sampled_from(fmt.targets), edits=mutations())
    def case(target: str, edits: list) -> None:
        nonlocal slowest
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, hang)
        try:
            counts[outcome(fmt, target, edits, folder)] += 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        slowest = max(slowest, time.perf_counter() - started)

    started = time.perf_counter()
    try:
        case()
    except Exception:  # the smallest failing case, as hypothesis found it
        failure = traceback.format_exc(limit=-6)
    return {
        "format": fmt.name,
        "cases": counts["loaded"] + counts["refused"],
        "loaded": counts["loaded"],
        "refused": counts["refused"],
        "failures": 0 if failure is None else 1,
        "failure": failure,
        "slowest_case_s": round(slowest, 3),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per format, excerpts")
    parser.add_argument("--whole", type=int, default=20, help="cases per format, whole files")
    parser.add_argument("--hang", type=float, default=60.0, help="seconds that count as a hang")
    parser.add_argument("--only", help="run only this format")
    parser.add_argument("--json", type=Path, help="write the results here as well")
    args = parser.parse_args()
    fixtures = ROOT / "tests" / "fixtures"
    runs = []
    for label, formats, cases in (
        ("excerpt", fuzz_formats(LISTS, fixtures), args.cases),
        ("whole file", whole_formats(LISTS, fixtures), args.whole),
    ):
        for fmt in formats:
            if cases <= 0 or (args.only and fmt.name != args.only):
                continue
            result = {"input": label, **run(fmt, cases, args.hang)}
            runs.append(result)
            print(
                f"{label:10} {result['format']:18} {result['cases']:6} cases: "
                f"{result['loaded']:5} loaded, {result['refused']:5} refused, "
                f"{result['failures']} failures; slowest {result['slowest_case_s']} s",
                flush=True,
            )
            if result["failure"]:
                print(result["failure"], flush=True)
    total = sum(int(r["cases"]) for r in runs)  # type: ignore[call-overload]
    failures = sum(int(r["failures"]) for r in runs)  # type: ignore[call-overload]
    print(f"total: {total} cases, {failures} failures")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
