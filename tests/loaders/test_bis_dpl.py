"""BIS Denied Persons List loader, on the real 2023-11-30 dpl.txt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearance.loaders.bis_dpl import COLUMNS, load_bis_dpl, row_key, split_fr_citations
from clearance.loaders.errors import ListFormatError
from clearance.model import NameDerivation, NameKind


@pytest.fixture(scope="module")
def dpl_file(lists_dir: Path) -> Path:
    return lists_dir / "bis_dpl" / "2023-11-30" / "dpl.txt"


@pytest.fixture(scope="module")
def dpl(dpl_file: Path):
    return load_bis_dpl(dpl_file)


@pytest.fixture(scope="module")
def dpl_lines(dpl_file: Path) -> list[str]:
    return dpl_file.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(tmp_path: Path, text: str, name: str = "dpl.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_counts_and_published(dpl) -> None:
    assert dpl.list_id == "bis-dpl"
    # 665 rows, two of them byte-identical repeats of the row before.
    assert len(dpl.entities) == 663
    assert dpl.stats["identical_rows_dropped"] == 2
    assert "dpl.txt line 154: identical to line 153, kept once" in dpl.warnings
    # Line 316 says Last_Update 3033-09-30 (a typo); it must not date the file.
    assert dpl.published == "2023-11-28"
    assert any("line 316" in w and "3033-09-30" in w for w in dpl.warnings)


def test_ids_unique_and_shaped(dpl) -> None:
    ids = [e.id for e in dpl.entities]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"bis-dpl:[0-9a-f]{12}", i) for i in ids)


def test_first_row(dpl) -> None:
    ash = dpl.entities[0]
    assert ash.caption == "I. ASH"
    assert ash.schema == "LegalEntity"
    assert ash.source_ref == "dpl.txt line 2"
    listing = ash.listing
    assert listing.sub_list is None
    assert listing.programs == ("EAR",)
    assert listing.listed_on == "2003-06-19"
    assert listing.end_on == "2056-06-29"
    assert listing.legal_basis == (
        "68 F.R. 38290 6/27/03",
        "71 F.R. 38843 7/10/06",
        "72 F.R. 4236 1/30/07",
    )
    address = ash.addresses[0]
    assert (address.city, address.region, address.postal_code, address.country) == (
        "SEAGOVILLE",
        "TX",
        "75159",
        "US",
    )
    assert ash.properties["modifiedAt"] == ["2007-01-31"]
    assert ash.raw["Name"] == " I. ASH"


def test_blank_country_with_us_state(dpl) -> None:
    villa = next(e for e in dpl.entities if e.caption == "AARON ABRAHAM VILLA")
    assert villa.raw["Country"] == ""
    assert villa.addresses[0].country == "US"
    assert villa.listing.end_on == "2026-01-14"


def test_open_ended_denials(dpl) -> None:
    open_ended = [e for e in dpl.entities if e.listing.end_on is None]
    assert len(open_ended) == 53
    assert all(e.listing.listed_on for e in dpl.entities)


def test_id_stable_when_renewed_and_reordered(tmp_path: Path, dpl, dpl_lines: list[str]) -> None:
    header, rows = dpl_lines[0], dpl_lines[1:]
    # A renewal re-dates a row; reordering rows changes nothing either.
    renewed = [rows[0].replace('"06/19/2003"', '"01/02/2024"')] + rows[1:]
    result = load_bis_dpl(_write(tmp_path, header + "".join(reversed(renewed))))
    assert {e.id for e in result.entities} == {e.id for e in dpl.entities}
    ash = next(e for e in result.entities if e.id == dpl.entities[0].id)
    assert ash.raw == dict(dpl.entities[0].raw, Effective_Date="01/02/2024")
    assert ash.listing.listed_on == "2024-01-02"


def test_key_collisions_numbered_by_content(tmp_path: Path, dpl_lines: list[str]) -> None:
    header, row = dpl_lines[0], dpl_lines[2]  # AARON ABRAHAM VILLA
    other = row.replace('"87 F.R. 52741 8/29/2022"', '"99 F.R. 1 1/1/2030"')
    first = load_bis_dpl(_write(tmp_path, header + row + other)).entities
    second = load_bis_dpl(_write(tmp_path, header + other + row)).entities
    assert {e.id: e.listing.legal_basis for e in first} == {
        e.id: e.listing.legal_basis for e in second
    }
    ids = sorted(e.id for e in first)
    assert ids[1] == ids[0] + "-2"


def test_row_key_normalises() -> None:
    row = dict.fromkeys(COLUMNS, "")
    row.update(Name=" I.  ash", City="Seagoville")
    same = dict(row, Name="I. ASH", City="SEAGOVILLE ", Effective_Date="01/01/2020")
    assert row_key(row) == row_key(same)
    assert row_key(row) != row_key(dict(row, City="Dallas"))


def test_split_fr_citations() -> None:
    assert split_fr_citations("80 F.R 61358 10/13/15") == ("80 F.R 61358 10/13/15",)
    assert split_fr_citations("") == ()
    assert split_fr_citations("see order of 1 May 2001") == ("see order of 1 May 2001",)


# --- bad input --------------------------------------------------------------------


def test_truncated_inside_quoted_field(tmp_path: Path, dpl_lines: list[str]) -> None:
    text = "".join(dpl_lines[:51]) + dpl_lines[51][:30]
    with pytest.raises(ListFormatError, match="malformed CSV") as err:
        load_bis_dpl(_write(tmp_path, text))
    assert err.value.line == 52


def test_truncated_between_fields(tmp_path: Path, dpl_lines: list[str]) -> None:
    row = dpl_lines[51]
    text = "".join(dpl_lines[:51]) + row[: row.index("\t", 40)]
    with pytest.raises(ListFormatError, match="expected 12 tab-separated columns") as err:
        load_bis_dpl(_write(tmp_path, text))
    assert err.value.line == 52


def test_wrong_header(tmp_path: Path, dpl_lines: list[str]) -> None:
    text = dpl_lines[0].replace('"FR_Citation"', '"Citation"') + "".join(dpl_lines[1:])
    with pytest.raises(ListFormatError) as err:
        load_bis_dpl(_write(tmp_path, text))
    assert err.value.line == 1
    assert "column 12 is 'Citation', expected 'FR_Citation'" in err.value.reason


def test_comma_separated_instead_of_tabs(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="header column 1") as err:
        load_bis_dpl(_write(tmp_path, ",".join(COLUMNS) + "\n"))
    assert err.value.line == 1


def test_extra_column(tmp_path: Path, dpl_lines: list[str]) -> None:
    text = dpl_lines[0] + dpl_lines[1].rstrip("\n") + '\t"extra"\n'
    with pytest.raises(ListFormatError, match="found 13") as err:
        load_bis_dpl(_write(tmp_path, text))
    assert err.value.line == 2


def test_bad_date(tmp_path: Path, dpl_lines: list[str]) -> None:
    text = dpl_lines[0] + dpl_lines[1] + dpl_lines[2].replace('"08/24/2022"', '"24/08/2022"')
    with pytest.raises(ListFormatError, match="Effective_Date '24/08/2022'") as err:
        load_bis_dpl(_write(tmp_path, text))
    assert err.value.line == 3


def test_header_only(tmp_path: Path, dpl_lines: list[str]) -> None:
    with pytest.raises(ListFormatError, match="no records"):
        load_bis_dpl(_write(tmp_path, dpl_lines[0]))


def test_html_error_page(tmp_path: Path) -> None:
    page = "<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>\n"
    with pytest.raises(ListFormatError, match="HTML page"):
        load_bis_dpl(_write(tmp_path, page))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty file"):
        load_bis_dpl(_write(tmp_path, "\n"))


def test_packed_names_are_split(dpl) -> None:
    names = {n.value: n for e in dpl.entities for n in e.names if n.derived}
    assert (names["FRANK SUN"].derived, names["FRANK SUN"].kind) == (
        NameDerivation.AKA,
        NameKind.ALIAS,
    )
    assert names["FUYI SUN"].derived_from == "FUYI SUN A/K/A FRANK SUN"
    assert names["S7 AIRLINES"].derived is NameDerivation.DBA
    assert names["IHSAN MEDHAT ELASHI"].derived is NameDerivation.ALTERNATIVE
    assert names["NEI-CHIEN CHU"].derived is NameDerivation.AKA
