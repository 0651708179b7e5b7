"""trigger: pull a service's changed records and fan them out, one message per record."""

from typing import Any

from syncline.observability import instrumented, logger
from syncline.pipeline.handlers import handle_trigger


@logger.inject_lambda_context(correlation_id_path="service_id")
@instrumented
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = handle_trigger(event, context)
    logger.info("trigger done", extra=result)
    return result
