"""Ongoing monitoring of counterparties against list updates, alerts and analyst decisions.

    add_counterparties(store.engine, read_counterparty_file("customers.csv"), actor="alice")
    outcome = run_monitor(store, actor="scheduler")    # only what changed is re-screened
    list_alerts(store.engine, status="open")
    decide(store.engine, alert_id, "false-positive", "different birth date", analyst="alice")
    deliver_pending(store.engine)                      # webhooks; never raises

Every function takes the store's engine (SQLite or PostgreSQL) and writes its audit
records in the same transaction as its change (`clearance.audit`).
"""

from clearance.monitoring.alerts import (
    AlertNotFound,
    Decision,
    DecisionConflict,
    DecisionError,
    decide,
    get_alert,
    list_alerts,
)
from clearance.monitoring.counterparties import (
    AddOutcome,
    Counterparty,
    CounterpartyError,
    add_counterparties,
    count_counterparties,
    list_counterparties,
    read_counterparty_file,
    remove_counterparties,
)
from clearance.monitoring.monitor import MonitorError, RunOutcome, run_monitor
from clearance.monitoring.webhooks import (
    DeliveryReport,
    add_webhook,
    deliver_in_background,
    deliver_pending,
    list_deliveries,
    list_webhooks,
    remove_webhook,
    retry_dead,
    sign,
    verify_signature,
)

__all__ = [
    "AddOutcome",
    "AlertNotFound",
    "Counterparty",
    "CounterpartyError",
    "Decision",
    "DecisionConflict",
    "DecisionError",
    "DeliveryReport",
    "MonitorError",
    "RunOutcome",
    "add_counterparties",
    "add_webhook",
    "count_counterparties",
    "decide",
    "deliver_in_background",
    "deliver_pending",
    "get_alert",
    "list_alerts",
    "list_counterparties",
    "list_deliveries",
    "list_webhooks",
    "read_counterparty_file",
    "remove_counterparties",
    "remove_webhook",
    "retry_dead",
    "run_monitor",
    "sign",
    "verify_signature",
]
