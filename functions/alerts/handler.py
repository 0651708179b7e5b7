"""alerts: every minute, send the failure digests, recovery, connector status and auto-pause
emails that are due (SES), at most one per service per window."""

from datetime import datetime
from typing import Any

from syncline import wiring
from syncline.alerts import tick
from syncline.observability import instrumented, logger


@logger.inject_lambda_context
@instrumented
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # A scheduled event says when it fired ("time"); the tick takes that as now.
    when = event.get("time") if isinstance(event, dict) else None
    now = datetime.fromisoformat(str(when).replace("Z", "+00:00")) if when else None
    result = tick(wiring.deps(), now=now)
    summary = dict(result.__dict__)
    logger.info("alerts tick", extra=summary)
    return summary
