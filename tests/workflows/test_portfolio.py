"""Portfolio screening: NS-CMIC securities by ISIN, else by issuer name, with dates."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from clearance.workflows.portfolio import PortfolioOptions, isin_problem, screen_portfolio
from clearance.workflows.tables import TableError
from tests.workflows.conftest import run_cli

HOLDINGS = """\
Security,ISIN,Issuer,Quantity
Hikvision A shares,CNE100000PM8,Hangzhou Hikvision Digital Technology,1000
Typo in ISIN,CNE100000PM9,Some Issuer,5
No ISIN,,HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD,20
Apple,US0378331005,Apple Inc.,10
New Hikvision bond,CND100000009,Hangzhou Hikvision Digital Technology Co Ltd,3
Nothing,,,1
"""


@pytest.fixture
def holdings(tmp_path: Path) -> Path:
    path = tmp_path / "holdings.csv"
    path.write_text(HOLDINGS, encoding="utf-8")
    return path


def test_isin_check_digit() -> None:
    assert isin_problem("CNE100000PM8") is None
    assert isin_problem("US0378331005") is None
    assert isin_problem("CNE100000PM9") == "ISIN 'CNE100000PM9' fails its check digit"
    assert "not 2 letters" in str(isin_problem("12345"))


def test_portfolio_flags_by_isin_and_issuer_with_dates(
    screener: Any, store: Any, holdings: Path, tmp_path: Path
) -> None:
    out = tmp_path / "screened.csv"
    summary, flagged = screen_portfolio(screener, holdings, out, store=store)
    with open(out, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6 and summary.rows == 6
    by_row = {int(r["portfolio_row"]): r for r in rows}
    listed = by_row[1]
    assert (listed["portfolio_flag"], listed["portfolio_match"]) == ("listed", "isin")
    assert listed["portfolio_listed_on"] == "2021-06-03"
    assert listed["portfolio_divestment_on"] == "2022-06-03"
    assert listed["portfolio_verdict"] == "PROHIBITED" and listed["Quantity"] == "1000"
    assert "investment_ban" in listed["portfolio_effect"]
    typo = by_row[2]
    assert typo["portfolio_flag"] == "" and "fails its check digit" in typo["portfolio_error"]
    assert typo["portfolio_error"].startswith("row 2 (line 3):")
    by_name = by_row[3]
    assert (by_name["portfolio_flag"], by_name["portfolio_match"]) == ("issuer", "issuer")
    assert by_name["portfolio_divestment_on"] == "2022-06-03"
    assert float(by_name["portfolio_score"]) >= 0.8 and by_name["portfolio_explanation"]
    assert by_row[4]["portfolio_flag"] == ""
    review = by_row[5]
    assert review["portfolio_flag"] == "review"
    assert "is not one the list names" in review["portfolio_reasons"]
    assert "neither an ISIN nor an issuer name" in by_row[6]["portfolio_error"]
    assert [r["portfolio_row"] for r in flagged] == [1, 3, 5]
    assert summary.by_effect["investment_ban"] == 3


def test_portfolio_as_of_before_the_listing(screener: Any, store: Any, holdings: Path) -> None:
    from datetime import date

    options = PortfolioOptions(as_of=date(2021, 3, 1))  # NS-CMIC listing: 2021-06-03
    summary, flagged = screen_portfolio(screener, holdings, None, options=options, store=store)
    assert flagged == [] and summary.rows == 6


def test_portfolio_bad_columns(screener: Any, store: Any, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("amount,currency\n1,USD\n")
    with pytest.raises(
        TableError, match=r"no ISIN and no issuer column among \(amount, currency\)"
    ):
        screen_portfolio(screener, path, None, store=store)
    with pytest.raises(TableError, match="--isin-col 'code': no such column"):
        screen_portfolio(
            screener, path, None, options=PortfolioOptions(isin_col="code"), store=store
        )


def test_cli_portfolio(workflow_env: dict[str, str], holdings: Path, tmp_path: Path) -> None:
    done = run_cli(
        workflow_env, "portfolio", str(holdings), "-o", str(tmp_path / "o.xlsx"), "--fail-on-hit"
    )
    assert done.returncode == 1, done.stderr
    assert "2022-06-03" in done.stdout and "listed (isin)" in done.stdout
    assert (tmp_path / "o.xlsx").exists()
    from clearance.audit import records
    from clearance.store import ListStore

    audited = [
        r
        for r in records(ListStore.open(workflow_env["CLEARANCE_DB"]).engine)
        if r.action == "screening.portfolio"
    ][-1]
    assert audited.payload["input"] == str(holdings) and audited.payload["flagged"]
    assert all(f["entity_id"] and f["row"] for f in audited.payload["flagged"])
