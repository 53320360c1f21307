"""How a server runs: store, keys, limits, CORS. One frozen object, set by `clearance serve`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ApiSettings:
    db: str | None = None  # store path or URL (None: CLEARANCE_DB or the default file)
    auth: bool = True  # False only through `serve --no-auth`, which says so loudly
    max_body_bytes: int = 1_000_000  # JSON bodies
    max_upload_bytes: int = 50_000_000  # files sent to POST /screen
    max_queries: int = 100  # queries in one /match or /reconcile request
    rate_limit_per_minute: int = 6000  # per key (per client address without auth); 0: none
    cors_origins: tuple[str, ...] = ()  # CORS is off unless origins are given
    log_client_address: bool = False  # access logs name no client unless asked
    warm: bool = True  # build or load the default index at startup (readyz waits for it)
    key_cache_seconds: float = 2.0  # a revoked key is refused within this time
    stale_after_days: int | None = None  # lists older are warned of (None: env, else 30)
    # Failed sign-ins and wrong keys an address may make before it must wait (throttle.py);
    # raise it for many users behind one address (a NAT, a proxy that hides them).
    failures_per_address: int = 10
    extra: dict[str, str] = field(default_factory=dict)
