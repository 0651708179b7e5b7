"""The report API: one APIGatewayRestResolver with validation, every route, one error shape.

`handle(event, context)` is what report_api's handler calls, on AWS and in the local stack alike
(which turns HTTP requests into the same API Gateway REST proxy events). It authenticates the API
key first (401 without one, 403 for an unknown, revoked or expired one), checks the key's scope
against the route's entry in SCOPES (403 naming the missing scope), checks the body is UTF-8 JSON
of bounded size and depth (415 for another content type), binds the request to the key's company
group, then lets the resolver route, validate and answer. GET /openapi.json is public.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn
from pydantic import BaseModel

from syncline.api import context as request_context
from syncline.api.cors import with_cors
from syncline.api.errors import JSON, THROTTLING_CODES, proxy_error, register
from syncline.api.models import ErrorResponse
from syncline.api.routes import (
    alerts,
    company,
    config,
    connectors,
    inbound_clients,
    mapping,
    reports,
    runs,
    services,
)
from syncline.api_keys import Scope
from syncline.errors import Invalid
from syncline.inbound import http as inbound_http
from syncline.observability import logger

TITLE = "Syncline API"
VERSION = "1"
API_KEY_HEADER = "x-api-key"
PUBLIC = frozenset({("GET", "/openapi.json")})
# The scope each route needs, in one place; a route missing here needs `admin` (fail closed).
SCOPES: dict[tuple[str, str], Scope] = {
    ("GET", "/reports"): "read",
    ("GET", "/reports/export"): "read",
    ("GET", "/reports/export/{export_id}"): "read",
    ("GET", "/reports/{sync_id}"): "read",
    ("GET", "/runs"): "read",
    ("GET", "/runs/{run_id}"): "read",
    ("GET", "/dashboard"): "read",
    ("GET", "/services/{service_id}/alerts/history"): "read",
    # Services and connectors are read with `read` (never a credential: the API returns none).
    ("GET", "/services"): "read",
    ("GET", "/services/{service_id}"): "read",
    ("POST", "/services/{service_id}/preview"): "read",  # computes, stores nothing
    ("GET", "/connectors"): "read",
    ("GET", "/connectors/{connector_id}"): "read",
    ("GET", "/connectors/{connector_id}/status"): "read",
    ("GET", "/connectors/{connector_id}/status/history"): "read",
    ("GET", "/connectors/{connector_id}/summary"): "read",
    ("GET", "/reports/errors"): "read",
    ("GET", "/errors"): "read",
    ("GET", "/company-group"): "read",
    ("POST", "/reports/resync"): "operate",
    ("POST", "/services/{service_id}/run"): "operate",
    ("POST", "/services/{service_id}/activate"): "operate",
    ("POST", "/services/{service_id}/deactivate"): "operate",
}
# Routes whose body is not JSON, and the media type each takes (every other body is JSON).
CSV = "text/csv"
BODY_TYPES: dict[tuple[str, str], str] = {("PUT", "/lookups/{name}/rows"): CSV}
MAX_JSON_DEPTH = 32
ERROR_RESPONSES = {
    "400": "A request that cannot be read: a body that is not JSON (or UTF-8, or base64), a foreign cursor",
    "401": "No API key",
    "403": "Unknown, revoked or expired API key, or a key without the route's scope",
    "404": "Not found (also any id of another company group)",
    "409": "Conflict with the current state",
    "415": "A body of another media type than the route takes (application/json, or text/csv where said)",
    "422": "A readable request with a wrong value: every field named (also unknown parameters)",
    "429": "Too many requests",
}

app = APIGatewayRestResolver(enable_validation=True)
register(app)
for area in (reports, runs, connectors, services, alerts, mapping, inbound_clients, company, config):
    app.include_router(area.router)


def _allowed_query(route: Any) -> frozenset[str]:
    names: set[str] = set()
    for param in route.dependant.query_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.update(f.alias or n for n, f in annotation.model_fields.items())
        else:
            names.add(param.alias)
    return frozenset(names)


_ALLOWED: dict[int, frozenset[str]] = {}


def reject_unknown_query(router: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """Unknown query parameters are a 422 that names them: a typo must not silently widen a search."""
    route = router.context.get("_route")
    if route is not None:
        allowed = _ALLOWED.setdefault(id(route), _allowed_query(route))
        event = router.current_event.raw_event
        given = set(event.get("queryStringParameters") or {}) | set(
            event.get("multiValueQueryStringParameters") or {}
        )
        unknown = sorted(given - allowed)
        if unknown:
            raise Invalid(
                f"unknown query parameter(s): {', '.join(unknown)}",
                fields=[{"field": f"query.{name}", "message": "unknown parameter"} for name in unknown],
            )
    return next_middleware(router)


app.use(middlewares=[reject_unknown_query])


@app.get(
    "/openapi.json",
    summary="This API's OpenAPI document",
    tags=["meta"],
    security=[],
)
def openapi_document() -> dict[str, Any]:
    return openapi()


_OPENAPI: dict[str, Any] | None = None


def openapi() -> dict[str, Any]:
    """The generated OpenAPI document, with the one error shape on every operation and the query
    models' parameters typed as their fields are."""
    global _OPENAPI
    if _OPENAPI is not None:
        return _OPENAPI
    doc: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description="Sync report, runs, dashboard, connectors, services and lookup tables of one company "
            f"group. Send the company group's API key in the `{API_KEY_HEADER}` header.",
            security_schemes={"apiKey": APIKey(name=API_KEY_HEADER, in_=APIKeyIn.header)},
            security=[{"apiKey": []}],
        )
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorResponse"] = error_schema
    error_ref = {"$ref": "#/components/schemas/ErrorResponse"}
    routes = {(r.method.lower(), r.openapi_path): r for r in app._static_routes + app._dynamic_routes}
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)  # the resolver's own validation shape: ours replaces it
            if "204" in responses:
                responses["204"] = {"description": "Done: no content"}
            public = (method.upper(), path) in PUBLIC
            for status, description in ERROR_RESPONSES.items():
                if public and status in ("401", "403"):
                    continue
                responses[status] = {"description": description, "content": {JSON: {"schema": error_ref}}}
            if public:
                operation["security"] = []
            route = routes.get((method, path))
            if route is not None:
                schemas.update(_type_query_parameters(operation, route))
                # the route's own name (unique): what a generated client calls the operation
                operation["operationId"] = route.func.__name__
            media = BODY_TYPES.get((method.upper(), path))
            if media is not None:  # read from the event by the route itself: say what it takes
                operation["requestBody"] = {
                    "required": True,
                    "content": {media: {"schema": {"type": "string"}}},
                }
    from syncline.inbound import openapi as inbound_openapi

    # The inbound API (OAuth tokens, not API keys), served outside the resolver: described as is.
    doc["paths"].update(inbound_openapi.paths())
    doc["components"].setdefault("securitySchemes", {})["oauth2"] = inbound_openapi.SECURITY_SCHEME
    if "/ValidationError" not in json.dumps(doc["paths"]).replace("HTTPValidationError", ""):
        for name in ("HTTPValidationError", "ResponseValidationError", "ValidationError"):
            schemas.pop(name, None)
    _OPENAPI = doc
    return doc


