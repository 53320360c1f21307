"""Batch screening on several cores: each worker process holds the index once.

With the fork start method (Linux) workers inherit the parent's index without
copying or reloading it; elsewhere each worker unpickles it once at start-up. Queries
travel in chunks so that the per-message cost does not dominate.
"""

from __future__ import annotations

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
    return [_check(_worker, q, options) for q in queries]


def _check(screener: Screener, query: str | dict[str, Any], options: dict[str, Any]) -> list[Hit]:
    if isinstance(query, str):
        return screener.check(query, **options)
    return screener.check(**{**options, **query})


def run_batch(
    screener: Screener, queries: list[str | dict[str, Any]], workers: int, options: dict[str, Any]
) -> list[list[Hit]]:
    """Results in query order."""
    if workers <= 1 or len(queries) < 2 * _CHUNK:
        return [_check(screener, q, options) for q in queries]
    global _worker
    chunks = [(queries[i : i + _CHUNK], options) for i in range(0, len(queries), _CHUNK)]
    ctx: Any
    if "fork" in mp.get_all_start_methods():
        _worker = screener  # inherited by the forked workers, not pickled
        ctx = mp.get_context("fork")
        initargs: tuple[Screener | None] = (None,)
    else:
        ctx = mp.get_context()
        initargs = (screener,)
    try:
        with ctx.Pool(workers, initializer=_init, initargs=initargs) as pool:
            out: list[list[Hit]] = []
            for part in pool.imap(_run_chunk, chunks):
                out.extend(part)
            return out
    finally:
        _worker = None
