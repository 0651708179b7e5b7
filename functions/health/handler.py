"""health: check every connector and record Connector Operational / System Unreachable /
Failed Authentication."""

from typing import Any

from syncline import wiring
from syncline.monitor import check_all
from syncline.observability import instrumented, logger


@logger.inject_lambda_context
@instrumented
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    outcomes = check_all(wiring.config_store(), wiring.open_connector)
    changed = [o for o in outcomes if o.changed]
    for o in changed:
        logger.info(
            "connector status changed",
            extra={"tenant_id": o.tenant_id, "connector_id": o.connector_id, "status": o.status.value},
        )
    return {"checked": len(outcomes), "changed": len(changed)}
