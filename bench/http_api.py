"""HTTP API load test on loopback: req/s and p50/p99 of POST /match.

    python bench/http_api.py --db clearance.db [--workers 2] [--seconds 10] [--write-docs]

Starts the server the way a user does (`clearance serve --workers N`, keys on,
rate limit off, access log on) in a subprocess, then drives it from this process
with a small asyncio HTTP/1.1 keep-alive client (pre-encoded requests, no HTTP
library on the hot path): 1, 8 and 32 concurrent clients sending one-query
`/match` requests, then 100-query `/match` requests. Queries are the names, birth
dates and nationalities of shared/bench/yente_candidate_fixtures (listed UN names
and unlisted names). The load generator shares the machine's cores with the
server: the figures are a floor for what the server alone would do. The server's
CPU time per request (all its processes, from /proc) is reported too: it depends
less on what else the machine is running than req/s does.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder comes first on sys.path: nothing in it may shadow a module.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import httpx  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLEARANCE_SHARED", ROOT.parent / "shared"))
FIXTURES = SHARED / "bench" / "yente_candidate_fixtures"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## HTTP API"


def load_queries(limit: int = 2000) -> list[dict]:
    queries = []
    for name in ("positives_un_treated.csv", "negatives_global.csv", "negatives_us.csv"):
        with open(FIXTURES / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                props: dict[str, list[str]] = {"name": [row["full_name"]]}
                if row.get("date_of_birth"):
                    props["birthDate"] = [row["date_of_birth"]]
                if row.get("nationality") and len(row["nationality"]) == 2:
                    props["nationality"] = [row["nationality"]]
                queries.append({"schema": "Person", "properties": props})
    # Interleave listed and unlisted names so every window sees both.
    queries.sort(key=lambda q: hash(q["properties"]["name"][0]) % 997)
    return queries[:limit]


def encode(path: str, body: dict, key: str) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ApiKey {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    await reader.readexactly(length)
    return status


async def client_loop(
    port: int, requests: list[bytes], offset: int, until: float, latencies: list[float]
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    i = offset
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(requests[i % len(requests)])
            status = await read_response(reader)
            latencies.append(time.perf_counter() - started)
            errors += status != 200
            i += 1
    finally:
        writer.close()
    return errors


async def run_level(port: int, requests: list[bytes], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    # A short warm-up at this concurrency, not counted.
    await asyncio.gather(
        *(client_loop(port, requests, i * 7, time.perf_counter() + 1.0, []) for i in range(clients))
    )
    started = time.perf_counter()
    until = started + seconds
    errors = await asyncio.gather(
        *(client_loop(port, requests, i * 31, until, latencies) for i in range(clients))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": sum(errors),
        "rps": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else 0.0,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        if latencies
        else 0.0,
    }


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by `pid` and its child processes (Linux /proc; else 0)."""
    total = 0
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0.0
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def requests_per_worker(log: Path, offset: int) -> list[int]:
    """Requests each worker answered since `offset` of the access log, most first.

    A request id starts with its worker's random prefix (8 hex digits).
    """
    counts: dict[str, int] = {}
    with log.open(encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        for line in handle:
            if line.startswith("{"):
                try:
                    prefix = json.loads(line)["request_id"][:8]
                except (ValueError, KeyError, TypeError):
                    continue
                counts[prefix] = counts.get(prefix, 0) + 1
    return sorted(counts.values(), reverse=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: str, workers: int, port: int, log: Path) -> tuple[subprocess.Popen, float]:
    """`clearance serve` as a user starts it (keys on), with the rate limit off."""
    started = time.perf_counter()
    program = "from clearance.cli.main import app; app()"
    process = subprocess.Popen(
        [
            sys.executable, "-c", program, "--db", db, "serve",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--rate-limit", "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),  # the access log: one JSON line per request
    )  # fmt: skip
    ready = 0
    while ready < 2 * workers:  # several answers in a row: every worker is up
        if process.poll() is not None:
            raise SystemExit("server exited")
        try:
            ready = (
                ready + 1 if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200 else 0
            )
        except httpx.TransportError:
            ready = 0
        time.sleep(0.05)
    return process, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=os.environ.get("CLEARANCE_DB"), help="loaded store")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--levels", default="1,8,32", help="clients, one-query requests")
    parser.add_argument("--batch-levels", default="1,4", help="clients, 100-query requests")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp()) / "clearance.db")

    from clearance.api import KeyStore
    from clearance.store import open_store

    store = open_store(db)  # an empty store gets the bundled snapshot here
    _key, secret = KeyStore(store.engine).create(["read"], "bench/http_api.py")
    queries = load_queries()
    single = [encode("/match/default", {"queries": {"q": q}}, secret) for q in queries]
    batches = [
        encode(
            "/match/default",
            {"queries": {str(j): queries[(i + j) % len(queries)] for j in range(100)}},
            secret,
        )
        for i in range(0, len(queries), 100)
    ]
    load_before = os.getloadavg()[0]
    print(f"load average before: {os.getloadavg()}")
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "serve.log"
    process, startup = start_server(db, args.workers, port, log)
    try:
        results = []
        runs = [("1 query", single, int(x)) for x in args.levels.split(",") if x]
        runs += [("100 queries", batches, int(x)) for x in args.batch_levels.split(",") if x]
        for kind, requests, level in runs:
            cpu_before = server_cpu_seconds(process.pid)
            log_before = log.stat().st_size
            result = asyncio.run(run_level(port, requests, level, args.seconds))
            cpu = server_cpu_seconds(process.pid) - cpu_before  # includes the 1 s warm-up
            result["server_cpu_ms"] = cpu * 1000 / max(1, result["requests"])
            result["per_worker"] = requests_per_worker(log, log_before)
            results.append((kind, result))
            print(json.dumps({"match": kind, **result}))
    finally:
        process.terminate()
        process.wait(timeout=30)
    load_after = os.getloadavg()[0]
    table = [
        "| request | clients | req/s | queries/s | p50 ms | p99 ms | errors "
        "| server CPU ms/req | requests per worker |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind, r in results:
        per = 100 if kind == "100 queries" else 1
        split = " / ".join(f"{n:,}" for n in r["per_worker"])
        table.append(
            f"| `/match`, {kind} | {r['clients']} | {r['rps']:,.0f} | {r['rps'] * per:,.0f} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} "
            f"| {r['server_cpu_ms']:.2f} | {split} |"
        )
    at_32 = next((r for kind, r in results if kind == "1 query" and r["clients"] == 32), None)
    if at_32 is None:
        verdict = "Goal of issue 5 not measured (no 32-client level in this run)."
    else:
        met = at_32["rps"] >= 1000 and at_32["p99_ms"] <= 50 and at_32["errors"] == 0
        verdict = (
            f"Goal of issue 5: ≥ 1,000 req/s and p99 ≤ 50 ms at 32 clients on 2 cores: "
            f"**{'met' if met else 'not met'}** in this run ({at_32['rps']:,.0f} req/s, "
            f"p99 {at_32['p99_ms']:.0f} ms)."
        )
    verdict += (
        f" Start to ready ≤ 5 s: **{'met' if startup <= 5 else 'not met'}** ({startup:.1f} s, "
        f"{args.workers} workers)."
    )
    busy = load_before > 1.5  # the run itself raises the load: judge the machine before it
    text = "\n".join(
        [
            SECTION,
            "",
            f"`python bench/http_api.py --workers {args.workers} --seconds {args.seconds:g} "
            "--write-docs` on "
            f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}; `clearance serve --workers {args.workers} "
            "--rate-limit 0` (workers forked by gunicorn from a parent that loaded the app and "
            "the index, each listening on its own SO_REUSEPORT socket; uvicorn with httptools "
            "and uvloop in each), API keys on, access log on (to a file), the load generator "
            "in the same machine (loopback). "
            f"Server start to ready (cached index): {startup:.1f} s.",
            "",
            *table,
            "",
            f"Queries: {len(queries)} person names with birth date and nationality from "
            "shared/bench/yente_candidate_fixtures (listed UN names and unlisted names), cycled "
            "through; each request is a yente `/match` body. Each level runs 1 s unmeasured "
            "first. The 1-client level meets most names for the first time in each worker "
            "(the matcher's caches are cold): its p99 is a first-pass figure.",
            "",
            f"Load average of the machine (1 min): {load_before:.1f} before, {load_after:.1f} "
            "after"
            + (
                " — other jobs were using the 2 cores at the same time, so these figures are a "
                "floor: the server CPU per request is the steadier measure."
                if busy
                else "."
            ),
            "",
            verdict,
            "",
            "Before the server's fixes of issue 5's follow-up (TCP_NODELAY on multi-worker "
            "sockets, headers and body in one write, audit records written in groups off the "
            "request path, httptools + uvloop, `/match` parameters read directly), the same "
            "benchmark on an idle machine gave 19 req/s (p50 48 ms: every keep-alive response "
            "waited 40 ms for a delayed ACK) at 1 client and 175 req/s, p99 279 ms at 32 "
            "clients. After them, and before the workers were forked from a preloaded parent "
            "(they were spawned, each loading the index, all accepting from one shared socket) "
            "and before `/match` skipped FastAPI's dependency solving: 1,207 req/s, p99 55 ms "
            "at 32 clients, start to ready 6.3 s. The column *requests per worker* shows how "
            "the kernel spread the connections; on one shared socket it was as bad as 25 to 7.",
            "",
        ]
    )
    print(text)
    if args.write_docs:
        current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
        if SECTION in current:
            before, _, rest = current.partition(SECTION)
            after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
            current = before + text + ("\n" + after if after else "")
        else:
            current = current.rstrip("\n") + "\n\n" + text
        DOCS.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    main()
