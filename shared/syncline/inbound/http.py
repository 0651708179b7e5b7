"""The inbound API over API Gateway proxy events: POST /oauth/token, POST /inbound/{tenant}/{path},
GET /inbound/ingests/{ingest_id}. Served by the report_api function (syncline.api.app.handle sends
these paths here); it never accepts a report API key, and the report API never accepts its tokens.

Errors have the report API's shape ({"error": {"code", "message", "fields"}}), except the token
endpoint's, which are RFC 6749 5.2's ({"error", "error_description"}). Request bodies and
credentials are never logged nor echoed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl, unquote

from syncline.deps import Deps
from syncline.inbound import clients, ingest, webhooks
from syncline.inbound.ingest import Answer, InboundError
from syncline.models import Service
from syncline.observability import logger

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
PUSH_RE = re.compile(r"^/inbound/([A-Za-z0-9][A-Za-z0-9_.-]{0,63})/([a-z0-9][a-z0-9-]{0,62})/?$")
INGEST_RE = re.compile(r"^/inbound/ingests/([A-Za-z0-9_]{1,80})/?$")


# The routes served here (the resolver's are in syncline.api.app), for the docs and the OpenAPI document.
ROUTES = (
    ("POST", "/oauth/token"),
    ("POST", "/inbound/{tenant_id}/{path}"),
    ("GET", "/inbound/ingests/{ingest_id}"),
)


def owns(path: str) -> bool:
    return path == "/oauth/token" or path.startswith("/inbound/")


def _headers(event: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, values in (event.get("multiValueHeaders") or {}).items():
        if values:
            out[str(name).lower()] = str(values[-1])
    for name, value in (event.get("headers") or {}).items():
        if value is not None:
            out[str(name).lower()] = str(value)
    return out


def _raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(str(body), validate=True)
        except (binascii.Error, ValueError):
            raise InboundError(400, "bad_request", "the body is not valid base64") from None
    return str(body).encode("utf-8", "surrogatepass")


def _result(answer: Answer) -> dict[str, Any]:
    return {
        "statusCode": answer.status,
        "headers": {"Content-Type": JSON, "Cache-Control": "no-store", **answer.headers},
        "multiValueHeaders": {},
        "body": json.dumps(answer.body),
        "isBase64Encoded": False,
    }


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    method = str(event.get("httpMethod", "")).upper()
    path = str(event.get("path", ""))
    try:
        if path == "/oauth/token":
            if method != "POST":
                return _with_allow(_result(_error(405, "method_not_allowed", "POST only")), "POST")
            return _result(token(event))
        ingest = INGEST_RE.match(path)
        if ingest and not (method == "POST" and PUSH_RE.match(path)):  # a company group may be "ingests"
            if method != "GET":
                return _with_allow(_result(_error(405, "method_not_allowed", "GET only")), "GET")
            return _result(ingest_status(event, ingest.group(1)))
        match = PUSH_RE.match(path)
        if match is None:
            return _result(_error(404, "not_found", "no such resource"))
        if method != "POST":
            return _with_allow(_result(_error(405, "method_not_allowed", "POST only")), "POST")
        return _result(push(event, match.group(1), match.group(2)))
    except InboundError as exc:
        return _result(exc.answer())
    except Exception as exc:
        code = getattr(exc, "code", None)
        if code == "throttled":
            return _result(_error(429, "throttled", "too many requests, retry later"))
        logger.exception("inbound request failed", extra={"error_type": type(exc).__name__})
        return _result(_error(500, "internal_error", "internal error"))


def _with_allow(result: dict[str, Any], allow: str) -> dict[str, Any]:
    result["headers"]["Allow"] = allow
    return result


def _error(status: int, code: str, message: str, field: str | None = None) -> Answer:
    fields = [{"field": field, "message": message}] if field else []
    return Answer(status, {"error": {"code": code, "message": message, "fields": fields}})


# ---------------------------------------------------------------------------------- the token endpoint


def _oauth(error: str, description: str, status: int = 400, headers: dict[str, str] | None = None) -> Answer:
    return Answer(
        status, {"error": error, "error_description": description}, {"Pragma": "no-cache", **(headers or {})}
    )


def token(event: dict[str, Any]) -> Answer:
    """RFC 6749 4.4: client credentials, by HTTP Basic or in the form body (not both)."""
    headers = _headers(event)
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != FORM:
        return _oauth("invalid_request", f"send the request as {FORM}")
    try:
        form = dict(parse_qsl(_raw_body(event).decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except (UnicodeDecodeError, ValueError, InboundError):
        return _oauth("invalid_request", "the body is not a readable form")
    grant = form.get("grant_type")
    if not grant:
        return _oauth("invalid_request", "grant_type is required")
    if grant != "client_credentials":
        return _oauth("unsupported_grant_type", "only client_credentials is supported")
    basic = headers.get("authorization", "")
    scheme, _, credentials = basic.partition(" ")
    client_id, secret = form.get("client_id"), form.get("client_secret")
    used_basic = scheme.lower() == "basic"
    if used_basic:
        if client_id is not None and form.get("client_secret") is not None:
            return _oauth("invalid_request", "authenticate one way: HTTP Basic or the body, not both")
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return _oauth(
                "invalid_client", "unreadable Basic credentials", 401, {"WWW-Authenticate": "Basic"}
            )
        user, _, password = decoded.partition(":")
        client_id, secret = unquote(user), unquote(password)
    if not client_id or not secret:
        return _oauth("invalid_client", "client authentication failed", 401, {"WWW-Authenticate": "Basic"})
    try:
        issued = clients.issue_token(client_id, secret, scope=form.get("scope"))
    except clients.OAuthError as exc:
        extra = {"WWW-Authenticate": "Basic"} if exc.status == 401 else None
        return _oauth(exc.error, exc.description, exc.status, extra)
    return Answer(200, issued, {"Pragma": "no-cache"})


# ---------------------------------------------------------------------------------- pushes


def _caller(event: dict[str, Any]) -> clients.Caller:
    scheme, _, value = _headers(event).get("authorization", "").strip().partition(" ")
    caller = clients.verify_token(value.strip()) if scheme.lower() == "bearer" else None
    if caller is None:
        raise InboundError(401, "unauthorized", "send a valid access token: Authorization: Bearer <token>")
    return caller


def _rate_limit(caller: clients.Caller) -> None:
    from syncline.api.context import deps

    if not deps().config.take_token(
        caller.tenant_id, caller.client_id, rate=caller.rate, burst=caller.burst, now=time.time()
    ):
        raise InboundError(429, "throttled", "too many requests for this client, retry later")


def _signed(headers: dict[str, str]) -> bool:
    return webhooks.SHOPIFY_HEADER in headers or webhooks.GENERIC_HEADER in headers


def _webhook_caller(
    current: Deps, service: Service, headers: dict[str, str], raw: bytes
) -> tuple[clients.Caller, str | None]:
    """The caller of a signed webhook and its de-duplication key; 401 unless the signature is the
    one the service's inbound connector expects, made with its secret."""
    from syncline import wiring
    from syncline.connectors.inbound import InboundSettings

    connector = current.config.require_connector(service.tenant_id, service.source.connector_id)
    kind = InboundSettings.model_validate(connector.settings).webhook
    secret = wiring.credentials(connector.credentials_secret_arn).get("webhook_secret", "") if kind else ""
    refused = InboundError(401, "unauthorized", "the webhook signature is missing, wrong or too old")
    if kind == "shopify":
        if not webhooks.shopify_valid(secret, raw, headers.get(webhooks.SHOPIFY_HEADER)):
            raise refused
        key = headers.get(webhooks.SHOPIFY_ID_HEADER) or headers.get("idempotency-key")
    elif kind == "generic":
        if not webhooks.generic_valid(secret, raw, headers.get(webhooks.GENERIC_HEADER), time.time()):
            raise refused
        key = headers.get("idempotency-key")
    else:
        raise refused
    caller = clients.Caller(
        tenant_id=service.tenant_id,
        client_id=f"webhook~{connector.connector_id}",
        services=(service.service_id,),
    )
    return caller, key


