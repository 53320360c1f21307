"""`clearance update` on the CSV lists (OFAC non-SDN, BIS DPL, trade.gov CSL) over HTTP."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from clearance.cli.main import app
from clearance.cli.update_command import register
from clearance.store import ListStore
from clearance.update import update_lists
from tests.update.conftest import store_state
from tests.update.list_server import ListServer

if not any(command.name == "update" for command in app.registered_commands):
    register(app)

NONSDN = "ofac_nonsdn/2025-12-19"
NONSDN_FILES = {
    "CONS_PRIM.CSV": "cons_prim.csv",
    "CONS_ALT.CSV": "cons_alt.csv",
    "CONS_ADD.CSV": "cons_add.csv",
    "CONS_COMMENTS.CSV": "cons_comments.csv",
}
NONSDN_ENTITIES = 442
FAST = {"timeout": 5.0, "backoff": 0.01}


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--db", str(db), "update", *args])


def cut_mid_row(data: bytes, share: float) -> bytes:
    """The file cut 30 bytes into the first row that starts after `share` of its length."""
    start = data.index(b"\n", int(len(data) * share)) + 1
    return data[: start + 30]


@pytest.fixture()
def nonsdn(lists_dir: Path) -> dict[str, bytes]:
    pytest.importorskip("clearance.loaders.ofac_csv")
    return {name: (lists_dir / NONSDN / local).read_bytes() for name, local in NONSDN_FILES.items()}


def serve_nonsdn(server: ListServer, files: dict[str, bytes], tag: str = "1") -> None:
    for name, body in files.items():
        server.serve(name, body, etag=f'"{name}-{tag}"')


def test_four_files_then_only_the_changed_one_differs(
    tmp_path: Path, server: ListServer, nonsdn: dict[str, bytes]
) -> None:
    serve_nonsdn(server, nonsdn)
    store = ListStore.open(str(tmp_path / "store.db"))
    [first] = update_lists(store, ["ofac-nonsdn"], server.url, **FAST)
    assert first.result == "loaded", first.describe()
    assert first.version is not None and first.version.entity_count == NONSDN_ENTITIES
    assert {f["name"] for f in first.version.files} == set(NONSDN_FILES)

    # OFAC drops one alias: ALT.CSV changes, the three others answer 304 and are fetched again
    alt = nonsdn["CONS_ALT.CSV"]
    first_row_end = alt.index(b"\n") + 1
    server.serve("CONS_ALT.CSV", alt[first_row_end:], etag='"CONS_ALT.CSV-2"')
    [second] = update_lists(store, ["ofac-nonsdn"], server.url, **FAST)
    assert second.result == "loaded", second.describe()
    assert second.changed == 1 and (second.added, second.removed) == (0, 0)
    prim = server.hits("CONS_PRIM.CSV")
    assert [r.headers.get("If-None-Match") for r in prim] == [None, '"CONS_PRIM.CSV-1"', None]

    [third] = update_lists(store, ["ofac-nonsdn"], server.url, **FAST)
    assert third.result == "unchanged" and "HTTP 304" in third.message
    assert len(store.versions("ofac-nonsdn")) == 2


def test_missing_optional_comments_file(
    tmp_path: Path, server: ListServer, nonsdn: dict[str, bytes]
) -> None:
    serve_nonsdn(server, {k: v for k, v in nonsdn.items() if k != "CONS_COMMENTS.CSV"})
    store = ListStore.open(str(tmp_path / "store.db"))
    [outcome] = update_lists(store, ["ofac-nonsdn"], server.url, **FAST)
    assert outcome.result == "loaded", outcome.describe()
    assert "optional file CONS_COMMENTS.CSV not published (HTTP 404 Not Found)" in outcome.warnings


def test_missing_required_file_fails_the_list(
    tmp_path: Path, server: ListServer, nonsdn: dict[str, bytes]
) -> None:
    serve_nonsdn(server, {k: v for k, v in nonsdn.items() if k != "CONS_ADD.CSV"})
    store = ListStore.open(str(tmp_path / "store.db"))
    [outcome] = update_lists(store, ["ofac-nonsdn"], server.url, **FAST)
    assert outcome.result == "failed"
    assert outcome.message == f"{server.url}/CONS_ADD.CSV: HTTP 404 Not Found"
    assert store.is_empty()


def test_truncated_ofac_csv_keeps_the_current_version(
    tmp_path: Path, server: ListServer, nonsdn: dict[str, bytes]
) -> None:
    serve_nonsdn(server, nonsdn)
    db = tmp_path / "store.db"
    store = ListStore.open(str(db))
    [good] = update_lists(store, ["ofac-nonsdn"], server.url, **FAST)
    assert good.result == "loaded"
    before = store_state(store)

    truncated = cut_mid_row(nonsdn["CONS_PRIM.CSV"], 0.5)
    server.serve("CONS_PRIM.CSV", truncated, etag='"CONS_PRIM.CSV-2"')
    outcome = run(db, "ofac-nonsdn", "--from", server.url, "--tries", "1")
    assert outcome.exit_code == 1, outcome.output
    line = truncated.count(b"\n") + 1
    assert (
        f"ofac-nonsdn: rejected: CONS_PRIM.CSV, line {line}: file does not end with the "
        "end-of-file marker" in outcome.output
    )
    assert store_state(store) == before
    last = store.last_update("ofac-nonsdn")
    assert last is not None and last["result"] == "rejected"


@pytest.mark.parametrize(
    ("list_id", "name", "path", "share", "reason"),
    [
        ("bis-dpl", "dpl.txt", "bis_dpl/2023-11-30/dpl.txt", 0.5, "malformed CSV"),
        (
            "us-csl",
            "consolidated.csv",
            "us_csl/2022-05-16/consolidated.csv.gz",
            0.05,
            "expected 29 columns, found",
        ),
    ],
)
def test_truncated_csv_is_rejected(
    list_id: str,
    name: str,
    path: str,
    share: float,
    reason: str,
    un_store_path: Path,
    server: ListServer,
    lists_dir: Path,
) -> None:
    data = (lists_dir / path).read_bytes()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    truncated = cut_mid_row(data, share)
    server.serve(name, truncated)
    store = ListStore.open(str(un_store_path))  # not empty: the CLI loads no snapshot
    before = store_state(store)
    outcome = run(un_store_path, list_id, "--from", server.url, "--tries", "1")
    assert outcome.exit_code == 1, outcome.output
    assert f"{list_id}: rejected: {name}, line " in outcome.output
    assert reason in outcome.output
    assert store_state(store) == before
    last = store.last_update(list_id)
    assert last is not None and last["result"] == "rejected"