def _type_query_parameters(operation: dict[str, Any], route: Any) -> dict[str, Any]:
    """A query model's fields are listed as untyped strings by the generator: type them. Returns
    the schemas they refer to (enums), for the document's components."""
    properties: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    for param in route.dependant.query_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
            definitions.update(model.get("$defs", {}))
            properties.update(model.get("properties", {}))
    for parameter in operation.get("parameters", []):
        schema = properties.get(parameter.get("name")) if parameter.get("in") == "query" else None
        if schema is not None:
            description = schema.pop("description", None)
            schema.pop("title", None)
            parameter["schema"] = schema
            if description and "description" not in parameter:
                parameter["description"] = description
            if isinstance(schema.get("anyOf"), list) and any(
                s.get("type") == "array" for s in schema["anyOf"] if isinstance(s, dict)
            ):
                parameter["style"], parameter["explode"] = "form", True
    return definitions


def route_of(method: str, path: str) -> Any:
    """The app's route for a request, as the resolver would pick it (None: no such route)."""
    for route in app._static_routes + app._dynamic_routes:
        if route.method == method and route.rule.match(path):
            return route
    return None


def allowed_methods(path: str) -> list[str]:
    """The methods the app documents for a path (for a 405's Allow header): a literal path's own,
    else its template's (/reports/resync is not /reports/{sync_id})."""
    matching = [r for r in app._static_routes + app._dynamic_routes if r.rule.match(path)]
    literal = [r for r in matching if "{" not in r.openapi_path]
    return sorted({r.method for r in literal or matching})


