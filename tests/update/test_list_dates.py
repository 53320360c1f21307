"""Dates that do not lie: OFAC's CSVs carry no date. Loaded as files they are dated
"unknown" (not the day they were loaded, which hid their age from the stale warning);
downloaded, they take the server's Last-Modified date; --published gives one."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clearance.cli.main import app
from clearance.store import ListStore
from clearance.update import update_lists
from tests.update.list_server import ListServer
from tests.update.test_update_csv import FAST, NONSDN, NONSDN_FILES, nonsdn

__all__ = ["nonsdn"]


def _lists(db: Path) -> dict[str, dict]:
    result = CliRunner().invoke(app, ["--db", str(db), "lists", "--json"])
    assert result.exit_code == 0, result.output
    return {row["list"]: row for row in json.loads(result.stdout)}


def test_files_without_a_date_are_dated_unknown_and_said_so(
    tmp_path: Path, lists_dir: Path
) -> None:
    db = tmp_path / "store.db"
    files = [str(lists_dir / NONSDN / name) for name in NONSDN_FILES.values()]
    loaded = CliRunner().invoke(app, ["--db", str(db), "load", *files])
    assert loaded.exit_code == 0, loaded.output
    assert "no publication date: recorded as unknown" in " ".join(loaded.output.split())
    row = _lists(db)["ofac-nonsdn"]
    assert (row["date"], row["age_days"], row["date_source"]) == (None, None, None)
    table = CliRunner().invoke(app, ["--db", str(db), "lists"])
    text = " ".join(table.output.split())
    assert "unknown (loaded" in text
    assert "ofac-nonsdn: publication date unknown" in text


def test_published_given_by_the_operator(tmp_path: Path, lists_dir: Path) -> None:
    db = tmp_path / "store.db"
    files = [str(lists_dir / NONSDN / name) for name in NONSDN_FILES.values()]
    args = ["--db", str(db), "load", "--published", "2025-12-19", *files]
    assert CliRunner().invoke(app, args).exit_code == 0
    row = _lists(db)["ofac-nonsdn"]
    assert (row["date"], row["date_source"]) == ("2025-12-19", "operator")
    assert row["age_days"] > 0


def test_a_download_takes_the_servers_last_modified_date(
    tmp_path: Path, server: ListServer, nonsdn: dict[str, bytes]
) -> None:
    for name, body in nonsdn.items():
        server.serve(name, body, last_modified="Fri, 19 Dec 2025 21:04:11 GMT")
    store = ListStore.open(str(tmp_path / "store.db"))
    [outcome] = update_lists(store, ["ofac-nonsdn"], server.url, **FAST)
    assert outcome.result == "loaded", outcome.describe()
    version = store.current_versions()["ofac-nonsdn"]
    assert (version.published, version.date_source) == ("2025-12-19", "last-modified")
