"""`clearance check` and `compare` as a user runs them, on the bundled snapshot."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clearance.cli.main import app

runner = CliRunner()


def check_json(db: str, *args: str) -> dict:
    result = runner.invoke(app, ["--db", db, "check", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    ("activity", "label", "cites"),
    [
        ("export", "LICENCE REQUIRED", "all items subject to the EAR"),
        ("invest", "PROHIBITED", "CMIC-EO13959"),
        ("transact", "CAUTION", "not blocked"),
    ],
)
@pytest.mark.parametrize("spelling", ["Higuision", "Higvision", "Hikvision"])
def test_hikvision_verdict_per_activity(
    snapshot_db: str, spelling: str, activity: str, label: str, cites: str
) -> None:
    data = check_json(snapshot_db, spelling, "--activity", activity)
    top = data["hits"][0]
    assert "HIKVISION" in top["name"].upper()
    assert {"us-csl/EL", "ofac-nonsdn/CMIC"} <= set(top["lists"])
    assert data["verdict"]["label"] == label
    assert any(cites in reason for reason in data["verdict"]["reasons"])


def test_one_hit_per_party(snapshot_db: str) -> None:
    data = check_json(snapshot_db, "Hikvision")
    names = [h["name"].upper() for h in data["hits"]]
    assert sum("HIKVISION" in n for n in names) == 1  # three records, one party


def test_no_hit_gives_no_listing_found(snapshot_db: str) -> None:
    data = check_json(snapshot_db, "Zebulon Quartermaine-Fotheringay", "--activity", "transact")
    assert data["hits"] == []
    assert data["verdict"]["label"] == "NO LISTING FOUND"


def test_as_of_before_the_listing(snapshot_db: str) -> None:
    # The bundled US lists are dated 2022 onwards: nothing was in force in 2019.
    data = check_json(snapshot_db, "Hikvision", "--as-of", "2019-01-01", "--activity", "export")
    assert data["verdict"]["label"] == "NO LISTING FOUND"


def test_text_output_explains(snapshot_db: str) -> None:
    result = runner.invoke(app, ["--db", snapshot_db, "check", "Higuision", "--activity", "export"])
    assert result.exit_code == 0
    assert "LICENCE REQUIRED" in result.output
    assert "[us-csl/EL]" in result.output  # list text printed as written, not as markup
    assert "higuision ~ hikvision" in result.output


def test_bad_type_is_a_usage_error(snapshot_db: str) -> None:
    result = runner.invoke(app, ["--db", snapshot_db, "check", "X", "--type", "spaceship"])
    assert result.exit_code == 2


def test_compare() -> None:
    result = runner.invoke(app, ["compare", "Jon Smith", "John Smith"])
    assert result.exit_code == 0 and "(match" in result.output
    result = runner.invoke(app, ["compare", "George Bush", "George Habbash"])
    assert result.exit_code == 0 and "no match" in result.output


def test_every_check_is_audited(snapshot_db: str) -> None:
    from clearance.audit import records, verify
    from clearance.store import ListStore

    engine = ListStore.open(snapshot_db).engine
    before = len(list(records(engine)))
    check_json(snapshot_db, "Higvision", "--activity", "export")
    after = list(records(engine))
    assert len(after) == before + 1
    last = after[-1]
    assert last.action == "screening" and last.actor.startswith("cli:")
    assert last.payload["query"]["name"] == "Higvision"
    assert "un-sc" in last.payload["versions"]
    assert last.payload["results"][0]["entity_id"] == "ofac-nonsdn:30946"
    assert verify(engine).ok


@pytest.mark.parametrize("name", ["", "  ", "\ufeff", "\u200b\u200f"])
def test_an_empty_or_invisible_name_is_a_usage_error(tmp_path: object, name: str) -> None:
    """Exit 2 with the reason, before any store is opened (it said "No listed party matches")."""
    db = f"{tmp_path}/never-created.db"
    result = runner.invoke(app, ["--db", db, "check", name])
    assert result.exit_code == 2, result.output
    assert "empty name" in result.output
    result = runner.invoke(app, ["--db", db, "compare", "Putin", name])
    assert result.exit_code == 2 and "NAME_B" in result.output, result.output
