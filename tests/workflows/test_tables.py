"""Table reading and writing for batch screening: every format, every bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from clearance.workflows.columns import map_columns, schema_from_text
from clearance.workflows.table_writers import WriterState, open_writer
from clearance.workflows.tables import TableError, detect_format, open_table
from tests.conftest import BENCH

NEGATIVES = BENCH / "yente_candidate_fixtures" / "negatives_global.csv"


def _head(path: Path, lines: int) -> bytes:
    with open(path, "rb") as f:
        return b"".join(f.readline() for _ in range(lines))


def test_real_csv_streams_with_recognised_columns() -> None:
    with open_table(NEGATIVES) as reader:
        mapping = map_columns(reader.columns, str(NEGATIVES))
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) == 5:
                break
        done, total = reader.progress()
    assert mapping.name == "full_name"
    assert mapping.dob == "date_of_birth" and mapping.country == "nationality"
    assert rows[0].values["full_name"] == "حسین موسوی"
    assert rows[1].where == "row 2 (line 3)" and rows[1].error is None
    assert total == NEGATIVES.stat().st_size and 0 < done <= total


def test_bad_encoding_spoils_one_row_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(b"name,country\nAcme Ltd,GB\nM\xfcller GmbH,DE\nZeta SA,FR\n")
    with open_table(path) as reader:
        rows = list(reader)
    assert [r.number for r in rows] == [1, 2, 3]
    assert rows[0].error is None and rows[2].error is None
    assert rows[1].where == "row 2 (line 3)"
    assert "line 3: not valid utf-8 at byte 1" in str(rows[1].error)
    assert rows[1].values["name"] == "M\ufffdller GmbH"
    with open_table(path, encoding="latin-1") as reader:
        assert [r.values["name"] for r in reader][1] == "Müller GmbH"


def test_ragged_rows_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('name,country\n"Acme, Ltd",GB\n\nShort\nToo,many,fields\n"multi\nline",US\n')
    with open_table(path) as reader:
        rows = list(reader)
    assert [r.values["name"] for r in rows] == ["Acme, Ltd", "Short", "Too", "multi\nline"]
    assert rows[1].error == "1 fields where the header has 2" and rows[1].values["country"] == ""
    assert rows[2].where == "row 3 (line 5)" and "extra fields dropped" in str(rows[2].error)
    assert rows[3].where == "row 4 (line 6)" and rows[3].error is None


def test_unreadable_inputs_raise_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="no such file"):
        open_table(tmp_path / "missing.csv")
    with pytest.raises(TableError, match="is a directory"):
        open_table(tmp_path, "csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(TableError, match="empty.csv: empty file"):
        open_table(empty)
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes("name\nAcme\n".encode("utf-16"))
    with pytest.raises(TableError, match="UTF-16"):
        open_table(utf16)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(TableError, match="NUL bytes"):
        open_table(binary)
    not_xlsx = tmp_path / "fake.xlsx"
    not_xlsx.write_text("name\nAcme\n")
    with pytest.raises(TableError, match="not a readable .xlsx"):
        open_table(not_xlsx)
    not_parquet = tmp_path / "fake.parquet"
    not_parquet.write_text("name\nAcme\n")
    with pytest.raises(TableError, match="not a readable Parquet"):
        open_table(not_parquet)
    with pytest.raises(TableError, match="cannot tell the format"):
        detect_format(tmp_path / "list.dat")


def test_missing_name_column_lists_the_columns(tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"no name column: none of the columns \(amount, iban\)"):
        map_columns(["amount", "iban"], "payments.csv")
    with pytest.raises(TableError, match="--name-col 'client': no such column"):
        map_columns(["amount", "iban"], "payments.csv", name_col="client")
    parts = map_columns(["Given Name", "Surname", "DOB"], "p.csv")
    assert parts.name is None and parts.name_parts == ("Given Name", "Surname")
    assert parts.name_of({"Given Name": "Ali", "Surname": "Khan"}) == "Ali Khan"
    flagged = map_columns(["Beneficiary Name", "Ctry", "Passport No"], "p.csv", country_col="ctry")
    assert (flagged.name, flagged.country, flagged.ids) == (
        "Beneficiary Name",
        "Ctry",
        ("Passport No",),
    )
    assert schema_from_text("Individual") == "Person" and schema_from_text("bank") is None


def test_jsonl_bad_lines_are_row_errors(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"name": "Acme", "n": 1}\nnot json\n\n[1, 2]\n{"name": "Zeta", "extra": true}\n'
    )
    with open_table(path) as reader:
        assert reader.columns == ["name", "n"]
        rows = list(reader)
    assert [r.where for r in rows] == ["line 1", "line 2", "line 4", "line 5"]
    assert rows[1].error is not None and rows[1].error.startswith("not valid JSON at column 1")
    assert rows[2].error == "a JSON list, not an object of columns"
    assert rows[3].values == {"name": "Zeta", "extra": True}


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_spooled_formats_round_trip_types(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    columns = ["name", "amount", "when", "hit", "score"]
    writer = open_writer(out, fmt, columns)
    writer.write({"name": "Acme", "amount": 12, "when": dt.date(2024, 1, 31), "hit": True})
    writer.commit()
    writer.write({"name": "Zeta", "amount": None, "when": None, "hit": False, "score": 0.91})
    writer.finish()
    assert not (tmp_path / f"out.{fmt}.parts").exists()
    with open_table(out) as reader:
        assert reader.columns == columns
        rows = [r.values for r in reader]
    assert rows[0]["name"] == "Acme" and rows[0]["amount"] == 12
    assert str(rows[0]["when"]).startswith("2024-01-31")
    assert rows[1]["score"] == pytest.approx(0.91)
    assert rows[1]["hit"] in (False, "no")


def test_xlsx_reader_reports_sheet_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "holdings.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Holdings"
    sheet.append([])
    sheet.append(["Issuer", "ISIN", "Quantity"])
    sheet.append(["Hangzhou Hikvision", "CNE100000PM8", 100])
    sheet.append([None, None, None])
    sheet.append(["Acme", None, 5, "stray"])
    book.save(path)
    with open_table(path) as reader:
        assert reader.columns == ["Issuer", "ISIN", "Quantity"]
        rows = list(reader)
    assert rows[0].where == "sheet 'Holdings' row 3"
    assert rows[1].where == "sheet 'Holdings' row 5"
    assert rows[1].error == "1 value(s) right of the last header column dropped"
    with pytest.raises(TableError, match="no sheet 'Other'; sheets: Holdings"):
        open_table(path, sheet="Other")


def test_csv_writer_resume_cuts_uncommitted_tail(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    writer = open_writer(out, "csv", ["name", "hit"])
    writer.write({"name": "Acme", "hit": True})
    state = writer.commit()
    writer.write({"name": "half-written", "hit": False})
    writer.abort()
    resumed = open_writer(out, "csv", ["name", "hit"], WriterState(position=state.position))
    resumed.write({"name": "Zeta", "hit": False})
    resumed.finish()
    assert out.read_text() == "name,hit\nAcme,yes\nZeta,no\n"


def test_jsonl_writer_keeps_json_types(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    writer = open_writer(out, "jsonl", ["name", "score"])
    writer.write({"name": "Acme", "score": 0.5, "late": [1]})
    writer.finish()
    assert json.loads(out.read_text()) == {"name": "Acme", "score": 0.5, "late": [1]}


def test_head_of_real_file_in_tsv(tmp_path: Path) -> None:
    tsv = tmp_path / "n.tsv"
    tsv.write_text(_head(NEGATIVES, 4).decode().replace(",", "\t"))
    with open_table(tsv) as reader:
        rows = list(reader)
    assert len(rows) == 3 and rows[1].values["first_name"] == "Patricia"
