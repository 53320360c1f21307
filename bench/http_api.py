"""HTTP API load test on loopback: req/s and p50/p99 of POST /match.

    python bench/http_api.py --db clearance.db [--workers 2] [--seconds 10] [--write-docs]

Starts `clearance serve`'s app under uvicorn (keys on, rate limit off) in a
subprocess, then drives it from this process with a small asyncio HTTP/1.1
keep-alive client (pre-encoded requests, no HTTP library on the hot path): 1, 8
and 32 concurrent clients sending one-query `/match` requests, then 100-query
`/match` requests. Queries are the names, birth dates and nationalities of
shared/bench/yente_candidate_fixtures (listed UN names and unlisted names).
The load generator shares the machine's cores with the server: the figures are
a floor for what the server alone would do.
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

# This file is named http.py: its folder must not shadow the standard library's `http`.
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
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "serve.log"
    process, startup = start_server(db, args.workers, port, log)
    try:
        results = []
        for level in [int(x) for x in args.levels.split(",")]:
            result = asyncio.run(run_level(port, single, level, args.seconds))
            results.append(("1 query", result))
            print(json.dumps({"match": "1 query", **result}))
        for level in [int(x) for x in args.batch_levels.split(",") if x]:
            result = asyncio.run(run_level(port, batches, level, args.seconds))
            results.append(("100 queries", result))
            print(json.dumps({"match": "100 queries", **result}))
    finally:
        process.terminate()
        process.wait(timeout=30)
    table = [
        "| request | clients | req/s | queries/s | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, r in results:
        per = 100 if kind == "100 queries" else 1
        table.append(
            f"| `/match`, {kind} | {r['clients']} | {r['rps']:,.0f} | {r['rps'] * per:,.0f} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
        )
    text = "\n".join(
        [
            SECTION,
            "",
            f"`python bench/http_api.py --workers {args.workers} --seconds {args.seconds:g} "
            "--write-docs` on "
            f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}; uvicorn with {args.workers} workers, API keys "
            "on, rate limit off, the load generator in the same machine (loopback). "
            f"Server start to ready (cached index): {startup:.1f} s.",
            "",
            *table,
            "",
            f"Queries: {len(queries)} person names with birth date and nationality from "
            "shared/bench/yente_candidate_fixtures (listed UN names and unlisted names); "
            "each request is a yente `/match` body.",
            "",
            f"Load average of the machine when run: {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after (other jobs shared the 2 cores: the figures are "
            "a floor). Goal of issue 5: ≥ 1,000 req/s and p99 ≤ 50 ms at 32 clients on 2 "
            "cores. Not met here. In process, one `Screener.check` of a name seen before "
            "plus rendering costs about 2.5-3 ms of one core, and a name never seen before "
            "several times that (the matcher's token caches are cold; bench/match.py has the "
            "matcher alone), so two cores top out below 1,000 single-query requests a second "
            "before any HTTP cost; the HTTP layer (key check, parsing, rendering) adds about "
            "a millisecond more. The `ms` of the access log gives server-side times. "
            "Batching (100 queries a request) gives the most queries a second.",
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
