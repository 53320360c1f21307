"""`clearance keys create|list|revoke` and `serve`'s refusal to start without keys loudly."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from clearance.api import KeyStore
from clearance.cli.context import state
from clearance.cli.serve_commands import register
from clearance.store import ListStore


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main(db: str = typer.Option(None, "--db")) -> None:
        state.db = db
        state._store = None

    register(app)
    return app


def test_keys_create_list_revoke(tmp_path) -> None:
    db = str(tmp_path / "keys.db")
    runner = CliRunner()
    created = runner.invoke(_app(), ["--db", db, "keys", "create", "--scope", "screen"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("clr_")
    keys = KeyStore(ListStore.open(db).engine)
    found = keys.verify(secret)
    assert found is not None and found.scopes == ("screen",)
    listed = runner.invoke(_app(), ["--db", db, "keys", "list", "--json"])
    assert secret not in listed.stdout  # never shown again
    assert json.loads(listed.stdout)[0]["scopes"] == ["screen"]
    revoked = runner.invoke(_app(), ["--db", db, "keys", "revoke", found.id])
    assert revoked.exit_code == 0 and keys.verify(secret) is None
    again = runner.invoke(_app(), ["--db", db, "keys", "revoke", found.id])
    assert again.exit_code == 1
    bad = runner.invoke(_app(), ["--db", db, "keys", "create", "--scope", "root"])
    assert bad.exit_code != 0 and "scopes must be among" in bad.output
