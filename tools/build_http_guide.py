"""Write docs/http-api.md from real requests to a real `clearance serve`.

The guide's examples are `curl` commands; this script starts the server on a store
holding the bundled snapshot, creates API keys with `clearance keys create`, sends each
documented command's request with httpx and writes the response it got.
tests/docs/test_http_guide.py reads the same commands back (`parse_curl`, `send`) and
checks that the server still answers what the guide shows. Run from the repository root:

    python tools/build_http_guide.py --db /path/to/store.db

The store should be a copy: the script adds keys, revokes one and leaves a job.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "http-api.md"
TEXT_WIDTH = 110  # longer lines of text bodies (the CSV result) are cut, marked with "…"
ONE_LINE_LIST = 88  # a list of plain values shorter than this is written on one line
SECRET = re.compile(r"^clr_[0-9a-f]+_\S+$", re.M)
VARIABLE = re.compile(r"\$([A-Z_]+)")

# ----------------------------------------------------------------- curl commands


@dataclass
class CurlRequest:
    """What a documented `curl` command sends (the options the guide uses, no others)."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # -d: the text, or "@file"
    form: list[tuple[str, str]] = field(default_factory=list)  # --data-urlencode
    parts: list[tuple[str, str]] = field(default_factory=list)  # -F (value "@file": a file)
    include_headers: bool = False  # -i


def parse_curl(command: str, variables: Mapping[str, str]) -> CurlRequest:
    """The request of `command`, with `$NAME`s outside single quotes taken from `variables`."""
    args = shlex.split(command.replace("\\\n", " "))
    if not args or args[0] != "curl":
        raise ValueError(f"not a curl command: {command!r}")
    method: str | None = None
    url: str | None = None
    request = CurlRequest(method="GET", url="")
    words = iter(args[1:])
    for word in words:
        if word == "-s":
            continue
        if word == "-i":
            request.include_headers = True
        elif word == "-X":
            method = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(":")
            request.headers[name.strip()] = _expand(value.strip(), variables)
        elif word == "-d":
            request.body = next(words)
        elif word == "--data-urlencode":
            name, _, value = next(words).partition("=")
            request.form.append((name, value))
        elif word == "-F":
            name, _, value = next(words).partition("=")
            request.parts.append((name, value))
        elif word.startswith("-"):
            raise ValueError(f"curl option {word} is not one the guide uses")
        else:
            url = _expand(word, variables)
    if url is None:
        raise ValueError(f"no URL in {command!r}")
    request.url = url
    has_body = request.body is not None or request.form or request.parts
    request.method = method or ("POST" if has_body else "GET")
    return request


def _expand(text: str, variables: Mapping[str, str]) -> str:
    return VARIABLE.sub(lambda m: variables[m[1]], text)


def send(client: httpx.Client, request: CurlRequest, folder: Path) -> httpx.Response:
    """Send `request` as curl would; `@file` paths are read relative to `folder`."""
    if request.parts:
        data = {name: value for name, value in request.parts if not value.startswith("@")}
        files = {
            name: (Path(value[1:]).name, (folder / value[1:]).read_bytes())
            for name, value in request.parts
            if value.startswith("@")
        }
        return client.request(
            request.method, request.url, headers=request.headers, data=data, files=files
        )
    if request.form:
        return client.request(
            request.method, request.url, headers=request.headers, data=dict(request.form)
        )
    content: bytes | None = None
    if request.body is not None:
        body = request.body
        content = (folder / body[1:]).read_bytes() if body.startswith("@") else body.encode()
    return client.request(request.method, request.url, headers=request.headers, content=content)


# ----------------------------------------------------------------- responses as shown


