"""The circuit breaker's held records, sent again as soon as their destination is back.

While the health check says a destination is unreachable, sync_item puts each of its messages
back with SQS's longest delay (15 minutes) without spending an attempt, and notes the delayed
copy for the connector (`ConfigStore.hold_records`). When a check finds the connector Operational
again (the scheduled one or `POST /connectors/{id}/check`), `release` sends those copies at once,
so the records go within seconds of the check rather than when their delay runs out. The delayed
copy that arrives later finds its attempt made (or the record settled) and is dropped without a
push. Nothing depends on the release happening: a copy not released is delivered by its delay.
"""

from __future__ import annotations

from datetime import datetime

from syncline.deps import Deps
from syncline.models import utcnow
from syncline.pipeline.fanout import enqueue


def release(deps: Deps, tenant_id: str, connector_id: str, now: datetime | None = None) -> int:
    """Send the records held for this connector now; returns how many went. Holds whose delay
    has run out are dropped (their message has been delivered already)."""
    held = deps.config.held_records(tenant_id, connector_id)
    if not held:
        return 0
    moment = (now or utcnow()).timestamp()
    waiting = [body for _, body, until in held if until > moment]
    if waiting:
        enqueue(deps.sync_queue_url, waiting)
    deps.config.drop_held_records(tenant_id, connector_id, [sync_id for sync_id, _, _ in held])
    return len(waiting)
