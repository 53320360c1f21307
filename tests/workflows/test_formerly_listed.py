"""A listing that ended before the screening date is history, not a hit.

Nereyda Carrillo-Montes's Denied Persons order (on the CSL of 2022-05-16) ran from
2021-11-30 until 2024-04-24:
screened today the row is "formerly listed", shown apart and never counted as a hit;
screened as of 2022-06-01, when the order was in force, it is a hit.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from clearance.workflows.batch import ScreenOptions, screen_file
from tests.workflows.conftest import run_cli

NAMES = (
    "name\nNereyda Carrillo-Montes\nHuawei Technologies Co Ltd\nZebulon Quartermaine-Fotheringay\n"
)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_ended_listing_is_shown_apart_and_never_counted(
    screener: Any, store: Any, tmp_path: Path
) -> None:
    source = tmp_path / "names.csv"
    source.write_text(NAMES, encoding="utf-8")
    out, report = tmp_path / "out.csv", tmp_path / "report.html"
    summary = screen_file(screener, source, out, store=store, report_path=report).summary
    assert (summary.rows, summary.hit_rows, summary.formerly_listed_rows) == (3, 1, 1)
    assert "us-csl/DPL" not in summary.by_list and sum(summary.by_verdict.values()) == 1
    former, huawei, nobody = _rows(out)
    assert (former["screen_hit"], former["screen_status"], former["screen_hits"]) == (
        "no",
        "formerly listed",
        "0",
    )
    assert former["screen_party"] == "NEREYDA CARRILLO-MONTES"
    assert former["screen_verdict"] == "NO_LISTING_FOUND"
    assert "listing ended on 2024-04-24" in former["screen_reasons"]
    assert (huawei["screen_hit"], huawei["screen_status"]) == ("yes", "listed")
    assert (nobody["screen_hit"], nobody["screen_status"]) == ("no", "")
    page = report.read_text(encoding="utf-8")
    hits, former = page.split("<h2 id=formerly-listed>")
    assert "<b>1</b>rows with a hit" in hits and "<b>1</b>formerly listed only" in hits
    assert "NEREYDA CARRILLO-MONTES" not in hits and "NEREYDA CARRILLO-MONTES" in former
    assert "listing ended on 2024-04-24" in former
    # When the order was in force, the same row is a hit.
    then = screen_file(
        screener,
        source,
        tmp_path / "then.csv",
        store=store,
        options=ScreenOptions(as_of=date(2022, 6, 1)),
    ).summary
    assert (then.hit_rows, then.formerly_listed_rows) == (2, 0)
    assert then.by_list["us-csl/DPL"] == 1


def test_the_cli_summary_counts_former_listings_apart(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    source = tmp_path / "names.csv"
    source.write_text(NAMES, encoding="utf-8")
    done = run_cli(workflow_env, "screen", str(source), "-o", str(tmp_path / "out.csv"))
    assert done.returncode == 0, done.stderr
    assert "3 rows, 1 with a hit, 0 with an error" in done.stderr
    assert "formerly listed (listings ended; not counted as hits): 1 row" in done.stderr
    assert "us-csl/DPL" not in done.stderr.split("by list:")[1].split("\n")[0]
    assert "Lists used: ofac-nonsdn v1 of 2025-12-19" in done.stderr