def render_json(
    value: Any,
    keep: Mapping[str, int] | None = None,
    omit: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Indented JSON; lists named in `keep` cut to that many items ("… N more x not shown"),
    and the keys `omit[list name]` left out of that list's objects ("… not shown: a, b")."""
    return _render(value, None, keep or {}, omit or {}, 0, ())


def _render(
    value: Any,
    key: str | None,
    keep: Mapping[str, int],
    omit: Mapping[str, Sequence[str]],
    level: int,
    dropped_keys: Sequence[str],
) -> str:
    pad = "  " * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        dropped = [k for k in dropped_keys if k in value]
        entries = [
            f"{pad}  {json.dumps(k, ensure_ascii=False)}: "
            + _render(v, k, keep, omit, level + 1, ())
            for k, v in value.items()
            if k not in dropped
        ]
        text = "{\n" + ",\n".join(entries)
        if dropped:
            text += f"\n{pad}  … not shown: {', '.join(dropped)}"
        return text + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        flat = json.dumps(value, ensure_ascii=False)
        plain = not any(isinstance(v, dict | list) for v in value)
        if plain and len(flat) + len(pad) <= ONE_LINE_LIST:
            return flat
        limit = keep.get(key or "")
        shown = value[:limit] if limit and len(value) > limit else value
        item_omit = omit.get(key or "", ())
        entries = [f"{pad}  " + _render(v, key, keep, omit, level + 1, item_omit) for v in shown]
        text = "[\n" + ",\n".join(entries)
        if len(shown) < len(value):
            text += f"\n{pad}  … {len(value) - len(shown)} more {key} not shown"
        return text + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def render_response(
    response: httpx.Response,
    include_headers: bool,
    keep: Mapping[str, int] | None = None,
    omit: Mapping[str, Sequence[str]] | None = None,
) -> str:
    lines = []
    if include_headers:
        lines.append(f"HTTP/1.1 {response.status_code} {response.reason_phrase}")
        lines += [f"{k.decode()}: {v.decode()}" for k, v in response.headers.raw]
        lines.append("")
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        lines.append(render_json(response.json(), keep, omit))
    else:
        for line in response.text.rstrip("\n").split("\n"):
            cut = len(line) > TEXT_WIDTH
            lines.append(line[: TEXT_WIDTH - 1] + "…" if cut else line)
    return "\n".join(lines)


# ----------------------------------------------------------------- the guide


class Guide:
    """The page being written, and what its examples need: server, keys, last job."""

    def __init__(self, db: str, base: str, folder: Path):
        self.db = db
        self.base = base
        self.folder = folder  # where the examples' relative paths point (the repository)
        self.lines = [
            "# HTTP API",
            "",
            "Every example below is a real request to `clearance serve` with the real response,",
            "made on a store holding the bundled snapshot: `python tools/build_http_guide.py`",
            "regenerates this page, and `tests/docs/test_http_guide.py` sends the requests again",
            "and checks the answers still read the same. JSON is shown indented (pipe `curl`",
            "through `jq` or `python -m json.tool` to see it so); long lists are cut, marked",
            "`… N more results not shown`, and some long fields are left out, marked",
            "`… not shown: properties`. Request ids, job ids, key ids, dates and timings are",
            "those of the run that made the page.",
            "",
        ]
        self.variables: dict[str, str] = {}
        self.client = httpx.Client(timeout=120)
        self.last_job: str | None = None

    def say(self, *text: str) -> None:
        self.lines += [*text, ""]

    def code(self, language: str, text: str) -> None:
        self.lines += [f"```{language}", text.rstrip("\n"), "```", ""]

    def console(self, command: str, output: str) -> None:
        self.code("console", f"$ {command}\n{output}".rstrip("\n"))

    def clearance(self, command: str) -> str:
        """Run `clearance COMMAND` on the guide's store; show it with secrets as `<key>`."""
        args = shlex.split(command)[1:]
        done = subprocess.run(
            [sys.executable, "-m", "clearance", "--db", self.db, *args],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "100"},
            cwd=self.folder,
        )
        if done.returncode != 0:
            raise SystemExit(f"{command!r} exited {done.returncode}:\n{done.stderr}")
        shown = SECRET.sub("<key>", (done.stderr + done.stdout).rstrip("\n"))
        self.console(command, shown)
        return done.stdout.strip()

    def curl(
        self,
        command: str,
        keep: Mapping[str, int] | None = None,
        omit: Mapping[str, Sequence[str]] | None = None,
        expect: int = 200,
        folder: Path | None = None,
    ) -> httpx.Response:
        command = command.replace("{base}", self.base)
        request = parse_curl(command, self.variables)
        response = send(self.client, request, folder or self.folder)
        if response.status_code != expect:
            raise SystemExit(f"{command}\nanswered {response.status_code}: {response.text}")
        self.console(command, render_response(response, request.include_headers, keep, omit))
        return response

    def write(self, path: Path) -> None:
        path.write_text("\n".join(self.lines).rstrip("\n") + "\n")


def json_body(data: Any) -> str:
    """A request body as the guide shows it: single-quoted JSON, indented when long."""
    flat = json.dumps(data, ensure_ascii=False)
    return f"'{flat if len(flat) <= 70 else render_json(data)}'"


