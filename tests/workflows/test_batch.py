"""Batch screening on real files: same results as `check`, every format, bad rows, resume."""

from __future__ import annotations

import csv
import json
import os
import signal
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from clearance.effects import Activity
from clearance.workflows.batch import (
    CRASH_ENV,
    ScreenOptions,
    progress_path,
    screen_file,
    screen_rows,
)
from clearance.workflows.tables import TableError, open_table
from tests.workflows.conftest import NEGATIVES, POSITIVES, cli_popen, head_csv, run_cli

HIKVISION = "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."


@pytest.fixture(scope="module")
def mixed_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 synthetic people, then 20 UN-listed people and two listed companies."""
    path = tmp_path_factory.mktemp("batch") / "customers.csv"
    head_csv(NEGATIVES, 60, path)
    with open(POSITIVES, encoding="utf-8") as f:
        positives = [line.rstrip("\n") for line in list(f)[1:21]]
    extra = [*positives, f'"{HIKVISION}",,,,,,,cn', "Huawei Technologies Co Ltd,,,,,,,CN"]
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n".join(extra) + "\n")
    return path


def _rows(path: Path) -> list[dict[str, Any]]:
    with open_table(path) as reader:
        return [row.values for row in reader]


def test_output_equals_check_row_by_row(
    screener: Any, store: Any, mixed_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    result = screen_file(screener, mixed_csv, out, store=store)
    rows = _rows(out)
    inputs = _rows(mixed_csv)
    assert len(rows) == len(inputs) == 82
    assert result.summary.rows == 82 and result.summary.errors == 0
    for given, row in zip(inputs, rows, strict=True):
        for column, value in given.items():  # input columns pass through untouched
            assert row[column] == value
        hits = screener.check(
            given["full_name"],
            country=given["nationality"] or None,
            birth_date=given["date_of_birth"] or None,
        )
        assert row["screen_hit"] == ("yes" if hits else "no")
        if hits:
            assert row["screen_party_id"] == hits[0].entity_id
            assert float(row["screen_score"]) == pytest.approx(hits[0].score, abs=1e-4)
            assert row["screen_explanation"] == " | ".join(hits[0].explanation)
    listed = [r for r in rows if int(r["screen_row"]) > 60]
    assert sum(r["screen_hit"] == "yes" for r in listed) >= 20
    hikvision = rows[-2]
    assert (
        "ofac-nonsdn/CMIC" in hikvision["screen_lists"] and "us-csl/EL" in hikvision["screen_lists"]
    )
    assert "investment_ban" in hikvision["screen_effect"]
    assert result.summary.by_list["ofac-nonsdn/CMIC"] >= 1
    assert result.summary.hit_rows == sum(r["screen_hit"] == "yes" for r in rows)


def test_activity_changes_the_verdict(screener: Any, store: Any) -> None:
    rows = [{"name": HIKVISION}]
    invest = next(
        screen_rows(screener, rows, options=ScreenOptions(activity=Activity.INVEST), store=store)
    )
    export = next(
        screen_rows(screener, rows, options=ScreenOptions(activity=Activity.EXPORT), store=store)
    )
    assert invest["screen_verdict"] == "PROHIBITED"
    assert export["screen_verdict"] == "LICENCE_REQUIRED"
    assert "Entity List" in export["screen_reasons"]


class CountingScreener:
    """The real screener, counting how often it is asked (to see repeats are not)."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.calls = 0

    def check(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.inner.check(*args, **kwargs)


@pytest.mark.parametrize("all_hits", [False, True])
def test_repeated_rows_are_checked_once_and_give_the_same_rows(
    screener: Any, store: Any, all_hits: bool
) -> None:
    distinct = [
        {"name": HIKVISION, "country": "cn"},
        {"name": "Jane Q. Doe", "country": None},
        {"name": HIKVISION, "country": None},  # same name, other facts: another query
        {"name": "  ", "country": "cn"},  # not screened, not checked
    ]
    rows = [dict(distinct[i % 4], ref=i) for i in (0, 1, 0, 2, 3, 0, 1, 2, 2, 0, 3, 1)]
    options = ScreenOptions(workers=1, chunk_size=5, all_hits=all_hits)  # repeats across chunks
    counting = CountingScreener(screener)
    together = list(screen_rows(counting, rows, options=options, store=store))
    assert counting.calls == 3
    one_by_one = []
    for number, row in enumerate(rows, start=1):
        for out in screen_rows(screener, [row], options=options, store=store):
            out["screen_row"] = number
            if out["screen_error"]:
                out["screen_error"] = out["screen_error"].replace("row 1:", f"row {number}:")
            one_by_one.append(out)
    assert together == one_by_one
    assert [list(r) for r in together] == [list(r) for r in one_by_one]  # same column order
    assert sum(r["screen_hit"] is True for r in together) >= 6


@pytest.mark.parametrize(
    ("source_fmt", "target_fmt"),
    [("xlsx", "parquet"), ("parquet", "jsonl"), ("jsonl", "xlsx"), ("tsv", "csv")],
)
def test_formats_in_and_out(
    screener: Any, store: Any, mixed_csv: Path, tmp_path: Path, source_fmt: str, target_fmt: str
) -> None:
    from clearance.workflows.table_writers import open_writer

    inputs = _rows(mixed_csv)
    source = tmp_path / f"in.{source_fmt}"
    writer = open_writer(source, source_fmt, list(inputs[0]))
    for row in inputs:
        writer.write(row)
    writer.finish()
    out = tmp_path / f"out.{target_fmt}"
    result = screen_file(screener, source, out, store=store)
    rows = _rows(out)
    assert len(rows) == len(inputs)
    assert [str(r["full_name"]) for r in rows] == [str(r["full_name"]) for r in inputs]
    hit = lambda r: r["screen_hit"] in (True, "yes")  # noqa: E731
    assert sum(hit(r) for r in rows) == result.summary.hit_rows > 20


def test_all_hits_gives_one_row_per_hit(screener: Any, store: Any) -> None:
    rows = list(
        screen_rows(
            screener,
            [{"name": HIKVISION}, {"name": "Zzyzx Qwerty"}],
            options=ScreenOptions(all_hits=True),
            store=store,
        )
    )
    hikvision = [r for r in rows if r["screen_row"] == 1]
    assert len(hikvision) == len(screener.check(HIKVISION)) >= 2
    assert [r["screen_rank"] for r in hikvision] == list(range(1, len(hikvision) + 1))
    assert [r for r in rows if r["screen_row"] == 2][0]["screen_hit"] is False


def test_bad_rows_are_reported_and_never_stop_the_batch(
    screener: Any, store: Any, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        b"name,country\n"
        b"ABDULHAI SALEK,af\n"
        b",GB\n"
        b"M\xfcller Handels GmbH,DE\n"
        b"Too,many,fields\n" + f"{HIKVISION.replace(',', '')},CN\n".encode()
    )
    out = tmp_path / "out.csv"
    result = screen_file(screener, path, out, store=store)
    rows = _rows(out)
    assert len(rows) == 5
    assert rows[0]["screen_hit"] == "yes" and rows[0]["screen_error"] == ""
    assert (
        rows[1]["screen_hit"] == ""
        and rows[1]["screen_error"] == "row 2 (line 3): empty name: not screened"
    )
    assert "row 3 (line 4): line 4: not valid utf-8" in rows[2]["screen_error"]
    assert rows[2]["screen_hit"] in ("yes", "no")  # screened with a replacement character
    assert "row 4 (line 5): 3 fields where the header has 2" in rows[3]["screen_error"]
    assert rows[4]["screen_hit"] == "yes"
    assert result.summary.errors == 3
    assert result.summary.error_samples[0].startswith("row 2 (line 3)")


def test_file_level_errors(screener: Any, store: Any, tmp_path: Path) -> None:
    no_name = tmp_path / "payments.csv"
    no_name.write_text("amount,iban\n10,DE00\n")
    with pytest.raises(TableError, match=r"payments.csv: no name column.*\(amount, iban\)"):
        screen_file(screener, no_name, tmp_path / "o.csv", store=store)
    with pytest.raises(TableError, match="no such file"):
        screen_file(screener, tmp_path / "missing.csv", tmp_path / "o.csv", store=store)
    with pytest.raises(TableError, match="--resume needs an output file"):
        screen_file(screener, no_name, None, resume=True, store=store)


def test_report_is_self_contained_html(
    screener: Any, store: Any, mixed_csv: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    screen_file(screener, mixed_csv, tmp_path / "out.jsonl", report_path=report, store=store)
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "Hits by list" in html and "Hits by effect" in html and "Score distribution" in html
    assert "HIKVISION" in html and "against the" in html  # a hit and its explanation
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html


def test_as_of_screens_the_versions_in_force(store: Any) -> None:
    from clearance.matching import Screener, cached_index

    day = "2023-01-01"  # the CSL of 2022 was in force, the OFAC non-SDN file of 2025 was not
    old = Screener(
        cached_index(store.screening_key(None, day), lambda: list(store.entities(None, day)))
    )
    rows = list(
        screen_rows(
            old, [{"name": HIKVISION}], options=ScreenOptions(as_of=date(2023, 1, 1)), store=store
        )
    )
    assert rows[0]["screen_hit"] is True
    assert "ofac-nonsdn" not in rows[0]["screen_lists"]
    assert rows[0]["screen_party_id"].startswith("us-csl:")


def _uninterrupted(workflow_env: dict[str, str], source: Path, tmp_path: Path) -> str:
    out = tmp_path / "whole.csv"
    done = run_cli(workflow_env, "screen", str(source), "-o", str(out), "--chunk-size", "50", "-q")
    assert done.returncode == 0, done.stderr
    return out.read_text()


def test_resume_after_crash_hook(
    workflow_env: dict[str, str], mixed_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    args = ("screen", str(mixed_csv), "-o", str(out), "--chunk-size", "20", "-q")
    crashed = run_cli({**workflow_env, CRASH_ENV: "40"}, *args)
    assert crashed.returncode == 70
    state = json.loads(progress_path(out).read_text())
    assert state["rows_done"] == 20  # the second chunk was written but not committed
    assert out.stat().st_size > state["writer"]["position"]
    resumed = run_cli(workflow_env, *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert not progress_path(out).exists()
    assert out.read_text() == _uninterrupted(workflow_env, mixed_csv, tmp_path)


def test_resume_after_kill(workflow_env: dict[str, str], tmp_path: Path) -> None:
    source = head_csv(NEGATIVES, 600, tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    args = ("screen", str(source), "-o", str(out), "--chunk-size", "50", "-q")
    process = cli_popen(workflow_env, *args)
    state_file = progress_path(out)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if (
            state_file.exists()
            and json.loads(state_file.read_text() or "{}").get("rows_done", 0) >= 100
        ):
            break
        time.sleep(0.05)
    assert process.poll() is None, "finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = json.loads(state_file.read_text())["rows_done"]
    assert 0 < done_before < 600
    resumed = run_cli(workflow_env, *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    with open(out, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["screen_row"]) for r in rows] == list(range(1, 601))
    assert out.read_text() == _uninterrupted(workflow_env, source, tmp_path)


def test_resume_refuses_changed_options(
    workflow_env: dict[str, str], mixed_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    args = ("screen", str(mixed_csv), "-o", str(out), "--chunk-size", "20", "-q")
    assert run_cli({**workflow_env, CRASH_ENV: "40"}, *args).returncode == 70
    changed = run_cli(workflow_env, *args, "--resume", "--activity", "export")
    assert changed.returncode == 2
    assert "cannot resume: the input file or the options changed" in changed.stderr
    assert "options" in changed.stderr


def test_fail_on_hit_and_stdout(
    workflow_env: dict[str, str], mixed_csv: Path, tmp_path: Path
) -> None:
    clean = head_csv(NEGATIVES, 3, tmp_path / "clean.csv")
    quiet = run_cli(workflow_env, "screen", str(clean), "--fail-on-hit")
    rows = list(csv.DictReader(quiet.stdout.splitlines()))
    assert len(rows) == 3 and "screened clean.csv at the threshold" in quiet.stderr
    assert ": 3 rows, " in quiet.stderr
    assert quiet.returncode == (1 if any(r["screen_hit"] == "yes" for r in rows) else 0)
    hit = run_cli(
        workflow_env, "screen", str(mixed_csv), "-o", str(tmp_path / "o.parquet"), "--fail-on-hit"
    )
    assert hit.returncode == 1
    assert "by list:" in hit.stderr and "by effect:" in hit.stderr
    bad = run_cli(workflow_env, "screen", str(tmp_path / "nope.csv"))
    assert bad.returncode == 2 and "nope.csv: cannot open: no such file" in bad.stderr
