"""The OpenRefine Reconciliation Service API (0.2): manifest, queries, preview, suggest.

`/reconcile` reconciles against every list, `/reconcile/{dataset}` against one.
Queries may carry properties `country`, `birth_date` and `identifier`, which go to
`Screener.check` as the CLI's options do.

OpenRefine sends no headers of its own: the manifest is served without a key, and
every other request of this service may carry the key as `?key=` (the access log
names no query string). A manifest asked for with `?key=` puts it in its preview and
suggest URLs, which OpenRefine calls from the browser; `view` opens the party's page
of the web interface, which signs its users in itself.
"""

from __future__ import annotations

import html
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from clearance.api.ftm_shapes import MATCHABLE_SCHEMAS
from clearance.api.security import QUERY_KEY_PARAMETER, READ_KEY, authorize
from clearance.matching.screener import LOOKUP_THRESHOLD
from clearance.model.text import is_blank_name

router = APIRouter(prefix="/reconcile", tags=["reconciliation"])

TYPES = [{"id": s, "name": s} for s in MATCHABLE_SCHEMAS]
PROPERTIES = [
    {"id": "country", "name": "Country (ISO code or name)"},
    {"id": "birth_date", "name": "Birth or incorporation date"},
    {"id": "identifier", "name": "Identifier (passport, registration, IMO, LEI…)"},
]


def _manifest(request: Request, dataset: str | None) -> dict[str, Any]:
    """The service description; no key needed. Asked for with `?key=`, its preview and
    suggest URLs carry the key, since OpenRefine calls them without headers."""
    base = str(request.base_url).rstrip("/")
    path = f"/reconcile/{dataset}" if dataset else "/reconcile"
    key = request.query_params.get(QUERY_KEY_PARAMETER)
    with_key = f"?{urlencode({QUERY_KEY_PARAMETER: key})}" if key else ""
    and_key = f"&{with_key[1:]}" if key else ""
    return {
        "versions": ["0.1", "0.2"],
        "name": f"clearance ({dataset or 'all lists'})",
        "identifierSpace": f"{base}/entities/",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "defaultTypes": [{"id": "LegalEntity", "name": "LegalEntity"}],
        "view": {"url": f"{base}/ui/parties/{{{{id}}}}"},
        "preview": {
            "url": f"{base}{path}/preview?id={{{{id}}}}{and_key}",
            "width": 420,
            "height": 180,
        },
        "suggest": {
            kind: {"service_url": base, "service_path": f"{path}/suggest/{kind}{with_key}"}
            for kind in ("entity", "type", "property")
        },
    }


def _lists(request: Request, dataset: str | None) -> list[str] | None:
    if dataset is None or dataset == "default":
        return None
    if dataset not in request.app.state.services.screeners.list_ids():
        raise HTTPException(404, f"no dataset {dataset!r}; see GET /catalog")
    return [dataset]


def _reconcile_one(screener: Any, query: Any, key: str) -> dict[str, Any]:
    if not isinstance(query, dict) or not isinstance(query.get("query"), str):
        raise HTTPException(422, f"query {key!r} needs a 'query' string")
    text = query["query"].strip()
    if is_blank_name(text):
        raise HTTPException(422, f"query {key!r}: empty name: give a name to reconcile")
    schema = query.get("type")
    if isinstance(schema, list):
        schema = schema[0] if schema else None
    if schema is not None and schema not in MATCHABLE_SCHEMAS:
        raise HTTPException(422, f"query {key!r}: unknown type {schema!r}")
    limit = query.get("limit", 5)
    if not isinstance(limit, int) or not 1 <= limit <= 50:
        raise HTTPException(422, f"query {key!r}: limit must be an integer from 1 to 50")
    facts: dict[str, list[str]] = {}
    for prop in query.get("properties") or []:
        if not isinstance(prop, dict):
            raise HTTPException(422, f"query {key!r}: each property needs 'pid' and 'v'")
        pid = prop.get("pid") or prop.get("p")
        values = prop.get("v")
        values = values if isinstance(values, list) else [values]
        facts.setdefault(str(pid), []).extend(str(v) for v in values if v not in (None, ""))
    if not text:
        return {"result": []}
    hits = screener.check(
        text,
        schema=MATCHABLE_SCHEMAS.get(schema) if schema else None,
        country=next(iter(facts.get("country", [])), None),
        birth_date=next(iter(facts.get("birth_date", [])), None),
        identifiers=facts.get("identifier") or None,
        limit=limit,
    )
    results = []
    for i, hit in enumerate(hits):
        results.append(
            {
                "id": hit.entity_id,
                "name": hit.name,
                "type": [{"id": hit.entity.schema, "name": hit.entity.schema}],
                "score": round(hit.score * 100, 2),
                "match": i == 0 and hit.score >= 0.95,
                "description": ", ".join(hit.lists),
            }
        )
    return {"result": results}


