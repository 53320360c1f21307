"""The schema on both databases: upgrade of a 0001 store in place, and the list store itself."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, inspect, select, text

from clearance.audit import verify
from clearance.audit.tables import audit_head
from clearance.model import Entity
from clearance.monitoring import Counterparty, add_counterparties, run_monitor
from clearance.store import ListStore
from clearance.store.database import (
    HEAD_REVISION,
    MIGRATIONS,
    create_store_engine,
    current_revision,
    database_url,
)
from clearance.store.schema import entity_keys
from tests.monitoring.backends import base_entities, load_version


def _load_as_release_0001(engine: Engine, entities: list[Entity], published: str) -> int:
    """A list version written into the 0001 tables as that release's store wrote it
    (only the columns it had: no version number, no date source), and no party keys
    (those of an older release's rules; migration 0005 makes them again)."""
    from clearance.store.list_store import _encode

    encoded = {e.id: _encode(e) for e in entities}
    with engine.begin() as conn:
        version_id = conn.execute(
            text(
                "INSERT INTO list_versions (list_id, source, origin, files, sha256, retrieved_at,"
                " published, entity_count, status, warnings, stats) VALUES ('un-sc', 'test',"
                " 'file', '[]', :sha, :at, :published, :count, 'ok', '[]', '{}') RETURNING id"
            ),
            {"sha": "a" * 64, "at": datetime.now(UTC), "published": published,
             "count": len(encoded)},
        ).scalar_one()  # fmt: skip
        for entity_id, (digest, blob) in encoded.items():
            conn.execute(
                text("INSERT INTO entity_records (hash, entity_id, data) VALUES (:h, :e, :d)"),
                {"h": digest, "e": entity_id, "d": blob},
            )
            conn.execute(
                text(
                    "INSERT INTO version_entities (version_id, entity_id, hash) VALUES (:v, :e, :h)"
                ),
                {"v": version_id, "e": entity_id, "h": digest},
            )
    return int(version_id)


def test_a_store_of_the_previous_schema_is_upgraded_in_place(
    db_url: str, un_entities: dict[str, Entity]
) -> None:
    engine = create_store_engine(database_url(db_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # the database as release 0001 left it
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    assert current_revision(engine) == "0001"
    assert not inspect(engine).has_table("alerts")
    # Put a list in it with the 0001 tables only, as the store code of that release did.
    version = _load_as_release_0001(engine, base_entities(un_entities), "2026-02-27")
    engine.dispose()

    store = ListStore.open(db_url)  # opening migrates
    assert current_revision(store.engine) == HEAD_REVISION
    assert inspect(store.engine).has_table("alerts")
    assert store.current_versions()["un-sc"].id == version
    assert store.current_versions()["un-sc"].number == 1  # numbered by migration 0005
    with store.engine.connect() as conn:  # the party keys were made by the migration
        assert conn.execute(select(func.count()).select_from(entity_keys)).scalar()
    assert store.get_entity("un-sc:CDi.006") is not None
    with store.engine.connect() as conn:
        assert conn.execute(select(audit_head.c.seq, audit_head.c.hash)).one() == (0, "0" * 64)
    add_counterparties(store.engine, [Counterparty("c1", "Germain Katanga")])
    assert len(run_monitor(store).alerts) == 1
    assert verify(store.engine).ok
    store.engine.dispose()


def test_list_store_versions_diff_party_and_as_of(
    store: ListStore, un_entities: dict[str, Entity]
) -> None:
    entities = base_entities(un_entities)
    v1 = load_version(store, entities, "a", "2026-02-27")
    v2 = load_version(store, [e for e in entities if e.id != "un-sc:QDi.001"], "b", "2026-03-06")
    assert store.current_versions()["un-sc"].id == v2
    assert store.current_versions(as_of="2026-03-01")["un-sc"].id == v1
    delta = store.diff("un-sc", v1, v2)
    assert delta.removed == ["un-sc:QDi.001"] and delta.added == [] and delta.changed == []
    assert store.get_entity("un-sc:QDi.001") is None
    assert store.get_entity("un-sc:QDi.001", as_of="2026-03-01") is not None
    assert [e.id for e in store.party("un-sc:CDi.006")][0] == "un-sc:CDi.006"
    assert store.screening_key() != store.screening_key(as_of="2026-03-01")
