"""API: the REST API in front of report_api.

Authorization: report_api authenticates every request itself, against the company-group API
keys stored hashed in the config table (``PK=KEY#<sha256 hex>``, ``SK=KEY``). API Gateway has no
authorizer, so the local stack (which feeds report_api API Gateway proxy events) and AWS behave
the same. API Gateway does reject a request that carries no key at all (request validation of
the ``x-api-key`` header) before any function runs.

Also: access logs (JSON, no headers or bodies), stage throttling, X-Ray, JSON gateway errors,
a regional endpoint, and CORS only when ``corsOrigins`` is given.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from .context import StageConfig

API_KEY_HEADER = "x-api-key"
STAGE_NAME = "v1"
BINARY_MEDIA_TYPE = "application/zip"
# The inbound API (POST /oauth/token, /inbound/...) has its own stage throttling, below the API's:
# a client pushing hard is stopped at the gateway before it takes the report API's share.
# (Each client also has its own token bucket in the function, 429 past it.)
INBOUND_RATE_LIMIT = 100
INBOUND_BURST_LIMIT = 200
TOKEN_RATE_LIMIT = 10
TOKEN_BURST_LIMIT = 20

_ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "integrationStatus": "$context.integration.status",
    "error": "$context.error.message",
    "xrayTraceId": "$context.xrayTraceId",
}

# Gateway errors in the same JSON shape the API uses: {"error": {"code", "message", "fields": [...]}}.
_MISSING_KEY = f"send the company group's API key in the {API_KEY_HEADER} header"
_GATEWAY_ERRORS: dict[str, tuple[apigw.ResponseType, str | None, dict[str, dict[str, Any]]]] = {
    "MissingApiKey": (
        apigw.ResponseType.BAD_REQUEST_PARAMETERS,
        "401",
        {
            "error": {
                "code": "unauthorized",
                "message": _MISSING_KEY,
                "fields": [{"field": API_KEY_HEADER, "message": _MISSING_KEY}],
            }
        },
    ),
    "Throttled": (
        apigw.ResponseType.THROTTLED,
        "429",
        {"error": {"code": "throttled", "message": "too many requests, retry later", "fields": []}},
    ),
    "Default4xx": (
        apigw.ResponseType.DEFAULT_4_XX,
        None,
        {"error": {"code": "bad_request", "message": None, "fields": []}},
    ),
    "Default5xx": (
        apigw.ResponseType.DEFAULT_5_XX,
        None,
        {"error": {"code": "server_error", "message": None, "fields": []}},
    ),
}


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        handler: lambda_.IFunction,
        extra_origins: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        # corsOrigins, then the web console's CloudFront origin when the console is deployed
        self.origins = [*config.cors_origins, *extra_origins]
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=config.log_retention, removal_policy=config.removal_policy
        )
        cors = None
        if self.origins:
            cors = apigw.CorsOptions(
                allow_origins=list(self.origins),
                allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=["Content-Type", API_KEY_HEADER],
            )
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=f"{config.prefix}-api",
            description=f"Syncline {config.stage}: report, runs, services and connectors",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # GET /config/export answers a zip: passed through as binary to a request that accepts it.
            binary_media_types=[BINARY_MEDIA_TYPE],
            cloud_watch_role=config.api_cloudwatch_role,
            default_cors_preflight_options=cors,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                tracing_enabled=True,
                throttling_rate_limit=config.api_rate_limit,
                throttling_burst_limit=config.api_burst_limit,
                # Execution logs for errors only; data trace would log bodies with credentials.
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                metrics_enabled=False,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(_ACCESS_LOG_FIELDS)),
                method_options={
                    path: apigw.MethodDeploymentOptions(
                        throttling_rate_limit=rate,
                        throttling_burst_limit=burst,
                        logging_level=apigw.MethodLoggingLevel.ERROR,
                        data_trace_enabled=False,
                        metrics_enabled=False,
                    )
                    for path, rate, burst in (
                        ("/oauth/token/POST", TOKEN_RATE_LIMIT, TOKEN_BURST_LIMIT),
                        ("/inbound/{proxy+}/*", INBOUND_RATE_LIMIT, INBOUND_BURST_LIMIT),
                    )
                },
            ),
        )
        self.validator = self.rest_api.add_request_validator(
            "RequireApiKey",
            request_validator_name="require-api-key-header",
            validate_request_parameters=True,
            # On, but the methods declare no body model: report_api validates bodies itself and
            # answers with the field and the problem (DESIGN invariant 7).
            validate_request_body=True,
        )
        integration = apigw.LambdaIntegration(handler, proxy=True, allow_test_invoke=False)
        # Methods get the options one by one, not as resource defaults: CORS preflight (OPTIONS)
        # must not require the key header, which browsers never send on a preflight.
        proxy = self.rest_api.root.add_proxy(any_method=False)
        self.methods = [
            resource.add_method(
                "ANY",
                integration,
                authorization_type=apigw.AuthorizationType.NONE,
                request_validator=self.validator,
                request_parameters={f"method.request.header.{API_KEY_HEADER}": True},
            )
            for resource in (self.rest_api.root, proxy)
        ]
        # The OpenAPI document is public: it describes the API, it holds no company group's data.
        self.openapi_method = self.rest_api.root.add_resource("openapi.json").add_method(
            "GET", integration, authorization_type=apigw.AuthorizationType.NONE
        )
        for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
            _acknowledge(
                self.openapi_method,
                rule,
                "GET /openapi.json serves the generated description of the API, the same for every "
                "company group; it reads no data, so it needs no key and no authorizer.",
            )
        # The inbound API authenticates with OAuth 2.0 access tokens (or webhook signatures), never
        # the x-api-key header: its resources do not ask for one. Same function (report_api).
        self.inbound_methods = [
            self.rest_api.root.add_resource("oauth")
            .add_resource("token")
            .add_method("POST", integration, authorization_type=apigw.AuthorizationType.NONE),
            self.rest_api.root.add_resource("inbound")
            .add_proxy(any_method=False)
            .add_method("ANY", integration, authorization_type=apigw.AuthorizationType.NONE),
        ]
        for method in self.inbound_methods:
            for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
                _acknowledge(
                    method,
                    rule,
                    "The inbound API authenticates in report_api: OAuth 2.0 client credentials (a "
                    "client secret stored hashed, HMAC-signed access tokens) or webhook signatures "
                    "(HMAC-SHA256 of the body); clients are company-group systems, not Cognito users.",
                )
        for method in self.methods:
            _acknowledge(
                method,
                "AwsSolutions-APIG4",
                "Authorization is done by report_api against hashed company-group API keys (config "
                "table, KEY#<sha256>), the same code path locally and on AWS; requests without a key "
                "are rejected by API Gateway request validation before the function runs.",
            )
            _acknowledge(
                method,
                "AwsSolutions-COG4",
                "Clients are company-group systems and scripts that authenticate with API keys, not "
                "Cognito users; report_api checks the hashed key on every request.",
            )
        _acknowledge(
            self.rest_api.deployment_stage,
            "AwsSolutions-APIG3",
            "WAF is optional for a self-hosted deployment (a web ACL costs about $6/month idle); stage "
            "throttling and the API-key check bound abuse. Associate a web ACL with the stage if your "
            "policy requires one.",
        )
        cloudwatch_role = self.rest_api.node.try_find_child("CloudWatchRole")
        if cloudwatch_role is not None:
            _acknowledge(
                cloudwatch_role,
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs]",
                "The account-level role API Gateway needs to write access and execution logs; this "
                "AWS-managed policy is the one AWS documents for it and allows CloudWatch Logs only.",
            )

        for name, (response_type, status, body) in _GATEWAY_ERRORS.items():
            self.rest_api.add_gateway_response(
                name,
                type=response_type,
                status_code=status,
                response_headers=_cors_headers(self.origins),
                templates={"application/json": _error_template(body)},
            )

    @property
    def url(self) -> str:
        return self.rest_api.url


def _acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=rule, reason=reason))


def _cors_headers(origins: Sequence[str]) -> dict[str, str] | None:
    if not origins:
        return None
    # Gateway responses cannot echo the origin; with several origins the browser gets the first.
    return {"Access-Control-Allow-Origin": f"'{origins[0]}'"}


def _error_template(body: dict[str, dict[str, Any]]) -> str:
    """A mapping template: fixed fields as JSON, a None message from API Gateway's own."""
    error = body["error"]
    fields = [f'"{key}": {json.dumps(value)}' for key, value in error.items() if value is not None]
    if error.get("message") is None:
        fields.append('"message": $context.error.messageString')
    return '{"error": {' + ", ".join(fields) + "}}"
