"""Batch screening on several cores: each worker process holds the index once.

With the fork start method (Linux) workers inherit the parent's index without
copying or reloading it; elsewhere each worker unpickles it once at start-up. Queries
travel in chunks so that the per-message cost does not dominate, and the words of a
chunk are looked up together (`Screener.warm`) before its queries are checked.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clearance.matching.screener import Hit, Screener

_CHUNK = 256
_worker: Screener | None = None


def _init(screener: Screener | None) -> None:
    global _worker
    if screener is not None:
        _worker = screener


def _run_chunk(args: tuple[list[str | dict[str, Any]], dict[str, Any]]) -> list[list[Hit]]:
    queries, options = args
    assert _worker is not None, "worker started without an index"
    return _check_chunk(_worker, queries, options)


def _check_chunk(
    screener: Screener, queries: list[str | dict[str, Any]], options: dict[str, Any]
) -> list[list[Hit]]:
    screener.warm(q if isinstance(q, str) else q.get("name", options.get("name")) for q in queries)
    return [_check(screener, q, options) for q in queries]


def _check(screener: Screener, query: str | dict[str, Any], options: dict[str, Any]) -> list[Hit]:
    if isinstance(query, str):
        return screener.check(query, **options)
    return screener.check(**{**options, **query})


def run_batch(
    screener: Screener, queries: list[str | dict[str, Any]], workers: int, options: dict[str, Any]
) -> list[list[Hit]]:
    """Results in query order."""
    chunks = [(queries[i : i + _CHUNK], options) for i in range(0, len(queries), _CHUNK)]
    if workers <= 1 or len(queries) < 2 * _CHUNK:
        return [hits for part, _ in chunks for hits in _check_chunk(screener, part, options)]
    global _worker
    ctx: Any
    if "fork" in mp.get_all_start_methods():
        _worker = screener  # inherited by the forked workers, not pickled
        ctx = mp.get_context("fork")
        initargs: tuple[Screener | None] = (None,)
    else:
        ctx = mp.get_context()
        initargs = (screener,)
    # Forked workers share the index's memory until they write to it; the garbage
    # collector would touch (and so copy) every object in each worker.
    gc.freeze()
    try:
        with ctx.Pool(workers, initializer=_init, initargs=initargs) as pool:
            out: list[list[Hit]] = []
            for part in pool.imap(_run_chunk, chunks):
                out.extend(part)
            return out
    finally:
        gc.unfreeze()
        _worker = None
