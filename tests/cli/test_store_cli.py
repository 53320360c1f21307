"""The store commands as a user runs them: lists, show, diff, load, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from clearance.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


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
    code, out = run("--db", db, "diff", "ofac-sdn", "--json")
    delta = json.loads(out)
    assert len(delta["added"]) - len(delta["removed"]) == 14965 - 8976
    code, text = run("--db", db, "diff", "ofac-sdn", "--from", "2021-07-07", "--limit", "3")
    assert code == 0 and "added" in text and "more added" in text
    # As of 2022 the 2021 version is in force.
    code, out = run("--db", db, "lists", "--json", "--as-of", "2022-01-01")
    rows = {r["list"]: r for r in json.loads(out)}
    assert rows["ofac-sdn"]["entities"] == 8976


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
    from clearance.store import ListStore

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
