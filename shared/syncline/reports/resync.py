"""Resync: send entries again, as a new run, refusing what must not be sent again."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from syncline.deps import Deps
from syncline.errors import Invalid
from syncline.models import Run, RunStatus, Service, Status, SyncItem, Trigger, utcnow
from syncline.reports.query import CIRCUIT_DELAY, MAX_LIMIT, MAX_RESYNC_IDS, STUCK_AFTER, ReportQuery
from syncline.reports.search import search
from syncline.store import (
    RunChange,
    item_size,
)

REFUSALS = {
    "not_found": "no such report entry in this company group",
    "already_ok": "the entry is already OK at its destination",
    "sent": "the entry was handed to its destination and awaits confirmation",
    "in_progress": "the entry is Pending and still being retried",
    "no_payload": "no stored payload to send again",
    "service_not_found": "the entry's service no longer exists",
    "changed": "the entry changed while it was being resynced; try again",
    "cannot_refetch": "the entry's source connector cannot fetch one record by its id (a file drop); "
    "resync it without refetch",
    # a sweeper's own refusals (see syncline.pipeline.sweep)
    "permanent": "the failure is a permanent rejection (a sweeper takes it with include_permanent)",
    "authentication_unchanged": "failed authentication, and the destination connector has not "
    "changed or come back as Connector Operational since",
}
MAX_REFUSALS_LISTED = 100
RESYNC_EXAMINE_FACTOR = 5  # a filter resync looks at most this many entries per one it may queue
TRANSACTION_ACTIONS = 100
TRANSACTION_BYTES = 3_500_000  # TransactWriteItems takes at most 4 MB


@dataclass
class ResyncResult:
    queued: int = 0
    run_ids: list[str] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    refused_counts: Counter[str] = field(default_factory=Counter)
    more: bool = False
    dry_run: bool = False
    would_queue: list[str] = field(default_factory=list)
    examined: int = 0  # filter: entries read
    cursor: str | None = None  # filter: where the next call goes on (when `more`)

    def refuse(self, sync_id: str, reason: str) -> None:
        self.refused_counts[reason] += 1
        if len(self.refused) < MAX_REFUSALS_LISTED:
            self.refused.append({"sync_id": sync_id, "reason": reason, "message": REFUSALS[reason]})


def stuck_after(service: Service | None) -> timedelta:
    if service is None:
        return STUCK_AFTER
    return max(STUCK_AFTER, timedelta(seconds=service.settings.retry_max_seconds) + CIRCUIT_DELAY)


def refusal(item: SyncItem, service: Service | None, now: datetime, *, refetch: bool = False) -> str | None:
    """Why this entry cannot be resynced, or None when it can (with `refetch`, a stored payload is
    not needed: the source is asked for the record)."""
    if item.status == Status.OK:
        return "already_ok"
    if item.status == Status.SENT:
        return "sent"
    if item.status == Status.PENDING and now - item.updated_at < stuck_after(service):
        return "in_progress"
    if service is None:
        return "service_not_found"
    if item.payload is None and not item.payload_ref and not refetch:
        return "no_payload"
    return None


def resync(
    deps: Deps,
    tenant_id: str,
    *,
    sync_ids: Sequence[str] | None = None,
    query: ReportQuery | None = None,
    limit: int = MAX_RESYNC_IDS,
    dry_run: bool = False,
    now: datetime | None = None,
    select: Callable[[SyncItem, Service], str | None] | None = None,
    into: Run | None = None,
    refetch: bool = False,
    cursor: str | None = None,
) -> ResyncResult:
    """Put Failed (and stuck Pending) entries back to Pending in a new resync run and on the queue
    with their stored payload. Exactly one of `sync_ids` or `query`.

    `select`, for an entry `refusal` lets through: a further reason to refuse it (a REFUSALS key),
    or None to take it. `refetch`: each entry's record is fetched again from its source by its
    source id and that is pushed (refused, `cannot_refetch`, where the source connector has no way
    to). `into`: an open run (already created, e.g. a sweeper's) every entry moves
    into, whatever its service, instead of a new resync run per service; its caller ends it.
    `cursor`: a filter's search goes on from there (the `cursor` of an earlier result)."""
    now = now or utcnow()
    result = ResyncResult(dry_run=dry_run)
    services: dict[str, Service | None] = {}
    if refetch:
        select = _refetchable(deps, tenant_id, select)

    def service_of(item: SyncItem) -> Service | None:
        if item.service_id not in services:
            services[item.service_id] = deps.config.get_service(tenant_id, item.service_id)
        return services[item.service_id]

    chosen: list[SyncItem] = []
    if sync_ids is not None:
        wanted = list(dict.fromkeys(sync_ids))
        found = deps.syncs.get_items(tenant_id, wanted, consistent=True)
        for sync_id in wanted:
            item = found.get(sync_id)
            if item is None:
                result.refuse(sync_id, "not_found")
                continue
            reason = _reason(item, service_of(item), now, select, refetch)
            if reason:
                result.refuse(sync_id, reason)
            else:
                chosen.append(item)
    else:
        assert query is not None
        if not query.statuses:
            query = query.model_copy(update={"statuses": (Status.FAILED,)})
        if not {Status.FAILED, Status.PENDING}.issuperset(query.statuses):
            raise Invalid(
                "only Failed and (stuck) Pending entries can be resynced",
                fields=[{"field": "body.filter.status", "message": "only Failed and Pending qualify"}],
            )
        examined = 0
        while len(chosen) < limit and examined < RESYNC_EXAMINE_FACTOR * limit:
            page = search(deps, tenant_id, query, limit=min(MAX_LIMIT, limit - len(chosen)), cursor=cursor)
            query = query.model_copy(update={"start": page.start, "end": page.end})
            examined += len(page.items)
            for item in page.items:
                reason = _reason(item, service_of(item), now, select, refetch)
                if reason:
                    result.refuse(item.sync_id, reason)
                else:
                    chosen.append(item)
            cursor = page.next_cursor
            if cursor is None:
                break
        result.more = cursor is not None
        result.cursor = cursor
        result.examined = examined

    if dry_run:
        result.would_queue = [i.sync_id for i in chosen]
        return result
    if into is not None:
        if chosen:
            _resync_service(deps, tenant_id, into.service_id, chosen, now, result, into=into, refetch=refetch)
        return result
    by_service: dict[str, list[SyncItem]] = {}
    for item in chosen:
        by_service.setdefault(item.service_id, []).append(item)
    for service_id, items in by_service.items():
        _resync_service(deps, tenant_id, service_id, items, now, result, refetch=refetch)
    return result


def _reason(
    item: SyncItem,
    service: Service | None,
    now: datetime,
    select: Callable[[SyncItem, Service], str | None] | None,
    refetch: bool = False,
) -> str | None:
    reason = refusal(item, service, now, refetch=refetch)
    if reason is None and select is not None and service is not None:
        reason = select(item, service)
    return reason


def _refetchable(
    deps: Deps, tenant_id: str, select: Callable[[SyncItem, Service], str | None] | None
) -> Callable[[SyncItem, Service], str | None]:
    """`select`, also refusing entries whose source connector cannot fetch one record by its id."""
    from syncline.connectors import connector_class

    can: dict[str, bool] = {}

    def check(item: SyncItem, service: Service) -> str | None:
        connector_id = service.source.connector_id
        if connector_id not in can:
            row = deps.config.get_connector(tenant_id, connector_id)
            can[connector_id] = row is not None and connector_class(row.system).can_refetch
        if not can[connector_id]:
            return "cannot_refetch"
        return select(item, service) if select is not None else None

    return check


def _resync_service(
    deps: Deps,
    tenant_id: str,
    service_id: str,
    items: list[SyncItem],
    now: datetime,
    result: ResyncResult,
    *,
    into: Run | None = None,
    refetch: bool = False,
) -> None:
    from syncline.pipeline.fanout import enqueue, message_body
    from syncline.pipeline.messages import SyncMessage

    syncs = deps.syncs
    first = items[0]  # every entry carries its service's systems and entities
    if into is None:
        run = Run(
            tenant_id=tenant_id,
            run_id=_new_run_id(now),
            service_id=service_id,
            trigger=Trigger.RESYNC,
            source_system=first.source_system,
            source_entity=first.source_entity,
            destination_system=first.destination_system,
            destination_entity=first.destination_entity,
        )
        syncs.create_run(run)
    else:
        run = into
    result.run_ids.append(run.run_id)
    old_runs: set[str] = set()
    try:
        for chunk in _transaction_chunks(items):
            written = _move_items(deps, tenant_id, run, chunk, now, result)
            if not written:
                continue
            old_runs.update(i.run_id for i in chunk)
            bodies = [
                message_body(
                    SyncMessage(
                        tenant_id=tenant_id,
                        service_id=item.service_id,  # a sweeper run's entries keep their service
                        run_id=run.run_id,
                        sync_id=item.sync_id,
                        record=item.payload,
                        payload_ref=None if item.payload is not None else item.payload_ref,
                        refetch=refetch or None,
                    ),
                    deps.bucket,
                )
                for item in written
            ]
            enqueue(deps.sync_queue_url, bodies)
            result.queued += len(written)
    finally:
        if into is None:  # a run given to move into is ended by whoever opened it
            syncs.apply_run_change(tenant_id, run.run_id, RunChange(), pull_done=True)
        for run_id in old_runs:  # a Running run whose stuck entries left may now be complete
            old = syncs.get_run(tenant_id, run_id)
            if old and old.status == RunStatus.RUNNING and old.pull_done and old.totals.Pending <= 0:
                syncs.close_if_settled(old)


def _new_run_id(now: datetime) -> str:
    from syncline.models import new_run_id

    return new_run_id(now)


def _transaction_chunks(items: list[SyncItem]) -> Iterator[list[SyncItem]]:
    chunk: list[SyncItem] = []
    runs: set[str] = set()
    size = 0
    for item in items:
        row_size = item_size(item.model_dump(mode="json"))
        new_runs = runs | {item.run_id}
        if chunk and (
            len(chunk) + 1 + len(new_runs) + 1 > TRANSACTION_ACTIONS or size + row_size > TRANSACTION_BYTES
        ):
            yield chunk
            chunk, runs, size = [], set(), 0
            new_runs = {item.run_id}
        chunk.append(item)
        runs = new_runs
        size += row_size
    if chunk:
        yield chunk


def _move_items(
    deps: Deps, tenant_id: str, run: Run, items: list[SyncItem], now: datetime, result: ResyncResult
) -> list[SyncItem]:
    """One transaction: every item to Pending in `run` (conditional on the state it was read in),
    its old run's totals down, the new run's totals up. Items that changed meanwhile are dropped
    and the rest retried, so run totals always equal the items' statuses (invariant 3)."""
    syncs = deps.syncs
    remaining = list(items)
    checked_runs: set[str] = set()
    missing_runs: set[str] = set()
    for attempt in range(4):
        if not remaining:
            return []
        moves = [
            (
                item,
                item.model_copy(
                    update={
                        "status": Status.PENDING,
                        "attempts": 0,
                        "run_id": run.run_id,
                        "earlier_runs": item.moved_from(),
                        "last_error": None,
                        # Queued again now: the entry is found by reference among today's.
                        "created_at": now,
                        "updated_at": now,
                        "claim_id": None,
                        "claimed_until": None,
                    }
                ),
            )
            for item in remaining
        ]
        leaving: dict[str, Counter[str]] = {}
        for item in remaining:
            leaving.setdefault(item.run_id, Counter())[item.status.value] += 1
        for run_id in [r for r in leaving if r not in checked_runs]:
            checked_runs.add(run_id)
            if syncs.get_run(tenant_id, run_id) is None:  # expired: nothing to keep in step
                missing_runs.add(run_id)
        for run_id in missing_runs:
            leaving.pop(run_id, None)
        failed = syncs.move_items(tenant_id, moves, leaving, run.run_id, now)
        if not failed:
            return remaining
        for n in sorted(failed):
            result.refuse(remaining[n].sync_id, "changed")
        remaining = [item for n, item in enumerate(remaining) if n not in failed]
        time.sleep(0.05 * 2**attempt)
    for item in remaining:
        result.refuse(item.sync_id, "changed")
    return []
