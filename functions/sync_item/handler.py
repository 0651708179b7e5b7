"""sync_item: push each record of an SQS batch and write its outcome (partial batch failures)."""

from typing import Any

from syncline.observability import instrumented, logger
from syncline.pipeline.handlers import handle_sync_batch


@logger.inject_lambda_context
@instrumented
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle_sync_batch(event, context)
