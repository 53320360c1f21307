"""Hostile cases against clearance, class by class; writes docs/reliability.md.

    python bench/reliability.py [--fuzz 200] [--http 200] [--soak soak.json] [--write-docs]
    python bench/reliability.py --only http --only audit --http 5   # check some classes

Every case runs against the real product: loaders through `load_list_files` (hostile
files each in a child process, whose peak memory is recorded), the HTTP API and the web
page on a live server over a store of the bundled snapshot, the audit trail on a store
of its own, concurrent loads on SQLite (and PostgreSQL when CLEARANCE_TEST_PG_URL names
one). A case passes when the product answers as it must (a clean refusal naming the
file, a 4xx, a named tampering, a served request); the table counts cases and passes.
`--soak` adds the figures of a `bench/soak.py --json` run (the one in docs/reliability.md
is kept in bench/results/).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))  # the tests' hostile files and fuzz cases, shared

DOCS = ROOT / "docs" / "reliability.md"
CLI = "from clearance.cli.main import app; app()"


@dataclass
class Row:
    kind: str  # files | HTTP | web | audit | concurrency
    case: str
    tried: int = 0
    passed: int = 0
    notes: list[str] = field(default_factory=list)
    requests: bool = False  # the soak's requests, counted apart from hostile cases

    def check(self, ok: bool, note: str | None = None) -> None:
        self.tried += 1
        self.passed += bool(ok)
        if not ok and note:
            self.notes.append(note)


# ----------------------------------------------------------------------------- files

CHILD = r"""
import json, resource, sys, traceback
from pathlib import Path
from clearance.loaders.errors import ListFormatError
from clearance.loaders.registry import load_list_files
list_id, role, path = sys.argv[1:4]
try:
    result = load_list_files(list_id, {role: Path(path)})
    outcome = {"outcome": "loaded", "entities": len(result.entities)}
except ListFormatError as exc:
    outcome = {"outcome": "refused", "message": str(exc)}
except BaseException as exc:
    outcome = {"outcome": "crashed", "message": traceback.format_exc(limit=-3)}
outcome["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(outcome))
"""


def baseline_mib() -> float:
    """Peak memory of a child that imports the loaders and loads nothing."""
    code = (
        "import resource; import clearance.loaders.registry, clearance.loaders.un_sc_xml, "
        "clearance.loaders.ofac_enhanced_xml, clearance.loaders.uk_ofsi_xlsx, lxml.etree, "
        "openpyxl; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    return float(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )


def hostile_file_rows(lists: Path) -> list[Row]:
    from tests.loaders.hostile_files import hostile_files

    rows = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        for hostile in hostile_files(lists):
            path = Path(folder) / hostile.name
            hostile.make(path)
            run = subprocess.run(
                [sys.executable, "-c", CHILD, hostile.list_id, hostile.role, str(path)],
                capture_output=True,
                text=True,
                timeout=600,
            )
            row = Row("files", hostile.what)
            try:
                outcome = json.loads(run.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                row.check(False, f"no answer: {run.stderr[-300:]}")
                rows.append(row)
                continue
            ok = outcome["outcome"] == "refused" and outcome["peak_mib"] < 300
            row.check(ok, outcome.get("message", "")[:200])
            row.notes.append(
                f"{outcome['outcome']}, peak {outcome['peak_mib']:.0f} MiB: "
                f"{_clip(outcome.get('message', ''), 160)}"
            )
            rows.append(row)
            path.unlink()
    return rows


def fuzz_rows(lists: Path, cases: int) -> list[Row]:
    """bench/fuzz_loaders.py's run, `cases` fresh random cases per format."""
    import importlib.util

    from tests.loaders.fuzzing import fuzz_formats

    spec = importlib.util.spec_from_file_location("fuzz_loaders", ROOT / "bench/fuzz_loaders.py")
    assert spec is not None and spec.loader is not None
    fuzz = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = fuzz
    spec.loader.exec_module(fuzz)
    rows = []
    for fmt in fuzz_formats(lists, ROOT / "tests" / "fixtures"):
        found = fuzz.run(fmt, cases, hang=60.0)
        row = Row("files", f"mutated {fmt.name} (truncated, flipped, lines inserted/deleted)")
        row.tried = found["cases"] + found["failures"]
        row.passed = found["cases"]
        row.notes.append(f"{found['loaded']} loaded, {found['refused']} refused naming the file")
        if found["failure"]:
            row.notes.insert(0, "FAILED: " + found["failure"].splitlines()[-1][:200])
        rows.append(row)
    return rows


# ------------------------------------------------------------------------ HTTP, web


def fuzz_endpoint(http: Any, path: str, bodies: Any, row: Row, cases: int) -> None:
    """POST `cases` bodies drawn from `bodies` to `path`; a 5xx is a failed case."""
    from collections import Counter

    from hypothesis import HealthCheck, given, settings

    statuses: Counter[int] = Counter()

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies)
    def case(body: object) -> None:
        if path == "/reconcile":
            answer = http.post(path, data={"queries": json.dumps(body)})
        else:
            answer = http.post(path, json=body)
        statuses[answer.status_code] += 1
        row.check(answer.status_code < 500, f"{answer.status_code}: {answer.text[:120]}")

    case()
    row.notes.append(
        "status " + ", ".join(f"{c} for {n:,}" for c, n in sorted(statuses.items(), reverse=True))
    )


