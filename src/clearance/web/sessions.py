"""Login sessions: a random cookie value, stored only as its SHA-256, with a CSRF token.

Sessions live in the database so they survive a restart and work across worker
processes; a session ends at logout, at expiry, or when its user is disabled or
gets a new password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select

from clearance.web.tables import web_sessions, web_users
from clearance.web.users import Role, User, _aware

SESSION_HOURS = 12


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, engine: Engine, hours: float = SESSION_HOURS):
        self.engine = engine
        self.lifetime = timedelta(hours=hours)

    def start(self, user: User) -> str:
        """A new session for `user`; returns the cookie value (never stored as such)."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
            conn.execute(
                insert(web_sessions).values(
                    token_hash=_digest(token),
                    user_name=user.name,
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=now,
                    expires_at=now + self.lifetime,
                )
            )
        return token

    def get(self, token: str | None) -> Session | None:
        """The live session of a cookie value, with its (active) user; None otherwise."""
        if not token or len(token) > 200:
            return None
        query = (
            select(
                web_users.c.name,
                web_users.c.role,
                web_users.c.active,
                web_users.c.created_at,
                web_users.c.last_login_at,
                web_sessions.c.csrf_token,
                web_sessions.c.expires_at,
            )
            .select_from(web_sessions)
            .join(web_users, web_users.c.name == web_sessions.c.user_name)
            .where(web_sessions.c.token_hash == _digest(token))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or not row.active:
            return None
        expires = _aware(row.expires_at)
        assert expires is not None
        if expires <= datetime.now(UTC):
            self.end(token)
            return None
        user = User(
            name=row.name,
            role=Role(row.role),
            active=True,
            created_at=_aware(row.created_at) or datetime.now(UTC),
            last_login_at=_aware(row.last_login_at),
        )
        return Session(user=user, csrf_token=row.csrf_token, expires_at=expires)

    def end(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == _digest(token)))
