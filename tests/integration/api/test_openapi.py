"""GET /openapi.json: a valid OpenAPI document with every route, the one error shape, the API key
scheme, and typed query parameters."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from syncline.api.app import app
from syncline.inbound.http import ROUTES as INBOUND_ROUTES
from tests.integration.api.conftest import Api, AwsEnv


def _document(aws_env: AwsEnv) -> dict[str, Any]:
    resp = Api(None).get("/openapi.json")
    assert resp.status == 200 and resp.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = resp.json()
    return document


def test_the_document_is_valid_and_lists_every_route(aws_env: AwsEnv) -> None:
    document = _document(aws_env)
    validate(document)
    routes = {(r.method.lower(), r.openapi_path) for r in app._static_routes + app._dynamic_routes}
    routes |= {(method.lower(), path) for method, path in INBOUND_ROUTES}
    listed = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert routes == listed and len(routes) >= 28
    for path in ("/reports", "/reports/export", "/reports/resync", "/runs/{run_id}", "/dashboard"):
        assert path in document["paths"]
    assert {"/lookups", "/lookups/{name}", "/lookups/{name}/rows", "/transforms"} <= set(document["paths"])


def test_the_csv_routes_say_they_take_and_give_csv(aws_env: AwsEnv) -> None:
    rows = _document(aws_env)["paths"]["/lookups/{name}/rows"]
    assert rows["put"]["requestBody"] == {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
    assert "text/csv" in rows["get"]["responses"]["200"]["content"]


def test_every_operation_documents_the_error_shape_and_security(aws_env: AwsEnv) -> None:
    document = _document(aws_env)
    assert document["components"]["securitySchemes"]["apiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "x-api-key",
    }
    error = document["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["error"]
    for path, operations in document["paths"].items():
        if path == "/oauth/token":  # RFC 6749 5.2's error shape
            responses = operations["post"]["responses"]
            assert set(responses) == {"200", "400", "401", "429"} and operations["post"]["security"] == []
            continue
        for method, operation in operations.items():
            for status in ("400", "404", "409", "422", "429"):
                ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorResponse", (method, path, status)
            if path == "/openapi.json":
                assert operation["security"] == []
            else:
                assert "401" in operation["responses"] and "403" in operation["responses"]


def test_query_parameters_are_typed(aws_env: AwsEnv) -> None:
    document = _document(aws_env)
    params = {p["name"]: p for p in document["paths"]["/reports"]["get"]["parameters"]}
    assert {
        "status",
        "service",
        "days",
        "from",
        "to",
        "run",
        "sync_id",
        "reference",
        "cursor",
        "limit",
    } <= set(params)
    assert params["limit"]["schema"]["type"] == "integer" and params["limit"]["schema"]["maximum"] == 500
    assert {"type": "integer", "maximum": 15, "minimum": 1} in params["days"]["schema"]["anyOf"]
    assert params["status"]["explode"] is True
    assert "prefix" in params["reference"]["description"]


def test_the_resync_body_says_exactly_one_of_sync_ids_and_filter(aws_env: AwsEnv) -> None:
    from jsonschema import Draft202012Validator

    document = _document(aws_env)
    schema = document["components"]["schemas"]["ResyncBody"]
    assert [sorted(branch["required"]) for branch in schema["oneOf"]] == [["sync_ids"], ["filter"]]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    assert validator.is_valid({"sync_ids": ["0" * 24]})
    assert validator.is_valid({"filter": {"status": ["Failed"]}})
    assert not validator.is_valid({"sync_ids": ["0" * 24], "filter": {}})
    assert not validator.is_valid({})
