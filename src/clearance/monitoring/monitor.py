"""One monitor run: re-screen only what changed since the last run, and raise alerts.

What can change a counterparty's hits, and what is re-screened for it:
- a list entity added or changed: the counterparties that come near it (found through
  `counterparty_index`) are re-screened in full;
- a list entity changed or removed that an existing hit's party is made of (or that
  joins such a party): that counterparty is re-screened in full;
- a counterparty new or edited (its screening fields): re-screened in full.
A full re-screen is `clearance.Screener.check`, so monitoring finds exactly what a
one-off screening finds. Everything a run writes (hits, alerts, webhook deliveries,
the run and its audit records) is one transaction: a run that fails leaves nothing
behind, and the next run starts again from the same baseline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from clearance.audit.tables import audit_head
from clearance.audit.trail import append, canonical_json
from clearance.matching import DEFAULT_THRESHOLD
from clearance.monitoring.counterparty_index import near_counterparties
from clearance.monitoring.tables import (
    alerts,
    counterparties,
    monitor_hits,
    monitor_runs,
    suppressions,
    webhook_deliveries,
    webhooks,
)
from clearance.ownership.screening import WithDerivedParties, view_on
from clearance.store import ListStore
from clearance.workflows.screening import Screener, ScreeningHit

OWNERSHIP_PREFIX = "ownership:"  # ownership list versions among a run's versions

# How far below the threshold the small index of changed entities still calls a
# counterparty a candidate; candidates are re-screened in full, so this only costs time.
CANDIDATE_MARGIN = 0.10
PARTY_EXPANSION_LIMIT = 5000  # changed entities whose party links are followed
HITS_PER_COUNTERPARTY = 10


class MonitorError(Exception):
    """A monitor run that could not finish; nothing of it was written."""


@dataclass(frozen=True)
class HitState:
    party_key: str
    entity_id: str
    name: str
    score: float
    lists: list[str]
    effects: list[str]
    records: dict[str, str]  # record id -> content hash

    @property
    def party_fingerprint(self) -> str:
        data = {"lists": self.lists, "effects": self.effects, "records": self.records}
        return hashlib.sha256(canonical_json(data).encode()).hexdigest()

    @classmethod
    def from_hit(cls, hit: ScreeningHit) -> HitState:
        records = {e.id: e.content_hash() for e in hit.party} or {
            hit.entity_id: hit.entity.content_hash()
        }
        effects = sorted({f"{e.entity_id}|{e.kind.value}|{e.rule_id}" for e in hit.effects})
        return cls(
            party_key=min(records),
            entity_id=hit.entity_id,
            name=hit.name,
            score=round(float(hit.score), 4),
            lists=sorted(hit.lists),
            effects=effects,
            records=dict(sorted(records.items())),
        )

    @classmethod
    def from_row(cls, row: Any) -> HitState:
        return cls(
            party_key=row.party_key,
            entity_id=row.entity_id,
            name=row.name,
            score=row.score,
            lists=list(row.lists),
            effects=list(row.effects),
            records=dict(row.records),
        )


@dataclass
class RunOutcome:
    run_id: int
    versions_before: dict[str, int]
    versions_after: dict[str, int]
    changed_entities: int
    screened: int
    counterparties: int
    alerts: list[int] = field(default_factory=list)
    suppressed: int = 0
    seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def _hit_changes(old: HitState, new: HitState) -> dict[str, Any]:
    """What changed in a party's listing between two runs, in words an analyst can read."""
    details: dict[str, Any] = {}
    for name in ("lists", "effects"):
        was, now = set(getattr(old, name)), set(getattr(new, name))
        if was != now:  # "lists"/"effects" themselves say what the party has now
            details[f"{name}_change"] = {"added": sorted(now - was), "removed": sorted(was - now)}
    records = {
        "added": sorted(set(new.records) - set(old.records)),
        "removed": sorted(set(old.records) - set(new.records)),
        "changed": sorted(
            i for i in set(old.records) & set(new.records) if old.records[i] != new.records[i]
        ),
    }
    if any(records.values()):
        details["records"] = records
    return details


def _renamed_parties(before: dict[str, HitState], after: dict[str, HitState]) -> dict[str, str]:
    """New party key -> old key, for a party whose key moved (a record with a smaller id
    joined or left it): the same party, so its hit is "changed", not "gone" plus "new"."""
    renamed: dict[str, str] = {}
    gone = {k: set(h.records) for k, h in before.items() if k not in after}
    for key, hit in after.items():
        if key in before:
            continue
        for old_key, records in gone.items():
            if records & set(hit.records) and old_key not in renamed.values():
                renamed[key] = old_key
                break
    return renamed