def http_rows(db: str, cases: int) -> list[Row]:
    import httpx
    from hypothesis import strategies as st

    from clearance.api import ApiSettings, KeyStore, create_app
    from clearance.store import ListStore
    from tests.api.conftest import start_server

    key = KeyStore(ListStore.open(db).engine).create(["admin"], "reliability")[1]
    server = start_server(
        create_app(ApiSettings(db=db, rate_limit_per_minute=0, failures_per_address=10_000))
    )
    auth = {"Authorization": f"ApiKey {key}"}
    rows = []
    try:
        http = httpx.Client(base_url=server.url, headers=auth, timeout=120)
        json_values = st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats(allow_nan=False, allow_infinity=False)  # what JSON can carry
            | st.text(max_size=60),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.text(max_size=12), inner, max_size=4)
            ),
            max_leaves=12,
        )
        for path, shape in (
            (
                "/check",
                st.fixed_dictionaries(
                    {"name": json_values},
                    optional={
                        "type": json_values,
                        "birth_date": json_values,
                        "identifiers": json_values,
                        "limit": json_values,
                    },
                ),
            ),
            (
                "/match/default",
                st.fixed_dictionaries(
                    {
                        "queries": st.dictionaries(
                            st.text(max_size=8),
                            st.fixed_dictionaries(
                                {"schema": json_values, "properties": json_values}
                            ),
                            max_size=3,
                        )
                    }
                ),
            ),
            ("/scan", st.fixed_dictionaries({"text": json_values})),
            ("/reconcile", st.just(None)),
        ):
            row = Row("HTTP", f"POST {path} with fuzzed JSON bodies")
            fuzz_endpoint(http, path, shape if path != "/reconcile" else json_values, row, cases)
            rows.append(row)

        row = Row("HTTP", "malformed bodies: not JSON, wrong content type, 2 MB body")
        for content, headers in (
            (b"{", {"Content-Type": "application/json"}),
            (b"\xff\xfe\x00", {"Content-Type": "application/json"}),
            (b"name=x", {"Content-Type": "application/x-www-form-urlencoded"}),
            (b"x" * 2_000_000, {"Content-Type": "application/json"}),
        ):
            answer = http.post("/check", content=content, headers=headers)
            row.check(400 <= answer.status_code < 500, f"{answer.status_code}")
        rows.append(row)

        row = Row("HTTP", 'empty or invisible names ("", spaces, BOM, zero-width, bidi)')
        for name in ("", "  ", "\ufeff", "\u200b\u200e", "\u00ad"):
            row.check(http.post("/check", json={"name": name}).status_code == 422)
            query = {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
            row.check(http.post("/match/default", json=query).status_code in (422,))
        rows.append(row)

        row = Row("HTTP", "invisible characters inserted into a name change nothing")
        plain = http.post("/check", json={"name": "Vladimir Putin"}).json()["hits"]
        for garbled in (
            "\ufeffVladimir Putin",
            "Vla\u200bdimir Pu\u00adtin",
            "\u202eVladimir Putin\u2066",
        ):
            hits = http.post("/check", json={"name": garbled}).json()["hits"]
            row.check([h["entity_id"] for h in hits] == [h["entity_id"] for h in plain])
        rows.append(row)

        row = Row("HTTP", "a failed job's error names the user's file, no server path")
        for filename, data in (("ventes.parquet", b"PAR1 nope"), ("клиенты.xlsx", b"PK\x03\x04 x")):
            job = http.post("/screen", files={"file": (filename, data)}).json()
            for _ in range(600):
                state = http.get(f"/jobs/{job['id']}").json()
                if state["status"] in ("done", "failed"):
                    break
                time.sleep(0.1)
            error = state.get("error") or ""
            row.check(filename in error and tempfile.gettempdir() not in error, error[:120])
        rows.append(row)
    finally:
        server.stop()
    return rows


def web_rows(db: str) -> list[Row]:
    import re
    from contextlib import closing

    import httpx

    from clearance.api import ApiSettings, create_app
    from clearance.store import ListStore
    from clearance.web.users import UserStore
    from tests.api.conftest import start_server
    from tests.web.conftest import csrf_of, sign_in

    password = "correct horse battery staple"
    name = f"rel-{os.getpid()}"
    UserStore(ListStore.open(db).engine).create(name, password, "analyst", "reliability")
    server = start_server(create_app(ApiSettings(db=db, rate_limit_per_minute=0)))
    rows = []
    try:
        row = Row("web", "password spraying from one address: throttled (429), others unaffected")
        for n in range(11):
            with httpx.Client(base_url=server.url, headers={"X-Forwarded-For": "10.66.0.1"}) as c:
                token = re.search(r'name="login_csrf" value="([^"]+)"', c.get("/ui/login").text)
                assert token
                answer = c.post(
                    "/ui/login",
                    data={"username": f"u{n}", "password": "Spring2026!!x", "login_csrf": token[1]},
                )
                row.check(answer.status_code == 401, f"{answer.status_code}")
        with httpx.Client(base_url=server.url, headers={"X-Forwarded-For": "10.66.0.1"}) as c:
            token = re.search(r'name="login_csrf" value="([^"]+)"', c.get("/ui/login").text)
            assert token
            answer = c.post(
                "/ui/login", data={"username": name, "password": password, "login_csrf": token[1]}
            )
            row.check(answer.status_code == 429, f"{answer.status_code}")
        rows.append(row)

        row = Row("web", "wrong API keys from one address: 401, then 429 (Retry-After)")
        for n in range(12):
            answer = httpx.get(
                f"{server.url}/catalog",
                headers={"Authorization": f"ApiKey clr_guess{n}", "X-Forwarded-For": "10.77.0.1"},
            )
            expected = 401 if n <= 10 else 429
            row.check(answer.status_code == expected, f"{n}: {answer.status_code}")
        rows.append(row)

        with closing(sign_in(server.url, name, password)) as client:
            token = csrf_of(client.get("/ui/batch").text)
            row = Row("web", "form posts without the CSRF token or from another site: 403")
            row.check(client.post("/ui/check", data={"name": "x"}).status_code == 403)
            row.check(
                client.post(
                    "/ui/check",
                    data={"name": "x", "csrf_token": token},
                    headers={"Origin": "https://evil.example"},
                ).status_code
                == 403
            )
            rows.append(row)

            row = Row("web", "uploads under non-Latin names: result and report download (RFC 6266)")
            for filename in ("клиенты.csv", "客户名单.csv", "عملاء.csv", 'a"b;c.csv'):
                made = client.post(
                    "/ui/batch",
                    data={"csrf_token": token},
                    files={"file": (filename, b"name\nHiguision\n", "text/csv")},
                )
                job = made.headers.get("location", "")
                for _ in range(600):
                    if client.get(job + "/status").json()["status"] in ("done", "failed"):
                        break
                    time.sleep(0.1)
                for suffix in ("/result.csv", "/report.html"):
                    row.check(client.get(job + suffix).status_code == 200, f"{filename}{suffix}")
            rows.append(row)

            row = Row("web", "spreadsheet formulas in uploaded cells come back as text")
            cells = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)"]
            table = "name,note\n" + "".join(
                f'Higuision,"{c.replace(chr(34), chr(34) * 2)}"\n' for c in cells
            )
            made = client.post(
                "/ui/batch",
                data={"csrf_token": token},
                files={"file": ("f.csv", table.encode(), "text/csv")},
            )
            job = made.headers.get("location", "")
            for _ in range(600):
                if client.get(job + "/status").json()["status"] in ("done", "failed"):
                    break
                time.sleep(0.1)
            result = client.get(job + "/result.csv").text
            for cell in cells:
                row.check(("'" + cell).replace('"', '""') in result, cell)
            rows.append(row)

            row = Row("web", "invisible name on the check page: 422")
            answer = client.post("/ui/check", data={"name": "\u200b\ufeff", "csrf_token": token})
            row.check(answer.status_code == 422)
            rows.append(row)
    finally:
        server.stop()
    return rows


