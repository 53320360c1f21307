"""`clearance serve --workers N` on POSIX: build the app once, then fork the workers.

Why not uvicorn's own supervisor: it *spawns* its workers, so each is a fresh
interpreter that imports the app (1.5 s), builds it (0.8 s) and loads the match
index (0.5 s), and each keeps its own copy of the index. Here the parent does that
once and forks (gunicorn's `preload_app`): workers are up in milliseconds and share
the index's memory pages. What lives now is frozen out of the garbage collector
before the fork (`gc.freeze`), so that the workers' collections neither walk it
(a 60 ms pause each time) nor write to its pages (which would copy them).

Gunicorn supervises (restarts a worker that dies, stops gracefully on SIGTERM,
kills a worker that stops answering its heartbeat); uvicorn serves HTTP in each
worker through uvicorn-worker, with our TCP_NODELAY protocol. Nothing that is
per-process is built before the fork: the store's connections, the key cache, the
audit writer and the job runner are made by the app's lifespan, in each worker.

List updates are followed here too (`FollowingArbiter`): every few seconds the parent
asks whether the lists in force changed; if so it loads the new index itself, forks a
new set of workers that share it, and stops the old ones gracefully once the new are
up. The workers never build an index of their own: the server's memory stays one
shared index, and no worker's requests wait while one is built.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from uvicorn_worker import UvicornWorker

from clearance.api.server import HTTP_PROTOCOL

# A list update makes the next screening build a new index in the worker (tens of
# seconds on a slow machine); the heartbeat must not take that for a hung worker.
WORKER_TIMEOUT_SECONDS = 300
GRACEFUL_STOP_SECONDS = 30
FOLLOW_EVERY_SECONDS = 5.0
RETIRE_AFTER_SECONDS = 3.0  # new workers are forked with the index: up in milliseconds
log = logging.getLogger("clearance.api.prefork")


class ClearanceWorker(UvicornWorker):
    """uvicorn in a gunicorn worker, with our protocol and the fastest event loop."""

    CONFIG_KWARGS: dict[str, Any] = {
        "loop": "auto",  # uvloop when installed
        "http": HTTP_PROTOCOL,
        "access_log": False,  # ours names no query strings; uvicorn's would
    }


class FollowingArbiter(Arbiter):  # type: ignore[misc]
    """Gunicorn's arbiter, which also replaces its workers when the lists change."""

    follow: Callable[[Any], bool] | None = None
    _next_follow = 0.0
    _retire_at = 0.0

    def manage_workers(self) -> None:
        now = time.monotonic()
        if self.follow is not None and now >= self._next_follow and self.WORKERS:
            self._next_follow = now + FOLLOW_EVERY_SECONDS
            if self._followed():
                for _ in range(self.num_workers):  # new ones first: nobody waits for them
                    self.spawn_worker()
                self._retire_at = time.monotonic() + RETIRE_AFTER_SECONDS
        if time.monotonic() < self._retire_at:
            return  # old and new workers both listen until the new ones are surely up
        # The base class stops the oldest workers beyond num_workers (SIGTERM: they
        # answer what they have been sent, then exit).
        super().manage_workers()

    def _followed(self) -> bool:
        assert self.follow is not None
        gc.disable()
        try:
            changed = self.follow(self.app.wsgi())
        except Exception:  # the workers go on with the index they have; tried again later
            log.exception("loading the new list versions failed")
            return False
        finally:
            gc.collect()
            gc.freeze()  # as at the first load: what lives now is out of the collector's sight
            gc.enable()
        if changed:
            log.warning("lists changed: new workers with the new index replace the old")
        return changed


class PreforkServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn, configured from code: `load` is called once, in the parent, before forking."""

    def __init__(
        self,
        load_app: Callable[[], Any],
        options: dict[str, Any],
        follow: Callable[[Any], bool] | None = None,
    ):
        self._load_app = load_app
        self._options = options
        self._follow = follow
        super().__init__()

    def run(self) -> None:
        arbiter = FollowingArbiter(self)
        arbiter.follow = self._follow
        arbiter.run()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        # Loading makes hundreds of thousands of objects that all live on: collections
        # while it runs would walk the growing heap again and again, for nothing.
        gc.disable()
        try:
            app = self._load_app()
        finally:
            # Long-lived now: the app, the preloaded index. Out of the collector's sight.
            gc.collect()
            gc.freeze()
            gc.enable()
        return app


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def run_preforked(
    load_app: Callable[[], Any],
    *,
    host: str,
    port: int,
    workers: int,
    log_level: str,
    follow: Callable[[Any], bool] | None = None,
) -> None:
    """Serve `load_app()` (called once, here) from `workers` forked processes; with
    `follow`, replace them by new ones when `follow(app)` says the lists changed."""
    PreforkServer(
        load_app,
        {
            "bind": [bind_address(host, port)],
            "workers": workers,
            "worker_class": ClearanceWorker,
            "preload_app": True,
            # Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel
            # spreads new connections across them. On one shared socket, whichever
            # worker was idle took every connection of a burst: 32 keep-alive clients
            # split 25 to 7, and the busy worker's queue set the p99.
            "reuse_port": True,
            "timeout": WORKER_TIMEOUT_SECONDS,
            # uvicorn's own idle keep-alive time (gunicorn's default, 2 s, closed the
            # connections of clients that paused a little, under load, the most).
            "keepalive": 5,
            "graceful_timeout": GRACEFUL_STOP_SECONDS,
            "loglevel": log_level.lower(),  # at "warning", not gunicorn's "Booting worker …"
            "accesslog": None,
            "proc_name": "clearance serve",
        },
        follow,
    ).run()
