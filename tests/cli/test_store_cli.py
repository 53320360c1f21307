"""The store commands as a user runs them: lists, show, diff, load, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from clearance.cli.main import app
from clearance.store import ListStore

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def run_json(*args: str) -> Any:
    """A command's --json output: one JSON document on stdout (warnings are in it)."""
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_lists_shows_every_bundled_list_with_its_count(snapshot_db: str) -> None:
    code, out = run("--db", snapshot_db, "lists", "--json")
    assert code == 0
    counts = {row["list"]: (row["entities"], row["source_rows"]) for row in json.loads(out)}
    assert counts["ofac-sdn"][0] == 14965
    assert counts["ofac-nonsdn"][0] == 442
    assert counts["us-csl"][0] == 14160
    assert counts["bis-dpl"][1] == 665  # rows in the file; two byte-identical rows kept once
    assert counts["un-sc"][0] == 1003
    assert counts["uk-ofsi"][0] == 4688
    code, table = run("--db", snapshot_db, "lists")
    assert code == 0 and "14,965" in table and "older than 30 days" in table


def test_show_hikvision_with_all_its_listings(snapshot_db: str) -> None:
    code, out = run("--db", snapshot_db, "show", "ofac-nonsdn:30946")
    assert code == 0
    for expected in (
        "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
        "CNE100000PM8",
        "002415 CN",
        "91330000733796106P",
        "CMIC-EO13959",
        "us-csl/EL",
        "since 2019-10-09",
        "presumption of denial",
    ):
        assert expected in out, expected
    code, out = run("--db", snapshot_db, "show", "ofac-nonsdn:30946", "--json")
    party = json.loads(out)["party"]
    assert {m["listing"]["sub_list"] for m in party} >= {"NS-CMIC", "EL", "CMIC"}


def test_show_unknown_entity_fails_clearly(snapshot_db: str) -> None:
    code, out = run("--db", snapshot_db, "show", "ofac-sdn:does-not-exist")
    assert code == 1 and "No entity 'ofac-sdn:does-not-exist'" in out


