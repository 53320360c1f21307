"""The CLI end to end: monitor add/run/list, alerts, decide, audit verify/export."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

from clearance.audit.tables import audit_log
from clearance.cli.main import app
from clearance.model import Entity
from clearance.store import ListStore
from tests.monitoring.backends import base_entities, load_version


def test_monitoring_from_the_command_line(
    store: ListStore, db_url: str, un_entities: dict[str, Entity], tmp_path: Path
) -> None:
    load_version(store, base_entities(un_entities), "a", "2026-02-27")
    runner = CliRunner()

    def cli(*args: str) -> str:
        result = runner.invoke(app, ["--db", db_url, *args], env={"CLEARANCE_ACTOR": "user:eve"})
        assert result.exit_code == 0, result.output
        return result.output

    def fails(*args: str) -> str:
        result = runner.invoke(app, ["--db", db_url, *args], env={"CLEARANCE_ACTOR": "user:eve"})
        assert result.exit_code != 0, result.output
        return result.output

    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\nK1,Germain Katanga\nK2,Acme Garden Supplies\n", "utf-8")
    assert "2 added" in cli("monitor", "add", str(customers))
    assert "2 of 2 counterparties re-screened, 1 alerts" in cli("monitor", "run")
    listed = json.loads(cli("monitor", "list", "--json"))
    assert [row["id"] for row in listed] == ["K1", "K2"]
    table = cli("alerts")
    assert "K1" in table and "GERMAIN KATANGA" in table and "un-sc none->" in table
    (alert,) = json.loads(cli("alerts", "--status", "open", "--json"))
    assert alert["counterparty_id"] == "K1" and alert["kind"] == "new"
    assert "no alert 42" in fails("decide", "42", "confirmed", "--reason", "x")
    assert "needs a reason" in fails("decide", str(alert["id"]), "confirmed")
    assert "confirmed by user:eve" in cli(
        "decide", str(alert["id"]), "confirmed", "--reason", "same person"
    )
    assert "already decided" in fails("decide", str(alert["id"]), "escalated", "--reason", "x")
    dupes = tmp_path / "dupes.csv"
    dupes.write_text("id,name\n1,A\n1,B\n", "utf-8")
    assert "duplicate id '1'" in fails("monitor", "add", str(dupes))
    assert "1 removed" in cli("monitor", "remove", "K2")

    assert "audit trail intact: 4 records" in cli("audit", "verify")
    out = tmp_path / "audit.csv"
    cli("audit", "export", "--format", "csv", "--output", str(out))
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "seq,at,actor,action,payload,prev_hash,hash,key_id" and len(lines) == 5
    jsonl = [json.loads(x) for x in cli("audit", "export", "--format", "jsonl").splitlines()]
    assert [r["action"] for r in jsonl] == [
        "counterparties.add",
        "monitor.run",
        "alert.decision",
        "counterparties.remove",
    ]
    assert jsonl[2]["actor"] == "user:eve"
    with store.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(actor="user:mallory"))
    assert "record 3 edited" in fails("audit", "verify")
