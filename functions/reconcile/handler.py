"""reconcile: re-queue or fail items that lost their message, close runs whose batches died."""

from typing import Any

from syncline import wiring
from syncline.observability import instrumented, logger
from syncline.pipeline.reconcile import reconcile


@logger.inject_lambda_context
@instrumented
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = reconcile(wiring.deps())
    summary = {k: v for k, v in result.__dict__.items() if k != "by_reason"} | dict(result.by_reason)
    logger.info("reconciled", extra=summary)
    return summary
