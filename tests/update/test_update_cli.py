"""`clearance update` end to end: bad downloads leave the store as it was, exit non-zero."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from clearance.cli.main import app
from clearance.cli.update_command import register
from clearance.store import ListStore
from tests.update.conftest import UN_DIR, UN_ENTITIES, store_state, un_subset
from tests.update.list_server import ListServer

if not any(command.name == "update" for command in app.registered_commands):
    register(app)

KEEP = 100  # individuals and entities kept in the cut-down (well-formed) UN file


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--db", str(db), "update", *args])


def un_with_xxe(un_xml: bytes) -> bytes:
    """The real UN file with an external entity smuggled into the first name."""
    declaration, rest = un_xml.split(b"\n", 1)
    doctype = b'<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rest = rest.replace(b"<FIRST_NAME>ERIC</FIRST_NAME>", b"<FIRST_NAME>&xxe;</FIRST_NAME>", 1)
    return declaration + b"\n" + doctype + b"\n" + rest


def truncated_mid_record(un_xml: bytes) -> bytes:
    middle = un_xml.index(b"<INDIVIDUAL>", len(un_xml) // 2)
    return un_xml[: middle + 40]


HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
    b"<body><h1>Maintenance</h1><p>Please try again later.</p></body></html>\n"
)

Serve = Callable[[ListServer, bytes], object]

FAILURES: dict[str, tuple[Serve, list[str], str, str]] = {
    # case: (how the server misbehaves, extra CLI args, result, message after "un-sc: ")
    "truncated-xml": (
        lambda s, un: s.serve("consolidated.xml", truncated_mid_record(un)),
        [],
        "rejected",
        "rejected: consolidated.xml, line {line}: not well-formed XML",
    ),
    "html-error-page": (
        lambda s, un: s.serve("consolidated.xml", HTML_PAGE, content_type="text/html"),
        [],
        "rejected",
        "rejected: consolidated.xml, line 1: this is an HTML page, not a list file",
    ),
    "empty-file": (
        lambda s, un: s.serve("consolidated.xml", b""),
        [],
        "rejected",
        "rejected: consolidated.xml: empty file (0 bytes)",
    ),
    "http-404": (
        lambda s, un: None,
        [],
        "failed",
        "failed: {url}/consolidated.xml: HTTP 404 Not Found",
    ),
    "connection-cut": (
        lambda s, un: s.serve("consolidated.xml", un, cut_after=123_456),
        [],
        "failed",
        "failed: {url}/consolidated.xml: connection cut after 123,456 of 2,030,620 bytes",
    ),
    "slow-server": (
        lambda s, un: s.serve("consolidated.xml", un, delay=5.0),
        ["--timeout", "0.3"],
        "failed",
        "failed: {url}/consolidated.xml: timed out after 0.3 s",
    ),
    "xxe": (
        lambda s, un: s.serve("consolidated.xml", un_with_xxe(un)),
        [],
        "rejected",
        "rejected: consolidated.xml: XML declares entities",
    ),
    "count-drop": (
        lambda s, un: s.serve("consolidated.xml", un_subset(un, KEEP)),
        [],
        "rejected",
        f"rejected: new file has {2 * KEEP} entities against {UN_ENTITIES} in the current "
        "version 1 (a drop of more than 20%); refused, use --force to accept",
    ),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_bad_download_leaves_the_store_unchanged(
    case: str, un_store_path: Path, server: ListServer, un_xml: bytes
) -> None:
    serve, extra, result, message = FAILURES[case]
    serve(server, un_xml)
    store = ListStore.open(str(un_store_path))
    before = store_state(store)

    outcome = run(un_store_path, "un-sc", "--from", server.url, "--tries", "1", *extra)

    assert outcome.exit_code == 1, outcome.output
    line = truncated_mid_record(un_xml).count(b"\n") + 1
    expected = "un-sc: " + message.format(url=server.url, line=line)
    assert expected in outcome.output
    assert store_state(store) == before
    last = store.last_update("un-sc")
    assert last is not None
    assert last["result"] == result
    assert expected.removeprefix(f"un-sc: {result}: ") in last["message"]


def test_count_drop_is_accepted_with_force(
    un_store_path: Path, server: ListServer, un_xml: bytes
) -> None:
    server.serve("consolidated.xml", un_subset(un_xml, KEEP))
    outcome = run(un_store_path, "un-sc", "--from", server.url, "--force")
    assert outcome.exit_code == 0, outcome.output
    removed = UN_ENTITIES - 2 * KEEP
    # (entities after the removed individuals moved lines, so their source_ref changed)
    assert f"un-sc: loaded: version 2: {2 * KEEP} entities (+0 -{removed:,} ~" in outcome.output
    current = ListStore.open(str(un_store_path)).current_versions()["un-sc"]
    assert (current.id, current.entity_count) == (2, 2 * KEEP)


def test_good_update_then_no_op(un_store_path: Path, server: ListServer, un_xml: bytes) -> None:
    # 600 of 730 individuals and all 273 entities: a drop within the 20 % allowed
    server.serve("consolidated.xml", un_subset(un_xml, 600), etag='"v2"')
    first = run(un_store_path, "un-sc", "--from", server.url)
    assert first.exit_code == 0, first.output
    assert "un-sc: loaded: version 2: 873 entities" in first.output
    second = run(un_store_path, "un-sc", "--from", server.url)
    assert second.exit_code == 0, second.output
    assert "un-sc: unchanged: not modified since version 2 (HTTP 304)" in second.output
    assert server.hits("consolidated.xml")[-1].headers.get("If-None-Match") == '"v2"'


def test_from_directory_and_last_update_in_lists(un_store_path: Path, lists_dir: Path) -> None:
    outcome = run(un_store_path, "un-sc", "--from", str(lists_dir / UN_DIR), "--json")
    assert outcome.exit_code == 0, outcome.output
    [row] = json.loads(outcome.stdout)
    assert (row["list"], row["result"], row["version"]) == ("un-sc", "unchanged", 1)
    listing = CliRunner().invoke(app, ["--db", str(un_store_path), "lists", "--json"])
    [un] = [r for r in json.loads(listing.stdout) if r["list"] == "un-sc"]
    assert un["last_update"].startswith("unchanged ")
    assert un["last_update_message"] == "identical files already loaded"


def test_usage_errors_exit_2(un_store_path: Path, tmp_path: Path) -> None:
    unknown = run(un_store_path, "no-such-list")
    assert unknown.exit_code == 2
    assert "unknown list(s): no-such-list" in unknown.output
    missing = run(un_store_path, "un-sc", "--from", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2
    assert "no such folder" in missing.output
