"""Webhooks against a real local HTTP receiver that fails, stalls or is down."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clearance.model import Entity
from clearance.monitoring import (
    Counterparty,
    add_counterparties,
    add_webhook,
    deliver_pending,
    list_deliveries,
    retry_dead,
    run_monitor,
    verify_signature,
)
from clearance.store import ListStore
from tests.monitoring.backends import base_entities, load_version

SECRET = "s3cret-s3cret-s3cret"


class Receiver:
    """Answers each POST with the next planned status (then 200), or stalls."""

    def __init__(self, plan: list[int], stall: float = 0.0) -> None:
        self.plan = list(plan)
        self.stall = stall
        self.stall_over = threading.Event()  # set when a stalled answer was finally sent
        self.received: list[tuple[bytes, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.stall:
                    time.sleep(receiver.stall)
                    receiver.stall_over.set()
                status = receiver.plan.pop(0) if receiver.plan else 200
                receiver.received.append((body, self.headers["X-Clearance-Signature"]))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def alerts_to_send(store: ListStore, un_entities: dict[str, Entity]) -> Iterator[ListStore]:
    load_version(store, base_entities(un_entities), "a", "2026-02-27")
    add_counterparties(
        store.engine,
        [Counterparty("c1", "Germain Katanga"), Counterparty("c3", "Mohammed Zidane")],
    )
    yield store


def _run_with(store: ListStore, receiver_url: str) -> int:
    add_webhook(store.engine, receiver_url, SECRET)
    return len(run_monitor(store).alerts)


def test_failing_receiver_gets_retries_with_backoff_then_signed_delivery(
    alerts_to_send: ListStore,
) -> None:
    store = alerts_to_send
    receiver = Receiver([500, 503])
    try:
        count = _run_with(store, receiver.url)
        assert count >= 1
        start = datetime.now(UTC)
        first = deliver_pending(store.engine, now=start, backoff_seconds=60)
        assert first.failed == count and first.delivered == 0  # one failure parks the hook
        queued = list_deliveries(store.engine, "pending")
        assert all(d["attempts"] in (0, 1) for d in queued) and "HTTP 500" in first.errors[0]
        assert deliver_pending(store.engine, now=start + timedelta(seconds=30)).delivered == 0
        second = deliver_pending(store.engine, now=start + timedelta(seconds=61))
        assert second.failed >= 1  # 503
        later = start + timedelta(seconds=61 + 121)
        third = deliver_pending(store.engine, now=later)
        assert third.delivered + second.delivered == count
        body, signature = receiver.received[-1]
        assert verify_signature(SECRET, body, signature)
        assert not verify_signature("wrong-secret-wrong", body, signature)
        assert json.loads(body)["alert"]["kind"] == "new"
        assert {d["status"] for d in list_deliveries(store.engine)} == {"delivered"}
    finally:
        receiver.close()


def test_receiver_always_failing_ends_in_dead_letter_and_can_be_requeued(
    alerts_to_send: ListStore,
) -> None:
    store = alerts_to_send
    receiver = Receiver([500] * 100)
    try:
        _run_with(store, receiver.url)
        when = datetime.now(UTC)
        for _ in range(6):
            when += timedelta(days=1)
            deliver_pending(store.engine, now=when, max_attempts=3)
        statuses = {d["status"] for d in list_deliveries(store.engine)}
        assert statuses == {"dead"}
        assert all(d["attempts"] == 3 for d in list_deliveries(store.engine))
        receiver.plan = []  # fixed
        assert retry_dead(store.engine) >= 1
        assert deliver_pending(store.engine).dead == 0
        assert {d["status"] for d in list_deliveries(store.engine)} == {"delivered"}
    finally:
        receiver.close()


def test_slow_or_absent_receiver_never_blocks_or_raises(alerts_to_send: ListStore) -> None:
    store = alerts_to_send
    receiver = Receiver([], stall=120.0)  # far beyond any run's time: no margin to flake
    try:
        _run_with(store, receiver.url)
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        add_webhook(store.engine, f"http://127.0.0.1:{closed_port}/none", SECRET)
        add_counterparties(store.engine, [Counterparty("c9", "Amin Muhammad ul Haq Saam Khan")])
        run_monitor(store)
        report = deliver_pending(store.engine, timeout=0.3, budget_seconds=5)
        # It gave up at its own timeout: the receiver is still stalling on its answer.
        assert not receiver.stall_over.is_set()
        assert report.delivered == 0 and report.failed >= 2
        assert any("Timeout" in e for e in report.errors)
        assert any("ConnectError" in e for e in report.errors)
    finally:
        receiver.close()
