"""Both cores on a long batch: one pool of worker processes for the whole file.

`Screener.check_many` starts a pool per call, which suits one-off batches; a file
screened chunk by chunk would then start cold workers for every chunk and lose the
matcher's per-token lookup cache each time. Here the workers live as long as the
file and each keeps its cache warm. They run `Screener.check` itself with the same
arguments, so results are those of `check`, row by row, in input order.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections.abc import Callable
from typing import Any

SUB_CHUNK = 128  # queries per message: small enough to balance, big enough to amortise

_screener: Any = None  # the worker's screener (inherited through fork, or sent once)


def _init(screener: Any) -> None:
    global _screener
    if screener is not None:
        _screener = screener


def check_all(screener: Any, queries: list[dict[str, Any]]) -> list[list[Any]]:
    """`check` each query; their words looked up together first when the screener can
    (`Screener.warm`: new words scored in one vectorised pass, not one query at a time)."""
    warm = getattr(screener, "warm", None)
    if warm is not None:
        warm(q.get("name") for q in queries)
    return [list(screener.check(**q)) for q in queries]


def _check_all(queries: list[dict[str, Any]]) -> list[list[Any]]:
    return check_all(_screener, queries)


class CheckPool:
    """`run(queries)` -> hits per query, on `workers` processes (1: in this process)."""

    def __init__(self, screener: Any, workers: int = 2):
        self.screener = screener
        self.workers = workers
        self._pool: Any = None

    def __enter__(self) -> CheckPool:
        global _screener
        pool: Any = None
        if self.workers > 1:
            method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
            sent = None if method == "fork" else self.screener
            if method == "fork":
                _screener = self.screener  # inherited by the forked workers, not pickled
            ctx: Any = mp.get_context(method)
            # Forked workers share the index's memory until they write to it; the
            # garbage collector would touch (and so copy) every object in each worker.
            gc.freeze()
            try:
                pool = ctx.Pool(self.workers, initializer=_init, initargs=(sent,))
            finally:
                gc.unfreeze()
        self._pool = pool
        return self

    def __exit__(self, *exc: object) -> None:
        global _screener
        if self._pool is not None:
            self._pool.terminate() if exc[0] is not None else self._pool.close()
            self._pool.join()
            self._pool = None
        _screener = None

    def run(
        self, queries: list[dict[str, Any]], on_checked: Callable[[int], None] | None = None
    ) -> list[list[Any]]:
        """Hits per query in order; `on_checked(n)` as results come in (for progress)."""
        out: list[list[Any]] = []
        if self._pool is None or len(queries) < 2 * SUB_CHUNK:
            for i in range(0, len(queries), SUB_CHUNK):
                out.extend(check_all(self.screener, queries[i : i + SUB_CHUNK]))
                if on_checked:
                    on_checked(len(out))
            return out
        parts = [queries[i : i + SUB_CHUNK] for i in range(0, len(queries), SUB_CHUNK)]
        for part in self._pool.imap(_check_all, parts):
            out.extend(part)
            if on_checked:
                on_checked(len(out))
        return out