# ----------------------------------------------------------------------------- audit


def audit_rows() -> list[Row]:
    from sqlalchemy import delete, update

    from clearance.audit import record, verify
    from clearance.audit.checkpoints import verify_against, write_checkpoint
    from clearance.audit.keys import AuditKeyring, audit_keyring
    from clearance.audit.tables import audit_log
    from clearance.store import ListStore
    from tests.audit.tampering import move_head, recompute_chain

    def fresh(folder: Path) -> tuple[ListStore, Path]:
        store = ListStore.open(str(folder / "audit.db"))
        for n in range(1, 21):
            record(store.engine, f"user:u{n % 3}", "config.change", {"n": n})
        ckpt = folder / "audit.ckpt"
        write_checkpoint(store.engine, str(ckpt))
        return store, ckpt

    keyring = audit_keyring()
    wrong = AuditKeyring({keyring.current_id: b"w" * 64}, keyring.current_id, "attacker")
    tamperings: list[tuple[str, Callable[[ListStore], None], bool]] = [
        (
            "a record's payload edited",
            lambda s: _exec(
                s, update(audit_log).where(audit_log.c.seq == 5).values(payload='{"n":55}')
            ),
            False,
        ),
        (
            "a record's actor edited",
            lambda s: _exec(
                s, update(audit_log).where(audit_log.c.seq == 6).values(actor="user:mallory")
            ),
            False,
        ),
        (
            "a record in the middle deleted",
            lambda s: _exec(s, delete(audit_log).where(audit_log.c.seq == 9)),
            False,
        ),
        (
            "two records swapped",
            lambda s: (
                _exec(s, update(audit_log).where(audit_log.c.seq == 3).values(seq=-3)),
                _exec(s, update(audit_log).where(audit_log.c.seq == 4).values(seq=3)),
                _exec(s, update(audit_log).where(audit_log.c.seq == -3).values(seq=4)),
            ),
            False,
        ),
        (
            "newest records deleted, head moved back",
            lambda s: (_exec(s, delete(audit_log).where(audit_log.c.seq > 15)), move_head(s, 15)),
            True,
        ),
        (
            "every record deleted, head reset",
            lambda s: (_exec(s, delete(audit_log)), move_head(s, 0)),
            True,
        ),
        (
            "chain recomputed without the key",
            lambda s: recompute_chain(s, {7: '{"n":0}'}, keyring.current_id, wrong),
            False,
        ),
        (
            "chain recomputed as unkeyed (downgrade)",
            lambda s: recompute_chain(s, {7: '{"n":0}'}, None),
            True,
        ),
        (
            "chain recomputed with the key (insider)",
            lambda s: recompute_chain(s, {7: '{"n":0}'}, keyring.current_id, keyring),
            True,
        ),
    ]
    rows = []
    for what, tamper, needs_checkpoint in tamperings:
        row = Row("audit", what)
        with tempfile.TemporaryDirectory(prefix="audit-") as folder:
            store, ckpt = fresh(Path(folder))
            tamper(store)
            chain = verify(store.engine)
            against = verify_against(store.engine, ckpt)
            caught = (not chain.ok) or bool(against)
            by = "verify" if not chain.ok else "verify --against" if against else "nothing"
            row.check(caught and (needs_checkpoint or not chain.ok), by)
            row.notes.append(f"caught by {by}")
            store.engine.dispose()
        rows.append(row)
    row = Row("audit", "a checkpoint line forged (seq changed)")
    with tempfile.TemporaryDirectory(prefix="audit-") as folder:
        store, ckpt = fresh(Path(folder))
        line = json.loads(ckpt.read_text())
        ckpt.write_text(json.dumps({**line, "seq": 3}) + "\n")
        row.check(any("forged or edited" in p for p in verify_against(store.engine, ckpt)))
        store.engine.dispose()
    rows.append(row)
    return rows


