"""`clearance serve --workers 2` as a user runs it: every accepted connection has TCP_NODELAY
(without it each keep-alive response's body waited for the client's delayed ACK, 40 ms),
a response's headers and body leave in one write, and stopping the server writes the
audit record of every screening it answered."""

from __future__ import annotations

import ctypes
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from clearance.audit import records, verify
from clearance.store import ListStore
from tests.api.conftest import Keys

SYS_PIDFD_GETFD = 438  # the same number on every Linux architecture


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(parent: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(name))
    return found


def _memory_kib(pid: int) -> dict[str, int]:
    """Resident, shared and private memory of a process (Linux smaps_rollup)."""
    found = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                found[parts[0].rstrip(":")] = int(parts[1])
    return found


def _server_side_no_delay(pids: list[int], client_address: tuple[str, int]) -> list[int]:
    """TCP_NODELAY of the server's socket for our connection, read from a copy of its fd."""
    libc = ctypes.CDLL(None, use_errno=True)
    values = []
    for pid in pids:
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            continue
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                        continue
                except OSError:
                    continue
                copy = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(fd), 0)
                if copy < 0:  # only this test needs it: the others run everywhere
                    errno = ctypes.get_errno()
                    pytest.skip(f"pidfd_getfd unavailable here (errno {errno})")
                with socket.socket(fileno=copy) as sock:
                    if sock.family != socket.AF_INET:
                        continue
                    try:
                        peer = sock.getpeername()
                    except OSError:
                        continue  # the listening socket
                    if peer == client_address:
                        values.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        finally:
            os.close(pidfd)
    return values


@dataclass
class Served:
    """`clearance serve --workers 2` in a subprocess, started when first asked for."""

    api_db: str
    log: Path
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def running(self) -> Served:
        if self.process is not None and self.process.poll() is None:
            return self
        self.port = _free_port()
        program = "from clearance.cli.main import app; app()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", program, "--db", self.api_db, "serve"]
            + ["--port", str(self.port), "--workers", "2", "--rate-limit", "0"],
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )
        deadline = time.monotonic() + 180
        ready = 0
        while ready < 4:  # several answers in a row: both workers are up
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "server not ready"
            try:
                ready = ready + 1 if httpx.get(f"{self.url}/readyz").status_code == 200 else 0
            except httpx.TransportError:
                ready = 0
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: a clean shutdown
            self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def served(api_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(api_db, tmp_path_factory.mktemp("serve") / "serve.log")
    yield server
    server.stop()


def _match(name: str) -> str:
    return json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}})


def test_accepted_connections_have_tcp_nodelay(served: Served, api_keys: Keys) -> None:
    """Read from a copy of the server's socket (pidfd_getfd): the one check that needs
    that syscall, so where a kernel or sandbox refuses it only this test skips."""
    server = served.running()
    assert server.process is not None
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"ApiKey {api_keys.read}", "Content-Type": "application/json"}
    connection.request("POST", "/match/default", _match("Vladimir Putin"), headers)
    response = connection.getresponse()
    assert response.status == 200 and json.loads(response.read())["responses"]["q"]
    assert connection.sock is not None
    client_address = connection.sock.getsockname()
    try:
        assert _server_side_no_delay(_children(server.process.pid), client_address) == [1]
    finally:
        connection.close()


def test_two_workers_send_at_once_and_write_every_audit_record_on_stop(
    served: Served, api_db: str, api_keys: Keys
) -> None:
    server = served.running()
    assert server.process is not None
    marker = uuid.uuid4().hex[:12]
    sent = 0
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        headers = {"Authorization": f"ApiKey {api_keys.read}", "Content-Type": "application/json"}
        for n in range(3):  # keep-alive: one connection, several requests
            connection.request("POST", "/match/default", _match(f"{marker} {n}"), headers)
            response = connection.getresponse()
            assert response.status == 200, server.log.read_text()[-3000:]
            assert json.loads(response.read())["responses"]["q"]
            sent += 1
        connection.close()

        # The workers are forked from a parent that loaded the index: most of each
        # worker's memory is shared, not its own copy (spawned workers' would be).
        workers = _children(server.process.pid)
        assert len(workers) == 2
        for pid in workers:
            memory = _memory_kib(pid)
            own = memory["Private_Clean"] + memory["Private_Dirty"]
            assert own < 0.5 * memory["Rss"], (pid, memory)

        # Headers and body leave in one write: the first read holds the whole response.
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as raw:
            for n in range(3):
                body = _match(marker).encode()
                head = (
                    f"POST /match/default HTTP/1.1\r\nHost: x\r\n"
                    f"Authorization: ApiKey {api_keys.read}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                )
                raw.sendall(head.encode() + body)
                first = raw.recv(1 << 20)
                status, _, rest = first.partition(b"\r\n")
                headers_part, _, payload = rest.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in headers_part.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                assert status.startswith(b"HTTP/1.1 200"), first[:200]
                assert len(payload) == length, (n, len(payload), length)
                sent += 1

        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            for _ in range(37):  # spread over both workers by the kernel
                body = {"queries": {"q": {"schema": "Company", "properties": {"name": [marker]}}}}
                status = client.post("/match/default", json=body).status_code
                assert status == 200, server.log.read_text()[-3000:]
                sent += 1
    finally:
        server.stop()

    engine = ListStore.open(api_db).engine
    screenings = [r for r in records(engine) if r.action == "screening"]
    written = [r for r in screenings if marker in json.dumps(r.payload["query"])]
    assert len(written) == sent
    assert verify(engine).ok
