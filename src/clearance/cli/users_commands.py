"""`clearance users`: accounts of the web page (the first admin is made here)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from clearance.cli.context import console, err_console, state

users_app = typer.Typer(
    rich_markup_mode=None, help="Users of the web page (analyst or admin).", no_args_is_help=True
)

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
]


def _users():  # type: ignore[no-untyped-def]
    from clearance.web.users import UserStore

    return UserStore(state.store(autoload=False).engine)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat it", hide_input=True) != first:
        err_console.print("[red]The two passwords differ.[/red]")
        raise typer.Exit(1)
    return str(first)


def _fail(exc: Exception) -> None:
    err_console.print(f"[red]{exc}[/red]")
    raise typer.Exit(1) from exc


@users_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -).")],
    role: Annotated[str, typer.Option(help="analyst or admin.")] = "analyst",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user (the password is asked for).

    Passwords have 12 characters or more.
    """
    from clearance.web.users import UserError

    try:
        user = _users().create(name, _password(password_stdin), role, _actor())
    except UserError as exc:
        _fail(exc)
        return
    console.print(f"created {user.name} ({user.role.value})")


@users_app.command("list")
def list_users() -> None:
    """Users, roles and status (never passwords)."""
    for user in _users().list():
        status = "active" if user.active else "disabled"
        last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "never"
        console.print(f"{user.name:<24} {user.role.value:<8} {status:<9} last sign-in {last}")


@users_app.command("set-password")
def set_password(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Give a user a new password (ends their sessions)."""
    from clearance.web.users import UserError

    try:
        _users().set_password(name, _password(password_stdin), _actor())
    except UserError as exc:
        _fail(exc)
    console.print(f"new password set for {name}")


def _set_active(name: str, active: bool) -> None:
    from clearance.web.users import UserError

    try:
        _users().set_active(name, active, _actor())
    except UserError as exc:
        _fail(exc)
    console.print(f"{'enabled' if active else 'disabled'} {name}")


@users_app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Disable a user at once (ends their sessions)."""
    _set_active(name, False)


@users_app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Enable a disabled user again."""
    _set_active(name, True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
