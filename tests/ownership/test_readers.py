"""Ownership files in: the BODS 0.4 examples, FollowTheMoney Ownership, CSV and XLSX, bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from clearance.loaders.errors import ListFormatError
from clearance.model import IdentifierType
from clearance.ownership.reading import ownership_format, read_ownership
from clearance.ownership.records import Interest, OwnershipFileError
from clearance.ownership.shares import Share, ShareError
from tests.conftest import SHARED

BODS = SHARED / "formats" / "bods-0.4" / "examples"
HEADER = "owner,owned,percent,start_date,end_date,source"


def edges_of(path: Path) -> set[tuple[str, str, str, str | None]]:
    data = read_ownership(path)
    name = {k: p.name for k, p in data.parties.items()}
    return {(name[e.owner], name[e.owned], e.share.label, e.start) for e in data.edges}


@pytest.mark.parametrize(
    ("text", "low", "high", "label"),
    [
        ("60", 60, 60, "60 %"),
        ("60 %", 60, 60, "60 %"),
        ("25-50", 25, 50, "25–50 %"),
        ("25 – 50%", 25, 50, "25–50 %"),
        ("unknown", 0, 100, "unknown"),
        ("at least 50", 50, 100, "at least 50 %"),
    ],
)
def test_shares_as_written(text: str, low: float, high: float, label: str) -> None:
    share = Share.parse(text)
    assert (share.low, share.high, share.label) == (low, high, label)


@pytest.mark.parametrize("text", ["", "sixty", "50-25", "120", "-5"])
def test_unreadable_shares_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ShareError):
        Share.parse(text)


def test_bods_entity_owning_entity_with_a_band() -> None:
    path = BODS / "bods-package-entity-owning-entity.json"
    assert ownership_format(path) == "bods"
    data = read_ownership(path)
    (edge,) = data.edges
    assert (edge.share.low, edge.share.high) == (75, pytest.approx(100))
    assert data.parties[edge.owned].name == "JENEX LIMITED"
    ident = data.parties[edge.owned].identifiers[0]
    assert (ident.type, ident.value, ident.country) == (
        IdentifierType.REGISTRATION,
        "03209885",
        "GB",
    )


def test_bods_indirect_interests_count_through_their_chain_not_twice() -> None:
    path = BODS / "mutilple-indirect-ownership-2.json"
    assert edges_of(path) == {
        ("Company B", "Company A", "40 %", "2017-11-01"),
        ("Company C", "Company A", "20 %", "2017-11-01"),
        ("Person 1", "Company B", "unknown", None),
        ("Person 1", "Company C", "unknown", None),
    }
    assert "indirect interests summarise chains" in read_ownership(path).warnings[0]


def test_bods_joint_ownership_through_an_arrangement() -> None:
    assert edges_of(BODS / "joint-ownership.json") == {
        ("Joint shareholding", "CHRINON LTD", "100 %", "2018-01-01"),
        ("Natalie Coleman", "Joint shareholding", "50 %", "2018-01-01"),
        ("Roberto Lopez", "Joint shareholding", "50 %", "2018-01-01"),
    }


def test_bods_mixed_direct_and_indirect_keeps_both_direct_interests() -> None:
    found = edges_of(BODS / "mixed-direct-and-indirect-ownership.json")
    assert ("Person 1", "Company A", "50 %", "2019-05-01") in found
    assert ("Company B", "Company A", "50 %", "2017-11-01") in found


def test_bods_without_any_interest_is_refused() -> None:
    with pytest.raises(ListFormatError, match="no ownership or control interest"):
        read_ownership(BODS / "listed-company-exempt-from-disclosure.json")


def test_bods_bad_statements_are_reported_by_line(tmp_path: Path) -> None:
    statements = json.loads((BODS / "indirect-ownership.json").read_text())
    statements[3]["recordDetails"]["interests"][0]["share"] = {"exact": 160}
    statements[4]["recordDetails"]["subject"] = "nowhere"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(statements, indent=2))
    with pytest.raises(OwnershipFileError) as caught:
        read_ownership(path)
    errors = caught.value.errors
    assert len(errors) == 2
    text = path.read_text().splitlines()
    for error in errors:  # each line is where its statement starts
        assert error.line is not None and text[error.line - 1].strip() == "{"
    assert "160 % is outside 0-100 %" in str(caught.value)
    assert "subject 'nowhere' is no entity or person statement" in str(caught.value)


def ftm(*entities: dict[str, object]) -> str:
    return "\n".join(json.dumps(e) for e in entities) + "\n"


def test_ftm_ownership_entities(tmp_path: Path) -> None:
    path = tmp_path / "owners.ftm.json"
    path.write_text(
        ftm(
            {
                "id": "a",
                "schema": "Company",
                "properties": {"name": ["Alpha"], "leiCode": ["5493001KJTIIGC8Y1R12"]},
            },
            {
                "id": "b",
                "schema": "Company",
                "properties": {"name": ["Beta"], "jurisdiction": ["gb"]},
            },
            {
                "id": "o1",
                "schema": "Ownership",
                "properties": {
                    "owner": ["a"],
                    "asset": ["b"],
                    "percentage": ["25-50"],
                    "startDate": ["2020-01-01"],
                    "endDate": ["2023-06-30"],
                },
            },
        )
    )
    assert ownership_format(path) == "ftm"
    data = read_ownership(path)
    (edge,) = data.edges
    assert (edge.owner, edge.owned, edge.share.label, edge.start, edge.end) == (
        "a",
        "b",
        "25–50 %",
        "2020-01-01",
        "2023-06-30",
    )
    assert data.parties["a"].identifiers[0].type is IdentifierType.LEI
    assert data.parties["b"].country == "GB"


def test_ftm_ownership_pointing_outside_the_file_is_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "owners.ftm.json"
    path.write_text(
        ftm(
            {"id": "a", "schema": "Company", "properties": {"name": ["Alpha"]}},
            {"id": "o1", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["zz"]}},
        )
    )
    with pytest.raises(OwnershipFileError, match=r"line 2: Ownership o1: asset 'zz' is not"):
        read_ownership(path)


def test_lists_of_parties_are_not_ownership_data(tmp_path: Path) -> None:
    # An FtM watch list (Sanction entities), a workbook of names: loaded as lists, as before.
    lists = SHARED / "lists"
    assert ownership_format(lists / "ftm_samples" / "yente_zala_entities.ftm.json") is None
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "country"])
    book.save(tmp_path / "names.xlsx")
    assert ownership_format(tmp_path / "names.xlsx") is None


def test_csv_with_names_identifiers_ids_and_ranges(tmp_path: Path) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(
        HEADER + ",owner_ids,owned_type,interest\n"
        "ACME Holdings,ACME Trading,60,2020-01-01,,registry,LEI:5493001KJTIIGC8Y1R12,company,\n"
        "ofac-sdn:10046,ACME Trading,25-50,,2024-12-31,filing,,,votes\n"
    )
    assert ownership_format(path) == "table"
    data = read_ownership(path)
    first, second = data.edges
    assert data.parties[first.owner].identifiers[0].type is IdentifierType.LEI
    assert data.parties[second.owner].entity_id == "ofac-sdn:10046"
    assert (second.share.low, second.share.high, second.interest) == (25, 50, Interest.VOTES)
    assert first.source_ref == "owners.csv line 2" and second.end == "2024-12-31"
    assert data.parties[first.owned].schema == "Company"


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_read(tmp_path: Path) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(
        HEADER + "\n"
        "A,B,60,2020-01-01,,ok\n"
        "A,,60,,,missing owned\n"
        "A,C,sixty,,,bad percent\n"
        "A,D,60,2021-13-01,,bad date\n"
        "A,A,60,,,self\n"
        "A,E,60,2022-01-01,2021-01-01,ends before it starts\n"
    )
    with pytest.raises(OwnershipFileError) as caught:
        read_ownership(path)
    lines = [(e.line, e.message.split(":")[0]) for e in caught.value.errors]
    assert lines == [
        (3, "owned is empty"),
        (4, "percent"),
        (5, "start_date"),
        (6, "owner and owned are the same party"),
        (7, "end_date 2021-01-01 is before start_date 2022-01-01"),
    ]
    assert str(caught.value).startswith("owners.csv, line 3: 5 bad rows, nothing loaded")


def test_a_table_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "owners.csv"
    path.write_text("owner,owned,share\nA,B,60\n")
    assert ownership_format(path) == "table"
    with pytest.raises(ListFormatError, match="missing column.*percent, start_date, end_date"):
        read_ownership(path)


def test_xlsx_rows_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "owners.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(["A", "B", 60, "2020-01-01", None, "register"])
    sheet.append(["A", "C", "150", None, None, "register"])
    book.save(path)
    with pytest.raises(OwnershipFileError, match=r"owners.xlsx, line 3: percent: 150 % is outside"):
        read_ownership(path)
    sheet.delete_rows(3)
    book.save(path)
    (edge,) = read_ownership(path).edges
    assert (edge.share.label, edge.start) == ("60 %", "2020-01-01")