def _screening_fields(row: Any) -> dict[str, Any]:
    return {
        "name": row.name,
        "schema": row.schema,
        "country": row.country,
        "birth_date": row.birth_date,
        "identifiers": list(row.identifiers or []),
    }


def baseline_versions(conn: Connection) -> tuple[int | None, dict[str, int]]:
    """The last run and the list versions it screened against."""
    row = conn.execute(
        select(monitor_runs.c.id, monitor_runs.c.versions_after)
        .order_by(monitor_runs.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, {}
    return row.id, {k: int(v) for k, v in row.versions_after.items()}


def run_monitor(
    store: ListStore,
    *,
    actor: str = "cli",
    threshold: float | None = None,
    fault_hook: Callable[[str, Connection], None] | None = None,
) -> RunOutcome:
    """Bring every counterparty's hits up to the current lists; return the run and its alerts.

    `fault_hook(stage, connection)` is called at stages of the write ("alerts-written");
    tests use it to stop the database mid-run.
    """
    try:
        return _run(store, actor, DEFAULT_THRESHOLD if threshold is None else threshold, fault_hook)
    except (DBAPIError, SQLAlchemyError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MonitorError(
            f"the database failed during the monitor run ({first_line}); nothing of this run "
            "was written: run it again when the database is back"
        ) from exc


def _run(
    store: ListStore,
    actor: str,
    threshold: float,
    fault_hook: Callable[[str, Connection], None] | None,
) -> RunOutcome:
    clock = datetime.now(UTC)
    engine = store.engine
    with engine.connect() as conn:
        base_run, baseline = baseline_versions(conn)
        # The light columns of every counterparty; the JSON ones only for those re-screened.
        cp_rows = conn.execute(
            select(
                counterparties.c.id,
                counterparties.c.name,
                counterparties.c.schema,
                counterparties.c.country,
                counterparties.c.birth_date,
                counterparties.c.fingerprint,
                counterparties.c.screened_fingerprint,
            )
        ).all()
        hit_rows = conn.execute(select(monitor_hits)).all()
        sup_rows = {(r.counterparty_id, r.party_key): r for r in conn.execute(select(suppressions))}
    current = {lid: v.id for lid, v in store.current_versions().items()}
    # Ownership lists in force, and the derived listings they give today.
    view = view_on(store)
    party_source: ListStore = WithDerivedParties(store, view) if view is not None else store
    current.update(
        {f"{OWNERSHIP_PREFIX}{lid}": v.id for lid, v in (view.versions if view else {}).items()}
    )
    derived_now = {eid: e.content_hash()[:16] for eid, e in view.entities.items()} if view else {}

    # -- what changed on the lists since the baseline
    list_updates: list[dict[str, Any]] = []
    fresh_ids: set[str] = set()  # added or changed: in the small index
    gone_ids: set[str] = set()  # changed or removed: hits made of them are re-checked
    changed_fields: dict[str, list[str]] = {}  # entity id -> fields the update changed
    dropped_lists = {lid for lid in baseline if lid not in current}
    if base_run is not None:
        for lid, vid in sorted(current.items()):
            if baseline.get(lid) == vid or lid.startswith(OWNERSHIP_PREFIX):
                continue
            if lid in baseline:
                delta = store.diff_versions(baseline[lid], vid)
                added, removed = delta.added, delta.removed
                changed = [c.entity_id for c in delta.changed]
                changed_fields.update({c.entity_id: c.fields for c in delta.changed})
            else:
                added = [e.id for e in store.version_entities(vid)]
                removed, changed = [], []
            fresh_ids.update(added, changed)
            gone_ids.update(removed, changed)
            list_updates.append(
                {
                    "list": lid,
                    "from_version": baseline.get(lid),
                    "to_version": vid,
                    "added": len(added),
                    "removed": len(removed),
                    "changed": len(changed),
                }
            )

        # An ownership file, a list update or the date moved an aggregate: the derived
        # listings that appeared, changed or went are changed entities like any other.
        derived_before = _derived_baseline(engine, base_run)
        added_derived = [e for e in derived_now if e not in derived_before]
        changed_derived = [
            e for e in derived_now if e in derived_before and derived_before[e] != derived_now[e]
        ]
        removed_derived = [e for e in derived_before if e not in derived_now]
        fresh_ids.update(added_derived, changed_derived)
        gone_ids.update(removed_derived, changed_derived)
        changed_lists = {k for k in set(current) | set(baseline) if k.startswith(OWNERSHIP_PREFIX)}
        if added_derived or changed_derived or removed_derived:
            list_updates.append(
                {
                    "list": "derived listings (ownership)",
                    "ownership_versions": {
                        k: [baseline.get(k), current.get(k)]
                        for k in sorted(changed_lists)
                        if baseline.get(k) != current.get(k)
                    },
                    "added": len(added_derived),
                    "removed": len(removed_derived),
                    "changed": len(changed_derived),
                }
            )

    # -- which counterparties to re-screen in full
    old_hits: dict[str, dict[str, HitState]] = {}
    for row in hit_rows:
        old_hits.setdefault(row.counterparty_id, {})[row.party_key] = HitState.from_row(row)
    dirty = {r.id for r in cp_rows if r.screened_fingerprint != r.fingerprint}
    to_screen = set(dirty)
    touched = set(gone_ids)
    if fresh_ids and len(fresh_ids) <= PARTY_EXPANSION_LIMIT:
        for eid in sorted(fresh_ids):  # a new record may join an existing party
            touched.update(e.id for e in party_source.party(eid))
    for cid, parties in old_hits.items():
        for hit in parties.values():
            if touched.intersection(hit.records) or any(
                r.split(":", 1)[0] in dropped_lists for r in hit.records
            ):
                to_screen.add(cid)
    candidates = 0
    near_info: dict[str, Any] = {}
    if fresh_ids:
        near, near_info = near_counterparties(
            store.url,
            cp_rows,
            party_source.get_entities(sorted(fresh_ids)),
            max(threshold - CANDIDATE_MARGIN, 0.0),
            skip=frozenset(to_screen),
        )
        candidates = len(near)
        to_screen |= near
    screened_rows = _full_rows(engine, sorted(to_screen))

    # -- full re-screen and comparison
    new_hits: dict[str, dict[str, HitState]] = {}
    if screened_rows:
        screener = Screener.load(store=store)
        for row in screened_rows:
            found = screener.check(
                row.name,
                schema=row.schema,
                country=row.country,
                birth_date=row.birth_date,
                identifiers=list(row.identifiers or []),
                limit=HITS_PER_COUNTERPARTY,
                threshold=threshold,
            )
            states: dict[str, HitState] = {}
            for screening_hit in found:
                state = HitState.from_hit(screening_hit)
                states.setdefault(state.party_key, state)
            new_hits[row.id] = states

    now = datetime.now(UTC)
    pending_alerts: list[dict[str, Any]] = []
    lifted: list[tuple[str, str]] = []
    suppressed = 0
    for row in screened_rows:
        before, after = old_hits.get(row.id, {}), new_hits.get(row.id, {})
        fields = _screening_fields(row)
        cp_changes = _changes(row.screened_data or {}, fields) if row.screened_data else {}
        renamed = _renamed_parties(before, after)
        for key in sorted(set(after) | (set(before) - set(renamed.values()))):
            old_key = renamed.get(key, key)
            old, new = before.get(old_key), after.get(key)
            sup = sup_rows.get((row.id, key)) or sup_rows.get((row.id, old_key))
            sup_holds = (
                sup is not None
                and new is not None
                and sup.counterparty_fingerprint == row.fingerprint
                and sup.party_fingerprint == new.party_fingerprint
            )
            if sup is not None and not sup_holds:
                lifted.append((row.id, sup.party_key))
            kind: str | None = None
            details: dict[str, Any] = {}
            if new is not None and old is None:
                kind = "new"
            elif new is None and old is not None:
                kind = None if sup is not None else "gone"
            elif new is not None and old is not None:
                if new.party_fingerprint != old.party_fingerprint:
                    kind, details = "changed", _hit_changes(old, new)
                    fields = {
                        i: changed_fields[i]
                        for i in details.get("records", {}).get("changed", [])
                        if i in changed_fields
                    }
                    if fields:
                        details["records"]["fields"] = fields
                elif cp_changes and sup is not None and not sup_holds:
                    kind = "changed"  # a false positive re-opens when the counterparty changes
            if kind is not None and sup_holds:
                suppressed += 1
                kind = None
            if kind is None:
                continue
            shown = new or old
            assert shown is not None
            if cp_changes:
                details["counterparty"] = cp_changes
            if sup is not None:
                details["false_positive_alert"] = sup.alert_id
            details["lists"] = shown.lists
            details["effects"] = shown.effects
            pending_alerts.append(
                {
                    "counterparty_id": row.id,
                    "party_key": key,
                    "entity_id": shown.entity_id,
                    "kind": kind,
                    "name": shown.name,
                    "score": shown.score,
                    "details": details,
                    "versions_before": baseline,
                    "versions_after": current,
                    "created_at": now,
                    "status": "open",
                    "version": 1,
                }
            )

    # -- one transaction for everything the run writes
    with engine.begin() as conn:
        # Take the audit head's lock first: a concurrent run waits here, then sees this one.
        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq))
        latest, _ = baseline_versions(conn)
        if latest != base_run:
            raise MonitorError("another monitor run finished meanwhile; run again")
        stats = {
            "list_updates": list_updates,
            "changed_entities": len(fresh_ids | gone_ids),
            "dirty_counterparties": len(dirty),
            "candidates": candidates,
            "candidate_search": near_info,
            "screened": len(screened_rows),
            "alerts": len(pending_alerts),
            "suppressed": suppressed,
            "derived": derived_now,  # the next run's baseline of derived listings
        }
        run_id = conn.execute(
            insert(monitor_runs).values(
                started_at=clock,
                finished_at=now,
                versions_before=baseline,
                versions_after=current,
                threshold=threshold,
                stats=stats,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        alert_ids: list[int] = []
        for values in pending_alerts:
            alert_id = conn.execute(
                insert(alerts).values(run_id=run_id, **values)
            ).inserted_primary_key[0]  # type: ignore[index]
            alert_ids.append(int(alert_id))
        if fault_hook is not None:
            fault_hook("alerts-written", conn)
        if screened_rows:
            ids = [r.id for r in screened_rows]
            for start in range(0, len(ids), 500):
                conn.execute(
                    delete(monitor_hits).where(
                        monitor_hits.c.counterparty_id.in_(ids[start : start + 500])
                    )
                )
            hit_values = [
                {
                    "counterparty_id": cid,
                    "party_key": h.party_key,
                    "entity_id": h.entity_id,
                    "name": h.name,
                    "score": h.score,
                    "lists": h.lists,
                    "effects": h.effects,
                    "records": h.records,
                    "party_fingerprint": h.party_fingerprint,
                    "versions": current,
                }
                for cid, states in new_hits.items()
                for h in states.values()
            ]
            for start in range(0, len(hit_values), 1000):
                conn.execute(insert(monitor_hits), hit_values[start : start + 1000])
            conn.execute(
                update(counterparties)
                .where(counterparties.c.id == bindparam("cp_id"))
                .values(
                    screened_fingerprint=bindparam("cp_fp"),
                    screened_data=bindparam("cp_data"),
                ),
                [
                    {"cp_id": r.id, "cp_fp": r.fingerprint, "cp_data": _screening_fields(r)}
                    for r in screened_rows
                ],
            )
        for cid, key in lifted:
            conn.execute(
                delete(suppressions).where(
                    (suppressions.c.counterparty_id == cid) & (suppressions.c.party_key == key)
                )
            )
        hooks = conn.execute(select(webhooks.c.id).where(webhooks.c.active == 1)).scalars().all()
        if hooks and alert_ids:
            rows = [
                {
                    "webhook_id": hook,
                    "alert_id": aid,
                    "body": canonical_json(
                        {"event": "alert", "alert": _alert_body(aid, values, run_id)}
                    ),
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                }
                for hook in hooks
                for aid, values in zip(alert_ids, pending_alerts, strict=True)
            ]
            conn.execute(insert(webhook_deliveries), rows)
        for change in list_updates:
            append(conn, actor, "list.update", change)
        append(
            conn,
            actor,
            "monitor.run",
            {
                "run": run_id,
                "versions_before": baseline,
                "versions_after": current,
                "threshold": threshold,
                "screened": sorted(r.id for r in screened_rows),
                "results": {
                    cid: [[h.party_key, h.score] for h in states.values()]
                    for cid, states in sorted(new_hits.items())
                    if states
                },
                "alerts": alert_ids,
                "stats": {k: v for k, v in stats.items() if k not in ("list_updates", "derived")},
            },
        )
    return RunOutcome(
        run_id=int(run_id),
        versions_before=baseline,
        versions_after=current,
        changed_entities=len(fresh_ids | gone_ids),
        screened=len(screened_rows),
        counterparties=len(cp_rows),
        alerts=alert_ids,
        suppressed=suppressed,
        seconds=(datetime.now(UTC) - clock).total_seconds(),
        stats=stats,
    )


def _derived_baseline(engine: Any, run_id: int | None) -> dict[str, str]:
    """The derived listings (id -> content hash) the run `run_id` left."""
    if run_id is None:
        return {}
    with engine.connect() as conn:
        stats = conn.execute(
            select(monitor_runs.c.stats).where(monitor_runs.c.id == run_id)
        ).scalar()
    return dict((stats or {}).get("derived") or {})


def _full_rows(engine: Any, ids: list[str]) -> list[Any]:
    rows: list[Any] = []
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows.extend(conn.execute(select(counterparties).where(counterparties.c.id.in_(chunk))))
    return rows


def _alert_body(alert_id: int, values: dict[str, Any], run_id: int) -> dict[str, Any]:
    body = {k: v for k, v in values.items() if k not in ("version",)}
    body["id"] = alert_id
    body["run_id"] = run_id
    body["created_at"] = values["created_at"].isoformat()
    return body
