"""Every request in docs/http-api.md, sent again to a live server: the same answer comes back.

The guide's `curl` commands are read with the same reader that made the page
(tools/build_http_guide.py) and sent with httpx; the status, the headers that matter
and the JSON shown must still be what the server answers. Values that change from run
to run (request and job ids, dates, timings, list version numbers) are not compared;
scores are compared to two decimals; lists the guide cuts must still have as many
items as it says, and objects the same keys.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from clearance.api.security import RateLimiter
from clearance.cli.main import app as cli_app
from tests.api.conftest import (  # noqa: F401 (fixtures, used by name)
    Keys,
    LiveServer,
    api_db,
    api_keys,
    live,
)

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "http-api.md"
# Values of these keys differ from run to run; only their presence is compared.
VOLATILE = {
    "request_id",
    "created_at",
    "updated_at",
    "as_of",
    "seconds",
    "version",
    "index_version",
    "on",  # the day the lists' age is counted to
    "age_days",
    "warnings",  # they name that day
}
# Headers whose values are compared (the others only for presence).
COMPARED_HEADERS = ("content-type", "www-authenticate", "content-disposition")
COVERED = (
    "/healthz",
    "/readyz",
    "/match/default",
    "/search/",
    "/entities/",
    "/catalog",
    "/check",
    "/scan",
    "/screen",
    "/jobs/",
    "/reconcile",
)
JOB_ID = re.compile(r"\b[0-9a-f]{24}\b")
TRIMMED = re.compile(r"\n( *)… (\d+) more \S+ not shown")
OMITTED = re.compile(r"\n( *)… not shown: ([^\n]+)")


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_http_guide", ROOT / "tools" / "build_http_guide.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


BUILDER = _builder()


def _complete(command: str) -> bool:
    if command.endswith("\\"):
        return False
    try:
        shlex.split(command)
    except ValueError:  # a quote still open: the command goes on
        return False
    return True


def _examples() -> list[tuple[str, str]]:
    """(command, output) of each console block, in the guide's order."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", GUIDE.read_text(), flags=re.S):
        lines = block.rstrip("\n").split("\n")
        assert lines[0].startswith("$ "), lines[0]
        taken = 1
        while not _complete("\n".join([lines[0][2:], *lines[1:taken]])):
            taken += 1
        examples.append(("\n".join([lines[0][2:], *lines[1:taken]]), "\n".join(lines[taken:])))
    return examples


EXAMPLES = _examples()
CURLS = [(c, o) for c, o in EXAMPLES if c.startswith("curl ")]
BASE = re.search(r'"(http://[^/"]+)/', CURLS[0][0])[1]  # type: ignore[index]
RATE = int(re.search(r"serve --port \d+ --rate-limit (\d+)", GUIDE.read_text())[1])  # type: ignore[index]
MAIN = [(c, o) for c, o in CURLS if f'"{BASE}/' in c]
LIMITED = [(c, o) for c, o in CURLS if f'"{BASE}/' not in c]


def _label(command: str) -> str:
    request = BUILDER.parse_curl(command, _Any())
    return f"{request.method} {request.url.split('/', 3)[3][:60]}"


