"""Every screening over HTTP goes into the audit trail: which key asked what, when,
against which list versions, and what came back."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from clearance.audit import record_screening
from clearance.matching import DEFAULT_THRESHOLD


def audit_screening(
    request: Request,
    screener: Any,
    query: dict[str, Any],
    threshold: float | None,
    results: list[dict[str, Any]],
) -> None:
    store = screener.store
    versions = store.current_versions(as_of=screener.as_of)
    record_screening(
        store.engine,
        f"api-key:{getattr(request.state, 'key_id', 'none')}",
        {"endpoint": request.url.path, **query},
        {list_id: v.id for list_id, v in versions.items()},
        threshold if threshold is not None else DEFAULT_THRESHOLD,
        results,
    )