def post_json(path: str, key: str, data: Any, include_headers: bool = False) -> str:
    flags = "-s -i" if include_headers else "-s"
    return (
        f'curl {flags} -X POST "{{base}}{path}" \\\n  -H "Authorization: ApiKey ${key}" '
        f'-H "Content-Type: application/json" \\\n  -d {json_body(data)}'
    )


def get(path: str, key: str | None = "KEY", include_headers: bool = False) -> str:
    flags = "-s -i" if include_headers else "-s"
    auth = f' -H "Authorization: ApiKey ${key}"' if key else ""
    return f'curl {flags} "{{base}}{path}"{auth}'


# ----------------------------------------------------------------- servers


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    log: Path
    base: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(db: str, port: int, options: Sequence[str], log: Path) -> Server:
    command = [sys.executable, "-m", "clearance", "--db", db, "serve", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen([*command, *options], stdout=out, stderr=subprocess.STDOUT)
    return Server(process, log, f"http://127.0.0.1:{port}")


def wait_ready(server: Server, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"the server stopped:\n{server.log.read_text()}")
        try:
            if httpx.get(f"{server.base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become ready")


def no_auth_warning(db: str, port: int, log: Path) -> str:
    """What `serve --no-auth` prints before it serves (the server is stopped at once)."""
    server = start_server(db, port, ["--no-auth"], log)
    try:
        deadline = time.monotonic() + 120
        while "can use this server." not in (text := log.read_text()):
            if time.monotonic() > deadline or server.process.poll() is not None:
                raise SystemExit(f"no --no-auth warning:\n{text}")
            time.sleep(0.1)
    finally:
        server.stop()
    return text.split("can use this server.")[0] + "can use this server."


# ----------------------------------------------------------------- sections

PUTIN = {
    "queries": {
        "q1": {
            "schema": "Person",
            "properties": {
                "name": ["Vladimir Putin"],
                "birthDate": ["1952-10-07"],
                "nationality": ["ru"],
            },
        }
    }
}
HIGUISION = {"queries": {"c1": {"schema": "Company", "properties": {"name": ["Higuision"]}}}}
ROSNEFT = {"queries": {"r1": {"schema": "Company", "properties": {"name": ["Rosneft"]}}}}
RESULT_DETAIL = ("properties", "explanations", "effects")
MATCH_PARAMETERS = [
    ("limit", "5", "results per query (1-500)"),
    ("threshold", "0.8", "score from which `match` is true"),
    ("cutoff", "`threshold`", "results scoring below are dropped"),
    ("include_dataset", "all", "keep only parties on these lists (repeatable)"),
    ("exclude_dataset", "none", "drop parties all of whose lists are among these (repeatable)"),
    ("exclude_entity_ids", "none", "drop these records (repeatable)"),
    ("topics", "all", "keep parties on lists of these topics: `sanction`, `export.control`"),
    (
        "algorithm",
        "",
        "accepted for yente clients and echoed in `matcher.requested`; clearance's matcher is used",
    ),
]


def section_server(guide: Guide, warning: str) -> None:
    guide.say(
        "## Start the server",
        "",
        "`clearance serve` runs the API under uvicorn on the same store as the CLI (SQLite in",
        "the user data directory, or `--db PATH|URL` / `CLEARANCE_DB`; an empty store is",
        "filled from the bundled snapshot first). It listens on 127.0.0.1:8000 unless told",
        "otherwise; every option is in `clearance serve --help`.",
    )
    guide.code(
        "bash",
        "clearance serve                                  # 127.0.0.1:8000, one process\n"
        "clearance serve --host 0.0.0.0 --port 8000 --workers 2",
    )
    guide.say(
        "With `--workers N` (on Linux and macOS) the server loads the match index once and",
        "forks N worker processes from it under gunicorn, which restarts a worker that dies;",
        "the workers share the index's memory. Screening jobs live in the store, so any worker",
        "answers for any job, and a job is run by one worker only.",
        "",
        "`GET /healthz` answers `ok` as soon as the process serves HTTP (use it as the liveness",
        'probe). `GET /readyz` answers `503 {"status": "loading"}` while the index of the lists',
        'in force is still being loaded and `200 {"status": "ok"}` once screening requests',
        "will be answered at full speed (use it as the readiness probe, and to know when a",
        "script may start). Neither needs a key.",
    )
    guide.curl(get("/healthz", key=None))
    guide.curl(get("/readyz", key=None))
    guide.say(
        "The OpenAPI description is at `/openapi.json`, with interactive pages at `/docs` and",
        "`/redoc`; it also describes the monitoring endpoints this page leaves out",
        "(`POST /monitor`, `GET /alerts`, `POST /alerts/{id}/decision`). Like the probes,",
        "these three need no key: they describe the interface and hold no list data; so",
        "does the reconciliation service's manifest (`GET /reconcile` without `queries`,",
        "below), which OpenRefine fetches without one. The analysts' web page is served by",
        "the same process under `/ui` ([web.md](web.md)), where users sign in with a password",
        "instead.",
        "",
        "Every other request needs an API key (next section). For local experiments a server",
        "may run without keys, and says so:",
    )
    guide.console("clearance serve --no-auth", warning)


def section_keys(guide: Guide) -> None:
    guide.say(
        "## API keys",
        "",
        "A key has one or more scopes: `read` (`/match`, `/search`, `/entities`, `/catalog`,",
        "`/reconcile`, `/alerts`), `screen` (all of `read`, and `/check`, `/scan`, `/screen`,",
        "`/jobs`, `/monitor`) and `admin` (all of `screen`, and every job, not only its own).",
        "`clearance keys create` prints the key once; the store keeps only its SHA-256 hash.",
        "Run these where the server's store is (same `--db` or `CLEARANCE_DB`); the server",
        "need not be restarted.",
    )
    read = guide.clearance("clearance keys create --scope read --label onboarding")
    screen = guide.clearance("clearance keys create --scope screen --label batch-jobs")
    old = guide.clearance("clearance keys create --scope read --label old-laptop")
    guide.variables.update(KEY=read, SCREEN_KEY=screen, OLD_KEY=old)
    guide.say("`keys list` shows ids, scopes and state, never the secrets:")
    guide.clearance("clearance keys list")
    old_id = old.split("_")[1]
    guide.say("`keys revoke ID` stops a key at once (a running server notices within 2 seconds):")
    guide.clearance(f"clearance keys revoke {old_id}")
    guide.say(
        "Send the key as `Authorization: ApiKey <key>` (as OpenSanctions' API and its clients",
        "do) or `Authorization: Bearer <key>`. The examples below use these shell variables:",
    )
    guide.code("bash", "export KEY=<the read key> SCREEN_KEY=<the screen key>")


def section_match(guide: Guide) -> None:
    guide.say(
        "## Match entities (yente-compatible)",
        "",
        "`POST /match/{dataset}` takes yente's request: `queries`, each an example entity",
        "with a FollowTheMoney `schema` (`Person`, `Company`, `Organization`, `LegalEntity`,",
        "`Vessel`, `Airplane` …) and `properties` as lists of strings. `name` (or `alias`,",
        "`firstName`/`lastName`) is required; `birthDate`, `nationality`/`country`/",
        "`jurisdiction` and identifiers (`idNumber`, `passportNumber`, `registrationNumber`,",
        "`imoNumber`, `leiCode` …) weigh in the score. `dataset` is `default` (every list) or",
        "a list id from `/catalog`. The answer has yente's shape (`responses`, each with",
        "`status`, `results`, `total`, `query`); each result is a listed record with its",
        "`score`, `match` (score at or above `threshold`), `datasets` (every list the party",
        "is on), `explanations` and, beyond yente's shape, the legal `effects` of its",
        "listings.",
    )
    guide.curl(post_json("/match/default", "KEY", PUTIN), keep={"effects": 1})
    guide.say(
        'A garbled company name: "Higuision" is Hikvision, on OFAC\'s NS-CMIC list and on',
        "the Entity List (through the Consolidated Screening List):",
    )
    guide.curl(
        post_json("/match/default", "KEY", HIGUISION), omit={"results": ("properties", "effects")}
    )
    guide.say(
        "### Query parameters",
        "",
        "| parameter | default | meaning |",
        "|---|---|---|",
        *[f"| `{name}` | {default} | {meaning} |" for name, default, meaning in MATCH_PARAMETERS],
        "",
        "`limit` caps the results (here the properties, explanations and effects of each",
        "result are left out of the page):",
    )
    guide.curl(
        post_json("/match/default?limit=2", "KEY", ROSNEFT),
        omit={"results": RESULT_DETAIL},
    )
    guide.say(
        "By default only results at or above the threshold come back. With a lower `cutoff`",
        "weaker candidates come back too, with `match: false`; `include_dataset` keeps the",
        'parties on the lists named (`uk-ofsi` lists "ROSNEFT AERO", not Rosneft itself):',
    )
    guide.curl(
        post_json("/match/default?include_dataset=uk-ofsi&cutoff=0.5", "KEY", ROSNEFT),
        omit={"results": RESULT_DETAIL},
    )
    guide.say(
        "`exclude_dataset` drops a party only when every list it is on is excluded: the",
        'Entity List\'s "Rosneft" (only on `us-csl`) goes, Rosneft Oil Company (also on',
        "OFAC's non-SDN lists) stays:",
    )
    guide.curl(
        post_json("/match/default?exclude_dataset=us-csl&limit=2", "KEY", ROSNEFT),
        omit={"results": RESULT_DETAIL},
    )
    guide.say(
        "`topics` filters by the topic of the listings: `export.control` is the BIS Denied",
        "Persons List and the export-control parts of the Consolidated Screening List (Entity",
        "List, Unverified List, Military End-User List, ITAR debarred); `sanction` every other",
        "list and part, the CSL's copies of OFAC's lists included. A list id in the path",
        "screens against that list alone; several",
        "queries go in one request (at most 100):",
    )
    two = {
        "queries": {
            "a": {"schema": "Company", "properties": {"name": ["Hik Vision"]}},
            "b": {"schema": "Person", "properties": {"name": ["Maria Gonzalez"]}},
        }
    }
    guide.curl(
        post_json("/match/us-csl?topics=export.control", "KEY", two),
        omit={"results": RESULT_DETAIL},
    )


def section_read(guide: Guide) -> None:
    guide.say(
        "## Search, entities and the catalog",
        "",
        "`GET /search/{dataset}?q=` finds listed records whose names are like `q` (a lenient",
        "name match scoring 0.6 or more, not a full-text search); `schema`, `limit` (≤ 100)",
        "and `offset` narrow it.",
    )
    guide.curl(get("/search/default?q=hikvision&limit=2"), omit={"results": ("properties",)})
    guide.say(
        "`GET /entities/{id}` returns one record in FollowTheMoney shape. Ids are clearance's",
        "(`<list>:<source id>`, as `clearance show` takes them); `referents` are the records of",
        "the same party on other lists, and `properties.sanctions` the listings of them all",
        "(`?nested=false` leaves both out).",
    )
    guide.curl(get("/entities/ofac-nonsdn:30946"), keep={"sanctions": 1})
    guide.say(
        "`GET /catalog` lists the lists served with the version in force of each (id, date of",
        "publication, entity count, sha256 of the files), in yente's catalog shape; `default`",
        "is all of them.",
    )
    guide.curl(get("/catalog"), keep={"datasets": 2})


def section_screen(guide: Guide) -> None:
    guide.say(
        "## Check one name, with a verdict",
        "",
        "`POST /check` is `clearance check` over HTTP (scope `screen`): `name`, and optionally",
        "`type` (`person`, `organization`, `vessel`, `aircraft`), `country`, `birth_date`,",
        "`identifiers`, `lists`, `as_of` (a date: the list versions in force then), `limit`,",
        "`threshold`, `near` (the N best parties under the threshold, as `near_misses`, each",
        "marked `below_threshold`) and `activity` (`transact`, `export`, `import`, `invest`).",
        "With an activity the answer has a `verdict`: PROHIBITED, LICENCE_REQUIRED, CAUTION or",
        "NO_LISTING_FOUND, with the reasons citing list, programme and legal basis. Every",
        "answer states the `threshold` it used and the `lists` it screened against: each",
        "version with its date and its age on the screening date, `stale` past 30 days (the",
        "server's `CLEARANCE_STALE_DAYS` or `serve --stale-days`). Old lists are also named in",
        "`warnings` and in a `Warning` header, on `/check`, `/scan` and `/match` alike.",
    )
    guide.curl(
        post_json(
            "/check",
            "SCREEN_KEY",
            {"name": "Higuision", "activity": "export", "limit": 1},
            include_headers=True,
        ),
        keep={"effects": 1, "versions": 2},
        omit={"hits": ("effects", "verdict")},
    )
    guide.say(
        "Each hit also carries its `effects` and its own `verdict` (left out above); the",
        "`verdict` at the end is the one for the name, from every hit.",
        "",
        'A screening against no list at all is refused with 409, never answered "no match":',
        "here a date before the first version of any bundled list.",
    )
    guide.curl(
        post_json(
            "/check",
            "SCREEN_KEY",
            {"name": "Kim Jong Un", "as_of": "2019-01-01"},
            include_headers=True,
        ),
        expect=409,
    )
    guide.say(
        "## Scan text",
        "",
        "`POST /scan` finds listed parties mentioned in free text (up to 200,000 characters),",
        "with their character spans, each with the verdict for `activity` (default",
        "`transact`).",
    )
    text = "We shipped cameras made by Hikvision to a reseller owned by Gazprombank last spring."
    guide.curl(post_json("/scan", "SCREEN_KEY", {"text": text}), keep={"versions": 2})
    guide.say(
        "## Screen a file",
        "",
        "`POST /screen` takes a table as a multipart upload (`file`: CSV, TSV, XLSX, JSON,",
        "JSON lines or Parquet, up to 50 MB by default) with optional form fields `activity`,",
        "`threshold` and `name_col`, and answers `202` with a job id at once. Jobs run one at",
        "a time per server process, in the background; they are kept in the store, so a job",
        "outlives a restart of the server (a job a stopped server left is run again when it",
        "starts). Only the key that created a job (or an `admin` key) sees it; others get 404.",
    )
    response = guide.curl(
        'curl -s -i -X POST "{base}/screen" -H "Authorization: ApiKey $SCREEN_KEY" \\\n'
        "  -F file=@docs/examples/customers.csv -F activity=export",
        expect=202,
    )
    job = response.json()["id"]
    deadline = time.monotonic() + 120
    while guide.client.get(
        f"{guide.base}/jobs/{job}",
        headers={"Authorization": f"ApiKey {guide.variables['SCREEN_KEY']}"},
    ).json()["status"] not in ("done", "failed"):
        if time.monotonic() > deadline:
            raise SystemExit(f"job {job} did not finish")
        time.sleep(0.2)
    guide.say(
        "`GET /jobs/{id}` tells its progress (`status` queued, running, done or failed;",
        "`rows_done` of `rows_total`) and, once done, the summary: rows with a hit, counts by",
        "list, effect and verdict, and a histogram of the top scores in twentieths.",
    )
    guide.curl(get(f"/jobs/{job}", key="SCREEN_KEY"))
    guide.say(
        "`GET /jobs/{id}/result` returns the screened table as CSV: every input column and",
        "the `screen_*` columns of `clearance screen` (hit, score, party, lists, effect,",
        "verdict, reasons, explanation). It answers 409 while the job is not done. (Lines are",
        f"cut at {TEXT_WIDTH} characters here.)",
    )
    guide.curl(get(f"/jobs/{job}/result", key="SCREEN_KEY", include_headers=True))


def section_reconcile(guide: Guide) -> None:
    guide.say(
        "## OpenRefine reconciliation",
        "",
        "`/reconcile` (every list) and `/reconcile/{dataset}` (one list) speak the",
        "Reconciliation Service API that OpenRefine uses (scope `read`). OpenRefine sends no",
        "headers of its own, so this service, and no other endpoint, also takes the key in",
        "the URL: add the service in OpenRefine as `http://127.0.0.1:8000/reconcile?key=KEY`.",
        "The access log names no query string, so the key is never logged. `GET` without",
        "`queries` returns the service manifest, which needs no key:",
    )
    guide.curl(get("/reconcile", key=None))
    guide.say(
        "Asked for with `?key=`, the manifest puts the key in its `preview` and `suggest`",
        "URLs, which OpenRefine calls from the browser; `view` opens the party's page of the",
        "web interface, which signs its users in itself.",
        "",
        "Queries go as a JSON object in the form field `queries` (POST, or GET in the query",
        "string); each has `query`, optionally `type`, `limit` (≤ 50) and `properties` with",
        "`pid` `country`, `birth_date` or `identifier`. Scores are 0-100; `match` is true for",
        "a top candidate scoring 95 or more. `preview?id=`, `suggest/entity?prefix=`,",
        "`suggest/type` and `suggest/property` are served too.",
    )
    query = {
        "q0": {
            "query": "Hikvision",
            "type": "Company",
            "limit": 2,
            "properties": [{"pid": "country", "v": "CN"}],
        }
    }
    guide.curl(
        'curl -s -X POST "{base}/reconcile?key=$KEY" \\\n'
        f"  --data-urlencode 'queries={json.dumps(query)}'"
    )


def section_errors(guide: Guide, big_folder: Path) -> None:
    guide.say(
        "## Errors",
        "",
        "Errors have a JSON body with `detail` (a message, or for an invalid request the list",
        "of problems with where each is) and the `request_id` that the access log and the",
        "`x-request-id` header carry; never a stack trace. No key, or an unknown or revoked",
        "one, is 401:",
    )
    match_request = json_body(HIGUISION)
    guide.curl(
        'curl -s -i -X POST "{base}/match/default" -H "Content-Type: application/json" \\\n'
        f"  -d {match_request}",
        expect=401,
    )
    guide.curl(get("/catalog", key="OLD_KEY", include_headers=True), expect=401)
    guide.say("A key without the scope the endpoint needs is 403 (a `read` key on `/check`):")
    guide.curl(
        'curl -s -i -X POST "{base}/check" -H "Authorization: ApiKey $KEY" \\\n'
        '  -H "Content-Type: application/json" -d \'{"name": "Higuision"}\'',
        expect=403,
    )
    guide.say("A request the API cannot read is 422, saying what and where:")
    bad_schema = {"queries": {"q1": {"schema": "Spaceship", "properties": {"name": ["Nostromo"]}}}}
    guide.curl(post_json("/match/default", "KEY", bad_schema, True), expect=422)
    guide.curl(
        'curl -s -i -X POST "{base}/match/default" -H "Authorization: ApiKey $KEY" \\\n'
        '  -H "Content-Type: application/json" -d \'{"queries": {"q1": \'',
        expect=422,
    )
    guide.curl(post_json("/match/default?limit=0", "KEY", HIGUISION, True), expect=422)
    guide.say(
        "Send JSON bodies with `Content-Type: application/json`: without it (curl's `-d`",
        "alone sends a form type) the body is not read as JSON and the answer is a 422.",
        "An unknown dataset, entity or job is 404:",
    )
    guide.curl(get("/entities/ofac-sdn:0", include_headers=True), expect=404)
    guide.say(
        "A body over the limit (1,000,000 bytes for JSON, `--max-body`; 50,000,000 for",
        "uploads to `/screen`, `--max-upload`) is refused with 413 before it is read:",
    )
    guide.console(BIG_COMMAND, "")
    guide.curl(
        'curl -s -i -X POST "{base}/match/default" -H "Authorization: ApiKey $KEY" \\\n'
        '  -H "Content-Type: application/json" -d @big.json',
        expect=413,
        folder=big_folder,
    )


def section_access_log(guide: Guide, server: Server) -> None:
    time.sleep(0.5)  # a request's line is written after its answer
    lines = [line for line in server.log.read_text().splitlines() if line.startswith("{")]
    guide.say(
        "## Access log",
        "",
        "Each request writes one JSON line to the server's standard error: request id,",
        "method, route (never the query string, which may hold names), status, milliseconds",
        "and key id; the client address only with `--log-client-address`. `--no-access-log`",
        "turns the lines off. The lines of the last four requests above:",
    )
    guide.code("text", "\n".join(lines[-4:]))


def section_limits(guide: Guide, limited: Server, rate: int) -> None:
    guide.say(
        "## Limits",
        "",
        "- Bodies: 1,000,000 bytes for JSON (`--max-body`), 50,000,000 for uploads",
        "  (`--max-upload`); over it, 413.",
        "- At most 100 queries in one `/match` or `/reconcile` request; more is a 422",
        '  (`"101 queries; at most 100 a request"`).',
        "- A rate limit per key: 6,000 requests a minute by default (`--rate-limit N`, 0 for",
        "  none; without keys, per client address). A key may spend the minute's requests in",
        "  a burst; over the limit the answer is 429 with `Retry-After` in seconds. Here a",
        f"  server started with `--rate-limit {rate}` on port {limited.base.rsplit(':', 1)[1]}, "
        f"after {rate} requests with the key:",
    )
    guide.code(
        "bash", f"clearance serve --port {limited.base.rsplit(':', 1)[1]} --rate-limit {rate}"
    )
    request = parse_curl(get("/catalog").replace("{base}", limited.base), guide.variables)
    for _ in range(rate):
        send(guide.client, request, guide.folder).raise_for_status()
    main_base = guide.base
    guide.base = limited.base
    try:
        guide.curl(get("/catalog", include_headers=True), expect=429)
    finally:
        guide.base = main_base
    guide.say(
        "- CORS is off: browsers on other origins cannot call the API unless the server is",
        "  started with `--cors-origin https://app.example` (repeatable), which allows GET",
        "  and POST with the `Authorization` and `Content-Type` headers from those origins.",
        "- Every screening by `/match`, `/check` and `/scan` is written to the audit trail",
        "  (which key asked what, against which list versions, what came back; a scanned text",
        "  by its SHA-256 and length); see `clearance audit`.",
    )


def section_yente(guide: Guide, snippet_output: str) -> None:
    guide.say(
        "## Switching from yente",
        "",
        "A client of yente or of OpenSanctions' hosted API needs two changes: the base URL of",
        "this server, and its key in the `Authorization: ApiKey` header (the header the",
        "hosted API uses). No Elasticsearch is needed. With PyPI's `yente-client`:",
    )
    guide.code("python", YENTE_SNIPPET.replace("{base}", guide.base))
    guide.code("text", snippet_output)
    guide.say(
        "What differs:",
        "",
        "- `algorithm` is accepted and echoed (`matcher.requested`); the score is always",
        "  clearance's. Request bodies may carry yente's `weights` and `config`; they are",
        "  ignored, and so are query parameters this page does not list (such as",
        "  `exclude_schema` or `changed_since`).",
        "- The default `threshold` is 0.8 and results below it are not returned unless",
        "  `cutoff` is lower (yente returns candidates down to its cutoff).",
        "- Datasets are the official lists (`ofac-sdn`, `us-csl`, `uk-ofsi`, `un-sc` …, see",
        "  `/catalog`), not OpenSanctions' collections; `default` is all of them. A result's",
        "  `datasets` names the sub-lists of its party (`us-csl/EL` is the Entity List part",
        "  of the Consolidated Screening List).",
        "- Entity ids are clearance's (`ofac-sdn:35096`), not OpenSanctions' ids.",
        "- `/search` is a lenient name match, not a full-text search; `facets` is empty.",
        "- `total.value` counts the results returned, not every candidate.",
        "- Results carry `effects`, and `/check` gives verdicts per activity: yente has",
        "  neither.",
    )


YENTE_SNIPPET = """\
import os

from yente_client import Client, Company

client = Client(api_key=os.environ["KEY"], base_url="{base}")
result = client.match(Company(name=["Higuision"]), limit=1)
print(result.top.id, result.top.caption, result.top.score, result.top.match)
"""


def run_yente_snippet(base: str, key: str) -> str:
    code = YENTE_SNIPPET.replace("{base}", base)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "KEY": key},
    )
    if done.returncode != 0:
        raise SystemExit(f"the yente-client example failed:\n{done.stderr}")
    return done.stdout


