"""report_api: the REST API behind API Gateway (report, runs, dashboard, connectors, services)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from syncline.api.app import handle
from syncline.observability import instrumented, logger


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@instrumented
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context)