def scope_of(route: Any) -> Scope:
    return SCOPES.get((route.method, route.openapi_path), "admin")


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def media_type_of(route: Any) -> str:
    """The media type a route's body must be: JSON, unless BODY_TYPES says otherwise."""
    if route is None:
        return JSON
    return BODY_TYPES.get((route.method, route.openapi_path), JSON)


def check_body(event: dict[str, Any], media_type: str = JSON) -> dict[str, Any] | None:
    """An error result for a body the resolver must not see: not of the route's media type (415),
    not UTF-8, or JSON nested too deep (400). A base64 body is left decoded (text) for the resolver."""
    body = event.get("body")
    if body is None or body == "":
        return None
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items() if isinstance(v, str)}
    content_type = headers.get("content-type", JSON).split(";", 1)[0].strip().lower()
    if content_type != media_type:
        return proxy_error(415, "unsupported_media_type", f"send the body as {media_type}", field="body")
    raw: bytes | str = body
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(str(body), validate=True)
        except (binascii.Error, ValueError):
            return proxy_error(400, "bad_request", "the body is not valid base64", field="body")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return proxy_error(400, "bad_request", "the body is not UTF-8", field="body")
        event["body"], event["isBase64Encoded"] = raw, False
    elif not isinstance(raw, str):
        return proxy_error(400, "bad_request", "the body is not valid JSON", field="body")
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return proxy_error(400, "bad_request", "the body is not UTF-8", field="body")
    if media_type != JSON:
        return None
    try:
        too_deep = _depth(json.loads(raw)) > MAX_JSON_DEPTH
    except RecursionError:
        too_deep = True
    except ValueError:
        return None  # the resolver says what is wrong with it
    if too_deep:
        return proxy_error(
            400, "bad_request", f"the body is nested deeper than {MAX_JSON_DEPTH} levels", field="body"
        )
    return None


def api_key(event: Mapping[str, Any]) -> str | None:
    """The key from `x-api-key`, or `Authorization: Bearer <key>`."""
    headers: dict[str, str] = {}
    for name, values in (event.get("multiValueHeaders") or {}).items():
        if values:
            headers[name.lower()] = values[-1]
    for name, value in (event.get("headers") or {}).items():
        if value is not None:
            headers[name.lower()] = value
    key = headers.get(API_KEY_HEADER, "").strip()
    if key:
        return key
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return with_cors(event, _handle(event, context))


def _handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from syncline.api_keys import authenticate

    method = str(event.get("httpMethod", "")).upper()
    path = str(event.get("path", ""))
    if inbound_http.owns(path):  # OAuth tokens, not API keys: its own authentication
        return inbound_http.handle(event, context)
    token = None
    route = route_of(method, path)
    allowed = allowed_methods(path)
    if allowed and method not in allowed:
        refused = proxy_error(405, "method_not_allowed", f"{method} is not allowed here")
        refused["headers"]["Allow"] = ", ".join(allowed)
        return refused
    if (method, path) not in PUBLIC:
        key = api_key(event)
        if key is None:
            return proxy_error(
                401, "unauthorized", f"send the company group's API key in the {API_KEY_HEADER} header"
            )
        try:
            principal = authenticate(key)
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code in THROTTLING_CODES:
                return proxy_error(429, "throttled", "too many requests, retry later")
            logger.exception("authentication failed", extra={"error_type": type(exc).__name__})
            return proxy_error(500, "internal_error", "internal error")
        if principal is None:
            return proxy_error(403, "forbidden", "the API key is not valid, has expired or has been revoked")
        if route is not None and not principal.allows(scope_of(route)):
            return proxy_error(403, "forbidden", f"this API key lacks the '{scope_of(route)}' scope")
        token = request_context._tenant.set(principal.tenant_id)
        logger.append_keys(tenant_id=principal.tenant_id)
    if (
        method in ("POST", "PUT", "PATCH")
        and (bad_body := check_body(event, media_type_of(route))) is not None
    ):
        return bad_body
    try:
        return app.resolve(event, context)
    finally:
        if token is not None:
            request_context._tenant.reset(token)
            logger.remove_keys(["tenant_id"])
