"""Every error the API returns, in one shape and from one place:

    {"error": {"code": "...", "message": "...", "fields": [{"field": "...", "message": "..."}]}}

400 `bad_request`: a request that cannot be read (a body that is not base64, UTF-8 or JSON, or nested
too deep; a cursor this API did not issue for this search), 401 no API key, 403 unknown, revoked or
expired key, or a key without the route's scope, 404 not found (including another company group's
ids), 409 conflict, 415 a body that is not JSON, 422 `invalid`: a request that reads but holds a
wrong value, every field named (types, ranges, patterns, choices, unknown fields and parameters,
rules, connector configuration, references, sizes, too many values, times that are not ISO 8601),
429 throttled,
500 anything else (logged; the client sees no details, never a stack trace). Request input is
never echoed back, so a credential sent in a bad request cannot come back in the answer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError, ValidationException
from pydantic import ValidationError

from syncline.errors import Conflict, Invalid, NotFound, SynclineError, Throttled
from syncline.observability import logger
from syncline.reports import validation_fields

JSON = "application/json"
THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
    }
)


class Unauthorized(SynclineError):
    code = "unauthorized"


class Forbidden(SynclineError):
    code = "forbidden"


STATUS: dict[type[SynclineError], int] = {
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Throttled: 429,
}


def error_body(code: str, message: str, fields: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": list(fields or [])}}


def error_response(
    status: int, code: str, message: str, fields: Sequence[dict[str, Any]] | None = None
) -> Response[str]:
    return Response(status_code=status, content_type=JSON, body=json.dumps(error_body(code, message, fields)))


def proxy_error(status: int, code: str, message: str, *, field: str | None = None) -> dict[str, Any]:
    """An API Gateway proxy result, for errors answered before the resolver runs (auth, scope, body)."""
    fields = [{"field": field, "message": message}] if field else None
    return {
        "statusCode": status,
        "headers": {"Content-Type": JSON},
        "multiValueHeaders": {},
        "body": json.dumps(error_body(code, message, fields)),
        "isBase64Encoded": False,
    }


def _location(loc: Sequence[Any]) -> str:
    parts = list(loc)
    if not parts:
        return "request"
    where = str(parts[0])
    rest = parts[1:]
    if where == "query" and len(rest) > 1:
        rest = rest[1:]  # drop the query model's parameter name: query.<field>
    if where == "body" and rest and isinstance(rest[0], int):
        rest = []  # JSON decode errors carry a character offset
    out = where
    for part in rest:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def request_validation_fields(exc: RequestValidationError) -> list[dict[str, str]]:
    fields = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "json_invalid":
            message = "the body is not valid JSON"
        elif error.get("type") == "missing" and tuple(error.get("loc", ()))[:1] == ("body",):
            message = "required" if len(error.get("loc", ())) > 1 else "a JSON body is required"
        fields.append({"field": _location(error.get("loc", ())), "message": message})
    return fields


def register(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(RequestValidationError)
    def _request_invalid(exc: RequestValidationError) -> Response[str]:
        fields = request_validation_fields(exc)
        first = fields[0] if fields else {"field": "request", "message": "invalid"}
        if any(error.get("type") == "json_invalid" for error in exc.errors()):  # unreadable: syntax
            return error_response(400, "bad_request", f"{first['field']}: {first['message']}", fields)
        return error_response(422, "invalid", f"{first['field']}: {first['message']}", fields)

    @app.exception_handler(ValidationException)
    def _unsupported(exc: ValidationException) -> Response[str]:  # a body that is not JSON
        return error_response(
            415,
            "unsupported_media_type",
            "send a JSON body with content-type application/json",
            [{"field": "body", "message": "unsupported content type"}],
        )

    @app.exception_handler(SynclineError)
    def _domain(exc: SynclineError) -> Response[str]:
        status = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), 400)
        return error_response(status, exc.code, exc.message, exc.fields)

    @app.exception_handler(ValidationError)
    def _model_invalid(exc: ValidationError) -> Response[str]:
        fields = validation_fields(exc)
        return error_response(422, "invalid", "the content is not valid", fields)

    @app.exception_handler(NotFoundError)
    def _no_route(exc: NotFoundError) -> Response[str]:
        return error_response(404, "not_found", "no such resource")

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response[str]:
        code = _client_error_code(exc)
        if code in THROTTLING_CODES:
            return error_response(429, "throttled", "too many requests, retry later")
        if code == "ConditionalCheckFailedException":
            return error_response(409, "conflict", "the resource changed meanwhile, retry")
        logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return error_response(500, "internal_error", "internal error")

    @app.not_found
    def _not_found(exc: NotFoundError) -> Response[str]:
        return error_response(404, "not_found", "no such resource")


def _client_error_code(exc: Exception) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None
