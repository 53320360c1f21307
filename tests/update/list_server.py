"""A real HTTP server on 127.0.0.1 serving list files, with misbehaviours on demand.

Each route can answer normally (with an ETag honoured for conditional
requests), fail its first requests with 503, answer an error status, sleep
before answering, or announce the full length and close the connection early.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering
    fail_first: int = 0  # answer 503 to this many first requests
    cut_after: int | None = None  # announce len(body), send this many bytes, close
    content_type: str = "application/octet-stream"


@dataclass
class Request:
    path: str
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: ListServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that give up (timeouts) cause broken pipes here; expected


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0].lstrip("/")
        with owner.lock:
            owner.requests.append(Request(path, dict(self.headers.items())))
            seen = sum(1 for r in owner.requests if r.path == path)
        route = owner.routes.get(path)
        if route is None:
            self.send_error(404)
            return
        if route.delay and owner.stopping.wait(route.delay):
            return
        if seen <= route.fail_first:
            self.send_error(503)
            return
        if route.status != 200:
            self.send_error(route.status)
            return
        if route.etag is not None and self.headers.get("If-None-Match") == route.etag:
            self.send_response(304)
            self.send_header("ETag", route.etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        if route.etag is not None:
            self.send_header("ETag", route.etag)
        if route.last_modified is not None:
            self.send_header("Last-Modified", route.last_modified)
        self.end_headers()
        body = route.body if route.cut_after is None else route.body[: route.cut_after]
        try:
            self.wfile.write(body)
            self.wfile.flush()
            if route.cut_after is not None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class ListServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/lists"

    def serve(self, name: str, body: bytes, **options: Any) -> Route:
        route = Route(body, **options)
        self.routes[f"lists/{name}"] = route
        return route

    def hits(self, name: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path == f"lists/{name}"]

    def start(self) -> ListServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
