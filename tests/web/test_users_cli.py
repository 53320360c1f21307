"""`clearance users`: the first admin is made on the command line; weak passwords refused."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from clearance.cli.main import app
from clearance.store import ListStore
from clearance.web.users import UserStore


def run(db: Path, *args: str, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", str(db), "users", *args], input=stdin)
    return result.exit_code, result.output


def test_users_create_list_disable(tmp_path: Path) -> None:
    db = tmp_path / "users.db"
    code, out = run(db, "create", "ana", "--role", "admin", "--password-stdin",
                    stdin="a long enough secret\n")  # fmt: skip
    assert code == 0 and "created ana (admin)" in out
    code, out = run(db, "create", "bob", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least 12 characters" in out
    code, out = run(db, "create", "ana", "--password-stdin", stdin="another long secret\n")
    assert code == 1 and "exists already" in out
    code, out = run(db, "create", "carl", "--role", "boss", "--password-stdin",
                    stdin="a long enough secret\n")  # fmt: skip
    assert code == 1 and "unknown role" in out
    code, out = run(db, "disable", "ana")
    assert code == 1 and "last active admin" in out  # someone must be able to manage users
    code, out = run(db, "list")
    assert code == 0 and "ana" in out and "admin" in out and "bob" not in out
    users = UserStore(ListStore.open(str(db)).engine)
    assert users.authenticate("ana", "a long enough secret") is not None
    assert users.authenticate("ana", "a wrong secret!!") is None
    code, _ = run(db, "set-password", "ana", "--password-stdin", stdin="a new long secret\n")
    assert code == 0
    assert users.authenticate("ana", "a long enough secret") is None
    assert users.authenticate("ana", "a new long secret") is not None