def _run(request: Request, dataset: str | None, queries: str | None) -> dict[str, Any]:
    if queries is None:
        return _manifest(request, dataset)
    authorize(request, "read")  # queries need a key; the manifest does not
    try:
        batch = json.loads(queries)
    except ValueError:
        raise HTTPException(422, "'queries' is not valid JSON") from None
    if not isinstance(batch, dict):
        raise HTTPException(422, "'queries' must be a JSON object of queries by key")
    limit = request.app.state.services.settings.max_queries
    if len(batch) > limit:
        raise HTTPException(422, f"{len(batch)} queries; at most {limit} a request")
    screener = request.app.state.services.screeners.get(_lists(request, dataset))
    return {key: _reconcile_one(screener, query, key) for key, query in batch.items()}


@router.get(
    "",
    summary="Service manifest (no key), or reconcile `queries` (JSON; key as header or ?key=)",
)
def reconcile_get(request: Request, queries: str | None = None) -> dict[str, Any]:
    return _run(request, None, queries)


@router.post("", summary="Reconcile a batch of queries (form field `queries`)")
def reconcile_post(
    request: Request,
    queries: Annotated[str, Form(max_length=500_000)],
    _key: Any = READ_KEY,
) -> dict[str, Any]:
    return _run(request, None, queries)


def _preview(request: Request, entity_id: str) -> HTMLResponse:
    entity = request.app.state.services.store.get_entity(entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    names = ", ".join(html.escape(n.value) for n in entity.names[1:6])
    programs = ", ".join(html.escape(p) for p in entity.listing.programs)
    body = (
        f"<html><body style='font-family:sans-serif;font-size:13px'>"
        f"<b>{html.escape(entity.caption)}</b> ({html.escape(entity.schema)})<br>"
        f"List: {html.escape(entity.list_id)} {programs}<br>"
        f"{'Also known as: ' + names if names else ''}</body></html>"
    )
    return HTMLResponse(body)


def _suggest_entity(request: Request, dataset: str | None, prefix: str) -> dict[str, Any]:
    screener = request.app.state.services.screeners.get(_lists(request, dataset))
    hits = screener.check(prefix, limit=10, threshold=LOOKUP_THRESHOLD)
    return {
        "result": [
            {"id": h.entity_id, "name": h.name, "description": ", ".join(h.lists)} for h in hits
        ]
    }


def _suggest(items: list[dict[str, str]], prefix: str) -> dict[str, Any]:
    lowered = prefix.lower()
    return {"result": [i for i in items if lowered in i["name"].lower()]}


@router.get("/preview", response_class=HTMLResponse)
def preview(request: Request, id: str, _key: Any = READ_KEY) -> HTMLResponse:
    return _preview(request, id)


@router.get("/suggest/entity")
def suggest_entity(
    request: Request,
    prefix: Annotated[str, Query(min_length=1, max_length=200)],
    _key: Any = READ_KEY,
) -> dict[str, Any]:
    return _suggest_entity(request, None, prefix)


@router.get("/suggest/type")
def suggest_type(prefix: str = "", _key: Any = READ_KEY) -> dict[str, Any]:
    return _suggest(TYPES, prefix)


@router.get("/suggest/property")
def suggest_property(prefix: str = "", _key: Any = READ_KEY) -> dict[str, Any]:
    return _suggest(PROPERTIES, prefix)


@router.get("/{dataset}", summary="Manifest (no key) or queries for one list")
def reconcile_dataset_get(
    request: Request, dataset: str, queries: str | None = None
) -> dict[str, Any]:
    _lists(request, dataset)
    return _run(request, dataset, queries)


@router.post("/{dataset}")
def reconcile_dataset_post(
    request: Request,
    dataset: str,
    queries: Annotated[str, Form(max_length=500_000)],
    _key: Any = READ_KEY,
) -> dict[str, Any]:
    return _run(request, dataset, queries)


@router.get("/{dataset}/preview", response_class=HTMLResponse)
def dataset_preview(request: Request, dataset: str, id: str, _key: Any = READ_KEY) -> HTMLResponse:
    _lists(request, dataset)
    return _preview(request, id)


@router.get("/{dataset}/suggest/entity")
def dataset_suggest_entity(
    request: Request,
    dataset: str,
    prefix: Annotated[str, Query(min_length=1, max_length=200)],
    _key: Any = READ_KEY,
) -> dict[str, Any]:
    return _suggest_entity(request, dataset, prefix)
