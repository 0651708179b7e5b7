"""The trigger: one pull of a service's changed records, fanned out page by page.

A run starts here (scheduled, manual, a continuation of a pull that ran out of time); every page
goes through `syncline.pipeline.fanout.fan_out`, and the service cursor advances only once the
whole pull is on the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from syncline.connectors import ConnectorError
from syncline.deps import Deps
from syncline.faults import crash_point
from syncline.models import ErrorInfo, Run, Service, Status, Trigger, utcnow
from syncline.pipeline.fanout import RunClosed, enqueue, fan_out
from syncline.pipeline.messages import TriggerRequest
from syncline.store import RunChange


@dataclass
class TriggerResult:
    run_id: str | None
    pulled: int = 0
    filtered: int = 0
    skipped: int = 0
    queued: int = 0
    failed: int = 0
    continued: bool = False
    status: str = "Running"
    reason: str | None = None


def run_trigger(deps: Deps, request: TriggerRequest, time_left: Callable[[], float]) -> TriggerResult:
    """Pull changed records page by page and fan them out; hand over to a continuation when the
    invocation's time budget runs low. The service cursor advances only after every page of the
    pull is on the queue."""
    from syncline.connectors import connector_class
    from syncline.mapping import compile_filters
    from syncline.pipeline.confirm import apply_confirmations

    service = deps.config.require_service(request.tenant_id, request.service_id)
    if not service.active and request.trigger == Trigger.SCHEDULE and request.run_id is None:
        return TriggerResult(run_id=None, status="Skipped", reason="service is inactive")
    if service.is_sweeper:
        return _sweep(deps, service, request)
    source_row = deps.config.require_connector(service.tenant_id, service.source.connector_id)
    destination_row = deps.config.require_connector(service.tenant_id, service.destination.connector_id)
    keep = compile_filters(service.filters, timezone=source_row.timezone)
    # The first invocation of a pull (a schedule, or "run now" whose run the API opened), not a
    # continuation: both start the same way, with the destination's confirmations.
    starting = request.page is None
    if starting and connector_class(destination_row.system).asynchronous:
        apply_confirmations(deps.syncs, service, destination_row, deps.open_connector)

    def open_run() -> Run:
        now = utcnow()
        opened = Run.opened(
            service,
            request.trigger,
            started_at=now,
            pull_deadline=now + timedelta(seconds=deps.invocation_seconds),
            source_system=source_row.system,
            destination_system=destination_row.system,
            since=since,
        )
        deps.syncs.create_run(opened)
        return opened

    run: Run | None
    if request.run_id:
        existing_run = deps.syncs.get_run(service.tenant_id, request.run_id)
        if existing_run is None:
            raise ValueError(f"continuation for unknown run {request.run_id!r}")
        run = existing_run
        since = request.since
        if starting:  # this invocation owns the pull from now: dead past its timeout
            deadline = utcnow() + timedelta(seconds=deps.invocation_seconds)
            run = deps.syncs.apply_run_change(run.tenant_id, run.run_id, RunChange(), pull_deadline=deadline)
    else:
        since = (
            request.since
            if request.since is not None
            else deps.config.get_cursor(service.tenant_id, service.service_id)
        )
        # A scheduled run opens once its pull found something (or failed): one that finds nothing
        # is counted on the service instead. A manual run always opens.
        run = None if request.trigger == Trigger.SCHEDULE else open_run()

    result = TriggerResult(run_id=run.run_id if run else None)
    page = request.page
    high_water = request.cursor
    page_size = request.page_size or service.settings.page_size
    with deps.open_connector(source_row) as source:
        while True:
            try:
                got = source.pull(service.source.entity, since, page, page_size)
            except ConnectorError as exc:
                if run is None:
                    run = open_run()
                    result.run_id = run.run_id
                # Stop here; the cursor stays where it was, so the next run pulls these records
                # again (and the sync ids already queued are skipped). The run says why.
                error = ErrorInfo(code=exc.code, message=exc.message[:500])
                final = deps.syncs.apply_run_change(
                    run.tenant_id, run.run_id, RunChange(), pull_done=True, pull_error=error
                )
                result.status, result.reason = final.status.value, f"pull failed: {error.message}"
                return result
            if run is None:
                if not got.records and got.next_page is None:
                    # Nothing changed since the last run: no run, the pull is counted on the service.
                    deps.config.note_pull(service.tenant_id, service.service_id, at=utcnow(), empty=True)
                    if got.cursor and (high_water is None or got.cursor > high_water):
                        deps.config.set_cursor(service.tenant_id, service.service_id, got.cursor)
                    return TriggerResult(run_id=None, status="Skipped", reason="nothing to pull")
                run = open_run()
                result.run_id = run.run_id
                deps.config.note_pull(service.tenant_id, service.service_id, at=run.started_at, empty=False)
            wanted = [r for r in got.records if keep(r.data)]
            counted = RunChange(pulled=len(got.records), filtered=len(got.records) - len(wanted))
            try:
                done_page = fan_out(
                    deps, service, run, wanted, source_row.system, destination_row.system, counted
                )
            except RunClosed as exc:
                result.status, result.reason = "Closed", str(exc)
                return result
            change = done_page.change
            result.pulled += change.pulled
            result.filtered += change.filtered
            result.skipped += change.skipped
            result.queued += change.queued
            result.failed += change.totals[Status.FAILED.value]
            if got.cursor and (high_water is None or got.cursor > high_water):
                high_water = got.cursor
            page = got.next_page
            if page is None:
                crash_point("trigger.before_cursor")
                if high_water:
                    deps.config.set_cursor(service.tenant_id, service.service_id, high_water)
                # Where the pull got to, in the write that ends it (no write of its own).
                final = deps.syncs.apply_run_change(
                    run.tenant_id,
                    run.run_id,
                    RunChange(),
                    pull_done=True,
                    details={"until": high_water} if high_water else None,
                )
                result.status = final.status.value
                return result
            if time_left() <= 0:
                continuation = TriggerRequest(
                    tenant_id=service.tenant_id,
                    service_id=service.service_id,
                    trigger=run.trigger,
                    run_id=run.run_id,
                    since=since,
                    page=page,
                    cursor=high_water,
                    page_size=request.page_size,
                )
                deadline = utcnow() + timedelta(seconds=deps.continuation_seconds + deps.invocation_seconds)
                deps.syncs.apply_run_change(run.tenant_id, run.run_id, RunChange(), pull_deadline=deadline)
                enqueue(deps.trigger_queue_url, [continuation.model_dump_json(exclude_none=True)])
                result.continued = True
                return result


def _sweep(deps: Deps, service: Service, request: TriggerRequest) -> TriggerResult:
    """A sweeper pulls nothing: its run takes the swept services' retryable failures (see
    syncline.pipeline.sweep). A scheduled run is opened here, with trigger "sweeper"; "run now"
    opened its own (trigger "manual")."""
    from syncline.pipeline.sweep import run_sweep, swept_services

    if request.run_id:
        run = deps.syncs.get_run(service.tenant_id, request.run_id)
        if run is None:
            raise ValueError(f"sweep for unknown run {request.run_id!r}")
        if run.pull_done:  # a redelivered request: this run swept already
            return TriggerResult(run_id=run.run_id, status=run.status.value, reason="swept already")
    else:
        now = utcnow()
        source_row = deps.config.get_connector(service.tenant_id, service.source.connector_id)
        destination_row = deps.config.get_connector(service.tenant_id, service.destination.connector_id)
        run = Run.opened(
            service,
            Trigger.SWEEPER,
            started_at=now,
            pull_deadline=now + timedelta(seconds=deps.invocation_seconds),
            source_system=source_row.system if source_row else None,
            destination_system=destination_row.system if destination_row else None,
            swept_services=swept_services(deps, service),
        )
        deps.syncs.create_run(run)
    swept = run_sweep(deps, service, run)
    final = deps.syncs.get_run(service.tenant_id, run.run_id) or run
    return TriggerResult(
        run_id=run.run_id,
        queued=swept.queued,
        status=final.status.value,
        reason=f"swept {swept.queued}"
        + (f", {final.sweep_left} left for the next run" if final.sweep_left else ""),
    )
