"""The inbound API's operations for the OpenAPI document (its routes are served outside the
resolver, so they are described here): the token endpoint, pushes and ingest status."""

from __future__ import annotations

from typing import Any

from syncline.inbound.clients import SCOPE
from syncline.inbound.ingest import MAX_BATCH, MAX_IDEMPOTENCY_KEY

ERROR = {"$ref": "#/components/schemas/ErrorResponse"}
JSON = "application/json"
OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "string",
            "enum": ["invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"],
        },
        "error_description": {"type": "string"},
    },
}
TOKEN = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in", "scope"],
    "properties": {
        "access_token": {"type": "string"},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer"},
        "scope": {"type": "string"},
    },
}
REJECTED = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["index", "fields"],
        "properties": {
            "index": {"type": "integer"},
            "fields": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    },
}
ACCEPTED = {
    "type": "object",
    "required": ["ingest_id", "run_id", "accepted", "sync_ids", "status_url"],
    "properties": {
        "ingest_id": {"type": "string"},
        "run_id": {"type": "string"},
        "accepted": {"type": "integer"},
        "sync_ids": {"type": "array", "items": {"type": "string"}},
        "status_url": {"type": "string"},
        "rejected": REJECTED,
    },
}
STATUS = {
    "type": "object",
    "required": ["ingest_id", "run_id", "accepted", "counts", "records"],
    "properties": {
        "ingest_id": {"type": "string"},
        "run_id": {"type": "string"},
        "service_id": {"type": "string"},
        "accepted": {"type": "integer"},
        "rejected": {"type": "integer"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "records": {"type": "array", "items": {"type": "object"}},
    },
}


def _errors(*statuses: str) -> dict[str, Any]:
    return {s: {"description": "see the error code", "content": {JSON: {"schema": ERROR}}} for s in statuses}


def paths() -> dict[str, Any]:
    bearer = [{"oauth2": [SCOPE]}]
    return {
        "/oauth/token": {
            "post": {
                "tags": ["inbound"],
                "summary": "An access token for client credentials (OAuth 2.0, RFC 6749 4.4)",
                "security": [],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["grant_type"],
                                "properties": {
                                    "grant_type": {"type": "string", "enum": ["client_credentials"]},
                                    "client_id": {"type": "string"},
                                    "client_secret": {"type": "string"},
                                    "scope": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {"description": "The token", "content": {JSON: {"schema": TOKEN}}},
                    **{
                        s: {"description": d, "content": {JSON: {"schema": OAUTH_ERROR}}}
                        for s, d in (("400", "RFC 6749 5.2 error"), ("401", "invalid_client"))
                    },
                    **_errors("429"),
                },
            }
        },
        "/inbound/{tenant_id}/{path}": {
            "post": {
                "tags": ["inbound"],
                "summary": f"Push a record, a batch of up to {MAX_BATCH}, or an envelope "
                '{"payload": "<JSON text>"}',
                "security": bearer,
                "parameters": [
                    {"name": "tenant_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "path", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
                    },
                ],
                "requestBody": {"required": True, "content": {JSON: {"schema": {}}}},
                "responses": {
                    "202": {"description": "Accepted and queued", "content": {JSON: {"schema": ACCEPTED}}},
                    **_errors("400", "401", "403", "404", "409", "413", "415", "422", "429"),
                },
            }
        },
        "/inbound/ingests/{ingest_id}": {
            "get": {
                "tags": ["inbound"],
                "summary": "A push's progress: counts by status and each record's outcome",
                "security": bearer,
                "parameters": [
                    {"name": "ingest_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "The ingest", "content": {JSON: {"schema": STATUS}}},
                    **_errors("400", "401", "403", "404", "409", "422", "429"),
                },
            }
        },
    }


SECURITY_SCHEME = {
    "type": "oauth2",
    "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {SCOPE: "push records"}}},
}
