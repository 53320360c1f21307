"""Soak test: `/match` at 32 clients for a long time, with a list update in the middle.

    python bench/soak.py [--db STORE] [--minutes 30] [--clients 32] [--write-docs]

Starts `clearance serve --workers 2` (keys on, rate limit off) on a store holding the
bundled snapshot (made in a temporary folder unless --db names one), drives it from
this process with 32 keep-alive clients sending one-query `/match` requests (the names
of shared/bench/yente_candidate_fixtures, as bench/http_api.py), and halfway through
loads a new version of the OFAC SDN list (the 2021 four-file set, published "today")
with `clearance load`, as a scheduled update would (into the store it serves: give a
copy with --db). The server's parent notices within seconds, loads the new index while
the workers answer from the old one, and replaces them by workers forked with the new.
A client reconnects when an answer says `Connection: close` (a worker being replaced).

It reports: errors (any answer but 200, any connection failure), p50/p99 latency before
the update (the window of the same length just before it), during it (from the load's
start until 10 s after the old workers are gone), and after; and the
server's memory (PSS summed over its processes, shared pages counted once) after the
warm-up and at the end. Done when: 0 errors, p99 during within 3x of before, memory
growth at most 10 %. The load generator shares the machine with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
_spec = importlib.util.spec_from_file_location("bench_http_api", ROOT / "bench" / "http_api.py")
assert _spec is not None and _spec.loader is not None
http_api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(http_api)

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Soak"
SDN_2021 = http_api.SHARED / "lists" / "ofac_sdn" / "2021-07-07"
CLI = "from clearance.cli.main import app; app()"


def children(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def server_pss_mib(pid: int) -> float:
    """Proportional set size of the server and its workers (Linux smaps_rollup), MiB."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            if int(name) != pid and parent != pid:
                continue
            with open(f"/proc/{name}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


class Recorder:
    """(time, latency, ok) of every request, and the errors by kind."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self.errors: dict[str, int] = {}
        self.error_times: list[float] = []
        self.idle_closed = 0  # connections the server closed while idle (not errors)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.error_times.append(time.perf_counter())

    def window(self, start: float, end: float) -> dict[str, float]:
        latencies = sorted(lat for at, lat in self.samples if start <= at < end)
        if not latencies:
            return {"requests": 0, "p50_ms": 0.0, "p99_ms": 0.0, "rps": 0.0}
        return {
            "requests": len(latencies),
            "rps": len(latencies) / max(1e-9, end - start),
            "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        }


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the server said it closes the connection after this answer)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    lines = head.split("\r\n")
    length = next(int(x.split(":", 1)[1]) for x in lines if x.startswith("content-length:"))
    await reader.readexactly(length)
    return int(lines[0].split(" ", 2)[1]), "connection: close" in head


async def client(
    port: int, requests: list[bytes], offset: int, until: float, rec: Recorder
) -> None:
    i = offset
    while time.perf_counter() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError as exc:
            rec.error(f"connect: {type(exc).__name__}")
            await asyncio.sleep(0.5)
            continue
        try:
            while time.perf_counter() < until:
                if reader.at_eof():  # closed by the server while idle: reconnect, as clients do
                    rec.idle_closed += 1
                    break
                started = time.perf_counter()
                writer.write(requests[i % len(requests)])
                status, closing = await asyncio.wait_for(read_answer(reader), 120)
                rec.samples.append((started, time.perf_counter() - started))
                if status != 200:
                    rec.error(f"HTTP {status}")
                i += 1
                if closing:  # a worker being replaced says so: reconnect, as HTTP clients do
                    break
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            rec.error(f"connection: {type(exc).__name__}")
        finally:
            writer.close()


def make_store(folder: Path) -> str:
    db = str(folder / "soak.db")
    subprocess.run(
        [sys.executable, "-c", CLI, "--db", db, "lists"], check=True, capture_output=True
    )
    return db


def make_key(db: str) -> str:
    from clearance.api import KeyStore
    from clearance.store import ListStore

    return str(KeyStore(ListStore.open(db).engine).create(["read"], "soak")[1])


def load_update(db: str, marks: dict[str, float]) -> None:
    """The list update: a new OFAC SDN version, as a scheduled `clearance update` makes."""
    files = [str(SDN_2021 / n) for n in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")]
    marks["update_start"] = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI, "--db", db, "load", "--force",
         "--published", date.today().isoformat(), *files],
        capture_output=True, text=True,
    )  # fmt: skip
    marks["update_end"] = time.perf_counter()
    marks["update_ok"] = float(done.returncode == 0)
    print(f"  update: {done.stdout.strip() or done.stderr.strip()[:300]}", flush=True)


async def soak(args: argparse.Namespace, db: str) -> dict:
    key = make_key(db)
    port = http_api.free_port()
    log = Path(tempfile.mkdtemp(prefix="soak-")) / "serve.log"
    process, startup = http_api.start_server(db, args.workers, port, log)
    queries = http_api.load_queries()
    requests = [http_api.encode("/match/default", {"queries": {"q": q}}, key) for q in queries]
    rec = Recorder()
    total = args.minutes * 60
    t0 = time.perf_counter()
    until = t0 + total
    update_at = t0 + total / 2
    marks: dict[str, float] = {}
    memory: list[tuple[float, float]] = []

    def sample_memory() -> None:
        while time.perf_counter() < until:
            memory.append((time.perf_counter() - t0, server_pss_mib(process.pid)))
            time.sleep(5)

    def watch_workers() -> None:
        """When the workers of before the update are all gone: the new index serves."""
        first = set(children(process.pid))
        while time.perf_counter() < until:
            if "update_start" in marks and not set(children(process.pid)) & first:
                marks["swapped"] = time.perf_counter()
                return
            time.sleep(0.25)

    def update_later() -> None:
        time.sleep(max(0.0, update_at - time.perf_counter()))
        load_update(db, marks)

    threading.Thread(target=sample_memory, daemon=True).start()
    threading.Thread(target=watch_workers, daemon=True).start()
    updater = threading.Thread(target=update_later, daemon=True)
    updater.start()
    print(
        f"server up in {startup:.1f} s; {args.clients} clients for {args.minutes} min", flush=True
    )
    await asyncio.gather(*(client(port, requests, n * 37, until, rec) for n in range(args.clients)))
    updater.join()
    process.terminate()
    process.wait(timeout=60)

    start, end = marks["update_start"], marks["update_end"]
    # The server checks the store every 5 s, loads the new index and replaces its
    # workers: "during" runs until the old workers are gone plus settle seconds.
    during_end = min(until, max(end, marks.get("swapped", end)) + args.settle)
    length = during_end - start
    before = rec.window(start - length, start)
    during = rec.window(start, during_end)
    after = rec.window(during_end, until)
    warm = [m for at, m in memory if at >= args.warmup]
    first, last = (warm[0], warm[-1]) if warm else (0.0, 0.0)
    return {
        "minutes": args.minutes,
        "clients": args.clients,
        "workers": args.workers,
        "requests": len(rec.samples),
        "errors": sum(rec.errors.values()),
        "error_kinds": rec.errors,
        "error_seconds_from_update": [round(t - start, 1) for t in rec.error_times],
        "idle_closed": rec.idle_closed,
        "update_ok": bool(marks.get("update_ok")),
        "update_seconds": round(end - start, 1),
        "swap_seconds": round(marks["swapped"] - start, 1) if "swapped" in marks else None,
        "during_seconds": round(length, 1),
        "before": before,
        "during": during,
        "after": after,
        "p99_ratio": during["p99_ms"] / before["p99_ms"] if before["p99_ms"] else 0.0,
        "memory_start_mib": round(first, 1),
        "memory_end_mib": round(last, 1),
        "memory_peak_mib": round(max((m for _, m in memory), default=0.0), 1),
        "memory_growth": (last - first) / first if first else 0.0,
        "load_average": os.getloadavg(),
    }


def report(result: dict) -> str:
    ok = (
        result["errors"] == 0
        and result["update_ok"]
        and result["p99_ratio"] <= 3.0
        and result["memory_growth"] <= 0.10
    )
    rows = [
        "| window | requests | req/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ("before", "during", "after"):
        w = result[name]
        figures = f"{w['rps']:.0f} | {w['p50_ms']:.1f} | {w['p99_ms']:.1f}"
        rows.append(f"| {name} | {w['requests']:,} | {figures} |")
    load = ", ".join(f"{x:.1f}" for x in result["load_average"])
    return "\n".join(
        [
            f"{result['minutes']:g} minutes of `/match` at {result['clients']} clients against "
            f"`clearance serve --workers {result['workers']}` on {platform.machine()}, "
            f"Python {platform.python_version()}, {os.cpu_count()} cores shared with the load "
            f"generator (load average at the end: {load}). The list update (OFAC SDN, "
            f"a new version, `clearance load`) took {result['update_seconds']} s; the server "
            f"had new workers on the new index {result['swap_seconds']} s after it began. "
            f"'during' is the {result['during_seconds']} s from the load's start until 10 s "
            "after the old workers were gone, 'before' the same length just before it.",
            "",
            *rows,
            "",
            f"- errors: {result['errors']} of {result['requests']:,} requests"
            + (
                f" ({result['error_kinds']}, at {result['error_seconds_from_update']} s from "
                "the update's start)"
                if result["errors"]
                else ""
            )
            + f"; connections closed by the server while idle: {result['idle_closed']}",
            f"- p99 during the update / before: {result['p99_ratio']:.2f}x (target at most 3x)",
            f"- server memory (PSS of all its processes): {result['memory_start_mib']:.0f} MiB "
            f"after warm-up, {result['memory_end_mib']:.0f} MiB at the end "
            f"({result['memory_growth']:+.1%}; target at most +10 %), peak "
            f"{result['memory_peak_mib']:.0f} MiB",
            f"- verdict: {'met' if ok else 'NOT met'}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a store holding the bundled snapshot (default: a new one)")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--settle", type=float, default=10.0, help="seconds after the workers were replaced"
    )
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds before memory counts")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--write-docs", action="store_true", help=f"update {SECTION} in {DOCS}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clearance-soak-") as folder:
        db = args.db or make_store(Path(folder))
        result = asyncio.run(soak(args, db))
    text = report(result)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    if args.write_docs:
        command = f"python bench/soak.py --minutes {args.minutes:g} --write-docs"
        block = f"{SECTION}\n\n`{command}`\n\n{text}\n"
        docs = DOCS.read_text()
        if SECTION in docs:
            head, _, rest = docs.partition(SECTION)
            tail = rest.split("\n## ", 1)
            docs = head + block + ("\n## " + tail[1] if len(tail) > 1 else "")
        else:
            docs = docs.rstrip() + "\n\n" + block
        DOCS.write_text(docs)


if __name__ == "__main__":
    main()
