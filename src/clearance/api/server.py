"""How `clearance serve` runs the app under uvicorn: protocol, event loop, workers.

Why a protocol subclass: with `--workers N` uvicorn binds its listening socket as
`socket.socket(family)` (protocol number 0), and asyncio only sets TCP_NODELAY on
sockets whose protocol number is IPPROTO_TCP. Without it, a response written as
headers then body meets Nagle's algorithm and the client's delayed ACK: every
keep-alive response's body arrived 40 ms after its headers. The protocols below set
TCP_NODELAY on every accepted connection, whoever bound the socket, and send a
response's headers and body in one write (`CoalescingTransport`): half the segments
and wake-ups per request, for the server and for its client.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import socket
from collections.abc import Callable
from typing import Any, cast

from uvicorn.protocols.http.h11_impl import H11Protocol


def set_no_delay(transport: asyncio.BaseTransport) -> None:
    """Send small writes at once (no Nagle) on a TCP connection; other sockets are left."""
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    with contextlib.suppress(OSError):  # the peer may already be gone
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class CoalescingTransport:
    """A transport that sends the writes of one event-loop step as one `send`.

    uvicorn writes a response's status line and headers, then its body: two sends,
    two TCP segments and two wake-ups of the client for every small response. Here
    the writes wait until the end of the loop step (`call_soon`), by which time the
    body has come, and go out together. Past `MAX_HELD` bytes they go at once, so a
    large or streamed response is never held back.
    """

    MAX_HELD = 64 * 1024

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))
        self._held_bytes += len(data)
        if self._held_bytes >= self.MAX_HELD:
            self.flush()

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if not self._held:
            return
        data = b"".join(self._held)
        self._held.clear()
        self._held_bytes = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._held_bytes

    def close(self) -> None:
        self.flush()  # a response written just before closing still goes out
        self._transport.close()

    def abort(self) -> None:
        self._held.clear()
        self._held_bytes = 0
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:  # everything else is the real transport's
        return getattr(self._transport, name)


def _has_unread_bytes(transport: asyncio.BaseTransport) -> bool:
    sock = transport.get_extra_info("socket")
    try:
        readable, _, _ = select.select([sock.fileno()], [], [], 0)
    except (AttributeError, OSError, ValueError):
        return False
    return bool(readable)


def _prepared(transport: asyncio.Transport) -> asyncio.Transport:
    set_no_delay(transport)
    return cast(asyncio.Transport, CoalescingTransport(transport, asyncio.get_running_loop()))


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's pure-Python HTTP/1.1 protocol, with TCP_NODELAY and coalesced writes."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_prepared(transport))


HTTP_PROTOCOL: type[asyncio.Protocol] = NoDelayH11Protocol
LAST_REQUEST_SECONDS = 5.0  # as uvicorn's keep-alive timeout: a stop closes no sooner
LISTENERS_CLOSE_FIRST_SECONDS = 1.0  # every stopping worker's, before any client is told

try:  # httptools parses HTTP in C: a good part of each request's cost with h11
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class NoDelayHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol, with TCP_NODELAY, coalesced writes, and a stop
        that resets no request on its way."""

        _stopping = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(_prepared(transport))

        def shutdown(self) -> None:
            """A graceful stop (a worker replaced after a list update, or the server's).

            uvicorn closed idle keep-alive connections at once, and closed a busy one
            after an answer whose headers had already gone out without saying so; either
            way a client that had sent, or was about to send, its next request met a
            closed connection (resets seen under load). Here every connection is closed
            only after an answer that says `Connection: close`, or after
            LAST_REQUEST_SECONDS of silence with nothing unread. And not at once: the
            workers being replaced close their listening sockets first, all of them,
            so that a client told to reconnect is not queued on one about to close (a
            connection waiting in a closed SO_REUSEPORT socket's queue is reset).
            """
            self.loop.call_later(LISTENERS_CLOSE_FIRST_SECONDS, self._stop)

        def _stop(self) -> None:
            if self.transport.is_closing():
                return
            self._stopping = True
            cycle = self.cycle
            if cycle is None or cycle.response_complete:
                self._unset_keepalive_if_required()
                self.timeout_keep_alive_task = self.loop.call_later(
                    LAST_REQUEST_SECONDS, self._close_if_silent
                )
            elif not cycle.response_started:
                cycle.keep_alive = False  # its answer will say Connection: close
            # else: an answer on its way that cannot say it any more; the next request's
            # will (on_headers_complete), or the idle timeout closes the connection.

        def timeout_keep_alive_handler(self) -> None:
            self._close_if_silent()  # uvicorn's idle timeout, with the same care

        def _close_if_silent(self) -> None:
            """Close, unless a request has come in that the (busy) loop has not read yet:
            closing a socket with unread bytes resets the connection under the client.
            (A loop late by the idle time runs its timer before it reads the socket.)"""
            if self.transport.is_closing():
                return
            if _has_unread_bytes(self.transport):
                self.timeout_keep_alive_task = self.loop.call_later(0.1, self._close_if_silent)
                return
            self.transport.close()

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            if self._stopping and self.cycle is not None:
                self.cycle.keep_alive = False  # answered, then the connection closes

    HTTP_PROTOCOL = NoDelayHttpToolsProtocol
except ImportError:  # httptools is a dependency, but a wheel may be missing on a platform
    pass


class AddressInUse(OSError):
    """The address `serve` was asked to listen on is taken (or not ours to take)."""


def check_address_free(host: str, port: int) -> None:
    """Fail at once, saying why, when `host:port` cannot be listened on.

    Forked workers bind sockets of their own (SO_REUSEPORT), and gunicorn restarts a
    worker that fails to: on a taken port the server retried for ever and answered
    nothing. The probe binds without SO_REUSEPORT, so that another server on the port,
    even another `clearance serve`, counts as taken instead of silently sharing it.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no owner
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise AddressInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def run(
    app_factory: str,
    *,
    host: str,
    port: int,
    workers: int,
    log_level: str = "warning",
    preload: Callable[[Any], None] | None = None,
    follow: Callable[[Any], bool] | None = None,
) -> None:
    """Serve the app `app_factory` (an import string) makes, on `workers` processes.

    One worker: uvicorn in this process. Several, where the system can fork: the app
    is made here once, `preload(app)` runs, and the workers are forked from this
    process (see `clearance.api.prefork`); elsewhere uvicorn spawns them. `follow(app)`,
    called in the parent every few seconds, says when the lists have changed and the
    new index is loaded: the workers are then replaced by new ones forked from it.
    """
    import uvicorn

    check_address_free(host, port)
    if workers > 1 and hasattr(os, "fork"):
        from uvicorn.importer import import_from_string

        from clearance.api.prefork import run_preforked

        def load_app() -> Any:
            app = import_from_string(app_factory)()
            if preload is not None:
                preload(app)
                app.state.parent_follows = follow is not None  # workers need not rebuild
            return app

        run_preforked(
            load_app, host=host, port=port, workers=workers, log_level=log_level, follow=follow
        )
        return
    uvicorn.run(
        app_factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=HTTP_PROTOCOL,
        loop="auto",  # uvloop when installed, else asyncio
        access_log=False,  # ours names no query strings; uvicorn's would
        log_level=log_level,
    )
