"""`clearance serve` as a user runs it: a subprocess, uvicorn, the store given by --db."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_without_keys_is_loud_and_serves(api_db: str) -> None:
    port = _free_port()
    program = "from clearance.cli.main import app; app()"
    command = [sys.executable, "-c", program, "--db", api_db, "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--no-auth"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                if httpx.get(f"{url}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server not ready"
            time.sleep(0.2)
        assert httpx.get(f"{url}/catalog").status_code == 200  # --no-auth: no key needed
        assert httpx.get(f"{url}/openapi.json").json()["info"]["title"] == "clearance"
        assert httpx.get(f"{url}/docs").status_code == 200
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert "API keys are DISABLED" in err


def test_serve_on_a_taken_port_says_so_and_stops(api_db: str) -> None:
    """Two workers bind their own sockets: a taken port must stop the server, not loop."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        program = "from clearance.cli.main import app; app()"
        done = subprocess.run(
            [sys.executable, "-c", program, "--db", api_db, "serve"]
            + ["--port", str(port), "--workers", "2", "--no-auth"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Address already in use" in done.stderr
