"""`clearance serve` (the HTTP API under uvicorn) and `clearance keys` (its API keys)."""

from __future__ import annotations

import json
import logging
import os
from typing import Annotated

import typer

from clearance.cli.context import console, err_console, state

keys_app = typer.Typer(
    rich_markup_mode=None, help="API keys of the HTTP server (stored hashed).", no_args_is_help=True
)

APP_FACTORY = "clearance.cli.serve_commands:app_from_environment"
_SETTINGS_ENV = "CLEARANCE_API_SETTINGS"


def app_from_environment():  # type: ignore[no-untyped-def]
    """The app for uvicorn workers: each worker process reads the settings `serve` left."""
    from clearance.api import ApiSettings, create_app

    raw = json.loads(os.environ.get(_SETTINGS_ENV, "{}"))
    raw["cors_origins"] = tuple(raw.get("cors_origins", ()))
    # Worker processes are spawned: the logging `serve` set up in its own process is not theirs.
    _access_logging(raw.pop("access_log", True))
    return create_app(ApiSettings(**raw))


def _access_logging(enabled: bool) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("clearance.api.access").setLevel(logging.INFO if enabled else logging.WARNING)


def _keys():  # type: ignore[no-untyped-def]
    from clearance.api import KeyStore

    return KeyStore(state.store(autoload=False).engine)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    no_auth: Annotated[
        bool,
        typer.Option("--no-auth", help="Serve WITHOUT API keys (local use only)."),
    ] = False,
    cors_origin: Annotated[
        list[str] | None, typer.Option("--cors-origin", help="Allow this browser origin.")
    ] = None,
    rate_limit: Annotated[
        int, typer.Option(help="Requests a minute per key (0: no limit).")
    ] = 6000,
    max_body: Annotated[int, typer.Option(help="Largest JSON body, bytes.")] = 1_000_000,
    max_upload: Annotated[int, typer.Option(help="Largest upload to /screen, bytes.")] = 50_000_000,
    log_client_address: Annotated[
        bool, typer.Option(help="Put client addresses in the access log.")
    ] = False,
    access_log: Annotated[bool, typer.Option(help="One JSON line per request.")] = True,
) -> None:
    """Run the HTTP API and the analysts' web page.

    yente-compatible /match, /check, /screen, /reconcile (OpenRefine) and more:
    docs/http-api.md; the web page at / (docs/web.md).
    """
    from clearance.api.app import follow_list_updates, preload_index
    from clearance.api.server import AddressInUse, check_address_free, run

    try:
        check_address_free(host, port)  # before the snapshot and the index are loaded
    except AddressInUse as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc

    state.store()  # first use loads the snapshot here, not in each worker
    if no_auth:
        err_console.print(
            "[bold red]WARNING: API keys are DISABLED (--no-auth): anyone who can reach "
            f"{host}:{port} can use this server.[/bold red]"
        )
    elif not _keys().list():
        err_console.print(
            "[yellow]No API keys yet: every request will get 401. "
            "Create one with `clearance keys create --scope read`.[/yellow]"
        )
    settings = {
        "db": state.db,  # None: CLEARANCE_DB or the default file, as in this process
        "auth": not no_auth,
        "cors_origins": list(cors_origin or ()),
        "rate_limit_per_minute": rate_limit,
        "max_body_bytes": max_body,
        "max_upload_bytes": max_upload,
        "log_client_address": log_client_address,
        "access_log": access_log,
        "stale_after_days": state.stale_days,
    }
    os.environ[_SETTINGS_ENV] = json.dumps(settings)
    state.store(autoload=False).engine.dispose()  # no forked worker inherits a connection
    run(
        APP_FACTORY,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        preload=preload_index,
        follow=follow_list_updates,
    )


@keys_app.command("create")
def keys_create(
    scope: Annotated[
        list[str], typer.Option("--scope", help="read, screen or admin (repeatable).")
    ],
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
) -> None:
    """Create a key; it is printed once and cannot be shown again."""
    from clearance.api.keys import KeyError_

    try:
        key, secret = _keys().create(scope, label)
    except KeyError_ as exc:
        raise typer.BadParameter(str(exc)) from exc
    err_console.print(f"Key {key.id} ({', '.join(key.scopes)}). Store it now; it is not kept:")
    console.print(secret, soft_wrap=True)


@keys_app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Keys with their scopes (never the secrets)."""
    keys = _keys().list()
    if as_json:
        console.print_json(json.dumps([k.to_dict() for k in keys]))
        return
    for k in keys:
        status = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        console.print(f"{k.id}  {','.join(k.scopes):<18} {status:<18} {k.label}")


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (see `keys list`).")],
) -> None:
    """Revoke a key at once."""
    from clearance.api.keys import KeyError_

    try:
        _keys().revoke(key_id)
    except KeyError_ as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"revoked {key_id}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
