"""How `clearance serve` runs the app under uvicorn: protocol, event loop, workers.

Why a protocol subclass: with `--workers N` uvicorn binds its listening socket as
`socket.socket(family)` (protocol number 0), and asyncio only sets TCP_NODELAY on
sockets whose protocol number is IPPROTO_TCP. Without it, a response written as
headers then body meets Nagle's algorithm and the client's delayed ACK: every
keep-alive response's body arrived 40 ms after its headers. The protocols below set
TCP_NODELAY on every accepted connection, whoever bound the socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


def set_no_delay(transport: asyncio.BaseTransport) -> None:
    """Send small writes at once (no Nagle) on a TCP connection; other sockets are left."""
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    with contextlib.suppress(OSError):  # the peer may already be gone
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's pure-Python HTTP/1.1 protocol, with TCP_NODELAY on each connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_no_delay(transport)
        super().connection_made(transport)


HTTP_PROTOCOL: type[asyncio.Protocol] = NoDelayH11Protocol

try:  # httptools parses HTTP in C: a good part of each request's cost with h11
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class NoDelayHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol, with TCP_NODELAY on each connection."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            set_no_delay(transport)
            super().connection_made(transport)

    HTTP_PROTOCOL = NoDelayHttpToolsProtocol
except ImportError:  # httptools is a dependency, but a wheel may be missing on a platform
    pass


def run(
    app_factory: str,
    *,
    host: str,
    port: int,
    workers: int,
    **uvicorn_options: Any,
) -> None:
    """Run `app_factory` (an import string) with our protocol and the fastest loop installed."""
    import uvicorn

    uvicorn.run(
        app_factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=HTTP_PROTOCOL,
        loop="auto",  # uvloop when installed, else asyncio
        **uvicorn_options,
    )