class _Any(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return key


# ----------------------------------------------------------------- comparing


def _shown_response(output: str, include_headers: bool) -> tuple[int, dict[str, str], str]:
    if not include_headers:
        return 200, {}, output
    head, _, body = output.partition("\n\n")
    status_line, *header_lines = head.split("\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(": ")
        headers[name] = value
    return int(status_line.split()[1]), headers, body


def _shown_json(text: str) -> Any:
    """The JSON the guide shows, its cut lists and left-out keys marked for `_same`."""
    text = TRIMMED.sub(lambda m: f',\n{m[1]}"@@TRIM {m[2]}"', text)
    text = OMITTED.sub(lambda m: f',\n{m[1]}"@@OMIT": {json.dumps(m[2])}', text)
    return json.loads(JOB_ID.sub("<job>", text))


def _same(shown: Any, actual: Any, path: str = "$") -> None:
    if isinstance(shown, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r} is not an object"
        left_out = set(shown.pop("@@OMIT", "").split(", ")) - {""}
        assert set(shown) | left_out == set(actual), f"{path}: keys {sorted(actual)}"
        for key, value in shown.items():
            if key not in VOLATILE:
                _same(value, actual[key], f"{path}.{key}")
    elif isinstance(shown, list):
        assert isinstance(actual, list), f"{path}: {actual!r} is not a list"
        more = 0
        if shown and isinstance(shown[-1], str) and shown[-1].startswith("@@TRIM "):
            more = int(shown.pop().split()[1])
        assert len(actual) == len(shown) + more, f"{path}: {len(actual)} items"
        for i, (a, b) in enumerate(zip(shown, actual, strict=False)):
            _same(a, b, f"{path}[{i}]")
    elif isinstance(shown, float) or (isinstance(shown, int) and not isinstance(shown, bool)):
        assert isinstance(actual, int | float), f"{path}: {actual!r}"
        assert round(actual, 2) == round(shown, 2), f"{path}: {actual} (guide: {shown})"
    else:
        assert actual == shown, f"{path}: {actual!r} (guide: {shown!r})"


def _check(command: str, output: str, response: httpx.Response, live_url: str) -> None:
    include_headers = BUILDER.parse_curl(command, _Any()).include_headers
    status, headers, body = _shown_response(output, include_headers)
    assert response.status_code == status, response.text
    for name, value in headers.items():
        assert name in response.headers, f"no {name} header"
        if name in COMPARED_HEADERS:
            assert JOB_ID.sub("<job>", response.headers[name]) == JOB_ID.sub("<job>", value)
    text = response.text.replace(live_url, BASE)
    if not response.headers.get("content-type", "").startswith("application/json"):
        shown_lines, actual_lines = body.split("\n"), text.rstrip("\n").split("\n")
        assert len(actual_lines) == len(shown_lines)
        for shown, actual in zip(shown_lines, actual_lines, strict=True):
            assert actual.startswith(shown[:-1]) if shown.endswith("…") else actual == shown
        return
    shown_body, actual_body = _shown_json(body), json.loads(JOB_ID.sub("<job>", text))
    if status == 413:  # the test server's body limit is smaller than the default
        shown_body["detail"] = re.sub(r"\d+", "N", shown_body["detail"])
        actual_body["detail"] = re.sub(r"\d+", "N", actual_body["detail"])
    _same(shown_body, actual_body)


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def variables(api_keys: Keys) -> dict[str, str]:  # noqa: F811
    return {"KEY": api_keys.read, "SCREEN_KEY": api_keys.screen, "OLD_KEY": api_keys.revoked}


@pytest.fixture(scope="module")
def http(live: LiveServer) -> Iterator[httpx.Client]:  # noqa: F811
    with httpx.Client(timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's working folder: the repository's files, and what its commands made."""
    folder = tmp_path_factory.mktemp("http-guide")
    (folder / "docs").symlink_to(ROOT / "docs")
    for command, _ in EXAMPLES:
        if command.startswith("python -c "):
            words = shlex.split(command)
            assert words[-2] == ">", command
            done = subprocess.run([sys.executable, *words[1:-2]], capture_output=True, check=True)
            (folder / words[-1]).write_bytes(done.stdout)
    return folder


@pytest.fixture(scope="module")
def job(live: LiveServer, http: httpx.Client, variables: dict[str, str], files: Path) -> str:  # noqa: F811
    """A job made by the guide's upload, finished: the job the guide's /jobs requests ask about."""
    (command,) = [c for c, _ in MAIN if '/screen"' in c]
    response = BUILDER.send(http, BUILDER.parse_curl(_here(command, live), variables), files)
    job_id: str = response.json()["id"]
    deadline = time.monotonic() + 120
    while http.get(
        f"{live.url}/jobs/{job_id}", headers={"Authorization": f"ApiKey {variables['SCREEN_KEY']}"}
    ).json()["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.1)
    return job_id


def _here(command: str, live: LiveServer, base: str = BASE) -> str:  # noqa: F811
    return command.replace(f'"{base}/', f'"{live.url}/')


# ----------------------------------------------------------------- tests


def test_the_guide_covers_the_api() -> None:
    commands = " ".join(c for c, _ in CURLS)
    for path in COVERED:
        assert path in commands, path
    statuses = {_shown_response(o, True)[0] for c, o in CURLS if " -i " in c}
    assert {202, 401, 403, 404, 413, 422, 429} <= statuses
    assert len(LIMITED) == 1


@pytest.mark.parametrize(("command", "output"), MAIN, ids=[_label(c) for c, _ in MAIN])
def test_documented_request(
    live: LiveServer,  # noqa: F811
    http: httpx.Client,
    variables: dict[str, str],
    files: Path,
    request: pytest.FixtureRequest,
    command: str,
    output: str,
) -> None:
    command = _here(command, live)
    if "/jobs/" in command:
        job_id: str = request.getfixturevalue("job")
        command = JOB_ID.sub(job_id, command)
    response = BUILDER.send(http, BUILDER.parse_curl(command, variables), files)
    _check(command, output, response, live.url)


@pytest.mark.parametrize(("command", "output"), LIMITED, ids=[_label(c) for c, _ in LIMITED])
def test_rate_limited_request(
    live: LiveServer,  # noqa: F811
    http: httpx.Client,
    variables: dict[str, str],
    files: Path,
    command: str,
    output: str,
) -> None:
    """The guide's 429 came from a server run with `--rate-limit N`, after N requests."""
    base = re.search(r'"(http://[^/"]+)/', command)[1]  # type: ignore[index]
    request = BUILDER.parse_curl(_here(command, live, base), variables)
    services = live.app.state.services
    unlimited = services.limiter
    services.limiter = RateLimiter(RATE)
    try:
        for _ in range(RATE):
            assert BUILDER.send(http, request, files).status_code == 200
        response = BUILDER.send(http, request, files)
    finally:
        services.limiter = unlimited
    _check(command, output, response, live.url)
    assert int(response.headers["retry-after"]) > 0


def test_key_commands(api_db: str) -> None:  # noqa: F811
    """`keys create`, `list` and `revoke` print what the guide shows (ids and keys aside)."""
    ids: dict[str, str] = {}
    for command, output in EXAMPLES:
        if not command.startswith("clearance keys "):
            continue
        for shown_id, new_id in ids.items():
            command = command.replace(shown_id, new_id)
        result = CliRunner().invoke(cli_app, ["--db", api_db, *shlex.split(command)[1:]])
        assert result.exit_code == 0, result.output
        if command.startswith("clearance keys create"):
            shown_id = re.search(r"Key (\w+) \(", output)[1]  # type: ignore[index]
            ids[shown_id] = re.search(r"Key (\w+) \(", result.output)[1]  # type: ignore[index]
        actual = _masked(result.output)
        for line in _masked(output).split("\n"):
            assert line in actual, f"{command}: {line!r} not in {actual!r}"


def _masked(text: str) -> str:
    text = re.sub(r"clr_\S+|<key>", "<key>", text)
    text = re.sub(r"\b[0-9a-f]{8}\b", "<id>", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def test_yente_client_example(live: LiveServer, variables: dict[str, str]) -> None:  # noqa: F811
    guide = GUIDE.read_text()
    code = re.search(r"```python\n(.*?)```", guide, flags=re.S)[1]  # type: ignore[index]
    shown = re.search(r"```python\n.*?```\n\n```text\n(.*?)```", guide, flags=re.S)[1]  # type: ignore[index]
    code = code.replace(f'"{BASE}"', f'"{live.url}"').replace('os.environ["KEY"]', "KEY")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "http-api.md", "exec"), {"KEY": variables["KEY"]})  # noqa: S102
    assert _rounded(printed.getvalue()) == _rounded(shown)


def _rounded(text: str) -> str:
    return re.sub(r"\d+\.\d+", lambda m: f"{float(m[0]):.2f}", text).strip()