def test_load_diff_and_as_of_on_real_sdn_files(tmp_path: Path, lists_dir: Path) -> None:
    db = str(tmp_path / "s.db")
    old = lists_dir / "ofac_sdn/2021-07-07"
    code, out = run(
        "--db",
        db,
        "load",
        "--published",
        "2021-07-07",
        *(str(old / n) for n in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")),
    )
    assert code == 0, out
    # Only the 2024 SDN list as the second version.
    code, out = run(
        "--db",
        db,
        "load",
        "--published",
        "2024-05-03",
        str(lists_dir / "ofac_sdn/2024-05-03/sdn.csv"),
    )
    assert code == 0, out
    delta = run_json("--db", db, "diff", "ofac-sdn")
    assert len(delta["added"]) - len(delta["removed"]) == 14965 - 8976
    assert (delta["from"]["version"], delta["to"]["version"]) == (1, 2)  # per list
    # A record whose facts are the same but which sits elsewhere in the file (another
    # line: `source_ref`, an empty address row of OFAC's) is not a change.
    counts = delta["counts"]
    assert counts["moved_only"] > 1000 and counts["changed"] == len(delta["changed"])
    assert counts["changed"] + counts["moved_only"] > 8000
    for change in delta["changed"]:
        assert change["kinds"] and not {"source_ref", "raw"} & set(change["kinds"])
        assert change["name"] and all(change["changes"][k] for k in change["kinds"])
    assert all(entry["name"] for entry in delta["added"] + delta["removed"])
    assert sum(counts["by_kind"].values()) >= counts["changed"]
    gulf = next(c for c in delta["changed"] if c["id"] == "ofac-sdn:10386")
    assert gulf["name"] == "GULF CARTEL"
    assert gulf["changes"]["programs"] == {"removed": [], "added": ["ILLICIT-DRUGS-EO14059"]}
    code, text = run("--db", db, "diff", "ofac-sdn", "--from", "2021-07-07", "--limit", "3")
    assert code == 0 and "v1 (2021-07-07) -> v2 (2024-05-03)" in text
    assert "Added (6,870)" in text and "… 6,867 more" in text
    assert "Changed programmes" in text and "GULF CARTEL [ofac-sdn:10386]: + ILLICIT" in text
    assert "moved or were re-spelt in the file with the same facts" in text
    store = ListStore.open(db)
    assert store.resolve_version("ofac-sdn", "1").published == "2021-07-07"
    assert store.resolve_version("ofac-sdn", "v2").published == "2024-05-03"
    code, text = run("--db", db, "diff", "ofac-sdn", "--from", "7")
    assert code == 1 and "ofac-sdn has no version 7 (its versions: v1, v2)" in text
    # As of 2022 the 2021 version is in force.
    rows = {r["list"]: r for r in run_json("--db", db, "lists", "--as-of", "2022-01-01")}
    assert rows["ofac-sdn"]["entities"] == 8976 and rows["ofac-sdn"]["version"] == 1
    # Versions are numbered per list: the first UN version is v1, whatever came before.
    code, out = run("--db", db, "load", str(lists_dir / "un_sc/2026-02-27/consolidated.xml"))
    assert code == 0 and "un-sc: loaded v1 " in out
    rows = {r["list"]: r for r in run_json("--db", db, "lists")}
    assert (rows["ofac-sdn"]["version"], rows["un-sc"]["version"]) == (2, 1)
    assert rows["un-sc"]["load_id"] == 3  # the store-wide load id, kept for reference


def test_load_rejects_bad_file_and_keeps_store(tmp_path: Path, lists_dir: Path) -> None:
    db = str(tmp_path / "s.db")
    good = lists_dir / "un_sc/2026-02-27/consolidated.xml"
    assert run("--db", db, "load", str(good))[0] == 0
    bad = tmp_path / "consolidated.xml"
    bad.write_bytes(good.read_bytes()[:100_000])
    code, out = run("--db", db, "load", str(bad))
    assert code == 1 and "un-sc: not loaded" in out and "consolidated.xml" in out
    code, out = run("--db", db, "lists", "--json")
    assert [r["entities"] for r in json.loads(out)] == [1003]


def test_export_and_import_a_user_list(tmp_path: Path, lists_dir: Path) -> None:
    db = str(tmp_path / "s.db")
    run("--db", db, "load", str(lists_dir / "un_sc/2026-02-27/consolidated.xml"))
    out_file = tmp_path / "un.ftm.json"
    code, _ = run("--db", db, "export", "un-sc", "-o", str(out_file))
    assert code == 0
    lines = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert sum(1 for e in lines if e["schema"] in ("Person", "Organization")) == 1003
    copy = tmp_path / "watch.ftm.json"
    shutil.copy(out_file, copy)
    code, out = run("--db", db, "load", "--list", "my-watchlist", str(copy))
    assert code == 0, out
    code, out = run("--db", db, "show", "my-watchlist:un-sc-QDi.001", "--json")
    assert code == 0 and "ZIDANE" in out


def test_loads_and_batch_screenings_are_audited(tmp_path: Path, lists_dir: Path) -> None:
    from clearance.audit import records, verify

    db = str(tmp_path / "s.db")
    good = lists_dir / "un_sc/2026-02-27/consolidated.xml"
    assert run("--db", db, "load", str(good))[0] == 0
    bad = tmp_path / "consolidated.xml"
    bad.write_bytes(good.read_bytes()[:1000])
    assert run("--db", db, "load", str(bad))[0] == 1
    names = tmp_path / "names.csv"
    names.write_text("name\nSeif al Adel\nMaria Gonzalez\n")
    code, out = run("--db", db, "screen", str(names), "-o", str(tmp_path / "out.csv"))
    assert code == 0, out
    engine = ListStore.open(db).engine
    trail = list(records(engine))
    updates = [r.payload["result"] for r in trail if r.action == "list.update"]
    assert updates == ["loaded", "rejected"]
    [batch] = [r for r in trail if r.action == "screening.batch"]
    assert batch.payload["rows"] == 2 and batch.payload["hit_rows"] == 1
    assert batch.payload["versions"] == {"un-sc": 1}
    assert verify(engine).ok


def test_a_store_from_before_version_numbers_is_numbered_and_relinked(
    tmp_path: Path, lists_dir: Path
) -> None:
    """Migration 0005 on a store as revision 0004 left it: no version numbers, party keys
    of the old rules (and none of 0006's or 0007's tables and columns). Opening it numbers
    every list's versions and re-keys its records."""
    from sqlalchemy import text

    db = str(tmp_path / "old.db")
    un = lists_dir / "un_sc/2026-02-27/consolidated.xml"
    for path in (un, lists_dir / "bis_dpl/2023-11-30/dpl.txt"):
        assert run("--db", db, "load", str(path))[0] == 0
    store = ListStore.open(db)
    with store.engine.begin() as conn:
        keys = conn.execute(text("SELECT hash, key FROM entity_keys ORDER BY 1, 2")).all()
        conn.execute(text("DROP INDEX uq_list_versions_number"))
        conn.execute(text("ALTER TABLE list_versions DROP COLUMN number"))
        conn.execute(text("DELETE FROM entity_keys"))
        for table in ("links", "edges", "parties", "versions"):  # revision 0006's tables
            conn.execute(text(f"DROP TABLE ownership_{table}"))
        for table in ("store_writer", "auth_throttle"):  # revision 0007's
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("ALTER TABLE list_versions DROP COLUMN date_source"))
        conn.execute(text("ALTER TABLE audit_log DROP COLUMN key_id"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    store.engine.dispose()
    reopened = ListStore.open(db)
    assert {v.list_id: v.number for v in reopened.versions()} == {"un-sc": 1, "bis-dpl": 1}
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT hash, key FROM entity_keys ORDER BY 1, 2")).all() == keys
    code, out = run("--db", db, "load", str(un), "--force")
    assert code == 0 and "un-sc: unchanged v1" in out


def test_lists_reports_parties_joined_by_each_rule(snapshot_db: str) -> None:
    links = ListStore.open(snapshot_db).party_links()
    for rule in ("ref", "org", "person", "all"):
        parties, records = links[rule]
        assert parties > 0 and 2 * parties <= records, rule
    assert links["all"][0] < links["ref"][0] + links["org"][0] + links["person"][0]
    code, out = run("--db", snapshot_db, "lists")
    assert code == 0
    assert f"{links['all'][1]:,} records in {links['all'][0]:,} parties" in out
    org_parties, org_records = links["org"]
    assert (
        "organisation name (no legal form, no short name) and country: "
        f"{org_parties:,} parties of {org_records:,} records" in out
    )


def test_show_takes_either_id_form(snapshot_db: str) -> None:
    """The FollowTheMoney export writes `un-sc-QDi.001`; `show` and the store take it."""
    plain = run_json("--db", snapshot_db, "show", "un-sc:QDi.001")
    exported = run_json("--db", snapshot_db, "show", "un-sc-QDi.001")
    assert exported == plain and plain["entity"]["id"] == "un-sc:QDi.001"
    hashed = "us-csl-d05d55fa214aff19c1eb3270d54905e4e362d445"
    party = run_json("--db", snapshot_db, "show", hashed)["party"]
    assert "ofac-nonsdn:30947" in {m["id"] for m in party}


def test_an_error_no_command_handles_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """Here an unreachable database; CLEARANCE_DEBUG=1 shows the traceback for a report."""
    import os
    import subprocess
    import sys

    program = "from clearance.cli.main import app; app()"
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    env = {k: v for k, v in os.environ.items() if k != "CLEARANCE_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-c", program, "--db", url, "lists"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: OperationalError: connection failed")
    assert "CLEARANCE_DEBUG=1" in done.stderr
    debug = subprocess.run(
        [sys.executable, "-c", program, "--db", url, "lists"],
        capture_output=True, text=True, timeout=120, env={**env, "CLEARANCE_DEBUG": "1"},
    )  # fmt: skip
    assert "Traceback" in debug.stderr
