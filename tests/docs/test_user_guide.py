"""Every command in docs/user-guide.md still runs and prints what the guide shows."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "user-guide.md"
# Lines that change with the day the guide was made: dates, ages, times, speeds, paths.
VOLATILE = re.compile(r"\d{4}-\d{2}-\d{2}|\d+ days|rows/s|sqlite:|\d+:\d{2}|older than|\d+ ms")
SPACES = re.compile(r"\s+")


def _examples() -> list[tuple[str, list[str]]]:
    examples = []
    for block in re.findall(r"```console\n(.*?)```", GUIDE.read_text(), flags=re.S):
        lines = block.rstrip("\n").split("\n")
        assert lines[0].startswith("$ clearance "), lines[0]
        examples.append((lines[0][2:], lines[1:]))
    return examples


EXAMPLES = _examples()


def test_the_guide_has_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.fixture(scope="module")
def guide_db(snapshot_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the snapshot store: the guide loads an ownership list into it."""
    path = tmp_path_factory.mktemp("guide") / "clearance.db"
    with sqlite3.connect(snapshot_db) as source, sqlite3.connect(path) as target:
        source.backup(target)
    return str(path)


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_documented_command(guide_db: str, command: str, shown: list[str]) -> None:
    os.chdir(ROOT)  # the guide's paths are relative to the repository root
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, ["--db", guide_db, *args])
    assert result.exit_code == 0, result.output
    actual = SPACES.sub(" ", result.output)
    stable = [
        SPACES.sub(" ", line).strip()
        for line in shown
        if not VOLATILE.search(line) and re.search(r"\w", line)  # not table borders
    ]
    missing = [line for line in stable if line and line not in actual]
    assert not missing, f"{command}: lines of the guide no longer printed: {missing[:5]}"
