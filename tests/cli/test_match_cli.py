"""`clearance check` and `compare` as a user runs them, on the bundled snapshot."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.context import EXIT_NOTHING_SCREENED
from clearance.cli.main import app
from clearance.matching import DEFAULT_THRESHOLD

runner = CliRunner()


def check_json(db: str, *args: str) -> dict:
    result = runner.invoke(app, ["--db", db, "check", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # one JSON document on stdout, nothing else


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


def test_name_packed_in_a_un_alias_field_is_found(snapshot_db: str) -> None:
    # QDe.137 lists it only inside one ALIAS_NAME of ten names: "Hay’at Tahrir al-Sham (HTS)
    # (هيئة تحرير الشام (original script); …; Hayat Tahrir al-Sham; …)".
    for query in ("Hayat Tahrir al-Sham", "HTS"):
        hits = check_json(snapshot_db, query, "--list", "un-sc")["hits"]
        assert hits and hits[0]["entity_id"] == "un-sc:QDe.137", query


def test_no_hit_gives_no_listing_found(snapshot_db: str) -> None:
    data = check_json(snapshot_db, "Zebulon Quartermaine-Fotheringay", "--activity", "transact")
    assert data["hits"] == []
    assert data["verdict"]["label"] == "NO LISTING FOUND"


def test_screening_against_no_list_says_so_and_exits_3(snapshot_db: str, tmp_path: Path) -> None:
    # The bundled lists are dated 2022 onwards: no version was in force in 2019. That is
    # not "no match": it is said loudly, with its own exit code, in text and in JSON.
    args = ["--db", snapshot_db, "check", "Kim Jong Un", "--as-of", "2019-01-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_NOTHING_SCREENED == 3
    assert "No list version in force on 2019-01-01" in result.stderr
    assert "nothing to screen against" in result.stderr and "us-csl v1" in result.stderr
    assert "No listed party matches" not in result.output
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["hits"] == [] and data["lists"]["versions"] == []
    assert "nothing to screen against" in data["warnings"][0]
    listed = runner.invoke(app, ["--db", snapshot_db, "lists", "--as-of", "2019-01-01"])
    assert listed.exit_code == 3 and "nothing to screen against" in listed.stderr
    names = tmp_path / "names.csv"
    names.write_text("name\nKim Jong Un\n", encoding="utf-8")
    for command in (["screen", str(names)], ["scan", str(names)], ["portfolio", str(names)]):
        refused = runner.invoke(app, ["--db", snapshot_db, *command, "--as-of", "2019-01-01"])
        assert refused.exit_code == 3, command  # before any output row or table
        assert refused.stdout == "" and "nothing to screen against" in refused.stderr
    # A list id the store does not hold: screened against the others, with a warning.
    some = runner.invoke(
        app, ["--db", snapshot_db, "check", "Kim Jong Un", "--list", "un-sc", "--list", "nope"]
    )
    assert some.exit_code == 0 and "No version of nope in force" in some.stderr
    none = runner.invoke(app, ["--db", snapshot_db, "check", "Kim Jong Un", "--list", "nope"])
    assert none.exit_code == 3 and "No version of nope in force" in none.stderr


def test_every_check_states_its_lists_and_their_age(
    snapshot_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = check_json(snapshot_db, "Higuision", "--activity", "export")
    versions = {v["list"]: v for v in data["lists"]["versions"]}
    assert set(versions) >= {"ofac-sdn", "us-csl", "un-sc"}
    csl = versions["us-csl"]
    age = (date.today() - date.fromisoformat("2022-05-16")).days
    assert (csl["version"], csl["date"], csl["age_days"], csl["stale"]) == (
        1,
        "2022-05-16",
        age,
        True,
    )
    assert data["lists"]["stale_after_days"] == 30
    assert any("older than 30 days" in w and "us-csl" in w for w in data["warnings"])
    text = runner.invoke(app, ["--db", snapshot_db, "check", "Higuision"])
    assert "Lists used:" in text.stdout and "us-csl v1 of 2022-05-16" in text.stdout
    assert "older than 30 days" in text.stderr
    # The stale age is configurable: an option, or the environment.
    wide = runner.invoke(
        app, ["--db", snapshot_db, "--stale-days", "100000", "check", "Higuision", "--json"]
    )
    assert json.loads(wide.stdout)["warnings"] == []
    monkeypatch.setenv("CLEARANCE_STALE_DAYS", "100000")
    assert check_json(snapshot_db, "Higuision")["lists"]["stale_after_days"] == 100000
    monkeypatch.setenv("CLEARANCE_STALE_DAYS", "soon")
    bad = runner.invoke(app, ["--db", snapshot_db, "check", "Higuision"])
    assert bad.exit_code == 2 and "CLEARANCE_STALE_DAYS" in bad.output


def test_check_states_its_threshold_and_shows_near_misses(snapshot_db: str) -> None:
    # "Maria Gonzalez Muniz" matches no listed person, but a Gonzalez Muniz comes close.
    args = ["Maria Gonzalez Muniz", "--type", "person"]
    data = check_json(snapshot_db, *args, "--near", "3")
    assert data["threshold"] == DEFAULT_THRESHOLD
    assert all(hit["score"] >= DEFAULT_THRESHOLD for hit in data["hits"])
    near = data["near_misses"]
    assert 1 <= len(near) <= 3
    for miss in near:
        assert miss["below_threshold"] is True and miss["score"] < DEFAULT_THRESHOLD
        assert miss["explanation"] and miss["lists"]
    assert check_json(snapshot_db, *args)["near_misses"] == []  # only when asked
    text = runner.invoke(app, ["--db", snapshot_db, "check", *args, "--near", "3"]).stdout
    assert f"at the threshold {DEFAULT_THRESHOLD:.2f}" in text
    assert f"Near misses, under the threshold {DEFAULT_THRESHOLD:.2f} (not matches)" in text
    assert text.count("below the threshold") == len(near)
    assert near[0]["name"] in text and near[0]["explanation"][0] in text


def test_huawei_entity_list_record_is_one_party_with_its_ns_cmic_record(
    snapshot_db: str,
) -> None:
    # "Huawei Technologies Co., Ltd. (Huawei)" on the Entity List and OFAC's NS-CMIC
    # "HUAWEI TECHNOLOGIES CO., LTD.": the same name without the legal form and the
    # parenthesised short name, the same country. One party, its own licence requirement.
    data = check_json(snapshot_db, "Huawei Technologies Co Ltd", "--activity", "export")
    top = data["hits"][0]
    assert top["entity_id"] == "ofac-nonsdn:30947"
    assert {"us-csl/EL", "ofac-nonsdn/CMIC"} <= set(top["lists"])
    assert top["verdict"]["label"] == "LICENCE REQUIRED"
    own = [e for e in top["effects"] if e["sub_list"] == "EL"]
    assert len(own) == 3 and all("Huawei Technologies Co., Ltd." in e["caption"] for e in own)
    # Its three Entity List listings are one reason naming all three, not three reasons.
    on_el = [r for r in top["verdict"]["reasons"] if "[us-csl/EL]" in r]
    assert len(on_el) == 1 and "3 such listings on us-csl/EL" in on_el[0]


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
