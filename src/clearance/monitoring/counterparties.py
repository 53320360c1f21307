"""The counterparties a compliance team monitors, by their own ids.

Rows come from the same files `clearance screen` reads (same column recognition),
plus an id column. Re-adding a row updates it; only a change to the screening fields
(name, type, country, birth date, identifiers) marks it for re-screening.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, select, update

from clearance.audit.trail import append, canonical_json
from clearance.matching.secondary import normalize_schema
from clearance.model.text import is_blank_name
from clearance.monitoring.tables import counterparties, monitor_hits, suppressions
from clearance.workflows.columns import find_column, map_columns, schema_from_text
from clearance.workflows.tables import TableError, open_table

ID_HEADERS = str.split(
    "id customerid clientid counterpartyid partyid vendorid supplierid accountid "
    "accountnumber reference ref customerref customernumber clientnumber externalid"
)

SCREENING_FIELDS = ("name", "schema", "country", "birth_date", "identifiers")


class CounterpartyError(Exception):
    """Counterparty input refused, with the file and row(s) at fault."""


@dataclass(frozen=True)
class Counterparty:
    id: str
    name: str
    schema: str | None = None
    country: str | None = None
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    def screening_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "schema": self.schema,
            "country": self.country,
            "birth_date": self.birth_date,
            "identifiers": list(self.identifiers),
        }

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(canonical_json(self.screening_fields()).encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.screening_fields(), "data": self.data}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Counterparty:
        """From an API body: {"id", "name", "schema"?, "country"?, "birth_date"?, ...}."""
        cid = str(values.get("id") or "").strip()
        name = str(values.get("name") or "").strip()
        if not cid:
            raise CounterpartyMissing("a counterparty needs an id")
        if is_blank_name(name):
            raise CounterpartyMissing(f"counterparty {cid!r} has no name")
        ids = values.get("identifiers") or []
        if isinstance(ids, str):
            ids = [ids]
        raw_schema = values.get("schema") or None
        schema = schema_from_text(raw_schema) or raw_schema
        if schema is not None:
            try:  # a type the screening would refuse at every run is refused now, once
                normalize_schema(str(schema))
            except ValueError as exc:
                raise CounterpartyError(f"counterparty {cid!r}: {exc}") from None
        return cls(
            id=cid,
            name=name,
            schema=schema,
            country=values.get("country") or None,
            birth_date=values.get("birth_date") or None,
            identifiers=tuple(str(i) for i in ids),
            data=dict(values.get("data") or {}),
        )


class CounterpartyMissing(CounterpartyError):
    """A counterparty without id or name."""


def read_counterparty_file(
    path: str | Path,
    *,
    id_col: str | None = None,
    name_col: str | None = None,
    fmt: str | None = None,
) -> list[Counterparty]:
    """Every row of a counterparty file; refuses duplicate ids, empty ids and empty names."""
    rows: list[Counterparty] = []
    first_row: dict[str, str] = {}
    with open_table(path, fmt) as table:
        columns = list(table.columns)
        mapping = map_columns(columns, str(path), name_col=name_col)
        if id_col is not None:
            if id_col not in columns:
                raise TableError(
                    path,
                    f"--id-col {id_col!r}: no such column; the columns are: " + ", ".join(columns),
                )
            id_column: str | None = id_col
        else:
            id_column = find_column(columns, ID_HEADERS)
        if id_column is None:
            raise TableError(
                path,
                "no id column: monitored counterparties need your own id per row; none of "
                f"the columns ({', '.join(columns)}) is a recognised id header; use --id-col",
            )
        for row in table:
            if row.error:
                raise TableError(path, row.error, row.number)
            values = row.values
            cid = mapping.text_of(values, id_column)
            if not cid:
                raise TableError(path, f"{row.where}: empty id in column {id_column!r}", row.number)
            if cid in first_row:
                raise TableError(
                    path,
                    f"{row.where}: duplicate id {cid!r}, already used by {first_row[cid]}",
                    row.number,
                )
            first_row[cid] = row.where
            name = mapping.name_of(values)
            if not name:
                raise TableError(path, f"{row.where}: counterparty {cid!r} has no name", row.number)
            rows.append(
                Counterparty(
                    id=cid,
                    name=name,
                    schema=schema_from_text(mapping.text_of(values, mapping.type)),
                    country=mapping.text_of(values, mapping.country),
                    birth_date=mapping.text_of(values, mapping.dob),
                    identifiers=tuple(mapping.identifiers_of(values)),
                    data={k: v for k, v in values.items() if v not in (None, "")},
                )
            )
    return rows


@dataclass
class AddOutcome:
    added: int = 0
    updated: int = 0  # screening fields changed: will be re-screened
    unchanged: int = 0  # same screening fields (other columns may have been refreshed)


def add_counterparties(
    engine: Engine, items: Iterable[Counterparty], actor: str = "cli", source: str = ""
) -> AddOutcome:
    """Insert or update counterparties in one transaction, with one audit record."""
    batch = list(items)
    seen: dict[str, int] = {}
    for n, item in enumerate(batch, start=1):
        if item.id in seen:
            raise CounterpartyError(f"duplicate id {item.id!r} (items {seen[item.id]} and {n})")
        seen[item.id] = n
    outcome = AddOutcome()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        known: dict[str, str] = {}
        ids = [c.id for c in batch]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            known.update(
                conn.execute(
                    select(counterparties.c.id, counterparties.c.fingerprint).where(
                        counterparties.c.id.in_(chunk)
                    )
                ).all()
            )
        inserts: list[dict[str, Any]] = []
        for item in batch:
            values = {
                "name": item.name,
                "schema": item.schema,
                "country": item.country,
                "birth_date": item.birth_date,
                "identifiers": list(item.identifiers),
                "data": item.data,
                "fingerprint": item.fingerprint,
                "updated_at": now,
            }
            if item.id not in known:
                inserts.append({"id": item.id, **values})
                outcome.added += 1
                continue
            if known[item.id] == item.fingerprint:
                outcome.unchanged += 1
            else:
                outcome.updated += 1
            conn.execute(update(counterparties).where(counterparties.c.id == item.id), values)
        for start in range(0, len(inserts), 1000):
            conn.execute(counterparties.insert(), inserts[start : start + 1000])
        append(
            conn,
            actor,
            "counterparties.add",
            {
                "source": source,
                "added": outcome.added,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "ids": ids if len(ids) <= 1000 else ids[:1000] + [f"... {len(ids) - 1000} more"],
            },
        )
    return outcome


def remove_counterparties(engine: Engine, ids: Iterable[str], actor: str = "cli") -> list[str]:
    """Stop monitoring these ids; their hits go, their past alerts stay. Returns unknown ids."""
    wanted = list(dict.fromkeys(ids))
    with engine.begin() as conn:
        present = set(
            conn.execute(
                select(counterparties.c.id).where(counterparties.c.id.in_(wanted))
            ).scalars()
        )
        if present:
            for table in (monitor_hits, suppressions):
                conn.execute(delete(table).where(table.c.counterparty_id.in_(present)))
            conn.execute(delete(counterparties).where(counterparties.c.id.in_(present)))
            append(conn, actor, "counterparties.remove", {"ids": sorted(present)})
    return [i for i in wanted if i not in present]


def list_counterparties(engine: Engine, limit: int | None = None) -> list[dict[str, Any]]:
    query = select(counterparties).order_by(counterparties.c.id)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def count_counterparties(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(counterparties)).scalar() or 0)
