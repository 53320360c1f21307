"""Analyst decisions (conflicts, bad input) and counterparty files (ids, duplicates)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from clearance.model import Entity
from clearance.monitoring import (
    AlertNotFound,
    Counterparty,
    CounterpartyError,
    DecisionConflict,
    DecisionError,
    add_counterparties,
    decide,
    list_alerts,
    read_counterparty_file,
    run_monitor,
)
from clearance.store import ListStore
from clearance.workflows.tables import TableError
from tests.monitoring.backends import base_entities, load_version


def _one_alert(store: ListStore, un: dict[str, Entity]) -> dict:  # type: ignore[type-arg]
    load_version(store, base_entities(un), "a", "2026-02-27")
    add_counterparties(store.engine, [Counterparty("c1", "Germain Katanga")])
    run_monitor(store)
    (alert,) = list_alerts(store.engine)
    return alert


def test_two_analysts_deciding_at_once_one_wins_the_other_is_told(
    store: ListStore, un_entities: dict[str, Entity]
) -> None:
    alert = _one_alert(store, un_entities)
    outcomes: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def analyst(name: str, decision: str) -> None:
        barrier.wait()
        try:
            outcomes[name] = decide(
                store.engine, alert["id"], decision, f"{name}'s review", name, alert["version"]
            )
        except DecisionConflict as exc:
            outcomes[name] = exc

    threads = [
        threading.Thread(target=analyst, args=("alice", "confirmed")),
        threading.Thread(target=analyst, args=("bob", "false-positive")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    conflicts = [o for o in outcomes.values() if isinstance(o, DecisionConflict)]
    winners = [o for o in outcomes.values() if isinstance(o, dict)]
    assert len(conflicts) == 1 and len(winners) == 1
    winner = winners[0]
    assert winner["version"] == alert["version"] + 1
    assert f"by {winner['decided_by']}" in str(conflicts[0])
    assert "nothing was overwritten" in str(conflicts[0])
    # Deciding again without the version seen: refused, naming the first decision.
    with pytest.raises(DecisionConflict, match="already decided"):
        decide(store.engine, alert["id"], "escalated", "second look", "carol")
    changed = decide(store.engine, alert["id"], "escalated", "second look", "carol", 2)
    assert changed["status"] == "escalated" and changed["version"] == 3


def test_bad_decisions_are_refused(store: ListStore, un_entities: dict[str, Entity]) -> None:
    alert = _one_alert(store, un_entities)
    with pytest.raises(AlertNotFound, match="no alert 999"):
        decide(store.engine, 999, "confirmed", "match", "alice")
    with pytest.raises(DecisionError, match="needs a reason"):
        decide(store.engine, alert["id"], "confirmed", "  ", "alice")
    with pytest.raises(DecisionError, match="unknown decision 'maybe'"):
        decide(store.engine, alert["id"], "maybe", "unsure", "alice")
    assert list_alerts(store.engine)[0]["status"] == "open"


def test_counterparty_file_with_own_ids(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        "customer_id,company name,country,tax id\n"
        "A-1,Germain Katanga,CD,\n"
        "A-2,Acme Garden Supplies Ltd,GB,GB123456789\n",
        encoding="utf-8",
    )
    rows = read_counterparty_file(path)
    assert [r.id for r in rows] == ["A-1", "A-2"]
    assert rows[1].country == "GB" and rows[1].identifiers == ("GB123456789",)
    assert rows[0].data["company name"] == "Germain Katanga"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,name\n1,Alpha\n2,Beta\n1,Gamma\n", r"row 3.*duplicate id '1', already used by row 1"),
        ("name,country\nAlpha,GB\n", "no id column"),
        ("id,name\n1,Alpha\n,Beta\n", r"row 2.*empty id"),
        ("id,name\n1,Alpha\n2,\n", r"row 2.*counterparty '2' has no name"),
    ],
)
def test_bad_counterparty_files_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TableError, match=message) as caught:
        read_counterparty_file(path)
    assert "bad.csv" in str(caught.value)


def test_duplicate_ids_through_the_library_are_refused(store: ListStore) -> None:
    items = [Counterparty("x", "Alpha"), Counterparty("x", "Beta")]
    with pytest.raises(CounterpartyError, match="duplicate id 'x'"):
        add_counterparties(store.engine, items)
    with pytest.raises(CounterpartyError, match="has no name"):
        Counterparty.from_dict({"id": "y", "name": " "})


def test_a_counterparty_of_an_unknown_type_is_refused_on_input() -> None:
    # Else every monitor run would stop at it (the API took any text as a type).
    from clearance.monitoring.counterparties import CounterpartyError

    assert Counterparty.from_dict({"id": "a", "name": "X", "schema": "vessel"}).schema
    with pytest.raises(CounterpartyError, match="counterparty 'b': unknown type 'spaceship'"):
        Counterparty.from_dict({"id": "b", "name": "X", "schema": "spaceship"})