def push(event: dict[str, Any], tenant_id: str, path: str) -> Answer:
    from syncline.api.context import deps

    headers = _headers(event)
    current = deps()
    raw = _raw_body(event)
    if "authorization" in headers or not _signed(headers):
        caller = _caller(event)
        if caller.tenant_id != tenant_id:
            raise InboundError(403, "forbidden", "this token is not for this company group")
        _rate_limit(caller)
        service = ingest.find_service(current, tenant_id, path)
        if not caller.may_push(service.service_id):
            raise InboundError(403, "forbidden", "this client may not push to this service")
        key = headers.get("idempotency-key")
    else:
        service = ingest.find_service(current, tenant_id, path)
        caller, key = _webhook_caller(current, service, headers, raw)
        _rate_limit(caller)
    media = headers.get("content-type", JSON).split(";", 1)[0].strip().lower()
    if media != JSON:
        raise InboundError(
            415,
            "unsupported_media_type",
            f"send the body as {JSON}",
            [{"field": "body", "message": "unsupported content type"}],
        )
    if len(raw) > ingest.MAX_REQUEST_BYTES:
        raise InboundError(
            413, "too_large", "a request is at most 6 MB", [{"field": "body", "message": "too large"}]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InboundError(
            400, "bad_request", "the body is not UTF-8", [{"field": "body", "message": "not UTF-8"}]
        ) from None
    if not service.active:
        raise InboundError(409, "conflict", "the service is inactive")
    fingerprint = hashlib.sha256(f"{path}\n".encode() + raw).hexdigest()

    def work() -> Answer:
        return ingest.push(current, service, ingest.parse_records(text), client_id=caller.client_id)

    return ingest.with_idempotency(current, caller, key, fingerprint, work)


def ingest_status(event: dict[str, Any], ingest_id: str) -> Answer:
    from syncline.api.context import deps

    caller = _caller(event)
    return ingest.status(deps(), caller, ingest_id)
