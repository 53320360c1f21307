"""Users of the web page: names, roles and argon2id password hashes, throttled sign-in.

Passwords are hashed with argon2id (argon2-cffi, OWASP's first choice); repeated
failures slow down further tries per client address and per user name (api/throttle.py:
backoff, not a lock anyone could impose on the admin), so passwords cannot be guessed
online. Every change is written to the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, insert, select, update

from clearance.api.throttle import Throttle, Throttled, address_subject, user_subject
from clearance.audit import record
from clearance.store.database import utc
from clearance.web.tables import web_sessions, web_users

MIN_PASSWORD_LENGTH = 12
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{2,100}$")
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash of nothing, checked when the user does not exist so both paths cost the same.
_DUMMY_HASH = _hasher.hash("clearance: no such user")


class Role(StrEnum):
    ANALYST = "analyst"
    ADMIN = "admin"


class UserError(ValueError):
    """A user could not be created or changed; the message says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def actor(self) -> str:
        """How this user appears in the audit trail and on decisions."""
        return f"user:{self.name}"


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return utc(value)


def _user(row: Any) -> User:
    return User(
        name=row.name,
        role=Role(row.role),
        active=bool(row.active),
        created_at=_aware(row.created_at) or datetime.now(UTC),
        last_login_at=_aware(row.last_login_at),
    )


def check_password_strength(password: str, name: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if name.lower() in password.lower():
        raise UserError("the password must not contain the user name")
    if len(set(password)) < 5:
        raise UserError("the password needs more different characters")


class UserStore:
    """Users in the store's database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, throttle: Throttle | None = None):
        self.engine = engine
        self.throttle = throttle or Throttle(engine)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(web_users)).scalar() or 0)

    def create(self, name: str, password: str, role: Role | str, actor: str) -> User:
        if not _NAME.match(name):
            raise UserError(
                "a user name has 2-100 letters, digits or . _ @ - (no spaces): " + repr(name)
            )
        try:
            role = Role(role)
        except ValueError as exc:
            raise UserError(f"unknown role {role!r}: use analyst or admin") from exc
        check_password_strength(password, name)
        if self.get(name) is not None:
            raise UserError(f"user {name!r} exists already")
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(
                insert(web_users).values(
                    name=name,
                    password_hash=_hasher.hash(password),
                    role=role.value,
                    active=True,
                    failed_logins=0,
                    created_at=now,
                )
            )
        record(self.engine, actor, "user.create", {"user": name, "role": role.value})
        user = self.get(name)
        assert user is not None
        return user

    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(web_users).where(web_users.c.name == name)).first()
        return _user(row) if row else None

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(web_users).order_by(web_users.c.name))]

    def authenticate(self, name: str, password: str, address: str | None = None) -> User | None:
        """The user when name and password are right and the account is usable; else None.

        Raises Throttled, without looking at the password, while `address` (the client's)
        or the name must wait after repeated failures; the name's wait does not apply at
        an address the user signed in from before. Every attempt is audited.
        """
        now = datetime.now(UTC)
        actor = f"user:{name[:100]}"
        by_address, by_user = address_subject(address), user_subject(name)
        wait = self.throttle.wait_of(by_address)
        why = "too many failed sign-ins from this address"
        if not wait:
            wait = self.throttle.wait_of(by_user)
            if wait and self.throttle.is_known_address(name, address):
                wait = 0.0
            why = "too many failed sign-ins for this user name"
        if wait:
            record(self.engine, actor, "login.failed", {"reason": "throttled", "address": address})
            raise Throttled(wait, why)
        with self.engine.connect() as conn:
            row = conn.execute(select(web_users).where(web_users.c.name == name)).first()
        if row is None or not row.active or not _verify(row.password_hash, password):
            if row is None or not row.active:
                _verify(_DUMMY_HASH, password)  # the same time whether or not the name exists
            reason = "unknown" if row is None else "disabled" if not row.active else "password"
            self.throttle.failed(by_address)
            self.throttle.failed(by_user)
            if row is not None and reason == "password":
                with self.engine.begin() as conn:
                    conn.execute(
                        update(web_users)
                        .where(web_users.c.name == name)
                        .values(failed_logins=int(row.failed_logins) + 1)
                    )
            record(self.engine, actor, "login.failed", {"reason": reason, "address": address})
            return None
        self.throttle.succeeded(by_address)
        self.throttle.succeeded(by_user)
        self.throttle.remember_address(name, address)
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher.hash(password)
        with self.engine.begin() as conn:
            conn.execute(update(web_users).where(web_users.c.name == name).values(**values))
        record(self.engine, f"user:{name}", "login", {})
        return self.get(name)

    def set_password(self, name: str, password: str, actor: str) -> None:
        check_password_strength(password, name)
        self._change(name, actor, "user.password", password_hash=_hasher.hash(password))
        self.end_sessions(name)

    def set_role(self, name: str, role: Role | str, actor: str) -> None:
        try:
            role = Role(role)
        except ValueError as exc:
            raise UserError(f"unknown role {role!r}: use analyst or admin") from exc
        if role is not Role.ADMIN:
            self._keep_an_admin(name)
        self._change(name, actor, "user.role", role=role.value)

    def set_active(self, name: str, active: bool, actor: str) -> None:
        if not active:
            self._keep_an_admin(name)
        self._change(
            name, actor, "user.enable" if active else "user.disable", active=active, failed_logins=0
        )
        if not active:
            self.end_sessions(name)

    def end_sessions(self, name: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(web_sessions.delete().where(web_sessions.c.user_name == name))

    def _keep_an_admin(self, name: str) -> None:
        """Refuse to demote or disable the last active admin: nobody could manage users."""
        admins = [u for u in self.list() if u.is_admin and u.active]
        if [u.name for u in admins] == [name]:
            raise UserError(f"{name!r} is the last active admin")

    def _change(self, name: str, actor: str, action: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(web_users).where(web_users.c.name == name).values(**values)
            ).rowcount
        if not changed:
            raise UserError(f"no user {name!r}")
        shown = {k: v for k, v in values.items() if k != "password_hash"}
        record(self.engine, actor, action, {"user": name, **shown})


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
