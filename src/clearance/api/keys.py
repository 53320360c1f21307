"""API keys: random secrets shown once, stored only as SHA-256 hashes, with scopes.

A key is `clr_<id>_<secret>`; the id lets `keys revoke` name a key without the
secret. The secrets are 32 random bytes, so a plain SHA-256 is enough (no slow
password hash needed: there is nothing to brute-force).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update

from clearance.api.tables import api_keys

SCOPES = ("read", "screen", "admin")
# What each scope may also do: admin implies screen implies read.
IMPLIED = {"admin": {"admin", "screen", "read"}, "screen": {"screen", "read"}, "read": {"read"}}


class KeyError_(ValueError):
    """A bad request about keys (unknown scope, unknown id)."""


@dataclass(frozen=True)
class ApiKey:
    id: str
    scopes: tuple[str, ...]
    label: str
    created_at: datetime
    revoked_at: datetime | None = None

    def allows(self, scope: str) -> bool:
        return any(scope in IMPLIED.get(s, set()) for s in self.scopes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scopes": list(self.scopes),
            "label": self.label,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _row(row: Any) -> ApiKey:
    return ApiKey(row.id, tuple(row.scopes), row.label, row.created_at, row.revoked_at)


class KeyStore:
    """API keys in the store's database."""

    def __init__(self, engine: Engine, cache_seconds: float = 0.0):
        self.engine = engine
        # A server may keep verified keys briefly (a revocation then takes that long).
        self.cache_seconds = cache_seconds
        self._verified: dict[str, tuple[float, ApiKey | None]] = {}

    def create(self, scopes: list[str], label: str = "") -> tuple[ApiKey, str]:
        """A new key; the returned secret is never stored and cannot be shown again."""
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown or not scopes:
            raise KeyError_(f"scopes must be among {', '.join(SCOPES)}; got {scopes}")
        key_id = secrets.token_hex(4)
        secret = f"clr_{key_id}_{secrets.token_urlsafe(32)}"
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(
                api_keys.insert().values(
                    id=key_id,
                    key_hash=_hash(secret),
                    scopes=sorted(set(scopes)),
                    label=label,
                    created_at=now,
                )
            )
        return ApiKey(key_id, tuple(sorted(set(scopes))), label, now), secret

    def list(self) -> list[ApiKey]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.created_at))
            return [_row(r) for r in rows]

    def revoke(self, key_id: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        if done.rowcount == 0:
            raise KeyError_(f"no active key with id {key_id!r}")

    def verify(self, secret: str) -> ApiKey | None:
        """The active key with this secret, else None."""
        digest = _hash(secret)
        if self.cache_seconds > 0:
            now = time.monotonic()
            cached = self._verified.get(digest)
            if cached is not None and now - cached[0] < self.cache_seconds:
                return cached[1]
            found = self._lookup(digest)
            if len(self._verified) > 10_000:  # unknown secrets must not grow it for ever
                self._verified.clear()
            self._verified[digest] = (now, found)
            return found
        return self._lookup(digest)

    def _lookup(self, digest: str) -> ApiKey | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.key_hash == digest)).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, digest):
            return None
        return _row(row)