BIG_COMMAND = (
    'python -c \'import json; print(json.dumps({"queries": {"q1": {"schema": "Person", '
    '"properties": {"name": ["x" * 2_000_000]}}}}))\' > big.json'
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a copy of a store with the snapshot")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--limited-port", type=int, default=8001)
    args = parser.parse_args()
    rate = 2
    keys = subprocess.run(
        [sys.executable, "-m", "clearance", "--db", args.db, "keys", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    if keys.stdout.strip():  # the guide's `keys list` would show them
        raise SystemExit(f"{args.db} has API keys already: use a fresh copy of a snapshot store")
    with tempfile.TemporaryDirectory(prefix="http-guide-") as temp:
        folder = Path(temp)
        warning = no_auth_warning(args.db, args.port, folder / "no-auth.log")
        main_server = start_server(args.db, args.port, [], folder / "server.log")
        limited = start_server(
            args.db, args.limited_port, ["--rate-limit", str(rate)], folder / "limited.log"
        )
        try:
            wait_ready(main_server)
            wait_ready(limited)
            guide = Guide(args.db, main_server.base, ROOT)
            section_server(guide, warning)
            section_keys(guide)
            section_match(guide)
            section_read(guide)
            section_screen(guide)
            section_reconcile(guide)
            subprocess.run(BIG_COMMAND, shell=True, cwd=folder, check=True)
            section_errors(guide, folder)
            section_access_log(guide, main_server)
            section_limits(guide, limited, rate)
            section_yente(guide, run_yente_snippet(guide.base, guide.variables["KEY"]))
        finally:
            main_server.stop()
            limited.stop()
    guide.write(GUIDE)
    print(f"wrote {GUIDE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