def _exec(store: object, statement: object) -> None:
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(statement)


# ----------------------------------------------------------------------- concurrency


def concurrency_rows(lists: Path) -> list[Row]:
    import copy

    from clearance.loaders.registry import load_list_files
    from clearance.store import ListStore, SourceFile
    from clearance.store.writer_lock import writer_lock

    un = load_list_files("un-sc", {"xml": lists / "un_sc/2026-02-27/consolidated.xml"})
    urls = []
    with tempfile.TemporaryDirectory(prefix="race-") as folder:
        urls.append(("SQLite", str(Path(folder) / "race.db")))
        if os.environ.get("CLEARANCE_TEST_PG_URL"):
            from tests.monitoring.backends import reset_postgres

            reset_postgres(os.environ["CLEARANCE_TEST_PG_URL"])
            urls.append(("PostgreSQL", os.environ["CLEARANCE_TEST_PG_URL"]))
        rows = []
        for label, url in urls:
            row = Row("concurrency", f"4 loads of one list at once ({label})")
            ListStore.open(url).engine.dispose()
            errors: list[str] = []
            barrier = threading.Barrier(4)

            def load(
                tag: str,
                url: str = url,
                barrier: threading.Barrier = barrier,
                errors: list[str] = errors,
            ) -> None:
                entities = copy.deepcopy(un.entities[:300])
                for entity in entities[:5]:
                    entity.remarks = f"edited {tag}"
                result = copy.copy(un)
                result.entities = entities
                store = ListStore.open(url)
                barrier.wait()
                try:
                    store.record_load(
                        result, [SourceFile("xml", "x.xml", tag * 64, 1)], tag, "file", force=True
                    )
                except Exception as exc:  # noqa: BLE001 - the finding
                    errors.append(f"{type(exc).__name__}: {exc}"[:160])
                store.engine.dispose()

            for _attempt in range(3):
                threads = [threading.Thread(target=load, args=(t,)) for t in "abcd"]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                row.tried += 4
                row.passed += 4 - len(errors)
                row.notes.extend(errors)
                errors.clear()
            rows.append(row)

            row = Row("concurrency", f"a load while another holds the store ({label})")
            store = ListStore.open(url)
            xml = str(lists / "un_sc/2026-02-27/consolidated.xml")
            with writer_lock(store.engine, "un-sc"):
                busy = subprocess.run(
                    [sys.executable, "-c", CLI, "--db", url, "load", "--no-wait", xml],
                    capture_output=True,
                    text=True,
                )
                row.check(
                    busy.returncode == 1
                    and "another load of un-sc is running" in busy.stderr
                    and "Traceback" not in busy.stderr,
                    busy.stderr[-200:],
                )
                waiting = subprocess.Popen(
                    [sys.executable, "-c", CLI, "--db", url, "load", xml],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                time.sleep(8)
            out, err = waiting.communicate(timeout=600)
            row.check(waiting.returncode == 0 and "waiting" in err, err[-200:])
            store.engine.dispose()
            rows.append(row)
    return rows


def soak_rows(path: Path) -> list[Row]:
    data = json.loads(path.read_text())
    row = Row(
        "concurrency",
        f"/match at {data['clients']} clients for {data['minutes']:g} min, "
        "a list update in the middle",
    )
    row.tried = data["requests"]
    row.passed = data["requests"] - data["errors"]
    row.requests = True
    row.notes.append(
        f"p99 before {data['before']['p99_ms']:.0f} ms, during {data['during']['p99_ms']:.0f} ms "
        f"({data['p99_ratio']:.2f}x); server memory {data['memory_growth']:+.1%}"
    )
    return [row]


# ---------------------------------------------------------------------------- output


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render(rows: list[Row], command: str, seconds: float) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "# Reliability: hostile cases and what clearance does with them",
        "",
        "Generated by `bench/reliability.py` (do not edit by hand): every case below was run",
        "against the real product. A case passes when the product answers as it must: a list",
        "file refused in one line naming it (and, for the hostile files, in under 300 MiB of",
        "peak memory in the loading process), a 4xx rather than a 5xx, a tampering named by",
        "`audit verify` or `audit verify --against` a checkpoint, a concurrent load that waits",
        "or says why it will not. See docs/audit.md for what the audit trail does not cover.",
        "",
        f"`{command}` on {platform.machine()}, Python {platform.python_version()}, "
        f"{date.today()}, {seconds:.0f} s (load average {load}).",
        "",
        "| class | case | tried | passed | outcome |",
        "|---|---|---:|---:|---|",
    ]
    for row in rows:
        notes = "; ".join(row.notes[:3]) or (
            "as the case says" if row.passed == row.tried else "failed"
        )
        notes = notes.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {row.kind} | {row.case} | {row.tried:,} | {row.passed:,} | {notes} |")
    cases = [r for r in rows if not r.requests]
    tried = sum(r.tried for r in cases)
    passed = sum(r.passed for r in cases)
    lines += ["", f"Total: {tried:,} hostile cases, {passed:,} passed, {tried - passed:,} not."]
    for soak in (r for r in rows if r.requests):
        lines.append(
            f"The soak's {soak.tried:,} requests, counted apart: "
            f"{soak.tried - soak.passed:,} errors (docs/benchmarks.md, section Soak)."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fuzz", type=int, default=200, help="mutated files per format")
    parser.add_argument("--http", type=int, default=200, help="fuzzed bodies per endpoint")
    parser.add_argument("--db", help="a store holding the bundled snapshot (default: a new one)")
    parser.add_argument("--soak", type=Path, help="a bench/soak.py --json result to include")
    parser.add_argument("--write-docs", action="store_true", help=f"write {DOCS}")
    parser.add_argument(
        "--only",
        action="append",
        choices=["files", "http", "web", "audit", "concurrency"],
        help="run these classes only (repeatable; to check a change, not for the docs)",
    )
    args = parser.parse_args()
    if args.only and args.write_docs:
        parser.error("--write-docs needs every class: leave out --only")
    from tests.conftest import LISTS

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="reliability-") as folder:
        db = args.db
        if db is None:
            db = str(Path(folder) / "snapshot.db")
            subprocess.run(
                [sys.executable, "-c", CLI, "--db", db, "lists"], check=True, capture_output=True
            )
        rows: list[Row] = []
        stages: list[tuple[str, Callable[[], list[Row]]]] = [
            ("files", lambda: hostile_file_rows(LISTS)),
            ("files", lambda: fuzz_rows(LISTS, args.fuzz)),
            ("http", lambda: http_rows(db, args.http)),
            ("web", lambda: web_rows(db)),
            ("audit", audit_rows),
            ("concurrency", lambda: concurrency_rows(LISTS)),
        ]
        for kind, stage in stages:
            if args.only and kind not in args.only:
                continue
            found = stage()
            for row in found:
                print(f"{row.kind:12} {row.case[:70]:70} {row.passed}/{row.tried}", flush=True)
            rows += found
        if args.soak:
            rows += soak_rows(args.soak)
    command = "python bench/reliability.py " + " ".join(sys.argv[1:])
    text = render(rows, command.strip(), time.monotonic() - started)
    if args.write_docs:
        DOCS.write_text(text)
    print(text)
    sys.exit(0 if all(r.passed == r.tried for r in rows) else 1)


if __name__ == "__main__":
    main()
