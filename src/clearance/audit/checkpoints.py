"""Checkpoints of the audit trail's head, kept outside the database.

The chain inside the database cannot show that its newest records were deleted and
the head moved back, or that every record was deleted and the head reset: what is
left is a valid chain. A checkpoint is one signed line, `{"seq", "hash", "at",
"key_id", "mac"}`, appended to a file (or sent to a URL) that the operator keeps
elsewhere, e.g. daily from cron: `clearance audit checkpoint --to /mnt/worm/audit.ckpt`.
`verify_against` then reads the lines back: a record a checkpoint saw must still be
there with the same hash (so everything before it is as it was), and the signature
(an HMAC under the audit key) shows the line itself was not forged or edited.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from clearance.audit.keys import AuditKeyring, audit_keyring
from clearance.audit.tables import audit_log
from clearance.audit.trail import canonical_json


class CheckpointError(Exception):
    """A checkpoint could not be written or read; the message says where and why."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    key_id: str
    mac: str

    def signed_text(self) -> str:
        return canonical_json(
            {"seq": self.seq, "hash": self.hash, "at": self.at, "key_id": self.key_id}
        )

    def to_line(self) -> str:
        return canonical_json({**json.loads(self.signed_text()), "mac": self.mac})


def make_checkpoint(engine: Engine, keyring: AuditKeyring | None = None) -> Checkpoint:
    """A signed checkpoint of the trail's newest record as it is now."""
    keyring = keyring or audit_keyring()
    with engine.connect() as conn:
        seq = conn.execute(select(func.max(audit_log.c.seq))).scalar() or 0
        digest = "0" * 64
        if seq:
            digest = conn.execute(
                select(audit_log.c.hash).where(audit_log.c.seq == seq)
            ).scalar_one()
    at = datetime.now(UTC).isoformat(timespec="seconds")
    unsigned = Checkpoint(int(seq), str(digest), at, keyring.current_id, "")
    return dataclasses.replace(unsigned, mac=keyring.mac(unsigned.key_id, unsigned.signed_text()))


def write_checkpoint(engine: Engine, target: str, timeout: float = 30.0) -> Checkpoint:
    """Append a checkpoint line to the file `target`, or POST it to `target` if a URL."""
    checkpoint = make_checkpoint(engine)
    line = checkpoint.to_line()
    if target.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.post(
                target,
                content=line + "\n",
                headers={"Content-Type": "application/json"},
                timeout=timeout,
            )
        except httpx.HTTPError as exc:
            raise CheckpointError(f"{target}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            raise CheckpointError(f"{target}: HTTP {response.status_code} {response.reason_phrase}")
        return checkpoint
    try:
        with Path(target).expanduser().open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except OSError as exc:
        raise CheckpointError(f"{target}: {exc.strerror or exc}") from exc
    return checkpoint


def read_checkpoints(path: Path) -> list[tuple[int, Checkpoint | str]]:
    """(line number, checkpoint) per line; a line that is no checkpoint comes as its problem."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path}: cannot read: {exc}") from exc
    found: list[tuple[int, Checkpoint | str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
            found.append(
                (
                    number,
                    Checkpoint(
                        int(data["seq"]),
                        str(data["hash"]),
                        str(data["at"]),
                        str(data["key_id"]),
                        str(data["mac"]),
                    ),
                )
            )
        except (ValueError, KeyError, TypeError):
            found.append((number, f"checkpoint line {number} is not a checkpoint"))
    return found


def verify_against(engine: Engine, path: Path, keyring: AuditKeyring | None = None) -> list[str]:
    """Problems found by comparing the trail with the checkpoints in `path` (none: agrees)."""
    import hmac

    keyring = keyring or audit_keyring()
    checkpoints = read_checkpoints(path)
    if not checkpoints:
        return [f"{path} holds no checkpoint"]
    with engine.connect() as conn:
        hashes = dict(conn.execute(select(audit_log.c.seq, audit_log.c.hash)).all())
    last = max(hashes, default=0)
    problems: list[str] = []
    for number, item in checkpoints:
        if isinstance(item, str):
            problems.append(item)
            continue
        where = f"checkpoint line {number} ({item.at}, record {item.seq})"
        if item.key_id not in keyring.keys:
            problems.append(
                f"{where} is signed with key {item.key_id}, not among the keys in {keyring.source}"
            )
            continue
        if not hmac.compare_digest(keyring.mac(item.key_id, item.signed_text()), item.mac):
            problems.append(f"{where}: its signature does not match: the line was forged or edited")
            continue
        if item.seq == 0:
            continue
        if not hashes:
            problems.append(
                f"the audit trail holds no record, but {where} saw {item.seq}: it was emptied"
            )
        elif item.seq > last:
            gap = (
                f"record {item.seq} (at least) was"
                if item.seq == last + 1
                else f"records {last + 1}-{item.seq} (at least) were"
            )
            problems.append(
                f"the audit trail ends at record {last}, but {where} saw record {item.seq}: "
                f"{gap} deleted"
            )
        elif item.seq not in hashes:
            problems.append(f"record {item.seq}, which {where} saw, was deleted")
        elif hashes[item.seq] != item.hash:
            problems.append(
                f"record {item.seq} is not the one {where} saw: the trail was rewritten up to there"
            )
    return problems
