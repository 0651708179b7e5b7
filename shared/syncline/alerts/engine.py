"""The alerts tick: run every minute by the scheduled `alerts` function (and the local stack).

For each company group it reads its services, notification groups and alert state rows (three
Queries), and for each service with alerts on:

- **failures**: the service's Failed entries of by_status newer than the last email (keys only;
  the success path writes nothing for this), and its runs whose pull failed. A digest is due a
  window after the first unreported failure (mode `digest`), or at once when no email went out
  in the last window (mode `immediate`); either way at most one email per service per window.
- **recovery**: a service that alerted, then a whole window without a new failure and with a
  successful run: one recovery email.
- **auto-pause**: consecutive failed runs counted from the run rows; a warning at half, the
  service deactivated (its schedule deleted) at N, an email each time.

and for each connector one of those services uses (with connector events on), an email when its
health status differs from the one last emailed (the first Operational is only noted).

State moves on only after an email went out: a send that fails is logged and tried again on the
next tick. Nothing here runs in the sync path, and nothing alerts about the alerts function itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from syncline import schedules
from syncline.alerts import compose, send
from syncline.connectors.redact import Redactor, redact_patterns
from syncline.deps import Deps
from syncline.models import (
    ConnectorConfig,
    HealthStatus,
    NotificationGroup,
    Run,
    RunStatus,
    Service,
    Status,
    Tenant,
    iso,
    utcnow,
)
from syncline.observability import logger
from syncline.settings import settings

# by_status is eventually consistent: entries newer than this may not be in it yet, so a tick
# looks at failures up to this long ago (the next tick takes the rest).
INDEX_LAG = timedelta(seconds=15)
# A failure can reach by_status later than INDEX_LAG after its time: the index lagging more, a
# reconciler pass that settles entries Failed with its start time, a fan-out page that took long.
# Each tick looks this far behind what it covered, and reports what it finds there that was never
# reported (the sync ids reported in that stretch are remembered, at most REMEMBERED of them).
LATE_LOOK_BACK = timedelta(minutes=15)
REMEMBERED = 2_000
# Failure rows read for one email (to group them by error); beyond that they are only counted.
MAX_READ = 1_000
# The first tick that sees a service with alerts on looks back to when its settings last changed,
# but never further than this (a service set up long before alerting was deployed).
FIRST_LOOK_BACK = timedelta(days=1)
RUNS_SLACK = timedelta(minutes=10)
LEASE = "alerts-tick"
LEASE_SECONDS = 110.0  # under the function's timeout (120 s): a crashed tick frees it by then


@dataclass
class TickResult:
    sent: int = 0
    send_failures: int = 0
    paused: int = 0
    errors: int = 0
    skipped: bool = False


def run_marker(at: datetime) -> str:
    """A text that sorts just before every run id started at or after `at`."""
    return iso(at).replace("-", "").replace(":", "").replace(".", "").removesuffix("Z") + "-"


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


class _Tenant:
    """One company group's tick."""

    def __init__(self, deps: Deps, tenant_id: str, now: datetime, result: TickResult) -> None:
        self.deps, self.tenant_id, self.now, self.result = deps, tenant_id, now, result
        config = deps.config
        tenant = config.get_tenant(tenant_id)
        self.tenant_name = tenant.name if isinstance(tenant, Tenant) else tenant_id
        self.services = config.list_services(tenant_id)
        self.groups = {g.group_id: g for g in config.list_notification_groups(tenant_id)}
        self.states = config.alert_states(tenant_id)
        self._connectors: dict[str, ConnectorConfig] | None = None
        self.sender = settings().alert_sender or ""

    @property
    def connectors(self) -> dict[str, ConnectorConfig]:
        if self._connectors is None:
            self._connectors = {c.connector_id: c for c in self.deps.config.list_connectors(self.tenant_id)}
        return self._connectors

    def recipients(self, services: list[Service]) -> list[str]:
        out: list[str] = []
        for service in services:
            for group_id in service.alerts.groups:
                group: NotificationGroup | None = self.groups.get(group_id)
                out += group.recipients if group else []
        return list(dict.fromkeys(out))

    def redactor(self, connector_ids: list[str]) -> Redactor:
        """Every credential of these connectors, to mask in anything an email quotes."""
        from syncline import wiring

        redactor = Redactor()
        for connector_id in connector_ids:
            row = self.connectors.get(connector_id)
            if row is None or not row.credentials_secret_arn:
                continue
            try:
                redactor.add(*wiring.credentials(row.credentials_secret_arn).values())
            except Exception as exc:  # no credentials to leak then; patterns are still masked
                logger.warning(
                    "alerts: cannot read a connector's credentials", extra={"error_type": type(exc).__name__}
                )
        return redactor

    def deliver(
        self, message: EmailMessage, recipients: list[str], log: list[tuple[str, dict[str, Any]]]
    ) -> bool:
        """Send; on success one history row per (service, entry). False (logged) on failure."""
        if not recipients or not self.sender:
            return False
        try:
            ids = send.send(message, recipients)
        except Exception as exc:
            self.result.send_failures += 1
            logger.error(
                "alerts: sending failed, tried again on the next tick",
                extra={
                    "tenant_id": self.tenant_id,
                    "error_type": type(exc).__name__,
                    "kind": log[0][1].get("kind"),
                },
            )
            return False
        self.result.sent += 1
        for service_id, entry in log:
            self.deps.config.add_alert_log(
                self.tenant_id,
                service_id,
                self.now,
                {**entry, "subject": str(message["Subject"]), "recipients": recipients, "message_ids": ids},
            )
        return True

    # ---------------------------------------------------------------------------- services
    def service(self, service: Service) -> None:
        alerts = service.alerts
        if not alerts.enabled and not alerts.auto_pause.enabled:
            return
        window = timedelta(minutes=alerts.window_minutes)
        key = ("S", service.service_id)
        state = dict(self.states.get(key) or {})
        if not state:  # first sight: from when the settings changed (at most a day back), or a window back
            start = max(min(self.now - window, service.updated_at), self.now - FIRST_LOOK_BACK)
            state = {
                "covered_until": iso(start),
                "pull_covered": run_marker(start),
                "runs_after": run_marker(self.now),
            }
        before = dict(state)
        # Runs since the cursors, within a window and some: a quiet tick writes nothing, so the
        # cursors may be old; what is older than this was due (and sent) long ago.
        horizon = run_marker(self.now - window - RUNS_SLACK)
        runs = self.deps.syncs.runs_of_service_after(
            self.tenant_id, service.service_id, max(min(state["pull_covered"], state["runs_after"]), horizon)
        )
        if alerts.enabled:
            self.failures(service, state, runs, window)
        if alerts.auto_pause.enabled and service.active:
            self.auto_pause(service, state, runs)
        if state != before or key not in self.states:
            self.deps.config.put_alert_state(self.tenant_id, "S", service.service_id, state)

    def failures(self, service: Service, state: dict[str, Any], runs: list[Run], window: timedelta) -> None:
        alerts = service.alerts
        covered = _time(state["covered_until"]) or self.now - window
        until = self.now - INDEX_LAG
        last_sent = _time(state.get("last_sent_at"))
        new = self.unreported(service, state, covered, until) if alerts.events.item_failed else []
        pulls = [
            r
            for r in runs
            if alerts.events.run_pull_failed and r.run_id > state["pull_covered"] and r.pull_error is not None
        ]
        quiet = last_sent is None or self.now >= last_sent + window
        if new or pulls:
            earliest = min([_time(t) or self.now for t, _ in new] + [r.started_at for r in pulls])
            due = quiet and (alerts.mode == "immediate" or self.now >= earliest + window)
            if due:
                # what the email (and its report links) shows: from the first failure, or a window
                # back, never before what the last email covered
                shown = max(covered, min(earliest, until - window))
                self.digest(service, state, new, pulls, covered, until, shown)
            return
        if state.get("alerting") and quiet:
            ok = [
                r
                for r in runs
                if r.status == RunStatus.OK and last_sent is not None and r.started_at >= last_sent
            ]
            if ok:
                self.recovery(service, state, until)

    def unreported(
        self, service: Service, state: dict[str, Any], covered: datetime, until: datetime
    ) -> list[tuple[str, dict[str, str]]]:
        """Failed entries never emailed: those after `covered`, and those that reached the index
        late, with a time at or before it (within LATE_LOOK_BACK) and not among the reported."""
        if until <= covered - LATE_LOOK_BACK:
            return []
        found = self.deps.syncs.failed_keys(
            self.tenant_id, service.service_id, after=covered - LATE_LOOK_BACK, until=until
        )
        mark = iso(covered)
        reported = {ident for _, ident in state.get("reported", [])}
        return [(t, key) for t, key in found if t > mark or key["PK"] not in reported]

    def digest(
        self,
        service: Service,
        state: dict[str, Any],
        new: list[tuple[str, dict[str, str]]],
        pulls: list[Run],
        covered: datetime,
        until: datetime,
        shown: datetime,
    ) -> None:
        syncs = self.deps.syncs
        read_keys = [k for _, k in reversed(new[-MAX_READ:])]  # newest first
        items = [i for i in syncs.items_by_keys(read_keys) if i.status == Status.FAILED]
        still = len(syncs.failed_keys(self.tenant_id, service.service_id, until=covered))
        recovered = max(0, int(state.get("failing_total", 0)) - still)
        redactor = self.redactor([service.source.connector_id, service.destination.connector_id])

        def clean(text: str) -> str:
            return redact_patterns(redactor.clean(text, compose.MAX_REASON_CHARS))

        digest = compose.Digest(
            tenant_id=self.tenant_id,
            tenant_name=self.tenant_name,
            service_id=service.service_id,
            service_name=service.name,
            start=shown,
            end=until,
            window_minutes=service.alerts.window_minutes,
            new=len(new),
            still_failing=still,
            recovered=recovered,
            failures=[
                compose.Failure(
                    reference=clean(i.reference),
                    sync_id=i.sync_id,
                    destination_system=i.destination_system,
                    code=i.last_error.code if i.last_error else "",
                    message=clean(i.last_error.message) if i.last_error else "",
                    attempts=i.attempts,
                    at=i.updated_at,
                )
                for i in items
            ],
            unread=max(0, len(new) - len(read_keys)),
            pull_failures=[
                compose.PullFailure(
                    run_id=r.run_id,
                    code=r.pull_error.code if r.pull_error else "",
                    message=clean(r.pull_error.message) if r.pull_error else "",
                    at=r.started_at,
                )
                for r in pulls
            ],
            console_url=settings().alert_link_base,
        )
        recipients = self.recipients([service])
        message = compose.digest_message(digest, self.sender, recipients)
        entry = {
            "kind": "failures",
            "window_start": iso(shown),
            "window_end": iso(until),
            "counts": {
                "new": len(new),
                "still_failing": still,
                "recovered": recovered,
                "failed_pulls": len(pulls),
            },
        }
        if self.deliver(message, recipients, [(service.service_id, entry)]):
            keep = iso(until - LATE_LOOK_BACK)
            remembered = [pair for pair in state.get("reported", []) if pair[0] > keep]
            remembered += [[t, key["PK"]] for t, key in new if t > keep]
            state.update(
                reported=remembered[-REMEMBERED:],
                covered_until=iso(until),
                last_sent_at=iso(self.now),
                alerting=True,
                failing_total=still + len(new),
                pull_covered=max([state["pull_covered"], *(r.run_id for r in pulls)]),
            )

    def recovery(self, service: Service, state: dict[str, Any], until: datetime) -> None:
        recipients = self.recipients([service])
        message = compose.notice_message(
            f"{service.service_id}: recovered",
            [
                ("Company group", f"{self.tenant_name} ({self.tenant_id})"),
                ("Service", f"{service.name} ({service.service_id})"),
                ("Since", str(state.get("last_sent_at"))),
            ],
            "No new failures for a whole window and a successful run: the service has recovered.",
            self.sender,
            recipients,
        )
        entry = {
            "kind": "recovered",
            "window_start": state["covered_until"],
            "window_end": iso(until),
            "counts": {},
        }
        if self.deliver(message, recipients, [(service.service_id, entry)]):
            state.update(alerting=False, last_sent_at=iso(self.now), covered_until=iso(until))

    def auto_pause(self, service: Service, state: dict[str, Any], runs: list[Run]) -> None:
        count = int(state.get("failed_runs", 0))
        for run in runs:
            if run.run_id <= state["runs_after"]:
                continue
            if run.status == RunStatus.RUNNING:
                break
            count = count + 1 if run.status == RunStatus.FAILED else 0
            state["runs_after"] = run.run_id
        state["failed_runs"] = count
        limit = service.alerts.auto_pause.failed_runs
        half = max(1, limit // 2)
        if count < half:
            state["warned"] = False
            return
        if count >= limit:
            self.pause(service, state, count, limit)
        elif not state.get("warned"):
            state["warned"] = True
            self.pause_notice(service, "warning", count, limit)

    def pause(self, service: Service, state: dict[str, Any], count: int, limit: int) -> None:
        current = self.deps.config.get_service(self.tenant_id, service.service_id)  # as it is now
        if current is None or not current.active:
            return
        paused = current.model_copy(update={"active": False, "updated_at": utcnow()})
        self.deps.config.put_service(paused)
        schedules.apply(paused)  # inactive: its schedule is deleted
        self.result.paused += 1
        state.update(paused_at=iso(self.now), warned=False)
        logger.warning(
            "alerts: service paused after consecutive failed runs",
            extra={"tenant_id": self.tenant_id, "service_id": service.service_id, "failed_runs": count},
        )
        self.pause_notice(service, "paused", count, limit)

    def pause_notice(self, service: Service, kind: str, count: int, limit: int) -> None:
        if kind == "paused":
            subject = f"{service.service_id}: paused after {count} failed runs in a row"
            note = "The service is inactive and its schedule is off. Fix the cause, then activate it again."
        else:
            subject = f"{service.service_id}: {count} failed runs in a row (pauses at {limit})"
            note = f"After {limit} failed runs in a row the service is paused (auto-pause)."
        recipients = self.recipients([service])
        message = compose.notice_message(
            subject,
            [
                ("Company group", f"{self.tenant_name} ({self.tenant_id})"),
                ("Service", f"{service.name} ({service.service_id})"),
                ("Failed runs in a row", str(count)),
            ],
            note,
            self.sender,
            recipients,
        )
        # The pause itself is never undone for want of an email; the email is best effort.
        self.deliver(
            message,
            recipients,
            [(service.service_id, {"kind": f"auto_pause_{kind}", "counts": {"failed_runs": count}})],
        )

    # ---------------------------------------------------------------------------- connectors
    def connector_statuses(self) -> None:
        watching: dict[str, list[Service]] = {}
        for s in self.services:
            if s.alerts.enabled and s.alerts.events.connector_status:
                for connector_id in dict.fromkeys((s.source.connector_id, s.destination.connector_id)):
                    watching.setdefault(connector_id, []).append(s)
        for connector_id, services in sorted(watching.items()):
            connector = self.connectors.get(connector_id)
            if connector is None or connector.health_status == HealthStatus.UNKNOWN:
                continue
            current = connector.health_status.value
            last = (self.states.get(("C", connector_id)) or {}).get("status")
            if last == current:
                continue
            if last is None and connector.health_status == HealthStatus.OPERATIONAL:
                self.deps.config.put_alert_state(self.tenant_id, "C", connector_id, {"status": current})
                continue
            if self.connector_notice(connector, last, services):
                self.deps.config.put_alert_state(
                    self.tenant_id, "C", connector_id, {"status": current, "at": iso(self.now)}
                )

    def connector_notice(
        self, connector: ConnectorConfig, previous: str | None, services: list[Service]
    ) -> bool:
        redactor = self.redactor([connector.connector_id])
        status = connector.health_status.value
        reason = redact_patterns(redactor.clean(connector.health_reason or "", compose.MAX_REASON_CHARS))
        back = connector.health_status == HealthStatus.OPERATIONAL
        subject = f"connector {connector.connector_id}: " + (f"back to {status}" if back else status)
        recipients = self.recipients(services)
        message = compose.notice_message(
            subject,
            [
                ("Company group", f"{self.tenant_name} ({self.tenant_id})"),
                ("Connector", f"{connector.name} ({connector.connector_id}, {connector.system})"),
                ("Status", status),
                ("Previous status", previous or "-"),
                ("Reason", reason or "-"),
                ("Checked at", iso(connector.health_checked_at) if connector.health_checked_at else "-"),
                ("Services", ", ".join(s.service_id for s in services)),
            ],
            "Syncline emails once per status change; records bound for an unreachable system wait, "
            "they do not use up their attempts.",
            self.sender,
            recipients,
        )
        entry = {
            "kind": "connector_status",
            "connector_id": connector.connector_id,
            "status": status,
            "previous": previous,
        }
        return self.deliver(message, recipients, [(s.service_id, entry) for s in services])


def tick(deps: Deps, now: datetime | None = None) -> TickResult:
    """One pass over every company group, by one tick at a time (a lease: a tick still running
    when the next one fires makes that one skip, so no email can go out twice). A company group or
    service that fails is logged and skipped; the others go on."""
    import secrets
    import time

    now = now or utcnow()
    result = TickResult()
    holder, started = secrets.token_hex(8), time.time()
    if not deps.config.take_lease(LEASE, holder, now=started, until=started + LEASE_SECONDS):
        logger.info("alerts: the previous tick is still running; this one skips")
        result.skipped = True
        return result
    try:
        _tick(deps, now, result)
    finally:
        deps.config.release_lease(LEASE, holder)
    return result


def _tick(deps: Deps, now: datetime, result: TickResult) -> None:
    if not settings().alert_sender:
        logger.warning("alerts: no sender configured (SYNCLINE_ALERT_SENDER): no email is sent")
    for tenant_id in deps.config.list_tenant_ids():
        try:
            group = _Tenant(deps, tenant_id, now, result)
        except Exception as exc:
            result.errors += 1
            logger.exception(
                "alerts: company group skipped",
                extra={"tenant_id": tenant_id, "error_type": type(exc).__name__},
            )
            continue
        for service in group.services:
            try:
                group.service(service)
            except Exception as exc:
                result.errors += 1
                logger.exception(
                    "alerts: service skipped",
                    extra={
                        "tenant_id": tenant_id,
                        "service_id": service.service_id,
                        "error_type": type(exc).__name__,
                    },
                )
        try:
            group.connector_statuses()
        except Exception as exc:
            result.errors += 1
            logger.exception(
                "alerts: connector statuses skipped",
                extra={"tenant_id": tenant_id, "error_type": type(exc).__name__},
            )
