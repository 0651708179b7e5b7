"""Proposed rules tried on a service's recent records, before they are applied.

The records are the newest ones Syncline still holds a payload for: the service's Failed report
entries, which keep the record for a resync (an entry that went OK does not; Pending entries are
left out because finding them reads every entry of the open runs), from the last RECENT_DAYS days,
at most RECENT_RECORDS: one Query of the status index. Each is run through the current
rules and the proposed ones with the mapping engine the pipeline uses; a record the current rules
map and the proposed ones cannot is "broken" by the change.

`recent_records` is the one place that knows where recent records come from, so it can be pointed at
a store of every pulled record (a lineage store) without changing its callers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from syncline.deps import Deps
from syncline.models import Service, Status, utcnow

RECENT_RECORDS = 20
RECENT_DAYS = 15  # the report's longest window


@dataclass(frozen=True)
class Broken:
    reference: str
    sync_id: str
    error: str


@dataclass
class TryResult:
    tried: int = 0
    broken: list[Broken] = field(default_factory=list)  # mapped by the current rules, not by the new
    failing: int = 0  # failed with both


def recent_records(
    deps: Deps, service: Service, limit: int = RECENT_RECORDS
) -> list[tuple[str, str, dict[str, Any]]]:
    """(reference, sync id, record) of the service's newest records that still have a payload."""
    from syncline import aws
    from syncline.reports import ReportQuery, search

    now = utcnow()
    query = ReportQuery(
        statuses=(Status.FAILED,),
        services=(service.service_id,),
        start=now - timedelta(days=RECENT_DAYS),
        end=now,
        window="config-tryout",
    )
    out: list[tuple[str, str, dict[str, Any]]] = []
    for item in search(deps, service.tenant_id, query, limit=limit).items:
        record = item.payload
        if record is None and item.payload_ref and deps.bucket:
            got = aws.client("s3").get_object(Bucket=deps.bucket, Key=item.payload_ref)
            record = json.loads(got["Body"].read())
        if isinstance(record, dict):
            out.append((item.reference, item.sync_id, record))
    return out


def try_rules(
    deps: Deps,
    service: Service,
    proposed: Mapping[str, Any],
    lookups: Mapping[str, Any],
    timezone: str,
) -> TryResult:
    """The proposed `filters`, `mappings` and `payload_script` against the service's current ones on its
    recent records (records the filters drop are not counted). Proposed rules that do not compile are
    the caller's to refuse; this only tries rules that do."""
    from syncline.mapping import compile_filters, compile_mapping
    from syncline.mapping.errors import RecordError, RuleError

    try:
        keep = compile_filters(proposed["filters"], timezone=timezone)
        new = compile_mapping(
            proposed["mappings"], proposed["payload_script"], lookups=lookups, timezone=timezone
        )
    except RuleError:
        return TryResult()
    try:
        old = compile_mapping(
            service.mappings,
            service.payload_script,
            lookups=deps.config.lookups(service.tenant_id),
            timezone=timezone,
        )
    except RuleError:
        old = None
    result = TryResult()
    for reference, sync_id, record in recent_records(deps, service):
        if not keep(record):
            continue
        result.tried += 1
        try:
            new.apply(record)
        except RecordError as exc:
            if old is not None and _maps(old, record):
                result.broken.append(Broken(reference, sync_id, str(exc)))
            else:
                result.failing += 1
    return result


def _maps(compiled: Any, record: dict[str, Any]) -> bool:
    from syncline.mapping.errors import RecordError

    try:
        compiled.apply(record)
    except RecordError:
        return False
    return True
