"""API: validation of the key header, no authorizer, access logs, throttling, CORS off by default."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from infra.syncline_infra.api import (
    API_KEY_HEADER,
    INBOUND_BURST_LIMIT,
    INBOUND_RATE_LIMIT,
    TOKEN_BURST_LIMIT,
    TOKEN_RATE_LIMIT,
)

from .conftest import Synthesized, logical_id, of_type


def test_regional_rest_api(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::RestApi",
        {
            "Name": "syncline-dev-api",
            "EndpointConfiguration": {"Types": ["REGIONAL"]},
            # the config export's zip goes out as binary to a request that accepts application/zip
            "BinaryMediaTypes": ["application/zip"],
        },
    )


def test_every_method_requires_the_key_header_and_has_no_authorizer(
    resources: dict[str, Any], default: Synthesized
) -> None:
    validator_id = logical_id(default.stack.api.validator)
    validator = resources[validator_id]["Properties"]
    assert validator["ValidateRequestParameters"] is True
    methods = of_type(resources, "AWS::ApiGateway::Method")
    assert sorted(m["Properties"]["HttpMethod"] for m in methods.values()) == [
        "ANY",
        "ANY",
        "ANY",
        "GET",
        "POST",
    ]
    for inbound in default.stack.api.inbound_methods:  # OAuth tokens and webhook signatures: no key header
        props = methods.pop(logical_id(inbound))["Properties"]
        assert "RequestParameters" not in props and props["AuthorizationType"] == "NONE"
        assert props["Integration"]["Type"] == "AWS_PROXY"
    openapi_id = logical_id(default.stack.api.openapi_method)
    public = methods.pop(openapi_id)["Properties"]  # GET /openapi.json: the public API description
    assert public["HttpMethod"] == "GET" and "RequestParameters" not in public
    assert public["AuthorizationType"] == "NONE" and public["Integration"]["Type"] == "AWS_PROXY"
    for method in methods.values():
        props = method["Properties"]
        assert props["AuthorizationType"] == "NONE"
        assert "AuthorizerId" not in props
        assert props["RequestParameters"] == {f"method.request.header.{API_KEY_HEADER}": True}
        assert props["RequestValidatorId"] == {"Ref": validator_id}
        assert props["Integration"]["Type"] == "AWS_PROXY"
        assert f"{logical_id(default.stack.functions.report_api)}" in json.dumps(props["Integration"]["Uri"])
    assert not of_type(resources, "AWS::ApiGateway::Authorizer")
    assert not of_type(resources, "AWS::ApiGateway::ApiKey")


def test_stage_logs_access_throttles_and_traces(template: Template, default: Synthesized) -> None:
    config = default.stack.config
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "TracingEnabled": True,
            "AccessLogSetting": {
                "DestinationArn": Match.any_value(),
                "Format": Match.string_like_regexp("requestId"),
            },
            "MethodSettings": [
                Match.object_like(
                    {
                        "HttpMethod": "*",
                        "ResourcePath": "/*",
                        "LoggingLevel": "ERROR",
                        "DataTraceEnabled": False,
                        "ThrottlingRateLimit": config.api_rate_limit,
                        "ThrottlingBurstLimit": config.api_burst_limit,
                    }
                ),
                Match.object_like(  # the inbound API's own limits
                    {
                        "HttpMethod": "POST",
                        "ResourcePath": "/~1oauth~1token",
                        "DataTraceEnabled": False,
                        "ThrottlingRateLimit": TOKEN_RATE_LIMIT,
                        "ThrottlingBurstLimit": TOKEN_BURST_LIMIT,
                    }
                ),
                Match.object_like(
                    {
                        "HttpMethod": "*",
                        "ResourcePath": "/~1inbound~1{proxy+}",
                        "DataTraceEnabled": False,
                        "ThrottlingRateLimit": INBOUND_RATE_LIMIT,
                        "ThrottlingBurstLimit": INBOUND_BURST_LIMIT,
                    }
                ),
            ],
        },
    )
    access_logs = default.stack.api.access_logs
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"RetentionInDays": config.log_retention_days, "LogGroupName": Match.absent()}
    )
    assert logical_id(access_logs) in json.dumps(template.find_resources("AWS::ApiGateway::Stage"))


def test_access_log_format_is_json_without_headers_or_bodies(resources: dict[str, Any]) -> None:
    (stage,) = of_type(resources, "AWS::ApiGateway::Stage").values()
    fields = json.loads(stage["Properties"]["AccessLogSetting"]["Format"])
    assert "requestId" in fields
    assert not any("header" in v.lower() or "body" in v.lower() for v in fields.values())


def test_gateway_errors_are_json_and_name_the_missing_header(resources: dict[str, Any]) -> None:
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in of_type(resources, "AWS::ApiGateway::GatewayResponse").values()
    }
    assert set(responses) == {"BAD_REQUEST_PARAMETERS", "THROTTLED", "DEFAULT_4XX", "DEFAULT_5XX"}
    missing_key = json.loads(responses["BAD_REQUEST_PARAMETERS"]["ResponseTemplates"]["application/json"])
    assert missing_key["error"]["fields"] == [
        {"field": API_KEY_HEADER, "message": missing_key["error"]["message"]}
    ]
    assert responses["BAD_REQUEST_PARAMETERS"]["StatusCode"] == "401"
    assert responses["THROTTLED"]["StatusCode"] == "429"
    for props in responses.values():
        assert "ResponseParameters" not in props  # no CORS headers unless CORS is configured


def test_cors_is_off_by_default(resources: dict[str, Any]) -> None:
    assert not [
        m
        for m in of_type(resources, "AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]


def test_cors_preflight_when_origins_are_given_needs_no_key(variant_resources: dict[str, Any]) -> None:
    options = [
        m["Properties"]
        for m in of_type(variant_resources, "AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    assert len(options) == 7  # /, /{proxy+}, /openapi.json, /oauth, /oauth/token, /inbound, /inbound/{proxy+}
    for props in options:
        assert "RequestParameters" not in props
        headers = props["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert headers["method.response.header.Access-Control-Allow-Origin"] == "'https://app.example.com'"
        assert API_KEY_HEADER in headers["method.response.header.Access-Control-Allow-Headers"]


def test_api_invokes_only_report_api(resources: dict[str, Any], default: Synthesized) -> None:
    report_api = logical_id(default.stack.functions.report_api)
    permissions = [
        p["Properties"]
        for p in of_type(resources, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    # ANY /, ANY /{proxy+}, GET /openapi.json, POST /oauth/token, ANY /inbound/{proxy+}
    assert len(permissions) == 5
    for props in permissions:
        assert props["FunctionName"] == {"Fn::GetAtt": [report_api, "Arn"]}
        assert "/test-invoke-stage/" not in json.dumps(props["SourceArn"])
