"""health: on its schedule, one message per connector to the health queue; fed by that queue, check
the connectors of a batch side by side and record Connector Operational / System Unreachable /
Failed Authentication (an Operational one gets the records the circuit breaker held sent again)."""

from typing import Any

from syncline import wiring
from syncline.monitor import CheckRequest, check_batch, dispatch
from syncline.observability import instrumented, logger


@logger.inject_lambda_context
@instrumented
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    deps = wiring.deps()
    if "Records" not in event:  # the schedule
        return {"queued": dispatch(deps)}
    requests = [CheckRequest.model_validate_json(r["body"]) for r in event["Records"]]
    outcomes = check_batch(deps, requests)
    changed = [o for o in outcomes if o.changed]
    for o in changed:
        logger.info(
            "connector status changed",
            extra={"tenant_id": o.tenant_id, "connector_id": o.connector_id, "status": o.status.value},
        )
    released = sum(o.released for o in outcomes)
    if released:
        logger.info("held records released", extra={"released": released})
    return {"checked": len(outcomes), "changed": len(changed), "released": released}
