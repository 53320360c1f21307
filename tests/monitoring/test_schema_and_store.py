"""The schema on both databases: upgrade of a 0001 store in place, and the list store itself."""

from __future__ import annotations

import functools
from types import SimpleNamespace

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select

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
from tests.monitoring.backends import base_entities, load_version


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
    # Put a list in it with the 0001 tables only (the store code of that release).
    from clearance.store import list_store as store_module

    old = object.__new__(store_module.ListStore)
    old.engine = engine
    old._versions_cache = None
    # That release's writes: no writer lock, and no read of columns added since.
    old.record_load = functools.partial(store_module.ListStore._record_load, old)
    old.current_versions = lambda *args, **kwargs: {}
    old.version = lambda version_id: SimpleNamespace(id=version_id)
    version = load_version(old, base_entities(un_entities), "a", "2026-02-27")
    engine.dispose()

    store = ListStore.open(db_url)  # opening migrates
    assert current_revision(store.engine) == HEAD_REVISION
    assert inspect(store.engine).has_table("alerts")
    assert store.current_versions()["un-sc"].id == version
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
