"""Every `--json` output is one JSON document on stdout and nothing else.

Each command that has a `--json` option is run here as a script would run it, and
its standard output is parsed whole; progress and warnings go to stderr or into the
document. A command that gains `--json` must be added here (the first test says so).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.main import get_command
from typer.testing import CliRunner

from clearance.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"

# Each command with --json and the arguments it is run with (after --db), in order:
# the monitor commands need the counterparties `monitor add` gives them.
JSON_COMMANDS: dict[str, list[str]] = {
    "lists": ["lists"],
    "show": ["show", "ofac-nonsdn:30946"],
    "diff": ["diff", "un-sc"],
    "check": ["check", "Higuision", "--activity", "export", "--near", "2"],
    "scan": ["scan", "-"],
    "portfolio": ["portfolio", str(EXAMPLES / "holdings.csv")],
    "update": ["update", "un-sc", "--from", "{lists}/un_sc/2026-02-27"],
    "keys list": ["keys", "list"],
    "monitor run": ["monitor", "run", "--no-deliver"],
    "monitor list": ["monitor", "list"],
    "monitor deliveries": ["monitor", "deliveries", "--send"],
    "alerts": ["alerts"],
}


def _commands_with_json() -> set[str]:
    found: set[str] = set()

    def walk(command: Any, path: list[str]) -> None:  # Typer's own click: no isinstance
        if any("--json" in p.opts for p in command.params):
            found.add(" ".join(path))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return found


def test_every_command_with_json_is_checked_here() -> None:
    assert _commands_with_json() == set(JSON_COMMANDS)


def test_each_json_output_is_one_document_on_stdout(scratch_db: str, lists_dir: Path) -> None:
    runner = CliRunner()
    add = runner.invoke(
        app, ["--db", scratch_db, "monitor", "add", str(EXAMPLES / "customers.csv")]
    )
    assert add.exit_code == 0, add.output
    documents: dict[str, Any] = {}
    for name, args in JSON_COMMANDS.items():
        args = [a.replace("{lists}", str(lists_dir)) for a in args]
        text = "Our client paid Hikvision; Huawei denied it." if name == "scan" else None
        result = runner.invoke(app, ["--db", scratch_db, *args, "--json"], input=text)
        assert result.exit_code == 0, (name, result.output)
        documents[name] = json.loads(result.stdout)  # the whole of stdout, nothing before
    # The one that printed the holdings CSV before its JSON (issue 16, point 8).
    portfolio = documents["portfolio"]
    assert portfolio["holdings"] == 4 and len(portfolio["flagged"]) == 2
    assert "account,isin" not in json.dumps(portfolio)
    assert documents["check"]["hits"][0]["entity_id"] == "ofac-nonsdn:30946"
    assert documents["update"][0]["result"] == "unchanged"
    assert {a["counterparty_id"] for a in documents["alerts"]} >= {"C-001", "C-003"}
