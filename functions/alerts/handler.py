"""alerts: every minute, send the failure digests, recovery, connector status and auto-pause
emails that are due (SES), at most one per service per window."""

from typing import Any

from syncline import wiring
from syncline.alerts import tick
from syncline.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = tick(wiring.deps())
    summary = dict(result.__dict__)
    logger.info("alerts tick", extra=summary)
    return summary
