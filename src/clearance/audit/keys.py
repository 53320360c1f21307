"""The audit trail's HMAC keys: kept outside the database, rotated with a recorded id.

An unkeyed hash chain proves nothing to someone who can write to the database: they
can rewrite records and recompute every hash with the product's own function. Each
record's hash is therefore an HMAC-SHA256 under a secret key the database does not
hold, and the record names the key's id (a hash of the key, not the key), so old
records still verify after the key is rotated.

Where the keys come from, first found:
1. `CLEARANCE_AUDIT_KEY`: one or more secrets separated by commas, the last current
   (for containers and several hosts sharing one PostgreSQL store: give them all
   the same keys);
2. `CLEARANCE_AUDIT_KEY_FILE`: a file of secrets, one a line, the last current;
3. `audit.keys` in the user's configuration folder, created with a random key on
   first use (readable by its owner only).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

KEY_ENV = "CLEARANCE_AUDIT_KEY"
KEY_FILE_ENV = "CLEARANCE_AUDIT_KEY_FILE"
MIN_SECRET_CHARS = 32


class AuditKeyError(Exception):
    """The audit keys are missing, unreadable or too weak; says which and where."""


def key_id_of(secret: bytes) -> str:
    """A key's public name: 16 hex digits of a hash of it (nothing about the key leaks)."""
    return hashlib.sha256(b"clearance audit key id\x00" + secret).hexdigest()[:16]


@dataclass(frozen=True)
class AuditKeyring:
    """Every key records may name, by id, and the one new records are signed with."""

    keys: dict[str, bytes]
    current_id: str
    source: str  # where they came from, for messages

    def mac(self, key_id: str, text: str) -> str:
        return hmac.new(self.keys[key_id], text.encode("utf-8"), hashlib.sha256).hexdigest()


def default_key_file() -> Path:
    return Path(platformdirs.user_config_dir("clearance", appauthor=False)) / "audit.keys"


def key_file() -> Path:
    configured = os.environ.get(KEY_FILE_ENV)
    return Path(configured).expanduser() if configured else default_key_file()


def _parse(text: str, source: str) -> AuditKeyring:
    lines = [line.split("#", 1)[0] for line in text.splitlines()]  # comments go first
    secrets_found = [
        part.strip().encode("utf-8") for line in lines for part in line.split(",") if part.strip()
    ]
    if not secrets_found:
        raise AuditKeyError(f"{source}: no audit key in it")
    weak = [s for s in secrets_found if len(s) < MIN_SECRET_CHARS]
    if weak:
        raise AuditKeyError(
            f"{source}: an audit key must be at least {MIN_SECRET_CHARS} characters "
            f"(`python -c 'import secrets; print(secrets.token_hex(32))'` makes one)"
        )
    keys = {key_id_of(s): s for s in secrets_found}
    return AuditKeyring(keys, key_id_of(secrets_found[-1]), source)


def _create_key_file(path: Path) -> None:
    """A new key file with one random key, readable by its owner only (never overwritten).

    Written beside it and linked into place whole: a process starting at the same time
    reads either no file or the whole key, never an empty file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".audit-keys-")  # mode 0600
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(
                "# clearance audit trail keys (HMAC-SHA256), one a line, the last current.\n"
                "# Keep a copy elsewhere: records signed with a lost key can no longer be "
                "verified.\n"
                f"{secrets.token_hex(32)}\n"
            )
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs
            os.link(draft, path)
    finally:
        os.unlink(draft)


_cache: dict[tuple[str | None, str, float], AuditKeyring] = {}


def audit_keyring() -> AuditKeyring:
    """The keys in force now (re-read when the variable or the file changes)."""
    inline = os.environ.get(KEY_ENV)
    if inline:
        stamp: tuple[str | None, str, float] = (inline, "", 0.0)
        if stamp not in _cache:
            _cache[stamp] = _parse(inline, f"${KEY_ENV}")
        return _cache[stamp]
    path = key_file()
    if not path.exists():
        if os.environ.get(KEY_FILE_ENV):
            raise AuditKeyError(f"${KEY_FILE_ENV}: no file {path}")
        _create_key_file(path)
    try:
        stamp = (None, str(path), path.stat().st_mtime)
        if stamp not in _cache:
            _cache[stamp] = _parse(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise AuditKeyError(f"cannot read the audit keys in {path}: {exc.strerror}") from exc
    return _cache[stamp]


def add_key() -> tuple[str, str]:
    """Rotate: append a new random key to the key file; (old id, new id)."""
    if os.environ.get(KEY_ENV):
        raise AuditKeyError(
            f"the audit keys come from ${KEY_ENV}: rotate by appending a new key there "
            "(comma-separated, the last is current)"
        )
    old = audit_keyring()
    path = key_file()
    new_secret = secrets.token_hex(32)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(new_secret + "\n")
    return old.current_id, key_id_of(new_secret.encode("utf-8"))
