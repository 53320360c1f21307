"""Derived listings everywhere a party is screened: screen, scan, portfolio, show, the
HTTP API (/check, /match topics and properties, /entities), monitoring alerts when an
ownership file changes an aggregate, and the audit trail (the web page's chain graph:
tests/web/test_ownership_page.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, select

from clearance.audit import verify
from clearance.audit.tables import audit_log
from clearance.monitoring import Counterparty, add_counterparties, run_monitor
from clearance.monitoring.alerts import list_alerts
from clearance.monitoring.tables import (
    alerts,
    counterparties,
    monitor_hits,
    monitor_runs,
    suppressions,
    webhook_deliveries,
    webhooks,
)
from clearance.store import ListStore
from clearance.workflows.portfolio import PortfolioOptions, PortfolioScreener
from clearance.workflows.screening import Screener
from tests.ownership.store import LIST_ID, OWNERS_CSV, cli, copy_db

ALPHA = "Zorvex Alpha Trading Ltd"
ALPHA_ID = f"{LIST_ID}:zorvex-alpha-trading-ltd"

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def screener(owners_db: str) -> Screener:
    """Held for the module: the CLI runs below share its index in memory."""
    return Screener.load(store=ListStore.open(owners_db))


def test_screen_a_file(owners_db: str, screener: Screener, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text(f"name\n{ALPHA}\nZorvex Eta Logistics Ltd\nZorvex Zeta Mining Ltd\n")
    target = tmp_path / "out.csv"
    code, out = cli("--db", owners_db, "screen", str(source), "-o", str(target), "--quiet")
    assert code == 0, out
    rows = list(csv.DictReader(target.open()))
    assert [r["screen_verdict"] for r in rows] == ["PROHIBITED", "CAUTION", ""]
    assert rows[0]["screen_lists"] == f"{LIST_ID}/OWNERSHIP"
    assert "not listed; blocked by ownership: 60 % via SNIPER AFRICA" in rows[0]["screen_reasons"]
    assert "blocked_by_ownership" in rows[0]["screen_effect"]


def test_scan_text(owners_db: str, screener: Screener, tmp_path: Path) -> None:
    text = tmp_path / "invoice.txt"
    text.write_text(f"Invoice 2291: freight paid to {ALPHA} of Johannesburg, 12 May.\n")
    code, out = cli("--db", owners_db, "scan", str(text), "--json")
    assert code == 0, out
    mentions = json.loads(out)["mentions"]
    assert [m["entity_id"] for m in mentions] == [ALPHA_ID]


def test_portfolio_by_issuer(screener: Screener) -> None:
    # The holdings screener as `clearance portfolio` builds it (the ISIN index aside: it
    # reads every listed record, and a derived listing has no ISIN here).
    holdings = PortfolioScreener(screener.matcher, {}, PortfolioOptions(), screener.store)
    found = holdings.holding(None, ALPHA)
    assert found.flag == "issuer" and found.party is not None
    assert found.party.entity_id == ALPHA_ID
    assert found.verdict is not None and found.verdict.value == "PROHIBITED"
    assert "blocked by ownership" in found.reasons[0]
    assert holdings.holding(None, "Acme Water plc").flag == ""


def test_show_owners_and_holdings(owners_db: str) -> None:
    code, out = cli("--db", owners_db, "show", f"{LIST_ID}:zorvex-gamma-shipping-ltd")
    text = " ".join(out.split())
    assert code == 0, out
    assert "Owned by (1) 50 % (shares) by Zorvex Alpha Trading Ltd, since 2016-01-01" in text
    assert "OFAC 50 Percent Rule: is blocked by ownership (not listed)" in text
    code, out = cli("--db", owners_db, "show", "ofac-sdn:10133", "--json")
    holdings = json.loads(out)["ownership"]["holdings"]
    names = {h["owned_name"] for h in holdings}
    assert ALPHA in names and "Zorvex Kappa Traders Ltd" not in names  # that one ended in 2024
    assert all(h["owner_name"] == "SNIPER AFRICA" for h in holdings)


def test_check_is_audited_with_the_derived_hit(owners_db: str, screener: Screener) -> None:
    code, _ = cli("--db", owners_db, "check", ALPHA, "--activity", "export")
    assert code == 0
    engine = ListStore.open(owners_db).engine
    with engine.connect() as conn:
        payload = conn.execute(
            select(audit_log.c.payload)
            .where(audit_log.c.action == "screening")
            .order_by(audit_log.c.seq.desc())
            .limit(1)
        ).scalar_one()
    assert ALPHA_ID in payload
    assert verify(engine).ok


def test_an_ownership_list_asked_for_is_named_as_used_not_as_missing(owners_db: str) -> None:
    """`--list` takes an ownership list id too: it is ownership data used, not a list
    with "no version in force"; alone it screens against no list (exit 3)."""
    code, out = cli("--db", owners_db, "check", ALPHA, "--list", "ofac-sdn", "--list", LIST_ID)
    text = " ".join(out.split())
    assert code == 0, out
    assert ALPHA_ID in text
    assert f"; ownership data {LIST_ID} v1." in text and "No version of" not in text
    code, out = cli("--db", owners_db, "check", ALPHA, "--list", LIST_ID)
    assert code == 3 and "No list version in force" in out


def test_http_check_match_and_entities(owners_server: tuple[str, str, str]) -> None:
    url, key, _ = owners_server
    with httpx.Client(base_url=url, headers={"Authorization": f"ApiKey {key}"}, timeout=60) as http:
        checked = http.post("/check", json={"name": ALPHA, "activity": "transact"}).json()
        assert checked["verdict"]["label"] == "PROHIBITED"
        assert checked["verdict"]["reasons"][0].count("not listed; blocked by ownership") == 1
        assert [o["list"] for o in checked["lists"]["ownership"]] == [LIST_ID]
        query = {"queries": {"q": {"schema": "Company", "properties": {"name": [ALPHA]}}}}
        (result,) = http.post("/match/default", json=query).json()["responses"]["q"]["results"]
        assert result["id"] == ALPHA_ID and result["datasets"] == [f"{LIST_ID}/OWNERSHIP"]
        assert result["properties"]["topics"] == ["export.control.linked", "sanction.linked"]
        assert "not listed; blocked by ownership" in result["properties"]["notes"][0]
        sanctioned = http.post("/match/default", params={"topics": "sanction"}, json=query).json()
        assert sanctioned["responses"]["q"]["results"] == []  # linked, not sanctioned itself
        linked = http.post(
            "/match/default", params={"topics": "sanction.linked"}, json=query
        ).json()
        assert [r["id"] for r in linked["responses"]["q"]["results"]] == [ALPHA_ID]
        entity = http.get(f"/entities/{ALPHA_ID}").json()
        assert entity["properties"]["sanctions"] == []  # never shown as a Sanction


def test_monitoring_alerts_when_an_ownership_file_changes_an_aggregate(
    owners_db: str, tmp_path: Path
) -> None:
    db = copy_db(owners_db, tmp_path / "monitor.db")
    store = ListStore.open(db)
    with store.engine.begin() as conn:  # the session store may hold other tests' monitoring
        for table in (
            webhook_deliveries,
            webhooks,
            alerts,
            suppressions,
            monitor_hits,
            monitor_runs,
            counterparties,
        ):
            conn.execute(delete(table))
    add_counterparties(
        store.engine,
        [
            Counterparty("cp-alpha", ALPHA),
            Counterparty("cp-omega", "Zorvex Omega Industries Ltd"),
            Counterparty("cp-other", "Quillon Brightwater Dairy"),
        ],
    )
    first = run_monitor(store, actor="tests")
    assert {a["counterparty_id"] for a in list_alerts(store.engine)} == {"cp-alpha"}
    assert first.screened == 3
    changed = tmp_path / "owners-v2.csv"
    changed.write_text(
        OWNERS_CSV.replace(
            "Sniper Africa,Zorvex Alpha Trading Ltd,60", "Sniper Africa,Zorvex Alpha Trading Ltd,40"
        )
        + "Sniper Africa,Zorvex Omega Industries Ltd,75,2020-01-01,,new filing,\n"
    )
    code, out = cli("--db", db, "load", str(changed), "--list", LIST_ID)
    assert code == 0, out
    second = run_monitor(ListStore.open(db), actor="tests")
    assert second.screened == 2  # the two the change touches, not the dairy
    raised = {
        a["counterparty_id"]: a for a in list_alerts(store.engine) if a["run_id"] == second.run_id
    }
    assert raised["cp-omega"]["kind"] == "new"
    assert raised["cp-alpha"]["kind"] in ("gone", "changed")
    update = next(u for u in second.stats["list_updates"] if "ownership" in u["list"])
    assert update["ownership_versions"] == {f"ownership:{LIST_ID}": [1, 2]}
