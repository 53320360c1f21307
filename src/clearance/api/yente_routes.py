"""The yente-compatible endpoints: /match, /search, /entities, /catalog, /healthz, /readyz.

Request and response shapes follow yente's, so its clients work unchanged;
the scores and explanations are ours (the `algorithm` parameter is accepted
and ignored).
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from clearance.api.audit_hook import audit_screening
from clearance.api.ftm_shapes import (
    MatchQuery,
    QueryError,
    ftm_entity,
    ftm_entity_nested,
    hit_topics,
    read_query,
    scored_entity,
)
from clearance.api.security import READ_KEY, authorize
from clearance.matching.screener import DEFAULT_THRESHOLD, LOOKUP_THRESHOLD
from clearance.store.freshness import warning_header

router = APIRouter()
INLINE_QUERIES = 2
health = APIRouter()

MATCH_EXAMPLE = {
    "queries": {
        "q1": {
            "schema": "Person",
            "properties": {"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"]},
        }
    }
}


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")

    id: str | None = None
    schema_: str = Field(alias="schema", description="FtM schema: Person, Company, …")
    properties: dict[str, list[str]] = Field(default_factory=dict)


class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # yente clients also send weights, config

    queries: dict[str, EntityExample]


class Total(BaseModel):
    value: int
    relation: str = "eq"


class ResponseEntity(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, Any]
    datasets: list[str]
    referents: list[str] = []
    target: bool = True


class ScoredResult(ResponseEntity):
    score: float
    match: bool
    explanations: dict[str, Any]


class QueryResponse(BaseModel):
    status: int
    results: list[ScoredResult]
    total: Total
    query: dict[str, Any]


class MatchResponse(BaseModel):
    responses: dict[str, QueryResponse]
    matcher: dict[str, Any]
    limit: int


class SearchResponse(BaseModel):
    results: list[ResponseEntity]
    facets: dict[str, Any] = {}
    total: Total
    limit: int
    offset: int


class Status(BaseModel):
    status: str


class MatchParams(BaseModel):
    """The query parameters of `/match`.

    Read from the query string here rather than declared one by one on the endpoint:
    FastAPI's per-parameter handling of eight parameters cost more than screening a
    name seen before. They are documented in the OpenAPI just the same.
    """

    limit: int = Field(default=5, ge=1, le=500)
    threshold: float = Field(
        default=DEFAULT_THRESHOLD, ge=0.0, le=1.0, description="score from which `match` is true"
    )
    cutoff: float | None = Field(
        default=None, ge=0.0, le=1.0, description="drop results below (default: threshold)"
    )
    algorithm: str = Field(
        default="clearance", description="accepted for yente clients; ours is used"
    )
    topics: list[str] | None = None
    include_dataset: list[str] | None = None
    exclude_dataset: list[str] | None = None
    exclude_entity_ids: list[str] | None = None


_LIST_PARAMS = frozenset(("topics", "include_dataset", "exclude_dataset", "exclude_entity_ids"))
_DEFAULT_PARAMS = MatchParams()


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI `parameters` (in: query) for each field of `model`."""
    parameters = []
    for name, schema in model.model_json_schema()["properties"].items():
        parameter = {"name": name, "in": "query", "required": False, "schema": schema}
        if "description" in schema:
            parameter["description"] = schema["description"]
        parameters.append(parameter)
    return parameters


