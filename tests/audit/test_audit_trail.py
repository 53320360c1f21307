"""The hash-chained audit trail: every change recorded, tampering found and named."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update

from clearance.audit import export, record, record_screening, records, verify
from clearance.audit.tables import audit_log
from clearance.matching import DEFAULT_THRESHOLD
from clearance.model import Entity
from clearance.monitoring import Counterparty, add_counterparties, decide, list_alerts, run_monitor
from clearance.store import ListStore
from tests.monitoring.backends import base_entities, load_version


def _five(store: ListStore) -> None:
    for n in range(1, 6):
        record(store.engine, f"user:u{n}", "config.change", {"n": n, "text": "résumé ✓"})


def test_monitoring_writes_every_action_to_the_chain(
    store: ListStore, un_entities: dict[str, Entity]
) -> None:
    v1 = load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(store.engine, [Counterparty("c1", "Germain Katanga")], actor="user:alice")
    run_monitor(store, actor="api-key:ops")
    (alert,) = list_alerts(store.engine)
    decide(store.engine, alert["id"], "confirmed", "same DOB", "user:bob")
    record_screening(store.engine, "api-key:web", {"name": "Katanga"}, {"un-sc": v1}, 0.8, [])
    trail = list(records(store.engine))
    assert [(r.actor, r.action) for r in trail] == [
        ("user:alice", "counterparties.add"),
        ("api-key:ops", "monitor.run"),
        ("user:bob", "alert.decision"),
        ("api-key:web", "screening"),
    ]
    run = trail[1].payload
    assert run["versions_after"] == {"un-sc": v1} and run["threshold"] == DEFAULT_THRESHOLD
    [[entity_id, score]] = run["results"]["c1"]  # the counterparty's name as listed
    assert entity_id == "un-sc:CDi.006" and score >= 0.9
    assert trail[2].payload["decision"] == "confirmed" and trail[2].payload["reason"] == "same DOB"
    assert verify(store.engine).ok


def test_edited_record_is_named(store: ListStore) -> None:
    _five(store)
    with store.engine.begin() as conn:
        conn.execute(
            update(audit_log).where(audit_log.c.seq == 3).values(payload='{"n":33,"text":"x"}')
        )
    result = verify(store.engine)
    assert not result.ok
    assert result.problems == ["record 3 edited: its content no longer matches its hash"]


def test_edited_actor_is_named(store: ListStore) -> None:
    _five(store)
    with store.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(actor="user:mallory"))
    assert verify(store.engine).problems == [
        "record 2 edited: its content no longer matches its hash"
    ]


def test_deleted_record_is_named(store: ListStore) -> None:
    _five(store)
    with store.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 2))
    assert verify(store.engine).problems == ["record 2 deleted: record 3 follows record 1"]


def test_deleted_and_renumbered_record_is_found(store: ListStore) -> None:
    _five(store)
    with store.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 5))
        conn.execute(delete(audit_log).where(audit_log.c.seq == 2))
        for seq in (3, 4):
            conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(seq=seq - 1))
    problems = verify(store.engine).problems
    assert "record 2: the record before it was deleted or replaced" in problems[0]
    assert problems[-1].startswith("records 4-5 deleted")


def test_reordered_records_are_named(store: ListStore) -> None:
    _five(store)
    with store.engine.begin() as conn:  # swap records 2 and 3
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(seq=-2))
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(seq=2))
        conn.execute(update(audit_log).where(audit_log.c.seq == -2).values(seq=3))
    problems = verify(store.engine).problems
    assert problems[0] == (
        "record 2 out of order: it was written after record 3, but follows record 1"
    )


def test_deleted_tail_is_found(store: ListStore) -> None:
    _five(store)
    with store.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq >= 4))
    assert verify(store.engine).problems == [
        "records 4-5 deleted: the log ends at 3 but 5 were written"
    ]


def test_concurrent_appends_keep_one_chain(store: ListStore) -> None:
    def writer(name: str) -> None:
        for n in range(10):
            record(store.engine, name, "config.change", {"n": n})

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify(store.engine)
    assert result.ok and result.checked == 30


def test_export_csv_and_jsonl_by_date(store: ListStore) -> None:
    _five(store)
    with store.engine.begin() as conn:  # an old record: out of the range asked
        conn.execute(
            text("UPDATE audit_log SET at = :at WHERE seq = 1"),
            {"at": datetime(2020, 1, 1, tzinfo=UTC)},
        )
    today = datetime.now(UTC).date()
    lines = "".join(export(store.engine, "jsonl", today - timedelta(days=1), today)).splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [2, 3, 4, 5]
    assert json.loads(lines[0])["payload"] == {"n": 2, "text": "résumé ✓"}
    table = list(csv.DictReader(io.StringIO("".join(export(store.engine, "csv")))))
    assert [row["seq"] for row in table] == ["1", "2", "3", "4", "5"]
    assert json.loads(table[4]["payload"])["n"] == 5
    assert list(export(store.engine, "jsonl", date(2019, 1, 1), date(2019, 12, 31))) == []
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        list(export(store.engine, "xml"))
    # The moved timestamp breaks record 1's hash: the examiner's copy would show it.
    assert verify(store.engine).problems == [
        "record 1 edited: its content no longer matches its hash"
    ]
    with store.engine.connect() as conn:
        assert conn.execute(select(audit_log.c.seq).order_by(audit_log.c.seq)).scalars().all() == [
            1, 2, 3, 4, 5
        ]  # fmt: skip
