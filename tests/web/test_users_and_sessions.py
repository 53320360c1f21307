"""Users and sessions on both databases (SQLite, and PostgreSQL when CI starts one)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from clearance.api.throttle import USER_FREE_FAILURES, Throttled
from clearance.audit import records, verify
from clearance.store import ListStore
from clearance.web.sessions import SessionStore
from clearance.web.tables import web_sessions
from clearance.web.users import UserError, UserStore
from tests.monitoring.backends import db_url

__all__ = ["db_url"]

SECRET = "a long enough secret"


def test_users_sessions_and_their_audit(db_url: str) -> None:
    engine = ListStore.open(db_url).engine
    users, sessions = UserStore(engine), SessionStore(engine)
    admin = users.create("ana", SECRET, "admin", "tests")
    users.create("bob", SECRET, "analyst", "tests")
    with pytest.raises(UserError, match="must not contain the user name"):
        users.create("carla", "carla-is-my-password", "analyst", "tests")
    with pytest.raises(UserError, match="last active admin"):
        users.set_role("ana", "analyst", "tests")

    token = sessions.start(admin)
    live = sessions.get(token)
    assert live is not None and live.user.name == "ana" and live.user.is_admin
    assert sessions.get(token + "x") is None and sessions.get(None) is None
    with engine.begin() as conn:  # the session runs out
        conn.execute(update(web_sessions).values(expires_at=datetime.now(UTC) - timedelta(1)))
    assert sessions.get(token) is None

    bob = users.authenticate("bob", SECRET)
    assert bob is not None
    bob_token = sessions.start(bob)
    users.set_password("bob", "another long secret", "user:ana")
    assert sessions.get(bob_token) is None  # a new password ends the old sessions
    for n in range(USER_FREE_FAILURES + 1):  # from other addresses than bob's own
        assert users.authenticate("bob", "nope nope nope", f"10.0.0.{n}") is None
    with pytest.raises(Throttled, match="for this user name; try again in 1 s"):
        users.authenticate("bob", "another long secret", "10.9.9.9")  # backoff, not a lock
    assert users.authenticate("bob", "another long secret") is not None  # his known address

    actions = [(r.actor, r.action) for r in records(engine)]
    assert ("tests", "user.create") in actions
    assert ("user:ana", "user.password") in actions
    assert ("user:bob", "login") in actions
    assert actions.count(("user:bob", "login.failed")) == USER_FREE_FAILURES + 2
    assert verify(engine).ok
    assert all(SECRET not in str(r.payload) for r in records(engine))  # no password in it
