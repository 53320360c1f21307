"""What a keyed chain and external checkpoints catch that the unkeyed chain did not:
deleting the newest records and moving the head back, emptying the trail, and rewriting
records with the chain recomputed (without the key, or even with it)."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from clearance.audit import record, verify
from clearance.audit.checkpoints import (
    CheckpointError,
    make_checkpoint,
    verify_against,
    write_checkpoint,
)
from clearance.audit.keys import KEY_ENV, KEY_FILE_ENV, AuditKeyring, audit_keyring
from clearance.audit.tables import audit_head, audit_log
from clearance.audit.trail import GENESIS, canonical_json, record_hash
from clearance.cli.main import app
from clearance.store import ListStore
from tests.audit.tampering import move_head, recompute_chain

KEY = "k" * 64


@pytest.fixture(autouse=True)
def audit_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)


def _five(store: ListStore) -> None:
    for n in range(1, 6):
        record(store.engine, f"user:u{n}", "config.change", {"n": n})


def _checkpoint(store: ListStore, tmp_path: Path) -> Path:
    path = tmp_path / "audit.ckpt"
    write_checkpoint(store.engine, str(path))
    return path


def test_records_name_the_key_and_the_chain_is_an_hmac(store: ListStore) -> None:
    _five(store)
    keyring = audit_keyring()
    with store.engine.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.seq == 1)).one()
    assert row.key_id == keyring.current_id and len(row.key_id) == 16
    unkeyed = record_hash(row.prev_hash, row.at, row.actor, row.action, row.payload)
    assert row.hash != unkeyed  # not the plain SHA-256 anyone could recompute
    assert verify(store.engine).ok and not verify(store.engine).warnings


def test_deleted_newest_records_with_the_head_moved_back(store: ListStore, tmp_path: Path) -> None:
    _five(store)
    checkpoints = _checkpoint(store, tmp_path)
    with store.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq >= 4))
    move_head(store, 3)
    assert verify(store.engine).ok  # the chain left behind is valid: only a checkpoint sees it
    (problem,) = verify_against(store.engine, checkpoints)
    assert "the audit trail ends at record 3, but checkpoint line 1" in problem
    assert "saw record 5: records 4-5 (at least) were deleted" in problem


def test_an_emptied_trail(store: ListStore, tmp_path: Path) -> None:
    _five(store)
    checkpoints = _checkpoint(store, tmp_path)
    with store.engine.begin() as conn:
        conn.execute(delete(audit_log))
        conn.execute(update(audit_head).values(seq=0, hash=GENESIS))
    assert verify(store.engine).ok
    (problem,) = verify_against(store.engine, checkpoints)
    assert problem.startswith("the audit trail holds no record, but checkpoint line 1")
    assert problem.endswith("it was emptied")


def test_a_chain_recomputed_with_the_products_hash_function(
    store: ListStore, tmp_path: Path
) -> None:
    _five(store)
    # Keeping the key ids but without the key (a key of the attacker's own): named.
    key_id = audit_keyring().current_id
    guess = AuditKeyring({key_id: b"g" * 64}, key_id, "the attacker's")
    recompute_chain(store, {2: canonical_json({"n": 22})}, key_id, guess)
    problems = verify(store.engine).problems
    assert problems[:2] == [
        "record 1 edited: its content no longer matches its hash",
        "record 2 edited: its content no longer matches its hash",
    ]


def test_a_chain_downgraded_to_unkeyed_or_recomputed_with_the_key(
    store: ListStore, tmp_path: Path
) -> None:
    _five(store)
    checkpoints = _checkpoint(store, tmp_path)
    recompute_chain(store, {2: canonical_json({"n": 22})}, None)  # as unkeyed (pre-0007) records
    result = verify(store.engine)
    assert (
        result.ok
        and "5 records (1-5) were written before the trail was keyed" in result.warnings[0]
    )
    (problem,) = verify_against(store.engine, checkpoints)
    assert problem == (
        f"record 5 is not the one checkpoint line 1 ({_first(checkpoints)['at']}, record 5) "
        "saw: the trail was rewritten up to there"
    )
    keyring = audit_keyring()  # an insider with the key: the checkpoint still disagrees
    recompute_chain(store, {2: canonical_json({"n": 23})}, keyring.current_id, keyring)
    assert verify(store.engine).ok
    assert "the trail was rewritten up to there" in verify_against(store.engine, checkpoints)[0]


def _first(path: Path) -> dict:
    return json.loads(path.read_text().splitlines()[0])


def test_a_forged_or_edited_checkpoint_line_is_named(store: ListStore, tmp_path: Path) -> None:
    _five(store)
    checkpoints = _checkpoint(store, tmp_path)
    line = _first(checkpoints)
    forged = {**line, "seq": 2}  # to hide a truncation after record 2
    unknown = {**line, "key_id": "0" * 16}
    checkpoints.write_text(
        "\n".join(json.dumps(item) for item in (line, forged, unknown)) + "\nnot json\n"
    )
    problems = verify_against(store.engine, checkpoints)
    assert problems == [
        f"checkpoint line 2 ({line['at']}, record 2): its signature does not match: "
        "the line was forged or edited",
        f"checkpoint line 3 ({line['at']}, record 5) is signed with key {'0' * 16}, "
        f"not among the keys in ${KEY_ENV}",
        "checkpoint line 4 is not a checkpoint",
    ]


def test_rotated_keys_verify_old_and_new_records(
    store: ListStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV)
    key_file = tmp_path / "audit.keys"
    key_file.write_text(KEY + "\n")
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    record(store.engine, "user:a", "config.change", {"n": 1})
    runner = CliRunner()
    rotated = runner.invoke(
        app, ["--db", store.engine.url.render_as_string(hide_password=False), "audit", "new-key"]
    )
    assert rotated.exit_code == 0, rotated.output
    record(store.engine, "user:a", "config.change", {"n": 2})
    with store.engine.connect() as conn:
        ids = conn.execute(select(audit_log.c.key_id).order_by(audit_log.c.seq)).scalars().all()
        last = conn.execute(select(audit_log.c.payload).order_by(audit_log.c.seq.desc())).first()
    assert ids[0] != ids[-1] and len(set(ids)) == 2
    assert json.loads(last[0]) == {"n": 2}
    assert verify(store.engine).ok
    assert f"new audit key {ids[-1]}" in rotated.output
    key_file.write_text(key_file.read_text().splitlines()[-1] + "\n")  # the old key lost
    problems = verify(store.engine).problems
    assert problems == [
        f"record 1 is signed with key {ids[0]}, which is not among the keys in {key_file}: "
        "it cannot be verified here"
    ]


def test_checkpoint_and_verify_against_from_the_command_line(
    store: ListStore, tmp_path: Path
) -> None:
    _five(store)
    runner = CliRunner()
    db = store.engine.url.render_as_string(hide_password=False)
    path = tmp_path / "kept-elsewhere.ckpt"
    made = runner.invoke(app, ["--db", db, "audit", "checkpoint", "--to", str(path)])
    assert made.exit_code == 0, made.output
    assert "checkpoint: record 5" in made.output
    good = runner.invoke(app, ["--db", db, "audit", "verify", "--against", str(path)])
    assert good.exit_code == 0 and "audit trail intact: 5 records" in good.output
    with store.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 5))
    move_head(store, 4)
    bad = runner.invoke(app, ["--db", db, "audit", "verify", "--against", str(path)])
    assert bad.exit_code == 1
    assert "record 5 (at least) was deleted" in " ".join(bad.output.split())
    assert hashlib.sha256(path.read_bytes()).hexdigest()  # the file itself is left as it was
    assert make_checkpoint(store.engine).seq == 4


def test_a_checkpoint_sent_to_a_url(store: ListStore, tmp_path: Path) -> None:
    """`--to https://…`: the line is POSTed (to a log collector, say); kept, it verifies."""
    received: list[bytes] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path == "/audit":
                received.append(body)
            self.send_response(204 if self.path == "/audit" else 503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _five(store)
        sent = write_checkpoint(store.engine, f"http://127.0.0.1:{server.server_port}/audit")
        with pytest.raises(CheckpointError, match="HTTP 503"):  # said, not lost silently
            write_checkpoint(store.engine, f"http://127.0.0.1:{server.server_port}/down", 5)
    finally:
        server.shutdown()
        server.server_close()
    assert len(received) == 1 and json.loads(received[0])["seq"] == sent.seq == 5
    kept = tmp_path / "collected.ckpt"
    kept.write_bytes(received[0])
    assert verify_against(store.engine, kept) == []
