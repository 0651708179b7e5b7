"""A sweeper service's run: no pull; the retryable Failed and stuck Pending entries of the
services it sweeps go back on the queue through the resync path, into the sweeper's own run.

What one run takes (the swept services' entries in the sweeper's window, newest first, at most
the sweeper's `max_per_run`, default 10,000, in slices of MAX_RESYNC_IDS): Failed entries whose
last error is retryable (transient, unreachable, rate limited, an unexpected connector fault),
failed authentication once the destination connector changed (its settings or credentials were
saved) or was checked Connector Operational after the failure, and Pending entries stuck past
their retry deadline (`resync.refusal`). Never OK or Sent entries; permanent rejections only with
`include_permanent`. What is left over is taken by the next run (the run's `sweep_left` counts
it): a moved entry is Pending in the sweeper run, so it is not taken twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from syncline.deps import Deps
from syncline.models import ConnectorConfig, HealthStatus, Run, Service, Status, SyncItem, utcnow
from syncline.reports.query import MAX_RESYNC_IDS, ReportQuery
from syncline.reports.resync import MAX_REFUSALS_LISTED, RESYNC_EXAMINE_FACTOR, ResyncResult, resync
from syncline.store import RunChange

RETRYABLE_CODES = frozenset({"transient", "unreachable", "rate_limited", "internal_error"})
AUTHENTICATION_CODE = "authentication_failed"


def swept_services(deps: Deps, sweeper: Service) -> list[str]:
    """The services a sweeper sweeps: those it names, else every standard service of its company
    group with the sweeper's source and destination connectors."""
    named = sweeper.sweep_settings.sweeps
    if named is not None:
        return list(dict.fromkeys(named))
    return sorted(
        s.service_id
        for s in deps.config.list_services(sweeper.tenant_id)
        if s.type == "standard"
        and s.source.connector_id == sweeper.source.connector_id
        and s.destination.connector_id == sweeper.destination.connector_id
    )


def unknown_swept(deps: Deps, sweeper: Service) -> list[tuple[int, str, str]]:
    """(index, id, problem) of every named swept service that cannot be swept."""
    named = sweeper.sweep_settings.sweeps or []
    if not named:
        return []
    services = {s.service_id: s for s in deps.config.list_services(sweeper.tenant_id)}
    problems: list[tuple[int, str, str]] = []
    for n, service_id in enumerate(named):
        found = services.get(service_id)
        if service_id == sweeper.service_id:
            problems.append((n, service_id, "a sweeper cannot sweep itself"))
        elif found is None:
            problems.append((n, service_id, f"no service {service_id!r}"))
        elif found.type == "sweeper":
            problems.append((n, service_id, f"{service_id!r} is a sweeper; only standard services are swept"))
    return problems


def _selector(deps: Deps, sweeper: Service, now: datetime) -> Callable[[SyncItem, Service], str | None]:
    include_permanent = sweeper.sweep_settings.include_permanent
    connectors: dict[str, ConnectorConfig | None] = {}

    def destination(service: Service) -> ConnectorConfig | None:
        connector_id = service.destination.connector_id
        if connector_id not in connectors:
            connectors[connector_id] = deps.config.get_connector(service.tenant_id, connector_id)
        return connectors[connector_id]

    def select(item: SyncItem, service: Service) -> str | None:
        if item.status != Status.FAILED:
            return None  # a stuck Pending entry (refusal() let it through)
        code = item.last_error.code if item.last_error else ""
        if code in RETRYABLE_CODES or include_permanent:
            return None
        if code == AUTHENTICATION_CODE:
            row = destination(service)
            if row is not None and (
                row.updated_at > item.updated_at
                or (
                    row.health_status == HealthStatus.OPERATIONAL
                    and row.health_checked_at is not None
                    and row.health_checked_at > item.updated_at
                )
            ):
                return None
            return "authentication_unchanged"
        return "permanent"

    return select


def run_sweep(deps: Deps, sweeper: Service, run: Run, *, now: datetime | None = None) -> ResyncResult:
    """Sweep into `run` (open, the sweeper's) and end its pull: it closes once what it took has
    settled. The run's `queued` is what was swept; its totals say what recovered (OK), is still
    failing (Failed) or still on its way (Pending, Sent); its `sweep_left` what qualified beyond
    the sweeper's `max_per_run` (counted up to that many again)."""
    now = now or utcnow()
    services = run.swept_services if run.swept_services is not None else swept_services(deps, sweeper)
    settings = sweeper.sweep_settings
    result = ResyncResult()
    left = 0
    try:
        if services:
            query = ReportQuery(
                statuses=(Status.FAILED, Status.PENDING),
                services=tuple(services),
                start=now - timedelta(days=settings.window_days),
                end=now,
                window=f"sweep:{settings.window_days}d",
            )
            select = _selector(deps, sweeper, now)
            # Slices of at most MAX_RESYNC_IDS, each going on where the last one stopped.
            most = settings.max_per_run
            while (
                result.queued < most
                and result.examined < RESYNC_EXAMINE_FACTOR * most
                and (result.cursor or not result.examined)
            ):
                part = resync(
                    deps,
                    sweeper.tenant_id,
                    query=query,
                    limit=min(MAX_RESYNC_IDS, most - result.queued),
                    now=now,
                    select=select,
                    into=run,
                    cursor=result.cursor,
                )
                _add(result, part)
                if not part.examined:
                    break
            if result.more:
                left = _count_left(deps, sweeper, query, result.cursor, select, now)
    finally:
        deps.syncs.apply_run_change(
            sweeper.tenant_id, run.run_id, RunChange(), pull_done=True, details={"sweep_left": left}
        )
    return result


def _add(total: ResyncResult, part: ResyncResult) -> None:
    total.queued += part.queued
    total.run_ids = list(dict.fromkeys(total.run_ids + part.run_ids))
    total.refused.extend(part.refused[: max(0, MAX_REFUSALS_LISTED - len(total.refused))])
    total.refused_counts.update(part.refused_counts)
    total.examined += part.examined
    total.cursor, total.more = part.cursor, part.more


def _count_left(
    deps: Deps,
    sweeper: Service,
    query: ReportQuery,
    cursor: str | None,
    select: Callable[[SyncItem, Service], str | None],
    now: datetime,
) -> int:
    """How many more entries qualify after `cursor` (nothing moves): up to `max_per_run`."""
    cap = sweeper.sweep_settings.max_per_run
    left = 0
    while cursor and left < cap:
        part = resync(
            deps,
            sweeper.tenant_id,
            query=query,
            limit=min(MAX_RESYNC_IDS, cap - left),
            now=now,
            select=select,
            dry_run=True,
            cursor=cursor,
        )
        left += len(part.would_queue)
        cursor = part.cursor if part.examined else None
    return left