def _match_params(request: Request) -> MatchParams:
    if not request.scope.get("query_string"):
        return _DEFAULT_PARAMS
    query = request.query_params
    raw: dict[str, Any] = {}
    for name in MatchParams.model_fields:
        if name in _LIST_PARAMS:
            if values := query.getlist(name):
                raw[name] = values
        elif name in query:
            raw[name] = query[name]
    try:
        return MatchParams.model_validate(raw)
    except ValidationError as exc:  # the same 422 FastAPI gives for a bad query parameter
        raise RequestValidationError(
            [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
        ) from None


def _dataset_lists(request: Request, dataset: str) -> list[str] | None:
    """`default` is every list; else one list id (404 if the store has none such)."""
    if dataset == "default":
        return None
    if dataset not in request.app.state.services.screeners.list_ids():
        raise HTTPException(404, f"no dataset {dataset!r}; see GET /catalog")
    return [dataset]


def _base_list(list_name: str) -> str:
    return list_name.split("/", 1)[0]  # "us-csl/SDN" is the SDN part of us-csl


@router.post(
    "/match/{dataset}",
    response_model=MatchResponse,
    response_model_by_alias=True,
    summary="Match entities by example (yente-compatible)",
    openapi_extra={"parameters": _query_parameters(MatchParams)},
)
async def match(
    request: Request,
    dataset: str,
    body: Annotated[MatchRequest, Body(openapi_examples={"person": {"value": MATCH_EXAMPLE}})],
    _key: Any = READ_KEY,
) -> Any:
    return await answer_match(request, dataset, body)


async def match_without_dependencies(request: Request) -> Response:
    """`POST /match/{dataset}`, routed ahead of the documented route above.

    The same key check, body model and answer (`answer_match`), without FastAPI's
    per-request dependency solving and its parse-then-validate of the body: for a
    one-name request those cost a third of the server's time. The route above stays
    for the OpenAPI document, which the conformance test holds this one to.
    """
    authorize(request, "read")
    try:
        body = MatchRequest.model_validate_json(await request.body())
    except ValidationError as exc:  # the 422 FastAPI gives for a bad body
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from None
    return await answer_match(request, request.path_params["dataset"], body)


async def answer_match(request: Request, dataset: str, body: MatchRequest) -> Response:
    """yente's match response for `body`'s queries against `dataset`."""
    services = request.app.state.services
    params = _match_params(request)
    limit, threshold = params.limit, params.threshold
    if len(body.queries) > services.settings.max_queries:
        raise HTTPException(
            422, f"{len(body.queries)} queries; at most {services.settings.max_queries} a request"
        )
    try:
        queries = {
            key: read_query(key, example.model_dump(by_alias=True))
            for key, example in body.queries.items()
        }
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from None
    lists = _dataset_lists(request, dataset)
    # The default screener is built at startup; another one may take a while to build.
    if lists is None:
        screener = services.screeners.get(None)
    else:
        screener = await run_in_threadpool(services.screeners.get, lists)
    floor = min(threshold, params.cutoff if params.cutoff is not None else threshold)
    excluded_ids = {services.store.canonical_id(i) for i in params.exclude_entity_ids or ()}
    included = set(params.include_dataset or ())
    excluded = set(params.exclude_dataset or ())
    wanted_topics = set(params.topics or ())
    filtering = bool(excluded_ids or included or excluded or wanted_topics)

    def run_all() -> dict[str, Any]:
        return {key: run_one(query) for key, query in queries.items()}

    def run_one(query: MatchQuery) -> dict[str, Any]:
        best: dict[str, Any] = {}
        for name in query.names:
            hits = screener.check(
                name,
                schema=query.matcher_schema,
                country=query.country,
                birth_date=query.birth_date,
                identifiers=query.identifiers or None,
                limit=limit * 3 if filtering else limit,
                threshold=floor,
            )
            for hit in hits:
                if hit.entity_id in best and best[hit.entity_id].score >= hit.score:
                    continue
                best[hit.entity_id] = hit
        results = []
        for hit in sorted(best.values(), key=lambda h: -h.score):
            hit_lists = {_base_list(name) for name in hit.lists}
            if excluded_ids and (hit.entity_id in excluded_ids):
                continue
            # A dataset filter names a list ("us-csl") or a part of one ("us-csl/EL"),
            # as the results' `datasets` do.
            if included and not (hit_lists | set(hit.lists)) & included:
                continue
            if excluded and all(
                name in excluded or _base_list(name) in excluded for name in hit.lists
            ):
                continue
            if wanted_topics and not hit_topics(hit) & wanted_topics:
                continue
            results.append(scored_entity(hit, threshold))
            if len(results) >= limit:
                break
        return {
            "status": 200,
            "results": results,
            "total": {"value": len(results), "relation": "eq"},
            "query": query.echo,
        }

    # A few queries are screened on the event loop (a thread hop would cost more than
    # they do); larger batches go to a thread so other requests are not held up.
    if len(queries) <= INLINE_QUERIES:
        responses = run_all()
    else:
        responses = await run_in_threadpool(run_all)
    audit_screening(
        request,
        screener,
        {"queries": {k: q.echo for k, q in queries.items()}},
        threshold,
        [
            {"query": k, "entity_id": r["id"], "score": r["score"]}
            for k, resp in responses.items()
            for r in resp["results"]
        ],
    )
    # Old lists are said on every answer, in a header yente's clients pass over.
    header = warning_header(
        services.screeners.lists_in_force(screener, services.settings.stale_after_days)
    )
    # Built to the documented model already: skip FastAPI's re-validation of every result,
    # and let orjson write it (several times faster than the standard library).
    return Response(
        orjson.dumps(
            {
                "responses": responses,
                "matcher": {"name": "clearance", "requested": params.algorithm},
                "limit": limit,
            }
        ),
        media_type="application/json",
        headers={"Warning": header} if header else None,
    )


@router.get("/search/{dataset}", response_model=SearchResponse, response_model_by_alias=True)
def search(
    request: Request,
    dataset: str,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    schema: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
    _key: Any = READ_KEY,
) -> Any:
    """Listed parties whose names are like `q` (a lenient name match, not full text)."""
    try:
        query = read_query("q", {"schema": schema or "Thing", "properties": {"name": [q]}})
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from None
    screener = request.app.state.services.screeners.get(_dataset_lists(request, dataset))
    hits = screener.check(
        q, schema=query.matcher_schema, limit=offset + limit, threshold=LOOKUP_THRESHOLD
    )
    page = hits[offset : offset + limit]
    return {
        "results": [ftm_entity(h.entity, h.lists) for h in page],
        "facets": {},
        "total": {"value": len(hits), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


@router.get("/entities/{entity_id}", response_model=ResponseEntity, response_model_by_alias=True)
def entity(request: Request, entity_id: str, nested: bool = True, _key: Any = READ_KEY) -> Any:
    """One listed record in FtM shape; `nested` adds its sanctions and party records."""
    store = request.app.state.services.screeners.get().store  # derived listings too
    found = store.get_entity(entity_id)
    if found is None:
        raise HTTPException(404, f"no entity {entity_id!r} in the lists in force")
    if not nested:
        return ftm_entity(found)
    return ftm_entity_nested(found, store.party(entity_id))


@router.get("/catalog")
def catalog(request: Request, _key: Any = READ_KEY) -> dict[str, Any]:
    """The lists served, each with the version in force (yente's catalog shape)."""
    from clearance.loaders.registry import LIST_SOURCES

    versions = request.app.state.services.store.current_versions()
    datasets = []
    for list_id, version in sorted(versions.items()):
        source = LIST_SOURCES.get(list_id)
        datasets.append(
            {
                "name": list_id,
                "title": source.title if source else list_id,
                "publisher": {"name": source.authority, "official": True} if source else None,
                "version": str(version.number),
                "published": version.published,
                "updated_at": version.retrieved_at.isoformat(),
                "entity_count": version.entity_count,
                "sha256": version.sha256,
                "origin": version.origin,
                "load": True,
                "index_current": True,
                "index_version": str(version.number),
                "children": [],
            }
        )
    datasets.append(
        {
            "name": "default",
            "title": "All lists",
            "load": True,
            "index_current": True,
            "children": sorted(versions),
        }
    )
    return {
        "datasets": datasets,
        "current": sorted(versions),
        "outdated": [],
        "index_stale": False,
    }


# Health checks are async: a sync endpoint costs a thread-pool hop per probe.
@health.get("/healthz", response_model=Status)
async def healthz() -> Any:
    return {"status": "ok"}


@health.get("/readyz", response_model=Status, responses={503: {"model": Status}})
async def readyz(request: Request) -> Any:
    if not request.app.state.services.screeners.ready.is_set():
        return JSONResponse({"status": "loading"}, status_code=503)
    return {"status": "ok"}
